package repocheck

import (
	"fmt"
	"regexp"
	"strings"

	R "ospo/internal/repocheck/result"
)

// Probes over GitHub workflows, Dockerfiles and scripts.

// untrustedContextRE lists the event fields an outsider controls, as
// Scorecard lists them.
var untrustedContextRE = regexp.MustCompile(`.*(issue\.title|issue\.body|pull_request\.title|pull_request\.body|` +
	`comment\.body|review\.body|review_comment\.body|pages.*\.page_name|commits.*\.message|head_commit\.message|` +
	`head_commit\.author\.email|head_commit\.author\.name|commits.*\.author\.email|commits.*\.author\.name|` +
	`pull_request\.head\.ref|pull_request\.head\.label|pull_request\.head\.repo\.default_branch).*`)

func isUntrustedContext(expr string) bool {
	if strings.Contains(expr, "github.head_ref") {
		return true
	}
	return strings.Contains(expr, "github.event.") && untrustedContextRE.MatchString(expr)
}

// workflowErrors reports the workflows that could not be read. Scorecard
// stops the whole check at such a file; here the others are still judged
// and the failure is a finding of its own.
func workflowErrors(f *Facts, probe string) []finding {
	var out []finding
	for _, p := range f.WorkflowProblems {
		out = append(out, newFinding(probe, R.Error, "workflow not read: "+p.Message).at(p.Path, 0))
	}
	return out
}

func probeDangerousWorkflow(f *Facts) []finding {
	errs := workflowErrors(f, probeNoUntrustedCheckout)
	if len(f.Workflows) == 0 {
		return append(errs, newFinding(probeNoUntrustedCheckout, R.NotApplicable, "no workflows found").with("workflows", "0"))
	}
	var checkout, injection []finding
	for _, w := range f.Workflows {
		privileged := w.triggeredBy("pull_request_target") || w.triggeredBy("workflow_run")
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if privileged && strings.Contains(s.Uses, "actions/checkout") {
					if ref, ok := s.With["ref"]; ok &&
						(strings.Contains(ref.Value, "github.event.pull_request") || strings.Contains(ref.Value, "github.event.workflow_run")) {
						checkout = append(checkout, newFinding(probeNoUntrustedCheckout, R.False,
							fmt.Sprintf("untrusted code checkout '%s' in job %s", ref.Value, j.ID)).at(w.Path, s.Line))
					}
				}
				if s.Run != "" {
					for _, hit := range injections(s.Run) {
						injection = append(injection, newFinding(probeNoScriptInjection, R.False,
							fmt.Sprintf("script injection with untrusted input '%s' in job %s", strings.TrimSpace(hit.expr), j.ID)).
							at(w.Path, s.RunLine+hit.line))
					}
				}
			}
		}
	}
	if len(checkout) == 0 {
		checkout = append(checkout, newFinding(probeNoUntrustedCheckout, R.True, "no untrusted code checkout in privileged workflows"))
	}
	if len(injection) == 0 {
		injection = append(injection, newFinding(probeNoScriptInjection, R.True, "no script injection found in run steps"))
	}
	return append(append(errs, checkout...), injection...)
}

type injectionHit struct {
	expr string
	line int // lines after the script's first
}

// injections finds the ${{ … }} expressions of a script that expand
// untrusted input.
func injections(script string) []injectionHit {
	var out []injectionHit
	off := 0
	for {
		s := strings.Index(script[off:], "${{")
		if s < 0 {
			return out
		}
		s += off
		e := strings.Index(script[s:], "}}")
		if e < 0 {
			return out
		}
		expr := script[s+3 : s+e]
		if isUntrustedContext(expr) {
			out = append(out, injectionHit{expr: expr, line: strings.Count(script[:s], "\n")})
		}
		off = s + e
	}
}

// Token permissions, with Scorecard's vocabulary.
const (
	permNone       = "none"
	permRead       = "read"
	permWrite      = "write"
	permUndeclared = "undeclared"
	permUnknown    = "unknown"
	locTop         = "top"
	locJob         = "job"
)

// permissionsOfInterest are the scopes whose write access the score
// counts.
var permissionsOfInterest = map[string]bool{
	"statuses": true, "checks": true, "security-events": true, "deployments": true,
	"contents": true, "packages": true, "actions": true,
}

