package portfolio_test

import (
	"testing"

	"ospo/internal/portfolio"
	"ospo/internal/portfolio/synth"
	"ospo/internal/store/storetest"
)

// BenchmarkIngestPostgres stores a 1,000-component scan on PostgreSQL
// (skipped without OSPO_TEST_POSTGRES).
func BenchmarkIngestPostgres(b *testing.B) {
	st := storetest.Postgres(b)
	pf := portfolio.New(st, portfolio.Options{})
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
}
