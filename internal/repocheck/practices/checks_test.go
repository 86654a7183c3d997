package practices

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"ospo/internal/repocheck/result"
)

// checkCase is one fixture repository and what one check must say of it.
type checkCase struct {
	name    string
	check   string
	files   map[string]string
	commits []commit // nil: not a git repository
	opts    Options
	want    outcome
}

func runCheckCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.check+"/"+tt.name, func(t *testing.T) {
			rep := rate(t, tt.files, tt.commits, tt.opts)
			got := outcomeOf(checkOf(t, rep, tt.check))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

const na = result.Inconclusive

func TestDocumentationChecks(t *testing.T) {
	noRef := func(pats, word string) string {
		return "no " + pats + " file and no README section or link about " + word
	}
	runCheckCases(t, []checkCase{
		{name: "file", check: "adopters", files: map[string]string{"ADOPTERS.md": "x"},
			want: outcome{Score: 10, Reason: "ADOPTERS.md found", Path: "ADOPTERS.md"}},
		{name: "users file any case", check: "adopters", files: map[string]string{"Users.txt": "x"},
			want: outcome{Score: 10, Reason: "Users.txt found", Path: "Users.txt"}},
		{name: "heading", check: "adopters", files: map[string]string{"README.md": "# Tool\n\nText.\n\n## Our adopters\n"},
			want: outcome{Score: 10, Reason: "README.md refers to adopters", Path: "README.md", Line: 5}},
		{name: "underlined heading", check: "adopters", files: map[string]string{"README.rst": "Tool\n\nAdopters\n--------\n"},
			want: outcome{Score: 10, Reason: "README.rst refers to adopters", Path: "README.rst", Line: 3}},
		{name: "link", check: "adopters", files: map[string]string{"README.md": "See [who adopters are](ADOPT.md).\n"},
			want: outcome{Score: 10, Reason: "README.md refers to adopters", Path: "README.md", Line: 1}},
		{name: "word in prose only", check: "adopters", files: map[string]string{"README.md": "Many adopters use it.\n"},
			want: outcome{Score: 0, Reason: noRef("adopters*, users*", "adopters")}},
		{name: "only in docs", check: "adopters", files: map[string]string{"docs/ADOPTERS.md": "x"},
			want: outcome{Score: 0, Reason: noRef("adopters*, users*", "adopters")}},
		{name: "file", check: "changelog", files: map[string]string{"CHANGELOG.md": "x"},
			want: outcome{Score: 10, Reason: "CHANGELOG.md found", Path: "CHANGELOG.md"}},
		{name: "none", check: "changelog", files: map[string]string{"NEWS": "x"},
			want: outcome{Score: 0, Reason: noRef("changelog*", "changelog")}},
		{name: ".github", check: "code_of_conduct", files: map[string]string{".github/CODE_OF_CONDUCT.md": "x"},
			want: outcome{Score: 10, Reason: ".github/CODE_OF_CONDUCT.md found", Path: ".github/CODE_OF_CONDUCT.md"}},
		{name: "docs dashes", check: "code_of_conduct", files: map[string]string{"docs/code-of-conduct.md": "x"},
			want: outcome{Score: 10, Reason: "docs/code-of-conduct.md found", Path: "docs/code-of-conduct.md"}},
		{name: "directory names match with case", check: "code_of_conduct", files: map[string]string{"Docs/CODE_OF_CONDUCT.md": "x"},
			want: outcome{Score: 0, Reason: noRef("code*of*conduct*, .github/code*of*conduct*, docs/code*of*conduct*", "code of conduct")}},
		{name: "docs", check: "contributing", files: map[string]string{"docs/CONTRIBUTING.md": "x"},
			want: outcome{Score: 10, Reason: "docs/CONTRIBUTING.md found", Path: "docs/CONTRIBUTING.md"}},
		{name: "readme heading", check: "contributing", files: map[string]string{"README.md": "## Contributing\n"},
			want: outcome{Score: 10, Reason: "README.md refers to contributing", Path: "README.md", Line: 1}},
		{name: "file", check: "governance", files: map[string]string{"GOVERNANCE.md": "x"},
			want: outcome{Score: 10, Reason: "GOVERNANCE.md found", Path: "GOVERNANCE.md"}},
		{name: "not looked for in .github", check: "governance", files: map[string]string{".github/GOVERNANCE.md": "x"},
			want: outcome{Score: 0, Reason: noRef("governance*, docs/governance*", "governance")}},
		{name: "codeowners", check: "maintainers", files: map[string]string{".github/CODEOWNERS": "* @a"},
			want: outcome{Score: 10, Reason: ".github/CODEOWNERS found", Path: ".github/CODEOWNERS"}},
		{name: "owners", check: "maintainers", files: map[string]string{"OWNERS": "approvers: [a]"},
			want: outcome{Score: 10, Reason: "OWNERS found", Path: "OWNERS"}},
		{name: "maintainers in .github not looked for", check: "maintainers", files: map[string]string{".github/MAINTAINERS": "a"},
			want: outcome{Score: 0, Reason: noRef("maintainers*, docs/maintainers*, owners*, docs/owners*, codeowners*, .github/codeowners*, docs/codeowners*", "maintainers")}},
		{name: "root", check: "readme", files: map[string]string{"README.md": "x"},
			want: outcome{Score: 10, Reason: "README.md found", Path: "README.md"}},
		{name: "docs", check: "readme", files: map[string]string{"docs/README.md": "x"},
			want: outcome{Score: 10, Reason: "docs/README.md found", Path: "docs/README.md"}},
		{name: "case matters", check: "readme", files: map[string]string{"Readme.md": "x", "readme.txt": "y"},
			want: outcome{Score: 0, Reason: "no README*, .github/README* or docs/README* (names match with case)",
				Path: ""}},
		{name: "file", check: "roadmap", files: map[string]string{"roadmap.md": "x"},
			want: outcome{Score: 10, Reason: "roadmap.md found", Path: "roadmap.md"}},
		{name: "not available", check: "website", files: map[string]string{"README.md": "x"},
			want: outcome{Score: na, Reason: "needs the forge's repository metadata (its homepage URL)"}},
		{name: "not available", check: "summary_table", files: map[string]string{"README.md": "x"},
			want: outcome{Score: na, Reason: "needs the project's CNCF landscape entry"}},
	})
}

func TestLicenseChecks(t *testing.T) {
	runCheckCases(t, []checkCase{
		{name: "apache with go appendix", check: "license_spdx_id", files: map[string]string{"LICENSE": "testdata:licenses/Apache-2.0"},
			want: outcome{Score: 10, Reason: "LICENSE is Apache-2.0 AND BSD-3-Clause", Path: "LICENSE"}},
		{name: "copying", check: "license_spdx_id", files: map[string]string{"COPYING": "testdata:licenses/GPL-3.0"},
			want: outcome{Score: 10, Reason: "COPYING is GPL-3.0-only", Path: "COPYING"}},
		{name: "name matches with case", check: "license_spdx_id", files: map[string]string{"license": "testdata:licenses/MIT"},
			want: outcome{Score: 0, Reason: "no LICENSE* or COPYING* file at the root (names match with case)"}},
		{name: "not a license", check: "license_spdx_id", files: map[string]string{"LICENSE.txt": "All rights reserved by nobody in particular.\n"},
			want: outcome{Score: 0, Reason: "no license file identified with an SPDX id", Path: "LICENSE.txt"}},
		{name: "second file identified", check: "license_spdx_id", files: map[string]string{
			"LICENSE": "see COPYING\n", "COPYING": "testdata:licenses/MIT"},
			want: outcome{Score: 10, Reason: "COPYING is MIT", Path: "COPYING"}},
		{name: "mit", check: "license_approved", files: map[string]string{"LICENSE": "testdata:licenses/MIT"},
			want: outcome{Score: 10, Reason: "MIT is approved", Path: "LICENSE"}},
		{name: "apache and bsd", check: "license_approved", files: map[string]string{"LICENSE": "testdata:licenses/Apache-2.0"},
			want: outcome{Score: 10, Reason: "Apache-2.0 AND BSD-3-Clause is approved", Path: "LICENSE"}},
		{name: "gpl", check: "license_approved", files: map[string]string{"COPYING": "testdata:licenses/GPL-3.0"},
			want: outcome{Score: 0, Reason: "GPL-3.0-only is not approved", Path: "COPYING"}},
		{name: "gpl allowed by the options", check: "license_approved", files: map[string]string{"COPYING": "testdata:licenses/GPL-3.0"},
			opts: Options{Approved: []string{"gpl-3.0-only"}},
			want: outcome{Score: 10, Reason: "GPL-3.0-only is approved", Path: "COPYING"}},
		{name: "no license", check: "license_approved", files: map[string]string{"README.md": "x"},
			want: outcome{Score: 0, Reason: "no LICENSE* or COPYING* file at the root (names match with case)"}},
		{name: "fossa badge", check: "license_scanning", files: map[string]string{"README.md": "testdata:readme/otel-badges.md"},
			want: outcome{Score: 10, Reason: "README.md links to https://app.fossa.com/projects/custom%2B162%2Fgithub.com%2Fopen-telemetry%2Fopentelemetry-go?ref=badge_shield&issueType=license",
				Path: "README.md", Line: 9}},
		{name: "snyk badge", check: "license_scanning", files: map[string]string{"README.md": "[![Known Vulnerabilities](https://snyk.io/test/github/acme/tool/badge.svg)](https://snyk.io/test/github/acme/tool)\n"},
			want: outcome{Score: 10, Reason: "README.md links to https://snyk.io/test/github/acme/tool", Path: "README.md", Line: 1}},
		{name: "metadata url", check: "license_scanning", files: map[string]string{".clomonitor.yml": "testdata:clomonitor/cert-manager.yml"},
			want: outcome{Score: 10, Reason: ".clomonitor.yml names https://github.com/cert-manager/cert-manager/blob/master/LICENSES", Path: ".clomonitor.yml"}},
		{name: "none", check: "license_scanning", files: map[string]string{"README.md": "x"},
			want: outcome{Score: 0, Reason: "the README has no FOSSA or Snyk license scanning link"}},
	})
}

func TestBestPracticeChecks(t *testing.T) {
	signed := func(n int, start int) []commit {
		var cs []commit
		for i := range n {
			cs = append(cs, commit{when: daysBefore(start - i), signed: true})
		}
		return cs
	}
	runCheckCases(t, []checkCase{
		{name: "badge", check: "artifacthub_badge", files: map[string]string{"README.md": `[![Artifact HUB](https://img.shields.io/endpoint?url=https://artifacthub.io/badge/repository/x)](https://artifacthub.io/packages/helm/acme/tool)`},
			want: outcome{Score: 10, Reason: "README.md links to https://artifacthub.io/packages/helm/acme/tool", Path: "README.md", Line: 1}},
		{name: "openssf badge", check: "openssf_badge", files: map[string]string{"README.md": "testdata:readme/otel-badges.md"},
			want: outcome{Score: 10, Reason: "README.md links to https://www.bestpractices.dev/projects/9996", Path: "README.md", Line: 7}},
		{name: "legacy openssf badge", check: "openssf_badge", files: map[string]string{"docs/README.md": "(https://bestpractices.coreinfrastructure.org/projects/42/badge)"},
			want: outcome{Score: 10, Reason: "docs/README.md links to https://bestpractices.coreinfrastructure.org/projects/42", Path: "docs/README.md", Line: 1}},
		{name: "scorecard badge", check: "openssf_scorecard_badge", files: map[string]string{"README.md": "testdata:readme/otel-badges.md"},
			want: outcome{Score: 10, Reason: "README.md links to https://api.scorecard.dev/projects/github.com/open-telemetry/opentelemetry-go", Path: "README.md", Line: 6}},
		{name: "no badge", check: "openssf_scorecard_badge", files: map[string]string{"README.md": "x"},
			want: outcome{Score: 0, Reason: "the README has no OpenSSF Scorecard badge"}},
		{name: "cncf slack", check: "slack_presence", files: map[string]string{"README.md": "testdata:readme/otel-badges.md"},
			want: outcome{Score: 10, Reason: "README.md mentions a CNCF or Kubernetes Slack link", Path: "README.md", Line: 10}},
		{name: "weekly meeting", check: "community_meeting", files: map[string]string{"README.md": "Join our weekly meeting on Tuesdays.\n"},
			want: outcome{Score: 10, Reason: "README.md mentions community meetings", Path: "README.md", Line: 1}},
		{name: "meetings heading", check: "community_meeting", files: map[string]string{"README.md": "# Tool\n### Meetings\n"},
			want: outcome{Score: 10, Reason: "README.md mentions community meetings", Path: "README.md", Line: 2}},
		{name: "no meeting", check: "community_meeting", files: map[string]string{"README.md": "We meet rarely.\n"},
			want: outcome{Score: 0, Reason: "the README does not mention community meetings"}},
		{name: "google cla", check: "cla", files: map[string]string{"CONTRIBUTING.md": "testdata:contributing/google-cla.go-cmp.md"},
			want: outcome{Score: 10, Reason: "contributors are asked to sign a CLA (Google CLA)", Path: "CONTRIBUTING.md", Line: 6}},
		{name: "no cla", check: "cla", files: map[string]string{"CONTRIBUTING.md": "Send a pull request.\n"},
			want: outcome{Score: 0, Reason: "no sign of a Contributor License Agreement in the contributing guides, agreement files, CLA bot configuration or workflows"}},
		{name: "all signed", check: "dco", files: map[string]string{"README.md": "x"}, commits: signed(3, 30),
			want: outcome{Score: 10, Reason: "the last 3 non-merge commits are all signed off", Path: "git log"}},
		{name: "one unsigned", check: "dco", files: map[string]string{"README.md": "x"},
			commits: append(signed(2, 30), commit{when: daysBefore(1), msg: "quick fix"}),
			want:    outcome{Score: 0, Reason: "1 of the last 3 non-merge commits are not signed off", Path: "git log"}},
		{name: "unsigned merge ignored", check: "dco", files: map[string]string{"README.md": "x"},
			commits: append(signed(2, 30), commit{when: daysBefore(1), msg: "Merge branch 'side'", merge: true, files: map[string]string{"b.txt": "b"}}),
			want:    outcome{Score: 10, Reason: "the last 3 non-merge commits are all signed off", Path: "git log"}},
		{name: "only the last 20 count", check: "dco", files: map[string]string{"README.md": "x"},
			commits: append([]commit{{when: daysBefore(200), msg: "old unsigned"}}, signed(20, 100)...),
			want:    outcome{Score: 10, Reason: "the last 20 non-merge commits are all signed off", Path: "git log"}},
		{name: "not a clone", check: "dco", files: map[string]string{"README.md": "x"},
			want: outcome{Score: na, Reason: "no history to read: the directory is not a git clone"}},
		{name: "recent tag", check: "recent_release", files: map[string]string{"README.md": "x"},
			commits: []commit{{when: daysBefore(100), tag: "v1.0.0"}},
			want:    outcome{Score: 10, Reason: "tag v1.0.0 is less than a year old"}},
		{name: "old tag", check: "recent_release", files: map[string]string{"README.md": "x"},
			commits: []commit{{when: daysBefore(400), tag: "v0.9.0"}, {when: daysBefore(10)}},
			want:    outcome{Score: 0, Reason: "the newest tag, v0.9.0, is more than a year old"}},
		{name: "annotated tag dated by its tagger", check: "recent_release", files: map[string]string{"README.md": "x"},
			commits: []commit{{when: daysBefore(700), tag: "v2.0.0", tagWhen: daysBefore(5)}},
			want:    outcome{Score: 10, Reason: "tag v2.0.0 is less than a year old"}},
		{name: "newest of several", check: "recent_release", files: map[string]string{"README.md": "x"},
			commits: []commit{{when: daysBefore(500), tag: "v1.0.0"}, {when: daysBefore(300), tag: "v1.1.0"}, {when: daysBefore(380), tagWhen: daysBefore(390), tag: "v0.1.0"}},
			want:    outcome{Score: 10, Reason: "tag v1.1.0 is less than a year old"}},
		{name: "no tags", check: "recent_release", files: map[string]string{"README.md": "x"},
			commits: []commit{{when: daysBefore(3)}},
			want:    outcome{Score: 0, Reason: "the repository has no dated tag (a tag stands in for a forge release)"}},
		{name: "not a clone", check: "recent_release", files: map[string]string{"README.md": "x"},
			want: outcome{Score: na, Reason: "no tags to read: the directory is not a git clone"}},
		{name: "not available", check: "github_discussions", files: map[string]string{"README.md": "x"},
			want: outcome{Score: na, Reason: "needs the forge's discussions API"}},
		{name: "not available", check: "analytics", files: map[string]string{"README.md": "x"},
			want: outcome{Score: na, Reason: "needs the project website"}},
	})
}

func TestSecurityChecks(t *testing.T) {
	const otelPolicy = "https://github.com/open-telemetry/opentelemetry-go/blob/69e81088ad40f45a0764597326722dea8f3f00a8/CONTRIBUTING.md"
	runCheckCases(t, []checkCase{
		{name: "file", check: "security_policy", files: map[string]string{"SECURITY.md": "x"},
			want: outcome{Score: 10, Reason: "SECURITY.md found", Path: "SECURITY.md"}},
		{name: "a directory matches as for CLOMonitor", check: "security_policy", files: map[string]string{"security/": ""},
			want: outcome{Score: 10, Reason: "security found", Path: "security"}},
		{name: "readme section", check: "security_policy", files: map[string]string{"README.md": "## Reporting security issues\n"},
			want: outcome{Score: 10, Reason: "README.md refers to security", Path: "README.md", Line: 1}},
		{name: "readme section", check: "sbom", files: map[string]string{"README.md": "# Tool\n\n## Software Bill of Materials\n"},
			want: outcome{Score: 10, Reason: "README.md has an SBOM section", Path: "README.md", Line: 3}},
		{name: "spdx file in docs", check: "sbom", files: map[string]string{"docs/tool.spdx.json": "{}"},
			want: outcome{Score: 10, Reason: "docs/tool.spdx.json found", Path: "docs/tool.spdx.json"}},
		{name: "bom.json", check: "sbom", files: map[string]string{"bom.json": "{}"},
			want: outcome{Score: 10, Reason: "bom.json found", Path: "bom.json"}},
		{name: "none", check: "sbom", files: map[string]string{"README.md": "SBOMs are nice.\n"},
			want: outcome{Score: 0, Reason: "no SBOM file (*.cdx.json, *.spdx.json, bom.json, sbom*) and no README section about the SBOM"}},
		{name: "v1 at the root", check: "security_insights", files: map[string]string{"security-insights.yml": "testdata:insights/v1-otel.yml"},
			want: outcome{Score: 10, Reason: "security-insights.yml is a valid version 1 manifest", Path: "security-insights.yml"}},
		{name: "v1 at the root", check: "dependencies_policy", files: map[string]string{"security-insights.yml": "testdata:insights/v1-otel.yml"},
			want: outcome{Score: 10, Reason: "the dependency policy is " + otelPolicy, Path: "security-insights.yml"}},
		{name: "v2 without a policy", check: "dependencies_policy", files: map[string]string{".github/security-insights.yml": "testdata:insights/v2-scorecard.yml"},
			want: outcome{Score: 0, Reason: ".github/security-insights.yml links to no dependency policy", Path: ".github/security-insights.yml"}},
		{name: "v2 wins over an earlier v1", check: "dependencies_policy", files: map[string]string{
			"security-insights.yml": "testdata:insights/v1-etcd.yml", "SECURITY-INSIGHTS.yml": "testdata:insights/v2-scorecard-policy.yml"},
			want: outcome{Score: 10, Reason: "the dependency policy is https://github.com/ossf/scorecard/blob/main/docs/dependency-policy.md", Path: "SECURITY-INSIGHTS.yml"}},
		{name: "later v2 wins over an invalid v1", check: "security_insights", files: map[string]string{
			"security-insights.yml": "testdata:insights/v2-spec-repo.yml", ".github/security-insights.yml": "testdata:insights/v2-scorecard.yml"},
			want: outcome{Score: 10, Reason: ".github/security-insights.yml is a valid version 2 manifest", Path: ".github/security-insights.yml"}},
		{name: "first v1 kept", check: "dependencies_policy", files: map[string]string{
			"security-insights.yml": "testdata:insights/v1-etcd.yml", "SECURITY-INSIGHTS.yml": "testdata:insights/v1-otel.yml"},
			want: outcome{Score: 0, Reason: "security-insights.yml links to no dependency policy", Path: "security-insights.yml"}},
		{name: "invalid v2 fails", check: "security_insights", files: map[string]string{".github/security-insights.yml": "testdata:insights/v2-otel-go.yml"},
			want: outcome{Score: 0, Path: ".github/security-insights.yml",
				Reason: ".github/security-insights.yml: invalid security insights manifest: header.url is missing; repository.core-team[0].primary is missing; " +
					"repository.core-team[1].primary is missing; repository.core-team[2].primary is missing; repository.core-team[3].primary is missing; " +
					"repository.core-team[4].primary is missing; repository.security is missing"}},
		{name: "broken yaml fails", check: "dependencies_policy", files: map[string]string{"SECURITY-INSIGHTS.yml": "testdata:insights/v1-spec-broken.yml"},
			want: outcome{Score: 0, Path: "SECURITY-INSIGHTS.yml",
				Reason: "SECURITY-INSIGHTS.yml: invalid security insights manifest: yaml: line 2: mapping values are not allowed in this context"}},
		{name: "name matches with case", check: "security_insights", files: map[string]string{"Security-Insights.yml": "testdata:insights/v1-otel.yml"},
			want: outcome{Score: 0, Reason: "no Security Insights manifest (security-insights.yml, .github/security-insights.yml, SECURITY-INSIGHTS.yml)"}},
	})
}

func TestSecurityInsightsSymlinkIgnored(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"si.yml": "testdata:insights/v1-otel.yml"})
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "si.yml"), filepath.Join(dir, "security-insights.yml")); err != nil {
		t.Skip("symbolic links unsupported:", err)
	}
	rep, err := Check(t.Context(), dir, Options{Now: testNow, Identifier: testID})
	if err != nil {
		t.Fatal(err)
	}
	got := outcomeOf(checkOf(t, rep, "security_insights"))
	want := outcome{Score: 0, Reason: "no Security Insights manifest (security-insights.yml, .github/security-insights.yml, SECURITY-INSIGHTS.yml)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestScorecardChecks(t *testing.T) {
	sc := &result.Repo{Source: "ospo", Checks: []result.Check{
		{Name: "Binary-Artifacts", Score: 10, Reason: "no binaries found in the repo", Exact: true},
		{Name: "Code-Review", Score: 4, Reason: "found 4/10 approved changesets"},
		{Name: "Signed-Releases", Score: 1, Reason: "1 out of 5 artifacts are signed", Exact: true},
		{Name: "Maintained", Score: result.Inconclusive, Reason: "needs the forge"},
		{Name: "token_permissions", Score: 5, Reason: "some write permissions", Exact: true},
	}}
	type got struct {
		Score float64
		Exact bool
		Msg   string
	}
	want := map[string]got{
		"binary_artifacts":       {10, true, "Scorecard Binary-Artifacts scored 10 (passes at 5 or more): no binaries found in the repo"},
		"code_review":            {0, false, "Scorecard Code-Review scored 4 (passes at 5 or more): found 4/10 approved changesets"},
		"signed_releases":        {10, true, "Scorecard Signed-Releases scored 1 (passes at 1 or more): 1 out of 5 artifacts are signed"},
		"maintained":             {na, false, "Scorecard could not decide Maintained: needs the forge"},
		"token_permissions":      {10, true, "Scorecard Token-Permissions scored 5 (passes at 5 or more): some write permissions"},
		"dangerous_workflow":     {na, false, "the Scorecard result has no Dangerous-Workflow check"},
		"dependency_update_tool": {na, false, "the Scorecard result has no Dependency-Update-Tool check"},
	}
	rep := Evaluate(Facts{}, Options{Now: testNow, Scorecard: sc})
	for id, w := range want {
		c := checkOf(t, rep, id)
		g := got{c.Score, c.Exact, c.Findings[0].Message}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", id, diff)
		}
	}
	rep = Evaluate(Facts{}, Options{Now: testNow})
	for id := range want {
		if c := checkOf(t, rep, id); c.Score != na || c.Reason != "OpenSSF Scorecard results were not given" {
			t.Errorf("%s without Scorecard = %v %q, want not available", id, c.Score, c.Reason)
		}
	}
}

