package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "ospo.db")
		st, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, st, `CREATE TABLE keep (v TEXT)`, `INSERT INTO keep VALUES ('before')`)
		backup := filepath.Join(dir, "backup.db")
		if err := st.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		if err := st.Backup(ctx, backup); err == nil || !strings.Contains(err.Error(), "exists") {
			t.Errorf("backup over an existing file: %v", err)
		}
		mustExec(t, st, `UPDATE keep SET v = 'after'`)
		st.Close()

		// A file that is not a backup changes nothing.
		junk := filepath.Join(dir, "junk.db")
		os.WriteFile(junk, []byte(strings.Repeat("junk", 2000)), 0o644)
		if err := store.Restore(ctx, junk, path); err == nil || !strings.Contains(err.Error(), "not a usable ospo backup") {
			t.Errorf("restore of junk: %v", err)
		}
		if got := value(t, path); got != "after" {
			t.Errorf("after a failed restore: %q, want after", got)
		}
		// Nor do an empty file and a SQLite database of something else,
		// which a store would open (and give ospo's empty schema).
		empty := filepath.Join(dir, "empty.db")
		os.WriteFile(empty, nil, 0o644)
		other := filepath.Join(dir, "other.db")
		odb, err := sql.Open("sqlite", other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := odb.Exec(`CREATE TABLE t (x INTEGER)`); err != nil {
			t.Fatal(err)
		}
		odb.Close()
		for _, bad := range []string{empty, other} {
			if err := store.Restore(ctx, bad, path); err == nil || !strings.Contains(err.Error(), "no ospo schema") {
				t.Errorf("restore of %s: %v", filepath.Base(bad), err)
			}
			if got := value(t, path); got != "after" {
				t.Errorf("after restoring %s: %q, want after", filepath.Base(bad), got)
			}
		}
		if err := store.Restore(ctx, backup, path); err != nil {
			t.Fatal(err)
		}
		if got := value(t, path); got != "before" {
			t.Errorf("after restore: %q, want before", got)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PostgresURL(t)
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		mustExec(t, st, `CREATE TABLE keep (v TEXT)`, `INSERT INTO keep VALUES ('before')`)
		backup := filepath.Join(t.TempDir(), "backup.pgdump")
		if err := st.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		mustExec(t, st, `UPDATE keep SET v = 'after'`, `INSERT INTO events (at, actor, action) VALUES (now(), 'x', 'y')`)

		// A file that is not a dump changes nothing.
		junk := filepath.Join(t.TempDir(), "junk.pgdump")
		os.WriteFile(junk, []byte(strings.Repeat("junk", 2000)), 0o644)
		if err := store.Restore(ctx, junk, dsn); err == nil || !strings.Contains(err.Error(), "not a PostgreSQL backup") {
			t.Errorf("restore of junk: %v", err)
		}
		var v string
		if err := st.DB().QueryRowContext(ctx, `SELECT v FROM keep`).Scan(&v); err != nil || v != "after" {
			t.Errorf("after a failed restore: %q %v, want after", v, err)
		}

		if err := store.Restore(ctx, backup, dsn); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT v FROM keep`).Scan(&v); err != nil || v != "before" {
			t.Errorf("after restore: %q %v", v, err)
		}
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&n); err != nil || n != 0 {
			t.Errorf("events after restore: %d %v", n, err)
		}
	})
}

// TestPostgresRestoreOlderBackup restores a backup taken at schema
// version 3 over a database at the current version, with rows written
// since: the restore replaces everything in the schema, and the next
// Open brings the backup's data to the current version.
func TestPostgresRestoreOlderBackup(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresURL(t)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	// Rewind to the database a build knowing three migrations wrote.
	mustExec(t, st, `CREATE TABLE keep (v TEXT)`, `INSERT INTO keep VALUES ('before')`,
		`DROP TABLE api_tokens, sessions, users`, `DELETE FROM schema_migrations WHERE version = 4`)
	backup := filepath.Join(t.TempDir(), "v3.pgdump")
	if err := st.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = store.Open(ctx, dsn) // back at the current version
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, st, `UPDATE keep SET v = 'after'`,
		`INSERT INTO events (at, actor, action) VALUES (now(), 'x', 'y')`,
		`INSERT INTO users (name, role, created_at) VALUES ('late', 'admin', now())`,
		`CREATE TABLE stray (v TEXT)`)
	st.Close()

	if err := store.Restore(ctx, backup, dsn); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open after restoring an older backup: %v", err)
	}
	defer st.Close()
	ms, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := st.Version(ctx); err != nil || v != len(ms) {
		t.Errorf("version after restore: %d %v, want %d", v, err, len(ms))
	}
	var v string
	if err := st.DB().QueryRowContext(ctx, `SELECT v FROM keep`).Scan(&v); err != nil || v != "before" {
		t.Errorf("keep after restore: %q %v, want before", v, err)
	}
	for _, table := range []string{"events", "users"} {
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s after restore: %d rows %v, want 0", table, n, err)
		}
	}
	var stray *string
	if err := st.DB().QueryRowContext(ctx, `SELECT to_regclass('stray')::text`).Scan(&stray); err != nil || stray != nil {
		t.Errorf("a table made after the backup survived the restore: %v %v", stray, err)
	}
}

// TestPostgresRestoreIntoAnotherSchema refuses a backup of one schema
// restored into a URL whose search_path names another, and leaves the
// target as it was.
func TestPostgresRestoreIntoAnotherSchema(t *testing.T) {
	ctx := context.Background()
	from, into := storetest.PostgresURL(t), storetest.PostgresURL(t)
	src, err := store.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	mustExec(t, src, `CREATE TABLE keep (v TEXT)`, `INSERT INTO keep VALUES ('from')`)
	backup := filepath.Join(t.TempDir(), "from.pgdump")
	if err := src.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	dst, err := store.Open(ctx, into)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	mustExec(t, dst, `CREATE TABLE keep (v TEXT)`, `INSERT INTO keep VALUES ('into')`)

	err = store.Restore(ctx, backup, into)
	fromSchema, intoSchema := schemaOf(t, from), schemaOf(t, into)
	if err == nil || !strings.Contains(err.Error(), fromSchema) || !strings.Contains(err.Error(), intoSchema) {
		t.Fatalf("restore into another schema: %v; want an error naming %s and %s", err, fromSchema, intoSchema)
	}
	var v string
	if err := dst.DB().QueryRowContext(ctx, `SELECT v FROM keep`).Scan(&v); err != nil || v != "into" {
		t.Errorf("target after a refused restore: %q %v, want into", v, err)
	}
}

// TestPostgresRestoreDamagedDumpChangesNothing cuts the end off a dump:
// its table of contents still lists, its data does not read, and the
// restore, already under way when pg_restore fails, is rolled back.
func TestPostgresRestoreDamagedDumpChangesNothing(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresURL(t)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mustExec(t, st, `CREATE TABLE keep (v TEXT)`, `INSERT INTO keep SELECT md5(g::text) FROM generate_series(1, 20000) g`)
	backup := filepath.Join(t.TempDir(), "backup.pgdump")
	if err := st.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	mustExec(t, st, `INSERT INTO events (at, actor, action) VALUES (now(), 'x', 'y')`)
	fi, err := os.Stat(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(backup, fi.Size()-fi.Size()/4); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pg_restore", "--list", backup).CombinedOutput(); err != nil {
		t.Fatalf("the cut dump no longer lists, so this tests nothing: %v %s", err, out)
	}
	err = store.Restore(ctx, backup, dsn)
	if err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("restore of a cut dump: %v", err)
	}
	var keep, events int
	if err := st.DB().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM keep), (SELECT COUNT(*) FROM events)`).Scan(&keep, &events); err != nil {
		t.Fatal(err)
	}
	if keep != 20000 || events != 1 {
		t.Errorf("after a failed restore: keep %d, events %d; want 20000, 1", keep, events)
	}
}

