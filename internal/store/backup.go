package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Backup writes a consistent copy of the database to dest, which must
// not exist yet, while the database stays in use. SQLite is copied with
// VACUUM INTO (a compact, self-contained file); PostgreSQL is dumped with
// pg_dump in its custom format, which must be on PATH. A PostgreSQL dump
// holds the store's schema (the first of its search_path) and nothing
// else of the database.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup to %s: the file exists; choose a new name", dest)
	}
	if s.dialect == SQLite {
		if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
			os.Remove(dest)
			return fmt.Errorf("backup to %s: %w", dest, MapError(err))
		}
		return nil
	}
	if s.dsn == "" {
		return fmt.Errorf("backup to %s: the store has no PostgreSQL URL", dest)
	}
	var schema string
	if err := s.db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("backup to %s: the store's schema: %w", dest, MapError(err))
	}
	c, err := toolConn(s.dsn)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return c.run(ctx, "pg_dump", "--dbname="+c.url, "--format=custom", "--no-owner", "--schema="+schemaPattern(schema), "--file="+dest)
}

// Restore replaces the database dsn names with the backup in src; the
// portal and workers must be stopped first.
//
// A SQLite backup is checked (it must open as an ospo database, and is
// brought to this version's schema) before it replaces the file, so a
// bad backup leaves the database as it was.
//
// A PostgreSQL backup replaces everything in the target's schema (the
// first of the URL's search_path, else the server's default): in one
// transaction every table, view, sequence, function and type of the
// schema is dropped and the dump's objects and rows are loaded
// (pg_restore's script, run by psql; both must be on PATH), so a backup
// that fails halfway changes nothing. The schema itself, with its owner
// and grants, stays. The dump's schema must have the target's name, as
// dumps cannot be moved to another schema. Afterwards the database is
// opened, which brings a backup of an older version to the current
// schema.
func Restore(ctx context.Context, src, dsn string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	if IsPostgres(dsn) {
		// Absolute, so that a name starting with "-" is no option to the tools.
		abs, err := filepath.Abs(src)
		if err != nil {
			return fmt.Errorf("restore from %s: %w", src, err)
		}
		return restorePostgres(ctx, abs, dsn)
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
	if err := isOspoSQLite(ctx, tmpName); err != nil {
		return fmt.Errorf("restore from %s: not a usable ospo backup: %w", src, err)
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

// isOspoSQLite checks, without changing it, that path is a SQLite file
// of ospo's: one with applied migrations. Opening it as a store would
// give any SQLite file (or an empty one) ospo's schema, and a restore
// would then put an empty database in the place of a full one.
func isOspoSQLite(ctx context.Context, path string) error {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "mode=ro"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables); err != nil {
		return MapError(err)
	}
	var applied int
	if tables == 1 {
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
			return MapError(err)
		}
	}
	if applied == 0 {
		return errors.New("it holds no ospo schema (no applied migrations)")
	}
	return nil
}

// restorePostgres checks the dump and the target before it touches the
// database: the file must list as a pg_restore archive holding an ospo
// schema of the target's name.
func restorePostgres(ctx context.Context, src, dsn string) error {
	where := RedactDSN(dsn)
	c, err := toolConn(dsn)
	if err != nil {
		return fmt.Errorf("restore to %s: %w", where, err)
	}
	for _, tool := range []string{"pg_restore", "psql"} {
		if err := lookTool(tool); err != nil {
			return fmt.Errorf("restore to %s: %w", where, err)
		}
	}
	list, err := exec.CommandContext(ctx, "pg_restore", "--list", src).CombinedOutput()
	if err != nil {
		return fmt.Errorf("restore from %s: not a PostgreSQL backup of ospo: %s", src, firstLine(string(list), err))
	}
	schemas := dumpSchemas(string(list))
	if len(schemas) == 0 {
		return fmt.Errorf("restore from %s: not a backup of ospo: the dump has no schema_migrations table", src)
	}
	target, err := targetSchema(ctx, dsn)
	if err != nil {
		return fmt.Errorf("restore to %s: %w", where, err)
	}
	if !slices.Contains(schemas, target) {
		return fmt.Errorf("restore from %s: the backup holds schema %s but %s uses schema %q; restore into a URL whose search_path is %q",
			src, quoteAll(schemas), where, target, schemas[0])
	}
	if err := c.replaceSchema(ctx, src, target); err != nil {
		return fmt.Errorf("restore from %s to %s: %w", src, where, err)
	}
	st, err := Open(ctx, dsn)
	if err != nil {
		return fmt.Errorf("restore from %s: restored, but the database does not open: %w", src, err)
	}
	return st.Close()
}

// tocSchemaMigrations finds the schema_migrations table in a line of
// pg_restore --list: "<id>; <catalog> <oid> TABLE <schema> <name> <owner>",
// where a table's catalog is pg_class (1259) and names are printed as
// they are.
var tocSchemaMigrations = regexp.MustCompile(`^[0-9]+; 1259 [0-9]+ TABLE (.+?) schema_migrations(?: |$)`)

// dumpSchemas lists the schemas of a pg_restore --list that hold ospo's
// schema_migrations table.
func dumpSchemas(list string) []string {
	var schemas []string
	for line := range strings.Lines(list) {
		if m := tocSchemaMigrations.FindStringSubmatch(strings.TrimRight(line, "\r\n")); m != nil && !slices.Contains(schemas, m[1]) {
			schemas = append(schemas, m[1])
		}
	}
	return schemas
}

// targetSchema asks the server which schema dsn's tables live in.
func targetSchema(ctx context.Context, dsn string) (string, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "", errors.New("the URL cannot be read")
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var schema *string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", err
	}
	if schema == nil {
		return "", errors.New("no schema to restore into: no schema of the search_path exists; create it first")
	}
	return *schema, nil
}

