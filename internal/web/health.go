package web

import (
	"context"
	"math"
	"net/http"
	"time"

	"ospo/internal/repocheck/monitor"
	"ospo/internal/repocheck/result"
	"ospo/internal/store"
)

// maxHealthRepos bounds the repositories the health page and the API
// list; a CSV download has them all.
const maxHealthRepos = 1000

// latestHealth is the newest stored result of every repository, one per
// source (ospo's own check, an imported Scorecard result), by name; at
// most maxHealthRepos repositories unless all is set.
func latestHealth(ctx context.Context, st *store.Store, all bool) ([]result.Repo, error) {
	limit := maxHealthRepos
	if all {
		limit = math.MaxInt32
	}
	return monitor.Latest(ctx, st, limit)
}

// healthView is the health page's data.
type healthView struct {
	Repos []result.Repo
}

// Score shows a score, "inconclusive" for -1.
func (healthView) Score(f float64) string {
	if f < 0 {
		return "inconclusive"
	}
	return fmtNum(f)
}

func (s *Server) healthPage(w http.ResponseWriter, r *http.Request) error {
	repos, err := latestHealth(r.Context(), s.cfg.Store, wholeCSV(r))
	if err != nil {
		return err
	}
	v := healthView{Repos: repos}
	return s.list(w, r, "health", "Repository health", v, repos, func() table { return healthTable(v) }, "health")
}

func (s *Server) apiHealth(w http.ResponseWriter, r *http.Request) error {
	repos, err := latestHealth(r.Context(), s.cfg.Store, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, repos)
	return nil
}

// healthTable has a row per check of each repository's newest result.
func healthTable(v healthView) table {
	t := table{header: []string{"repository", "source", "date", "commit", "score", "rating", "check", "checkScore", "risk", "reason", "exempt"}}
	for _, rp := range v.Repos {
		base := []string{rp.Name, rp.Source, rp.Date.UTC().Format(time.RFC3339), rp.Commit, v.Score(rp.Score), rp.Rating}
		if len(rp.Checks) == 0 {
			t.rows = append(t.rows, append(base, "", "", "", "", ""))
		}
		for _, c := range rp.Checks {
			row := append(append([]string{}, base...), c.Name, v.Score(c.Score), c.Risk, c.Reason, c.Exempt)
			t.rows = append(t.rows, row)
		}
	}
	return t
}