func TestInformationalChecks(t *testing.T) {
	runCheckCases(t, []checkCase{
		{name: ".github", check: "support-file-exists", files: map[string]string{".github/SUPPORT.md": "x"},
			want: outcome{Score: 10, Reason: ".github/SUPPORT.md found", Path: ".github/SUPPORT.md"}},
		{name: "none", check: "support-file-exists", files: map[string]string{"README.md": "x"},
			want: outcome{Score: 0, Reason: "no SUPPORT file at the root, in .github/ or in docs/"}},
		{name: "license section", check: "readme-references-license", files: map[string]string{"README.md": "# Tool\n\n## License\n\nMIT\n"},
			want: outcome{Score: 10, Reason: "README.md mentions the license", Path: "README.md", Line: 3}},
		{name: "docs readme does not count", check: "readme-references-license", files: map[string]string{"docs/README.md": "License: MIT"},
			want: outcome{Score: 0, Reason: "no README at the root"}},
		{name: "no mention", check: "readme-references-license", files: map[string]string{"README.md": "# Tool\n"},
			want: outcome{Score: 0, Reason: "the README does not mention the license"}},
		{name: "exe and DLL", check: "binaries-not-present", files: map[string]string{
			"bin/tool.exe": "MZ", "lib/X.DLL": "MZ", "node_modules/a/b.dll": "MZ", "vendor/c/d.exe": "MZ", "x/vendor/e.dll": "MZ"},
			want: outcome{Score: 0, Reason: "2 *.exe or *.dll files are committed", Path: "bin/tool.exe"}},
		{name: "only in skipped trees", check: "binaries-not-present", files: map[string]string{"node_modules/a/b.dll": "MZ", "vendor/c/d.exe": "MZ"},
			want: outcome{Score: 10, Reason: "no *.exe or *.dll files"}},
	})
}

