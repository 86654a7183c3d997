package store_test

import (
	"context"
	"os"
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
		if err := store.Restore(ctx, backup, dsn); err != nil {
			t.Fatal(err)
		}
		var v string
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT v FROM keep`).Scan(&v); err != nil || v != "before" {
			t.Errorf("after restore: %q %v", v, err)
		}
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&n); err != nil || n != 0 {
			t.Errorf("events after restore: %d %v", n, err)
		}
	})
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
