package repocheck

import "ospo/internal/repocheck/result"

// finding is a probe's answer with the values its check's scoring reads,
// as Scorecard's findings carry values beside their message.
type finding struct {
	result.Finding
	values map[string]string
}

func newFinding(probe string, o result.Outcome, msg string) finding {
	return finding{Finding: result.Finding{Probe: probe, Outcome: o, Message: msg}}
}

func (f finding) at(path string, line int) finding {
	f.Path, f.Line = path, line
	return f
}

func (f finding) with(kv ...string) finding {
	if f.values == nil {
		f.values = map[string]string{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		f.values[kv[i]] = kv[i+1]
	}
	return f
}

// ProbeDoc is a probe's embedded documentation.
type ProbeDoc struct {
	Name        string `json:"name"`
	Check       string `json:"check"`
	Description string `json:"description"`
	Motivation  string `json:"motivation"`
	Remediation string `json:"remediation"`
}

// Every probe answers True when the repository does what is wanted, so a
// False finding is always the one to act on (and a "Warn" detail line).
const (
	probeNoBinaries          = "freeOfUnverifiedBinaryArtifacts"
	probeNoUntrustedCheckout = "workflowFreeOfUntrustedCheckout"
	probeNoScriptInjection   = "workflowFreeOfScriptInjection"
	probeUpdateTool          = "dependencyUpdateToolConfigured"
	probeFuzzed              = "fuzzed"
	probeLicenseFile         = "hasLicenseFile"
	probeLicenseApproved     = "hasFSFOrOSIApprovedLicense"
	probePackaged            = "packagedWithAutomatedWorkflow"
	probePinned              = "pinsDependencies"
	probeSASTTool            = "sastToolConfigured"
	probePolicyPresent       = "securityPolicyPresent"
	probePolicyLinks         = "securityPolicyContainsLinks"
	probePolicyText          = "securityPolicyContainsText"
	probePolicyDisclosure    = "securityPolicyContainsVulnerabilityDisclosure"
	probeTopPermissions      = "topLevelPermissionsReadOnly"
	probeJobPermissions      = "jobLevelPermissionsReadOnly"
	probeNoVulns             = "hasNoKnownVulnerabilities"
	probeRecentCommits       = "hasRecentCommits"
	probeNotNew              = "notCreatedRecently"
	probeNotArchived         = "notArchived"
	probeContributorOrgs     = "contributorsFromOrgOrCompany"
	probeReviewed            = "changesetReviewed"
	probeTagSigned           = "releaseTagSigned"
	probeProvenance          = "releasesHaveProvenance"
	probeTestsInCI           = "testsRunInCI"
)

// probeDocs are the probes' texts, written for this package.
var probeDocs = []ProbeDoc{
	{probeNoBinaries, checkBinaryArtifacts,
		"The tree holds no executable or compiled file (native executables and libraries, Java classes and archives, Python bytecode, WebAssembly, packages).",
		"A binary in a source tree cannot be reviewed; it can carry code nobody read, and it is rebuilt by nobody.",
		"Remove the binary and build it from source in the build; keep a Gradle wrapper only with the wrapper-validation action in a workflow."},
	{probeNoUntrustedCheckout, checkDangerousWorkflow,
		"No workflow triggered by pull_request_target or workflow_run checks out the pull request's code.",
		"Those triggers run with the repository's secrets and a writable token; running a stranger's code there hands both to the stranger.",
		"Use the pull_request trigger to build untrusted code, or check out only the base branch under pull_request_target."},
	{probeNoScriptInjection, checkDangerousWorkflow,
		"No run step expands an attacker-controlled context (issue or pull request titles and bodies, comments, commit messages, head branch names) into its script.",
		"An expression is pasted into the script before the shell sees it, so a crafted title becomes a command.",
		"Pass the value through an environment variable (env: TITLE: ${{ github.event.issue.title }}) and quote \"$TITLE\" in the script."},
	{probeUpdateTool, checkDependencyUpdateTool,
		"A dependency-update tool is configured (Dependabot, Renovate, PyUp, Scala Steward) or its commits are in the history.",
		"Dependencies that are updated by a bot get security fixes in days rather than at the next manual sweep.",
		"Add a .github/dependabot.yml or a renovate.json."},
	{probeFuzzed, checkFuzzing,
		"The project has fuzz targets (Go native fuzzing, libFuzzer, Atheris, cargo-fuzz, Jazzer, property-based tests) or a ClusterFuzzLite/CIFuzz set-up.",
		"Fuzzing finds the memory-safety and parsing bugs that attackers look for.",
		"Write fuzz targets for the code that reads untrusted input and run them in CI (ClusterFuzzLite) or OSS-Fuzz."},
	{probeLicenseFile, checkLicense,
		"A license file is at the top of the tree (LICENSE, LICENCE, COPYING, COPYRIGHT, or a LICENSES directory).",
		"Without a license nobody may lawfully use, change or share the code.",
		"Add a LICENSE file with the full text of the project's license."},
	{probeLicenseApproved, checkLicense,
		"The license file's text is a license the OSI approves or the FSF calls free.",
		"Approved licenses are understood by users' legal reviews; a home-made one stalls adoption.",
		"Use an OSI-approved license text, unmodified."},
	{probePackaged, checkPackaging,
		"A workflow publishes the project's packages (npm, PyPI, Maven, Gradle, RubyGems, NuGet, crates.io, container images, GoReleaser, ko).",
		"Packages built by a public workflow can be traced to their source; packages built on a laptop cannot.",
		"Publish releases from a workflow."},
	{probePinned, checkPinnedDependencies,
		"A dependency fetched during the build is pinned by hash: actions by commit, images by digest, package installs from a hash-checked lockfile, no downloaded script run unchecked.",
		"A tag or a version can be moved to different content; a hash cannot.",
		"Pin actions to a full commit SHA, images to @sha256 digests, use npm ci, pip --require-hashes and go install module@vX.Y.Z, and verify downloads before running them."},
	{probeSASTTool, checkSAST,
		"A static analysis tool runs on the code (CodeQL, SonarCloud/SonarQube, Snyk, Pysa, Qodana, Hadolint).",
		"Static analysis catches classes of bugs before review does.",
		"Add a CodeQL or another SAST workflow that runs on every pull request."},
	{probePolicyPresent, checkSecurityPolicy,
		"A security policy file is present (SECURITY.md or .markdown/.adoc/.rst at the top, in .github or docs).",
		"A reporter needs to know where to send a vulnerability privately.",
		"Add a SECURITY.md saying how to report a vulnerability."},
	{probePolicyLinks, checkSecurityPolicy,
		"The security policy gives a way to reach the maintainers: an e-mail address or a link.",
		"A policy without a contact leaves reporters to open public issues.",
		"Put a private contact (an address or a link to a private reporting form) in the policy."},
	{probePolicyText, checkSecurityPolicy,
		"The security policy has text beyond its links.",
		"A bare link says where but not what to send or what to expect.",
		"Describe what to include in a report and what happens next."},
	{probePolicyDisclosure, checkSecurityPolicy,
		"The security policy speaks of vulnerabilities, disclosure or response times.",
		"Reporters want to know the process and its timeline before they wait on it.",
		"State the disclosure process and how many days a response takes."},
	{probeTopPermissions, checkTokenPermissions,
		"A workflow's top-level permissions are declared and read-only.",
		"Without a declaration every job gets the token's default rights, which may include write access to code and packages.",
		"Add permissions: read-all (or contents: read) at the top of the workflow and grant writes per job."},
	{probeJobPermissions, checkTokenPermissions,
		"A job asks for no write permission that could change code, packages, workflows, statuses or security events.",
		"A compromised step in a job with write rights can push code or publish packages.",
		"Grant write scopes only to the jobs that need them, and only the scopes they need."},
	{probeNoVulns, checkVulnerabilities,
		"No dependency has a known vulnerability in the database consulted.",
		"Known vulnerabilities are the ones attackers try first.",
		"Upgrade the affected dependencies to a fixed version."},
	{probeRecentCommits, checkMaintained,
		"Commits landed in the last 90 days (from the clone's history).",
		"An inactive project does not fix what is reported to it.",
		"Keep the project maintained, or say in the README that it is not."},
	{probeNotNew, checkMaintained,
		"The history starts more than 90 days ago.",
		"A brand-new repository has no track record; look at it closely.",
		"Nothing to do but wait."},
	{probeNotArchived, checkMaintained,
		"The repository is not archived. A clone does not say: archiving is a forge setting.",
		"An archived project receives no fixes.",
		"Check the forge."},
	{probeContributorOrgs, checkContributors,
		"Frequent contributors come from several organisations (by the domains of their commit e-mail addresses).",
		"A project carried by several organisations survives the departure of one.",
		"Welcome contributors from other organisations."},
	{probeReviewed, checkCodeReview,
		"A change on the main line shows evidence of review: merged through a forge's pull request, by someone other than its author, or with Reviewed-by, Reviewed-on or Approved-by trailers.",
		"Review is the control that keeps one compromised account from landing code alone.",
		"Require pull requests with an approving review before merging."},
	{probeTagSigned, checkSignedReleases,
		"A release tag is an annotated tag signed with an OpenPGP, SSH or X.509 key.",
		"A signature ties the release to its maintainer's key; anybody can push a tag.",
		"Sign release tags (git tag -s) and publish provenance for release artifacts."},
	{probeProvenance, checkSignedReleases,
		"A release carries provenance (SLSA attestations). Release assets are not part of a clone.",
		"Provenance says how and from what a release was built.",
		"Publish provenance with the slsa-github-generator or the build's attestations."},
	{probeTestsInCI, checkCITests,
		"A CI configuration runs the project's tests.",
		"Tests that run on every change catch regressions before they ship.",
		"Run the test suite in CI on every pull request."},
}

// ProbeDocs returns every probe's documentation.
func ProbeDocs() []ProbeDoc { return append([]ProbeDoc(nil), probeDocs...) }

func probeDocOf(name string) (ProbeDoc, bool) {
	for _, d := range probeDocs {
		if d.Name == name {
			return d, true
		}
	}
	return ProbeDoc{}, false
}
