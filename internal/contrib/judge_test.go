package contrib

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

const project = "github.com/acme/widget"

// facts builds the facts of a checkout with a license file, a guide, a
// read history and the given signals.
func facts(signals ...Signal) Facts {
	return Facts{
		Project:      project,
		LicenseFiles: []inventory.LicenseFile{inventory.NewLicenseFile("/src/LICENSE", "LICENSE", "license")},
		Contributing: []Document{{Path: "CONTRIBUTING.md"}},
		History:      &History{Commits: 40},
		Signals:      signals,
	}
}

func cla(name string, line int) Signal {
	return Signal{Kind: KindCLA, Name: name, Evidence: Evidence{Path: "CONTRIBUTING.md", Line: line, Text: "sign the CLA"}}
}

func dcoSig(line int) Signal {
	return Signal{Kind: KindDCO, Evidence: Evidence{Path: "CONTRIBUTING.md", Line: line, Text: "Signed-off-by"}}
}

var rules = Rules{
	Licenses: []string{"MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only"},
	CLAs:     []string{"Google CLA", "CNCF CLA"},
	DCO:      "allow",
}

const (
	nothingAsked = "Nothing in github.com/acme/widget asks for a contributor agreement or signed-off commits."
	mitOK        = "github.com/acme/widget is under MIT, pre-approved for contributions."
)

