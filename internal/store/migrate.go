package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"time"
)

// Migrations live in migrations/<dialect>/NNNN_name.sql, numbered from
// 0001 without gaps; both dialects carry the same numbers and names.
//
//go:embed migrations
var migrationFiles embed.FS

// Migration is one step of the schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

// Migrations lists a dialect's migrations in order. It fails on a file
// that is not named NNNN_name.sql or on a gap in the numbering.
func Migrations(d Dialect) ([]Migration, error) {
	return loadMigrations(migrationFiles, "migrations/"+string(d))
}

func loadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries { // ReadDir sorts by name
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			return nil, fmt.Errorf("migrations: %s/%s is not named NNNN_name.sql", dir, e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migrations: %s/%s: expected version %04d", dir, e.Name(), len(ms)+1)
		}
		body, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		ms = append(ms, Migration{Version: v, Name: m[2], SQL: string(body)})
	}
	return ms, nil
}

// createMigrationsTable is the one statement that runs before any
// migration; its time column type differs per dialect.
var createMigrationsTable = map[Dialect]string{
	SQLite:   `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`,
	Postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
}

// migrate applies the migrations the database lacks, each in its own
// transaction together with its schema_migrations row. The row is checked
// again inside the transaction, so two processes opening a new database at
// once apply each migration once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := Migrations(s.dialect)
	if err != nil {
		return err
	}
	if s.dialect == Postgres {
		// Processes on several machines may open a new database at once;
		// an advisory lock lets one migrate while the others wait.
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7061736)`); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7061736)`) //nolint:errcheck // released with the session anyway
	}
	if _, err := s.db.ExecContext(ctx, createMigrationsTable[s.dialect]); err != nil {
		return err
	}
	var newest sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&newest); err != nil {
		return err
	}
	if int(newest.Int64) > len(ms) {
		return fmt.Errorf("%w: schema version %d is newer than this ospo knows (%d); use a newer ospo", ErrUnsupported, newest.Int64, len(ms))
	}
	for _, m := range ms[newest.Int64:] {
		if err := s.apply(ctx, m); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m Migration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var one int
	err = tx.QueryRowContext(ctx, s.Rebind(`SELECT 1 FROM schema_migrations WHERE version = ?`), m.Version).Scan(&one)
	switch {
	case err == nil:
		return nil // another process applied it meanwhile
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.Version, m.Name, time.Now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// Version is the schema version the database is at.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, MapError(err)
	}
	return int(v.Int64), nil
}