// probeTokenPermissions reports every permission declaration (and every
// missing one), job-level ones first and top-level ones after, which is
// the order Scorecard's scoring reads them in.
func probeTokenPermissions(f *Facts) []finding {
	errs := workflowErrors(f, probeTopPermissions)
	if len(f.Workflows) == 0 {
		return append(errs, newFinding(probeTopPermissions, R.NotAvailable, "no workflows found").with("empty", "1"))
	}
	jobs := errs
	var tops []finding
	for _, w := range f.Workflows {
		// A missing top-level block is reported at the file's first line.
		tops = append(tops, permissionFindings(w.Path, locTop, w.Permissions, 1, nil)...)
		ignored := ignoredPermissions(w)
		for _, j := range w.Jobs {
			jobs = append(jobs, permissionFindings(w.Path, locJob, j.Permissions, j.Line, ignored)...)
		}
	}
	return append(jobs, tops...)
}

func permissionFindings(p, loc string, perms *Permissions, line int, ignored map[string]bool) []finding {
	probe := probeTopPermissions
	if loc == locJob {
		probe = probeJobPermissions
	}
	mk := func(o R.Outcome, level, token, msg string, line int) finding {
		return newFinding(probe, o, msg).at(p, line).with("level", level, "location", loc, "token", token)
	}
	if perms == nil {
		if loc == locJob {
			return []finding{mk(R.NotApplicable, permUndeclared, "", "no jobLevel permission defined", line)}
		}
		return []finding{mk(R.False, permUndeclared, "", "no topLevel permission defined", line)}
	}
	name := loc + "Level"
	if perms.All == "" && len(perms.Scopes) == 0 {
		return []finding{mk(R.True, permNone, "", name+" permissions set to 'none'", perms.Line)}
	}
	if perms.All != "" {
		if strings.EqualFold(perms.All, "read-all") {
			return []finding{mk(R.True, permRead, "", name+" permissions set to 'read-all'", perms.Line)}
		}
		msg := fmt.Sprintf("%s permissions set to '%s'", name, perms.All)
		if perms.All != "write-all" {
			return []finding{mk(R.NotApplicable, permUnknown, "", msg+" (not a valid value)", perms.Line)}
		}
		return []finding{mk(R.False, permWrite, "write-all", msg, perms.Line)}
	}
	var out []finding
	for _, s := range perms.Scopes {
		msg := fmt.Sprintf("%s '%s' permission set to '%s'", name, s.Name, s.Value)
		switch {
		case strings.EqualFold(s.Value, "write"):
			if permissionsOfInterest[strings.ToLower(s.Name)] && !ignored[strings.ToLower(s.Name)] {
				out = append(out, mk(R.False, permWrite, strings.ToLower(s.Name), msg, s.Line))
			} else {
				out = append(out, mk(R.NotApplicable, permUnknown, s.Name, msg+" (not scored)", s.Line))
			}
		case s.Value == "read" || s.Value == "read-all":
			out = append(out, mk(R.True, permRead, s.Name, msg, s.Line))
		case s.Value == "none":
			out = append(out, mk(R.True, permNone, s.Name, msg, s.Line))
		default:
			out = append(out, mk(R.NotApplicable, permUnknown, s.Name, msg, s.Line))
		}
	}
	return out
}

// ignoredPermissions are the job-level writes a workflow needs for what
// it does: publishing packages, making releases or pages, uploading
// code-scanning results.
func ignoredPermissions(w *Workflow) map[string]bool {
	m := map[string]bool{}
	if _, ok := anyJobMatches(w, packagingMatchers); ok {
		m["packages"] = true
	}
	if _, ok := anyJobMatches(w, releasingMatchers); ok {
		m["contents"] = true
	}
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			switch actionName(s.Uses) {
			case "github/codeql-action/analyze", "github/codeql-action/upload-sarif", "ossf/scorecard-action":
				m["security-events"] = true
			}
		}
	}
	return m
}

// stepMatcher is one step a job must have.
type stepMatcher struct {
	uses    string
	withKey string
	run     *regexp.Regexp
}

// jobMatcher is a set of steps that together mark a kind of job.
type jobMatcher struct {
	steps []stepMatcher
	what  string
}

