package jobs

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"ospo/internal/portfolio"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

// The test binary re-executed as a worker process: these variables name
// its database and the directory where it says which job it holds.
const (
	envWorkerDB      = "OSPO_JOBS_TEST_WORKER_DB"
	envWorkerBarrier = "OSPO_JOBS_TEST_WORKER_BARRIER"
)

func TestMain(m *testing.M) {
	if dsn := os.Getenv(envWorkerDB); dsn != "" {
		os.Exit(runHeldWorker(dsn, os.Getenv(envWorkerBarrier)))
	}
	os.Exit(m.Run())
}

// runHeldWorker is a worker process whose scan jobs stop just before
// they store their result: each writes barrier/held-<id> and waits
// there until the process is killed.
func runHeldWorker(dsn, barrier string) int {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	q, err := Open(ctx, st, Config{
		Workers:   1,
		Portfolio: portfolio.New(st, portfolio.Options{}),
		beforeIngest: func(ctx context.Context, job *rivertype.JobRow) error {
			name := filepath.Join(barrier, fmt.Sprintf("held-%d", job.ID))
			if err := os.WriteFile(name, nil, 0o600); err != nil {
				return err
			}
			select {} // until SIGKILL
		},
	})
	if err == nil {
		err = q.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	select {}
}

// TestWorkerKilled kills a worker process with SIGKILL in the middle of
// a scan job. Another worker rescues the job after RescueAfter and runs
// it to the end: the job completes at its second attempt, exactly one
// scan is stored for it, and the job the dead worker had not started
// is done too.
func TestWorkerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for River's leader lease and rescuer (about 30 s)")
	}
	for _, dialect := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			var dsn string
			if dialect == store.SQLite {
				dsn = filepath.Join(t.TempDir(), "ospo.db")
			} else {
				dsn = storetest.PostgresURL(t)
			}
			t.Parallel()
			testWorkerKilled(t, dsn)
		})
	}
}

func testWorkerKilled(t *testing.T, dsn string) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() }) // after the queues' cleanups
	pf := portfolio.New(st, portfolio.Options{})
	held := addProject(t, pf, "held", "")
	waiting := addProject(t, pf, "waiting", "")
	enqueuer, err := Open(ctx, st, Config{})
	if err != nil {
		t.Fatal(err)
	}
	heldJob, err := enqueuer.EnqueueScan(ctx, ScanArgs{ProjectID: held.ID, Path: fixturePath(t)})
	if err != nil {
		t.Fatal(err)
	}
	waitingJob, err := enqueuer.EnqueueScan(ctx, ScanArgs{ProjectID: waiting.ID, Path: fixturePath(t)})
	if err != nil {
		t.Fatal(err)
	}

	barrier := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envWorkerDB+"="+dsn, envWorkerBarrier+"="+barrier)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	if !waitFile(filepath.Join(barrier, fmt.Sprintf("held-%d", heldJob)), time.Minute) {
		_ = cmd.Process.Kill()
		<-exited
		t.Fatalf("the worker process did not take job %d; its stderr:\n%s", heldJob, stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("worker process ended with %v, want killed", err)
	}

	j, err := enqueuer.Job(ctx, heldJob)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != "running" || scanCount(t, st, held.ID) != 0 {
		t.Fatalf("after the kill: job %+v with %d scans, want running with none", j, scanCount(t, st, held.ID))
	}

	killed := time.Now()
	rescuer := openQueue(t, st, Config{Workers: 2, Portfolio: pf, RescueAfter: 5 * time.Second})
	waitIdle(t, rescuer, 2*time.Minute)
	t.Logf("rescued and done %.1fs after the kill", time.Since(killed).Seconds())

	j, err = rescuer.Job(ctx, heldJob)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != "completed" || j.Attempt != 2 || len(j.Errors) != 1 || !strings.Contains(j.Errors[0], "Stuck job rescued") {
		t.Errorf("held job: %+v, want completed at attempt 2 after a rescue", j)
	}
	if j, err = rescuer.Job(ctx, waitingJob); err != nil || j.State != "completed" || j.Attempt != 1 {
		t.Errorf("waiting job: %+v (%v), want completed at attempt 1", j, err)
	}
	for _, p := range []portfolio.Project{held, waiting} {
		if n := scanCount(t, st, p.ID); n != 1 {
			t.Errorf("project %s: %d scans stored, want exactly 1", p.Name, n)
		}
	}
}
