package repocheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	R "ospo/internal/repocheck/result"
	"ospo/internal/vuln/osv"
)

// memSource is a vulnerability database held in memory.
type memSource []*osv.Record

func (m memSource) LookupMany(_ context.Context, eco string, names []string) (map[string][]*osv.Record, error) {
	out := map[string][]*osv.Record{}
	for _, r := range m {
		for _, a := range r.Affected {
			if osv.BaseEcosystem(a.Package.Ecosystem) == eco && slices.Contains(names, a.Package.Name) &&
				!slices.Contains(out[a.Package.Name], r) {
				out[a.Package.Name] = append(out[a.Package.Name], r)
			}
		}
	}
	return out, nil
}

func loadRecords(t *testing.T) memSource {
	t.Helper()
	paths, _ := filepath.Glob("testdata/osv/*.json")
	var src memSource
	for _, p := range paths {
		r, err := osv.Parse(readTestdata(t, p))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		src = append(src, r)
	}
	return src
}

// demoRepo is a small project with most of what the checks look for.
func demoRepo(t *testing.T) *fixture {
	fx := newFixture(t)
	fx.write("LICENSE", string(readTestdata(t, "testdata/licenses/BSD-3-Clause.txt")))
	fx.write("SECURITY.md", "# Security\n\nReport vulnerabilities to security@alpha.io; we answer within 14 days.\n")
	fx.write(".github/dependabot.yml", "version: 2\n")
	fx.write(".github/workflows/ci.yml", `on:
  push:
  pull_request:
permissions: read-all
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@`+sha40+`
      - uses: actions/setup-go@v5
      - run: go test ./...
      - uses: github/codeql-action/analyze@`+sha40+`
`)
	fx.write("go.mod", "module example.org/demo\n\ngo 1.21.0\n\nrequire golang.org/x/text v0.3.7\n")
	fx.write("main.go", "package main\n\nfunc main() {}\n")
	fx.write("main_test.go", "package main\n\nimport \"testing\"\n\nfunc TestMain(t *testing.T) {}\n")
	fx.commit(commitSpec{msg: "start", author: who{"Alice", "alice@alpha.io"}, date: daysAgo(200)})
	for i := 0; i < 12; i++ {
		a := who{"Alice", "alice@alpha.io"}
		if i%2 == 1 {
			a = who{"Bob", "bob@beta.dev"}
		}
		msg := fmt.Sprintf("change %d", i)
		if i < 4 {
			msg += "\n\nReviewed-by: Carol <carol@gamma.dev>"
		}
		fx.write("notes.txt", msg)
		fx.commit(commitSpec{msg: msg, author: a, date: daysAgo(84 - 7*i)})
	}
	d := daysAgo(3).Format(time.RFC3339)
	fx.git([]string{"GIT_COMMITTER_DATE=" + d}, "tag", "-a", "-m", "first release", "v0.1.0")
	return fx
}

