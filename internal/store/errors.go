package store

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinels that driver errors are mapped to, so callers test for a kind
// of failure with errors.Is whatever the database behind the store.
var (
	// ErrNotFound: the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique, primary key, foreign key or check constraint
	// refused the write.
	ErrConflict = errors.New("conflict")
	// ErrBusy: another writer held the database longer than the wait.
	ErrBusy = errors.New("database busy")
	// ErrCorrupt: the file is not a database, or is damaged.
	ErrCorrupt = errors.New("database corrupt")
	// ErrUnsupported: the database kind or schema version is one this
	// build cannot use.
	ErrUnsupported = errors.New("unsupported database")
)

// sqlStater is implemented by PostgreSQL driver errors (pgconn.PgError),
// so they can be mapped without importing the driver here.
type sqlStater interface{ SQLState() string }

// MapError wraps err with the sentinel its kind maps to, keeping the
// driver's message; errors of no known kind come back unchanged.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrBusy) || errors.Is(err, ErrCorrupt) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary result code
		case sqlite3.SQLITE_CONSTRAINT:
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%w: %w", ErrBusy, err)
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		return err
	}
	var ps sqlStater
	if errors.As(err, &ps) {
		state := ps.SQLState()
		switch {
		case len(state) == 5 && state[:2] == "23": // integrity constraint violation
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case state == "40001", state == "40P01", state == "55P03": // serialization, deadlock, lock not available
			return fmt.Errorf("%w: %w", ErrBusy, err)
		case state == "XX001", state == "XX002": // data or index corrupted
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	return err
}
