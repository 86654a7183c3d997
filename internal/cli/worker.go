package cli

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"ospo/internal/jobs"
	"ospo/internal/portfolio"
	"ospo/internal/store"
	"ospo/internal/vuln"
	"ospo/internal/vuln/db"
)

func newWorkerCmd(e *env) *cobra.Command {
	var (
		dbf         dbFlag
		concurrency int
		judge       judgeFlags
		cloneDir    string
		rescueAfter time.Duration
		grace       time.Duration
		noVulns     bool
		untilIdle   bool
	)
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run background jobs (scans, monitor runs, vulnerability database updates) from the database's queue",
		Long: `worker takes jobs from the queue in ospo's database and runs them: scans of
registered projects (from a path or a fresh clone: the newest commit, or the
whole history without old file contents when the repository checks run),
monitor runs and vulnerability database updates. Scans are decided by the
--policy file (the built-in defaults without one; a policy inside a scanned
repository is never used) and checked against the vulnerability database in
the same database.

On PostgreSQL (--db postgres://…) any number of workers on any number of
machines share the queue; a job whose worker died is taken again by another
after --rescue-after. Give every process on one database the same
--rescue-after: the rescue is done by whichever process is elected leader,
with its own value, and a shorter one there runs a job again while its first
worker still runs it. On SQLite the worker polls the database file, beside
the process that enqueues (for example the portal).

The worker runs until interrupted (SIGINT, SIGTERM), then takes no new job
and lets the running ones finish for up to --grace; those still running then
are cancelled and tried again later. With --until-idle it stops once no job
is left.`,
		Example: `  ospo worker --db postgres://ospo@db.internal/ospo --concurrency 4
  ospo worker --policy policy.yaml --clone-dir /var/tmp/ospo-clones
  ospo worker --until-idle`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if concurrency < 1 {
				return usageError{fmt.Errorf("--concurrency must be 1 or more, not %d", concurrency)}
			}
			if rescueAfter <= 0 {
				return usageError{fmt.Errorf("--rescue-after must be positive, not %s", rescueAfter)}
			}
			pol, weights, err := judge.load()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			loc, err := dbf.location()
			if err != nil {
				return err
			}
			st, err := store.Open(ctx, loc)
			if err != nil {
				return err
			}
			defer st.Close()
			var src vuln.Source
			if !noVulns {
				if src, err = vulnSourceIn(ctx, st); err != nil {
					return err
				}
			}
			var outMu sync.Mutex // jobs report from their own goroutines
			q, err := jobs.Open(ctx, st, jobs.Config{
				Workers:     concurrency,
				Portfolio:   newPortfolio(st, weights),
				Policy:      pol,
				Vulns:       src,
				CloneDir:    cloneDir,
				RescueAfter: rescueAfter,
				Logger:      e.log,
				Version:     version(),
				OnDelta: func(_ context.Context, d portfolio.Delta) {
					outMu.Lock()
					defer outMu.Unlock()
					fmt.Fprintf(e.stdout, "%s: %s\n", d.Project.Name, deltaText(d))
				},
			})
			if err != nil {
				return err
			}
			// The interrupt ends ctx but not the running jobs: Stop below
			// gives them the grace period.
			if err := q.Start(ctx); err != nil {
				return err
			}
			vulnNote := "no vulnerability database"
			if src != nil {
				vulnNote = "vulnerabilities checked"
			}
			fmt.Fprintf(e.stderr, "ospo worker: %d at once on %s (%s)\n", concurrency, store.RedactDSN(loc), vulnNote)
			if untilIdle {
				err = q.WaitIdle(ctx)
			} else {
				<-ctx.Done()
			}
			if errors.Is(err, context.Canceled) {
				err = nil // interrupted: stop as usual
			}
			// The running jobs may finish; after the grace period their
			// contexts end and they are tried again later.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
			defer cancel()
			return errors.Join(err, q.Stop(sctx))
		},
	}
	fl := cmd.Flags()
	dbf.register(fl)
	fl.IntVar(&concurrency, "concurrency", runtime.NumCPU(), "jobs this process runs at once")
	judge.register(fl, "every scan")
	fl.StringVar(&cloneDir, "clone-dir", "", "where repositories given by URL are cloned, a new directory per attempt (default: the system's temporary directory)")
	fl.DurationVar(&rescueAfter, "rescue-after", jobs.DefaultRescueAfter, "how long a job may run before it counts as lost with its worker and is run again; must be the same in every process on the database")
	fl.DurationVar(&grace, "grace", time.Minute, "on interrupt, how long running jobs may take to finish before they are cancelled")
	fl.BoolVar(&noVulns, "no-vulns", false, "do not look up known vulnerabilities, even when the database holds them")
	fl.BoolVar(&untilIdle, "until-idle", false, "stop when no job is waiting or running")
	return cmd
}

// vulnSourceIn is the vulnerability database kept in st, or nil when it
// holds no records (nothing could be checked against it).
func vulnSourceIn(ctx context.Context, st *store.Store) (vuln.Source, error) {
	d := db.New(st)
	counts, err := d.RecordCounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range counts {
		if n > 0 {
			return d, nil
		}
	}
	return nil, nil
}

// deltaText says in one line what a scan brought.
func deltaText(d portfolio.Delta) string {
	s := fmt.Sprintf("%d newly denied, %d new critical vulnerabilities", len(d.NewDenied), len(d.NewCritical))
	if d.HealthBefore != nil && d.HealthAfter != nil {
		s += fmt.Sprintf(", health fell from %.1f to %.1f", *d.HealthBefore, *d.HealthAfter)
	}
	return s
}
