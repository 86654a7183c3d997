package jobs

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ospo/internal/portfolio"
	"ospo/internal/store"
)

// appFixture is a small npm project with its node_modules: twelve
// components, ckeditor5 (GPL-2.0-or-later) denied under the default policy
// for a distributed product.
const appFixture = "../cli/testdata/app"

func fixturePath(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs(appFixture)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// openQueue opens a queue on st and stops it when the test ends.
func openQueue(t testing.TB, st *store.Store, cfg Config) *Queue {
	t.Helper()
	q, err := Open(context.Background(), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop queue: %v", err)
		}
	})
	return q
}

func addProject(t testing.TB, pf *portfolio.Portfolio, name, distribution string) portfolio.Project {
	t.Helper()
	p, err := pf.AddProject(context.Background(), "test", portfolio.Project{Name: name, Distribution: distribution, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// waitIdle waits for the queue to be idle, failing the test after limit.
func waitIdle(t testing.TB, q *Queue, limit time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := q.WaitIdle(ctx); err != nil {
		jobs, _ := q.Jobs(context.Background(), 20)
		t.Fatalf("jobs not done after %s: %v; jobs: %+v", limit, err, jobs)
	}
}

// scanCount counts the stored scans of a project.
func scanCount(t testing.TB, st *store.Store, projectID int64) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRowContext(context.Background(), st.Rebind(`SELECT COUNT(*) FROM scans WHERE project_id = ?`), projectID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// gitRepo copies src into a new git repository at dst with one commit.
func gitRepo(t testing.TB, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "--quiet", "--initial-branch=main"},
		{"add", "--all"},
		{"-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "--no-gpg-sign", "-m", "initial"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dst
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// isEmptyDir tells whether dir has no entries.
func isEmptyDir(t testing.TB, dir string) bool {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return len(es) == 0
}

// waitFile waits until path exists or the deadline passes.
func waitFile(path string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}
