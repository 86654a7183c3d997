package repocheck

import (
	"testing"

	R "ospo/internal/repocheck/result"
)

func TestProportional(t *testing.T) {
	tests := []struct{ s, total, want int }{
		{0, 0, 0},
		{0, 5, 0},
		{1, 3, 3},   // 10·1/3 = 3.33 → 3
		{2, 3, 6},   // 20/3 = 6.67 → 6 (integer division, never rounded)
		{5, 12, 4},  // 50/12 = 4.17 → 4
		{11, 12, 9}, // 110/12 = 9.17 → 9
		{12, 12, 10},
		{30, 12, 10}, // capped at 10
	}
	for _, tt := range tests {
		if got := proportional(tt.s, tt.total); got != tt.want {
			t.Errorf("proportional(%d, %d) = %d, want %d", tt.s, tt.total, got, tt.want)
		}
	}
}

func TestProportionalWeighted(t *testing.T) {
	tests := []struct {
		name   string
		groups []weighted
		want   int
	}{
		{"no groups", nil, R.Inconclusive},
		{"only empty groups", []weighted{{0, 0, 10}}, R.Inconclusive},
		// Σs·w = 1·2 + 1·8 = 10, Σt·w = 2·2 + 2·8 = 20 → 100/20 = 5.
		{"actions of both owners", []weighted{{1, 2, 2}, {1, 2, 8}}, 5},
		// 3 of 3 GitHub-owned pinned, 0 of 1 third-party: Σs·w = 6,
		// Σt·w = 6 + 8 = 14 → 60/14 = 4.
		{"third party weighs more", []weighted{{3, 3, 2}, {0, 1, 8}}, 4},
		// Empty groups are skipped: 1 of 2 → 5.
		{"empty group skipped", []weighted{{1, 2, 10}, {0, 0, 10}}, 5},
	}
	for _, tt := range tests {
		if got := proportionalWeighted(tt.groups...); got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestAggregateScore(t *testing.T) {
	checks := []R.Check{
		{Name: "Dangerous-Workflow", Risk: RiskCritical, Score: 10},
		{Name: "Dependency-Update-Tool", Risk: RiskHigh, Score: R.Inconclusive},
		{Name: "License", Risk: RiskLow, Score: 10},
		{Name: "Pinned-Dependencies", Risk: RiskMedium, Score: 9},
		{Name: "Token-Permissions", Risk: RiskHigh, Score: 0},
		{Name: "Fuzzing", Risk: RiskMedium, Score: 0, Exempt: "not applicable to a docs repo"},
	}
	// The Scorecard v4.8.0 run in testdata/scorecard: (10·10 + 2.5·10 +
	// 5·9 + 7.5·0) / (10 + 2.5 + 5 + 7.5) = 170/25 = 6.8; the
	// inconclusive and the exempt checks are left out.
	if got := AggregateScore(checks); got != 6.8 {
		t.Errorf("AggregateScore = %v, want 6.8", got)
	}
	if got := AggregateScore([]R.Check{{Risk: RiskHigh, Score: R.Inconclusive}}); got != R.Inconclusive {
		t.Errorf("no conclusive check: got %v, want -1", got)
	}
}
