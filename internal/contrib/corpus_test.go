package contrib

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCollectRealCheckouts runs Collect and Judge on unpacked releases of
// real projects from the corpus module cache (no .git there: the facts
// come from files alone). It runs only when OSPO_CORPUS names the corpus.
func TestCollectRealCheckouts(t *testing.T) {
	base := os.Getenv("OSPO_CORPUS")
	if base == "" {
		t.Skip("OSPO_CORPUS is not set")
	}
	orgRules := Rules{Licenses: []string{"Apache-2.0", "BSD-3-Clause", "MIT"}, CLAs: []string{"Linux Foundation EasyCLA"}, DCO: "allow"}
	type result struct {
		Names    []string
		DCO      bool
		Licenses []string
		Decision Decision
		Ask      string
	}
	tests := []struct {
		glob    string
		license string
		want    result
	}{
		{"github.com/prometheus/prometheus@v0.*", "Apache-2.0",
			result{DCO: true, Licenses: []string{"LICENSE", "NOTICE"}, Decision: Allow}},
		{"golang.org/x/text@v0.43.0", "BSD-3-Clause",
			result{Names: []string{"Google CLA"}, Licenses: []string{"LICENSE", "PATENTS"}, Decision: Review,
				Ask: "approve signing Google CLA for golang.org/x/text"}},
		{"go.uber.org/zap@v1.28.0", "MIT",
			result{Names: []string{"Uber CLA"}, Licenses: []string{"LICENSE"}, Decision: Review,
				Ask: "approve signing Uber CLA for go.uber.org/zap"}},
		{"google.golang.org/grpc@v1.84.0", "Apache-2.0",
			result{Names: []string{"Linux Foundation EasyCLA"}, Licenses: []string{"LICENSE", "NOTICE.txt"}, Decision: Allow}},
	}
	for _, tt := range tests {
		t.Run(tt.glob, func(t *testing.T) {
			dirs, _ := filepath.Glob(filepath.Join(base, "gomodcache", filepath.FromSlash(tt.glob)))
			if len(dirs) == 0 {
				t.Skipf("%s is not in the corpus", tt.glob)
			}
			f, err := Collect(t.Context(), dirs[0], Options{})
			if err != nil {
				t.Fatal(err)
			}
			v := Judge(f, tt.license, orgRules)
			got := result{Names: f.CLANames(), DCO: len(f.Active(KindDCO)) > 0, Decision: v.Decision, Ask: v.Ask}
			for _, lf := range f.LicenseFiles {
				got.Licenses = append(got.Licenses, lf.Path)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s\nreasons: %q", diff, v.Reasons)
			}
		})
	}
}

func BenchmarkCollect(b *testing.B) {
	base := os.Getenv("OSPO_CORPUS")
	if base == "" {
		b.Skip("OSPO_CORPUS is not set")
	}
	dirs, _ := filepath.Glob(filepath.Join(base, "gomodcache", "github.com", "prometheus", "prometheus@v0.*"))
	if len(dirs) == 0 {
		b.Skip("prometheus is not in the corpus")
	}
	for b.Loop() {
		if _, err := Collect(b.Context(), dirs[0], Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