var (
	packagingMatchers = []jobMatcher{
		{[]stepMatcher{{uses: "actions/setup-node", withKey: "registry-url"}, {run: regexp.MustCompile(`npm.*publish`)}}, "node publishing workflow using npm"},
		{[]stepMatcher{{uses: "actions/setup-java"}, {run: regexp.MustCompile(`mvn.*deploy`)}}, "java publishing workflow using maven"},
		{[]stepMatcher{{uses: "actions/setup-java"}, {run: regexp.MustCompile(`gradle.*publish`)}}, "java publishing workflow using gradle"},
		{[]stepMatcher{{run: regexp.MustCompile(`gem.*push`)}}, "ruby publishing workflow using gem"},
		{[]stepMatcher{{run: regexp.MustCompile(`nuget.*push`)}}, "nuget publishing workflow"},
		{[]stepMatcher{{run: regexp.MustCompile(`docker.*push`)}}, "docker publishing workflow"},
		{[]stepMatcher{{uses: "docker/build-push-action"}}, "docker publishing workflow"},
		{[]stepMatcher{{uses: "pypa/gh-action-pypi-publish"}}, "python publishing workflow using pypi"},
		{[]stepMatcher{{uses: "relekang/python-semantic-release"}}, "python publishing workflow using python-semantic-release"},
		{[]stepMatcher{{uses: "actions/setup-go"}, {uses: "goreleaser/goreleaser-action"}}, "golang publishing workflow"},
		{[]stepMatcher{{run: regexp.MustCompile(`cargo.*publish`)}}, "rust publishing workflow using cargo"},
		{[]stepMatcher{{uses: "imjasonh/setup-ko"}}, "container publishing workflow using ko"},
		{[]stepMatcher{{uses: "ko-build/setup-ko"}}, "container publishing workflow using ko"},
	}
	releasingMatchers = []jobMatcher{
		{[]stepMatcher{{uses: "relekang/python-semantic-release"}}, "python releasing workflow"},
		{[]stepMatcher{{uses: "actions/setup-go"}, {uses: "goreleaser/goreleaser-action"}}, "golang releasing workflow"},
		{[]stepMatcher{{uses: "slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml"}}, "SLSA Go builder"},
		{[]stepMatcher{{uses: "slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml"}}, "SLSA generic generator"},
		{[]stepMatcher{{run: regexp.MustCompile(`.*mvn.*release:prepare.*`)}}, "maven release workflow"},
		{[]stepMatcher{{uses: "peaceiris/actions-gh-pages"}}, "GitHub Pages deployment workflow"},
	}
)

var lineContinuationRE = regexp.MustCompile("\\\\(\n|\r|\r\n)")

func (m jobMatcher) matches(j Job) bool {
	for _, sm := range m.steps {
		if sm.uses != "" && strings.HasPrefix(j.Uses, sm.uses+"@") {
			return true
		}
		found := false
		for _, s := range j.Steps {
			if sm.uses != "" && !s.usesAction(sm.uses) {
				continue
			}
			if sm.withKey != "" {
				if _, ok := s.With[sm.withKey]; !ok {
					continue
				}
			}
			if sm.run != nil && (s.Run == "" || !sm.run.MatchString(lineContinuationRE.ReplaceAllString(s.Run, ""))) {
				continue
			}
			found = true
			break
		}
		if !found {
			return false
		}
	}
	return true
}

// anyJobMatches returns the first job that matches one of the matchers.
func anyJobMatches(w *Workflow, ms []jobMatcher) (string, bool) {
	for _, j := range w.Jobs {
		for _, m := range ms {
			if m.matches(j) {
				return fmt.Sprintf("%s (job %s)", m.what, j.ID), true
			}
		}
	}
	return "", false
}

func probePackaging(f *Facts) []finding {
	var out []finding
	for _, w := range f.Workflows {
		for _, j := range w.Jobs {
			for _, m := range packagingMatchers {
				if m.matches(j) {
					out = append(out, newFinding(probePackaged, R.True, "packaging workflow detected: "+m.what).at(w.Path, j.Line))
					break
				}
			}
		}
	}
	if len(out) == 0 {
		out = append(out, newFinding(probePackaged, R.NotAvailable, "no publishing workflow detected"))
	}
	return out
}

var (
	actionPinnedRE       = regexp.MustCompile(`.*@[a-fA-F\d]{40,}`)
	dockerActionPinnedRE = regexp.MustCompile(`docker://.*@sha256:[a-fA-F\d]{64}`)
	localActionRE        = regexp.MustCompile(`^\..+[^/]`)
)

func isActionPinned(uses string) bool {
	return localActionRE.MatchString(uses) || actionPinnedRE.MatchString(uses) || dockerActionPinnedRE.MatchString(uses)
}

// isGitHubOwnedAction: actions published by GitHub itself weigh less in
// the score than third-party ones.
func isGitHubOwnedAction(uses string) bool {
	return strings.HasPrefix(uses, "actions/") || strings.HasPrefix(uses, "github/")
}

