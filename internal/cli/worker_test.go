package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ospo/internal/jobs"
	"ospo/internal/portfolio"
	"ospo/internal/store"
)

func TestWorkerUntilIdle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ospo.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pf := portfolio.New(st, portfolio.Options{})
	p, err := pf.AddProject(ctx, "test", portfolio.Project{Name: "app"})
	if err != nil {
		t.Fatal(err)
	}
	app, _ := filepath.Abs(filepath.Join("testdata", "app"))
	q, err := jobs.Open(ctx, st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := q.EnqueueScan(ctx, jobs.ScanArgs{ProjectID: p.ID, Path: app})
	if err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := run(t, "worker", "--db", path, "--concurrency", "2", "--until-idle")
	if code != ExitOK {
		t.Fatalf("worker: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "ospo worker: 2 at once on "+path) {
		t.Errorf("stderr %q does not say where the worker works", stderr)
	}
	// ckeditor5 (GPL) is denied in a distributed product: news.
	if want := "app: 1 newly denied, 0 new critical vulnerabilities"; !strings.Contains(stdout, want) {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	j, err := q.Job(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pf.Project(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != "completed" || got.Latest == nil || got.Latest.Components != 12 {
		t.Errorf("job %+v, newest scan %+v; want completed with 12 components", j, got.Latest)
	}
}

func TestWorkerUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string // in stderr; the exit is 2
	}{
		{"no workers", []string{"--db", filepath.Join(dir, "a.db"), "--concurrency", "0"}, "--concurrency must be 1 or more"},
		{"bad rescue", []string{"--db", filepath.Join(dir, "a.db"), "--rescue-after", "0s"}, "--rescue-after must be positive"},
		{"missing policy", []string{"--db", filepath.Join(dir, "a.db"), "--policy", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{"arguments", []string{"--db", filepath.Join(dir, "a.db"), "extra"}, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"worker"}, tc.args...)...)
			if code != ExitError || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d with %q", code, stderr, ExitError, tc.want)
			}
		})
	}
}

// stallingRepo is a git server whose first answer waits until release is
// closed (then it answers 404) or git hangs up, which it reports on
// gone: a clone that runs as long as the test wants.
type stallingRepo struct {
	url     string
	started chan struct{}
	release chan struct{}
	gone    chan struct{}
}

func newStallingRepo(t *testing.T) *stallingRepo {
	t.Helper()
	s := &stallingRepo{started: make(chan struct{}, 1), release: make(chan struct{}), gone: make(chan struct{}, 1)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.started <- struct{}{}:
		default:
		}
		select {
		case <-s.release:
			http.NotFound(w, r)
		case <-r.Context().Done():
			select {
			case s.gone <- struct{}{}:
			default:
			}
		}
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/r.git"
	return s
}

// queueStallingScan registers a project cloned from repo in the SQLite
// database at path and queues its scan.
func queueStallingScan(t *testing.T, path string, repo *stallingRepo) (*jobs.Queue, int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := portfolio.New(st, portfolio.Options{}).AddProject(ctx, "test", portfolio.Project{Name: "stalling", Source: repo.url})
	if err != nil {
		t.Fatal(err)
	}
	q, err := jobs.Open(ctx, st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := q.EnqueueScan(ctx, jobs.ScanArgs{ProjectID: p.ID, URL: repo.url})
	if err != nil {
		t.Fatal(err)
	}
	return q, id
}

// TestWorkerGrace interrupts a worker, and the portal running jobs in
// its own process, while a job clones: the job goes on for --grace (and
// ends as it would have, here with the server's 404), and a job still
// running when the grace is over is cancelled.
func TestWorkerGrace(t *testing.T) {
	commands := map[string][]string{
		"worker": {"worker", "--concurrency", "1", "--no-vulns"},
		"serve":  {"serve", "--addr", "127.0.0.1:0", "--workers", "1"},
	}
	for name, command := range commands {
		for _, tc := range []struct {
			name    string
			grace   time.Duration
			release bool // the server answers during the grace
		}{
			{"finishes within the grace", 30 * time.Second, true},
			{"cancelled after the grace", time.Second, false},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				repo := newStallingRepo(t)
				path := filepath.Join(t.TempDir(), "ospo.db")
				q, id := queueStallingScan(t, path, repo)
				ctx, interrupt := context.WithCancel(context.Background())
				defer interrupt()
				var errb strings.Builder
				stderr := &syncWriter{w: &errb}
				args := append(slices.Clone(command), "--db", path, "--grace", tc.grace.String())
				exited := make(chan int, 1)
				go func() { exited <- Run(ctx, args, strings.NewReader(""), io.Discard, stderr) }()
				select {
				case <-repo.started:
				case code := <-exited:
					t.Fatalf("exited %d before cloning: %s", code, errb.String())
				case <-time.After(time.Minute):
					t.Fatal("the clone did not start")
				}

				interrupt() // what SIGINT does to the command's context
				interrupted := time.Now()
				select {
				case <-repo.gone:
					t.Fatal("the clone was cut off at the interrupt, before the grace")
				case <-time.After(300 * time.Millisecond):
				}
				if tc.release {
					close(repo.release)
				}
				select {
				case code := <-exited:
					if code != ExitOK {
						t.Errorf("exit %d\n%s", code, errb.String())
					}
				case <-time.After(time.Minute):
					t.Fatal("the process did not stop")
				}
				j, err := q.Job(context.Background(), id)
				if err != nil {
					t.Fatal(err)
				}
				if tc.release {
					// The attempt ran to its end: git got the server's answer.
					if len(j.Errors) != 1 || !strings.Contains(j.Errors[0], "not found") {
						t.Errorf("job %+v, want one error: the repository was not found", j)
					}
					return
				}
				if took := time.Since(interrupted); took < tc.grace {
					t.Errorf("stopped %s after the interrupt, before the grace of %s", took, tc.grace)
				}
				select {
				case <-repo.gone:
				default:
					t.Error("the clone was not cut off after the grace")
				}
				// River puts a job cancelled by a stop back in the queue.
				if j.State == "completed" || j.State == "cancelled" || j.State == "discarded" {
					t.Errorf("job %+v, want it left to be tried again", j)
				}
			})
		}
	}
}
