package contrib

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
)

// Decision is the answer to "may I send patches?".
type Decision string

// The decisions, from the most to the least permissive.
const (
	Allow  Decision = "allow"  // go ahead
	Review Decision = "review" // ask the OSPO first; Verdict.Ask says what
	Deny   Decision = "deny"   // do not contribute
)

func (d Decision) rank() int {
	switch d {
	case Allow:
		return 0
	case Review:
		return 1
	}
	return 2
}

// Rules are the organisation's contribution rules, from the policy file.
type Rules struct {
	// Licenses are the SPDX ids under which contributing is pre-approved.
	Licenses []string `json:"licenses,omitempty" yaml:"licenses,omitempty"`
	// CLAs are the contributor agreements pre-approved for signing, by the
	// names KnownCLAs gives (or their usual other names, such as "CNCF
	// CLA" for the Linux Foundation EasyCLA).
	CLAs []string `json:"clas,omitempty" yaml:"clas,omitempty"`
	// DCO is allow or review: whether signing off commits under the
	// Developer Certificate of Origin needs the OSPO. deny is understood
	// too; anything else, "" included, means review.
	DCO string `json:"dco,omitempty" yaml:"dco,omitempty"`
}

// Verdict is Judge's answer with its reasons.
type Verdict struct {
	Decision Decision `json:"decision"`
	// Reasons are sentences a developer understands, one per fact that
	// weighed, citing where it was seen.
	Reasons []string `json:"reasons"`
	// Ask is what to ask the OSPO when the decision is review.
	Ask string `json:"ask,omitempty"`
	// Evidence are the files, lines and history behind the reasons.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// maxEvidencePerKind bounds the evidence of one kind in a verdict: a
// guide that quotes the whole DCO would otherwise list each of its lines.
const maxEvidencePerKind = 5

// Judge decides whether contributing to the project of f is allowed under
// rules, given the project's license as an SPDX expression (identified by
// the caller from f.LicenseFiles and the project's metadata). It is a pure
// function. Each part (license, CLA, DCO) gives a decision and the
// strictest wins, so a pre-approved CLA never hides an unapproved license.
func Judge(f Facts, license string, rules Rules) Verdict {
	project := f.Project
	if project == "" {
		project = "this project"
	}
	j := &judgement{project: project, v: Verdict{Decision: Allow}}
	j.license(strings.TrimSpace(license), rules.Licenses, f)
	claAsked := j.cla(f, rules.CLAs)
	dcoAsked := j.dco(f, rules.DCO)
	if !claAsked && !dcoAsked {
		j.nothingAsked(f)
	}
	j.v.Ask = strings.Join(j.asks, "; ")
	return j.v
}

type judgement struct {
	project string
	v       Verdict
	asks    []string
}

// add records one part's decision, reason and question.
func (j *judgement) add(d Decision, reason, ask string) {
	if d.rank() > j.v.Decision.rank() {
		j.v.Decision = d
	}
	j.v.Reasons = append(j.v.Reasons, reason)
	if ask != "" && d == Review {
		j.asks = append(j.asks, ask)
	}
}

func (j *judgement) license(expr string, approved []string, f Facts) {
	for _, lf := range f.LicenseFiles {
		j.v.Evidence = append(j.v.Evidence, Evidence{Path: lf.Path, Text: lf.Kind + " file"})
	}
	switch strings.ToUpper(expr) {
	case "", "NOASSERTION":
		j.add(Review, fmt.Sprintf("The license of %s is not known (NOASSERTION)%s.", j.project, filesNote(f)),
			fmt.Sprintf("find out which license %s is under and approve contributing to it", j.project))
		return
	case "NONE":
		j.add(Review, fmt.Sprintf("%s declares no license: contributions would go to a project nobody else may use.", j.project),
			fmt.Sprintf("approve contributing to %s, which declares no license", j.project))
		return
	}
	terms, err := spdxexp.ExtractLicenses(expr)
	if err != nil || len(terms) == 0 {
		j.add(Review, fmt.Sprintf("The license of %s, %q, is not a valid SPDX expression.", j.project, expr),
			fmt.Sprintf("approve contributing to %s under %q", j.project, expr))
		return
	}
	slices.Sort(terms)
	var proprietary, open []string
	for _, t := range terms {
		if isProprietary(t) {
			proprietary = append(proprietary, t)
		} else {
			open = append(open, t)
		}
	}
	if len(open) == 0 {
		j.add(Deny, fmt.Sprintf("%s is under a proprietary license (%s), not an open source one.",
			j.project, strings.Join(proprietary, ", ")), "")
		return
	}
	if len(proprietary) > 0 {
		j.add(Review, fmt.Sprintf("%s is also offered under a proprietary license (%s) besides %s: contributions may be sold under it.",
			j.project, strings.Join(proprietary, ", "), strings.Join(open, ", ")),
			fmt.Sprintf("approve contributing to %s, which is also offered under %s", j.project, strings.Join(proprietary, ", ")))
		return
	}
	allowed := normalisedSet(approved)
	var missing []string
	for _, t := range terms {
		if !termApproved(t, allowed) {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		j.add(Allow, fmt.Sprintf("%s is under %s, pre-approved for contributions.", j.project, expr), "")
		return
	}
	why := ""
	if len(terms) > 1 {
		// A contribution is offered under every license of the
		// expression, OR as much as AND, so each must be approved.
		why = " (a contribution is licensed under every license of the expression)"
	}
	j.add(Review, fmt.Sprintf("%s is under %s; %s %s not pre-approved for contributions%s.",
		j.project, expr, strings.Join(missing, ", "), isAre(len(missing)), why),
		fmt.Sprintf("approve contributing to %s under %s", j.project, expr))
}

// cla judges the contributor agreements asked for and reports whether any
// was.
func (j *judgement) cla(f Facts, approved []string) bool {
	active := f.Active(KindCLA)
	if len(active) == 0 {
		return false
	}
	names := f.CLANames()
	if len(names) == 0 {
		j.add(Review, fmt.Sprintf("%s asks contributors to sign a contributor license agreement without saying which (%s).",
			j.project, cite(active[0].Evidence)),
			fmt.Sprintf("find out which contributor agreement %s asks for and approve signing it", j.project))
		j.evidence(active)
		return true
	}
	var used []Signal
	for _, name := range names {
		var first Signal
		for _, s := range active {
			if s.Name == name {
				if first.Name == "" {
					first = s
				}
				used = append(used, s)
			}
		}
		where := cite(first.Evidence)
		if first.Note != "" {
			where += "; " + first.Note
		}
		ok := slices.ContainsFunc(approved, func(e string) bool { return sameCLA(e, name) })
		what := fmt.Sprintf("%s asks for the %s (%s)", j.project, name, where)
		ask := fmt.Sprintf("approve signing %s for %s", name, j.project)
		if isService(name) {
			// The agreement is the project's own text; what can be
			// pre-approved is signing whatever the service presents.
			what = fmt.Sprintf("%s asks contributors to sign its own agreement through %s (%s)", j.project, name, where)
			ask = fmt.Sprintf("approve signing the agreement %s collects through %s", j.project, name)
		}
		if ok {
			j.add(Allow, what+", which is pre-approved.", "")
			continue
		}
		j.add(Review, what+", which is not pre-approved.", ask)
	}
	j.evidence(used)
	return true
}

// dco judges a request for signed-off commits and reports whether there
// was one.
func (j *judgement) dco(f Facts, rule string) bool {
	active := f.Active(KindDCO)
	if len(active) == 0 {
		return false
	}
	base := fmt.Sprintf("%s asks for commits signed off under the Developer Certificate of Origin (%s)", j.project, cite(active[0].Evidence))
	switch strings.ToLower(strings.TrimSpace(rule)) {
	case "allow":
		j.add(Allow, base+", which the policy allows.", "")
	case "deny":
		j.add(Deny, base+", which the policy does not allow.", "")
	default:
		j.add(Review, base+", which the policy leaves to the OSPO.",
			fmt.Sprintf("approve signing off commits to %s under the Developer Certificate of Origin", j.project))
	}
	j.evidence(active)
	return true
}

// nothingAsked explains an answer reached without any CLA or DCO sign.
func (j *judgement) nothingAsked(f Facts) {
	var where []string
	if len(f.Contributing) == 0 {
		where = append(where, "no contributing guide was found")
	}
	if f.History == nil {
		where = append(where, "no history was read")
	}
	msg := fmt.Sprintf("Nothing in %s asks for a contributor agreement or signed-off commits", j.project)
	if len(where) > 0 {
		msg += " (" + strings.Join(where, "; ") + ")"
	}
	j.v.Reasons = append(j.v.Reasons, msg+".")
	for _, s := range f.Signals {
		if s.Negated {
			j.v.Reasons = append(j.v.Reasons, fmt.Sprintf("It says a %s is not needed (%s).", strings.ToUpper(string(s.Kind)), cite(s.Evidence)))
			j.v.Evidence = append(j.v.Evidence, s.Evidence)
			break
		}
	}
	if len(f.Guides) > 0 {
		g := f.Guides[0]
		j.v.Reasons = append(j.v.Reasons, fmt.Sprintf("%s links to contribution instructions kept elsewhere, not read offline: %s; check them for an agreement.",
			cite(Evidence{Path: g.Path, Line: g.Line}), g.Text))
		j.v.Evidence = append(j.v.Evidence, g)
	}
}

// evidence adds the evidence of up to maxEvidencePerKind signals.
func (j *judgement) evidence(signals []Signal) {
	for i, s := range signals {
		if i == maxEvidencePerKind {
			break
		}
		j.v.Evidence = append(j.v.Evidence, s.Evidence)
	}
}

// cite names where evidence was seen: path:line, or the path alone.
func cite(e Evidence) string {
	if e.Path == HistoryPath {
		return e.Text
	}
	if e.Line > 0 {
		return e.Path + ":" + strconv.Itoa(e.Line)
	}
	return e.Path
}

func filesNote(f Facts) string {
	if len(f.LicenseFiles) == 0 {
		return "; no license file was found at its root"
	}
	return ""
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// isProprietary reports whether a term is a reference to a proprietary or
// commercial license (LicenseRef-…-proprietary, ScanCode's
// LicenseRef-scancode-commercial-license, ...).
func isProprietary(term string) bool {
	t := strings.ToLower(term)
	if !strings.Contains(t, "licenseref-") {
		return false
	}
	return strings.Contains(t, "proprietary") || strings.Contains(t, "commercial")
}

// normalisedSet maps the policy's ids to their normalised form.
func normalisedSet(ids []string) map[string]bool {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[normalise(id)] = true
	}
	return out
}

// termApproved reports whether one license of the expression is approved:
// itself, or for "X WITH exception" the license X (an exception only adds
// permissions).
func termApproved(term string, allowed map[string]bool) bool {
	if allowed[normalise(term)] {
		return true
	}
	if base, _, ok := strings.Cut(term, " WITH "); ok {
		return allowed[normalise(base)]
	}
	return false
}

// normalise gives the comparable form of one license id: canonical case,
// "+" as -or-later, and the deprecated bare GNU ids as their -only form.
func normalise(id string) string {
	id = strings.TrimSpace(id)
	if terms, err := spdxexp.ExtractLicenses(id); err == nil && len(terms) == 1 {
		id = terms[0]
	}
	base, exc, hasExc := strings.Cut(id, " WITH ")
	switch strings.ToUpper(base) {
	case "GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1", "LGPL-3.0", "AGPL-1.0", "AGPL-3.0",
		"GFDL-1.1", "GFDL-1.2", "GFDL-1.3":
		base += "-only"
	}
	if hasExc {
		return strings.ToUpper(base + " WITH " + exc)
	}
	return strings.ToUpper(base)
}