// TestCatalog keeps the catalog, its texts and CLOMonitor's weights in
// step.
func TestCatalog(t *testing.T) {
	defs, err := definitions()
	if err != nil {
		t.Fatal(err)
	}
	weights := map[string]int{}
	seen := map[string]bool{}
	for _, d := range defs {
		if seen[d.ID] {
			t.Errorf("%s listed twice", d.ID)
		}
		seen[d.ID] = true
		if d.Description == "" || d.Remediation == "" {
			t.Errorf("%s has no description or remediation", d.ID)
		}
		if d.eval == nil {
			t.Errorf("%s has no evaluation", d.ID)
		}
		if !d.Informational() && len(d.Sets) == 0 {
			t.Errorf("%s belongs to no set", d.ID)
		}
		weights[d.Section] += d.Weight
	}
	// The sums of CLOMonitor's weights per section, from its check
	// definitions.
	want := map[string]int{SectionDocumentation: 30, SectionLicense: 20, SectionBestPractices: 19,
		SectionSecurity: 22, SectionLegal: 5, SectionInformational: 0}
	if diff := cmp.Diff(want, weights); diff != "" {
		t.Errorf("section weights (-want +got):\n%s", diff)
	}
	var texts map[string]checkText
	if err := yaml.Unmarshal(checksYAML, &texts); err != nil {
		t.Fatal(err)
	}
	for id := range texts {
		if !seen[id] {
			t.Errorf("checks.yml describes %s, which is not in the catalog", id)
		}
	}
	if len(defs) != 38 {
		t.Errorf("%d checks, want 38", len(defs))
	}
}

