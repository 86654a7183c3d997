package monitor

import (
	"context"
	"strings"
	"testing"
	"time"

	"ospo/internal/repocheck/result"
)

// Latest gives each repository's newest result per source, with checks.
func TestLatest(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, r := range []result.Repo{
		{Name: "a", Source: "ospo", Score: 5, Date: day, Checks: []result.Check{{Name: "License", Score: 10, Reason: "found"}}},
		{Name: "a", Source: "ospo", Score: 7, Date: day.Add(time.Hour), Checks: []result.Check{{Name: "License", Score: 10, Reason: "found"}}},
		{Name: "a", Source: "scorecard", Score: 6, Date: day},
		{Name: "b", Source: "ospo", Score: 3, Date: day},
	} {
		run, err := insertRun(ctx, st, day, "test", "manual")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := insertResult(ctx, st, run, &r); err != nil {
			t.Fatalf("result %d: %v", i, err)
		}
	}
	got, err := Latest(ctx, st, 10)
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, r := range got {
		summary = append(summary, r.Name+"/"+r.Source+"/"+fmtScore(r.Score))
	}
	want := "a/ospo/7.0 a/scorecard/6.0 b/ospo/3.0"
	if s := strings.Join(summary, " "); s != want {
		t.Errorf("latest %s, want %s", s, want)
	}
	if len(got) > 0 && len(got[0].Checks) != 1 {
		t.Errorf("checks of a/ospo: %+v", got[0].Checks)
	}
	if one, _ := Latest(ctx, st, 1); len(one) != 2 {
		t.Errorf("limit 1 repository: %d results, want a's two", len(one))
	}
}

// LatestScores takes each repository's newest conclusive score.
func TestLatestScores(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range []result.Repo{
		{Name: "github.com/o/a", Source: "scorecard", Score: 4, Date: day},
		{Name: "github.com/o/a", Source: "scorecard", Score: 6.5, Date: day.Add(time.Hour)},
		{Name: "github.com/o/a", Source: "ospo", Score: -1, Date: day.Add(2 * time.Hour)},
		{Name: "github.com/o/b", Source: "ospo", Score: -1, Date: day},
	} {
		run, err := insertRun(ctx, st, day, "test", "import")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := insertResult(ctx, st, run, &r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := LatestScores(ctx, st, []string{"github.com/o/a", "github.com/o/b", "github.com/o/c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["github.com/o/a"] != 6.5 {
		t.Errorf("scores %v, want only github.com/o/a at 6.5 (b is inconclusive, c unknown)", got)
	}
}
