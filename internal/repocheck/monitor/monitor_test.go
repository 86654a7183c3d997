package monitor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/repocheck/result"
)

// fleet creates n clones under root named repo-00…, with contents that
// give them different scores, and returns their HEAD commits by name.
func fleet(t *testing.T, root string, n int) map[string]string {
	t.Helper()
	heads := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("repo-%02d", i)
		files := map[string]string{"README.md": "# " + name + "\n"}
		if i%2 == 0 {
			files["LICENSE"] = "Apache License\nVersion 2.0, January 2004\n"
		}
		if i%3 == 0 {
			files["SECURITY.md"] = "Report vulnerabilities to security@example.org.\n"
		}
		if i%4 == 1 {
			files["main.go"] = "package main\n\nfunc main() {}\n"
		}
		if i%5 == 4 {
			files["main.go"] = "package main\n\nfunc main() {}\n"
			files["main_test.go"] = "package main\n"
		}
		if i == 11 {
			files["tools/helper"] = elfHeader
		}
		heads[name] = makeRepo(t, filepath.Join(root, name), files)
	}
	return heads
}

func TestRunStoresHistoryAndReportsOnlyWhatChanged(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	heads := fleet(t, root, 20)
	st := openStore(t)

	scope, err := DiscoverScope(ctx, root, 1, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(scope.Repos) != 20 {
		t.Fatalf("scope has %d repositories, want 20", len(scope.Repos))
	}

	first, err := Run(ctx, st, scope, fileChecker, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Repos) != 20 || len(first.Failed()) != 0 || len(first.Changed()) != 0 {
		t.Fatalf("first run: %d repos, %d failed, %d changed; want 20, 0, 0", len(first.Repos), len(first.Failed()), len(first.Changed()))
	}
	for i, rr := range first.Repos {
		name := fmt.Sprintf("repo-%02d", i)
		if rr.Name != name || rr.Result == nil || rr.Previous != nil || rr.HasDelta {
			t.Fatalf("first run entry %d = %+v, want a first result of %s", i, rr, name)
		}
		if rr.Result.Commit != heads[name] || rr.Result.Source != "ospo" || rr.Result.Date.IsZero() {
			t.Errorf("%s: commit %q source %q date %v; want HEAD %s, source ospo, a date", name, rr.Result.Commit, rr.Result.Source, rr.Result.Date, heads[name])
		}
	}
	if got := first.Repos[11].Result; got.Checks[2].Score != 9 || got.Checks[2].Reason != "binaries present in source code: tools/helper" {
		t.Errorf("repo-11 Binary-Artifacts = %+v, want 9 for tools/helper", got.Checks[2])
	}

	// One repository gains a security policy in a new commit.
	changedRepo := filepath.Join(root, "repo-07")
	newHead := commitFiles(t, changedRepo, "Add a security policy", map[string]string{
		"SECURITY.md": "Report vulnerabilities to security@example.org.\n",
	})

	second, err := Run(ctx, st, scope, fileChecker, RunOptions{Parallelism: 4, Trigger: "schedule"})
	if err != nil {
		t.Fatal(err)
	}
	if second.RunID == first.RunID {
		t.Fatalf("both runs have id %d", first.RunID)
	}
	changed := second.Changed()
	if len(changed) != 1 {
		t.Fatalf("second run changed %d repositories, want only repo-07: %+v", len(changed), names(changed))
	}
	got := changed[0]
	// repo-07 has no license, no binaries and no Go code: License 0
	// (Low), Security-Policy 0→10 (Medium), Binary-Artifacts 10 (High),
	// Go-Tests inconclusive and left out of the aggregate.
	before := (7.5 * 10) / (2.5 + 5 + 7.5)
	after := (5*10 + 7.5*10) / (2.5 + 5 + 7.5)
	want := RepoReport{
		Name:     "repo-07",
		Path:     changedRepo,
		Previous: &Previous{RunID: first.RunID, Commit: heads["repo-07"], Score: before, Rating: "C"},
		Delta:    round1(after - before),
		HasDelta: true,
		Changes: []CheckChange{{
			Name: "Security-Policy", Kind: Changed, Before: 0, After: 10,
			BeforeReason: "security policy file not detected", AfterReason: "security policy file detected",
		}},
		Commits: []string{newHead[:7] + " Add a security policy"},
	}
	opts := cmp.Options{
		cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Result" }, cmp.Ignore()),
		cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Previous.Date" }, cmp.Ignore()),
	}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("repo-07 report (-want +got):\n%s", diff)
	}
	if got.Result.Commit != newHead || got.Result.Score != after || got.Result.Rating != "B" {
		t.Errorf("repo-07 result: commit %s score %v rating %s; want %s %v B", got.Result.Commit, got.Result.Score, got.Result.Rating, newHead, after)
	}
	for _, rr := range second.Repos {
		if rr.Name == "repo-07" {
			continue
		}
		if rr.Previous == nil || !rr.HasDelta || rr.Delta != 0 || rr.Changes != nil || rr.Commits != nil || rr.CommitsNote != "" {
			t.Errorf("%s moved though nothing changed: %+v", rr.Name, rr)
		}
	}

	// The history holds both results, oldest first, checks included.
	hist, err := History(ctx, st, "repo-07")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 {
		t.Fatalf("history of repo-07 has %d results, want 2", len(hist))
	}
	if hist[0].Commit != heads["repo-07"] || hist[1].Commit != newHead {
		t.Errorf("history commits %s, %s; want %s, %s", hist[0].Commit, hist[1].Commit, heads["repo-07"], newHead)
	}
	if diff := cmp.Diff(*got.Result, hist[1], timeEqual); diff != "" {
		t.Errorf("stored result differs from the reported one (-reported +stored):\n%s", diff)
	}
	var runs, results, checks int
	db := st.DB()
	for q, n := range map[string]*int{
		`SELECT COUNT(*) FROM repo_runs WHERE finished_at IS NOT NULL`: &runs,
		`SELECT COUNT(*) FROM repo_results`:                            &results,
		`SELECT COUNT(*) FROM repo_checks`:                             &checks,
	} {
		if err := db.QueryRow(q).Scan(n); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 2 || results != 40 || checks != 160 {
		t.Errorf("stored %d finished runs, %d results, %d checks; want 2, 40, 160", runs, results, checks)
	}
}

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func names(rs []RepoReport) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestRunAddedBinaryLowersOneCheckAndAlerts(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	fleet(t, root, 3)
	st := openStore(t)
	scope, err := DiscoverScope(ctx, root, 1, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, st, scope, fileChecker, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "repo-01")
	for i := range 4 {
		writeFiles(t, dir, map[string]string{fmt.Sprintf("bin/tool%d", i): elfHeader})
	}
	head := commitFiles(t, dir, "Commit build outputs", nil)
	rep, err := Run(ctx, st, scope, fileChecker, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	changed := rep.Changed()
	if len(changed) != 1 || changed[0].Name != "repo-01" {
		t.Fatalf("changed = %v, want [repo-01]", names(changed))
	}
	wantChanges := []CheckChange{{
		Name: "Binary-Artifacts", Kind: Changed, Before: 10, After: 6,
		BeforeReason: "no binaries found in the repo",
		AfterReason:  "binaries present in source code: bin/tool0, bin/tool1, bin/tool2, bin/tool3",
	}}
	if diff := cmp.Diff(wantChanges, changed[0].Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{head[:7] + " Commit build outputs"}, changed[0].Commits); diff != "" {
		t.Errorf("commits (-want +got):\n%s", diff)
	}

	// repo-01: License 0 (Low), Security-Policy 0 (Medium),
	// Binary-Artifacts 10→6 (High), Go-Tests 0 (Low).
	before := 7.5 * 10 / 17.5
	after := 7.5 * 6 / 17.5
	alerts := Evaluate(rep, Thresholds{MaxDrop: 1, MinCheck: 7})
	want := []Alert{
		{Repo: "repo-01", Before: before, After: after, Why: "score fell by 1.7, more than 1.0"},
		{Repo: "repo-01", Check: "License", Before: 0, After: 0, Why: "License scores 0.0, below 7.0: license file not detected"},
		{Repo: "repo-01", Check: "Security-Policy", Before: 0, After: 0, Why: "Security-Policy scores 0.0, below 7.0: security policy file not detected"},
		{Repo: "repo-01", Check: "Binary-Artifacts", Before: 10, After: 6, Why: "Binary-Artifacts scores 6.0, below 7.0: " + wantChanges[0].AfterReason},
		{Repo: "repo-01", Check: "Binary-Artifacts", Before: 10, After: 6, Why: "Binary-Artifacts fell from 10.0 to 6.0, more than 1.0: " + wantChanges[0].AfterReason},
		{Repo: "repo-01", Check: "Go-Tests", Before: 0, After: 0, Why: "Go-Tests scores 0.0, below 7.0: 1 Go files and no test file"},
		{Repo: "repo-02", Check: "Security-Policy", Before: 0, After: 0, Why: "Security-Policy scores 0.0, below 7.0: security policy file not detected"},
	}
	if diff := cmp.Diff(want, alerts); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
}

func TestRunFailingRepositoryIsAnEntryNotTheEnd(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	makeRepo(t, filepath.Join(root, "good"), map[string]string{"LICENSE": "MIT License\n"})
	scope := Scope{Name: "test", Repos: []Target{
		{Name: "missing", Path: filepath.Join(root, "missing")},
		{Name: "good", Path: filepath.Join(root, "good")},
		{Name: "panics", Path: filepath.Join(root, "good")},
	}}
	check := func(ctx context.Context, dir string) (*result.Repo, error) {
		return fileChecker(ctx, dir)
	}
	calls := 0
	panicky := func(ctx context.Context, dir string) (*result.Repo, error) {
		calls++
		if calls == 3 { // the third target, with Parallelism 1
			panic("index out of range")
		}
		return check(ctx, dir)
	}
	st := openStore(t)
	rep, err := Run(ctx, st, scope, panicky, RunOptions{Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	type entry struct{ Name, Err string }
	var got []entry
	for _, rr := range rep.Repos {
		got = append(got, entry{rr.Name, rr.Err})
	}
	want := []entry{
		{"missing", "stat " + filepath.Join(root, "missing") + ": no such file or directory"},
		{"good", ""},
		{"panics", "checker panicked: index out of range"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if rep.Repos[1].Result == nil || rep.Repos[1].Result.Commit == "" {
		t.Errorf("good repository has no stored result with a commit: %+v", rep.Repos[1])
	}
}

func TestRunRefusesResultsHistoryCannotHold(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		name string
		res  result.Repo
		want string
	}{
		{"duplicate check", result.Repo{Score: 5, Checks: []result.Check{{Name: "A", Score: 1}, {Name: "A", Score: 2}}}, "check A appears twice"},
		{"score out of range", result.Repo{Score: 11}, "aggregate score 11 is not -1 or 0–10"},
		{"unnamed check", result.Repo{Score: 1, Checks: []result.Check{{Score: 1}}}, "a check has no name"},
	}
	st := openStore(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res
			rep, err := Run(ctx, st, Scope{Repos: []Target{{Name: "x", Path: dir}}},
				func(context.Context, string) (*result.Repo, error) { return &res, nil }, RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := rep.Repos[0].Err; got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunCancelledStopsWithContextError(t *testing.T) {
	root := t.TempDir()
	fleet(t, root, 3)
	scope, err := DiscoverScope(context.Background(), root, 1, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := openStore(t)
	check := func(c context.Context, dir string) (*result.Repo, error) {
		cancel()
		<-c.Done()
		return nil, c.Err()
	}
	_, err = Run(ctx, st, scope, check, RunOptions{Parallelism: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestCommitRangeIsBoundedAndExplainsUnknownCommits(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "busy")
	first := makeRepo(t, dir, map[string]string{"README": "v0\n"})
	for i := 1; i <= 25; i++ {
		commitFiles(t, dir, fmt.Sprintf("Change %d", i), map[string]string{"README": fmt.Sprintf("v%d\n", i)})
	}
	head := gitT(t, dir, "rev-parse", "HEAD")
	lines, more, err := commitRange(ctx, dir, first, head)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 20 || !more || !strings.HasSuffix(lines[0], " Change 25") || !strings.HasSuffix(lines[19], " Change 6") {
		t.Errorf("range = %d lines (more %v): first %q last %q; want 20 newest, more", len(lines), more, lines[0], lines[len(lines)-1])
	}
	if _, _, err := commitRange(ctx, dir, "--output=/tmp/x", head); err == nil {
		t.Error("an option-like commit id was handed to git")
	}

	// A clone whose history was replaced cannot list the range: the note
	// says so and the run goes on.
	st := openStore(t)
	scope := Scope{Repos: []Target{{Name: "busy", Path: dir}}}
	if _, err := Run(ctx, st, scope, fileChecker, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, ".git")); err != nil {
		t.Fatal(err)
	}
	fresh := makeRepo(t, dir, map[string]string{"SECURITY.md": "Mail security@example.org.\n"})
	rep, err := Run(ctx, st, scope, fileChecker, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rr := rep.Repos[0]
	if rr.Commits != nil || !strings.HasPrefix(rr.CommitsNote, "commits "+head[:7]+".."+fresh[:7]+" not listed: git log: ") {
		t.Errorf("commits %v, note %q; want a note naming the range", rr.Commits, rr.CommitsNote)
	}
}