func TestCheckEndToEnd(t *testing.T) {
	fx := demoRepo(t)
	r, err := Check(context.Background(), fx.dir, Options{Now: now, Vulns: loadRecords(t), Name: "example.org/demo"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range r.Checks {
		got[c.Name] = int(c.Score)
	}
	want := map[string]int{
		"Binary-Artifacts": 10,
		"CI-Tests":         10, // go test ./... in the workflow
		// 13 changesets, 4 with a Reviewed-by trailer: 40/13 = 3.
		"Code-Review": 3,
		// alpha.io (7 commits) and beta.dev (6): Proportional(2, 3) = 6.
		"Contributors":           6,
		"Dangerous-Workflow":     10,
		"Dependency-Update-Tool": 10,
		"Fuzzing":                0,
		"License":                10, // BSD-3-Clause: file 9 + approved 1
		"Maintained":             10, // 12 commits in 90 days: 120/12
		"Packaging":              R.Inconclusive,
		// GitHub-owned actions only, 2 of 3 pinned: 20/3 = 6.
		"Pinned-Dependencies": 6,
		"SAST":                10,
		"Security-Policy":     10,
		"Signed-Releases":     0, // one annotated tag, unsigned
		"Token-Permissions":   10,
		// x/text v0.3.7: GO-2022-1059 and GHSA-69ch-w2m2-3vjp share
		// CVE-2022-32149, one vulnerability; go 1.21.0's GO-2024-2687 is
		// the standard library's and dropped: 10 − 1.
		"Vulnerabilities": 9,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
	// High 7.5·(10+3+10+10+0+10+9) = 390, Critical 10·10 = 100, Medium
	// 5·(0+6+10+10) = 130, Low 2.5·(10+6+10) = 65; weights 52.5 + 10 + 20
	// + 7.5 = 90: 685/90 = 7.61.
	if fmt.Sprintf("%.2f", r.Score) != "7.61" {
		t.Errorf("aggregate %v, want 7.61", r.Score)
	}
	if r.Name != "example.org/demo" || r.Commit != fx.git(nil, "rev-parse", "HEAD") || r.Source != "ospo" || !r.Date.Equal(now) {
		t.Errorf("header: %q %q %q %v", r.Name, r.Commit, r.Source, r.Date)
	}
	v, _ := r.Check("Vulnerabilities")
	if len(v.Findings) != 1 || v.Findings[0].Message != "GO-2022-1059 (CVE-2022-32149, GHSA-69ch-w2m2-3vjp) in golang.org/x/text@v0.3.7" ||
		v.Findings[0].Path != "go.mod" {
		t.Errorf("vulnerability findings: %+v", v.Findings)
	}
	for _, c := range r.Checks {
		for _, f := range c.Findings {
			if f.Outcome == R.False && f.Remediation == "" {
				t.Errorf("%s: a False finding without remediation: %+v", c.Name, f)
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteScorecardJSON(&buf, r, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"score": 7.6,`) {
		t.Errorf("JSON aggregate not 7.6:\n%s", buf.String())
	}
}

func TestCheckWithoutVulnerabilityDatabase(t *testing.T) {
	fx := newFixture(t)
	fx.write("go.mod", "module x\n\nrequire golang.org/x/text v0.3.7\n")
	fx.commit(commitSpec{msg: "x"})
	r, err := Check(context.Background(), fx.dir, Options{Now: now, Checks: []string{"vulnerabilities"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Checks) != 1 || r.Checks[0].Score != R.Inconclusive || r.Checks[0].Reason != "no vulnerability database" {
		t.Errorf("got %+v", r.Checks)
	}
	if r.Score != R.Inconclusive {
		t.Errorf("aggregate %v, want inconclusive", r.Score)
	}
}

func TestCheckErrors(t *testing.T) {
	if _, err := Check(context.Background(), t.TempDir(), Options{Checks: []string{"Branch-Protection"}}); !errors.Is(err, ErrUnknownCheck) {
		t.Errorf("unknown check: err = %v", err)
	}
	if _, err := Check(context.Background(), filepath.Join(t.TempDir(), "missing"), Options{}); err == nil {
		t.Error("missing directory: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Check(ctx, t.TempDir(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

// TestChecksListed keeps the list honest: every check has a known risk
// and documentation, every probe constant has its texts, and every probe
// a check reports is documented.
func TestChecksListed(t *testing.T) {
	names := CheckNames()
	if !sort.StringsAreSorted(names) || len(names) != 16 {
		t.Errorf("checks: %v", names)
	}
	for _, d := range checkDefs() {
		if _, ok := riskWeights[d.risk]; !ok || d.short == "" || d.probe == nil || d.score == nil {
			t.Errorf("%s is incomplete", d.name)
		}
		if scorecardRisks[d.name] != d.risk {
			t.Errorf("%s: risk %s, Scorecard's is %s", d.name, d.risk, scorecardRisks[d.name])
		}
		if d.exact != (d.note == "") {
			t.Errorf("%s: an approximate check needs a note, an exact one none", d.name)
		}
	}
	src, err := os.ReadFile("probes.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range probeDocs {
		if seen[d.Name] || d.Description == "" || d.Motivation == "" || d.Remediation == "" || RiskOf(d.Check) == "" {
			t.Errorf("probe %s: duplicate or incomplete documentation", d.Name)
		}
		seen[d.Name] = true
	}
	if n := strings.Count(string(src), "\tprobe") - len(probeDocs); n != 0 {
		t.Errorf("%d probe constants without documentation", n)
	}
	// Every probe a check emits on the demo facts is documented.
	f := factsOf(t, map[string]string{".github/workflows/w.yml": "on: push\njobs:\n  a:\n    steps:\n      - run: make\n"}, Options{})
	for _, d := range checkDefs() {
		for _, fd := range d.probe(f) {
			if _, ok := probeDocOf(fd.Probe); !ok {
				t.Errorf("%s emits undocumented probe %q", d.name, fd.Probe)
			}
		}
	}
}

// BenchmarkCheckLargeRepo runs every check but Vulnerabilities on a large
// real clone named by OSPO_BIG_REPO (for instance a full clone of
// kubernetes/kubernetes); without it the benchmark is skipped. See
// BenchmarkCheckLongHistory for a history of any length made on the spot.
func BenchmarkCheckLargeRepo(b *testing.B) {
	dir := os.Getenv("OSPO_BIG_REPO")
	if dir == "" {
		b.Skip("OSPO_BIG_REPO does not name a clone")
	}
	benchCheck(b, dir)
}

// BenchmarkCheckLongHistory makes a repository of 50,000 commits with git
// fast-import (a few seconds, once) and checks it: the history read is
// bounded, so its length must not show in the time.
func BenchmarkCheckLongHistory(b *testing.B) {
	requireGit(b)
	fx := newFixture(b)
	var buf bytes.Buffer
	const commits = 50000
	start := now.Add(-commits * time.Hour).Unix()
	for i := 1; i <= commits; i++ {
		fmt.Fprintf(&buf, "commit refs/heads/main\nmark :%d\nauthor Dev%d <dev%d@org%d.example> %d +0000\ncommitter Dev%d <dev%d@org%d.example> %d +0000\ndata <<EOT\nchange %d\nEOT\n",
			i, i%50, i%50, i%7, start+int64(i)*3600, i%50, i%50, i%7, start+int64(i)*3600, i)
		if i > 1 {
			fmt.Fprintf(&buf, "from :%d\n", i-1)
		}
		fmt.Fprintf(&buf, "M 644 inline file%d.txt\ndata <<EOT\n%d\nEOT\n\n", i%200, i)
	}
	cmd := fx.gitCmd("fast-import", "--quiet")
	cmd.Stdin = &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("fast-import: %v %s", err, out)
	}
	fx.git(nil, "reset", "-q", "--hard", "main")
	benchCheck(b, fx.dir)
}

func benchCheck(b *testing.B, dir string) {
	checks := slices.DeleteFunc(CheckNames(), func(n string) bool { return n == checkVulnerabilities })
	id := Options{}.identifier()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Check(context.Background(), dir, Options{Checks: checks, Identifier: id}); err != nil {
			b.Fatal(err)
		}
	}
}
