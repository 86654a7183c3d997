package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"ospo/internal/portfolio"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

// TestStopGrace: the end of the context a queue was started with (a
// worker's SIGINT) does not cancel the running jobs; Stop lets them
// finish within its context's time, and only after that are they
// cancelled.
func TestStopGrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Run("finishes within the grace", func(t *testing.T) {
			h := startHeld(t, st, "finished")
			h.interrupt(t)
			stopped := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				stopped <- h.q.Stop(ctx)
			}()
			time.Sleep(200 * time.Millisecond) // Stop is waiting for the job
			close(h.release)
			if err := <-stopped; err != nil {
				t.Fatalf("stop: %v", err)
			}
			if err := h.ctxErr(); err != nil {
				t.Errorf("the job's context ended (%v), want it left to finish", err)
			}
			if j, err := h.q.Job(context.Background(), h.id); err != nil || j.State != "completed" {
				t.Errorf("job %+v (%v), want completed", j, err)
			}
			if n := scanCount(t, st, h.project); n != 1 {
				t.Errorf("%d scans stored, want the job's one", n)
			}
		})
		t.Run("cancelled after the grace", func(t *testing.T) {
			h := startHeld(t, st, "cancelled")
			h.interrupt(t)
			const grace = time.Second
			ctx, cancel := context.WithTimeout(context.Background(), grace)
			defer cancel()
			start := time.Now()
			if err := h.q.Stop(ctx); err != nil {
				t.Fatalf("stop: %v", err)
			}
			if took := time.Since(start); took < grace {
				t.Errorf("stop returned after %s, before the grace of %s", took, grace)
			}
			if err := h.ctxErr(); err == nil {
				t.Errorf("the job's context did not end after the grace")
			}
			if j, err := h.q.Job(context.Background(), h.id); err != nil || j.State == "completed" {
				t.Errorf("job %+v (%v), want it not completed (tried again later)", j, err)
			}
			if n := scanCount(t, st, h.project); n != 0 {
				t.Errorf("%d scans stored, want none", n)
			}
		})
	})
}

// heldJob is a queue started with a context of its own whose one scan
// job waits just before storing until release is closed or its context
// ends.
type heldJob struct {
	q       *Queue
	cancel  context.CancelFunc // ends the start context: the "signal"
	release chan struct{}
	ended   chan error // the job context's error, once it ended
	id      int64
	project int64
}

func startHeld(t *testing.T, st *store.Store, name string) *heldJob {
	t.Helper()
	pf := portfolio.New(st, portfolio.Options{})
	p := addProject(t, pf, name, "")
	h := &heldJob{release: make(chan struct{}), ended: make(chan error, 1), project: p.ID}
	held := make(chan struct{}, 1)
	startCtx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	t.Cleanup(cancel)
	q, err := Open(startCtx, st, Config{Workers: 1, Portfolio: pf, retryPolicy: fixedRetry(time.Hour),
		beforeIngest: func(ctx context.Context, _ *rivertype.JobRow) error {
			held <- struct{}{}
			select {
			case <-h.release:
				return nil
			case <-ctx.Done():
				h.ended <- ctx.Err()
				return ctx.Err()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(startCtx); err != nil {
		t.Fatal(err)
	}
	h.q = q
	if h.id, err = q.EnqueueScan(context.Background(), ScanArgs{ProjectID: p.ID, Path: fixturePath(t)}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-time.After(time.Minute):
		t.Fatal("the job did not start")
	}
	return h
}

// interrupt ends the start context and checks that the job goes on.
func (h *heldJob) interrupt(t *testing.T) {
	t.Helper()
	h.cancel()
	select {
	case err := <-h.ended:
		t.Fatalf("the job's context ended (%v) with the start context, want it running until Stop", err)
	case <-time.After(300 * time.Millisecond):
	}
}

// ctxErr is the job context's error if it has ended.
func (h *heldJob) ctxErr() error {
	select {
	case err := <-h.ended:
		return err
	default:
		return nil
	}
}
