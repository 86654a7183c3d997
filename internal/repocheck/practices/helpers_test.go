package practices

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ospo/internal/license"
	"ospo/internal/repocheck/result"
)

// testNow is the fixed "now" of the tests.
var testNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// testID is shared so that the license engines are built once.
var testID = license.NewIdentifier()

// writeTree writes files under dir. A value "testdata:<path>" copies a
// file of testdata; a key ending in "/" makes a directory.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if src, ok := strings.CutPrefix(content, "testdata:"); ok {
			data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(src)))
			if err != nil {
				t.Fatal(err)
			}
			content = string(data)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// gitEnvTest isolates git from the user's configuration and fixes the
// identity and both dates of what it records.
func gitEnvTest(home, when string) []string {
	env := []string{
		"HOME=" + home, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.org",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.org",
		"PATH=" + os.Getenv("PATH"),
	}
	if when != "" {
		env = append(env, "GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when)
	}
	return env
}

func runGit(t *testing.T, dir, when string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnvTest(t.TempDir(), when)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// commit is one step of a fixture history.
type commit struct {
	when   string // RFC 3339; both author and committer date
	msg    string
	signed bool
	files  map[string]string
	// tag, when set, tags the commit; tagWhen makes it an annotated tag
	// with that tagger date.
	tag, tagWhen string
	// merge makes the commit a merge of a side branch holding files.
	merge bool
}

// initRepo makes dir a git repository with the given history.
func initRepo(t *testing.T, dir string, commits []commit) {
	t.Helper()
	needGit(t)
	runGit(t, dir, "", "init", "-q", "-b", "main")
	for i, c := range commits {
		msg := c.msg
		if msg == "" {
			msg = "change " + string(rune('a'+i%26))
		}
		if c.signed {
			msg += "\n\nSigned-off-by: Ada <ada@example.org>"
		}
		if c.merge {
			runGit(t, dir, c.when, "checkout", "-q", "-b", "side")
			writeTree(t, dir, c.files)
			runGit(t, dir, c.when, "add", "-A")
			runGit(t, dir, c.when, "commit", "-q", "--allow-empty", "-m", "side work\n\nSigned-off-by: Ada <ada@example.org>")
			runGit(t, dir, c.when, "checkout", "-q", "main")
			runGit(t, dir, c.when, "merge", "-q", "--no-ff", "-m", msg, "side")
			runGit(t, dir, c.when, "branch", "-q", "-D", "side")
		} else {
			writeTree(t, dir, c.files)
			runGit(t, dir, c.when, "add", "-A")
			runGit(t, dir, c.when, "commit", "-q", "--allow-empty", "-m", msg)
		}
		switch {
		case c.tag != "" && c.tagWhen != "":
			runGit(t, dir, c.tagWhen, "tag", "-a", "-m", "release "+c.tag, c.tag)
		case c.tag != "":
			runGit(t, dir, c.when, "tag", c.tag)
		}
	}
}

// rate builds a fixture and rates it.
func rate(t *testing.T, files map[string]string, commits []commit, opts Options) Report {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	if commits != nil {
		initRepo(t, dir, commits)
	}
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	opts.Identifier = testID
	rep, err := Check(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func checkOf(t *testing.T, rep Report, id string) result.Check {
	t.Helper()
	for _, c := range rep.Checks {
		if c.Name == id {
			return c
		}
	}
	t.Fatalf("check %s not in the report", id)
	return result.Check{}
}

// outcome is what the per-check tables compare.
type outcome struct {
	Score  float64
	Reason string
	// Path and Line of the first finding.
	Path   string
	Line   int
	Exempt string
}

func outcomeOf(c result.Check) outcome {
	o := outcome{Score: c.Score, Reason: c.Reason, Exempt: c.Exempt}
	if len(c.Findings) > 0 {
		o.Path, o.Line = c.Findings[0].Path, c.Findings[0].Line
	}
	return o
}

// daysBefore is testNow minus n days, as git wants a date.
func daysBefore(n int) string {
	return testNow.AddDate(0, 0, -n).Format(time.RFC3339)
}
