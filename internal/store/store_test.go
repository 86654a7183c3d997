package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "ospo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

type appliedRow struct {
	Version int
	Name    string
}

func applied(t *testing.T, s *Store) []appliedRow {
	t.Helper()
	rows, err := s.DB().Query(`SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []appliedRow
	for rows.Next() {
		var r appliedRow
		if err := rows.Scan(&r.Version, &r.Name); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func wantApplied(t *testing.T) []appliedRow {
	t.Helper()
	ms, err := Migrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	var want []appliedRow
	for _, m := range ms {
		want = append(want, appliedRow{m.Version, m.Name})
	}
	return want
}

func TestOpenAppliesMigrationsOnceAndReopenIsNoOp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ospo.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	want := wantApplied(t)
	if len(want) == 0 {
		t.Fatal("no migrations embedded")
	}
	if diff := cmp.Diff(want, applied(t, s)); diff != "" {
		t.Errorf("applied migrations (-want +got):\n%s", diff)
	}
	var before string
	if err := s.DB().QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	// The schema is there: the OSV tables exist.
	for _, table := range []string{"osv_records", "osv_affected", "osv_sources"} {
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s: count %d, err %v", table, n, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	if diff := cmp.Diff(want, applied(t, s2)); diff != "" {
		t.Errorf("after reopen (-want +got):\n%s", diff)
	}
	var after string
	if err := s2.DB().QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("migration 1 re-applied: applied_at %s, then %s", before, after)
	}
	v, err := s2.Version(ctx)
	if err != nil || v != len(want) {
		t.Errorf("Version = %d, %v; want %d", v, err, len(want))
	}
}

func TestOpenSetsPragmas(t *testing.T) {
	s := openTemp(t)
	// Several connections of the pool must all carry the settings, so
	// hold a few at once.
	ctx := context.Background()
	var conns []*sql.Conn
	for range 3 {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		var journal string
		var fk, sync, busy int
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
			t.Fatal(err)
		}
		got := []any{journal, fk, sync, busy}
		want := []any{"wal", 1, 1, busyTimeoutMillis} // synchronous NORMAL is 1
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("connection %d pragmas (-want +got):\n%s", i, diff)
		}
		c.Close()
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	// ? and # and % would end or escape the path in a naive file: URI.
	dir := filepath.Join(t.TempDir(), "a?b#c%d")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "my db.sqlite")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at %s: %v", path, err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not a database file\n", 200)), 0o644); err != nil {
		t.Fatal(err)
	}

	// A real database whose schema page is overwritten.
	damaged := filepath.Join(dir, "damaged.db")
	s, err := Open(ctx, damaged)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	data, err := os.ReadFile(damaged)
	if err != nil {
		t.Fatal(err)
	}
	for i := 100; i < 4096 && i < len(data); i++ {
		data[i] = 0xA5
	}
	if err := os.WriteFile(damaged, data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(damaged + "-wal")
	os.Remove(damaged + "-shm")

	tests := []struct {
		name     string
		dsn      string
		sentinel error
		mention  string
	}{
		{"not a database", garbage, ErrCorrupt, garbage},
		{"damaged database", damaged, ErrCorrupt, damaged},
		{"postgres unreachable", "postgres://ospo:secret@127.0.0.1:1/ospo?connect_timeout=2", nil, "127.0.0.1:1"},
		{"postgres unreadable URL", "postgres://ospo:secret@127.0.0.1:notaport/ospo", nil, "cannot be read"},
		{"other URL", "mysql://db.example/ospo", ErrUnsupported, "mysql://"},
		{"missing directory", filepath.Join(dir, "no", "such", "ospo.db"), nil, filepath.Join(dir, "no", "such", "ospo.db")},
		{"directory", dir, nil, "is a directory"},
		{"empty", "", nil, "no path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(ctx, tt.dsn)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			t.Log(err)
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("error %q is not %v", err, tt.sentinel)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

func TestOpenNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ospo.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, path)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "999") {
		t.Errorf("Open of a newer schema: %v", err)
	}
}

func TestConcurrentOpenMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ospo.db")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	stores := make([]*Store, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(context.Background(), path)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	if diff := cmp.Diff(wantApplied(t), applied(t, stores[0])); diff != "" {
		t.Errorf("applied migrations (-want +got):\n%s", diff)
	}
}

func TestMapError(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	db := s.DB()
	insert := `INSERT INTO osv_sources (name, location, imported_at, checked_at) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`
	if _, err := db.ExecContext(ctx, insert, "a", "x"); err != nil {
		t.Fatal(err)
	}
	_, err := db.ExecContext(ctx, insert, "a", "y")
	if err := MapError(err); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "UNIQUE") {
		t.Errorf("duplicate key: %v", err)
	}
	// A foreign key violation is a conflict too (foreign keys are on).
	_, err = db.ExecContext(ctx, `INSERT INTO osv_affected (record_id, ecosystem, ecosystem_base, name) VALUES ('nope', 'Go', 'Go', 'x')`)
	if err := MapError(err); !errors.Is(err, ErrConflict) {
		t.Errorf("foreign key: %v", err)
	}
	var loc string
	err = db.QueryRowContext(ctx, `SELECT location FROM osv_sources WHERE name = ?`, "missing").Scan(&loc)
	if err := MapError(err); !errors.Is(err, ErrNotFound) || !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("no rows: %v", err)
	}
	if MapError(nil) != nil {
		t.Error("MapError(nil) != nil")
	}
	plain := errors.New("plain")
	if MapError(plain) != plain {
		t.Error("an unknown error is changed")
	}
	if err := MapError(pgError("23505")); !errors.Is(err, ErrConflict) {
		t.Errorf("PostgreSQL unique violation: %v", err)
	}
	if err := MapError(pgError("55P03")); !errors.Is(err, ErrBusy) {
		t.Errorf("PostgreSQL lock not available: %v", err)
	}
}

type pgError string

func (e pgError) Error() string    { return "pg error " + string(e) }
func (e pgError) SQLState() string { return string(e) }

func TestBusyIsMapped(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ospo.db")
	s := must(Open(ctx, path))
	defer s.Close()
	// A second handle with no patience for the writer lock.
	other, err := sql.Open("sqlite", "file:"+path+"?_busy_timeout=0&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = other.ExecContext(ctx, `INSERT INTO osv_sources (name, location, imported_at, checked_at) VALUES ('b', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	if err := MapError(err); !errors.Is(err, ErrBusy) {
		t.Errorf("write while another holds the lock: %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestInTx(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	count := func() int {
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM osv_sources`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert := `INSERT INTO osv_sources (name, location, imported_at, checked_at) VALUES (?, 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(insert, "rolled back"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || count() != 0 {
		t.Errorf("failed fn: err %v, %d rows", err, count())
	}
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(insert, "kept")
		return err
	})
	if err != nil || count() != 1 {
		t.Errorf("good fn: err %v, %d rows", err, count())
	}
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(insert, "kept")
		return err
	})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("conflicting fn: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	data := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct {
		name, xdg, want string
	}{
		{"XDG_DATA_HOME", data, filepath.Join(data, "ospo", "ospo.db")},
		{"unset", "", filepath.Join(home, ".local", "share", "ospo", "ospo.db")},
		{"relative is ignored", "relative/dir", filepath.Join(home, ".local", "share", "ospo", "ospo.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_DATA_HOME", tt.xdg)
			got, err := DefaultPath()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("DefaultPath() = %s, want %s", got, tt.want)
			}
			fi, err := os.Stat(filepath.Dir(got))
			if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
				t.Errorf("directory not created private: %v %v", fi, err)
			}
		})
	}
}

