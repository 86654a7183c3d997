package gitlog

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// requireGit skips the test when the git command is absent: the package is
// a reader of git's output and cannot be tested without it.
func requireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// gitEnv isolates the git commands of a test from the machine's and the
// user's configuration.
func gitEnv(t testing.TB, extra ...string) []string {
	home := t.TempDir()
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + home + "/gitconfig",
		"LC_ALL=C",
	}
	return append(env, extra...)
}

// git runs git in dir and returns its trimmed standard output.
func git(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(gitEnv(t), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// newRepo makes an empty repository with a fixed identity and branch.
func newRepo(t testing.TB, initArgs ...string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, nil, append([]string{"init", "-q", "-b", "main"}, initArgs...)...)
	git(t, dir, nil, "config", "user.name", "Test Runner")
	git(t, dir, nil, "config", "user.email", "runner@example.org")
	return dir
}

// commit records an empty commit with the given message, author and dates.
type commitSpec struct {
	msg                  string
	author, authorEmail  string
	authorDate           string
	committer, commEmail string
	commitDate           string
	extraArgs            []string
}

func (c commitSpec) env() []string {
	env := []string{
		"GIT_AUTHOR_NAME=" + c.author,
		"GIT_AUTHOR_EMAIL=" + c.authorEmail,
		"GIT_AUTHOR_DATE=" + c.authorDate,
		"GIT_COMMITTER_NAME=" + c.committer,
		"GIT_COMMITTER_EMAIL=" + c.commEmail,
		"GIT_COMMITTER_DATE=" + c.commitDate,
	}
	return env
}

func makeCommit(t testing.TB, dir string, c commitSpec) string {
	t.Helper()
	if c.committer == "" {
		c.committer, c.commEmail = c.author, c.authorEmail
	}
	if c.commitDate == "" {
		c.commitDate = c.authorDate
	}
	args := append([]string{"commit", "-q", "--allow-empty", "-m", c.msg}, c.extraArgs...)
	git(t, dir, c.env(), args...)
	return git(t, dir, nil, "rev-parse", "HEAD")
}
