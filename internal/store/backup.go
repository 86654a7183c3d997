package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the database to dest, which must
// not exist yet, while the database stays in use. SQLite is copied with
// VACUUM INTO (a compact, self-contained file); PostgreSQL is dumped with
// pg_dump in its custom format, which must be on PATH.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup to %s: the file exists; choose a new name", dest)
	}
	switch s.dialect {
	case SQLite:
		if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
			os.Remove(dest)
			return fmt.Errorf("backup to %s: %w", dest, MapError(err))
		}
		return nil
	default:
		return s.pgTool(ctx, "pg_dump", "--format=custom", "--no-owner", "--file="+dest)
	}
}

// Restore replaces the database dsn names with the backup in src. A
// SQLite backup is checked (it must open as an ospo database, and is
// brought to this version's schema) before it replaces the file, so a
// bad backup leaves the database as it was; the portal and workers must
// be stopped first. A PostgreSQL backup is restored with pg_restore
// --clean into the database, which is changed in place.
func Restore(ctx context.Context, src, dsn string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	if IsPostgres(dsn) {
		st, err := Open(ctx, dsn)
		if err != nil {
			return err
		}
		defer st.Close()
		return st.pgTool(ctx, "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", src)
	}
	target, err := filepath.Abs(dsn)
	if err != nil {
		return fmt.Errorf("restore to %s: %w", dsn, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), ".ospo-restore-*.db")
	if err != nil {
		return fmt.Errorf("restore to %s: %w", target, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	in, err := os.Open(src)
	if err != nil {
		tmp.Close()
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	_, err = tmp.ReadFrom(in)
	in.Close()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	st, err := Open(ctx, tmpName)
	if err != nil {
		return fmt.Errorf("restore from %s: not a usable ospo backup: %w", src, err)
	}
	// Fold the write-ahead log into the file before it is moved.
	if _, err := st.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		st.Close()
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	st.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore to %s: %w", target, err)
		}
	}
	if err := os.Rename(tmpName, target); err != nil {
		return fmt.Errorf("restore to %s: %w", target, err)
	}
	return nil
}

// pgTool runs pg_dump or pg_restore against the store's database. A
// search_path in the URL (one schema) becomes the tool's --schema, since
// libpq does not read it from a URL.
func (s *Store) pgTool(ctx context.Context, tool string, args ...string) error {
	if s.dsn == "" {
		return fmt.Errorf("%s: the store has no PostgreSQL URL", tool)
	}
	if _, err := exec.LookPath(tool); err != nil {
		return fmt.Errorf("%s is needed for PostgreSQL backups and is not on PATH (Debian: postgresql-client)", tool)
	}
	u, err := url.Parse(s.dsn)
	if err != nil {
		return fmt.Errorf("%s: the database URL cannot be read", tool)
	}
	q := u.Query()
	if sp := q.Get("search_path"); sp != "" {
		args = append([]string{"--schema=" + sp}, args...)
		q.Del("search_path")
	}
	u.RawQuery = q.Encode()
	cmd := exec.CommandContext(ctx, tool, append([]string{"--dbname=" + u.String()}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		// The tools may echo the URL; never repeat a password.
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
		return fmt.Errorf("%s on %s: %v: %s", tool, RedactDSN(s.dsn), err, msg)
	}
	return nil
}