// pinnedDependencies gathers every fetched dependency of the clone.
func pinnedDependencies(f *Facts) (deps []dependency, problems []Problem) {
	for _, w := range f.Workflows {
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if s.Uses == "" || strings.HasPrefix(s.Uses, "./") {
					continue
				}
				name, _, _ := strings.Cut(s.Uses, "@")
				deps = append(deps, dependency{Type: depAction, Pinned: isActionPinned(s.Uses), Path: w.Path,
					Line: s.UsesLine, Snippet: s.Uses, Name: name})
			}
		}
	}
	for _, d := range f.Dockerfiles {
		ds, probs := dockerDependencies(d.Path, d.Text)
		deps = append(deps, ds...)
		for _, p := range probs {
			problems = append(problems, Problem{Path: d.Path, Message: p})
		}
	}
	for _, s := range f.ShellScripts {
		a := newShellAnalysis(s.Path)
		a.analyze(s.Text, 1)
		deps = append(deps, a.deps...)
	}
	for _, w := range f.Workflows {
		for _, j := range w.Jobs {
			// Files downloaded by one step taint the later steps of the job.
			a := newShellAnalysis(w.Path)
			for _, s := range j.Steps {
				if s.Run == "" {
					continue
				}
				shell, _, _ := strings.Cut(j.shellOf(s), " ")
				if !isSupportedShell(shell) {
					continue
				}
				a.analyze(redactExpressions(s.Run), s.RunLine)
			}
			deps = append(deps, a.deps...)
		}
	}
	return deps, problems
}

func isSupportedShell(name string) bool {
	for _, s := range supportedShells {
		if isBinaryName(s, name) {
			return true
		}
	}
	return false
}

func probePinnedDependencies(f *Facts) []finding {
	deps, problems := pinnedDependencies(f)
	out := workflowErrors(f, probePinned)
	for _, p := range problems {
		out = append(out, newFinding(probePinned, R.Error, p.Message).at(p.Path, 0))
	}
	for _, d := range deps {
		owner := ""
		what := d.Type
		if d.Type == depAction {
			owner = "third-party"
			if isGitHubOwnedAction(d.Snippet) {
				owner = "GitHub-owned"
			}
			what = owner + " " + d.Type
		}
		o, msg := R.True, what+" pinned by hash"
		if !d.Pinned {
			o, msg = R.False, what+" not pinned by hash"
		}
		if d.Snippet != "" {
			msg += ": " + oneLine(d.Snippet)
		}
		out = append(out, newFinding(probePinned, o, msg).at(d.Path, d.Line).with("type", d.Type, "owner", owner))
	}
	if len(deps) == 0 {
		out = append(out, newFinding(probePinned, R.NotApplicable, "no dependencies found").with("empty", "1"))
	}
	return out
}

// oneLine shortens a snippet to its first line, at most 120 bytes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.TrimSpace(s)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

var testCommandRE = regexp.MustCompile(`(?i)(\bgo\s+test\b|\bgotestsum\b|\b(npm|yarn|pnpm|bun)\s+(run\s+)?test|\bpytest\b|\btox\b|\bnox\b|` +
	`\bmake\s+(\S+\s+)*(check|test)\b|\bcargo\s+(test|nextest)\b|\bmvnw?\b.*\b(test|verify|install)\b|\bgradlew?\b.*\b(test|check|build)\b|` +
	`\bctest\b|\bphpunit\b|\brspec\b|\brake\b|\bdotnet\s+test\b|\bswift\s+test\b|\bmix\s+test\b|\bjest\b|\bmocha\b|\bvitest\b|\bmeson\s+test\b|\bbazel\s+test\b)`)

func probeCITests(f *Facts) []finding {
	var out []finding
	for _, w := range f.Workflows {
	jobs:
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if (s.Run != "" && testCommandRE.MatchString(s.Run)) || strings.Contains(strings.ToLower(s.Name), "test") {
					line := s.RunLine
					if line == 0 {
						line = s.Line
					}
					out = append(out, newFinding(probeTestsInCI, R.True, "GitHub Actions job "+j.ID+" runs tests").at(w.Path, line))
					break jobs
				}
			}
		}
	}
	for _, c := range f.CIConfigs {
		if loc := testCommandRE.FindStringIndex(c.Text); loc != nil {
			out = append(out, newFinding(probeTestsInCI, R.True, c.System+" runs tests").at(c.Path, strings.Count(c.Text[:loc[0]], "\n")+1))
		}
	}
	if len(out) == 0 {
		msg := "no CI configuration runs tests"
		if len(f.Workflows) == 0 && len(f.CIConfigs) == 0 {
			msg = "no CI configuration found"
		}
		out = append(out, newFinding(probeTestsInCI, R.False, msg))
	}
	return out
}
