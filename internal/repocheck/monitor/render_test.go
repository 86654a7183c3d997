package monitor

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"ospo/internal/repocheck/result"
)

// sampleReport is a run as Run builds it: a repository that moved (one
// check up, one new, one removed, commits between), one that did not,
// a first result, an inconclusive one, a failure — and hostile names.
func sampleReport() *RunReport {
	day := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	return &RunReport{
		RunID: 7, Scope: "clones", Trigger: "schedule", Started: day, Finished: day.Add(time.Minute),
		Repos: []RepoReport{
			{
				Name: "example.org/team/app", Path: "/src/app",
				Result: &result.Repo{Name: "example.org/team/app", Commit: "0123456789abcdef0123456789abcdef01234567", Score: 7.25, Rating: "B",
					Checks: []result.Check{{Name: "Security-Policy", Score: 10}, {Name: "Fuzzing", Score: 0}}},
				Previous: &Previous{RunID: 6, Commit: "fedcba9876543210fedcba9876543210fedcba98", Score: 5, Rating: "C", Date: day.Add(-24 * time.Hour)},
				Delta:    2.3, HasDelta: true,
				Changes: []CheckChange{
					{Name: "Security-Policy", Kind: Changed, Before: 0, After: 10, BeforeReason: "security policy file not detected", AfterReason: "security policy file detected"},
					{Name: "Fuzzing", Kind: Added, Before: result.Inconclusive, After: 0, AfterReason: "project is not fuzzed"},
					{Name: "CI-Tests", Kind: Removed, Before: 8, After: result.Inconclusive, BeforeReason: "8 out of 10 merged PRs checked"},
				},
				Commits:     []string{"0123456 Add SECURITY.md (fixes #12)", "abcdef0 Use *pinned* actions | tidy"},
				CommitsMore: true,
			},
			{
				Name:     "lib",
				Result:   &result.Repo{Name: "lib", Commit: "1111111111111111111111111111111111111111", Score: 9.5, Rating: "A"},
				Previous: &Previous{RunID: 6, Commit: "1111111111111111111111111111111111111111", Score: 9.5, Rating: "A"},
				HasDelta: true,
			},
			{Name: "fresh", Result: &result.Repo{Name: "fresh", Commit: "unknown", Score: 4}},
			{
				Name:     "empty",
				Result:   &result.Repo{Name: "empty", Score: result.Inconclusive},
				Previous: &Previous{Score: 3},
			},
			{Name: "broken", Path: "/src/broken", Err: "stat /src/broken: no such file or directory"},
		},
	}
}

func TestWriteMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden.md", b.Bytes())
}

func TestWriteHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden.html", b.Bytes())
}

// hostileReport names a repository, a check, a reason and a commit
// subject with markup that would run or link if rendered raw.
func hostileReport() *RunReport {
	rep := sampleReport()
	rr := &rep.Repos[0]
	rr.Name = "<script>alert(1)</script>"
	rr.Result.Name = rr.Name
	rr.Result.Rating = `"><img src=x onerror=alert(2)>`
	rr.Changes[0].Name = "<b>Security</b>"
	rr.Changes[0].AfterReason = "see [here](javascript:alert(3)) <iframe src=//evil.example>"
	rr.Commits[0] = "0123456 </li><script>alert(4)</script>"
	rr.CommitsNote = "<style>body{display:none}</style>"
	rep.Repos[4].Err = "<a href=\"javascript:alert(5)\">x</a>"
	rep.Scope = "<svg onload=alert(6)>"
	return rep
}

var htmlTag = regexp.MustCompile(`<\s*/?\s*([!a-zA-Z][a-zA-Z0-9]*)`)

var templateTags = map[string]bool{}

func init() {
	for _, tag := range strings.Fields("!doctype html head meta title style body h1 h2 h3 p table thead tbody tr th td code section ul li strong footer") {
		templateTags[tag] = true
	}
}

func TestWriteHTMLEscapesEverything(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, hostileReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// Every tag in the page is one the template writes.
	for _, m := range htmlTag.FindAllStringSubmatch(out, -1) {
		if !templateTags[strings.ToLower(m[1])] {
			t.Errorf("HTML output holds a <%s> tag the template does not write", m[1])
		}
	}
	if strings.Contains(out, `href="`) || strings.Contains(out, `src="`) {
		t.Error("HTML output holds a link or source attribute")
	}
	for _, good := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"&#34;&gt;&lt;img src=x onerror=alert(2)&gt;",
		"&lt;/li&gt;&lt;script&gt;alert(4)&lt;/script&gt;",
		"&lt;svg onload=alert(6)&gt;",
	} {
		if !strings.Contains(out, good) {
			t.Errorf("HTML output lacks the escaped text %q", good)
		}
	}
	// Self-contained: one inline style sheet, nothing fetched.
	if strings.Count(out, "<style>") != 1 || strings.Contains(out, "<link") || strings.Contains(out, "url(") {
		t.Error("HTML output is not self-contained")
	}
}

func TestWriteMarkdownEscapesEverything(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, hostileReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "<a ", "<b>", "[here](", `"><img`} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown output holds %q unescaped", bad)
		}
	}
	// Every summary row keeps its six cells: no value adds a "|".
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| Check") && !strings.HasPrefix(line, "| Security") &&
			!strings.Contains(line, "Before") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 7 &&
			strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 5 {
			t.Errorf("table row has a stray cell separator: %q", line)
		}
	}
}
