package risk

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/policy"
	"ospo/internal/vuln"
)

func ptr(f float64) *float64 { return &f }

// finding makes a finding of one level.
func finding(id string, l vuln.Level) vuln.Finding {
	return vuln.Finding{ID: id, Severity: vuln.Severity{Level: l}}
}

// known is an Input whose license, health and staleness add nothing, so
// that one part can be looked at alone.
func known() Input {
	return Input{Verdict: policy.Allow, License: "MIT", Health: ptr(10), Staleness: Staleness{Libyears: ptr(0), Newest: "1.0.0"}}
}

func TestComponentParts(t *testing.T) {
	tests := []struct {
		name   string
		in     func(*Input)
		factor string
		want   Part
	}{
		{"no findings", func(in *Input) {}, FactorVulnerabilities,
			Part{Factor: FactorVulnerabilities, Why: "no known vulnerabilities"}},
		{"each level's weight", func(in *Input) {
			in.Findings = []vuln.Finding{finding("A", vuln.High), finding("B", vuln.Critical), finding("C", vuln.Medium),
				finding("D", vuln.Low), finding("E", vuln.None), finding("F", vuln.Unknown)}
		}, FactorVulnerabilities,
			Part{Factor: FactorVulnerabilities, Points: 10 + 5 + 3 + 1 + 0 + 5, Why: "1 critical, 1 high, 1 medium, 1 low, 1 none, 1 unknown"}},
		{"capped", func(in *Input) {
			in.Findings = []vuln.Finding{finding("A", vuln.Critical), finding("B", vuln.Critical), finding("C", vuln.Critical),
				finding("D", vuln.Critical), finding("E", vuln.High)}
		}, FactorVulnerabilities,
			Part{Factor: FactorVulnerabilities, Points: 40, Why: "4 critical, 1 high (45 points, capped at 40)"}},
		{"a finding listed twice counts once", func(in *Input) {
			in.Findings = []vuln.Finding{finding("GHSA-1", vuln.High), finding("GHSA-1", vuln.High)}
		}, FactorVulnerabilities,
			Part{Factor: FactorVulnerabilities, Points: 5, Why: "1 high"}},
		{"a level ospo does not know is unknown, not harmless", func(in *Input) {
			in.Findings = []vuln.Finding{finding("X", ""), finding("Y", "severe")}
		}, FactorVulnerabilities,
			Part{Factor: FactorVulnerabilities, Points: 10, Why: "2 unknown"}},

		{"not checked", func(in *Input) { in.Unchecked = "no vulnerability data exists for the conan ecosystem" }, FactorVulnerabilities,
			Part{Factor: FactorVulnerabilities, Unknown: true, Why: "not checked: no vulnerability data exists for the conan ecosystem"}},
		{"partly checked", func(in *Input) {
			in.Findings = []vuln.Finding{finding("A", vuln.Medium)}
			in.Unchecked = "some records could not be evaluated: X"
		}, FactorVulnerabilities,
			Part{Factor: FactorVulnerabilities, Points: 3, Why: "1 medium; not fully checked: some records could not be evaluated: X"}},

		{"policy denies", func(in *Input) { in.Verdict, in.License = policy.Deny, "GPL-3.0-only" }, FactorLicense,
			Part{Factor: FactorLicense, Points: 30, Why: "policy verdict deny for GPL-3.0-only"}},
		{"policy wants review", func(in *Input) { in.Verdict, in.License = policy.Review, "" }, FactorLicense,
			Part{Factor: FactorLicense, Points: 15, Why: "policy verdict review for unknown"}},
		{"policy allows", func(in *Input) {}, FactorLicense,
			Part{Factor: FactorLicense, Points: 0, Why: "policy verdict allow for MIT"}},
		{"no decision, known license", func(in *Input) { in.Verdict = "" }, FactorLicense,
			Part{Factor: FactorLicense, Points: 0, Why: "no policy decision; license MIT is known"}},
		{"no decision, license needs review", func(in *Input) { in.Verdict, in.License, in.NeedsReview = "", "LicenseRef-custom", true }, FactorLicense,
			Part{Factor: FactorLicense, Points: 15, Unknown: true, Why: "no policy decision and license LicenseRef-custom needs review"}},
		{"no decision, no license", func(in *Input) { in.Verdict, in.License = "", "NOASSERTION" }, FactorLicense,
			Part{Factor: FactorLicense, Points: 15, Unknown: true, Why: "no policy decision and no license is known"}},
		{"a verdict that is not one", func(in *Input) { in.Verdict = "maybe" }, FactorLicense,
			Part{Factor: FactorLicense, Points: 15, Unknown: true, Why: `policy verdict "maybe" is not allow, review or deny`}},

		{"health 7.5", func(in *Input) { in.Health = ptr(7.5) }, FactorHealth,
			Part{Factor: FactorHealth, Points: 3.8, Why: "repository health 7.5/10"}},
		{"health 0", func(in *Input) { in.Health = ptr(0) }, FactorHealth,
			Part{Factor: FactorHealth, Points: 15, Why: "repository health 0.0/10"}},
		{"health below the scale", func(in *Input) { in.Health = ptr(-4) }, FactorHealth,
			Part{Factor: FactorHealth, Points: 15, Why: "repository health 0.0/10"}},
		{"health above the scale", func(in *Input) { in.Health = ptr(12) }, FactorHealth,
			Part{Factor: FactorHealth, Points: 0, Why: "repository health 10.0/10"}},
		{"health unknown", func(in *Input) { in.Health = nil }, FactorHealth,
			Part{Factor: FactorHealth, Unknown: true, Why: "no repository health score"}},
		{"health not a number", func(in *Input) { in.Health = ptr(math.NaN()) }, FactorHealth,
			Part{Factor: FactorHealth, Unknown: true, Why: "no repository health score"}},

		{"2.5 libyears", func(in *Input) { in.Staleness = Staleness{Libyears: ptr(2.5), Behind: 4, Newest: "4.17.21"} }, FactorStaleness,
			Part{Factor: FactorStaleness, Points: 7.5, Why: "2.5 libyears behind 4.17.21 (4 newer releases)"}},
		{"staleness capped", func(in *Input) { in.Staleness = Staleness{Libyears: ptr(6), Behind: 30, Newest: "9.0.0"} }, FactorStaleness,
			Part{Factor: FactorStaleness, Points: 15, Why: "6.0 libyears behind 9.0.0 (30 newer releases) (18 points, capped at 15)"}},
		{"up to date", func(in *Input) {}, FactorStaleness,
			Part{Factor: FactorStaleness, Why: "up to date with 1.0.0"}},
		{"newer releases on the same day", func(in *Input) { in.Staleness = Staleness{Libyears: ptr(0), Behind: 1, Newest: "1.0.1"} }, FactorStaleness,
			Part{Factor: FactorStaleness, Why: "0.0 libyears behind 1.0.1 (1 newer release)"}},
		{"negative libyears count as none", func(in *Input) { in.Staleness = Staleness{Libyears: ptr(-1), Behind: 0, Newest: "2.0.0"} }, FactorStaleness,
			Part{Factor: FactorStaleness, Why: "up to date with 2.0.0"}},
		{"staleness unknown keeps its reason", func(in *Input) {
			in.Staleness = Staleness{Behind: 3, Newest: "2.0.0", Why: "release dates are unknown"}
		}, FactorStaleness,
			Part{Factor: FactorStaleness, Unknown: true, Why: "release dates are unknown"}},
		{"staleness unknown without a reason", func(in *Input) { in.Staleness = Staleness{Behind: -1} }, FactorStaleness,
			Part{Factor: FactorStaleness, Unknown: true, Why: "unknown"}},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := known()
			tt.in(&in)
			s := c.Component(in)
			if len(s.Parts) != 4 {
				t.Fatalf("%d parts, want 4", len(s.Parts))
			}
			var got Part
			var sum float64
			for _, p := range s.Parts {
				sum += p.Points
				if p.Factor == tt.factor {
					got = p
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("part (-want +got):\n%s", diff)
			}
			if math.Abs(s.Total-sum) > 1e-9 {
				t.Errorf("Total = %v, parts add to %v", s.Total, sum)
			}
		})
	}
}

