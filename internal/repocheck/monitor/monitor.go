// Package monitor keeps the history of repository checks: it runs a
// checker over a scope of clones (or imports OpenSSF Scorecard results),
// stores every result and every check append-only, and reports what moved
// since each repository's previous result — the aggregate, the checks
// that changed with their reasons, and the commits in between. It also
// renders the run as Markdown or HTML, raises threshold alerts and posts
// them to a chat webhook. The checks themselves are not its business: the
// checker is handed in.
package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"ospo/internal/repocheck/result"
	"ospo/internal/store"
)

// Checker checks the clone at dir. The monitor sets the result's Name
// and Path from the scope, and fills Commit (from the clone's HEAD), Date
// and Source ("ospo") when the checker leaves them empty.
type Checker func(ctx context.Context, dir string) (*result.Repo, error)

// RunOptions tune a run.
type RunOptions struct {
	// Parallelism is how many repositories are checked at once (default 2).
	Parallelism int
	// Trigger says what started the run (default "manual").
	Trigger string
	// Logger receives one line per failed repository (default: none).
	Logger *slog.Logger
	// Now is the clock (default time.Now); tests pin it.
	Now func() time.Time
}

func (o RunOptions) withDefaults() RunOptions {
	if o.Parallelism < 1 {
		o.Parallelism = 2
	}
	if o.Trigger == "" {
		o.Trigger = "manual"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// RunReport is what one run or import stored and how it compares.
type RunReport struct {
	RunID    int64     `json:"runId"`
	Scope    string    `json:"scope"`
	Trigger  string    `json:"trigger"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Repos holds one entry per repository, in scope order (input order
	// for an import).
	Repos []RepoReport `json:"repos"`
}

// Failed lists the repositories whose check failed.
func (r *RunReport) Failed() []RepoReport {
	var out []RepoReport
	for _, rr := range r.Repos {
		if rr.Err != "" {
			out = append(out, rr)
		}
	}
	return out
}

// Changed lists the repositories that moved since their previous result.
func (r *RunReport) Changed() []RepoReport {
	var out []RepoReport
	for _, rr := range r.Repos {
		if rr.Changed() {
			out = append(out, rr)
		}
	}
	return out
}

// RepoReport is one repository of a run: its stored result and how it
// compares with the previous one of the same source.
type RepoReport struct {
	Name string `json:"name"`
	Path string `json:"path,omitempty"`
	// Err is why the repository has no result this time; the other
	// fields are then empty.
	Err    string       `json:"error,omitempty"`
	Result *result.Repo `json:"result,omitempty"`
	// Previous is the repository's previous result of the same source
	// (without its checks), nil for a first result.
	Previous *Previous `json:"previous,omitempty"`
	// Delta is the aggregate's change, rounded to one decimal; HasDelta
	// is false when there is no previous result or either side is
	// inconclusive.
	Delta    float64       `json:"delta"`
	HasDelta bool          `json:"hasDelta"`
	Changes  []CheckChange `json:"changes,omitempty"`
	// Commits is "what changed": the clone's commits between the previous
	// and the current commit, newest first, at most 20; CommitsMore tells
	// there were more. CommitsNote says why the range could not be listed.
	Commits     []string `json:"commits,omitempty"`
	CommitsMore bool     `json:"commitsMore,omitempty"`
	CommitsNote string   `json:"commitsNote,omitempty"`
}

// Previous is the result a repository is compared with.
type Previous struct {
	RunID  int64     `json:"runId"`
	Commit string    `json:"commit,omitempty"`
	Date   time.Time `json:"date"`
	Score  float64   `json:"score"`
	Rating string    `json:"rating,omitempty"`
}

// Changed tells whether the repository moved since its previous result:
// its aggregate, its rating or one of its checks.
func (rr RepoReport) Changed() bool {
	if rr.Result == nil || rr.Previous == nil {
		return false
	}
	return len(rr.Changes) > 0 || !sameScore(rr.Previous.Score, rr.Result.Score) || rr.Previous.Rating != rr.Result.Rating
}

// Run checks every repository of scope with check, at most
// opts.Parallelism at once, stores each result and compares it with the
// repository's previous result of the same source. A repository whose
// check fails is an entry with Err in the report, never the end of the
// run; a database failure or the end of ctx is, and the report then holds
// what was stored so far.
func Run(ctx context.Context, st *store.Store, scope Scope, check Checker, opts RunOptions) (*RunReport, error) {
	if check == nil {
		return nil, errors.New("monitor: no checker given")
	}
	opts = opts.withDefaults()
	rep := &RunReport{Scope: scope.Name, Trigger: opts.Trigger, Started: opts.Now().UTC()}
	id, err := insertRun(ctx, st, rep.Started, scope.Name, opts.Trigger)
	if err != nil {
		return nil, err
	}
	rep.RunID = id
	rep.Repos = make([]RepoReport, len(scope.Repos))

	type outcome struct {
		i   int
		res *result.Repo
		err error
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	outcomes := make(chan outcome)
	var wg sync.WaitGroup
	for range min(opts.Parallelism, max(len(scope.Repos), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res, err := runCheck(wctx, scope.Repos[i], check, opts.Now)
				select {
				case outcomes <- outcome{i, res, err}:
				case <-wctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range scope.Repos {
			select {
			case jobs <- i:
			case <-wctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(outcomes) }()

	// Results are stored by this goroutine alone, as they arrive: SQLite
	// has one writer anyway, and a run cut short keeps what it stored.
	var fatal error
	done := make([]bool, len(scope.Repos))
	for o := range outcomes {
		if fatal != nil {
			continue // drain
		}
		t := scope.Repos[o.i]
		done[o.i] = true
		if o.err != nil {
			if ctx.Err() != nil {
				fatal = ctx.Err()
				cancel()
				continue
			}
			opts.Logger.Warn("repository check failed", "repo", t.Name, "path", t.Path, "err", o.err)
			rep.Repos[o.i] = RepoReport{Name: t.Name, Path: t.Path, Err: o.err.Error()}
			continue
		}
		rr, err := record(ctx, st, id, o.res)
		if err != nil {
			fatal = err
			cancel()
			continue
		}
		rep.Repos[o.i] = rr
	}
	if fatal == nil && ctx.Err() != nil {
		fatal = ctx.Err()
	}
	rep.Finished = opts.Now().UTC()
	if fatal != nil {
		// Keep only what was stored; the run row stays unfinished.
		kept := rep.Repos[:0]
		for i, rr := range rep.Repos {
			if done[i] && (rr.Result != nil || rr.Err != "") {
				kept = append(kept, rr)
			}
		}
		rep.Repos = kept
		return rep, fmt.Errorf("monitor run %d: %w", id, fatal)
	}
	if err := finishRun(ctx, st, id, rep.Finished); err != nil {
		return rep, err
	}
	return rep, nil
}

// runCheck checks one repository and completes the result, turning a
// panicking checker into an error so the other repositories go on.
func runCheck(ctx context.Context, t Target, check Checker, now func() time.Time) (res *result.Repo, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("checker panicked: %v", p)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err = check(ctx, t.Path)
	if err != nil {
		return nil, err
	}
	if res == nil {
		return nil, errors.New("checker returned no result")
	}
	cp := *res
	cp.Name, cp.Path = t.Name, t.Path
	if cp.Source == "" {
		cp.Source = "ospo"
	}
	if cp.Date.IsZero() {
		cp.Date = now().UTC()
	}
	if cp.Commit == "" {
		// A clone without commits has no HEAD; the result stands without.
		cp.Commit, _ = headCommit(ctx, t.Path)
	}
	if err := validate(&cp); err != nil {
		return nil, err
	}
	return &cp, nil
}

// validate refuses a result the history cannot hold: a check named twice
// (the table keys checks by name) or a score that is not a number.
func validate(r *result.Repo) error {
	if r.Name == "" {
		return errors.New("result has no repository name")
	}
	if !validScore(r.Score) {
		return fmt.Errorf("aggregate score %v is not -1 or 0–10", r.Score)
	}
	seen := make(map[string]bool, len(r.Checks))
	for _, c := range r.Checks {
		switch {
		case c.Name == "":
			return errors.New("a check has no name")
		case seen[c.Name]:
			return fmt.Errorf("check %s appears twice", c.Name)
		case !validScore(c.Score):
			return fmt.Errorf("check %s: score %v is not -1 or 0–10", c.Name, c.Score)
		}
		seen[c.Name] = true
	}
	return nil
}

func validScore(s float64) bool {
	return !math.IsNaN(s) && (s == result.Inconclusive || (s >= 0 && s <= 10))
}

// record stores res under run id and compares it with the repository's
// previous result of the same source.
func record(ctx context.Context, st *store.Store, runID int64, res *result.Repo) (RepoReport, error) {
	prev, err := latestResult(ctx, st, res.Name, res.Source)
	if err != nil {
		return RepoReport{}, err
	}
	if _, err := insertResult(ctx, st, runID, res); err != nil {
		return RepoReport{}, err
	}
	rr := RepoReport{Name: res.Name, Path: res.Path, Result: res}
	if prev == nil {
		return rr, nil
	}
	rr.Previous = &Previous{RunID: prev.RunID, Commit: prev.Repo.Commit, Date: prev.Repo.Date, Score: prev.Repo.Score, Rating: prev.Repo.Rating}
	rr.Delta, rr.HasDelta = aggregateDelta(prev.Repo.Score, res.Score)
	rr.Changes = CompareChecks(&prev.Repo, res)
	if res.Path != "" && prev.Repo.Commit != "" && res.Commit != "" && prev.Repo.Commit != res.Commit {
		lines, more, err := commitRange(ctx, res.Path, prev.Repo.Commit, res.Commit)
		if err != nil {
			rr.CommitsNote = fmt.Sprintf("commits %s..%s not listed: %v", short(prev.Repo.Commit), short(res.Commit), err)
		} else {
			rr.Commits, rr.CommitsMore = lines, more
		}
	}
	return rr, nil
}

// short is a commit id cut to 7 characters, as forges show them.
func short(commit string) string {
	if len(commit) > 7 && commitID.MatchString(commit) {
		return commit[:7]
	}
	return commit
}
