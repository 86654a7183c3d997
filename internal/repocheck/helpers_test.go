package repocheck

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	R "ospo/internal/repocheck/result"
)

// requireGit skips a test that needs the git command when it is absent.
func requireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// fixture is a git repository made by a test.
type fixture struct {
	t    testing.TB
	dir  string
	home string
}

// newFixture makes an empty repository on branch main, isolated from the
// machine's and the user's git configuration.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	requireGit(t)
	fx := &fixture{t: t, dir: t.TempDir(), home: t.TempDir()}
	fx.git(nil, "init", "-q", "-b", "main")
	return fx
}

func (fx *fixture) env(extra []string) []string {
	return append([]string{
		"HOME=" + fx.home,
		"PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(fx.home, "gitconfig"),
		"LC_ALL=C",
		"GIT_AUTHOR_NAME=Test Author", "GIT_AUTHOR_EMAIL=author@example.org",
		"GIT_COMMITTER_NAME=Test Author", "GIT_COMMITTER_EMAIL=author@example.org",
	}, extra...)
}

// gitCmd prepares a git command in the fixture.
func (fx *fixture) gitCmd(args ...string) *exec.Cmd {
	cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
	cmd.Dir = fx.dir
	cmd.Env = fx.env(nil)
	return cmd
}

// git runs git in the fixture and returns its trimmed output.
func (fx *fixture) git(env []string, args ...string) string {
	fx.t.Helper()
	cmd := fx.gitCmd(args...)
	cmd.Env = fx.env(env)
	out, err := cmd.CombinedOutput()
	if err != nil {
		fx.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// write puts a file in the work tree.
func (fx *fixture) write(rel, content string) {
	fx.t.Helper()
	writeFile(fx.t, filepath.Join(fx.dir, filepath.FromSlash(rel)), []byte(content))
}

func writeFile(t testing.TB, abs string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(abs, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// who is a commit's author or committer.
type who struct{ name, email string }

// commitSpec describes a commit; empty fields take the fixture's
// defaults, and a zero committer is the author.
type commitSpec struct {
	msg       string
	author    who
	committer who
	date      time.Time
}

// commit stages everything and commits it with fixed identities and
// dates, returning the new commit's hash.
func (fx *fixture) commit(c commitSpec) string {
	fx.t.Helper()
	if c.author.name == "" {
		c.author = who{"Test Author", "author@example.org"}
	}
	if c.committer.name == "" {
		c.committer = c.author
	}
	if c.date.IsZero() {
		c.date = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	}
	d := c.date.Format(time.RFC3339)
	env := []string{
		"GIT_AUTHOR_NAME=" + c.author.name, "GIT_AUTHOR_EMAIL=" + c.author.email, "GIT_AUTHOR_DATE=" + d,
		"GIT_COMMITTER_NAME=" + c.committer.name, "GIT_COMMITTER_EMAIL=" + c.committer.email, "GIT_COMMITTER_DATE=" + d,
	}
	fx.git(env, "add", "-A")
	fx.git(env, "commit", "-q", "--allow-empty", "-m", c.msg)
	return fx.git(nil, "rev-parse", "HEAD")
}

// now is the fixed moment the history tests judge at.
var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// daysAgo is a commit date relative to now.
func daysAgo(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }

// factsOf writes files into a fresh directory (no git history) and
// collects the facts of it.
func factsOf(t testing.TB, files map[string]string, opts Options) *Facts {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(rel)), []byte(content))
	}
	if opts.Now.IsZero() {
		opts.Now = now
	}
	f, err := Collect(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// runNamed runs one check over facts.
func runNamed(t testing.TB, f *Facts, name string) R.Check {
	t.Helper()
	for _, d := range checkDefs() {
		if d.name == name {
			return runCheck(d, f)
		}
	}
	t.Fatalf("no check %s", name)
	return R.Check{}
}

// loc is a finding as the tests compare it.
type loc struct {
	Outcome R.Outcome
	Path    string
	Line    int
}

func locsOf(c R.Check, outcome R.Outcome) []loc {
	var out []loc
	for _, f := range c.Findings {
		if f.Outcome == outcome {
			out = append(out, loc{f.Outcome, f.Path, f.Line})
		}
	}
	return out
}
