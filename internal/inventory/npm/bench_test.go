package npm

import (
	"context"
	"testing"

	"ospo/internal/inventory"
)

// BenchmarkExtractNpmBig measures a whole scan of the large corpus: an
// installed tree of 1,884 package directories beside its lockfile.
func BenchmarkExtractNpmBig(b *testing.B) {
	dir := corpusDir(b, "npm-big")
	ctx := context.Background()
	for b.Loop() {
		inv, err := inventory.Scan(ctx, dir, ".", []inventory.Extractor{New()}, inventory.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(inv.Projects) != 1 {
			b.Fatalf("projects: %d", len(inv.Projects))
		}
	}
}
