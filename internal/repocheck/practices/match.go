package practices

import (
	"path"
	"regexp"
	"strings"
)

// readmePatterns locate the README; they match with case.
var readmePatterns = []string{"README*", ".github/README*", "docs/README*"}

// matchFiles returns the paths matching patterns, pattern by pattern and
// in name order within one, as CLOMonitor's glob lists them. A pattern is
// a directory of lookDirs ("" for the root), a slash and a name glob; the
// directory matches with case, the name with case only when
// caseSensitive. Directories match too, as they do for CLOMonitor.
func matchFiles(entries map[string][]Entry, patterns []string, caseSensitive bool) []string {
	var out []string
	for _, p := range patterns {
		dir, glob := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		key := dir
		if key == "" {
			key = "."
		}
		if !caseSensitive {
			glob = strings.ToLower(glob)
		}
		for _, e := range entries[key] {
			name := e.Name
			if !caseSensitive {
				name = strings.ToLower(name)
			}
			if ok, _ := path.Match(glob, name); ok {
				out = append(out, path.Join(dir, e.Name))
			}
		}
	}
	return out
}

// findFile is the first path matching patterns, without regard to case.
func findFile(f *Facts, patterns ...string) (string, bool) {
	m := matchFiles(f.Entries, patterns, false)
	if len(m) == 0 {
		return "", false
	}
	return m[0], true
}

// readmeRef builds CLOMonitor's three README reference expressions for a
// word: a heading naming it, a line that is only the word (an underlined
// heading), or a link whose text names it.
func readmeRef(word string) []*regexp.Regexp {
	w := regexp.QuoteMeta(word)
	return []*regexp.Regexp{
		regexp.MustCompile(`(?im)^#+.*` + w + `.*$`),
		regexp.MustCompile(`(?im)^` + w + `$`),
		regexp.MustCompile(`(?i)\[.*` + w + `.*\]\(.*\)`),
	}
}

// readmeMatch reports the first README any of res matches.
func readmeMatch(f *Facts, res []*regexp.Regexp) (string, bool) {
	for _, r := range f.Readmes {
		for _, re := range res {
			if re.MatchString(r.Text) {
				return r.Path, true
			}
		}
	}
	return "", false
}

// readmeCapture returns the first capture group of the first expression
// matching, README by README, as CLOMonitor extracts badge links.
func readmeCapture(f *Facts, res []*regexp.Regexp) (value, file string, ok bool) {
	for _, r := range f.Readmes {
		for _, re := range res {
			if m := re.FindStringSubmatch(r.Text); len(m) > 1 {
				return m[1], r.Path, true
			}
		}
	}
	return "", "", false
}

// The README expressions of the checks that only read the README. They
// are CLOMonitor's, which its regex engine and Go's read alike.
var (
	reArtifactHub = []*regexp.Regexp{regexp.MustCompile(`(https://artifacthub.io/packages/[^"'\)]+)`)}
	reLicenseScan = []*regexp.Regexp{
		regexp.MustCompile(`(https://app.fossa.(?:io|com)/projects/[^"'\)]+)`),
		regexp.MustCompile(`(https://snyk.io/test/github/[^/]+/[^/"]+)`),
	}
	reOpenSSFBadge = []*regexp.Regexp{
		regexp.MustCompile(`(https://www.bestpractices.dev/projects/\d+)`),
		regexp.MustCompile(`(https://bestpractices.coreinfrastructure.org/projects/\d+)`),
	}
	reScorecardBadge = []*regexp.Regexp{
		regexp.MustCompile(`(https://api.scorecard.dev/projects/github.com/[^/]+/[^/]+)/badge`),
		regexp.MustCompile(`(https://api.securityscorecards.dev/projects/github.com/[^/]+/[^/]+)/badge`),
	}
	reCommunityMeeting = []*regexp.Regexp{
		regexp.MustCompile(`(?im)^#+.*meeting.*$`),
		regexp.MustCompile(`(?i)(community|developer|development|working group) \[?(call|event|meeting|session)`),
		regexp.MustCompile(`(?i)(weekly|biweekly|monthly) \[?meeting`),
		regexp.MustCompile(`(?i)meeting minutes`),
	}
	reSlack = []*regexp.Regexp{
		regexp.MustCompile(`(?i)https?://cloud-native.slack.com`),
		regexp.MustCompile(`(?i)https?://slack.cncf.io`),
		regexp.MustCompile(`(?i)https?://kubernetes.slack.com`),
		regexp.MustCompile(`(?i)https?://slack.k8s.io`),
	}
	reSBOM = []*regexp.Regexp{
		regexp.MustCompile(`(?im)^#+.*sbom.*$`),
		regexp.MustCompile(`(?im)^#+.*software bill of materials.*$`),
		regexp.MustCompile(`(?im)^sbom$`),
		regexp.MustCompile(`(?im)^software bill of materials$`),
	}
	reLicenseWord = regexp.MustCompile(`(?i)license`)
)
