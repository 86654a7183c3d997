package jobs

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/riverqueue/river/rivertype"

	"ospo/internal/portfolio"
	"ospo/internal/repocheck/monitor"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
	"ospo/internal/vuln/db"
)

// TestScanJob runs a scan job on each database: the project's newest
// scan is the one the job stored, decided with the project's
// distribution model, and the news reaches OnDelta.
func TestScanJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		pf := portfolio.New(st, portfolio.Options{})
		distributed := addProject(t, pf, "app", "")
		internal := addProject(t, pf, "app-internal", "internal")
		var (
			mu     sync.Mutex
			deltas []portfolio.Delta
		)
		q := openQueue(t, st, Config{Workers: 2, Portfolio: pf, Version: "test",
			OnDelta: func(_ context.Context, d portfolio.Delta) {
				mu.Lock()
				defer mu.Unlock()
				deltas = append(deltas, d)
			}})
		var ids []int64
		for _, p := range []portfolio.Project{distributed, internal} {
			id, err := q.EnqueueScan(ctx, ScanArgs{ProjectID: p.ID, Path: fixturePath(t)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		waitIdle(t, q, time.Minute)

		for _, id := range ids {
			j, err := q.Job(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State != "completed" || j.Kind != KindScan || j.Attempt != 1 || j.FinishedAt == nil {
				t.Errorf("job %d: %+v, want completed scan at the first attempt", id, j)
			}
		}
		host, _ := os.Hostname()
		for _, tc := range []struct {
			project        portfolio.Project
			denied, review int
		}{
			{distributed, 1, 0}, // ckeditor5 (GPL-2.0-or-later) in a distributed product
			{internal, 0, 1},    // the same, used internally: the OSPO takes a look
		} {
			p, err := pf.Project(ctx, tc.project.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Latest == nil {
				t.Fatalf("project %s: no scan stored", p.Name)
			}
			got := struct {
				Origin, Actor, Tool                 string
				Components, Allowed, Denied, Review int
			}{p.Latest.Origin, p.Latest.Actor, p.Latest.Tool, p.Latest.Components, p.Latest.Allowed, p.Latest.Denied, p.Latest.Review}
			want := got
			want.Origin, want.Actor, want.Tool = "job", "worker:"+host, "ospo test"
			want.Components, want.Denied, want.Review = 12, tc.denied, tc.review
			want.Allowed = 12 - tc.denied - tc.review
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("project %s: newest scan (-want +got):\n%s", p.Name, d)
			}
			if p.Latest.Health != nil {
				t.Errorf("project %s: health %v without a repository check", p.Name, *p.Latest.Health)
			}
		}

		mu.Lock()
		defer mu.Unlock()
		if len(deltas) != 1 || deltas[0].Project.ID != distributed.ID || len(deltas[0].NewDenied) != 1 ||
			deltas[0].NewDenied[0].Component.Name != "ckeditor5" {
			t.Errorf("OnDelta got %+v, want one delta: ckeditor5 newly denied in app", deltas)
		}
	})
}

// TestScanJobCancelled: what no retry can mend cancels the job at its
// first attempt, with a message that names the cause.
func TestScanJobCancelled(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	pf := portfolio.New(st, portfolio.Options{})
	p := addProject(t, pf, "app", "")
	missing := filepath.Join(t.TempDir(), "gone")
	q := openQueue(t, st, Config{Workers: 1, Portfolio: pf})
	tests := []struct {
		name string
		args ScanArgs
		want string
	}{
		{"path does not exist", ScanArgs{ProjectID: p.ID, Path: missing}, missing + " does not exist"},
		{"project does not exist", ScanArgs{ProjectID: p.ID + 100, Path: fixturePath(t)}, "project " + strconv.FormatInt(p.ID+100, 10) + " does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := q.EnqueueScan(ctx, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			waitIdle(t, q, time.Minute)
			j, err := q.Job(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State != "cancelled" || j.Attempt != 1 || len(j.Errors) != 1 || !strings.Contains(j.Errors[0], tc.want) {
				t.Errorf("job: %+v, want cancelled at attempt 1 with an error containing %q", j, tc.want)
			}
		})
	}
	if n := scanCount(t, st, p.ID); n != 0 {
		t.Errorf("%d scans stored, want none", n)
	}
}

// fixedRetry retries after a fixed pause, long enough for a test to mend
// the cause of the first failure before the second attempt.
type fixedRetry time.Duration

func (f fixedRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(time.Duration(f)) }

// TestScanJobRetry: a clone that fails (the repository is not there yet)
// is an error River retries; the second attempt clones, scans with the
// repository check, stores one scan and leaves no clone behind.
func TestScanJobRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		pf := portfolio.New(st, portfolio.Options{})
		p := addProject(t, pf, "app", "")
		repo := filepath.Join(t.TempDir(), "app.git")
		clones := t.TempDir()
		q := openQueue(t, st, Config{Workers: 1, Portfolio: pf, CloneDir: clones, retryPolicy: fixedRetry(3 * time.Second)})
		id, err := q.EnqueueScan(ctx, ScanArgs{ProjectID: p.ID, URL: "file://" + repo, RepoCheck: true})
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			j, err := q.Job(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(j.Errors) > 0 {
				if j.Attempt != 1 || !strings.Contains(j.Errors[0], "clone file://"+repo) {
					t.Fatalf("after the first attempt: %+v, want a clone error", j)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the first attempt did not fail: %+v", j)
			}
			time.Sleep(20 * time.Millisecond)
		}
		gitRepo(t, fixturePath(t), repo)
		waitIdle(t, q, time.Minute)

		j, err := q.Job(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != "completed" || j.Attempt != 2 {
			t.Errorf("job: %+v, want completed at attempt 2", j)
		}
		got, err := pf.Project(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Latest == nil || got.Latest.Components != 12 {
			t.Fatalf("newest scan %+v, want one of 12 components", got.Latest)
		}
		if got.Latest.Health == nil || *got.Latest.Health < 0 || *got.Latest.Health > 10 {
			t.Errorf("health %v, want a score from 0 to 10", got.Latest.Health)
		}
		if n := scanCount(t, st, p.ID); n != 1 {
			t.Errorf("%d scans stored, want 1", n)
		}
		if !isEmptyDir(t, clones) {
			t.Errorf("clone directory %s not cleaned up", clones)
		}
	})
}

// TestCancel: a job cancelled while it waits is never run, also by a
// worker that starts later; cancelling or reading a job that does not
// exist is ErrNotFound.
func TestCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		pf := portfolio.New(st, portfolio.Options{})
		p := addProject(t, pf, "app", "")
		enqueuer := openQueue(t, st, Config{})
		cancelled, err := enqueuer.EnqueueScan(ctx, ScanArgs{ProjectID: p.ID, Path: fixturePath(t)})
		if err != nil {
			t.Fatal(err)
		}
		if err := enqueuer.Cancel(ctx, cancelled); err != nil {
			t.Fatal(err)
		}
		kept, err := enqueuer.EnqueueScan(ctx, ScanArgs{ProjectID: p.ID, Path: fixturePath(t)})
		if err != nil {
			t.Fatal(err)
		}
		worker := openQueue(t, st, Config{Workers: 1, Portfolio: pf})
		waitIdle(t, worker, time.Minute)

		states := map[int64]string{}
		for _, id := range []int64{cancelled, kept} {
			j, err := worker.Job(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			states[id] = j.State + "/" + strconv.Itoa(j.Attempt)
		}
		if d := cmp.Diff(map[int64]string{cancelled: "cancelled/0", kept: "completed/1"}, states); d != "" {
			t.Errorf("job states (-want +got):\n%s", d)
		}
		if n := scanCount(t, st, p.ID); n != 1 {
			t.Errorf("%d scans stored, want 1 (the job not cancelled)", n)
		}
		if err := worker.Cancel(ctx, kept+1000); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Cancel of a missing job: %v, want ErrNotFound", err)
		}
		if _, err := worker.Job(ctx, kept+1000); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Job of a missing job: %v, want ErrNotFound", err)
		}
		list, err := worker.Jobs(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var listed []int64
		for _, j := range list {
			listed = append(listed, j.ID)
		}
		if d := cmp.Diff([]int64{kept, cancelled}, listed); d != "" {
			t.Errorf("Jobs, newest first (-want +got):\n%s", d)
		}
	})
}

