// Package jobs runs ospo's background work — scans of registered
// projects, monitor runs, vulnerability database updates — as River jobs
// kept in ospo's own database. On SQLite the queue lives in one process
// (River's SQLite driver, polling); on PostgreSQL any number of `ospo
// worker` processes on any number of machines take jobs from the same
// tables, and a job whose worker died is taken again by another after
// Config.RescueAfter. A job is retried a bounded number of times; a job
// that can never succeed (a project or path that does not exist) is
// cancelled at once with a message that names it.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"ospo/internal/license"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/store"
	"ospo/internal/vuln"
)

// fetchCooldown is the least time between two fetches of one process.
const fetchCooldown = 10 * time.Millisecond

// DefaultRescueAfter is how long a job may run before it is presumed
// lost with its worker and taken again.
const DefaultRescueAfter = time.Hour

// Config says what a queue's workers use and how many jobs they run.
type Config struct {
	// Workers is how many jobs this process runs at once; 0 makes an
	// insert-only queue (a web server on PostgreSQL that only enqueues).
	Workers int
	// Portfolio stores the scans; required when Workers > 0.
	Portfolio *portfolio.Portfolio
	// Policy decides every scanned component; nil means the built-in
	// defaults. A policy file inside a scanned repository is never used:
	// the repository must not judge itself.
	Policy *policy.Policy
	// Vulns is where known vulnerabilities are looked up; nil leaves
	// them out of scans.
	Vulns vuln.Source
	// CloneDir holds the clones of scans given a URL, a new directory
	// (ospo-job-<id>-<random>) per attempt, removed when the attempt
	// ends ("" means the system's temporary directory). Processes may
	// share it, also processes on different databases. A worker killed
	// mid-job leaves its directory behind.
	CloneDir string
	// RescueAfter is how long a running job may go without finishing
	// before another worker takes it again (default DefaultRescueAfter).
	// A job's own context ends a little earlier (at nine tenths), so a
	// live worker gives up before another starts the same job. Give
	// every process on one database the same value: the rescue is done
	// by whichever process River elected leader, with its own value, so
	// a shorter one there rescues jobs that other workers still run.
	RescueAfter time.Duration
	// OnDelta is called after an ingest that brought news (newly denied
	// components, new critical vulnerabilities, a health drop).
	OnDelta func(ctx context.Context, d portfolio.Delta)
	// Logger receives the queue's and River's messages (default: none).
	Logger *slog.Logger
	// Version is ospo's version, recorded as the tool of each scan
	// (default "dev").
	Version string

	// beforeIngest, when set, runs in a scan job just before its result
	// is stored; tests use it to hold a job at the most telling moment.
	beforeIngest func(ctx context.Context, job *rivertype.JobRow) error
	// retryPolicy overrides River's back-off (tests).
	retryPolicy river.ClientRetryPolicy
}

// riverClient is what the queue uses of a River client, whichever its
// driver's transaction type.
type riverClient interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// Queue is the job queue in ospo's database, with this process's workers.
type Queue struct {
	st     *store.Store
	cfg    Config
	client riverClient
	log    *slog.Logger
	actor  string
	id     *license.Identifier
}

