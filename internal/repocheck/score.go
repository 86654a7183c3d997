package repocheck

import (
	"fmt"
	"strconv"

	R "ospo/internal/repocheck/result"
)

// Scoring: pure functions from a check's findings to its score and
// reason, with Scorecard's rules. A score of R.Inconclusive (-1) means the
// check could not decide.

const maxScore = 10

// proportional is Scorecard's min(10·s/t, 10) in integer division, 0
// when t is 0.
func proportional(s, t int) int {
	if t <= 0 {
		return 0
	}
	return min(maxScore*s/t, maxScore)
}

// weighted is one group of a weighted proportion.
type weighted struct{ success, total, weight int }

// proportionalWeighted is Scorecard's min(10·Σ(s·w)/Σ(t·w), 10): groups
// with nothing in them are skipped, and with no group left the answer is
// inconclusive.
func proportionalWeighted(groups ...weighted) int {
	ws, wt := 0, 0
	any := false
	for _, g := range groups {
		if g.total == 0 {
			continue
		}
		any = true
		ws += g.success * g.weight
		wt += g.total * g.weight
	}
	if !any {
		return R.Inconclusive
	}
	if wt == 0 {
		return maxScore
	}
	return min(maxScore*ws/wt, maxScore)
}

// normalized is how Scorecard words a proportional score's reason.
func normalized(reason string, score int) string {
	return fmt.Sprintf("%s -- score normalized to %d", reason, score)
}

func count(fs []finding, o R.Outcome) int {
	n := 0
	for _, f := range fs {
		if f.Outcome == o {
			n++
		}
	}
	return n
}

func countProbe(fs []finding, probe string, o R.Outcome) int {
	n := 0
	for _, f := range fs {
		if f.Probe == probe && f.Outcome == o {
			n++
		}
	}
	return n
}

func scoreBinaryArtifacts(fs []finding) (int, string) {
	n := count(fs, R.False)
	if n == 0 {
		return maxScore, "no binaries found in the repo"
	}
	return max(maxScore-n, 0), "binaries present in source code"
}

func scoreDangerousWorkflow(fs []finding) (int, string) {
	for _, f := range fs {
		if f.values["workflows"] == "0" {
			return R.Inconclusive, "no workflows found"
		}
	}
	if count(fs, R.False) > 0 {
		return 0, "dangerous workflow patterns detected"
	}
	return maxScore, "no dangerous workflow patterns detected"
}

func scoreDependencyUpdateTool(fs []finding) (int, string) {
	if count(fs, R.True) > 0 {
		return maxScore, "update tool detected"
	}
	return 0, "no update tool detected"
}

func scoreFuzzing(fs []finding) (int, string) {
	if count(fs, R.True) > 0 {
		return maxScore, "project is fuzzed"
	}
	return 0, "project is not fuzzed"
}

func scoreLicense(fs []finding) (int, string) {
	if countProbe(fs, probeLicenseFile, R.True) == 0 {
		return 0, "license file not detected"
	}
	score := 9
	if countProbe(fs, probeLicenseApproved, R.True) > 0 {
		score++
	}
	return score, "license file detected"
}

func scorePackaging(fs []finding) (int, string) {
	if count(fs, R.True) > 0 {
		return maxScore, "packaging workflow detected"
	}
	return R.Inconclusive, "packaging workflow not detected"
}

// GitHub Actions weigh by owner: a third-party action is four times the
// risk of one GitHub publishes; every other kind of dependency weighs as
// the two together.
const (
	gitHubOwnedActionWeight = 2
	thirdPartyActionWeight  = 8
	normalWeight            = gitHubOwnedActionWeight + thirdPartyActionWeight
)

func scorePinnedDependencies(fs []finding) (int, string) {
	type tally struct{ pinned, total int }
	var gh, third tally
	byType := map[string]*tally{}
	var types []string
	for _, f := range fs {
		if f.values["empty"] == "1" {
			return R.Inconclusive, "no dependencies found"
		}
		if f.Outcome != R.True && f.Outcome != R.False {
			continue
		}
		t := f.values["type"]
		var tl *tally
		switch {
		case t == depAction && f.values["owner"] == "GitHub-owned":
			tl = &gh
		case t == depAction:
			tl = &third
		default:
			if byType[t] == nil {
				byType[t] = &tally{}
				types = append(types, t)
			}
			tl = byType[t]
		}
		tl.total++
		if f.Outcome == R.True {
			tl.pinned++
		}
	}
	var groups []weighted
	switch {
	case gh.total > 0 && third.total > 0:
		groups = append(groups, weighted{gh.pinned, gh.total, gitHubOwnedActionWeight},
			weighted{third.pinned, third.total, thirdPartyActionWeight})
	case gh.total > 0:
		groups = append(groups, weighted{gh.pinned, gh.total, normalWeight})
	case third.total > 0:
		groups = append(groups, weighted{third.pinned, third.total, normalWeight})
	}
	for _, t := range types {
		groups = append(groups, weighted{byType[t].pinned, byType[t].total, normalWeight})
	}
	score := proportionalWeighted(groups...)
	switch score {
	case R.Inconclusive:
		return score, "no dependencies found"
	case maxScore:
		return score, "all dependencies are pinned"
	}
	return score, normalized("dependency not pinned by hash detected", score)
}

