package practices

import (
	"fmt"
	"math"
	"slices"

	"ospo/internal/repocheck/result"
)

// DocURL documents CLOMonitor's checks.
const DocURL = "https://clomonitor.io/docs/topics/checks/"

// rated is one check on its way into the report.
type rated struct {
	def    Definition
	v      verdict
	exempt string
}

// counts reports whether the check enters the available weight: it was
// judged, or it is exempt (CLOMonitor counts an exempt check even when
// it could not have run).
func (r *rated) counts() bool { return r.v.status != unavailable || r.exempt != "" }

// good reports whether the check's weight is earned: passed or exempt.
func (r *rated) good() bool { return r.v.status == passed || r.exempt != "" }

// interExemptions are CLOMonitor's pairs: when the first passes (or is
// exempt) and the second does not, the second is exempt. They are applied
// in this order, as CLOMonitor applies them.
var interExemptions = []struct{ from, to, reason string }{
	{"cla", "dco", "CLA check passed"},
	{"dco", "cla", "DCO check passed"},
	{"slack_presence", "github_discussions", "Slack presence check passed"},
	{"github_discussions", "slack_presence", "GitHub discussions check passed"},
}

// Evaluate rates the facts of a clone. It does no I/O.
func Evaluate(f Facts, opts Options) Report {
	sets := opts.Sets
	if len(sets) == 0 {
		sets = DefaultSets
	}
	defs := Definitions()
	known := map[string]bool{}
	var rs []*rated
	byID := map[string]*rated{}
	for _, d := range defs {
		known[d.ID] = true
		if !d.inSets(sets) {
			continue
		}
		r := &rated{def: d, v: d.eval(&f, &opts)}
		rs = append(rs, r)
		byID[d.ID] = r
	}

	rep := Report{Problems: slices.Clone(f.Problems)}
	if f.Metadata != nil {
		for _, p := range f.Metadata.Problems {
			rep.Problems = append(rep.Problems, result.Finding{Probe: probeExemption, Outcome: result.Error, Path: MetadataFile, Message: p})
		}
	}

	// User exemptions: the options' first, then the file's.
	type source struct {
		e    Exemption
		path string
	}
	var exemptions []source
	for _, e := range opts.Exemptions {
		exemptions = append(exemptions, source{e, ""})
	}
	if f.Metadata != nil {
		for _, e := range f.Metadata.Exemptions {
			exemptions = append(exemptions, source{e, MetadataFile})
		}
	}
	for _, s := range exemptions {
		where := "the options"
		if s.path != "" {
			where = s.path
		}
		if !known[s.e.Check] {
			rep.Problems = append(rep.Problems, result.Finding{Probe: probeExemption, Outcome: result.Error, Path: s.path,
				Message: fmt.Sprintf("exemption in %s names unknown check %q; ignored", where, s.e.Check)})
			continue
		}
		r := byID[s.e.Check]
		if r == nil {
			continue // not in the sets rated
		}
		if s.e.Reason == "" {
			msg := fmt.Sprintf("exemption of %s in %s gives no reason; ignored (a reason is required)", s.e.Check, where)
			fd := result.Finding{Probe: probeExemption, Outcome: result.Error, Path: s.path, Message: msg}
			r.v.findings = append(r.v.findings, fd)
			rep.Problems = append(rep.Problems, fd)
			continue
		}
		if r.exempt != "" {
			continue
		}
		r.exempt = s.e.Reason
		r.v.findings = append(r.v.findings, result.Finding{Probe: probeExemption, Outcome: result.NotApplicable, Path: s.path,
			Message: fmt.Sprintf("exempt by %s: %s", where, s.e.Reason)})
	}
	for _, x := range interExemptions {
		from, to := byID[x.from], byID[x.to]
		if from != nil && to != nil && from.good() && !to.good() {
			to.exempt = x.reason
			to.v.findings = append(to.v.findings, result.Finding{Probe: probeExemption, Outcome: result.NotApplicable, Message: x.reason})
		}
	}

	for _, r := range rs {
		rep.Checks = append(rep.Checks, r.check())
	}
	rep.Sections, rep.Score = score(rs)
	rep.Rating = Rating(rep.Score)
	return rep
}

func (r *rated) check() result.Check {
	c := result.Check{
		Name:   r.def.ID,
		Risk:   r.def.Section,
		Reason: r.v.reason,
		Exact:  r.def.Exact,
		Exempt: r.exempt,
	}
	if r.v.exact != nil {
		c.Exact = *r.v.exact
	}
	if !r.def.Informational() {
		c.DocURL = DocURL
	}
	switch r.v.status {
	case passed:
		c.Score = 10
	case unavailable:
		c.Score = result.Inconclusive
		c.Exact = false
	default:
		c.Score = 0
	}
	for _, fd := range r.v.findings {
		if fd.Outcome == result.False && fd.Remediation == "" {
			fd.Remediation = r.def.Remediation
		}
		c.Findings = append(c.Findings, fd)
	}
	return c
}

// score computes CLOMonitor's section scores and global score: for each
// section, 100 · Σ weight of checks passed or exempt / Σ weight of
// checks available (inconclusive when that weight is 0); globally the
// same over every section, which is the sections' scores weighted by
// their available weight.
func score(rs []*rated) ([]Section, float64) {
	var sections []Section
	total, good := 0, 0
	for _, name := range Sections {
		s := Section{Name: name}
		for _, r := range rs {
			if r.def.Section != name || !r.counts() {
				continue
			}
			s.Weight += r.def.Weight
			if r.good() {
				s.Passed += r.def.Weight
			}
		}
		s.Score = result.Inconclusive
		if s.Weight > 0 {
			s.Score = 100 * float64(s.Passed) / float64(s.Weight)
		}
		total += s.Weight
		good += s.Passed
		sections = append(sections, s)
	}
	if total == 0 {
		return sections, result.Inconclusive
	}
	return sections, 100 * float64(good) / float64(total)
}

// Rating is CLOMonitor's letter for a global score, taken on the score
// rounded to a whole number: a from 75, b from 50, c from 25, d below;
// "" for an inconclusive score. (CLOMonitor's current code truncates
// rather than rounds, which differs only for scores ending in .5 to .99
// just under a band.)
func Rating(score float64) string {
	if score < 0 || math.IsNaN(score) {
		return ""
	}
	switch s := math.Round(score); {
	case s >= 75:
		return "a"
	case s >= 50:
		return "b"
	case s >= 25:
		return "c"
	}
	return "d"
}
