package risk

import (
	"fmt"
	"testing"

	"ospo/internal/policy"
	"ospo/internal/vuln"
)

func BenchmarkComponent(b *testing.B) {
	in := Input{
		Findings: []vuln.Finding{finding("GHSA-1", vuln.Critical), finding("GHSA-2", vuln.High), finding("GHSA-3", vuln.High),
			finding("GHSA-4", vuln.Medium), finding("GHSA-5", vuln.Unknown)},
		Verdict: policy.Review, License: "LGPL-2.1-only",
		Health:    ptr(6.4),
		Staleness: Staleness{Libyears: ptr(2.3), Behind: 7, Newest: "4.17.21"},
	}
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		c.Component(in)
	}
}

// BenchmarkActions ranks an organisation's worth of usages: 200
// projects, each using 50 of 500 vulnerable components, a third of them
// without a fix.
func BenchmarkActions(b *testing.B) {
	levels := []vuln.Level{vuln.Critical, vuln.High, vuln.Medium, vuln.Low, vuln.Unknown}
	var us []Usage
	for p := range 200 {
		for i := range 50 {
			comp := (p*7 + i*13) % 500
			u := Usage{
				Project:   fmt.Sprintf("project-%03d", p),
				Ecosystem: "npm",
				Name:      fmt.Sprintf("pkg-%03d", comp),
				Version:   fmt.Sprintf("1.%d.0", p%5),
				Findings: []vuln.Finding{
					finding(fmt.Sprintf("GHSA-%d-a", comp), levels[comp%5]),
					finding(fmt.Sprintf("GHSA-%d-b-%d", comp, p%5), levels[(comp+p)%5]),
				},
			}
			if comp%3 != 0 {
				u.Upgrade = fmt.Sprintf("1.%d.1", p%5+1)
			}
			us = append(us, u)
		}
	}
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		c.Actions(us)
	}
}
