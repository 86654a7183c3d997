// Command workers sets up and drives the job-queue benchmark
// (bench/workers.sh): it copies real fixture projects into many
// repositories, registers each as a portfolio project and enqueues a scan
// job for each on PostgreSQL, in a schema of its own; it can also run a
// worker until the queue is idle, for builds of ospo without the worker
// command.
//
//	workers prepare -base URL -schema NAME -n 200 -dir OUT SRC...
//	workers work -db URL -concurrency N
//	workers report -db URL
//	workers drop -base URL -schema NAME
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"

	"ospo/internal/jobs"
	"ospo/internal/portfolio"
	"ospo/internal/store"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: workers prepare|work|report|drop [flags]")
		os.Exit(2)
	}
	ctx := context.Background()
	var err error
	switch os.Args[1] {
	case "prepare":
		err = prepare(ctx, os.Args[2:])
	case "work":
		err = work(ctx, os.Args[2:])
	case "report":
		err = report(ctx, os.Args[2:])
	case "drop":
		err = drop(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "workers:", err)
		os.Exit(1)
	}
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,50}$`)

// schemaURL is base with search_path set to schema.
func schemaURL(base, schema string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("base URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func execBase(ctx context.Context, base, sql string) error {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// prepare makes a fresh schema, n repositories copied round-robin from
// the sources, one project and one scan job each. It prints the
// schema's URL.
func prepare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("prepare", flag.ExitOnError)
	base := fs.String("base", "", "PostgreSQL server URL")
	schema := fs.String("schema", "", "schema to create")
	n := fs.Int("n", 200, "repositories")
	dir := fs.String("dir", "", "where the repositories are made")
	fs.Parse(args)
	srcs := fs.Args()
	if *base == "" || !schemaName.MatchString(*schema) || *dir == "" || len(srcs) == 0 {
		return errors.New("prepare needs -base, -schema (lower-case letters, digits, _), -dir and source directories")
	}
	if err := execBase(ctx, *base, "CREATE SCHEMA "+*schema); err != nil {
		return err
	}
	dsn, err := schemaURL(*base, *schema)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	pf := portfolio.New(st, portfolio.Options{})
	q, err := jobs.Open(ctx, st, jobs.Config{})
	if err != nil {
		return err
	}
	for i := range *n {
		repo := filepath.Join(*dir, fmt.Sprintf("repo-%03d", i))
		if _, err := os.Stat(repo); errors.Is(err, os.ErrNotExist) {
			if err := os.CopyFS(repo, os.DirFS(srcs[i%len(srcs)])); err != nil {
				return fmt.Errorf("copy %s: %w", srcs[i%len(srcs)], err)
			}
		}
		p, err := pf.AddProject(ctx, "bench", portfolio.Project{Name: fmt.Sprintf("repo-%03d", i), Source: repo})
		if err != nil {
			return err
		}
		if _, err := q.EnqueueScan(ctx, jobs.ScanArgs{ProjectID: p.ID, Path: repo}); err != nil {
			return err
		}
	}
	fmt.Println(dsn)
	return nil
}

// work runs one worker process until no job is left.
func work(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("work", flag.ExitOnError)
	dsn := fs.String("db", "", "database URL")
	conc := fs.Int("concurrency", 1, "jobs at once")
	fs.Parse(args)
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	q, err := jobs.Open(ctx, st, jobs.Config{Workers: *conc, Portfolio: portfolio.New(st, portfolio.Options{})})
	if err != nil {
		return err
	}
	if err := q.Start(ctx); err != nil {
		return err
	}
	err = q.WaitIdle(ctx)
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return errors.Join(err, q.Stop(sctx))
}

// report prints how the jobs ended and how many scans were stored.
func report(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	dsn := fs.String("db", "", "database URL")
	fs.Parse(args)
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	states := map[string]int{}
	rows, err := st.DB().QueryContext(ctx, `SELECT state::text, COUNT(*), COALESCE(MAX(attempt), 0) FROM river_job GROUP BY state`)
	if err != nil {
		return err
	}
	defer rows.Close()
	maxAttempt := 0
	for rows.Next() {
		var s string
		var n, a int
		if err := rows.Scan(&s, &n, &a); err != nil {
			return err
		}
		states[s] = n
		maxAttempt = max(maxAttempt, a)
	}
	var scans, comps int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(components), 0) FROM scans`).Scan(&scans, &comps); err != nil {
		return err
	}
	// busy is the time spent inside jobs, summed over all of them; span
	// is from the first job's start to the last one's end.
	var busy, span float64
	if err := st.DB().QueryRowContext(ctx, `SELECT COALESCE(SUM(EXTRACT(EPOCH FROM finalized_at - attempted_at)), 0)::float8,
		COALESCE(EXTRACT(EPOCH FROM MAX(finalized_at) - MIN(attempted_at)), 0)::float8 FROM river_job`).Scan(&busy, &span); err != nil {
		return err
	}
	fmt.Printf("jobs %v, highest attempt %d, scans %d, components %d, in jobs %.1f s over %.1f s\n", states, maxAttempt, scans, comps, busy, span)
	return nil
}

func drop(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("drop", flag.ExitOnError)
	base := fs.String("base", "", "PostgreSQL server URL")
	schema := fs.String("schema", "", "schema to drop")
	fs.Parse(args)
	if *base == "" || !schemaName.MatchString(*schema) {
		return errors.New("drop needs -base and -schema")
	}
	return execBase(ctx, *base, "DROP SCHEMA "+*schema+" CASCADE")
}
