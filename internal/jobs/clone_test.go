package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"ospo/internal/license"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

// TestCloneDirPerAttempt runs two attempts of one scan job at once, as
// a rescue does while the first attempt still runs (or as workers of
// two databases do with the same job id): each clones into a directory
// of its own, neither removes the other's, and an attempt that ends
// leaves nothing behind.
func TestCloneDirPerAttempt(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	pf := portfolio.New(st, portfolio.Options{})
	p := addProject(t, pf, "app", "")
	repo := filepath.Join(t.TempDir(), "app")
	gitRepo(t, fixturePath(t), repo)
	clones := t.TempDir()

	held := make(chan int, 2)                                                        // attempts at the barrier
	release := map[int]chan struct{}{1: make(chan struct{}), 2: make(chan struct{})} // by attempt
	q, err := Open(ctx, st, Config{Portfolio: pf, CloneDir: clones,
		beforeIngest: func(ctx context.Context, job *rivertype.JobRow) error {
			held <- job.Attempt
			select {
			case <-release[job.Attempt]:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	w := &scanWorker{q: q}
	done := map[int]chan error{}
	for attempt := 1; attempt <= 2; attempt++ {
		job := &river.Job[ScanArgs]{
			JobRow: &rivertype.JobRow{ID: 7, Attempt: attempt, Kind: KindScan},
			Args:   ScanArgs{ProjectID: p.ID, URL: "file://" + repo},
		}
		ended := make(chan error, 1)
		done[attempt] = ended
		go func() { ended <- w.Work(ctx, job) }()
	}
	for range 2 {
		select {
		case <-held:
		case err := <-done[1]:
			t.Fatalf("attempt 1 ended before storing: %v", err)
		case err := <-done[2]:
			t.Fatalf("attempt 2 ended before storing: %v", err)
		case <-time.After(time.Minute):
			t.Fatal("the attempts did not reach the barrier")
		}
	}

	dirs := cloneDirs(t, clones)
	if len(dirs) != 2 {
		t.Fatalf("clone directories while both attempts run: %v, want two", dirs)
	}
	for _, d := range dirs {
		if !strings.HasPrefix(d, "ospo-job-7-") {
			t.Errorf("clone directory %s, want ospo-job-7-…", d)
		}
		if _, err := os.Stat(filepath.Join(clones, d, "package.json")); err != nil {
			t.Errorf("clone %s is not whole: %v", d, err)
		}
	}

	close(release[1])
	if err := <-done[1]; err != nil {
		t.Fatalf("attempt 1: %v", err)
	}
	if left := cloneDirs(t, clones); len(left) != 1 || !strings.HasPrefix(left[0], "ospo-job-7-") {
		t.Errorf("after attempt 1 ended: %v, want only attempt 2's clone", left)
	}
	close(release[2])
	if err := <-done[2]; err != nil {
		t.Fatalf("attempt 2: %v", err)
	}
	if left := cloneDirs(t, clones); len(left) != 0 {
		t.Errorf("after both attempts ended: %v left behind", left)
	}
	if n := scanCount(t, st, p.ID); n != 2 {
		t.Errorf("%d scans stored, want one per attempt", n)
	}
}

// cloneDirs lists the entries of the clone directory.
func cloneDirs(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// gitHistory makes a git repository at dst from src whose history began
// 200 days ago and goes on to ten days ago, by authors of three
// organisations, with a release tag: what the Maintained and
// Contributors checks read.
func gitHistory(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	git := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dst
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	now := time.Now()
	git("", "init", "--quiet", "--initial-branch=main")
	for i, c := range []struct {
		daysAgo int
		author  string
	}{
		{200, "Ann <ann@alpha.example>"}, {120, "Bob <bob@beta.example>"}, {60, "Cid <cid@gamma.example>"},
		{30, "Ann <ann@alpha.example>"}, {10, "Bob <bob@beta.example>"},
	} {
		date := now.Add(-time.Duration(c.daysAgo) * 24 * time.Hour).Format(time.RFC3339)
		name, email, _ := strings.Cut(strings.TrimSuffix(c.author, ">"), " <")
		if err := os.WriteFile(filepath.Join(dst, "CHANGES"), fmt.Appendf(nil, "change %d\n", i), 0o644); err != nil {
			t.Fatal(err)
		}
		git(date, "add", "--all")
		git(date, "-c", "user.name="+name, "-c", "user.email="+email, "commit", "--quiet", "--no-gpg-sign", "-m", fmt.Sprintf("change %d", i))
		if i == 2 {
			git(date, "-c", "user.name="+name, "-c", "user.email="+email, "tag", "--no-sign", "-a", "v1.0.0", "-m", "release 1.0.0")
		}
	}
}

// TestScanJobHistory: a scan with the repository check clones the whole
// history (without old file contents), so the stored health is the one
// the checks give on the repository itself, not that of a one-commit
// clone (a project "created in the last 90 days" with one contributor).
func TestScanJobHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		pf := portfolio.New(st, portfolio.Options{})
		p := addProject(t, pf, "app", "")
		repo := filepath.Join(t.TempDir(), "app")
		gitHistory(t, fixturePath(t), repo)
		want, err := repocheck.Check(ctx, repo, repocheck.Options{Identifier: license.NewIdentifier(), Name: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := want.Check("Maintained"); c.Score <= 0 {
			t.Fatalf("the fixture's own Maintained check: %+v, want a positive score", c)
		}

		q := openQueue(t, st, Config{Workers: 1, Portfolio: pf, CloneDir: t.TempDir()})
		id, err := q.EnqueueScan(ctx, ScanArgs{ProjectID: p.ID, URL: "file://" + repo, RepoCheck: true})
		if err != nil {
			t.Fatal(err)
		}
		waitIdle(t, q, time.Minute)
		if j, err := q.Job(ctx, id); err != nil || j.State != "completed" {
			t.Fatalf("job %+v (%v), want completed", j, err)
		}
		got, err := pf.Project(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Latest == nil || got.Latest.Health == nil || *got.Latest.Health != want.Score {
			t.Errorf("stored health %v, want %.2f, the repository's own", got.Latest, want.Score)
		}
	})
}

// TestCloneDepth: without the repository check a clone holds the newest
// commit only; with it, every commit and the tags.
func TestCloneDepth(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "app")
	gitHistory(t, fixturePath(t), repo)
	for _, tc := range []struct {
		history bool
		commits string
		tags    string
	}{
		{false, "1", ""},
		{true, "5", "v1.0.0"},
	} {
		t.Run(fmt.Sprintf("history=%t", tc.history), func(t *testing.T) {
			dir := t.TempDir()
			if err := clone(context.Background(), "file://"+repo, dir, tc.history); err != nil {
				t.Fatal(err)
			}
			if got := gitOut(t, dir, "rev-list", "--count", "HEAD"); got != tc.commits {
				t.Errorf("commits in the clone: %s, want %s", got, tc.commits)
			}
			if got := gitOut(t, dir, "tag", "--list"); got != tc.tags {
				t.Errorf("tags in the clone: %q, want %q", got, tc.tags)
			}
		})
	}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// TestCloneErrorRedacted: the error of a failed clone, which River keeps
// with the job and the portal and `projects scan --wait` show, names
// the repository without its credentials; so does the refusal of an
// address.
func TestCloneErrorRedacted(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	st := storetest.SQLite(t)
	ctx := context.Background()
	pf := portfolio.New(st, portfolio.Options{})
	q := openQueue(t, st, Config{Workers: 1, Portfolio: pf, CloneDir: t.TempDir(), retryPolicy: fixedRetry(time.Hour)})
	tests := []struct {
		url, want string
	}{
		{"http://ci:s3cret-pw@" + host + "/r.git", "clone http://ci:xxxxx@" + host + "/r.git"},
		{"http://s3cret-token@" + host + "/r.git", "clone http://xxxxx@" + host + "/r.git"},
	}
	for i, tc := range tests {
		p := addProject(t, pf, fmt.Sprintf("app-%d", i), "")
		id, err := q.EnqueueScan(ctx, ScanArgs{ProjectID: p.ID, URL: tc.url})
		if err != nil {
			t.Fatal(err)
		}
		j := waitError(t, q, id)
		if strings.Contains(j.Errors[0], "s3cret") || !strings.Contains(j.Errors[0], tc.want) {
			t.Errorf("job error %q, want %q and no credentials", j.Errors[0], tc.want)
		}
	}

	err := checkCloneURL("ftp://ci:s3cret-pw@example.com/r.git")
	if !errors.Is(err, ErrInvalidArgs) || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "ftp://ci:xxxxx@example.com") {
		t.Errorf("refusal %v, want ErrInvalidArgs naming the URL without its password", err)
	}
}

// waitError waits for a job's first error.
func waitError(t *testing.T, q *Queue, id int64) Job {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		j, err := q.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(j.Errors) > 0 {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d did not fail: %+v", id, j)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