// Open installs River's tables when the database lacks them and builds the
// queue for the store's dialect. It starts no work: call Start.
func Open(ctx context.Context, st *store.Store, cfg Config) (*Queue, error) {
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("job queue: workers must be 0 or more, not %d", cfg.Workers)
	}
	if cfg.Workers > 0 && cfg.Portfolio == nil {
		return nil, errors.New("job queue: workers need a portfolio to store scans in")
	}
	if cfg.RescueAfter < 0 {
		return nil, fmt.Errorf("job queue: negative rescue time %s", cfg.RescueAfter)
	}
	cfg.RescueAfter = cmp.Or(cfg.RescueAfter, DefaultRescueAfter)
	cfg.Version = cmp.Or(cfg.Version, "dev")
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	q := &Queue{st: st, cfg: cfg, log: log, actor: "worker:" + host, id: license.NewIdentifier()}
	// River reports its routine (client started, migration applied) at
	// info level; only its warnings and errors are worth a reader's time.
	riverLog := slog.New(atLeast{log.Handler(), slog.LevelWarn})

	workers := river.NewWorkers()
	river.AddWorker(workers, &scanWorker{q: q})
	river.AddWorker(workers, &monitorWorker{q: q})
	river.AddWorker(workers, &vulnDBWorker{q: q})
	rc := &river.Config{
		Logger:  riverLog,
		Workers: workers,
		// River's rescuer takes a job whose attempt began longer ago than
		// this; the job's own deadline comes first so that a live worker
		// stops before another starts.
		RescueStuckJobsAfter: cfg.RescueAfter,
		JobTimeout:           cfg.RescueAfter - cfg.RescueAfter/10,
		// River waits at least this long between two fetches (100 ms by
		// default): a process running one job at a time would idle that
		// long after each short scan. Scan jobs are few and long beside
		// a fetch, so a shorter pause costs the database nothing.
		FetchCooldown: fetchCooldown,
		RetryPolicy:   cfg.retryPolicy,
	}
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	}

	switch st.Dialect() {
	case store.SQLite:
		drv := riversqlite.New(st.DB())
		if err := migrateSQLite(ctx, drv, log); err != nil {
			return nil, err
		}
		// SQLite has no LISTEN/NOTIFY: workers poll.
		rc.PollOnly = true
		c, err := river.NewClient[*sql.Tx](drv, rc)
		if err != nil {
			return nil, fmt.Errorf("job queue: %w", err)
		}
		q.client = c
	case store.Postgres:
		if st.Pool() == nil {
			return nil, errors.New("job queue: PostgreSQL store without a connection pool")
		}
		drv := riverpgxv5.New(st.Pool())
		if err := migratePostgres(ctx, st, drv, log); err != nil {
			return nil, err
		}
		c, err := river.NewClient[pgx.Tx](drv, rc)
		if err != nil {
			return nil, fmt.Errorf("job queue: %w", err)
		}
		q.client = c
	default:
		return nil, fmt.Errorf("job queue: %w: dialect %q", store.ErrUnsupported, st.Dialect())
	}
	return q, nil
}

// riverLockKey is the advisory lock that lets one process at a time
// install River's tables on PostgreSQL (the store's own migrations use
// another).
const riverLockKey = 7061737

// migratePostgres applies River's migrations under an advisory lock:
// workers starting together on a new database would otherwise race to
// create the same tables.
func migratePostgres(ctx context.Context, st *store.Store, drv *riverpgxv5.Driver, log *slog.Logger) error {
	conn, err := st.Pool().Acquire(ctx)
	if err != nil {
		return fmt.Errorf("job queue: install tables: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(riverLockKey)); err != nil {
		return fmt.Errorf("job queue: install tables: %w", err)
	}
	//nolint:errcheck // the lock goes with the session anyway
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(riverLockKey))
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(atLeast{log.Handler(), slog.LevelWarn})})
	if err != nil {
		return fmt.Errorf("job queue: install tables: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job queue: install tables: %w", err)
	}
	return nil
}

// migrateSQLite applies River's migrations. Each runs in its own
// transaction; when another process applied one in between, the next
// try finds it done, so a failure is tried again a few times before it
// counts.
func migrateSQLite(ctx context.Context, drv *riversqlite.Driver, log *slog.Logger) error {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(atLeast{log.Handler(), slog.LevelWarn})})
	if err != nil {
		return fmt.Errorf("job queue: install tables: %w", err)
	}
	for try := 1; ; try++ {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err == nil {
			return nil
		}
		if try == 3 || ctx.Err() != nil {
			return fmt.Errorf("job queue: install tables: %w", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(try) * 200 * time.Millisecond):
		}
	}
}

// Start starts this process's workers (nothing for an insert-only queue).
// The end of ctx does not stop them or cancel their jobs (River would
// cancel every running job the moment a signal ends it): Stop does, after
// letting the running jobs finish for as long as its context allows.
func (q *Queue) Start(ctx context.Context) error {
	if q.cfg.Workers == 0 {
		return nil
	}
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("job queue: start: %w", err)
	}
	return nil
}

// Stop lets the running jobs finish and stops the workers. When ctx ends
// first, the jobs' contexts are cancelled too; their jobs are tried again
// later.
func (q *Queue) Stop(ctx context.Context) error {
	if q.cfg.Workers == 0 {
		return nil
	}
	err := q.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := q.client.StopAndCancel(hard); err != nil {
		return fmt.Errorf("job queue: stop: %w", err)
	}
	return nil
}

// EnqueueScan adds a scan job and returns its id.
func (q *Queue) EnqueueScan(ctx context.Context, args ScanArgs) (int64, error) {
	if err := args.validate(); err != nil {
		return 0, err
	}
	return q.insert(ctx, args)
}