// TestJudge states the contribution rules case by case; the expected
// answers follow from the rules, not from the code.
func TestJudge(t *testing.T) {
	withRules := func(f func(*Rules)) Rules {
		r := rules
		f(&r)
		return r
	}
	tests := []struct {
		name    string
		facts   Facts
		license string
		rules   Rules
		want    Verdict // Evidence is checked separately
	}{
		{
			name: "pre-approved license, nothing asked", facts: facts(), license: "MIT", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{mitOK, nothingAsked}},
		},
		{
			name: "license unknown", facts: facts(), license: "NOASSERTION", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{"The license of github.com/acme/widget is not known (NOASSERTION).", nothingAsked},
				Ask:     "find out which license github.com/acme/widget is under and approve contributing to it"},
		},
		{
			name: "no license given and no license file", facts: Facts{Project: project, Contributing: []Document{{}}, History: &History{}}, license: "", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{"The license of github.com/acme/widget is not known (NOASSERTION); no license file was found at its root.", nothingAsked},
				Ask:     "find out which license github.com/acme/widget is under and approve contributing to it"},
		},
		{
			name: "proprietary license", facts: facts(), license: "LicenseRef-acme-proprietary", rules: rules,
			want: Verdict{Decision: Deny,
				Reasons: []string{"github.com/acme/widget is under a proprietary license (LicenseRef-acme-proprietary), not an open source one.", nothingAsked}},
		},
		{
			name: "open source or commercial", facts: facts(), license: "MIT OR LicenseRef-scancode-commercial-license", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{"github.com/acme/widget is also offered under a proprietary license (LicenseRef-scancode-commercial-license) besides MIT: contributions may be sold under it.", nothingAsked},
				Ask:     "approve contributing to github.com/acme/widget, which is also offered under LicenseRef-scancode-commercial-license"},
		},
		{
			name: "license not pre-approved", facts: facts(), license: "GPL-3.0-only", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{"github.com/acme/widget is under GPL-3.0-only; GPL-3.0-only is not pre-approved for contributions.", nothingAsked},
				Ask:     "approve contributing to github.com/acme/widget under GPL-3.0-only"},
		},
		{
			name: "OR needs every branch approved for contributions", facts: facts(), license: "MIT OR GPL-3.0-only", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{"github.com/acme/widget is under MIT OR GPL-3.0-only; GPL-3.0-only is not pre-approved for contributions (a contribution is licensed under every license of the expression).", nothingAsked},
				Ask:     "approve contributing to github.com/acme/widget under MIT OR GPL-3.0-only"},
		},
		{
			name: "AND of approved licenses", facts: facts(), license: "(MIT AND BSD-3-Clause)", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{"github.com/acme/widget is under (MIT AND BSD-3-Clause), pre-approved for contributions.", nothingAsked}},
		},
		{
			name: "exception on an approved license", facts: facts(), license: "GPL-2.0-only WITH Classpath-exception-2.0", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{"github.com/acme/widget is under GPL-2.0-only WITH Classpath-exception-2.0, pre-approved for contributions.", nothingAsked}},
		},
		{
			name: "deprecated id of an approved license, lower case", facts: facts(), license: "gpl-2.0", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{"github.com/acme/widget is under gpl-2.0, pre-approved for contributions.", nothingAsked}},
		},
		{
			name: "or-later is not the -only license", facts: facts(), license: "GPL-2.0+", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{"github.com/acme/widget is under GPL-2.0+; GPL-2.0-or-later is not pre-approved for contributions.", nothingAsked},
				Ask:     "approve contributing to github.com/acme/widget under GPL-2.0+"},
		},
		{
			name: "not an SPDX expression", facts: facts(), license: "Widget Public License", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{`The license of github.com/acme/widget, "Widget Public License", is not a valid SPDX expression.`, nothingAsked},
				Ask:     `approve contributing to github.com/acme/widget under "Widget Public License"`},
		},
		{
			name: "pre-approved CLA", facts: facts(cla("", 6), cla("Google CLA", 11)), license: "MIT", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{mitOK,
				"github.com/acme/widget asks for the Google CLA (CONTRIBUTING.md:11), which is pre-approved."}},
		},
		{
			name: "CLA approved under another name", facts: facts(cla("Linux Foundation EasyCLA", 3)), license: "MIT", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{mitOK,
				"github.com/acme/widget asks for the Linux Foundation EasyCLA (CONTRIBUTING.md:3), which is pre-approved."}},
		},
		{
			name: "CLA not pre-approved", facts: facts(cla("Microsoft CLA", 7)), license: "MIT", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{mitOK, "github.com/acme/widget asks for the Microsoft CLA (CONTRIBUTING.md:7), which is not pre-approved."},
				Ask:     "approve signing Microsoft CLA for github.com/acme/widget"},
		},
		{
			name: "CLA that cannot be named", facts: facts(cla("", 91)), license: "MIT", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{mitOK, "github.com/acme/widget asks contributors to sign a contributor license agreement without saying which (CONTRIBUTING.md:91)."},
				Ask:     "find out which contributor agreement github.com/acme/widget asks for and approve signing it"},
		},
		{
			name: "own agreement through a signing service", facts: facts(Signal{Kind: KindCLA, Name: "cla-assistant", Evidence: Evidence{Path: ".github/workflows/cla.yml", Line: 20}}), license: "MIT", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{mitOK, "github.com/acme/widget asks contributors to sign its own agreement through cla-assistant (.github/workflows/cla.yml:20), which is not pre-approved."},
				Ask:     "approve signing the agreement github.com/acme/widget collects through cla-assistant"},
		},
		{
			name: "signing service pre-approved", facts: facts(Signal{Kind: KindCLA, Name: "cla-assistant", Evidence: Evidence{Path: ".github/workflows/cla.yml", Line: 20}}),
			license: "MIT", rules: withRules(func(r *Rules) { r.CLAs = []string{"cla-assistant"} }),
			want: Verdict{Decision: Allow,
				Reasons: []string{mitOK, "github.com/acme/widget asks contributors to sign its own agreement through cla-assistant (.github/workflows/cla.yml:20), which is pre-approved."}},
		},
		{
			name: "DCO only, allowed", facts: facts(dcoSig(22)), license: "MIT", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{mitOK,
				"github.com/acme/widget asks for commits signed off under the Developer Certificate of Origin (CONTRIBUTING.md:22), which the policy allows."}},
		},
		{
			name: "DCO only, left to review", facts: facts(dcoSig(22)), license: "MIT", rules: withRules(func(r *Rules) { r.DCO = "review" }),
			want: Verdict{Decision: Review,
				Reasons: []string{mitOK, "github.com/acme/widget asks for commits signed off under the Developer Certificate of Origin (CONTRIBUTING.md:22), which the policy leaves to the OSPO."},
				Ask:     "approve signing off commits to github.com/acme/widget under the Developer Certificate of Origin"},
		},
		{
			name: "DCO with no rule is reviewed", facts: facts(dcoSig(22)), license: "MIT", rules: withRules(func(r *Rules) { r.DCO = "" }),
			want: Verdict{Decision: Review,
				Reasons: []string{mitOK, "github.com/acme/widget asks for commits signed off under the Developer Certificate of Origin (CONTRIBUTING.md:22), which the policy leaves to the OSPO."},
				Ask:     "approve signing off commits to github.com/acme/widget under the Developer Certificate of Origin"},
		},
		{
			name: "DCO denied", facts: facts(dcoSig(22)), license: "MIT", rules: withRules(func(r *Rules) { r.DCO = "Deny" }),
			want: Verdict{Decision: Deny, Reasons: []string{mitOK,
				"github.com/acme/widget asks for commits signed off under the Developer Certificate of Origin (CONTRIBUTING.md:22), which the policy does not allow."}},
		},
		{
			name: "DCO seen only in history", facts: facts(Signal{Kind: KindDCO, Evidence: Evidence{Path: HistoryPath, Text: "40 of the last 40 commits carry a Signed-off-by trailer"}}),
			license: "MIT", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{mitOK,
				"github.com/acme/widget asks for commits signed off under the Developer Certificate of Origin (40 of the last 40 commits carry a Signed-off-by trailer), which the policy allows."}},
		},
		{
			name: "approved CLA does not hide an unapproved license", facts: facts(cla("Google CLA", 11)), license: "AGPL-3.0-only", rules: rules,
			want: Verdict{Decision: Review,
				Reasons: []string{"github.com/acme/widget is under AGPL-3.0-only; AGPL-3.0-only is not pre-approved for contributions.",
					"github.com/acme/widget asks for the Google CLA (CONTRIBUTING.md:11), which is pre-approved."},
				Ask: "approve contributing to github.com/acme/widget under AGPL-3.0-only"},
		},
		{
			name: "CLA and DCO both to review", facts: facts(cla("Meta CLA", 4), dcoSig(9)), license: "MIT", rules: withRules(func(r *Rules) { r.DCO = "review" }),
			want: Verdict{Decision: Review,
				Reasons: []string{mitOK, "github.com/acme/widget asks for the Meta CLA (CONTRIBUTING.md:4), which is not pre-approved.",
					"github.com/acme/widget asks for commits signed off under the Developer Certificate of Origin (CONTRIBUTING.md:9), which the policy leaves to the OSPO."},
				Ask: "approve signing Meta CLA for github.com/acme/widget; approve signing off commits to github.com/acme/widget under the Developer Certificate of Origin"},
		},
		{
			name: "CLA said not to be needed", facts: facts(Signal{Kind: KindCLA, Negated: true, Evidence: Evidence{Path: "CONTRIBUTING.md", Line: 14}}), license: "MIT", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{mitOK, nothingAsked, "It says a CLA is not needed (CONTRIBUTING.md:14)."}},
		},
		{
			name: "nothing found, guide kept elsewhere", facts: Facts{Project: project, Contributing: []Document{{Path: "CONTRIBUTING.md"}},
				Guides: []Evidence{{Path: "CONTRIBUTING.md", Line: 3, Text: "https://example.org/contributing"}}},
			license: "MIT", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{mitOK,
				"Nothing in github.com/acme/widget asks for a contributor agreement or signed-off commits (no history was read).",
				"CONTRIBUTING.md:3 links to contribution instructions kept elsewhere, not read offline: https://example.org/contributing; check them for an agreement."}},
		},
		{
			name: "no contributing guide and no history", facts: Facts{Project: project}, license: "Apache-2.0", rules: rules,
			want: Verdict{Decision: Allow, Reasons: []string{"github.com/acme/widget is under Apache-2.0, pre-approved for contributions.",
				"Nothing in github.com/acme/widget asks for a contributor agreement or signed-off commits (no contributing guide was found; no history was read)."}},
		},
		{
			name: "empty rules approve nothing", facts: facts(dcoSig(1)), license: "MIT", rules: Rules{},
			want: Verdict{Decision: Review,
				Reasons: []string{"github.com/acme/widget is under MIT; MIT is not pre-approved for contributions.",
					"github.com/acme/widget asks for commits signed off under the Developer Certificate of Origin (CONTRIBUTING.md:1), which the policy leaves to the OSPO."},
				Ask: "approve contributing to github.com/acme/widget under MIT; approve signing off commits to github.com/acme/widget under the Developer Certificate of Origin"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Judge(tt.facts, tt.license, tt.rules)
			got.Evidence = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Judge() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJudgeEvidence(t *testing.T) {
	f := facts(cla("", 6), cla("Google CLA", 11), Signal{Kind: KindCLA, Negated: true, Evidence: Evidence{Path: "README.md", Line: 2}})
	for i := range 8 {
		f.Signals = append(f.Signals, dcoSig(20+i))
	}
	got := Judge(f, "MIT", rules).Evidence
	want := []Evidence{
		{Path: "LICENSE", Text: "license file"},
		{Path: "CONTRIBUTING.md", Line: 11, Text: "sign the CLA"},
		// At most five lines of one kind.
		{Path: "CONTRIBUTING.md", Line: 20, Text: "Signed-off-by"},
		{Path: "CONTRIBUTING.md", Line: 21, Text: "Signed-off-by"},
		{Path: "CONTRIBUTING.md", Line: 22, Text: "Signed-off-by"},
		{Path: "CONTRIBUTING.md", Line: 23, Text: "Signed-off-by"},
		{Path: "CONTRIBUTING.md", Line: 24, Text: "Signed-off-by"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("evidence mismatch (-want +got):\n%s", diff)
	}
}

// TestJudgeIsPure checks that judging twice gives the same answer and
// leaves the facts as they were.
func TestJudgeIsPure(t *testing.T) {
	f := facts(cla("Microsoft CLA", 7), dcoSig(3))
	before := len(f.Signals)
	a := Judge(f, "MIT OR Apache-2.0", rules)
	b := Judge(f, "MIT OR Apache-2.0", rules)
	if diff := cmp.Diff(a, b); diff != "" || len(f.Signals) != before {
		t.Errorf("Judge is not repeatable:\n%s", diff)
	}
}
