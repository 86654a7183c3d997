// Package store is ospo's database: one schema, kept by embedded
// migrations, behind database/sql. The embedded default is a SQLite file
// (pure Go driver, WAL mode); PostgreSQL (pgx) uses the same schema and
// the same queries, rebound to its placeholder style by Rebind.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	// The pure Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"
)

// Dialect names the SQL flavour behind a Store.
type Dialect string

// The dialects a Store speaks.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// busyTimeoutMillis is how long a SQLite connection waits for another
// writer before it gives up with ErrBusy. An OSV import holds the write
// lock for a few seconds, so the wait is generous.
const busyTimeoutMillis = 30_000

// sqliteMaxConns bounds a SQLite store's connections.
const sqliteMaxConns = 16

// Store is an open database with its schema migrated to the version this
// build knows.
type Store struct {
	db      *sql.DB
	dialect Dialect
	path    string
	// pool is the pgx pool behind db on PostgreSQL (nil on SQLite); the
	// job queue uses it directly.
	pool *pgxpool.Pool
	// dsn is the PostgreSQL URL, for the backup tools.
	dsn string
}

// Open opens the database dsn names and applies the migrations it lacks.
// A dsn is a file path for SQLite (the file is created when missing; its
// directory must exist) or a postgres:// URL for PostgreSQL.
func Open(ctx context.Context, dsn string) (*Store, error) {
	switch {
	case dsn == "":
		return nil, errors.New("open database: no path given")
	case IsPostgres(dsn):
		return openPostgres(ctx, dsn)
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("open database: %w: %q is neither a file path nor a postgres:// URL", ErrUnsupported, dsn)
	}
	path, err := filepath.Abs(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("open database %s: is a directory", path)
	}
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("open database %s: directory: %w", path, err)
	}
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// Opening a SQLite connection reads the schema and maps the file, so
	// connections are kept rather than closed after each burst (the pool
	// keeps two by default), and bounded: more connections than this
	// only queue for the same cores and the one writer.
	db.SetMaxOpenConns(sqliteMaxConns)
	db.SetMaxIdleConns(sqliteMaxConns)
	s := &Store{db: db, dialect: SQLite, path: path}
	if err := firstConnect(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, MapError(err))
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		err = MapError(err)
		if errors.Is(err, ErrCorrupt) {
			return nil, fmt.Errorf("open database %s: not a usable ospo database (not SQLite, or damaged): %w", path, err)
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

// firstConnect opens the store's first SQLite connection. Switching a new
// file to WAL needs the file to itself, and SQLite answers "busy" to a
// connection that opens meanwhile without calling the busy handler, so
// processes (or goroutines) opening a new database together would fail
// at once. The first connection is therefore retried, with growing
// pauses, for as long as the busy timeout allows. Once the file is in
// WAL mode the switch is a no-op and this returns at the first try.
func firstConnect(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeoutMillis * time.Millisecond)
	pause := time.Millisecond
	for {
		err := db.PingContext(ctx)
		if err == nil || !errors.Is(MapError(err), ErrBusy) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// sqliteDSN builds the driver's URI for path: WAL so readers never wait
// for the writer, NORMAL sync (safe with WAL), foreign keys on, a busy
// timeout, and times written in SQLite's own sortable text form (read
// back as time.Time from TIMESTAMP columns; aggregates such as MAX come
// back as that text). Every BeginTx takes the write lock at once: a
// deferred transaction that upgrades later would fail with "busy"
// instead of waiting, so reads outside transactions are the rule. Pages
// are read through a memory map.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMillis))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	// Reads through a memory map instead of a system call per page: the
	// OSV lookups of a scan touch thousands of pages of a cold connection.
	q.Add("_pragma", "mmap_size(268435456)")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// IsPostgres tells whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres connects through a pgx pool and migrates. Errors name the
// server but never the password the URL may carry.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	where := RedactDSN(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: the URL cannot be read", where)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	s := &Store{db: stdlib.OpenDBFromPool(pool), dialect: Postgres, pool: pool, dsn: dsn}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", where, MapError(err))
	}
	return s, nil
}

// RedactDSN is dsn fit for messages: a URL without its password (in the
// user information or a password parameter, which pgx reads too), a file
// path as it is.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		if IsPostgres(dsn) {
			return "postgres://…"
		}
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	u.RawQuery = redactQuery(u.RawQuery)
	return u.Redacted()
}

// redactQuery masks the value of every password parameter of a raw
// query, leaving the other parameters as they were written.
func redactQuery(raw string) string {
	if raw == "" {
		return raw
	}
	params := strings.Split(raw, "&")
	for i, p := range params {
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil && k == "password" {
			params[i] = "password=xxxxx"
		}
	}
	return strings.Join(params, "&")
}

// DefaultPath is where the database lives when no --db is given:
// ospo/ospo.db under the user's data directory ($XDG_DATA_HOME, else
// ~/.local/share). The directory is created, private to the user.
func DefaultPath() (string, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if !filepath.IsAbs(base) {
		// The XDG specification says relative values are to be ignored.
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("database location: %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	dir := filepath.Join(base, "ospo")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("database location: %w", err)
	}
	return filepath.Join(dir, "ospo.db"), nil
}

// DB is the connection pool, for the packages that own tables.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect tells which SQL flavour the store speaks.
func (s *Store) Dialect() Dialect { return s.dialect }

// Path is the database file (empty for a server database).
func (s *Store) Path() string { return s.path }

// Pool is the pgx pool on PostgreSQL, nil on SQLite.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.pool != nil {
		s.pool.Close()
	}
	return err
}

// Rebind rewrites a query written with ? placeholders into the store's
// placeholder style ($1, $2, … for PostgreSQL). Question marks inside
// quoted strings and identifiers are left alone.
func (s *Store) Rebind(query string) string { return rebind(s.dialect, query) }

func rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise (also when ctx ends). Errors come back through MapError.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return MapError(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return MapError(err)
	}
	if err := ctx.Err(); err != nil {
		_ = tx.Rollback()
		return err
	}
	return MapError(tx.Commit())
}
