package report

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCSV(t *testing.T) {
	tests := []struct {
		name    string
		decided bool
		golden  string
		header  []string
	}{
		{"without a policy", false, "scan.csv", csvHeader},
		{"with a policy", true, "scan-decided.csv", append(append([]string{}, csvHeader...), "verdict", "rule", "verdictReason", "choice")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, FormatCSV, tc.decided)
			golden(t, tc.golden, out)
			rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatalf("output is not CSV: %v", err)
			}
			if diff := cmp.Diff(tc.header, rows[0]); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if got, want := len(rows)-1, len(fixtureComponents()); got != want {
				t.Errorf("%d rows, want one per component (%d)", got, want)
			}
		})
	}
}
