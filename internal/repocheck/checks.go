package repocheck

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"ospo/internal/license"
	R "ospo/internal/repocheck/result"
	"ospo/internal/vuln"
)

// Options tune a check run.
type Options struct {
	// Vulns is where known vulnerabilities are looked up; nil leaves the
	// Vulnerabilities check inconclusive.
	Vulns vuln.Source
	// ContributorOrgs maps e-mail domains to organisations for the
	// Contributors check (see LoadContributorOrgs); an empty organisation
	// marks a domain that says nothing of an employer.
	ContributorOrgs map[string]string
	// Now is the moment the checks judge at; zero means the current time.
	Now time.Time
	// Checks limits the run to the named checks; empty runs them all.
	Checks []string
	// Name is the repository's name in the result; "" uses the
	// directory's name.
	Name string
	// HistoryLimit bounds the commits read; 0 means 1000.
	HistoryLimit int
	// Identifier identifies license texts; nil makes one.
	Identifier *license.Identifier
}

func (o Options) identifier() *license.Identifier {
	if o.Identifier != nil {
		return o.Identifier
	}
	return license.NewIdentifier()
}

// wants reports whether the named check is to run.
func (o Options) wants(name string) bool {
	return len(o.Checks) == 0 || slices.ContainsFunc(o.Checks, func(c string) bool { return strings.EqualFold(c, name) })
}

// The checks, named as Scorecard names them.
const (
	checkBinaryArtifacts      = "Binary-Artifacts"
	checkCITests              = "CI-Tests"
	checkCodeReview           = "Code-Review"
	checkContributors         = "Contributors"
	checkDangerousWorkflow    = "Dangerous-Workflow"
	checkDependencyUpdateTool = "Dependency-Update-Tool"
	checkFuzzing              = "Fuzzing"
	checkLicense              = "License"
	checkMaintained           = "Maintained"
	checkPackaging            = "Packaging"
	checkPinnedDependencies   = "Pinned-Dependencies"
	checkSAST                 = "SAST"
	checkSecurityPolicy       = "Security-Policy"
	checkSignedReleases       = "Signed-Releases"
	checkTokenPermissions     = "Token-Permissions"
	checkVulnerabilities      = "Vulnerabilities"
)

// Risk classes and their weights in the aggregate score.
const (
	RiskCritical = "Critical"
	RiskHigh     = "High"
	RiskMedium   = "Medium"
	RiskLow      = "Low"
)

var riskWeights = map[string]float64{RiskCritical: 10, RiskHigh: 7.5, RiskMedium: 5, RiskLow: 2.5}

// checkDef is one check: its probes and its scoring.
type checkDef struct {
	name  string
	risk  string
	short string
	// exact is false for checks that approximate from the clone what
	// Scorecard reads from a forge; note says how.
	exact   bool
	note    string
	history bool // needs the git history
	probe   func(*Facts) []finding
	score   func([]finding) (int, string)
}

// checkDefs is the explicit list of checks, in Scorecard's output order.
func checkDefs() []checkDef {
	return []checkDef{
		{checkBinaryArtifacts, RiskHigh, "Determines if the project has generated executable (binary) artifacts in the source repository.",
			true, "", false, probeBinaryArtifacts, scoreBinaryArtifacts},
		{checkCITests, RiskLow, "Determines if the project runs tests before pull requests are merged.",
			false, "from the CI configuration, not from pull request check runs", false, probeCITests, scoreCITests},
		{checkCodeReview, RiskHigh, "Determines if the project requires human code review before pull requests (aka merge requests) are merged.",
			false, "from git history: forge merges, merges by others, review trailers", true, probeCodeReview, scoreCodeReview},
		{checkContributors, RiskLow, "Determines if the project has a set of contributors from multiple organizations (e.g., companies).",
			false, "organisations from commit e-mail domains", true, probeContributors, scoreContributors},
		{checkDangerousWorkflow, RiskCritical, "Determines if the project's GitHub Action workflows avoid dangerous patterns.",
			true, "", false, probeDangerousWorkflow, scoreDangerousWorkflow},
		{checkDependencyUpdateTool, RiskHigh, "Determines if the project uses a dependency update tool.",
			true, "", false, probeDependencyUpdateTool, scoreDependencyUpdateTool},
		{checkFuzzing, RiskMedium, "Determines if the project uses fuzzing.",
			false, "OSS-Fuzz membership is not looked up offline", false, probeFuzzing, scoreFuzzing},
		{checkLicense, RiskLow, "Determines if the project has defined a license.",
			true, "", false, probeLicense, scoreLicense},
		{checkMaintained, RiskHigh, "Determines if the project is \"actively maintained\".",
			false, "from git history; issue activity and archive status are not in a clone", true, probeMaintained, scoreMaintained},
		{checkPackaging, RiskMedium, "Determines if the project is published as a package that others can easily download, install, easily update, and uninstall.",
			true, "", false, probePackaging, scorePackaging},
		{checkPinnedDependencies, RiskMedium, "Determines if the project has declared and pinned the dependencies of its build process.",
			true, "", false, probePinnedDependencies, scorePinnedDependencies},
		{checkSAST, RiskMedium, "Determines if the project uses static code analysis.",
			false, "from workflows; pull request check runs are not in a clone", false, probeSAST, scoreSAST},
		{checkSecurityPolicy, RiskMedium, "Determines if the project has published a security policy.",
			true, "", false, probeSecurityPolicy, scoreSecurityPolicy},
		{checkSignedReleases, RiskHigh, "Determines if the project cryptographically signs release artifacts.",
			false, "from signed tags; release assets are not in a clone", true, probeSignedReleases, scoreSignedReleases},
		{checkTokenPermissions, RiskHigh, "Determines if the project's workflows follow the principle of least privilege.",
			true, "", false, probeTokenPermissions, scoreTokenPermissions},
		{checkVulnerabilities, RiskHigh, "Determines if the project has open, known unfixed vulnerabilities.",
			true, "", false, probeVulnerabilities, scoreVulnerabilities},
	}
}

