package gitlog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// collect reads the whole sequence.
func collect(ctx context.Context, dir string, opts Options) ([]Commit, error) {
	var out []Commit
	for c, err := range Log(ctx, dir, opts) {
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// historyRepo builds a small history with the shapes the reader must
// handle: trailers (folded, several), a quoted sign-off that is not a
// trailer, non-ASCII names and subjects, distinct author and committer,
// and a merge.
func historyRepo(t *testing.T) (string, []Commit) {
	t.Helper()
	dir := newRepo(t)
	alice := Person{"Alice Example", "alice@example.org"}
	bob := Person{"Bob Builder", "bob@example.org"}
	carol := Person{"Carol Committer", "carol@example.org"}
	zoe := Person{"Zoë Ünicode", "zoe@example.org"}

	var want []Commit
	add := func(c Commit, body string, extra ...string) {
		h := makeCommit(t, dir, commitSpec{
			msg: c.Subject + body, author: c.Author.Name, authorEmail: c.Author.Email,
			authorDate: c.Time.Format(time.RFC3339), committer: c.Committer.Name, commEmail: c.Committer.Email,
			commitDate: c.CommitTime.Format(time.RFC3339), extraArgs: extra,
		})
		c.Hash = h
		want = append([]Commit{c}, want...)
	}
	add(Commit{Author: alice, Committer: alice, Subject: "Add the first file",
		Time: mustTime(t, "2024-01-02T03:04:05+01:00"), CommitTime: mustTime(t, "2024-01-02T03:04:05+01:00")}, "")
	add(Commit{Author: bob, Committer: carol, Subject: "Fix the parser",
		Time: mustTime(t, "2024-02-03T10:00:00Z"), CommitTime: mustTime(t, "2024-02-04T11:00:00-05:00"),
		Trailers: []Trailer{
			{"Signed-off-by", "Bob Builder <bob@example.org>"},
			{"Co-authored-by", "Carol Committer <carol@example.org>"},
			{"Reviewed-by", "Dave Long Name <dave@example.org>"},
		}},
		"\n\nA longer explanation.\n\n"+
			"Signed-off-by: Bob Builder <bob@example.org>\n"+
			"Co-authored-by: Carol Committer <carol@example.org>\n"+
			"Reviewed-by: Dave Long\n  Name <dave@example.org>")
	add(Commit{Author: zoe, Committer: zoe, Subject: "Handle naïve ✓ input",
		Time: mustTime(t, "2024-03-01T00:00:00+05:30"), CommitTime: mustTime(t, "2024-03-01T00:00:00+05:30")},
		"\n\nSigned-off-by: Quoted Person <quoted@example.org>\n\n"+
			"This paragraph ends the message, so the line above is prose, not a trailer.")

	git(t, dir, nil, "checkout", "-q", "-b", "side")
	add(Commit{Author: alice, Committer: alice, Subject: "Side work",
		Time: mustTime(t, "2024-04-01T00:00:00Z"), CommitTime: mustTime(t, "2024-04-01T00:00:00Z"),
		Trailers: []Trailer{{"Signed-off-by", "Alice Example <alice@example.org>"}}},
		"\n\nSigned-off-by: Alice Example <alice@example.org>")
	git(t, dir, nil, "checkout", "-q", "main")
	add(Commit{Author: bob, Committer: bob, Subject: "Main work",
		Time: mustTime(t, "2024-05-01T00:00:00Z"), CommitTime: mustTime(t, "2024-05-01T00:00:00Z")}, "")

	merge := Commit{Author: carol, Committer: carol, Subject: "Merge branch 'side'",
		Time: mustTime(t, "2024-06-01T00:00:00Z"), CommitTime: mustTime(t, "2024-06-01T00:00:00Z")}
	git(t, dir, commitSpec{author: carol.Name, authorEmail: carol.Email, authorDate: "2024-06-01T00:00:00Z",
		committer: carol.Name, commEmail: carol.Email, commitDate: "2024-06-01T00:00:00Z"}.env(),
		"merge", "-q", "--no-ff", "-m", merge.Subject, "side")
	merge.Hash = git(t, dir, nil, "rev-parse", "HEAD")
	want = append([]Commit{merge}, want...)
	return dir, want
}

func TestLog(t *testing.T) {
	requireGit(t)
	dir, all := historyRepo(t)
	noMerge := all[1:]

	tests := []struct {
		name string
		opts Options
		want []Commit
	}{
		{"whole history", Options{}, all},
		{"limit", Options{Limit: 2}, all[:2]},
		{"limit above the history", Options{Limit: 500}, all},
		{"no merges", Options{NoMerges: true}, noMerge},
		{"no merges and limit", Options{NoMerges: true, Limit: 1}, noMerge[:1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := collect(t.Context(), dir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Log() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLogKeepsZones(t *testing.T) {
	requireGit(t)
	dir, _ := historyRepo(t)
	got, err := collect(t.Context(), dir, Options{NoMerges: true})
	if err != nil {
		t.Fatal(err)
	}
	var zones []string
	for _, c := range got {
		zones = append(zones, c.Time.Format("-07:00")+" "+c.CommitTime.Format("-07:00"))
	}
	want := []string{"+00:00 +00:00", "+00:00 +00:00", "+05:30 +05:30", "+00:00 -05:00", "+01:00 +01:00"}
	if diff := cmp.Diff(want, zones); diff != "" {
		t.Errorf("zones mismatch (-want +got):\n%s", diff)
	}
}

func TestSignedOff(t *testing.T) {
	requireGit(t)
	dir, _ := historyRepo(t)
	got, err := collect(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var signed []string
	for _, c := range got {
		if c.SignedOff() {
			signed = append(signed, c.Subject+": "+strings.Join(c.TrailerValues("signed-off-by"), ", "))
		}
	}
	want := []string{
		"Side work: Alice Example <alice@example.org>",
		"Fix the parser: Bob Builder <bob@example.org>",
	}
	if diff := cmp.Diff(want, signed); diff != "" {
		t.Errorf("signed-off commits mismatch (-want +got):\n%s", diff)
	}
}

func TestLogSHA256(t *testing.T) {
	requireGit(t)
	dir := t.TempDir()
	cmd := exec.Command("git", "init", "-q", "--object-format=sha256", dir)
	cmd.Env = gitEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("this git cannot make SHA-256 repositories: %v %s", err, out)
	}
	h := makeCommit(t, dir, commitSpec{msg: "One", author: "A", authorEmail: "a@example.org", authorDate: "2024-01-01T00:00:00Z"})
	got, err := collect(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Hash != h || len(h) != 64 {
		t.Errorf("got %+v, want one commit %s", got, h)
	}
}

func TestLogErrors(t *testing.T) {
	requireGit(t)
	repo := newRepo(t)
	makeCommit(t, repo, commitSpec{msg: "One", author: "A", authorEmail: "a@example.org", authorDate: "2024-01-01T00:00:00Z"})
	inside := filepath.Join(repo, "sub")
	if err := os.Mkdir(inside, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(repo, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	bare := filepath.Join(t.TempDir(), "bare.git")
	git(t, repo, nil, "clone", "-q", "--bare", repo, bare)

	tests := []struct {
		name    string
		dir     string
		opts    Options
		commits int
		wantErr error
	}{
		{"bare repository", bare, Options{}, 1, nil},
		{"plain directory", t.TempDir(), Options{}, 0, ErrNotRepository},
		{"directory inside a repository", inside, Options{}, 0, ErrNotRepository},
		{"directory inside a repository, discovering", inside, Options{Discover: true}, 1, nil},
		{"a file", file, Options{}, 0, ErrNotRepository},
		{"missing directory", filepath.Join(repo, "nope"), Options{}, 0, fs.ErrNotExist},
		{"git missing", repo, Options{Git: "ospo-no-such-git-command"}, 0, ErrGitNotFound},
		{"repository without commits", newRepo(t), Options{}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := collect(t.Context(), tt.dir, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if len(got) != tt.commits {
				t.Errorf("got %d commits, want %d", len(got), tt.commits)
			}
		})
	}
}

// TestLogIgnoresGitDir checks that a GIT_DIR in the caller's environment
// (set when ospo runs from a git hook) does not redirect the reader.
func TestLogIgnoresGitDir(t *testing.T) {
	requireGit(t)
	mine := newRepo(t)
	h := makeCommit(t, mine, commitSpec{msg: "Mine", author: "A", authorEmail: "a@example.org", authorDate: "2024-01-01T00:00:00Z"})
	other := newRepo(t)
	makeCommit(t, other, commitSpec{msg: "Other", author: "B", authorEmail: "b@example.org", authorDate: "2024-01-01T00:00:00Z"})
	t.Setenv("GIT_DIR", filepath.Join(other, ".git"))

	got, err := collect(t.Context(), mine, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Hash != h {
		t.Errorf("got %+v, want the one commit of %s", got, mine)
	}
}

// longRepo makes n commits quickly with git fast-import; each commit
// continues the branch, so no parent needs naming.
func longRepo(t testing.TB, n int) string {
	t.Helper()
	dir := newRepo(t)
	var b strings.Builder
	for i := range n {
		msg := fmt.Sprintf("Commit %d\n\nSigned-off-by: A <a@example.org>\n", i)
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter A <a@example.org> %d +0000\ndata %d\n%s", 1700000000+i, len(msg), msg)
		b.WriteString("\n")
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Env = gitEnv(t)
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	return dir
}

func TestLogStopsEarly(t *testing.T) {
	requireGit(t)
	dir := longRepo(t, 1000)

	t.Run("consumer stops", func(t *testing.T) {
		n := 0
		for _, err := range Log(t.Context(), dir, Options{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if n == 10 {
				break
			}
		}
		if n != 10 {
			t.Errorf("read %d commits, want 10", n)
		}
	})
	t.Run("context cancelled while reading", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		n := 0
		var last error
		for _, err := range Log(ctx, dir, Options{}) {
			if err != nil {
				last = err
				break
			}
			n++
			if n == 10 {
				cancel()
			}
		}
		// Commits already buffered may still arrive; what matters is that
		// the sequence ends with the cancellation, before the history ends.
		if !errors.Is(last, context.Canceled) || n >= 1000 {
			t.Errorf("read %d commits, last error %v; want fewer than 1000 and context.Canceled", n, last)
		}
	})
	t.Run("context cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		got, err := collect(ctx, dir, Options{})
		if !errors.Is(err, context.Canceled) || len(got) != 0 {
			t.Errorf("got %d commits, error %v; want none and context.Canceled", len(got), err)
		}
	})
	t.Run("limit", func(t *testing.T) {
		got, err := collect(t.Context(), dir, Options{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 200 || got[0].Subject != "Commit 999" || !got[199].SignedOff() {
			t.Errorf("got %d commits starting %q", len(got), got[0].Subject)
		}
	})
}

func BenchmarkLog(b *testing.B) {
	requireGit(b)
	dir := longRepo(b, 3000)
	for b.Loop() {
		n := 0
		for _, err := range Log(b.Context(), dir, Options{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 3000 {
			b.Fatalf("read %d commits", n)
		}
	}
}
