// Package practices rates a repository's open source practices the way
// CLOMonitor does (documentation, license, best practices, security and
// legal checks with the same identifiers, weights, sections, check sets
// and score), from a local clone alone. Collect gathers the facts (file
// names, README texts, license detections, the Security Insights manifest,
// .clomonitor.yml, recent commits and tags); Evaluate, a pure function,
// turns them into a Report. Checks that need a forge's API or a website are
// reported as not available and left out of the score, and the checks
// CLOMonitor borrows from OpenSSF Scorecard are taken from a Scorecard
// result when one is given.
package practices

import (
	"context"
	"time"

	"ospo/internal/license"
	"ospo/internal/repocheck/result"
)

// The check sets of CLOMonitor: a repository is rated on the checks of
// the sets it is in.
const (
	SetCode      = "code"
	SetCodeLite  = "code-lite"
	SetCommunity = "community"
	SetDocs      = "docs"
)

// DefaultSets are the sets rated when Options.Sets is empty, as
// CLOMonitor's linter rates them by default. Together they hold every
// check.
var DefaultSets = []string{SetCode, SetCommunity}

// The sections of the report, in CLOMonitor's order. Informational
// checks (repolinter's rules) are in SectionInformational, which has no
// weight and no score.
const (
	SectionDocumentation = "Documentation"
	SectionLicense       = "License"
	SectionBestPractices = "Best practices"
	SectionSecurity      = "Security"
	SectionLegal         = "Legal"
	SectionInformational = "Informational"
)

// Sections lists the scored sections in report order.
var Sections = []string{SectionDocumentation, SectionLicense, SectionBestPractices, SectionSecurity, SectionLegal}

// DefaultApproved is CLOMonitor's list of approved licenses: the CNCF's
// allowed third-party licenses (the list in CLOMonitor's
// license_approved check, which added CC-BY-4.0 to the ten licenses it
// first had).
var DefaultApproved = []string{
	"Apache-2.0", "BSD-2-Clause", "BSD-2-Clause-FreeBSD", "BSD-3-Clause",
	"CC-BY-4.0", "ISC", "MIT", "PostgreSQL", "Python-2.0", "X11", "Zlib",
}

// DefaultMaxFileSize bounds every file read (README, license, manifest).
const DefaultMaxFileSize = 1 << 20

// Options tune a check run.
type Options struct {
	// Now is the time recent_release measures from; zero means time.Now().
	Now time.Time
	// Sets are the check sets rated (SetCode …); empty means DefaultSets.
	Sets []string
	// Approved is the license allow-list of license_approved; nil means
	// DefaultApproved. Ids compare without regard to case.
	Approved []string
	// Scorecard is the Scorecard-style result of the same clone. The
	// security checks CLOMonitor borrows from Scorecard are read from it;
	// nil reports them as not available.
	Scorecard *result.Repo
	// Exemptions are added to those of the repository's .clomonitor.yml;
	// they win when both exempt the same check.
	Exemptions []Exemption
	// Git is the git command; "" looks it up in PATH.
	Git string
	// Identifier identifies license texts; nil makes one. Sharing one
	// across runs saves building its engines again.
	Identifier *license.Identifier
	// MaxFileSize bounds every file read; 0 means DefaultMaxFileSize.
	MaxFileSize int64
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

// Exemption is a check a project asks not to be rated on, and why. The
// reason is required: an exemption without one is reported and ignored,
// as CLOMonitor ignores it.
type Exemption struct {
	Check  string `json:"check" yaml:"check"`
	Reason string `json:"reason" yaml:"reason"`
}

// Section is one section's score.
type Section struct {
	Name string `json:"name"`
	// Score is 100 · the weight of the checks passed or exempt / the
	// weight of the checks available, or result.Inconclusive when no
	// weight is available (CLOMonitor's "None").
	Score float64 `json:"score"`
	// Weight is the weight of the available checks; Passed the part of it
	// passed or exempt.
	Weight int `json:"weight"`
	Passed int `json:"passed"`
}

// Report is the rating of one repository.
type Report struct {
	// Sections are the scored sections, in Sections order.
	Sections []Section `json:"sections"`
	// Checks are the checks rated, in catalog order. Risk is the section;
	// Score is 10 (passed), 0 (failed) or result.Inconclusive (not
	// available); Exempt is set for an exempt check, which counts as
	// passed.
	Checks []result.Check `json:"checks"`
	// Score is the global score, 0–100: 100 · the weight passed or exempt
	// / the weight available over every section; result.Inconclusive
	// when no weight is available.
	Score float64 `json:"score"`
	// Rating is CLOMonitor's letter: a (75–100), b (50–74), c (25–49) or
	// d (0–24) of the rounded score; "" when Score is inconclusive.
	Rating string `json:"rating,omitempty"`
	// Problems are files that could not be read or understood and
	// exemptions that were ignored; the rest was rated.
	Problems []result.Finding `json:"problems,omitempty"`
}

// Check rates the clone in dir. It only reads: files, and the history
// through git. The error is for a dir that cannot be opened or a done
// ctx; everything else is a Problem or a check's finding.
func Check(ctx context.Context, dir string, opts Options) (Report, error) {
	f, err := Collect(ctx, dir, opts)
	if err != nil {
		return Report{}, err
	}
	return Evaluate(f, opts), nil
}
