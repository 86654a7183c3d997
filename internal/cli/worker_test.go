package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

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
