// Package storetest opens real databases for tests: a SQLite file in the
// test's temporary directory, and a PostgreSQL schema of its own on the
// server OSPO_TEST_POSTGRES names. Each runs a test against both, so one
// suite proves the same behaviour on either dialect.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"ospo/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL server's URL
// (for example postgres://root@127.0.0.1:5432/test). When it is set, an
// unreachable server fails the tests instead of skipping them, so a CI
// run cannot pass without PostgreSQL by accident.
const EnvPostgres = "OSPO_TEST_POSTGRES"

// SQLite opens a migrated SQLite store in a temporary directory.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "ospo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// PostgresURL is a URL of a fresh, empty schema on the test server; the
// schema is dropped when the test ends. It skips the test when
// OSPO_TEST_POSTGRES is not set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("PostgreSQL tests need %s (make test sets it)", EnvPostgres)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s is set but the server cannot be reached: %v", EnvPostgres, err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "ospo_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a migrated store on a fresh schema of the test server.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Each runs fn as two subtests, "sqlite" and "postgres", each with a
// fresh store. The postgres one is skipped when OSPO_TEST_POSTGRES is
// not set.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EnvDialect names the variable that makes Open choose the dialect of a
// whole test run: "postgres" runs a package's store tests on PostgreSQL
// (make test runs the store-backed packages once more that way).
const EnvDialect = "OSPO_TEST_DIALECT"

// Open opens a fresh store of the dialect OSPO_TEST_DIALECT names
// (SQLite when unset). A package whose tests all go through Open runs
// its whole suite on either dialect.
func Open(t testing.TB) *store.Store {
	t.Helper()
	switch d := os.Getenv(EnvDialect); d {
	case "", "sqlite":
		return SQLite(t)
	case "postgres":
		if os.Getenv(EnvPostgres) == "" {
			t.Fatalf("%s=postgres needs %s", EnvDialect, EnvPostgres)
		}
		return Postgres(t)
	default:
		t.Fatalf("%s=%q: use sqlite or postgres", EnvDialect, d)
		return nil
	}
}
