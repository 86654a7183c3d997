package policy

import (
	"fmt"
	"ospo/internal/inventory"
	"sort"
	"strings"
	"time"
)

// Vulnerabilities decide components by the known vulnerabilities found
// in them. The thresholds are severity levels: critical, high, medium,
// low, unknown.
type Vulnerabilities struct {
	// Deny is the least severe level that denies a component; empty
	// means critical.
	Deny string `yaml:"deny" json:"deny,omitempty"`
	// Review is the least severe level that asks for a review; empty
	// means low: every known vulnerability is looked at. A vulnerability
	// of unknown severity is reviewed unless Deny says unknown.
	Review string `yaml:"review" json:"review,omitempty"`
	// Ignore lists vulnerabilities the organisation has judged, each with
	// a reason, an owner and optionally an expiry; an ignored id also
	// covers its aliases.
	Ignore []VulnIgnore `yaml:"ignore" json:"ignore,omitempty"`
}

// VulnIgnore is one judged vulnerability.
type VulnIgnore struct {
	ID     string `yaml:"id" json:"id"`
	Reason string `yaml:"reason" json:"reason"`
	Owner  string `yaml:"owner" json:"owner,omitempty"`
	// Expires is the last day (YYYY-MM-DD, UTC) the entry applies.
	Expires string `yaml:"expires" json:"expires,omitempty"`
	Line    int    `yaml:"-" json:"line,omitempty"`
}

// Expired reports whether the entry no longer applies at now.
func (v VulnIgnore) Expired(now time.Time) bool {
	return Exception{Expires: v.Expires}.Expired(now)
}

// levels orders severity levels as package vuln does: unknown sits
// between medium and low, so an unrated vulnerability is never taken for
// a harmless one.
var levels = map[string]int{"critical": 0, "high": 1, "medium": 2, "unknown": 3, "low": 4, "none": 5}

func validLevel(s string) bool { _, ok := levels[strings.ToLower(s)]; return ok && s != "none" }

// VulnFinding is what the policy needs to know of one vulnerability.
type VulnFinding struct {
	ID      string
	Aliases []string
	Level   string // critical, high, medium, low, none, unknown
}

// VulnDecision is the policy's verdict on a component's vulnerabilities.
type VulnDecision struct {
	Verdict Verdict `json:"verdict"`
	Rule    string  `json:"rule,omitempty"`
	Reason  string  `json:"reason,omitempty"`
	// Ignored lists the findings an ignore entry covers, with its reason.
	Ignored map[string]string `json:"ignored,omitempty"`
}

// DecideVulns decides a component from its findings: the most severe
// finding not ignored decides. No findings is allow.
func (p *Policy) DecideVulns(fs []VulnFinding, now time.Time) VulnDecision {
	if p == nil {
		p = Default()
	}
	deny, review := levels["critical"], levels["low"]
	if v, ok := levels[strings.ToLower(p.Vulnerabilities.Deny)]; ok {
		deny = v
	}
	if v, ok := levels[strings.ToLower(p.Vulnerabilities.Review)]; ok {
		review = v
	}
	d := VulnDecision{Verdict: Allow}
	var denied, reviewed []string
	for _, f := range fs {
		if ig, ok := p.ignored(f, now); ok {
			if d.Ignored == nil {
				d.Ignored = map[string]string{}
			}
			d.Ignored[f.ID] = ig
			continue
		}
		lv, ok := levels[strings.ToLower(f.Level)]
		if !ok {
			lv = levels["unknown"]
		}
		switch {
		case lv <= deny:
			denied = append(denied, f.ID+" ("+strings.ToLower(f.Level)+")")
		case lv <= review || lv == levels["unknown"]:
			reviewed = append(reviewed, f.ID+" ("+strings.ToLower(f.Level)+")")
		}
	}
	sort.Strings(denied)
	sort.Strings(reviewed)
	switch {
	case len(denied) > 0:
		d.Verdict = Deny
		d.Rule = "vulnerabilities.deny: " + levelName(p.Vulnerabilities.Deny, "critical")
		d.Reason = fmt.Sprintf("known vulnerabilities at or above %s: %s", levelName(p.Vulnerabilities.Deny, "critical"), strings.Join(denied, ", "))
	case len(reviewed) > 0:
		d.Verdict = Review
		d.Rule = "vulnerabilities.review: " + levelName(p.Vulnerabilities.Review, "low")
		d.Reason = "known vulnerabilities to review: " + strings.Join(reviewed, ", ")
	}
	return d
}

