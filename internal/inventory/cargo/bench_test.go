package cargo

import (
	"context"
	"path/filepath"
	"testing"

	"ospo/internal/inventory"
)

// The largest lockfile fixture: xi-win's, format 1, 92 packages with
// checksums in [metadata].
const benchLock = "lock-v1/Cargo.lock"

// BenchmarkParseCargoLock measures parsing alone.
func BenchmarkParseCargoLock(b *testing.B) {
	data := readFixture(b, benchLock)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		l, err := parseCargoLock(data)
		if err != nil {
			b.Fatal(err)
		}
		if len(l.Packages) != 92 {
			b.Fatalf("%d packages", len(l.Packages))
		}
	}
}

// BenchmarkExtractLockV1 measures a whole scan of the fixture, crate
// source lookups in the fake registries included.
func BenchmarkExtractLockV1(b *testing.B) {
	e, opts := testExtractor(b)
	dir := filepath.Join("testdata", filepath.Dir(benchLock))
	ctx := context.Background()
	for b.Loop() {
		inv, err := inventory.Scan(ctx, dir, ".", []inventory.Extractor{e}, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(inv.Projects) != 1 || len(inv.Projects[0].Components) != 90 {
			b.Fatalf("unexpected result: %d projects", len(inv.Projects))
		}
	}
}