// dropSchemaObjects empties the schema named by the setting
// ospo.restore_schema. Tables go first (with their indexes, constraints,
// triggers and owned sequences, and the views over them), then the
// remaining sequences, functions and types; objects of extensions are
// left to their extension, and objects another one owns (a range
// type's constructors, an identity column's sequence) to their owner;
// a partitioned table depends internally on itself, which does not count. The statements are gathered before the first
// drop, and IF EXISTS skips what an earlier CASCADE took along. Other
// kinds of object (operators, collations, …) stay; a dump holding one
// then fails and the transaction changes nothing.
const dropSchemaObjects = `DO $ospo$
DECLARE
	ns oid := (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_setting('ospo.restore_schema'));
	stmts text[];
	stmt text;
BEGIN
	SELECT array_agg(format('DROP %s IF EXISTS %I.%I CASCADE',
			CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
				WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname) ORDER BY c.relkind = 'S')
		INTO stmts
		FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relnamespace = ns AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
		AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
			WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
			AND (d.deptype = 'e' OR (d.deptype = 'i' AND d.refobjid <> c.oid)));
	FOREACH stmt IN ARRAY coalesce(stmts, '{}') LOOP EXECUTE stmt; END LOOP;

	SELECT array_agg(format('DROP %s IF EXISTS %I.%I(%s) CASCADE',
			CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
			n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)))
		INTO stmts
		FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
		WHERE p.pronamespace = ns
		AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
			WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'));
	FOREACH stmt IN ARRAY coalesce(stmts, '{}') LOOP EXECUTE stmt; END LOOP;

	SELECT array_agg(format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname))
		INTO stmts
		FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
		WHERE t.typnamespace = ns
		AND (t.typtype IN ('e', 'd', 'r')
			OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c')))
		AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
			WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid AND d.deptype IN ('e', 'i'));
	FOREACH stmt IN ARRAY coalesce(stmts, '{}') LOOP EXECUTE stmt; END LOOP;
END
$ospo$;
`

// restoreCheck refuses to commit a restore that brought no
// schema_migrations table into the schema: whatever the dump held, it
// was not the ospo schema the listing promised.
const restoreCheck = `DO $ospo$
BEGIN
	IF to_regclass(format('%I.schema_migrations', current_setting('ospo.restore_schema'))) IS NULL THEN
		RAISE EXCEPTION 'the dump restored no schema_migrations table into schema %', current_setting('ospo.restore_schema');
	END IF;
END
$ospo$;
`

// restorePrelude opens the restore's transaction and empties schema.
func restorePrelude(schema string) string {
	return "BEGIN;\nSET standard_conforming_strings = on;\nSET client_min_messages = warning;\n" +
		"SELECT pg_catalog.set_config('ospo.restore_schema', " + quoteLiteral(schema) + ", true);\n" +
		dropSchemaObjects
}