// TestEnqueueRefuses arguments that can never work.
func TestEnqueueRefuses(t *testing.T) {
	q := openQueue(t, storetest.SQLite(t), Config{})
	ctx := context.Background()
	tests := []struct {
		name string
		do   func() (int64, error)
		want string
	}{
		{"no project", func() (int64, error) { return q.EnqueueScan(ctx, ScanArgs{Path: "."}) }, "project id 0"},
		{"no source", func() (int64, error) { return q.EnqueueScan(ctx, ScanArgs{ProjectID: 1}) }, "neither a path nor a URL"},
		{"two sources", func() (int64, error) {
			return q.EnqueueScan(ctx, ScanArgs{ProjectID: 1, Path: ".", URL: "https://example.com/r.git"})
		}, "not both"},
		{"option as URL", func() (int64, error) {
			return q.EnqueueScan(ctx, ScanArgs{ProjectID: 1, URL: "--upload-pack=touch /tmp/x"})
		}, "starts with '-'"},
		{"transport helper", func() (int64, error) {
			return q.EnqueueScan(ctx, ScanArgs{ProjectID: 1, URL: "ext::sh -c touch% /tmp/x"})
		}, "transport helpers"},
		{"transport helper before a URL", func() (int64, error) {
			return q.EnqueueScan(ctx, ScanArgs{ProjectID: 1, URL: "ext::ssh://host/r.git"})
		}, "transport helpers"},
		{"file descriptor helper", func() (int64, error) {
			return q.EnqueueScan(ctx, ScanArgs{ProjectID: 1, URL: "fd::3"})
		}, "transport helpers"},
		{"unknown scheme", func() (int64, error) {
			return q.EnqueueScan(ctx, ScanArgs{ProjectID: 1, URL: "ftp://example.com/r.git"})
		}, `scheme "ftp"`},
		{"control characters", func() (int64, error) {
			return q.EnqueueScan(ctx, ScanArgs{ProjectID: 1, URL: "https://example.com/r.git\n--x"})
		}, "control characters"},
		{"monitor without scope", func() (int64, error) { return q.EnqueueMonitor(ctx, MonitorArgs{}) }, "neither a directory nor a scope file"},
		{"monitor with both", func() (int64, error) { return q.EnqueueMonitor(ctx, MonitorArgs{Dir: ".", ScopeFile: "s.yaml"}) }, "not both"},
		{"vulndb base URL", func() (int64, error) {
			return q.EnqueueVulnDBUpdate(ctx, VulnDBUpdateArgs{BaseURL: "file:///etc"})
		}, "not an http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := tc.do()
			if !errors.Is(err, ErrInvalidArgs) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got id %d, error %v; want ErrInvalidArgs containing %q", id, err, tc.want)
			}
		})
	}
	if jobs, err := q.Jobs(ctx, 10); err != nil || len(jobs) != 0 {
		t.Errorf("jobs %+v (%v), want none enqueued", jobs, err)
	}
}

