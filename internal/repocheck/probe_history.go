package repocheck

import (
	"fmt"
	"sort"
	"strings"
	"time"

	R "ospo/internal/repocheck/result"
)

// Probes over the git history: approximations of what Scorecard asks a
// forge for.

// window is Scorecard's activity window.
const window = 90 * 24 * time.Hour

func probeMaintained(f *Facts) []finding {
	if f.History == nil {
		return []finding{newFinding(probeRecentCommits, R.NotAvailable, "no git history: "+f.HistoryErr)}
	}
	h := f.History
	since := f.Now.Add(-window)
	n := 0
	for _, c := range h.Commits {
		if c.CommitTime.After(since) {
			n++
		}
	}
	var out []finding
	if n > 0 {
		out = append(out, newFinding(probeRecentCommits, R.True, fmt.Sprintf("%d commit(s) in the last 90 days", n)).with("commits", itoa(n)))
	} else {
		out = append(out, newFinding(probeRecentCommits, R.False, "no commits in the last 90 days").with("commits", "0"))
	}
	// The creation date is the first commit's; only a history read to
	// its end shows it, and a longer one is older than it needs to be.
	created := time.Time{}
	if len(h.Commits) > 0 {
		last := h.Commits[len(h.Commits)-1]
		created = last.CommitTime
	}
	if len(h.Commits) == 0 || (h.Complete && created.After(since)) {
		out = append(out, newFinding(probeNotNew, R.False, "the history starts less than 90 days ago").with("new", "1"))
	} else {
		out = append(out, newFinding(probeNotNew, R.True, "the history starts more than 90 days ago"))
	}
	out = append(out, newFinding(probeNotArchived, R.NotAvailable, "archive status is a forge setting, not visible in a clone"))
	return out
}

// freeMailDomains are domains anybody can have an address at: they say
// nothing of an employer.
var freeMailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "hotmail.com": true, "outlook.com": true, "live.com": true,
	"msn.com": true, "yahoo.com": true, "ymail.com": true, "icloud.com": true, "me.com": true, "mac.com": true,
	"aol.com": true, "protonmail.com": true, "proton.me": true, "pm.me": true, "gmx.de": true, "gmx.net": true,
	"gmx.com": true, "web.de": true, "mail.ru": true, "yandex.ru": true, "yandex.com": true, "qq.com": true,
	"163.com": true, "126.com": true, "foxmail.com": true, "fastmail.com": true, "fastmail.fm": true,
	"hey.com": true, "zoho.com": true, "tutanota.com": true, "posteo.de": true, "mailbox.org": true,
	"free.fr": true, "orange.fr": true, "laposte.net": true, "t-online.de": true, "hotmail.co.uk": true,
	"yahoo.co.uk": true, "yahoo.co.jp": true, "naver.com": true, "localhost": true, "example.com": true,
	"users.noreply.github.com": true, "noreply.github.com": true, "github.com": true,
}

// registrable reduces a host to the domain an organisation registers:
// the last two labels, or three under a country's second level
// (example.co.uk).
func registrable(host string) string {
	labels := strings.Split(strings.Trim(strings.ToLower(host), "."), ".")
	if len(labels) <= 2 {
		return strings.Join(labels, ".")
	}
	n := 2
	if len(labels[len(labels)-1]) == 2 {
		switch labels[len(labels)-2] {
		case "co", "com", "ac", "org", "net", "gov", "edu", "or", "ne", "go", "gv":
			n = 3
		}
	}
	return strings.Join(labels[len(labels)-n:], ".")
}