// TestComponentWorked is the example docs/risk.md works by hand.
func TestComponentWorked(t *testing.T) {
	in := Input{
		Findings: []vuln.Finding{finding("GHSA-1", vuln.Critical), finding("GHSA-2", vuln.High), finding("GHSA-3", vuln.High)},
		Verdict:  policy.Allow, License: "MIT",
		Health:    ptr(6),
		Staleness: Staleness{Libyears: ptr(1.8), Behind: 5, Newest: "4.17.21"},
	}
	want := Score{Total: 31.4, Parts: []Part{
		{Factor: FactorVulnerabilities, Points: 20, Why: "1 critical, 2 high"},
		{Factor: FactorLicense, Points: 0, Why: "policy verdict allow for MIT"},
		{Factor: FactorHealth, Points: 6, Why: "repository health 6.0/10"},
		{Factor: FactorStaleness, Points: 5.4, Why: "1.8 libyears behind 4.17.21 (5 newer releases)"},
	}}
	got := Default().Component(in)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Component (-want +got):\n%s", diff)
	}
	if p := Default().Project("high", []Score{got, {Total: 10}}); p != 62.1 {
		t.Errorf("Project = %v, want (31.4 + 10) × 1.5 = 62.1", p)
	}
	if dt := DependencyTrack(CountLevels(in.Findings)); dt != 20 {
		t.Errorf("DependencyTrack = %v, want 10×1 + 5×2 = 20", dt)
	}
}