// EnqueueMonitor adds a monitor run and returns its id.
func (q *Queue) EnqueueMonitor(ctx context.Context, args MonitorArgs) (int64, error) {
	if err := args.validate(); err != nil {
		return 0, err
	}
	return q.insert(ctx, args)
}

// EnqueueVulnDBUpdate adds a vulnerability database update and returns
// its id.
func (q *Queue) EnqueueVulnDBUpdate(ctx context.Context, args VulnDBUpdateArgs) (int64, error) {
	if err := args.validate(); err != nil {
		return 0, err
	}
	return q.insert(ctx, args)
}

func (q *Queue) insert(ctx context.Context, args river.JobArgs) (int64, error) {
	res, err := q.client.Insert(ctx, args, nil)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s job: %w", args.Kind(), store.MapError(err))
	}
	return res.Job.ID, nil
}

// Cancel cancels a job: one waiting is never run; one running has its
// context cancelled and is not tried again; a finished job stays as it
// is. A job that does not exist is store.ErrNotFound.
func (q *Queue) Cancel(ctx context.Context, id int64) error {
	if _, err := q.client.JobCancel(ctx, id); err != nil {
		return jobError(id, "cancel", err)
	}
	return nil
}

// Job is a job as the queue shows it.
type Job struct {
	ID int64 `json:"id"`
	// Kind is scan, monitor or vulndb_update.
	Kind string `json:"kind"`
	// State is River's: available, scheduled, running, retryable,
	// completed, cancelled or discarded (attempts used up).
	State       string `json:"state"`
	Attempt     int    `json:"attempt"`
	MaxAttempts int    `json:"maxAttempts"`
	// Args are the job's arguments as JSON (ScanArgs, MonitorArgs or
	// VulnDBUpdateArgs).
	Args json.RawMessage `json:"args"`
	// Errors holds each failed attempt's error, oldest first.
	Errors     []string   `json:"errors,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	FinishedAt *time.Time `json:"finishedAt,omitempty"`
}

func jobFromRow(r *rivertype.JobRow) Job {
	j := Job{
		ID: r.ID, Kind: r.Kind, State: string(r.State), Attempt: r.Attempt, MaxAttempts: r.MaxAttempts,
		Args: json.RawMessage(r.EncodedArgs), CreatedAt: r.CreatedAt.UTC(),
	}
	for _, e := range r.Errors {
		j.Errors = append(j.Errors, e.Error)
	}
	if r.FinalizedAt != nil {
		t := r.FinalizedAt.UTC()
		j.FinishedAt = &t
	}
	return j
}

// Job returns one job; one that does not exist is store.ErrNotFound.
func (q *Queue) Job(ctx context.Context, id int64) (Job, error) {
	r, err := q.client.JobGet(ctx, id)
	if err != nil {
		return Job{}, jobError(id, "read", err)
	}
	return jobFromRow(r), nil
}

// maxList bounds one listing.
const maxList = 1000

// Jobs lists the newest jobs, newest first; limit ≤ 0 means 50.
func (q *Queue) Jobs(ctx context.Context, limit int) ([]Job, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, maxList)
	res, err := q.client.JobList(ctx, river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", store.MapError(err))
	}
	out := make([]Job, len(res.Jobs))
	for i, r := range res.Jobs {
		out[i] = jobFromRow(r)
	}
	return out, nil
}

// idlePoll is how often WaitIdle looks.
const idlePoll = 100 * time.Millisecond

// WaitIdle returns when no job is waiting, running or due for a retry,
// whoever works on them, or when ctx ends (with its error).
func (q *Queue) WaitIdle(ctx context.Context) error {
	params := river.NewJobListParams().
		States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable).First(1)
	for {
		res, err := q.client.JobList(ctx, params)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("wait for jobs: %w", store.MapError(err))
		}
		if len(res.Jobs) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(idlePoll):
		}
	}
}

// jobError names the job and maps River's not-found to the store's.
func jobError(id int64, what string, err error) error {
	if errors.Is(err, rivertype.ErrNotFound) {
		return fmt.Errorf("%s job %d: %w", what, id, store.ErrNotFound)
	}
	return fmt.Errorf("%s job %d: %w", what, id, store.MapError(err))
}

// atLeast passes on the records of at least its level.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(as []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(as), h.min}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{h.Handler.WithGroup(name), h.min}
}