// TestPostgresToolsGetNoPasswordOnTheCommandLine runs Backup with a fake
// pg_dump that records its arguments and PGPASSWORD: the password of
// the URL, in the user information or the query, must reach the tool
// through its environment only.
func TestPostgresToolsGetNoPasswordOnTheCommandLine(t *testing.T) {
	ctx := context.Background()
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$FAKE_OUT/args\"\nprintf '%s' \"$PGPASSWORD\" > \"$FAKE_OUT/password\"\n"
	if err := os.WriteFile(filepath.Join(bin, "pg_dump"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, withPassword := range map[string]func(*url.URL){
		"query":    func(u *url.URL) { q := u.Query(); q.Set("password", "s3cret"); u.RawQuery = q.Encode() },
		"userinfo": func(u *url.URL) { u.User = url.UserPassword(me.Username, "s3cret") },
	} {
		t.Run(name, func(t *testing.T) {
			u, err := url.Parse(storetest.PostgresURL(t))
			if err != nil {
				t.Fatal(err)
			}
			withPassword(u)
			st, err := store.Open(ctx, u.String()) // the test server trusts local connections
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			out := t.TempDir()
			t.Setenv("FAKE_OUT", out)
			t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			if err := st.Backup(ctx, filepath.Join(out, "backup.pgdump")); err != nil {
				t.Fatal(err)
			}
			args, err := os.ReadFile(filepath.Join(out, "args"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(args), "s3cret") || !strings.Contains(string(args), "--dbname=postgres://") {
				t.Errorf("pg_dump arguments:\n%s", args)
			}
			if pw, _ := os.ReadFile(filepath.Join(out, "password")); string(pw) != "s3cret" {
				t.Errorf("PGPASSWORD = %q, want s3cret", pw)
			}
		})
	}
}

// schemaOf is the search_path of a storetest URL.
func schemaOf(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}

func mustExec(t *testing.T, st *store.Store, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func value(t *testing.T, path string) string {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var v string
	if err := st.DB().QueryRow(`SELECT v FROM keep`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
