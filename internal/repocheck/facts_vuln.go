package repocheck

import (
	"context"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/scan"
	"ospo/internal/vuln"
)

// VulnFacts are the known vulnerabilities of the clone's dependencies.
type VulnFacts struct {
	Findings []VulnFinding
	// Notes say what the database could not cover.
	Notes []string
}

// VulnFinding is one vulnerability of one component.
type VulnFinding struct {
	ID        string
	Aliases   []string
	Component string // name@version
	Path      string // where the component was found
}

// collectVulns inventories the clone's dependencies and looks them up.
// The Go standard library is left out, as Scorecard leaves it out: its
// findings say which Go the project's go directive names, not what the
// project ships.
func collectVulns(ctx context.Context, dir string, src vuln.Source) (*VulnFacts, error) {
	res, err := scan.Run(ctx, scan.Config{Roots: []string{dir}, Vulns: src, SkipLicenses: true})
	if err != nil {
		return nil, err
	}
	vf := &VulnFacts{}
	if res.Vulns == nil {
		return vf, nil
	}
	vf.Notes = res.Vulns.Notes
	for i, r := range res.Vulns.Results {
		if i >= len(res.Components) {
			break
		}
		c := res.Components[i]
		if c.Ecosystem == "go" && c.Name == "stdlib" {
			continue
		}
		loc := ""
		if len(c.Locations) > 0 {
			loc = c.Locations[0]
			if rel, err := filepath.Rel(dir, loc); err == nil && filepath.IsAbs(loc) && !strings.HasPrefix(rel, "..") {
				loc = filepath.ToSlash(rel)
			}
		}
		for _, f := range r.Findings {
			vf.Findings = append(vf.Findings, VulnFinding{ID: f.ID, Aliases: f.Aliases,
				Component: c.Name + "@" + c.Version, Path: loc})
		}
	}
	sort.SliceStable(vf.Findings, func(i, j int) bool { return vf.Findings[i].ID < vf.Findings[j].ID })
	return vf, nil
}

// aliasGroups joins findings that share an identifier, as Scorecard
// counts each vulnerability once however many packages or ids it has.
func aliasGroups(fs []VulnFinding) [][]VulnFinding {
	var out [][]VulnFinding
	for _, idx := range vuln.AliasGroups(len(fs), func(i int) []string {
		return append([]string{fs[i].ID}, fs[i].Aliases...)
	}) {
		g := make([]VulnFinding, len(idx))
		for k, i := range idx {
			g[k] = fs[i]
		}
		out = append(out, g)
	}
	return out
}
