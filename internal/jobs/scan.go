package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck"
	"ospo/internal/report"
	"ospo/internal/scan"
	"ospo/internal/store"
)

// scanWorker scans a project's directory or clone and stores the result
// in the portfolio. Running it again (a retry, or a rescue after its
// worker died) stores one more scan, which is harmless: scans are
// history.
type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	q *Queue
}

// Work runs one scan job. Errors are returned for River to retry, except
// those no retry can mend, which cancel the job.
func (w *scanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	q, a := w.q, job.Args
	if err := a.validate(); err != nil {
		return river.JobCancel(err)
	}
	p, err := q.cfg.Portfolio.Project(ctx, a.ProjectID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("scan: project %d does not exist", a.ProjectID))
	}
	if err != nil {
		return fmt.Errorf("scan of project %d: %w", a.ProjectID, err)
	}

	dir := a.Path
	if a.URL != "" {
		dir = filepath.Join(q.cloneDir(), fmt.Sprintf("ospo-job-%d", job.ID))
		// A clone left by an attempt whose worker died is removed first.
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("scan of project %d (%s): remove old clone %s: %w", p.ID, p.Name, dir, err)
		}
		defer os.RemoveAll(dir)
		if err := clone(ctx, a.URL, dir); err != nil {
			return fmt.Errorf("scan of project %d (%s): %w", p.ID, p.Name, err)
		}
	} else if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return river.JobCancel(fmt.Errorf("scan of project %d (%s): %s does not exist", p.ID, p.Name, dir))
		}
		return fmt.Errorf("scan of project %d (%s): %w", p.ID, p.Name, err)
	}

	res, err := scan.Run(ctx, q.scanConfig(p, dir))
	if err != nil {
		if errors.Is(err, scan.ErrUsage) {
			return river.JobCancel(fmt.Errorf("scan of project %d (%s): %w", p.ID, p.Name, err))
		}
		return fmt.Errorf("scan of project %d (%s): %w", p.ID, p.Name, err)
	}
	for _, pr := range res.Problems {
		q.log.Warn("skipped", "job", job.ID, "project", p.Name, "path", pr.Path, "problem", pr.Message)
	}
	doc := report.NewDocument(res, report.Tool{Name: "ospo", Version: q.cfg.Version})

	var health *float64
	if a.RepoCheck {
		r, err := repocheck.Check(ctx, dir, repocheck.Options{Vulns: q.cfg.Vulns, Identifier: q.id, Name: p.Name})
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			// The licenses and vulnerabilities are worth storing without
			// the health score; the reason is logged.
			q.log.Warn("repository check failed; scan stored without health", "job", job.ID, "project", p.Name, "error", err)
		case r.Score >= 0:
			s := r.Score
			health = &s
		}
	}

	if q.cfg.beforeIngest != nil {
		if err := q.cfg.beforeIngest(ctx, job.JobRow); err != nil {
			return err
		}
	}
	sc, delta, err := q.cfg.Portfolio.Ingest(ctx, portfolio.Ingestion{
		ProjectID: p.ID, Doc: &doc, Origin: "job", Actor: q.actor, Health: health, At: time.Now().UTC(),
	})
	if err != nil {
		return fmt.Errorf("store scan of project %d (%s): %w", p.ID, p.Name, err)
	}
	q.log.Info("scanned", "job", job.ID, "project", p.Name, "scan", sc.ID, "components", sc.Components)
	if q.cfg.OnDelta != nil && !delta.Empty() {
		q.cfg.OnDelta(ctx, delta)
	}
	return nil
}

// scanConfig is the scan of one project: the queue's policy (never one
// found in the scanned tree) with the project's distribution model, and
// the project's kind and supplier.
func (q *Queue) scanConfig(p portfolio.Project, dir string) scan.Config {
	pol := q.cfg.Policy
	if pol == nil {
		pol = policy.Default()
	}
	var pctx policy.Context
	if m := knowledge.DistributionModel(p.Distribution); m.Valid() {
		pctx.Distribution = m
	}
	return scan.Config{
		Roots:         []string{dir},
		Policy:        pol,
		PolicyContext: pctx,
		Vulns:         q.cfg.Vulns,
		Identifier:    q.id,
		Kind:          p.Kind,
		Supplier:      p.Supplier,
	}
}

func (q *Queue) cloneDir() string {
	if q.cfg.CloneDir != "" {
		return q.cfg.CloneDir
	}
	return os.TempDir()
}

// cloneTimeout bounds one clone; a job's own deadline may end it sooner.
const cloneTimeout = 30 * time.Minute

// maxGitOutput bounds what is kept of git's messages.
const maxGitOutput = 4 << 10

// clone makes a shallow clone of url in dir with hooks and templates off,
// no prompts, and only the protocols a repository address may use.
func clone(ctx context.Context, url, dir string) error {
	if err := checkCloneURL(url); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cloneTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git",
		"-c", "core.hooksPath=/dev/null",
		"-c", "core.fsmonitor=false",
		"-c", "protocol.ext.allow=never",
		"clone", "--depth", "1", "--no-tags", "--template=", "--quiet", "--", url, dir)
	cmd.Env = append(os.Environ(),
		"GIT_TERMINAL_PROMPT=0",
		"GIT_ALLOW_PROTOCOL=https:http:ssh:git:file",
	)
	out := &cappedBuffer{max: maxGitOutput}
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("clone %s: %w", url, ctx.Err())
		}
		return fmt.Errorf("clone %s: %w: %s", url, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// cappedBuffer keeps the first max bytes written to it and drops the rest.
type cappedBuffer struct {
	buf       bytes.Buffer
	max       int
	truncated bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room < len(p) {
		c.truncated = true
		c.buf.Write(p[:max(room, 0)])
	} else {
		c.buf.Write(p)
	}
	return len(p), nil
}

func (c *cappedBuffer) String() string {
	if c.truncated {
		return c.buf.String() + "…"
	}
	return c.buf.String()
}
