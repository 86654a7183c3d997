// Package result holds what a repository check produces, shared by the
// checks (package repocheck and its practices), the monitor that stores
// and compares them, and the renderers. It decides nothing.
package result

import "time"

// Outcome is a probe's answer.
type Outcome string

// The outcomes of a probe, as Scorecard names them.
const (
	True          Outcome = "True"
	False         Outcome = "False"
	NotAvailable  Outcome = "NotAvailable"
	NotApplicable Outcome = "NotApplicable"
	Error         Outcome = "Error"
)

// Finding is one probe's answer about one thing, with where it was seen.
type Finding struct {
	Probe   string  `json:"probe"`
	Outcome Outcome `json:"outcome"`
	Message string  `json:"message"`
	// Path and Line locate the evidence in the clone ("" and 0 when it is
	// the repository as a whole).
	Path string `json:"path,omitempty"`
	Line int    `json:"line,omitempty"`
	// Remediation says what to do when the outcome is the unwanted one.
	Remediation string `json:"remediation,omitempty"`
}

// Inconclusive is the score of a check that could not decide (no
// workflows to judge, no releases to look at).
const Inconclusive = -1

// Check is one check's result.
type Check struct {
	Name string `json:"name"`
	// Score is 0–10, or Inconclusive.
	Score float64 `json:"score"`
	// Risk is the check's weight class: Critical, High, Medium, Low (as
	// Scorecard), or the section for best-practice checks.
	Risk   string `json:"risk,omitempty"`
	Reason string `json:"reason"`
	// Exact is true when the check applies Scorecard's own rule; false
	// when it approximates from the clone what Scorecard asks a forge's
	// API for.
	Exact    bool      `json:"exact"`
	Findings []Finding `json:"findings,omitempty"`
	// Exempt is the reason the check does not apply (a user's exemption,
	// or another check that makes it moot); as in CLOMonitor, an exempt
	// check counts as passed.
	Exempt string `json:"exempt,omitempty"`
	// DocURL points at the check's documentation.
	DocURL string `json:"docUrl,omitempty"`
}

// Repo is every check's result for one repository at one commit.
type Repo struct {
	// Name is the repository as it is known (a forge path such as
	// example.org/team/repo, or the clone's directory name).
	Name   string    `json:"name"`
	Path   string    `json:"path,omitempty"`
	Commit string    `json:"commit,omitempty"`
	Date   time.Time `json:"date"`
	// Score is the aggregate (Scorecard's risk-weighted mean of the
	// conclusive checks), or Inconclusive.
	Score float64 `json:"score"`
	// Rating is the best-practice letter (A–D), when those checks ran.
	Rating string  `json:"rating,omitempty"`
	Checks []Check `json:"checks"`
	// Source says who computed the result: "ospo", or "scorecard" for
	// imported OpenSSF Scorecard results.
	Source string `json:"source"`
	// Tool is the version of what computed it.
	Tool string `json:"tool,omitempty"`
}

// Check returns the named check's result, and false when it did not run.
func (r *Repo) Check(name string) (Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}
