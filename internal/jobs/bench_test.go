package jobs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ospo/internal/portfolio"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

// BenchmarkScanJobs times scan jobs of the app fixture end to end
// (enqueue, fetch, scan, ingest, complete) with 1, 2 and 4 workers in one
// process, on SQLite and (with OSPO_TEST_POSTGRES) PostgreSQL. One op is
// one job.
func BenchmarkScanJobs(b *testing.B) {
	for _, dialect := range []store.Dialect{store.SQLite, store.Postgres} {
		for _, workers := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("%s/workers=%d", dialect, workers), func(b *testing.B) {
				var st *store.Store
				if dialect == store.SQLite {
					st = storetest.SQLite(b)
				} else {
					st = storetest.Postgres(b)
				}
				ctx := context.Background()
				pf := portfolio.New(st, portfolio.Options{})
				p := addProject(b, pf, "app", "")
				q := openQueue(b, st, Config{Workers: workers, Portfolio: pf})
				path := fixturePath(b)
				b.ResetTimer()
				for range b.N {
					if _, err := q.EnqueueScan(ctx, ScanArgs{ProjectID: p.ID, Path: path}); err != nil {
						b.Fatal(err)
					}
				}
				waitIdle(b, q, 10*time.Minute)
				b.StopTimer()
				if n := scanCount(b, st, p.ID); n != b.N {
					b.Fatalf("%d scans stored for %d jobs", n, b.N)
				}
			})
		}
	}
}