func scoreSAST(fs []finding) (int, string) {
	tools := map[string]bool{}
	for _, f := range fs {
		if f.Outcome == R.True {
			tools[f.values["tool"]] = true
		}
	}
	switch {
	case len(tools) == 0:
		return 0, "no SAST tool detected"
	case len(tools) == 1 && tools["CodeQL"]:
		return maxScore, "SAST tool detected: CodeQL"
	}
	return maxScore, "SAST tool detected"
}

func scoreSecurityPolicy(fs []finding) (int, string) {
	if countProbe(fs, probePolicyPresent, R.True) == 0 {
		return 0, "security policy file not detected"
	}
	score := 0
	if countProbe(fs, probePolicyLinks, R.True) > 0 {
		score += 6
	}
	if countProbe(fs, probePolicyText, R.True) > 0 {
		score += 3
	}
	if countProbe(fs, probePolicyDisclosure, R.True) > 0 {
		score++
	}
	return score, "security policy file detected"
}

// scoreTokenPermissions replays Scorecard's evaluation over the findings
// in their order (job-level first, then top-level), so its interplay of
// undeclared and write permissions within one workflow is the same.
func scoreTokenPermissions(fs []finding) (int, string) {
	const excessive = "detected GitHub workflow tokens with excessive permissions"
	score := float32(maxScore)
	writes := map[string]map[string]bool{locTop: {}, locJob: {}}
	undeclared := map[string]map[string]bool{locTop: {}, locJob: {}}
	for _, f := range fs {
		if f.values["empty"] == "1" {
			return R.Inconclusive, "no tokens found"
		}
		level, loc, p := f.values["level"], f.values["location"], f.Path
		switch level {
		case permUndeclared:
			undeclared[loc][p] = true
			if loc == locJob {
				if writes[locTop][p] || undeclared[locTop][p] {
					score = 0
				}
			} else if undeclared[locJob][p] {
				score = 0
			} else {
				score -= 0.5
			}
		case permWrite:
			writes[loc][p] = true
			token := f.values["token"]
			if loc == locTop {
				if token != "write-all" && token != "all" {
					score -= writeCost(token)
					continue
				}
				if writes[locJob][p] || undeclared[locJob][p] {
					return 0, excessive
				}
				score -= 0.5
				continue
			}
			if writes[locTop][p] {
				score = 0
			} else if undeclared[locTop][p] {
				score -= 0.5
			}
		}
	}
	if score < 0 {
		score = 0
	}
	if int(score) != maxScore {
		return int(score), excessive
	}
	return maxScore, "GitHub workflow tokens follow principle of least privilege"
}

// writeCost is what a top-level write on a scope costs.
func writeCost(token string) float32 {
	switch token {
	case "checks", "statuses":
		return 0.5
	case "contents", "packages", "actions":
		return maxScore
	case "deployments", "security-events":
		return 1
	}
	return 0
}

func scoreVulnerabilities(fs []finding) (int, string) {
	if count(fs, R.NotAvailable) > 0 {
		return R.Inconclusive, "no vulnerability database"
	}
	n := count(fs, R.False)
	return max(maxScore-n, 0), strconv.Itoa(n) + " existing vulnerabilities detected"
}

// activityWeeks is Scorecard's 90 days in whole weeks.
const activityWeeks = 90 / 7

func scoreMaintained(fs []finding) (int, string) {
	commits := -1
	for _, f := range fs {
		switch {
		case f.Probe == probeRecentCommits && f.Outcome == R.NotAvailable:
			return R.Inconclusive, f.Message
		case f.values["new"] == "1":
			return 0, "project was created in last 90 days. please review its contents carefully"
		case f.Probe == probeRecentCommits:
			commits, _ = strconv.Atoi(f.values["commits"])
		}
	}
	score := proportional(commits, activityWeeks)
	return score, normalized(fmt.Sprintf("%d commit(s) and 0 issue activity found in the last 90 days", commits), score)
}

// companiesForTopScore: more organisations than this earn the top score.
const companiesForTopScore = 3

func scoreContributors(fs []finding) (int, string) {
	if count(fs, R.NotAvailable) > 0 {
		return R.Inconclusive, fs[0].Message
	}
	n := count(fs, R.True)
	reason := fmt.Sprintf("project has %d contributing companies or organizations", n)
	if n > companiesForTopScore {
		return maxScore, reason
	}
	score := proportional(n, companiesForTopScore)
	return score, normalized(reason, score)
}

func scoreCodeReview(fs []finding) (int, string) {
	reviewed, total := count(fs, R.True), count(fs, R.True)+count(fs, R.False)
	if total == 0 {
		if count(fs, R.NotApplicable) > 0 {
			return R.Inconclusive, "all changesets are by bots"
		}
		return R.Inconclusive, "no changesets detected"
	}
	if reviewed == total {
		return maxScore, "all changesets reviewed"
	}
	score := proportional(reviewed, total)
	return score, normalized(fmt.Sprintf("Found %d/%d approved changesets", reviewed, total), score)
}

// signedReleaseScore is what a signed release earns without provenance.
const signedReleaseScore = 8

func scoreSignedReleases(fs []finding) (int, string) {
	signed, total := countProbe(fs, probeTagSigned, R.True), countProbe(fs, probeTagSigned, R.True)+countProbe(fs, probeTagSigned, R.False)
	if total == 0 {
		return R.Inconclusive, "no releases found"
	}
	score := signed * signedReleaseScore / total
	return score, normalized(fmt.Sprintf("%d out of the last %d release tags are signed", signed, total), score)
}

func scoreCITests(fs []finding) (int, string) {
	if count(fs, R.True) > 0 {
		return maxScore, "CI configuration runs tests"
	}
	return 0, fs[0].Message
}