func TestFailingFindingsCarryRemediation(t *testing.T) {
	rep := Evaluate(Facts{}, Options{Now: testNow})
	c := checkOf(t, rep, "readme")
	if len(c.Findings) != 1 || c.Findings[0].Outcome != result.False ||
		!strings.HasPrefix(c.Findings[0].Remediation, "Add a README.md") {
		t.Errorf("readme findings = %+v", c.Findings)
	}
}

func TestCheckErrors(t *testing.T) {
	if _, err := Check(t.Context(), filepath.Join(t.TempDir(), "missing"), Options{}); err == nil {
		t.Error("no error for a missing directory")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Check(ctx, t.TempDir(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v for a done context, want context.Canceled", err)
	}
}

func TestUnusableFilesAreProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"metadata is a directory", map[string]string{MetadataFile + "/": ""},
			[]string{".clomonitor.yml: cannot read .clomonitor.yml: .clomonitor.yml is not a regular file"}},
		{"metadata is not yaml", map[string]string{MetadataFile: "exemptions: [\n"},
			[]string{".clomonitor.yml: invalid .clomonitor.yml: yaml: line 1: did not find expected node content"}},
		{"template exemption without a reason", map[string]string{MetadataFile: "testdata:clomonitor/template.yml"},
			[]string{".clomonitor.yml: exemption of artifacthub_badge in .clomonitor.yml gives no reason; ignored (a reason is required)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := rate(t, tt.files, nil, Options{})
			var got []string
			for _, p := range rep.Problems {
				got = append(got, p.Path+": "+p.Message)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