// orgOf names the organisation of an e-mail address, "" when the address
// does not say (free mail, no domain, a bot).
func orgOf(email string, orgs map[string]string) string {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if !ok || domain == "" || !strings.Contains(domain, ".") {
		return ""
	}
	for d := domain; d != ""; {
		if org, ok := orgs[d]; ok {
			return org
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok || !strings.Contains(rest, ".") {
			break
		}
		d = rest
	}
	if freeMailDomains[domain] || freeMailDomains[registrable(domain)] || strings.HasSuffix(domain, ".noreply.github.com") {
		return ""
	}
	return registrable(domain)
}

// minContributions is Scorecard's threshold for a contributor to count.
const minContributions = 5

func probeContributors(f *Facts) []finding {
	if f.History == nil {
		return []finding{newFinding(probeContributorOrgs, R.NotAvailable, "no git history: "+f.HistoryErr)}
	}
	counts := map[string]int{}
	for _, c := range f.History.Commits {
		if strings.HasSuffix(c.Author.Name, "[bot]") {
			continue
		}
		counts[strings.ToLower(c.Author.Email)]++
	}
	members := map[string][]string{}
	for email, n := range counts {
		if n < minContributions {
			continue
		}
		if org := orgOf(email, f.ContributorOrgs); org != "" {
			members[org] = append(members[org], email)
		}
	}
	orgs := make([]string, 0, len(members))
	for o := range members {
		orgs = append(orgs, o)
	}
	sort.Strings(orgs)
	var out []finding
	for _, o := range orgs {
		out = append(out, newFinding(probeContributorOrgs, R.True,
			fmt.Sprintf("contributor organisation %s (%d frequent contributors)", o, len(members[o]))).with("org", o))
	}
	if len(out) == 0 {
		out = append(out, newFinding(probeContributorOrgs, R.False,
			fmt.Sprintf("no organisation found among the authors with %d or more of the last %d commits", minContributions, len(f.History.Commits))))
	}
	return out
}

// maxChangesets is how many of the newest changes Scorecard reviews.
const maxChangesets = 30

// isForgeCommitter recognises the committer identity GitHub uses for
// changes merged, squashed or rebased through its interface.
func isForgeCommitter(name, email string) bool {
	e := strings.ToLower(email)
	return e == "noreply@github.com" || (strings.EqualFold(name, "GitHub") && strings.HasSuffix(e, "github.com"))
}

var reviewTrailers = []string{"Reviewed-by", "Reviewed-on", "Approved-by", "Acked-by"}

// reviewEvidence says why a change counts as reviewed, "" when nothing
// shows it was.
func reviewEvidence(c Commit, byHash map[string]*Commit) string {
	for _, k := range reviewTrailers {
		if v := c.TrailerValues(k); len(v) > 0 {
			return k + " " + v[0]
		}
	}
	if len(c.TrailerValues("Differential Revision")) > 0 && len(c.TrailerValues("Reviewed By")) > 0 {
		return "Phabricator review"
	}
	if len(c.TrailerValues("PiperOrigin-RevId")) > 0 {
		return "Piper review"
	}
	if len(c.Parents) >= 2 {
		if strings.HasPrefix(c.Subject, "Merge pull request #") {
			return "merged pull request"
		}
		if isForgeCommitter(c.Committer.Name, c.Committer.Email) {
			return "merged through the forge"
		}
		if tip, ok := byHash[c.Parents[1]]; ok {
			for _, k := range reviewTrailers {
				if v := tip.TrailerValues(k); len(v) > 0 {
					return k + " " + v[0] + " on the merged branch"
				}
			}
			if !strings.EqualFold(tip.Author.Email, c.Committer.Email) {
				return "merged by " + c.Committer.Name + ", not by the author " + tip.Author.Name
			}
		}
		return ""
	}
	if isForgeCommitter(c.Committer.Name, c.Committer.Email) && !strings.EqualFold(c.Author.Email, c.Committer.Email) {
		return "squashed or rebased through the forge"
	}
	return ""
}

func probeCodeReview(f *Facts) []finding {
	if f.History == nil {
		return []finding{newFinding(probeReviewed, R.NotAvailable, "no git history: "+f.HistoryErr)}
	}
	byHash := make(map[string]*Commit, len(f.History.Commits))
	for i := range f.History.Commits {
		byHash[f.History.Commits[i].Hash] = &f.History.Commits[i]
	}
	var out []finding
	c, ok := byHash[f.History.Head]
	for n := 0; ok && n < maxChangesets; n++ {
		label := short(c.Hash) + " " + oneLine(c.Subject)
		switch ev := reviewEvidence(*c, byHash); {
		case strings.HasSuffix(c.Author.Name, "[bot]"):
			out = append(out, newFinding(probeReviewed, R.NotApplicable, "changeset by a bot: "+label).with("bot", "1"))
		case ev != "":
			out = append(out, newFinding(probeReviewed, R.True, "reviewed ("+ev+"): "+label))
		default:
			out = append(out, newFinding(probeReviewed, R.False, "no review evidence: "+label))
		}
		if len(c.Parents) == 0 {
			break
		}
		c, ok = byHash[c.Parents[0]]
	}
	if len(out) == 0 {
		out = append(out, newFinding(probeReviewed, R.NotAvailable, "no changesets found"))
	}
	return out
}

func probeSignedReleases(f *Facts) []finding {
	if f.History == nil {
		return []finding{newFinding(probeTagSigned, R.NotAvailable, "no git history: "+f.HistoryErr)}
	}
	var out []finding
	for _, t := range f.History.Tags {
		switch {
		case t.Signature != "":
			out = append(out, newFinding(probeTagSigned, R.True, fmt.Sprintf("tag %s is signed (%s)", t.Name, t.Signature)))
		case t.Annotated:
			out = append(out, newFinding(probeTagSigned, R.False, "annotated tag "+t.Name+" is not signed"))
		default:
			out = append(out, newFinding(probeTagSigned, R.False, "lightweight tag "+t.Name+" cannot be signed"))
		}
	}
	if len(out) == 0 {
		return []finding{newFinding(probeTagSigned, R.NotAvailable, "no tags found")}
	}
	return append(out, newFinding(probeProvenance, R.NotAvailable, "release assets (signatures, provenance) are not part of a clone"))
}

func probeVulnerabilities(f *Facts) []finding {
	if f.Vulns == nil {
		return []finding{newFinding(probeNoVulns, R.NotAvailable, "no vulnerability database")}
	}
	var out []finding
	for _, g := range aliasGroups(f.Vulns.Findings) {
		ids := map[string]bool{}
		var comps []string
		for _, v := range g {
			ids[v.ID] = true
			for _, a := range v.Aliases {
				ids[a] = true
			}
			comps = appendOnce(comps, v.Component)
		}
		delete(ids, g[0].ID)
		var aliases []string
		for id := range ids {
			aliases = append(aliases, id)
		}
		sort.Strings(aliases)
		msg := g[0].ID
		if len(aliases) > 0 {
			msg += " (" + strings.Join(aliases, ", ") + ")"
		}
		out = append(out, newFinding(probeNoVulns, R.False, msg+" in "+strings.Join(comps, ", ")).at(g[0].Path, 0))
	}
	if len(out) == 0 {
		out = append(out, newFinding(probeNoVulns, R.True, "no known vulnerabilities in the dependencies"))
	}
	return out
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
