package monitor

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"ospo/internal/repocheck/result"
	"ospo/internal/store"
)

// The repo_* tables (migration 0002_repocheck) are append-only: rows are
// inserted, and only a run's finished_at is ever updated.

func insertRun(ctx context.Context, st *store.Store, started time.Time, scope, trigger string) (int64, error) {
	var id int64
	err := st.DB().QueryRowContext(ctx, st.Rebind(`INSERT INTO repo_runs (started_at, scope, trigger_kind) VALUES (?, ?, ?) RETURNING id`),
		started.UTC(), scope, trigger).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record run: %w", store.MapError(err))
	}
	return id, nil
}

func finishRun(ctx context.Context, st *store.Store, id int64, finished time.Time) error {
	_, err := st.DB().ExecContext(ctx, st.Rebind(`UPDATE repo_runs SET finished_at = ? WHERE id = ?`), finished.UTC(), id)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", id, store.MapError(err))
	}
	return nil
}

// insertResult stores one result and its checks in one transaction and
// returns the result's id.
//
// The date is kept to the microsecond, the finest both databases store,
// so that the result reported and the result read back are the same.
func insertResult(ctx context.Context, st *store.Store, runID int64, r *result.Repo) (int64, error) {
	r.Date = r.Date.UTC().Truncate(time.Microsecond)
	var id int64
	err := st.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, st.Rebind(`INSERT INTO repo_results
			(run_id, repo_name, repo_path, commit_sha, date, score, rating, source, tool)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			runID, r.Name, r.Path, r.Commit, r.Date.UTC(), r.Score, r.Rating, r.Source, r.Tool).Scan(&id)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, st.Rebind(`INSERT INTO repo_checks
			(result_id, seq, name, score, risk, reason, exact, exempt, doc_url, findings_json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, c := range r.Checks {
			findings := []byte("[]")
			if len(c.Findings) > 0 {
				if findings, err = json.Marshal(c.Findings); err != nil {
					return fmt.Errorf("check %s: %w", c.Name, err)
				}
			}
			exact := 0
			if c.Exact {
				exact = 1
			}
			if _, err := stmt.ExecContext(ctx, id, i, c.Name, c.Score, c.Risk, c.Reason, exact, c.Exempt, c.DocURL, string(findings)); err != nil {
				return fmt.Errorf("check %s: %w", c.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store result of %s: %w", r.Name, err)
	}
	return id, nil
}

// stored is a result as read back, with the ids that place it.
type stored struct {
	ID    int64
	RunID int64
	Repo  result.Repo
}

const resultColumns = `id, run_id, repo_name, repo_path, commit_sha, date, score, rating, source, tool`

func scanResult(sc interface{ Scan(...any) error }) (stored, error) {
	var s stored
	err := sc.Scan(&s.ID, &s.RunID, &s.Repo.Name, &s.Repo.Path, &s.Repo.Commit, &s.Repo.Date,
		&s.Repo.Score, &s.Repo.Rating, &s.Repo.Source, &s.Repo.Tool)
	s.Repo.Date = s.Repo.Date.UTC()
	return s, err
}

// latestResult is the newest stored result of repo computed by source,
// or nil when there is none.
func latestResult(ctx context.Context, st *store.Store, repo, source string) (*stored, error) {
	row := st.DB().QueryRowContext(ctx, st.Rebind(`SELECT `+resultColumns+`
		FROM repo_results WHERE repo_name = ? AND source = ? ORDER BY id DESC LIMIT 1`), repo, source)
	s, err := scanResult(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("previous result of %s: %w", repo, store.MapError(err))
	}
	if s.Repo.Checks, err = loadChecks(ctx, st, s.ID); err != nil {
		return nil, fmt.Errorf("previous result of %s: %w", repo, err)
	}
	return &s, nil
}

func loadChecks(ctx context.Context, st *store.Store, resultID int64) ([]result.Check, error) {
	rows, err := st.DB().QueryContext(ctx, st.Rebind(`SELECT name, score, risk, reason, exact, exempt, doc_url, findings_json
		FROM repo_checks WHERE result_id = ? ORDER BY seq`), resultID)
	if err != nil {
		return nil, store.MapError(err)
	}
	defer rows.Close()
	var out []result.Check
	for rows.Next() {
		var c result.Check
		var findings string
		if err := rows.Scan(&c.Name, &c.Score, &c.Risk, &c.Reason, &c.Exact, &c.Exempt, &c.DocURL, &findings); err != nil {
			return nil, store.MapError(err)
		}
		if err := json.Unmarshal([]byte(findings), &c.Findings); err != nil {
			return nil, fmt.Errorf("check %s: stored findings: %w", c.Name, err)
		}
		if len(c.Findings) == 0 {
			c.Findings = nil
		}
		out = append(out, c)
	}
	return out, store.MapError(rows.Err())
}

// Latest lists the newest stored result of every repository, one per
// source (ospo's own checks, imported Scorecard results), by repository
// name, at most limit repositories' worth.
func Latest(ctx context.Context, st *store.Store, limit int) ([]result.Repo, error) {
	rows, err := st.DB().QueryContext(ctx, st.Rebind(`SELECT `+resultColumns+` FROM repo_results r
		WHERE r.id = (SELECT MAX(n.id) FROM repo_results n WHERE n.repo_name = r.repo_name AND n.source = r.source)
		AND r.repo_name IN (SELECT DISTINCT repo_name FROM repo_results ORDER BY repo_name LIMIT ?)
		ORDER BY r.repo_name, r.source`), limit)
	if err != nil {
		return nil, fmt.Errorf("latest results: %w", store.MapError(err))
	}
	var found []stored
	for rows.Next() {
		s, err := scanResult(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("latest results: %w", store.MapError(err))
		}
		found = append(found, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("latest results: %w", store.MapError(err))
	}
	out := make([]result.Repo, 0, len(found))
	for _, s := range found {
		if s.Repo.Checks, err = loadChecks(ctx, st, s.ID); err != nil {
			return nil, fmt.Errorf("latest results: %w", err)
		}
		out = append(out, s.Repo)
	}
	return out, nil
}

// History lists every stored result of the repository named repo, of
// every source, oldest first (by date, then by the order stored).
func History(ctx context.Context, st *store.Store, repo string) ([]result.Repo, error) {
	rows, err := st.DB().QueryContext(ctx, st.Rebind(`SELECT `+resultColumns+`
		FROM repo_results WHERE repo_name = ? ORDER BY date, id`), repo)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", repo, store.MapError(err))
	}
	var found []stored
	for rows.Next() {
		s, err := scanResult(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("history of %s: %w", repo, store.MapError(err))
		}
		found = append(found, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history of %s: %w", repo, store.MapError(err))
	}
	out := make([]result.Repo, 0, len(found))
	for _, s := range found {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.Repo.Checks, err = loadChecks(ctx, st, s.ID); err != nil {
			return nil, fmt.Errorf("history of %s: %w", repo, err)
		}
		out = append(out, s.Repo)
	}
	return out, nil
}

// LatestScores gives the newest conclusive aggregate score of each of the
// named repositories that has one, whatever its source (an ospo check or
// an imported Scorecard result). Names match as stored, e.g.
// "github.com/owner/repo" for Scorecard results.
func LatestScores(ctx context.Context, st *store.Store, names []string) (map[string]float64, error) {
	out := map[string]float64{}
	const per = 500
	for start := 0; start < len(names); start += per {
		batch := names[start:min(len(names), start+per)]
		args := make([]any, len(batch))
		for i, n := range batch {
			args[i] = n
		}
		in := "?" + strings.Repeat(", ?", len(batch)-1)
		rows, err := st.DB().QueryContext(ctx, st.Rebind(`SELECT r.repo_name, r.score FROM repo_results r
			WHERE r.id = (SELECT MAX(n.id) FROM repo_results n WHERE n.repo_name = r.repo_name AND n.score >= 0)
			AND r.repo_name IN (`+in+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("repository scores: %w", store.MapError(err))
		}
		for rows.Next() {
			var name string
			var score float64
			if err := rows.Scan(&name, &score); err != nil {
				rows.Close()
				return nil, fmt.Errorf("repository scores: %w", store.MapError(err))
			}
			out[name] = score
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("repository scores: %w", store.MapError(err))
		}
	}
	return out, nil
}