// ErrUnknownCheck is returned for a check name that is not in the list.
var ErrUnknownCheck = errors.New("unknown check")

// CheckNames lists the checks Check runs.
func CheckNames() []string {
	var out []string
	for _, d := range checkDefs() {
		out = append(out, d.name)
	}
	return out
}

// docURL is where Scorecard documents a check.
func docURL(name string) string {
	return "https://github.com/ossf/scorecard/blob/main/docs/checks.md#" + strings.ToLower(name)
}

// selected returns the definitions opts asks for.
func selected(opts Options) ([]checkDef, error) {
	all := checkDefs()
	for _, n := range opts.Checks {
		if !slices.ContainsFunc(all, func(d checkDef) bool { return strings.EqualFold(d.name, n) }) {
			return nil, fmt.Errorf("%w: %s (known: %s)", ErrUnknownCheck, n, strings.Join(CheckNames(), ", "))
		}
	}
	var out []checkDef
	for _, d := range all {
		if opts.wants(d.name) {
			out = append(out, d)
		}
	}
	return out, nil
}

// Check runs the checks on the clone in dir.
func Check(ctx context.Context, dir string, opts Options) (*R.Repo, error) {
	defs, err := selected(opts)
	if err != nil {
		return nil, err
	}
	f, err := Collect(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	repo := evaluate(f, defs)
	repo.Name = opts.Name
	if repo.Name == "" {
		repo.Name = filepath.Base(f.Root)
	}
	return repo, nil
}

// Collect gathers the facts the selected checks need: the file tree, the
// bounded history and the vulnerabilities, each read once and side by
// side.
func Collect(ctx context.Context, dir string, opts Options) (*Facts, error) {
	defs, err := selected(opts)
	if err != nil {
		return nil, err
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	f := &Facts{Root: root, Now: now, ContributorOrgs: opts.ContributorOrgs}
	needHistory := slices.ContainsFunc(defs, func(d checkDef) bool { return d.history }) ||
		opts.wants(checkDependencyUpdateTool)
	limit := opts.HistoryLimit
	if limit <= 0 {
		limit = defaultHistoryLimit
	}

	var wg sync.WaitGroup
	var treeErr, vulnErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		treeErr = collectTree(ctx, root, opts, f)
	}()
	var hist *History
	var histErr error
	if needHistory {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hist, histErr = collectHistory(ctx, root, limit)
		}()
	}
	var vf *VulnFacts
	if opts.Vulns != nil && opts.wants(checkVulnerabilities) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vf, vulnErr = collectVulns(ctx, root, opts.Vulns)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if treeErr != nil {
		return nil, treeErr
	}
	if vulnErr != nil {
		return nil, fmt.Errorf("vulnerabilities of %s: %w", dir, vulnErr)
	}
	f.Vulns = vf
	switch {
	case histErr != nil:
		f.HistoryErr = histErr.Error()
	case !needHistory:
		f.HistoryErr = "not read"
	default:
		f.History = hist
	}
	return f, nil
}

// Evaluate runs the named checks (all when none) over facts gathered
// before: pure, so stored facts can be judged again.
func Evaluate(f *Facts, checks ...string) (*R.Repo, error) {
	defs, err := selected(Options{Checks: checks})
	if err != nil {
		return nil, err
	}
	repo := evaluate(f, defs)
	repo.Name = filepath.Base(f.Root)
	return repo, nil
}

// ToolName is what results computed here say computed them.
const ToolName = "ospo repocheck (OpenSSF Scorecard v5 rules)"

func evaluate(f *Facts, defs []checkDef) *R.Repo {
	repo := &R.Repo{Path: f.Root, Date: f.Now.UTC(), Source: "ospo", Tool: ToolName}
	if f.History != nil {
		repo.Commit = f.History.Head
	}
	for _, d := range defs {
		repo.Checks = append(repo.Checks, runCheck(d, f))
	}
	repo.Score = AggregateScore(repo.Checks)
	return repo
}

// runCheck runs one check's probes and scores their findings.
func runCheck(d checkDef, f *Facts) R.Check {
	fs := d.probe(f)
	score, reason := d.score(fs)
	c := R.Check{Name: d.name, Score: float64(score), Risk: d.risk, Reason: reason, Exact: d.exact, DocURL: docURL(d.name)}
	if !d.exact && d.note != "" {
		c.Reason += " (local approximation: " + d.note + ")"
	}
	for _, x := range fs {
		rf := x.Finding
		if rf.Outcome == R.False {
			if doc, ok := probeDocOf(rf.Probe); ok {
				rf.Remediation = doc.Remediation
			}
		}
		c.Findings = append(c.Findings, rf)
	}
	return c
}

// AggregateScore is Scorecard's risk-weighted mean of the conclusive
// checks (exempted ones left out), or Inconclusive when none is.
func AggregateScore(checks []R.Check) float64 {
	var sum, weights float64
	for _, c := range checks {
		w, ok := riskWeights[c.Risk]
		if !ok || c.Score < 0 || c.Exempt != "" {
			continue
		}
		sum += w * c.Score
		weights += w
	}
	if weights == 0 {
		return R.Inconclusive
	}
	return sum / weights
}

// RiskOf is a check's risk class, "" for a check not in the list.
func RiskOf(name string) string {
	for _, d := range checkDefs() {
		if strings.EqualFold(d.name, name) {
			return d.risk
		}
	}
	return ""
}