// TestCloneURLsAccepted: the addresses users give are let through.
func TestCloneURLsAccepted(t *testing.T) {
	for _, u := range []string{
		"https://github.com/org/repo.git", "http://git.local/r", "ssh://git@host/r.git", "git@github.com:org/repo.git",
		"git://host/r", "file:///srv/git/r.git", "/srv/git/r.git", "../r",
		"https://[2001:db8::1]/r.git", "ssh://git@[::1]:2222/r.git", "http://[::ffff:127.0.0.1]:8080/r",
	} {
		if err := checkCloneURL(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

// TestMonitorJob runs the repository checks over a directory of clones
// and keeps the result in the monitor's history; a directory that does
// not exist cancels the job.
func TestMonitorJob(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	clones := t.TempDir()
	gitRepo(t, fixturePath(t), filepath.Join(clones, "app"))
	q := openQueue(t, st, Config{Workers: 1, Portfolio: portfolio.New(st, portfolio.Options{})})
	ok, err := q.EnqueueMonitor(ctx, MonitorArgs{Dir: clones})
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "gone")
	bad, err := q.EnqueueMonitor(ctx, MonitorArgs{Dir: missing})
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, q, 2*time.Minute)
	j, err := q.Job(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != "completed" {
		t.Errorf("monitor job: %+v, want completed", j)
	}
	hist, err := monitor.History(ctx, st, "app")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Score < 0 || hist[0].Rating == "" {
		t.Errorf("history of app: %+v, want one scored and rated result", hist)
	}
	j, err = q.Job(ctx, bad)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != "cancelled" || len(j.Errors) != 1 || !strings.Contains(j.Errors[0], missing) {
		t.Errorf("monitor job of a missing directory: %+v, want cancelled naming %s", j, missing)
	}
}

// TestVulnDBUpdateJob downloads a dump from a local server and imports
// it; a server that fails makes the job retryable, not lost.
func TestVulnDBUpdateJob(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	record, err := os.ReadFile("../vuln/db/testdata/GHSA-p6mc-m468-83gw.json")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("GHSA-p6mc-m468-83gw.json")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(record)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/npm/all.zip" {
			http.NotFound(w, r)
			return
		}
		w.Write(buf.Bytes())
	}))
	defer srv.Close()

	q := openQueue(t, st, Config{Workers: 1, Portfolio: portfolio.New(st, portfolio.Options{}), retryPolicy: fixedRetry(time.Hour)})
	good, err := q.EnqueueVulnDBUpdate(ctx, VulnDBUpdateArgs{BaseURL: srv.URL, Ecosystems: []string{"npm"}})
	if err != nil {
		t.Fatal(err)
	}
	failing, err := q.EnqueueVulnDBUpdate(ctx, VulnDBUpdateArgs{BaseURL: srv.URL, Ecosystems: []string{"Go"}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	states := map[int64]Job{}
	for time.Now().Before(deadline) {
		for _, id := range []int64{good, failing} {
			if states[id], err = q.Job(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if states[good].State == "completed" && states[failing].State == "retryable" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if states[good].State != "completed" || states[failing].State != "retryable" || len(states[failing].Errors) != 1 {
		t.Fatalf("jobs %+v, want the npm update completed and the Go one retryable with its error", states)
	}
	counts, err := db.New(st).RecordCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts["npm"] != 1 {
		t.Errorf("records by ecosystem %v, want one npm record", counts)
	}
}