func levelName(s, def string) string {
	if s == "" {
		return def
	}
	return strings.ToLower(s)
}

// ignored finds the ignore entry covering f (by id or alias), not expired.
func (p *Policy) ignored(f VulnFinding, now time.Time) (string, bool) {
	ids := append([]string{f.ID}, f.Aliases...)
	for _, ig := range p.Vulnerabilities.Ignore {
		if ig.Expired(now) {
			continue
		}
		for _, id := range ids {
			if strings.EqualFold(id, ig.ID) {
				why := ig.Reason
				if ig.Owner != "" {
					why += " (owner " + ig.Owner + ")"
				}
				if ig.Expires != "" {
					why += ", until " + ig.Expires
				}
				return why, true
			}
		}
	}
	return "", false
}

// ExpiredVulnIgnores lists ignore entries past their date: they are
// findings of their own, since the vulnerabilities they covered count
// again.
func (p *Policy) ExpiredVulnIgnores(now time.Time) []VulnIgnore {
	if p == nil {
		return nil
	}
	var out []VulnIgnore
	for _, ig := range p.Vulnerabilities.Ignore {
		if ig.Expired(now) {
			out = append(out, ig)
		}
	}
	return out
}

// validateVulns checks the vulnerabilities section.
func validateVulns(p *Policy, bad func(field, format string, args ...any)) {
	v := p.Vulnerabilities
	if v.Deny != "" && !validLevel(v.Deny) {
		bad("vulnerabilities.deny", "%q is not a severity (want critical, high, medium, low or unknown)", v.Deny)
	}
	if v.Review != "" && !validLevel(v.Review) {
		bad("vulnerabilities.review", "%q is not a severity (want critical, high, medium, low or unknown)", v.Review)
	}
	if validLevel(v.Deny) && validLevel(v.Review) && levels[strings.ToLower(v.Review)] < levels[strings.ToLower(v.Deny)] {
		bad("vulnerabilities.review", "review threshold %s is more severe than deny threshold %s", v.Review, v.Deny)
	}
	for i, ig := range v.Ignore {
		field := fmt.Sprintf("vulnerabilities.ignore[%d]", i)
		if strings.TrimSpace(ig.ID) == "" {
			bad(field+".id", "missing: name the vulnerability (GHSA-…, CVE-…, GO-…)")
		}
		if strings.TrimSpace(ig.Reason) == "" {
			bad(field+".reason", "missing: every ignored vulnerability says why")
		}
		if ig.Expires != "" {
			if _, err := time.Parse(time.DateOnly, ig.Expires); err != nil {
				bad(field+".expires", "%q is not a date (want YYYY-MM-DD)", ig.Expires)
			}
		}
	}
}

// VulnsOnly is the result for a scan that decides only vulnerabilities
// (no licenses were identified): every component starts allowed, and
// FoldVulns then decides it by its findings.
func VulnsOnly(components []*inventory.Component) Result {
	d := Result{Decisions: make([]Decision, len(components))}
	for i, c := range components {
		d.Decisions[i] = Decision{Component: c, Key: c.Key(), Verdict: Allow,
			Rule: "no known vulnerability", Reason: "no known vulnerability"}
	}
	return d
}

// FoldVulns decides each component's vulnerabilities (findings[i] are
// those of d.Decisions[i]) and folds the verdict into its decision: the
// worse verdict stands and the reason says both, the license's own part
// kept in License. With only, the vulnerabilities alone decide.
func (p *Policy) FoldVulns(d *Result, findings [][]VulnFinding, now time.Time, only bool) {
	for i := range d.Decisions {
		if i >= len(findings) {
			break
		}
		vd := p.DecideVulns(findings[i], now)
		dec := &d.Decisions[i]
		dec.Vulnerabilities = &vd
		if vd.Verdict == Allow {
			continue
		}
		switch {
		case only:
			dec.Verdict, dec.Rule, dec.Reason = vd.Verdict, vd.Rule, vd.Reason
		case Worse(dec.Verdict, vd.Verdict) != dec.Verdict:
			dec.License = &LicenseDecision{Verdict: dec.Verdict, Rule: dec.Rule, Reason: dec.Reason}
			dec.Verdict, dec.Rule = vd.Verdict, vd.Rule
			dec.Reason = vd.Reason + "; license: " + dec.Reason
		default:
			dec.Reason += "; " + vd.Reason
		}
	}
}
