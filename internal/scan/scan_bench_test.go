package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"ospo/internal/license"
	"ospo/internal/policy"
)

// corpus returns a materialised corpus directory, or skips: the corpora
// are third-party trees kept out of the repository (make corpus).
func corpus(b *testing.B, name string) string {
	dir := os.Getenv("OSPO_CORPUS")
	if dir == "" {
		b.Skip("OSPO_CORPUS is not set")
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		b.Skipf("corpus %s: %v", name, err)
	}
	return p
}

// BenchmarkScanNpmBig compares a scan with and without policy evaluation
// on the same tree: the difference is what deciding costs.
func BenchmarkScanNpmBig(b *testing.B) {
	dir := corpus(b, "npm-big")
	id := license.NewIdentifier()
	for _, bc := range []struct {
		name string
		pol  *policy.Policy
	}{{"no-policy", nil}, {"default-policy", policy.Default()}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				res, err := Run(context.Background(), Config{Roots: []string{dir}, Identifier: id, Policy: bc.pol})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Components) == 0 {
					b.Fatal("no components")
				}
			}
		})
	}
}

func BenchmarkScanGoBig(b *testing.B) {
	dir := corpus(b, "go-big")
	id := license.NewIdentifier()
	cfg := Config{Roots: []string{dir}, Identifier: id, Policy: policy.Default(),
		GoModCache: filepath.Join(filepath.Dir(dir), "gomodcache")}
	for b.Loop() {
		if _, err := Run(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
}
