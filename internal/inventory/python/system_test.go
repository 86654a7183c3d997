package python

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// systemPython is where Debian installs the Python distributions of its
// packages.
const systemPython = "/usr/lib/python3/dist-packages"

// metadataEntries lists the *.dist-info and *.egg-info entries of an
// environment, as the scan shows them.
func metadataEntries(t testing.TB, env string) []string {
	t.Helper()
	ents, err := os.ReadDir(env)
	if err != nil {
		t.Skipf("%s: %v", env, err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".dist-info") || strings.HasSuffix(e.Name(), ".egg-info") {
			out = append(out, filepath.Join(env, e.Name()))
		}
	}
	if len(out) == 0 {
		t.Skipf("%s holds no distribution", env)
	}
	return out
}

// TestSystemDistPackages scans the machine's own Python environment: every
// *.dist-info and *.egg-info entry is found, as a location of one
// component, and nothing is a problem.
func TestSystemDistPackages(t *testing.T) {
	entries := metadataEntries(t, systemPython)
	inv, err := inventory.Scan(context.Background(), systemPython, systemPython, []inventory.Extractor{New()}, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Problems) > 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects, want 1", len(inv.Projects))
	}
	var locations []string
	for _, c := range inv.Projects[0].Components {
		for _, l := range c.Locations {
			// Display is the root itself, so locations are absolute.
			locations = append(locations, filepath.Clean(l))
		}
		if !c.Installed || c.Version == "" {
			t.Errorf("%s: installed %v, version %q", c.Key(), c.Installed, c.Version)
		}
	}
	sort.Strings(locations)
	sort.Strings(entries)
	if diff := cmp.Diff(entries, locations); diff != "" {
		t.Errorf("distributions found (-on disk +scanned):\n%s", diff)
	}
}

// BenchmarkExtractSystemDistPackages measures a whole scan of the
// machine's Python environment.
func BenchmarkExtractSystemDistPackages(b *testing.B) {
	metadataEntries(b, systemPython)
	ctx := context.Background()
	for b.Loop() {
		inv, err := inventory.Scan(ctx, systemPython, systemPython, []inventory.Extractor{New()}, inventory.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(inv.Projects) != 1 {
			b.Fatalf("%d projects", len(inv.Projects))
		}
	}
}

// BenchmarkExtractOnly measures the extractor alone on the machine's
// Python environment, without the walk.
func BenchmarkExtractOnly(b *testing.B) {
	var files []string
	for _, e := range metadataEntries(b, systemPython) {
		switch {
		case strings.HasSuffix(e, ".dist-info"):
			files = append(files, filepath.Join(e, "METADATA"))
		case fsread.IsDir(e):
			files = append(files, filepath.Join(e, "PKG-INFO"))
		default:
			files = append(files, e)
		}
	}
	opts := inventory.Options{Root: systemPython, Display: systemPython}
	ctx := context.Background()
	x := New()
	for b.Loop() {
		ps, _, err := x.Extract(ctx, systemPython, files, opts)
		if err != nil || len(ps) != 1 {
			b.Fatalf("%d projects, %v", len(ps), err)
		}
	}
}
