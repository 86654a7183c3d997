package extractors

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEveryEcosystemListed fails when a package under internal/inventory
// that implements an extractor is not in All.
func TestEveryEcosystemListed(t *testing.T) {
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "extractors" || e.Name() == "testdata" {
			continue
		}
		if _, err := os.Stat(filepath.Join("..", e.Name(), "extractor.go")); err == nil {
			pkgs = append(pkgs, e.Name())
		}
	}
	dirOf := map[string]string{"go": "golang"}
	var listed []string
	for _, n := range Names() {
		d := n
		if x, ok := dirOf[n]; ok {
			d = x
		}
		listed = append(listed, d)
	}
	sort.Strings(pkgs)
	sort.Strings(listed)
	if diff := cmp.Diff(pkgs, listed); diff != "" {
		t.Errorf("extractor packages vs list (-packages +listed):\n%s", diff)
	}
}

func TestNamedUnknown(t *testing.T) {
	if _, err := Named([]string{"cobol"}); err == nil {
		t.Fatal("Named(cobol) succeeded; want an error naming the unknown ecosystem")
	}
	got, err := Named([]string{"go"})
	if err != nil || len(got) != 1 || got[0].Name() != "go" {
		t.Fatalf("Named(go) = %v, %v", got, err)
	}
}
