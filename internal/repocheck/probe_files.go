package repocheck

import (
	"bufio"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	R "ospo/internal/repocheck/result"
)

// Probes over the file tree.

var gradleValidationRE = regexp.MustCompile(`^gradle/(wrapper-validation-action|actions/wrapper-validation)@v?(\d+)`)

// gradleWrapperValidated reports whether a workflow runs Gradle's wrapper
// validation, which makes a committed gradle-wrapper.jar acceptable.
// Scorecard also asks the forge for a successful run on the latest
// commit; a clone cannot show runs, so the workflow's presence is taken.
func gradleWrapperValidated(ws []*Workflow) bool {
	for _, w := range ws {
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if m := gradleValidationRE.FindStringSubmatch(s.Uses); m != nil {
					if v, err := strconv.Atoi(m[2]); err == nil && v >= 1 {
						return true
					}
				}
			}
		}
	}
	return false
}

func probeBinaryArtifacts(f *Facts) []finding {
	validated := gradleWrapperValidated(f.Workflows)
	var out []finding
	for _, file := range f.Files {
		if file.Testdata || !file.Binary {
			continue
		}
		if validated && path.Base(file.Path) == "gradle-wrapper.jar" {
			continue
		}
		kind := file.Kind
		if kind == "" {
			kind = extOf(file.Path)
		}
		out = append(out, newFinding(probeNoBinaries, R.False, "binary detected ("+kind+")").at(file.Path, 0))
	}
	if len(out) == 0 {
		out = append(out, newFinding(probeNoBinaries, R.True, "no binaries found in the repo"))
	}
	return out
}

// botUpdateAuthors are the commit authors of the update bots Scorecard
// also recognises from history.
var botUpdateAuthors = map[string]string{"dependabot[bot]": "Dependabot", "renovate[bot]": "RenovateBot"}

func probeDependencyUpdateTool(f *Facts) []finding {
	var out []finding
	for _, t := range f.UpdateTools {
		out = append(out, newFinding(probeUpdateTool, R.True, t.Name+" configured").at(t.Path, 0))
	}
	if len(out) == 0 && f.History != nil {
		// Scorecard searches the history for the bot's commits when no
		// configuration file is found.
		for _, c := range f.History.Commits {
			if tool, ok := botUpdateAuthors[c.Author.Name]; ok {
				out = append(out, newFinding(probeUpdateTool, R.True,
					fmt.Sprintf("%s commits found in the history (%s)", tool, short(c.Hash))))
				break
			}
		}
	}
	if len(out) == 0 {
		out = append(out, newFinding(probeUpdateTool, R.False, "no dependency update tool configurations found"))
	}
	return out
}

func probeFuzzing(f *Facts) []finding {
	var out []finding
	for _, t := range append(append([]Tool(nil), f.Fuzzers...), ossFuzzWorkflows(f.Workflows)...) {
		msg := t.Name + " found"
		if t.Snippet != "" {
			msg += ": " + t.Snippet
		}
		out = append(out, newFinding(probeFuzzed, R.True, msg).at(t.Path, t.Line))
	}
	if len(out) == 0 {
		out = append(out, newFinding(probeFuzzed, R.False, "no fuzzer integrations found"))
	}
	return out
}

func probeLicense(f *Facts) []finding {
	if len(f.Licenses) == 0 {
		return []finding{
			newFinding(probeLicenseFile, R.False, "project does not have a license file"),
			newFinding(probeLicenseApproved, R.NotAvailable, "no license file to judge"),
		}
	}
	var out []finding
	approved := false
	for _, l := range f.Licenses {
		out = append(out, newFinding(probeLicenseFile, R.True, "license file detected").at(l.Path, 0))
		if l.Approved && !approved {
			approved = true
			out = append(out, newFinding(probeLicenseApproved, R.True,
				"FSF or OSI recognized license: "+l.Expression).at(l.Path, 0))
		}
	}
	if !approved {
		l := f.Licenses[0]
		out = append(out, newFinding(probeLicenseApproved, R.False,
			"license is not FSF or OSI recognized: "+l.Expression).at(l.Path, 0))
	}
	return out
}

var (
	policyURLRE   = regexp.MustCompile(`(http|https)://[a-zA-Z0-9./?=_%:-]*`)
	policyEmailRE = regexp.MustCompile(`\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,6}\b`)
	policyTextRE  = regexp.MustCompile(`(?i)(\b*[0-9]{1,4}\b|(Disclos|Vuln))`)
)

