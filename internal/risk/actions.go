package risk

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"ospo/internal/vuln"
)

// Usage is one project's use of one component version and what the
// vulnerability check found in it.
type Usage struct {
	Project   string `json:"project"`
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	// Findings are the vulnerabilities the policy does not ignore.
	Findings []vuln.Finding `json:"findings,omitempty"`
	// Upgrade is the smallest version that fixes all of Findings
	// (vuln.Result.Upgrade); "" when none does.
	Upgrade string `json:"upgrade,omitempty"`
}

// Action is one change that removes vulnerabilities from one or more
// projects: an upgrade of a component to one version, or, when no
// version fixes them, replacing or mitigating the component.
type Action struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	// To is the version to upgrade to; "" when there is no fix.
	To string `json:"to,omitempty"`
	// Projects are the projects the action applies to, sorted.
	Projects []string `json:"projects"`
	// Removes counts the distinct vulnerabilities (by ID) the action
	// removes across its projects, by level.
	Removes map[vuln.Level]int `json:"removes"`
	// Points are the severity points removed, summed over the projects.
	Points float64 `json:"points"`
	// Text says the action in one sentence.
	Text string `json:"text"`
}

// Actions ranks what to do about the vulnerabilities of usages. Usages
// of one component (ecosystem and name) that have an upgrade become one
// action whose target is the highest of their upgrades, so that one
// version fixes all of them; those without one become a "replace or
// mitigate" action. Usages without findings are skipped.
//
// Points are, for each project, the severity points (Config.Severity) of
// the distinct findings removed there, summed over the projects: the
// points of the findings times the projects when every project has the
// same ones. The vulnerability cap is not applied; it bounds a
// component's score, not the work an upgrade saves.
//
// Actions with a fix come first, then those without; within each, by
// Points, most first, then by name, ecosystem and target.
func (c Config) Actions(us []Usage) []Action {
	type key struct {
		eco, name string
		fixable   bool
	}
	type group struct {
		key
		usages []*Usage
	}
	idx := map[key]int{}
	var groups []group
	for i := range us {
		u := &us[i]
		if len(u.Findings) == 0 {
			continue
		}
		k := key{u.Ecosystem, u.Name, u.Upgrade != ""}
		j, ok := idx[k]
		if !ok {
			j = len(groups)
			idx[k] = j
			groups = append(groups, group{key: k})
		}
		groups[j].usages = append(groups[j].usages, u)
	}

	out := make([]Action, 0, len(groups))
	for _, g := range groups {
		a := Action{Ecosystem: g.eco, Name: g.name, Removes: map[vuln.Level]int{}}
		if g.fixable {
			ups := make([]string, len(g.usages))
			for i, u := range g.usages {
				ups[i] = u.Upgrade
			}
			a.To = highest(g.eco, ups)
		}
		// The level of each vulnerability across the group (its most
		// severe rating), and the vulnerabilities of each project.
		levels := map[string]vuln.Level{}
		perProject := map[string]map[string]bool{}
		anon := 0
		for _, u := range g.usages {
			ids := perProject[u.Project]
			if ids == nil {
				ids = map[string]bool{}
				perProject[u.Project] = ids
			}
			for _, f := range u.Findings {
				id := findingKey(f)
				if id == "" {
					anon++
					id = fmt.Sprintf("\x00%d", anon) // no name: count it alone
				}
				l := levelOf(f)
				if old, ok := levels[id]; !ok || l.Rank() < old.Rank() {
					levels[id] = l
				}
				ids[id] = true
			}
		}
		for _, l := range levels {
			a.Removes[l]++
		}
		var pts float64
		for p, ids := range perProject {
			a.Projects = append(a.Projects, p)
			for id := range ids {
				pts += c.Severity[levels[id]]
			}
		}
		slices.Sort(a.Projects)
		a.Points = round(pts)
		a.Text = actionText(a)
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y Action) int {
		if fx, fy := x.To != "", y.To != ""; fx != fy {
			if fx {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(y.Points, x.Points),
			strings.Compare(x.Name, y.Name),
			strings.Compare(x.Ecosystem, y.Ecosystem),
			strings.Compare(x.To, y.To),
		)
	})
	return out
}

// findingKey names a vulnerability: its ID, else its first alias.
func findingKey(f vuln.Finding) string {
	if f.ID != "" {
		return f.ID
	}
	for _, a := range f.Aliases {
		if a != "" {
			return a
		}
	}
	return ""
}

// highest is the highest of versions by the ecosystem's order. Versions
// the order cannot read lose to those it can, and are compared as text
// among themselves, so the choice never depends on the input's order.
// Each distinct string is parsed once: usages of one component mostly
// share their upgrade.
func highest(ecosystem string, versions []string) string {
	eco := orderOf(ecosystem)
	type pv struct {
		raw string
		v   vuln.Version
		ok  bool
	}
	var best pv
	seen := make(map[string]bool, 4)
	for _, s := range versions {
		if seen[s] {
			continue
		}
		seen[s] = true
		v, err := parseVersion(eco, s)
		cur := pv{raw: s, v: v, ok: err == nil}
		if len(seen) == 1 {
			best = cur
			continue
		}
		var c int
		switch {
		case cur.ok && best.ok:
			c, _ = cur.v.Compare(best.v)
			if c == 0 {
				c = strings.Compare(cur.raw, best.raw) // "v1.2.0" and "1.2.0": pick one
			}
		case cur.ok:
			c = 1
		case best.ok:
			c = -1
		default:
			c = strings.Compare(cur.raw, best.raw)
		}
		if c > 0 {
			best = cur
		}
	}
	return best.raw
}

func actionText(a Action) string {
	where := plural(len(a.Projects), "project")
	levels := describeLevels(a.Removes)
	if a.To == "" {
		return fmt.Sprintf("no fixed version of %s: replace or mitigate it in %s (%s)", a.Name, where, levels)
	}
	return fmt.Sprintf("upgrade %s to %s in %s to remove %s", a.Name, a.To, where, levels)
}
