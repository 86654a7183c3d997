package practices

import (
	"context"

	"ospo/internal/repocheck"
	"ospo/internal/repocheck/result"
)

// CheckWithScorecard runs the Scorecard-compatible checks on the clone
// in dir and then the best-practice checks on top of them: the result
// has the security checks, the practices (named "practices/…") and the
// CLOMonitor-style rating. The CLI, the monitor's jobs and the portal's
// demo call it, so a repository is judged the same way everywhere.
func CheckWithScorecard(ctx context.Context, dir string, opts repocheck.Options) (*result.Repo, error) {
	r, err := repocheck.Check(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	p, err := Check(ctx, dir, Options{Scorecard: r, Identifier: opts.Identifier})
	if err != nil {
		return nil, err
	}
	r.Rating = p.Rating
	for _, c := range p.Checks {
		c.Name = "practices/" + c.Name
		r.Checks = append(r.Checks, c)
	}
	return r, nil
}