// replaceSchema empties schema and loads the dump's objects of the same
// schema into it, in one transaction: pg_restore turns the dump into a
// script, which psql runs after restorePrelude. COMMIT is sent only when
// pg_restore has read the whole dump and psql has run every statement
// (ON_ERROR_STOP), so a damaged dump or a failing statement rolls all
// back when psql disconnects.
func (c pgConn) replaceSchema(ctx context.Context, src, schema string) error {
	// pg_restore's --schema is a name, not a pattern as pg_dump's.
	restore := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--schema="+schema, "--file=-", src)
	var restoreErr, psqlErr cappedBuffer
	restore.Stderr = &restoreErr
	script, err := restore.StdoutPipe()
	if err != nil {
		return err
	}
	psql := exec.CommandContext(ctx, "psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--dbname="+c.url)
	psql.Env = c.env
	psql.Stdout = io.Discard
	psql.Stderr = &psqlErr
	stdin, err := psql.StdinPipe()
	if err != nil {
		return err
	}
	if err := restore.Start(); err != nil {
		return fmt.Errorf("pg_restore: %w", err)
	}
	if err := psql.Start(); err != nil {
		script.Close()
		_ = restore.Wait()
		return fmt.Errorf("psql: %w", err)
	}
	restored := make(chan error, 1)
	go func() {
		defer stdin.Close()
		_, err := io.WriteString(stdin, restorePrelude(schema))
		if err == nil {
			_, err = io.Copy(stdin, script)
		}
		script.Close() // lets pg_restore end when psql stopped reading
		if werr := restore.Wait(); werr != nil {
			restored <- fmt.Errorf("pg_restore: %v: %s", werr, c.scrub(restoreErr.String()))
			return
		}
		if err == nil {
			_, err = io.WriteString(stdin, restoreCheck+"COMMIT;\n")
		}
		restored <- err
	}()
	ran := psql.Wait()
	fed := <-restored
	switch {
	case ran != nil:
		return fmt.Errorf("nothing was changed: psql: %v: %s", ran, c.scrub(psqlErr.String()))
	case fed != nil:
		return fmt.Errorf("nothing was changed: %w", fed)
	}
	return nil
}

// pgConn is how the PostgreSQL client tools reach a database. The
// password is passed in PGPASSWORD, never on the command line where ps
// would show it, and the parameters only pgx knows (search_path) are
// dropped: libpq refuses them in a URL.
type pgConn struct {
	url      string   // the URL without password or search_path
	env      []string // the tool's environment
	password string   // to keep out of the tools' messages
}

// toolConn splits dsn into a URL for the tools and their environment.
// A password parameter in the query wins over one in the user
// information, as in pgx.
func toolConn(dsn string) (pgConn, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return pgConn{}, errors.New("the database URL cannot be read")
	}
	password, _ := u.User.Password()
	q := u.Query()
	if q.Has("password") {
		password = q.Get("password")
	}
	q.Del("password")
	q.Del("search_path")
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = q.Encode()
	c := pgConn{url: u.String(), env: os.Environ(), password: password}
	if password != "" {
		c.env = append(c.env, "PGPASSWORD="+password)
	}
	return c, nil
}

// run runs a client tool to its end, its output kept for the error.
func (c pgConn) run(ctx context.Context, tool string, args ...string) error {
	if err := lookTool(tool); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", tool, err, c.scrub(strings.TrimSpace(string(out))))
	}
	return nil
}

// scrub keeps the password out of a tool's message, should it echo it.
func (c pgConn) scrub(msg string) string {
	if c.password != "" {
		msg = strings.ReplaceAll(msg, c.password, "xxxxx")
	}
	return strings.TrimSpace(msg)
}

func lookTool(tool string) error {
	if _, err := exec.LookPath(tool); err != nil {
		return fmt.Errorf("%s is needed for PostgreSQL backups and is not on PATH (Debian: postgresql-client)", tool)
	}
	return nil
}

// schemaPattern is a pg_dump/pg_restore --schema pattern matching name
// exactly: inside double quotes, case and the wildcard characters are
// taken literally.
func schemaPattern(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// quoteAll is names for a message, each quoted.
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// firstLine is the first line of a tool's output, or err when it said
// nothing.
func firstLine(out string, err error) string {
	out = strings.TrimSpace(out)
	if out == "" {
		return err.Error()
	}
	line, _, _ := strings.Cut(out, "\n")
	return line
}

// cappedBuffer keeps the first few kilobytes written to it: enough for
// a tool's error, not the notices of a long restore.
type cappedBuffer struct{ b []byte }

const cappedBufferSize = 8 << 10

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := cappedBufferSize - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (c *cappedBuffer) String() string { return string(c.b) }
