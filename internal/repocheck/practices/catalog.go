package practices

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"

	"go.yaml.in/yaml/v3"

	"ospo/internal/repocheck/result"
)

// Definition is one check: CLOMonitor's identifier, section, weight and
// sets, and how it is judged here.
type Definition struct {
	ID      string   `json:"id"`
	Section string   `json:"section"`
	Weight  int      `json:"weight"`
	Sets    []string `json:"sets,omitempty"`
	// Local is false for a check that needs a forge, a website or the
	// CNCF landscape: it is always reported as not available.
	Local bool `json:"local"`
	// Exact is true when the local judgement is CLOMonitor's whole rule;
	// false when a part of the rule needs the forge and is left out or
	// approximated.
	Exact bool `json:"exact"`
	// Scorecard names the OpenSSF Scorecard check the check is read from.
	Scorecard string `json:"scorecard,omitempty"`
	// Description and Remediation are the embedded texts.
	Description string `json:"description"`
	Remediation string `json:"remediation"`

	eval func(*Facts, *Options) verdict
}

// Informational reports whether the check only informs (repolinter's
// rules): it carries no weight and belongs to no set.
func (d Definition) Informational() bool { return d.Section == SectionInformational }

// status is a check's outcome before exemptions.
type status int

const (
	failed status = iota
	passed
	// unavailable: the check needs what a clone does not have; it is
	// left out of the available weight.
	unavailable
	// errored: the check could not be judged from broken input (an
	// invalid Security Insights manifest); it counts as failed, as
	// CLOMonitor counts a check that failed to run.
	errored
)

type verdict struct {
	status   status
	reason   string
	findings []result.Finding
	// exact overrides the definition's Exact when set (a Scorecard check
	// is exact when the Scorecard result was).
	exact *bool
}

var (
	all  = []string{SetCode, SetCodeLite, SetCommunity, SetDocs}
	code = []string{SetCode}
	comm = []string{SetCommunity}
)