// policyHits is what Scorecard counts in a policy: unique links and
// addresses (and their total length), and hints of a disclosure process.
type policyHits struct {
	links, emails, linkedLen, disclosure int
}

func countPolicyHits(text string) policyHits {
	var h policyHits
	seenURL, seenMail := map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), len(text)+1)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		for _, m := range policyURLRE.FindAllString(line, -1) {
			if !seenURL[m] {
				seenURL[m] = true
				h.links++
				h.linkedLen += len(m)
			}
		}
		for _, m := range policyEmailRE.FindAllString(line, -1) {
			if !seenMail[m] {
				seenMail[m] = true
				h.emails++
				h.linkedLen += len(m)
			}
		}
		h.disclosure += len(policyTextRE.FindAllStringIndex(line, -1))
	}
	return h
}

func probeSecurityPolicy(f *Facts) []finding {
	p := f.SecurityPolicy
	if p == nil {
		return []finding{
			newFinding(probePolicyPresent, R.False, "no security policy file found"),
			newFinding(probePolicyLinks, R.False, "no security file to analyze"),
			newFinding(probePolicyText, R.False, "no security file to analyze"),
			newFinding(probePolicyDisclosure, R.False, "no security file to analyze"),
		}
	}
	out := []finding{newFinding(probePolicyPresent, R.True, "security policy file detected").at(p.Path, 0)}
	h := countPolicyHits(p.Text)
	size := len(p.Text)
	if h.links+h.emails > 0 {
		out = append(out, newFinding(probePolicyLinks, R.True,
			fmt.Sprintf("found linked content in security policy (%d links, %d e-mail addresses)", h.links, h.emails)).at(p.Path, 0))
	} else {
		out = append(out, newFinding(probePolicyLinks, R.False, "no e-mail address or link found in security policy").at(p.Path, 0))
	}
	if size > 1 && size > h.linkedLen+(h.links+h.emails)*2 {
		out = append(out, newFinding(probePolicyText, R.True, "found text in security policy").at(p.Path, 0))
	} else {
		out = append(out, newFinding(probePolicyText, R.False, "no text (besides links and e-mail addresses) found in security policy").at(p.Path, 0))
	}
	if h.disclosure > 1 {
		out = append(out, newFinding(probePolicyDisclosure, R.True, "found disclosure, vulnerability, and/or timelines in security policy").at(p.Path, 0))
	} else {
		out = append(out, newFinding(probePolicyDisclosure, R.False, "one or no descriptive hints of disclosure, vulnerability, and/or timelines in security policy").at(p.Path, 0))
	}
	return out
}

// sastActions are the actions of the SAST tools Scorecard recognises.
var sastActions = []struct{ prefix, tool string }{
	{"github/codeql-action/analyze", "CodeQL"},
	{"SonarSource/sonarcloud-github-action", "Sonar"},
	{"SonarSource/sonarqube-scan-action", "Sonar"},
	{"SonarSource/sonarcloud-github-c-cpp", "Sonar"},
	{"snyk/actions/", "Snyk"},
	{"facebook/pysa-action", "Pysa"},
	{"JetBrains/qodana-action", "Qodana"},
	{"hadolint/hadolint-action", "Hadolint"},
}

func sastToolOf(uses string) string {
	name := actionName(uses)
	for _, a := range sastActions {
		if name == a.prefix || strings.HasSuffix(a.prefix, "/") && strings.HasPrefix(name, a.prefix) {
			return a.tool
		}
	}
	return ""
}

func probeSAST(f *Facts) []finding {
	var out []finding
	for _, w := range f.Workflows {
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if tool := sastToolOf(s.Uses); tool != "" {
					out = append(out, newFinding(probeSASTTool, R.True, "SAST tool detected: "+tool).
						at(w.Path, s.UsesLine).with("tool", tool))
				}
			}
		}
	}
	for _, t := range f.SonarConfigs {
		out = append(out, newFinding(probeSASTTool, R.True, "SAST tool detected: Sonar ("+t.Snippet+")").
			at(t.Path, t.Line).with("tool", "Sonar"))
	}
	if len(out) == 0 {
		out = append(out, newFinding(probeSASTTool, R.False, "no SAST tool detected"))
	}
	return out
}

// short abbreviates a commit hash.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// sonarURLRE finds the Sonar server a Maven build reports to.
var sonarURLRE = regexp.MustCompile(`<sonar\.host\.url>\s*(\S+)\s*</sonar\.host\.url>`)
