package report

import (
	"strconv"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
	"ospo/internal/obligations"
	"ospo/internal/policy"
	"ospo/internal/scan"
	"ospo/internal/vuln"
)

// view is what every renderer reads of a result, worked out once: the
// decision of each component, the counts, the violations in the order they
// are shown, and which projects bring each component.
type view struct {
	r *scan.Result
	// decisions[i] decides r.Components[i]; nil without a policy.
	decisions []policy.Decision
	counts    VerdictCounts
	// violations are the indexes of denied components, then of those to
	// review, each group in component order.
	violations  []int
	obligations *obligations.Summary
	projects    map[string][]*inventory.Project // component key → projects
	summary     Summary
}

// VerdictCounts counts the decisions of a scan.
type VerdictCounts struct {
	Allow  int `json:"allow"`
	Review int `json:"review"`
	Deny   int `json:"deny"`
}

// vulns is the vulnerability result of component i, nil when no database
// was consulted.
func (v *view) vulns(i int) *vuln.Result {
	if v.r.Vulns == nil || i >= len(v.r.Vulns.Results) {
		return nil
	}
	return &v.r.Vulns.Results[i]
}

func newView(r *scan.Result) *view {
	v := &view{r: r, summary: Summarize(r)}
	if r.Decisions != nil && len(r.Decisions.Decisions) == len(r.Components) {
		v.decisions = r.Decisions.Decisions
		var deny, review []int
		for i, d := range v.decisions {
			switch d.Verdict {
			case policy.Deny:
				v.counts.Deny++
				deny = append(deny, i)
			case policy.Review:
				v.counts.Review++
				review = append(review, i)
			default:
				v.counts.Allow++
			}
		}
		v.violations = append(deny, review...)
		s := obligations.Summarize(r.Components, r.Decisions)
		v.obligations = &s
	}
	return v
}

// decided reports whether the result carries policy decisions.
func (v *view) decided() bool { return v.decisions != nil }

// decision returns the decision on component i, or nil.
func (v *view) decision(i int) *policy.Decision {
	if v.decisions == nil {
		return nil
	}
	return &v.decisions[i]
}

// projectsOf returns the projects that bring component c, in scan order.
func (v *view) projectsOf(c *inventory.Component) []*inventory.Project {
	if v.projects == nil {
		v.projects = map[string][]*inventory.Project{}
		for _, p := range v.r.Projects {
			seen := map[string]bool{}
			for _, pc := range p.Components {
				k := pc.Key()
				if !seen[k] {
					seen[k] = true
					v.projects[k] = append(v.projects[k], p)
				}
			}
		}
	}
	return v.projects[c.Key()]
}

// status is the one word that sums up a scan: failed when something is
// denied, review when something waits for a person, passed otherwise, and
// listed when no policy was evaluated.
func (v *view) status() string {
	switch {
	case !v.decided():
		return "listed"
	case v.counts.Deny > 0:
		return "failed"
	case v.counts.Review > 0:
		return "review"
	}
	return "passed"
}

// distribution is the model the decisions were made for.
func (v *view) distribution() knowledge.DistributionModel {
	if v.r.Decisions == nil {
		return ""
	}
	return v.r.Decisions.Distribution
}

// firstPath is the first dependency path of c, from the direct dependency
// down, or "" when the graph is unknown.
func firstPath(c *inventory.Component) string {
	if len(c.Paths) == 0 || len(c.Paths[0]) == 0 {
		return ""
	}
	return strings.Join(c.Paths[0], " > ")
}

// licenseShown is the license a reader should see for component c under
// decision d: the concluded expression, with the choice made from it when
// there was one.
func licenseShown(c *inventory.Component, d *policy.Decision) string {
	l := licenseOf(c)
	if d != nil && d.Choice != "" && d.Choice != l {
		return l + " (chose " + d.Choice + ")"
	}
	return l
}

// categoryLabel names a category for people.
func categoryLabel(c knowledge.Category) string {
	return strings.ReplaceAll(string(c), "-", " ")
}

// count writes n with the noun in the right number: "1 project", "3 projects".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
