package practices

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/contrib"
	"ospo/internal/repocheck/result"
)

// baseFacts is a repository with a README, a contributing guide and an
// MIT license, and no history.
func baseFacts() Facts {
	return Facts{
		Entries: map[string][]Entry{".": {{Name: "CONTRIBUTING.md"}, {Name: "LICENSE"}, {Name: "README.md"}}},
		Readmes: []Text{{Path: "README.md", Text: "# Tool\n"}},
		Licenses: []LicenseText{
			{Path: "LICENSE", Expression: "MIT", SPDX: true},
		},
		History: History{Unavailable: "the directory is not a git clone"},
		Release: Release{Unavailable: "the directory is not a git clone"},
	}
}

type scoreWant struct {
	Sections []Section
	Score    float64
	Rating   string
	// Exempt maps check ids to the exemption expected (only those
	// listed are compared).
	Exempt   map[string]string
	Problems []string
}

func TestScoring(t *testing.T) {
	sec := func(name string, w, p int) Section {
		s := Section{Name: name, Weight: w, Passed: p, Score: result.Inconclusive}
		if w > 0 {
			s.Score = 100 * float64(p) / float64(w)
		}
		return s
	}
	claSignal := []contrib.Signal{{Kind: contrib.KindCLA, Name: "Google CLA",
		Evidence: contrib.Evidence{Path: "CONTRIBUTING.md", Line: 6, Text: "## Contributor License Agreement"}}}

	tests := []struct {
		name  string
		facts func(*Facts)
		opts  Options
		want  scoreWant
	}{{
		// Documentation: contributing 4 + readme 10 of 25 (summary_table
		// and website not available). License: approved 10 + spdx 5 of
		// 20. Best practices: nothing of artifacthub 1 + cla 1 +
		// community_meeting 3 + the two badges 10 + slack 0 = 15 (dco and
		// recent_release need a clone). Security: nothing of
		// dependencies_policy 2 + sbom 1 + security_insights 1 +
		// security_policy 3 = 7 (no Scorecard). Legal: none available.
		// Global 29/67.
		name: "base",
		want: scoreWant{
			Sections: []Section{sec(SectionDocumentation, 25, 14), sec(SectionLicense, 20, 15),
				sec(SectionBestPractices, 15, 0), sec(SectionSecurity, 7, 0), sec(SectionLegal, 0, 0)},
			Score: 100 * 29.0 / 67, Rating: "c",
			Exempt: map[string]string{"dco": "", "cla": ""},
		},
	}, {
		// The CLA passes, so the unavailable dco becomes exempt and counts:
		// best practices 2 of 16, global 31/68.
		name:  "cla exempts dco",
		facts: func(f *Facts) { f.CLA = claSignal },
		want: scoreWant{
			Sections: []Section{sec(SectionDocumentation, 25, 14), sec(SectionLicense, 20, 15),
				sec(SectionBestPractices, 16, 2), sec(SectionSecurity, 7, 0), sec(SectionLegal, 0, 0)},
			Score: 100 * 31.0 / 68, Rating: "c",
			Exempt: map[string]string{"dco": "CLA check passed", "cla": ""},
		},
	}, {
		// Signed-off commits pass dco, which exempts the failing cla:
		// best practices 2 of 16 again.
		name: "dco exempts cla",
		facts: func(f *Facts) {
			f.History = History{Commits: []Commit{{Hash: "a", SignedOff: true}, {Hash: "b", SignedOff: true}}}
		},
		want: scoreWant{
			Sections: []Section{sec(SectionDocumentation, 25, 14), sec(SectionLicense, 20, 15),
				sec(SectionBestPractices, 16, 2), sec(SectionSecurity, 7, 0), sec(SectionLegal, 0, 0)},
			Score: 100 * 31.0 / 68, Rating: "c",
			Exempt: map[string]string{"dco": "", "cla": "DCO check passed"},
		},
	}, {
		// Slack passes: github_discussions becomes exempt; both weigh 0,
		// so the scores do not move.
		name:  "slack exempts discussions",
		facts: func(f *Facts) { f.Readmes[0].Text += "Chat on https://slack.cncf.io/\n" },
		want: scoreWant{
			Sections: []Section{sec(SectionDocumentation, 25, 14), sec(SectionLicense, 20, 15),
				sec(SectionBestPractices, 15, 0), sec(SectionSecurity, 7, 0), sec(SectionLegal, 0, 0)},
			Score: 100 * 29.0 / 67, Rating: "c",
			Exempt: map[string]string{"github_discussions": "Slack presence check passed", "slack_presence": ""},
		},
	}, {
		// User exemptions: website (not available) becomes available and
		// earned: documentation 18 of 29; artifacthub_badge takes the
		// options' reason over the file's: best practices 1 of 15. The
		// roadmap exemption without a reason and the unknown check are
		// problems. Global 34/71.
		name: "user exemptions",
		facts: func(f *Facts) {
			f.Metadata = &Metadata{Path: MetadataFile, Exemptions: []Exemption{
				{Check: "roadmap"}, {Check: "nosuch", Reason: "x"}, {Check: "artifacthub_badge", Reason: "from the file"},
			}}
		},
		opts: Options{Exemptions: []Exemption{{Check: "website", Reason: "no website yet"}, {Check: "artifacthub_badge", Reason: "Go module"}}},
		want: scoreWant{
			Sections: []Section{sec(SectionDocumentation, 29, 18), sec(SectionLicense, 20, 15),
				sec(SectionBestPractices, 15, 1), sec(SectionSecurity, 7, 0), sec(SectionLegal, 0, 0)},
			Score: 100 * 34.0 / 71, Rating: "c",
			Exempt: map[string]string{"website": "no website yet", "artifacthub_badge": "Go module", "roadmap": ""},
			Problems: []string{
				"exemption of roadmap in .clomonitor.yml gives no reason; ignored (a reason is required)",
				`exemption in .clomonitor.yml names unknown check "nosuch"; ignored`,
			},
		},
	}, {
		// Only the docs set: readme, license_approved and license_spdx_id.
		name: "docs set",
		opts: Options{Sets: []string{SetDocs}},
		want: scoreWant{
			Sections: []Section{sec(SectionDocumentation, 10, 10), sec(SectionLicense, 15, 15),
				sec(SectionBestPractices, 0, 0), sec(SectionSecurity, 0, 0), sec(SectionLegal, 0, 0)},
			Score: 100, Rating: "a",
		},
	}, {
		// Scorecard results fill the security section: binary_artifacts
		// 2, dangerous_workflow 2, dependency_update_tool 2,
		// token_permissions 1 and signed_releases 2 pass; code_review 3
		// and maintained 3 fail: 9 of 22. Global (29+9)/(67+15).
		name: "with scorecard",
		opts: Options{Scorecard: &result.Repo{Checks: []result.Check{
			{Name: "Binary-Artifacts", Score: 10}, {Name: "Code-Review", Score: 0}, {Name: "Dangerous-Workflow", Score: 10},
			{Name: "Dependency-Update-Tool", Score: 10}, {Name: "Maintained", Score: 4.9}, {Name: "Signed-Releases", Score: 1},
			{Name: "Token-Permissions", Score: 9},
		}}},
		want: scoreWant{
			Sections: []Section{sec(SectionDocumentation, 25, 14), sec(SectionLicense, 20, 15),
				sec(SectionBestPractices, 15, 0), sec(SectionSecurity, 22, 9), sec(SectionLegal, 0, 0)},
			Score: 100 * 38.0 / 82, Rating: "c",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := baseFacts()
			if tt.facts != nil {
				tt.facts(&f)
			}
			tt.opts.Now = testNow
			rep := Evaluate(f, tt.opts)
			got := scoreWant{Sections: rep.Sections, Score: rep.Score, Rating: rep.Rating}
			if tt.want.Exempt != nil {
				got.Exempt = map[string]string{}
				for id := range tt.want.Exempt {
					got.Exempt[id] = checkOf(t, rep, id).Exempt
				}
			}
			for _, p := range rep.Problems {
				got.Problems = append(got.Problems, p.Message)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDocsSetChecks(t *testing.T) {
	rep := Evaluate(baseFacts(), Options{Now: testNow, Sets: []string{SetDocs}})
	var ids []string
	for _, c := range rep.Checks {
		ids = append(ids, c.Name)
	}
	want := []string{"readme", "license_approved", "license_spdx_id",
		"support-file-exists", "readme-references-license", "binaries-not-present"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}

func TestExemptionWithoutReasonIsAFinding(t *testing.T) {
	rep := Evaluate(baseFacts(), Options{Now: testNow, Exemptions: []Exemption{{Check: "changelog"}}})
	c := checkOf(t, rep, "changelog")
	want := []result.Finding{
		{Probe: probeFile, Outcome: result.False, Message: c.Reason, Remediation: c.Findings[0].Remediation},
		{Probe: probeExemption, Outcome: result.Error, Message: "exemption of changelog in the options gives no reason; ignored (a reason is required)"},
	}
	if diff := cmp.Diff(want, c.Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if c.Exempt != "" || c.Score != 0 {
		t.Errorf("changelog = score %v exempt %q, want a failure without exemption", c.Score, c.Exempt)
	}
}

func TestRating(t *testing.T) {
	tests := []struct {
		score float64
		want  string
	}{
		{100, "a"}, {75, "a"}, {74.5, "a"}, {74.49, "b"}, {50, "b"}, {49.5, "b"},
		{49.4, "c"}, {25, "c"}, {24.5, "c"}, {24.4, "d"}, {0, "d"}, {result.Inconclusive, ""},
	}
	for _, tt := range tests {
		if got := Rating(tt.score); got != tt.want {
			t.Errorf("Rating(%v) = %q, want %q", tt.score, got, tt.want)
		}
	}
}

func TestNothingAvailable(t *testing.T) {
	// A set no check belongs to leaves only the informational checks,
	// which weigh nothing: no score, no rating.
	rep := Evaluate(Facts{}, Options{Sets: []string{"none"}})
	if rep.Score != result.Inconclusive || rep.Rating != "" {
		t.Errorf("score %v rating %q, want inconclusive", rep.Score, rep.Rating)
	}
}

func TestApprovedExpr(t *testing.T) {
	allowed := map[string]bool{"MIT": true, "APACHE-2.0": true}
	tests := []struct {
		expr string
		want bool
	}{
		{"MIT", true}, {"mit", true}, {"GPL-3.0-only", false},
		{"MIT AND Apache-2.0", true}, {"MIT AND GPL-3.0-only", false},
		{"MIT OR GPL-3.0-only", true}, {"(GPL-2.0-only OR MIT) AND Apache-2.0", true},
		{"Apache-2.0 WITH LLVM-exception", true}, {"GPL-2.0-only WITH Classpath-exception-2.0", false},
		{"MIT AND", false}, {"(MIT", false}, {"", false}, {"MIT WITH", false},
	}
	for _, tt := range tests {
		if got := approvedExpr(tt.expr, allowed); got != tt.want {
			t.Errorf("approvedExpr(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}
