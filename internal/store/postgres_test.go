package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"

	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

// TestBothDialects runs the behaviour every package relies on against
// SQLite and PostgreSQL alike.
func TestBothDialects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ms, err := store.Migrations(st.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		v, err := st.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(ms) {
			t.Fatalf("schema version %d, want %d", v, len(ms))
		}
		if _, err := st.DB().ExecContext(ctx, `CREATE TABLE t_unique (k TEXT PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		ins := st.Rebind(`INSERT INTO t_unique (k, n) VALUES (?, ?)`)
		if _, err := st.DB().ExecContext(ctx, ins, "a", 1); err != nil {
			t.Fatal(err)
		}
		_, err = st.DB().ExecContext(ctx, ins, "a", 2)
		if !errors.Is(store.MapError(err), store.ErrConflict) {
			t.Errorf("duplicate key: %v, want ErrConflict", err)
		}
		var n int
		err = st.DB().QueryRowContext(ctx, st.Rebind(`SELECT n FROM t_unique WHERE k = ?`), "zz").Scan(&n)
		if !errors.Is(store.MapError(err), store.ErrNotFound) {
			t.Errorf("missing row: %v, want ErrNotFound", err)
		}
		// A failed transaction keeps nothing.
		boom := errors.New("boom")
		err = st.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, ins, "b", 1); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM t_unique`).Scan(&n); err != nil || n != 1 {
			t.Errorf("after rollback: %d rows, %v; want 1", n, err)
		}
	})
}

// TestPostgresConcurrentOpenMigratesOnce opens one new schema from four
// processes' worth of connections at once; the advisory lock lets one
// migrate and the others find the work done.
func TestPostgresConcurrentOpenMigratesOnce(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			st, err := store.Open(ctx, dsn)
			if err == nil {
				st.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var rows, distinct int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != distinct {
		t.Errorf("%d migration rows for %d versions", rows, distinct)
	}
	if st.Pool() == nil || st.Path() != "" {
		t.Errorf("postgres store: pool %v, path %q", st.Pool(), st.Path())
	}
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://ospo:secret@db:5432/x":                          "postgres://ospo:xxxxx@db:5432/x",
		"postgres://db/x":                                           "postgres://db/x",
		"/var/lib/ospo.db":                                          "/var/lib/ospo.db",
		"postgres://ospo@db/ospo?password=s3cret":                   "postgres://ospo@db/ospo?password=xxxxx",
		"postgres://ospo:a@db/x?sslmode=disable&password=b%26c&x=1": "postgres://ospo:xxxxx@db/x?sslmode=disable&password=xxxxx&x=1",
		"postgres:///x?host=/run/pg&pass%77ord=s3cret":              "postgres:///x?host=/run/pg&password=xxxxx",
	} {
		if got := store.RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOpenPostgresErrorHidesPassword fails to connect with a password in
// the URL's query, which pgx reads: the error must not repeat it.
func TestOpenPostgresErrorHidesPassword(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://ospo@127.0.0.1:1/ospo?password=s3cret&connect_timeout=5")
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("Open error: %v", err)
	}
}
