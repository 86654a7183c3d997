package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTable(t *testing.T) {
	tests := []struct {
		name    string
		decided bool
		golden  string
		// first are the first words of the first lines: with decisions,
		// the violations come first, denied before to review.
		first []string
	}{
		{"without a policy", false, "scan.txt", []string{"ECOSYSTEM", "go", "go"}},
		{"with a policy", true, "scan-decided.txt", []string{"VIOLATIONS", "VERDICT", "deny", "deny", "deny", "review", "review", "review", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, FormatTable, tc.decided)
			golden(t, tc.golden, out)
			lines := strings.Split(string(out), "\n")
			var got []string
			for _, l := range lines[:len(tc.first)] {
				f := strings.Fields(l)
				if len(f) == 0 {
					got = append(got, "")
					continue
				}
				got = append(got, f[0])
			}
			if diff := cmp.Diff(tc.first, got); diff != "" {
				t.Errorf("first words (-want +got):\n%s", diff)
			}
		})
	}
}