// catalog is every check, in report order. The list is explicit: a
// check exists when it is listed here and described in checks.yml.
func catalog() []Definition {
	defs := []Definition{
		// Documentation.
		{ID: "adopters", Section: SectionDocumentation, Weight: 1, Sets: comm, Local: true, Exact: true, eval: fileOrRef([]string{"adopters*", "users*"}, "adopters")},
		{ID: "changelog", Section: SectionDocumentation, Weight: 1, Sets: code, Local: true, eval: fileOrRef([]string{"changelog*"}, "changelog")},
		{ID: "code_of_conduct", Section: SectionDocumentation, Weight: 2, Sets: comm, Local: true, eval: fileOrRef([]string{"code*of*conduct*", ".github/code*of*conduct*", "docs/code*of*conduct*"}, "code of conduct")},
		{ID: "contributing", Section: SectionDocumentation, Weight: 4, Sets: []string{SetCode, SetCodeLite, SetCommunity}, Local: true, eval: fileOrRef([]string{"contributing*", ".github/contributing*", "docs/contributing*"}, "contributing")},
		{ID: "governance", Section: SectionDocumentation, Weight: 3, Sets: comm, Local: true, Exact: true, eval: fileOrRef([]string{"governance*", "docs/governance*"}, "governance")},
		{ID: "maintainers", Section: SectionDocumentation, Weight: 3, Sets: []string{SetCode, SetCodeLite}, Local: true, Exact: true, eval: fileOrRef([]string{
			"maintainers*", "docs/maintainers*", "owners*", "docs/owners*", "codeowners*", ".github/codeowners*", "docs/codeowners*",
		}, "maintainers")},
		{ID: "readme", Section: SectionDocumentation, Weight: 10, Sets: all, Local: true, Exact: true, eval: evalReadme},
		{ID: "roadmap", Section: SectionDocumentation, Weight: 1, Sets: comm, Local: true, Exact: true, eval: fileOrRef([]string{"roadmap*"}, "roadmap")},
		{ID: "summary_table", Section: SectionDocumentation, Weight: 1, Sets: comm, eval: notLocal("needs the project's CNCF landscape entry")},
		{ID: "website", Section: SectionDocumentation, Weight: 4, Sets: comm, eval: notLocal("needs the forge's repository metadata (its homepage URL)")},
		// License.
		{ID: "license_approved", Section: SectionLicense, Weight: 10, Sets: []string{SetCode, SetCodeLite, SetDocs}, Local: true, eval: evalLicenseApproved},
		{ID: "license_scanning", Section: SectionLicense, Weight: 5, Sets: code, Local: true, Exact: true, eval: evalLicenseScanning},
		{ID: "license_spdx_id", Section: SectionLicense, Weight: 5, Sets: []string{SetCode, SetCodeLite, SetDocs}, Local: true, eval: evalLicenseSPDX},
		// Best practices.
		{ID: "analytics", Section: SectionBestPractices, Weight: 0, Sets: comm, eval: notLocal("needs the project website")},
		{ID: "artifacthub_badge", Section: SectionBestPractices, Weight: 1, Sets: code, Local: true, Exact: true, eval: readmeLink(reArtifactHub, "Artifact Hub link")},
		{ID: "cla", Section: SectionBestPractices, Weight: 1, Sets: []string{SetCode, SetCodeLite}, Local: true, eval: evalCLA},
		{ID: "community_meeting", Section: SectionBestPractices, Weight: 3, Sets: comm, Local: true, Exact: true, eval: readmeText(reCommunityMeeting, "community meetings")},
		{ID: "dco", Section: SectionBestPractices, Weight: 1, Sets: []string{SetCode, SetCodeLite}, Local: true, eval: evalDCO},
		{ID: "github_discussions", Section: SectionBestPractices, Weight: 0, Sets: comm, eval: notLocal("needs the forge's discussions API")},
		{ID: "openssf_badge", Section: SectionBestPractices, Weight: 5, Sets: code, Local: true, Exact: true, eval: readmeLink(reOpenSSFBadge, "OpenSSF Best Practices badge")},
		{ID: "openssf_scorecard_badge", Section: SectionBestPractices, Weight: 5, Sets: code, Local: true, Exact: true, eval: readmeLink(reScorecardBadge, "OpenSSF Scorecard badge")},
		{ID: "recent_release", Section: SectionBestPractices, Weight: 3, Sets: []string{SetCode, SetCodeLite}, Local: true, eval: evalRecentRelease},
		{ID: "slack_presence", Section: SectionBestPractices, Weight: 0, Sets: comm, Local: true, Exact: true, eval: readmeText(reSlack, "a CNCF or Kubernetes Slack link")},
		// Security.
		{ID: "binary_artifacts", Section: SectionSecurity, Weight: 2, Sets: code, Local: true, Scorecard: "Binary-Artifacts"},
		{ID: "code_review", Section: SectionSecurity, Weight: 3, Sets: code, Local: true, Scorecard: "Code-Review"},
		{ID: "dangerous_workflow", Section: SectionSecurity, Weight: 2, Sets: code, Local: true, Scorecard: "Dangerous-Workflow"},
		{ID: "dependencies_policy", Section: SectionSecurity, Weight: 2, Sets: code, Local: true, Exact: true, eval: evalDependenciesPolicy},
		{ID: "dependency_update_tool", Section: SectionSecurity, Weight: 2, Sets: code, Local: true, Scorecard: "Dependency-Update-Tool"},
		{ID: "maintained", Section: SectionSecurity, Weight: 3, Sets: code, Local: true, Scorecard: "Maintained"},
		{ID: "sbom", Section: SectionSecurity, Weight: 1, Sets: code, Local: true, eval: evalSBOM},
		{ID: "security_insights", Section: SectionSecurity, Weight: 1, Sets: code, Local: true, Exact: true, eval: evalSecurityInsights},
		{ID: "security_policy", Section: SectionSecurity, Weight: 3, Sets: []string{SetCode, SetCommunity}, Local: true, eval: fileOrRef([]string{"security*", ".github/security*", "docs/security*"}, "security")},
		{ID: "signed_releases", Section: SectionSecurity, Weight: 2, Sets: code, Local: true, Scorecard: "Signed-Releases"},
		{ID: "token_permissions", Section: SectionSecurity, Weight: 1, Sets: code, Local: true, Scorecard: "Token-Permissions"},
		// Legal.
		{ID: "trademark_disclaimer", Section: SectionLegal, Weight: 5, Sets: comm, eval: notLocal("needs the project website")},
		// Informational: repolinter's default rules that CLOMonitor has no
		// counterpart for.
		{ID: "support-file-exists", Section: SectionInformational, Local: true, Exact: true, eval: evalSupportFile},
		{ID: "readme-references-license", Section: SectionInformational, Local: true, Exact: true, eval: evalReadmeLicense},
		{ID: "binaries-not-present", Section: SectionInformational, Local: true, Exact: true, eval: evalBinaries},
	}
	for i := range defs {
		if defs[i].Scorecard != "" {
			defs[i].eval = scorecardCheck(defs[i].Scorecard)
		}
	}
	return defs
}

//go:embed checks.yml
var checksYAML []byte

type checkText struct {
	Description string `yaml:"description"`
	Remediation string `yaml:"remediation"`
}

// definitions is the catalog with its texts, built once: the texts are
// part of the binary and do not change.
var definitions = sync.OnceValues(func() ([]Definition, error) {
	var texts map[string]checkText
	if err := yaml.Unmarshal(checksYAML, &texts); err != nil {
		return nil, fmt.Errorf("checks.yml: %w", err)
	}
	defs := catalog()
	for i := range defs {
		t, ok := texts[defs[i].ID]
		if !ok {
			return nil, fmt.Errorf("checks.yml: no text for %s", defs[i].ID)
		}
		defs[i].Description, defs[i].Remediation = t.Description, t.Remediation
	}
	return defs, nil
})

// Definitions returns every check, in report order.
func Definitions() []Definition {
	defs, err := definitions()
	if err != nil {
		// The embedded file is tested; only a broken build gets here.
		return catalog()
	}
	return slices.Clone(defs)
}

// inSets reports whether a check belongs to one of sets.
func (d Definition) inSets(sets []string) bool {
	if d.Informational() {
		return true
	}
	for _, s := range d.Sets {
		if slices.Contains(sets, s) {
			return true
		}
	}
	return false
}
