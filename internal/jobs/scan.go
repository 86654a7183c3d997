package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck"
	"ospo/internal/report"
	"ospo/internal/scan"
	"ospo/internal/secret"
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
		// Each attempt clones into a directory of its own: two attempts
		// of one job may overlap (a rescue while the first still runs),
		// and job ids repeat across databases whose workers share a
		// clone directory.
		d, err := os.MkdirTemp(q.cloneDir(), fmt.Sprintf("ospo-job-%d-*", job.ID))
		if err != nil {
			return fmt.Errorf("scan of project %d (%s): clone directory: %w", p.ID, p.Name, err)
		}
		defer os.RemoveAll(d)
		dir = d
		// The repository checks read the history (its age, commits,
		// contributors, tags); the scan alone needs only the files.
		if err := clone(ctx, a.URL, dir, a.RepoCheck); err != nil {
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

// clone clones url into the empty directory dir with hooks and templates
// off, no prompts, and only the protocols a repository address may use.
// With history it fetches every commit and tag but no file contents
// beyond the checkout (--filter=blob:none), which is what the repository
// checks read; without, only the newest commit. Errors show the URL
// with its credentials hidden: they are stored with the job and shown.
func clone(ctx context.Context, url, dir string, history bool) error {
	if err := checkCloneURL(url); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cloneTimeout)
	defer cancel()
	args := []string{
		"-c", "core.hooksPath=/dev/null",
		"-c", "core.fsmonitor=false",
		"-c", "protocol.ext.allow=never",
		"clone", "--template=", "--quiet",
	}
	if history {
		args = append(args, "--filter=blob:none")
	} else {
		args = append(args, "--depth", "1", "--no-tags")
	}
	cmd := exec.CommandContext(ctx, "git", append(args, "--", url, dir)...)
	cmd.Env = append(os.Environ(),
		"GIT_TERMINAL_PROMPT=0",
		"GIT_ALLOW_PROTOCOL=https:http:ssh:git:file",
	)
	killGroup(cmd)
	// Should a helper outlive git anyway, its pipes are closed after this.
	cmd.WaitDelay = 5 * time.Second
	out := &cappedBuffer{max: maxGitOutput}
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Run(); err != nil {
		shown := secret.RedactURLs(url)
		if ctx.Err() != nil {
			return fmt.Errorf("clone %s: %w", shown, ctx.Err())
		}
		return fmt.Errorf("clone %s: %w: %s", shown, err, secret.RedactURLs(strings.TrimSpace(out.String())))
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
