package notice

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"ospo/internal/policy"
	"ospo/internal/scan"
)

// BenchmarkBuildCorpus builds the notice of OSPO_CORPUS/npm-big (scanned
// once, outside the timing).
func BenchmarkBuildCorpus(b *testing.B) {
	root := os.Getenv("OSPO_CORPUS")
	if root == "" {
		b.Skip("OSPO_CORPUS is not set")
	}
	res, err := scan.Run(context.Background(), scan.Config{Roots: []string{filepath.Join(root, "npm-big")}, Policy: policy.Default()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := Build(context.Background(), res, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
