// Package synth makes organisations of any size for scale measurements:
// scan documents whose components are drawn, with the skew real
// organisations show (a few packages everywhere, a long tail), from a
// pool of package versions. The pool's names, licenses and paths have the
// shapes of npm packages; the documents pass report.ReadDocument.
package synth

import (
	"fmt"
	"math/rand/v2"

	"ospo/internal/policy"
	"ospo/internal/report"
	"ospo/internal/vuln"
)

// Pool is the set of package versions documents draw from.
type Pool struct {
	comps []report.Component
	zipf  *rand.Zipf
	r     *rand.Rand
}

var licenses = []string{"MIT", "MIT", "MIT", "ISC", "Apache-2.0", "BSD-3-Clause", "BSD-2-Clause", "MPL-2.0", "GPL-3.0-only", "NOASSERTION"}

// NewPool makes a pool of names package names with versions versions
// each, seeded so that runs are repeatable.
func NewPool(names, versions int, seed uint64) *Pool {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	p := &Pool{r: r}
	for i := range names {
		name := fmt.Sprintf("pkg-%05d", i)
		if i%7 == 0 {
			name = fmt.Sprintf("@scope%d/%s", i%50, name)
		}
		lic := licenses[r.IntN(len(licenses))]
		for v := range versions {
			c := report.Component{Ecosystem: "npm", Name: name, Version: fmt.Sprintf("%d.%d.%d", 1+v/10, v%10, r.IntN(20)),
				PURL: "pkg:npm/" + name + "@" + fmt.Sprintf("%d.%d.0", 1+v/10, v%10), License: lic, LicenseSource: "declared",
				Scope: "runtime", Installed: true}
			c.PURL = "pkg:npm/" + escape(name) + "@" + c.Version
			switch lic {
			case "GPL-3.0-only":
				c.Verdict, c.Rule, c.Reason = policy.Review, "strong-copyleft/distributed", "strong copyleft in distributed software"
			case "NOASSERTION":
				c.Verdict, c.Rule, c.Reason, c.NeedsReview = policy.Review, "unknown", "no license found", true
			default:
				c.Verdict, c.Rule, c.Reason = policy.Allow, "permissive", "permissive license"
			}
			if r.IntN(50) == 0 { // one version in fifty has a known vulnerability
				lv := []vuln.Level{vuln.Critical, vuln.High, vuln.Medium, vuln.Low}[r.IntN(4)]
				c.Vulnerabilities = []report.Vulnerability{{Finding: vuln.Finding{ID: fmt.Sprintf("GHSA-synth-%05d-%d", i, v),
					Aliases: []string{fmt.Sprintf("CVE-2026-%05d", i*10+v)}, Severity: vuln.Severity{Level: lv}, Fixed: []string{fmt.Sprintf("%d.%d.99", 1+v/10, v%10)},
					Why: "synthetic"}}}
				c.Upgrade = fmt.Sprintf("%d.%d.99", 1+v/10, v%10)
			}
			p.comps = append(p.comps, c)
		}
	}
	p.zipf = rand.NewZipf(r, 1.1, 8, uint64(len(p.comps)-1))
	return p
}

func escape(name string) string {
	if name[0] == '@' {
		return "%40" + name[1:]
	}
	return name
}

// Size is the number of package versions in the pool.
func (p *Pool) Size() int { return len(p.comps) }

// Component is the pool's i-th package version.
func (p *Pool) Component(i int) report.Component { return p.comps[i] }

// Document makes the scan document of a project with n distinct
// components, each with a dependency path from the project.
func (p *Pool) Document(project string, n int) *report.Document {
	n = min(n, len(p.comps))
	d := &report.Document{SchemaVersion: report.SchemaVersion, Tool: report.Tool{Name: "ospo", Version: "synth"},
		Roots: []string{project}, Projects: []report.Project{{Ecosystem: "npm", Name: project, Path: project, Source: "package-lock.json", Components: n}}}
	seen := make(map[int]bool, n)
	for len(d.Components) < n {
		i := int(p.zipf.Uint64())
		if seen[i] {
			i = p.r.IntN(len(p.comps))
			if seen[i] {
				continue
			}
		}
		seen[i] = true
		c := p.comps[i]
		c.Direct = len(d.Components)%5 == 0
		if c.Direct {
			c.Paths = [][]string{{project, c.Name}}
		} else {
			c.Paths = [][]string{{project, "pkg-parent", c.Name}}
		}
		d.Components = append(d.Components, c)
	}
	return d
}