func TestRebind(t *testing.T) {
	tests := []struct {
		d        Dialect
		in, want string
	}{
		{SQLite, `SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = ? AND c = ?`},
		{Postgres, `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`, `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`},
		{Postgres, `SELECT '?' , "odd?name" FROM t WHERE b = ?`, `SELECT '?' , "odd?name" FROM t WHERE b = $1`},
		{Postgres, `SELECT 'it''s ?' WHERE x = ?`, `SELECT 'it''s ?' WHERE x = $1`},
	}
	for _, tt := range tests {
		if got := rebind(tt.d, tt.in); got != tt.want {
			t.Errorf("rebind(%s, %q) = %q, want %q", tt.d, tt.in, got, tt.want)
		}
	}
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := Migrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := Migrations(Postgres)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []Migration) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	if diff := cmp.Diff(names(lite), names(pg)); diff != "" {
		t.Errorf("sqlite and postgres migrations differ (-sqlite +postgres):\n%s", diff)
	}
}

func TestLoadMigrationsRejectsBadNames(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"bad name", fstest.MapFS{"m/0001_init.sql": {}, "m/2_x.sql": {}}, "not named"},
		{"gap", fstest.MapFS{"m/0001_init.sql": {}, "m/0003_x.sql": {}}, "expected version 0002"},
		{"uppercase", fstest.MapFS{"m/0001_Init.sql": {}}, "not named"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadMigrations(tt.files, "m")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
