package portfolio_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"ospo/internal/portfolio"
	"ospo/internal/portfolio/synth"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

// benchProjects is the organisation's size for the scale benchmarks:
// OSPO_BENCH_PROJECTS projects of 1,000 components (default 50; the
// closing measurement uses 1000, i.e. a million component rows).
func benchProjects(b *testing.B) int {
	n := 50
	if s := os.Getenv("OSPO_BENCH_PROJECTS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		n = v
	}
	return n
}

// Seed fills a portfolio with projects × 1,000 synthetic components and
// reports how long ingestion took per project.
func seed(b *testing.B, st *store.Store, projects int) (*portfolio.Portfolio, *synth.Pool) {
	b.Helper()
	pf := portfolio.New(st, portfolio.Options{})
	pool := synth.NewPool(20000, 3, 1)
	start := time.Now()
	for i := range projects {
		name := fmt.Sprintf("project-%04d", i)
		pr, err := pf.AddProject(ctx, "bench", portfolio.Project{Name: name})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: pool.Document(name, 1000), Origin: "bench", Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("ingested %d projects × 1000 components in %v (%v per project)", projects, time.Since(start), time.Since(start)/time.Duration(projects))
	return pf, pool
}

// BenchmarkWhereUsed asks where-used questions of names drawn with the
// same skew as the components, on SQLite, and reports latency
// percentiles.
//
// OSPO_BENCH_DB names a database file to seed once and reuse (the load
// script serves the same file).
func BenchmarkWhereUsed(b *testing.B) {
	path := os.Getenv("OSPO_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "scale.db")
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var pf *portfolio.Portfolio
	pool := synth.NewPool(20000, 3, 1)
	if ps, err := portfolio.New(st, portfolio.Options{}).Projects(ctx, portfolio.ProjectFilter{}); err == nil && ps.Total > 0 {
		pf = portfolio.New(st, portfolio.Options{})
	} else {
		pf, pool = seed(b, st, benchProjects(b))
	}
	// Questions follow usage: names drawn as components are, so popular
	// packages (in most projects) are asked about most.
	var names []string
	for _, c := range pool.Document("questions", 1000).Components {
		names = append(names, c.Name)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		if _, err := pf.WhereUsed(ctx, portfolio.UsageQuery{Text: names[i%len(names)], Limit: 50}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	}
}

// BenchmarkIngest stores a 1,000-component scan, on SQLite and (with
// OSPO_TEST_POSTGRES) on PostgreSQL.
func BenchmarkIngest(b *testing.B) {
	for name, open := range map[string]func(testing.TB) *store.Store{"sqlite": storetest.SQLite, "postgres": storetest.Postgres} {
		b.Run(name, func(b *testing.B) {
			pf := portfolio.New(open(b), portfolio.Options{})
			pool := synth.NewPool(20000, 3, 1)
			pr, err := pf.AddProject(ctx, "bench", portfolio.Project{Name: "p"})
			if err != nil {
				b.Fatal(err)
			}
			doc := pool.Document("p", 1000)
			for b.Loop() {
				if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "bench", Actor: "bench"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