func TestComponentUnknownParts(t *testing.T) {
	c := Default()
	c.VulnerabilityUnknown, c.HealthUnknown, c.StalenessUnknown = 8, 4, 2
	s := c.Component(Input{Unchecked: "no version is known", License: "MIT", Staleness: Staleness{Behind: -1, Why: "no release history of x is known"}})
	var unknown []string
	for _, p := range s.Parts {
		if p.Unknown {
			unknown = append(unknown, p.Factor)
		}
	}
	if diff := cmp.Diff([]string{FactorVulnerabilities, FactorHealth, FactorStaleness}, unknown); diff != "" {
		t.Errorf("unknown parts (-want +got):\n%s", diff)
	}
	if s.Total != 14 {
		t.Errorf("Total = %v, want the unknown weights 8 + 4 + 2", s.Total)
	}
}

func TestProject(t *testing.T) {
	comps := []Score{{Total: 12.5}, {Total: 7.5}, {Total: 0}}
	tests := []struct {
		criticality string
		want        float64
	}{
		{"low", 10},
		{"medium", 20},
		{"high", 30},
		{"critical", 40},
		{" High ", 30},
		{"", 20},
		{"vital", 20},
	}
	c := Default()
	for _, tt := range tests {
		if got := c.Project(tt.criticality, comps); got != tt.want {
			t.Errorf("Project(%q) = %v, want %v", tt.criticality, got, tt.want)
		}
	}
	if got := c.Project("critical", nil); got != 0 {
		t.Errorf("Project without components = %v", got)
	}
	c.Criticality = map[string]float64{"critical": 3}
	if got := c.Project("critical", comps); got != 60 {
		t.Errorf("Project with multiplier 3 = %v, want 60", got)
	}
}

func TestDependencyTrack(t *testing.T) {
	tests := []struct {
		name   string
		counts map[vuln.Level]int
		want   float64
	}{
		{"none", nil, 0},
		{"one of each", map[vuln.Level]int{vuln.Critical: 1, vuln.High: 1, vuln.Medium: 1, vuln.Low: 1, vuln.Unknown: 1, vuln.None: 1}, 10 + 5 + 3 + 1 + 5},
		// 10×2 + 5×3 + 3×4 + 1×5 + 5×1 = 20 + 15 + 12 + 5 + 5
		{"by hand", map[vuln.Level]int{vuln.Critical: 2, vuln.High: 3, vuln.Medium: 4, vuln.Low: 5, vuln.Unknown: 1, vuln.None: 7}, 57},
		{"uncapped", map[vuln.Level]int{vuln.Critical: 100}, 1000},
	}
	for _, tt := range tests {
		if got := DependencyTrack(tt.counts); got != tt.want {
			t.Errorf("%s: DependencyTrack = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCountLevels(t *testing.T) {
	fs := []vuln.Finding{finding("A", vuln.High), finding("A", vuln.High), finding("", vuln.Low), finding("", vuln.Low), finding("B", "bogus")}
	want := map[vuln.Level]int{vuln.High: 1, vuln.Low: 2, vuln.Unknown: 1}
	if diff := cmp.Diff(want, CountLevels(fs)); diff != "" {
		t.Errorf("CountLevels (-want +got):\n%s", diff)
	}
}

// A project's own repository health adds its part before the
// criticality multiplies: (10 + (10 − 4) × 1.5) × 2 = 38.
func TestProjectWithHealth(t *testing.T) {
	c := Default()
	comps := []Score{{Total: 10}}
	h := 4.0
	if got := c.ProjectWithHealth("critical", comps, &h); got != 38 {
		t.Errorf("ProjectWithHealth = %v, want 38", got)
	}
	if got, want := c.ProjectWithHealth("critical", comps, nil), c.Project("critical", comps); got != want {
		t.Errorf("unknown health: %v, want Project's %v", got, want)
	}
	if len(comps) != 1 {
		t.Error("the components were changed")
	}
}
