package jobs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/riverqueue/river"

	"ospo/internal/repocheck"
	"ospo/internal/repocheck/monitor"
	"ospo/internal/repocheck/practices"
	"ospo/internal/repocheck/result"
	"ospo/internal/vuln/db"
)

// monitorWorker runs the repository checks over a scope of clones and
// keeps their history, as `ospo monitor run` does.
type monitorWorker struct {
	river.WorkerDefaults[MonitorArgs]
	q *Queue
}

// Work runs one monitor job. A scope that does not exist or holds no
// clone cancels the job; a repository that fails its check is part of
// the run's report, not a job error.
func (w *monitorWorker) Work(ctx context.Context, job *river.Job[MonitorArgs]) error {
	q, a := w.q, job.Args
	if err := a.validate(); err != nil {
		return river.JobCancel(err)
	}
	var (
		scope monitor.Scope
		err   error
	)
	if a.ScopeFile != "" {
		scope, err = monitor.LoadScope(ctx, a.ScopeFile)
	} else {
		scope, err = monitor.DiscoverScope(ctx, a.Dir, 1, monitor.Filter{})
	}
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, monitor.ErrNoRepositories), errors.Is(err, monitor.ErrBadScope):
		return river.JobCancel(fmt.Errorf("monitor: %w", err))
	default:
		return fmt.Errorf("monitor: %w", err)
	}
	check := func(ctx context.Context, dir string) (*result.Repo, error) {
		return practices.CheckWithScorecard(ctx, dir, repocheck.Options{Vulns: q.cfg.Vulns, Identifier: q.id})
	}
	rep, err := monitor.Run(ctx, q.st, scope, check, monitor.RunOptions{Trigger: "job", Logger: q.log})
	if err != nil {
		return fmt.Errorf("monitor %s: %w", scope.Name, err)
	}
	q.log.Info("monitor run", "job", job.ID, "scope", scope.Name, "repos", len(rep.Repos), "failed", len(rep.Failed()), "changed", len(rep.Changed()))
	return nil
}

// vulnDBWorker downloads the OSV dumps and imports what changed. Running
// it again is cheap: dumps the server reports unchanged are skipped.
type vulnDBWorker struct {
	river.WorkerDefaults[VulnDBUpdateArgs]
	q *Queue
}

// Work runs one update; any ecosystem that failed makes the job fail, to
// be tried again.
func (w *vulnDBWorker) Work(ctx context.Context, job *river.Job[VulnDBUpdateArgs]) error {
	q, a := w.q, job.Args
	if err := a.validate(); err != nil {
		return river.JobCancel(err)
	}
	res, err := db.New(q.st).Update(ctx, db.UpdateOptions{BaseURL: a.BaseURL, Ecosystems: a.Ecosystems})
	for _, r := range res {
		switch {
		case r.Err != nil:
			q.log.Warn("vulnerability database update failed", "job", job.ID, "ecosystem", r.Ecosystem, "error", r.Err)
		case r.Unchanged:
			q.log.Info("vulnerability database unchanged", "job", job.ID, "ecosystem", r.Ecosystem)
		default:
			q.log.Info("vulnerability database updated", "job", job.ID, "ecosystem", r.Ecosystem,
				"added", r.Stats.Added, "updated", r.Stats.Updated, "withdrawn", r.Stats.Withdrawn)
		}
	}
	if err != nil {
		return fmt.Errorf("vulnerability database update: %w", err)
	}
	return nil
}
