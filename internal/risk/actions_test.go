package risk

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/vuln"
)

func findings(f ...vuln.Finding) []vuln.Finding { return f }

func TestActions(t *testing.T) {
	var (
		c1 = finding("GHSA-c1", vuln.Critical)
		h1 = finding("GHSA-h1", vuln.High)
		h2 = finding("GHSA-h2", vuln.High)
		m1 = finding("GHSA-m1", vuln.Critical)
		l1 = finding("GHSA-l1", vuln.Low)
	)
	us := []Usage{
		// lodash: three projects, two target versions; 4.17.21 fixes all.
		{Project: "web", Ecosystem: "npm", Name: "lodash", Version: "4.17.15", Findings: findings(c1, h1), Upgrade: "4.17.19"},
		{Project: "api", Ecosystem: "npm", Name: "lodash", Version: "4.17.19", Findings: findings(h2), Upgrade: "4.17.21"},
		{Project: "cli", Ecosystem: "npm", Name: "lodash", Version: "4.17.15", Findings: findings(c1, h1), Upgrade: "4.17.19"},
		// The same project twice (two manifests) counts once.
		{Project: "cli", Ecosystem: "npm", Name: "lodash", Version: "4.17.15", Findings: findings(c1, h1), Upgrade: "4.17.19"},
		// Without a fix: ranked after every fix, whatever its points.
		{Project: "web", Ecosystem: "npm", Name: "minimist", Version: "0.0.8", Findings: findings(m1)},
		{Project: "api", Ecosystem: "npm", Name: "minimist", Version: "0.0.8", Findings: findings(m1)},
		{Project: "web", Ecosystem: "npm", Name: "axios", Version: "1.5.0", Findings: findings(l1), Upgrade: "1.6.0"},
		// Equal points: by name.
		{Project: "api", Ecosystem: "npm", Name: "b-lib", Version: "1.0.0", Findings: findings(finding("B-1", vuln.High)), Upgrade: "1.0.1"},
		{Project: "api", Ecosystem: "npm", Name: "a-lib", Version: "1.0.0", Findings: findings(finding("A-1", vuln.High)), Upgrade: "1.0.1"},
		// Go versions order numerically (v1.10.0 > v1.9.1); one finding
		// rated differently in two projects takes its worst rating.
		{Project: "svc", Ecosystem: "go", Name: "golang.org/x/net", Version: "v1.2.0", Findings: findings(finding("GO-1", vuln.Medium)), Upgrade: "v1.9.1"},
		{Project: "web", Ecosystem: "go", Name: "golang.org/x/net", Version: "v1.9.0", Findings: findings(finding("GO-1", vuln.High)), Upgrade: "v1.10.0"},
		// Nothing to remove.
		{Project: "web", Ecosystem: "npm", Name: "express", Version: "4.21.0"},
	}
	want := []Action{
		{Ecosystem: "npm", Name: "lodash", To: "4.17.21", Projects: []string{"api", "cli", "web"},
			Removes: map[vuln.Level]int{vuln.Critical: 1, vuln.High: 2}, Points: 15 + 5 + 15,
			Text: "upgrade lodash to 4.17.21 in 3 projects to remove 1 critical, 2 high"},
		{Ecosystem: "go", Name: "golang.org/x/net", To: "v1.10.0", Projects: []string{"svc", "web"},
			Removes: map[vuln.Level]int{vuln.High: 1}, Points: 5 + 5,
			Text: "upgrade golang.org/x/net to v1.10.0 in 2 projects to remove 1 high"},
		{Ecosystem: "npm", Name: "a-lib", To: "1.0.1", Projects: []string{"api"},
			Removes: map[vuln.Level]int{vuln.High: 1}, Points: 5,
			Text: "upgrade a-lib to 1.0.1 in 1 project to remove 1 high"},
		{Ecosystem: "npm", Name: "b-lib", To: "1.0.1", Projects: []string{"api"},
			Removes: map[vuln.Level]int{vuln.High: 1}, Points: 5,
			Text: "upgrade b-lib to 1.0.1 in 1 project to remove 1 high"},
		{Ecosystem: "npm", Name: "axios", To: "1.6.0", Projects: []string{"web"},
			Removes: map[vuln.Level]int{vuln.Low: 1}, Points: 1,
			Text: "upgrade axios to 1.6.0 in 1 project to remove 1 low"},
		{Ecosystem: "npm", Name: "minimist", Projects: []string{"api", "web"},
			Removes: map[vuln.Level]int{vuln.Critical: 1}, Points: 20,
			Text: "no fixed version of minimist: replace or mitigate it in 2 projects (1 critical)"},
	}
	got := Default().Actions(us)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Actions (-want +got):\n%s", diff)
	}
}

