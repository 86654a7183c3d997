package monitor

import (
	"math"

	"ospo/internal/repocheck/result"
)

// ChangeKind says how a check differs between two results.
type ChangeKind string

// The kinds of check change.
const (
	// Changed: the check ran both times and its score or exemption moved.
	Changed ChangeKind = "changed"
	// Added: the check ran this time only.
	Added ChangeKind = "new"
	// Removed: the check ran the previous time only.
	Removed ChangeKind = "removed"
)

// CheckChange is one check that moved between the previous result of a
// repository and the current one. Before is result.Inconclusive for an
// Added check, After for a Removed one.
type CheckChange struct {
	Name         string     `json:"name"`
	Kind         ChangeKind `json:"kind"`
	Before       float64    `json:"before"`
	After        float64    `json:"after"`
	BeforeReason string     `json:"beforeReason,omitempty"`
	AfterReason  string     `json:"afterReason,omitempty"`
	// BeforeExempt and AfterExempt hold the exemption reasons, when the
	// check was exempted on either side.
	BeforeExempt string `json:"beforeExempt,omitempty"`
	AfterExempt  string `json:"afterExempt,omitempty"`
}

// Reason is the reason that explains the change: the current one, or
// the last one of a removed check.
func (c CheckChange) Reason() string {
	if c.Kind == Removed {
		return c.BeforeReason
	}
	return c.AfterReason
}

// CompareChecks lists the checks that differ between prev and cur: a
// score that moved (inconclusive counts as a value of its own), an
// exemption that was granted or lifted, a check that appeared or went
// away. A reason that changed under an unchanged score is not a change.
// Current checks come in cur's order, removed ones after them in prev's.
func CompareChecks(prev, cur *result.Repo) []CheckChange {
	if prev == nil || cur == nil {
		return nil
	}
	before := make(map[string]result.Check, len(prev.Checks))
	for _, c := range prev.Checks {
		before[c.Name] = c
	}
	var out []CheckChange
	now := make(map[string]bool, len(cur.Checks))
	for _, c := range cur.Checks {
		now[c.Name] = true
		p, ok := before[c.Name]
		if !ok {
			out = append(out, CheckChange{Name: c.Name, Kind: Added, Before: result.Inconclusive, After: c.Score,
				AfterReason: c.Reason, AfterExempt: c.Exempt})
			continue
		}
		if sameScore(p.Score, c.Score) && (p.Exempt == "") == (c.Exempt == "") {
			continue
		}
		out = append(out, CheckChange{Name: c.Name, Kind: Changed, Before: p.Score, After: c.Score,
			BeforeReason: p.Reason, AfterReason: c.Reason, BeforeExempt: p.Exempt, AfterExempt: c.Exempt})
	}
	for _, p := range prev.Checks {
		if !now[p.Name] {
			out = append(out, CheckChange{Name: p.Name, Kind: Removed, Before: p.Score, After: result.Inconclusive,
				BeforeReason: p.Reason, BeforeExempt: p.Exempt})
		}
	}
	return out
}

func sameScore(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// conclusive tells whether a score is a real 0–10 value.
func conclusive(s float64) bool { return s >= 0 }

// round1 rounds to one decimal, as scores are shown.
func round1(f float64) float64 { return math.Round(f*10) / 10 }

// aggregateDelta is cur − prev rounded to one decimal, and false when
// either side is inconclusive.
func aggregateDelta(prev, cur float64) (float64, bool) {
	if !conclusive(prev) || !conclusive(cur) {
		return 0, false
	}
	d := round1(cur - prev)
	if d == 0 {
		d = 0 // no negative zero
	}
	return d, true
}
