package monitor

import (
	"fmt"

	"ospo/internal/repocheck/result"
)

// Thresholds say when a run raises alerts. A zero field is off.
type Thresholds struct {
	// MinScore: a repository whose aggregate is below it.
	MinScore float64
	// MinCheck: a conclusive, not exempted check scoring below it.
	MinCheck float64
	// MaxDrop: an aggregate or a check that fell by more than it since
	// the previous result.
	MaxDrop float64
	// Failures: a repository whose check failed.
	Failures bool
}

// Alert is one threshold a repository crossed.
type Alert struct {
	Repo string `json:"repo"`
	// Check is empty for the aggregate and for a failed repository.
	Check string `json:"check,omitempty"`
	// Before is the previous value, result.Inconclusive when unknown;
	// After the current one.
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Why    string  `json:"why"`
}

// Evaluate lists the alerts rep raises under t, repository by
// repository in report order: failure, aggregate below, aggregate drop,
// then each check below or dropped, in check order.
func Evaluate(rep *RunReport, t Thresholds) []Alert {
	if rep == nil {
		return nil
	}
	var out []Alert
	for _, rr := range rep.Repos {
		if rr.Err != "" {
			if t.Failures {
				out = append(out, Alert{Repo: rr.Name, Before: result.Inconclusive, After: result.Inconclusive,
					Why: "check failed: " + rr.Err})
			}
			continue
		}
		if rr.Result == nil {
			continue
		}
		cur := rr.Result
		before := float64(result.Inconclusive)
		if rr.Previous != nil {
			before = rr.Previous.Score
		}
		if t.MinScore > 0 && conclusive(cur.Score) && cur.Score < t.MinScore {
			out = append(out, Alert{Repo: rr.Name, Before: before, After: cur.Score,
				Why: fmt.Sprintf("score %s is below %s", fmtScore(cur.Score), fmtScore(t.MinScore))})
		}
		if t.MaxDrop > 0 && rr.HasDelta && -rr.Delta > t.MaxDrop {
			out = append(out, Alert{Repo: rr.Name, Before: before, After: cur.Score,
				Why: fmt.Sprintf("score fell by %s, more than %s", fmtScore(-rr.Delta), fmtScore(t.MaxDrop))})
		}
		changed := make(map[string]CheckChange, len(rr.Changes))
		for _, c := range rr.Changes {
			changed[c.Name] = c
		}
		for _, c := range cur.Checks {
			if c.Exempt != "" || !conclusive(c.Score) {
				continue
			}
			prev := float64(result.Inconclusive)
			ch, moved := changed[c.Name]
			switch {
			case moved:
				prev = ch.Before
			case rr.Previous != nil:
				prev = c.Score // unchanged since the previous result
			}
			if t.MinCheck > 0 && c.Score < t.MinCheck {
				out = append(out, Alert{Repo: rr.Name, Check: c.Name, Before: prev, After: c.Score,
					Why: fmt.Sprintf("%s scores %s, below %s: %s", c.Name, fmtScore(c.Score), fmtScore(t.MinCheck), c.Reason)})
			}
			if t.MaxDrop > 0 && moved && ch.Kind == Changed && conclusive(ch.Before) && ch.BeforeExempt == "" &&
				round1(ch.Before-c.Score) > t.MaxDrop {
				out = append(out, Alert{Repo: rr.Name, Check: c.Name, Before: ch.Before, After: c.Score,
					Why: fmt.Sprintf("%s fell from %s to %s, more than %s: %s", c.Name, fmtScore(ch.Before), fmtScore(c.Score), fmtScore(t.MaxDrop), c.Reason)})
			}
		}
	}
	return out
}

// fmtScore shows a score as reports do: one decimal, "?" when
// inconclusive.
func fmtScore(s float64) string {
	if !conclusive(s) {
		return "?"
	}
	return fmt.Sprintf("%.1f", s)
}