func TestActionsEdges(t *testing.T) {
	tests := []struct {
		name string
		us   []Usage
		want []Action
	}{
		{"nothing", nil, []Action{}},
		{"no findings", []Usage{{Project: "p", Ecosystem: "npm", Name: "x", Version: "1.0.0", Upgrade: "1.0.1"}}, []Action{}},
		{"fixable and not, same component", []Usage{
			{Project: "old", Ecosystem: "npm", Name: "x", Version: "0.1.0", Findings: findings(finding("X-1", vuln.High))},
			{Project: "new", Ecosystem: "npm", Name: "x", Version: "1.0.0", Findings: findings(finding("X-2", vuln.Medium)), Upgrade: "1.0.1"},
		}, []Action{
			{Ecosystem: "npm", Name: "x", To: "1.0.1", Projects: []string{"new"}, Removes: map[vuln.Level]int{vuln.Medium: 1}, Points: 3,
				Text: "upgrade x to 1.0.1 in 1 project to remove 1 medium"},
			{Ecosystem: "npm", Name: "x", Projects: []string{"old"}, Removes: map[vuln.Level]int{vuln.High: 1}, Points: 5,
				Text: "no fixed version of x: replace or mitigate it in 1 project (1 high)"},
		}},
		{"same name, two ecosystems", []Usage{
			{Project: "p", Ecosystem: "npm", Name: "x", Version: "1.0.0", Findings: findings(finding("X-1", vuln.Low)), Upgrade: "1.0.1"},
			{Project: "p", Ecosystem: "pypi", Name: "x", Version: "1.0", Findings: findings(finding("X-2", vuln.Low)), Upgrade: "1.1"},
		}, []Action{
			{Ecosystem: "npm", Name: "x", To: "1.0.1", Projects: []string{"p"}, Removes: map[vuln.Level]int{vuln.Low: 1}, Points: 1,
				Text: "upgrade x to 1.0.1 in 1 project to remove 1 low"},
			{Ecosystem: "pypi", Name: "x", To: "1.1", Projects: []string{"p"}, Removes: map[vuln.Level]int{vuln.Low: 1}, Points: 1,
				Text: "upgrade x to 1.1 in 1 project to remove 1 low"},
		}},
		{"unreadable upgrades lose to readable ones, whatever the order", []Usage{
			{Project: "a", Ecosystem: "npm", Name: "x", Version: "1.0.0", Findings: findings(finding("X-1", vuln.Low)), Upgrade: "zzz"},
			{Project: "b", Ecosystem: "npm", Name: "x", Version: "1.0.0", Findings: findings(finding("X-1", vuln.Low)), Upgrade: "1.2.0"},
			{Project: "c", Ecosystem: "npm", Name: "x", Version: "1.0.0", Findings: findings(finding("X-1", vuln.Low)), Upgrade: "1.10.0"},
		}, []Action{
			{Ecosystem: "npm", Name: "x", To: "1.10.0", Projects: []string{"a", "b", "c"}, Removes: map[vuln.Level]int{vuln.Low: 1}, Points: 3,
				Text: "upgrade x to 1.10.0 in 3 projects to remove 1 low"},
		}},
		{"findings without ids count apart; aliases name them", []Usage{
			{Project: "a", Ecosystem: "npm", Name: "x", Version: "1.0.0", Upgrade: "2.0.0", Findings: findings(
				finding("", vuln.Low), finding("", vuln.Low), vuln.Finding{Aliases: []string{"CVE-1"}, Severity: vuln.Severity{Level: vuln.High}})},
			{Project: "b", Ecosystem: "npm", Name: "x", Version: "1.0.0", Upgrade: "2.0.0", Findings: findings(
				vuln.Finding{Aliases: []string{"CVE-1"}, Severity: vuln.Severity{Level: vuln.High}})},
		}, []Action{
			{Ecosystem: "npm", Name: "x", To: "2.0.0", Projects: []string{"a", "b"}, Removes: map[vuln.Level]int{vuln.High: 1, vuln.Low: 2}, Points: 5 + 1 + 1 + 5,
				Text: "upgrade x to 2.0.0 in 2 projects to remove 1 high, 2 low"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Default().Actions(tt.us)); diff != "" {
				t.Errorf("Actions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestActionsWeights checks that points follow the configuration.
func TestActionsWeights(t *testing.T) {
	c := Default()
	c.Severity[vuln.Low] = 100
	us := []Usage{
		{Project: "p", Ecosystem: "npm", Name: "crit", Version: "1.0.0", Findings: findings(finding("C", vuln.Critical)), Upgrade: "1.0.1"},
		{Project: "p", Ecosystem: "npm", Name: "low", Version: "1.0.0", Findings: findings(finding("L", vuln.Low)), Upgrade: "1.0.1"},
	}
	got := c.Actions(us)
	if len(got) != 2 || got[0].Name != "low" || got[0].Points != 100 {
		t.Errorf("with low weighing 100, Actions = %+v", got)
	}
}
