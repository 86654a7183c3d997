package extractors

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	dirOf := map[string]string{"go": "golang", "pypi": "python"}
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

var update = flag.Bool("update", false, "rewrite the README's table of supported inputs")

// TestEveryExtractorDocumented: each extractor says what it reads, and the
// README's table is the generated one (go test -update rewrites it).
func TestEveryExtractorDocumented(t *testing.T) {
	for _, e := range All() {
		rows := e.Supports()
		if len(rows) == 0 {
			t.Errorf("%s: Supports lists nothing", e.Name())
		}
		for _, r := range rows {
			if r.Files == "" || r.Gives == "" || r.Licenses == "" {
				t.Errorf("%s: incomplete row %+v", e.Name(), r)
			}
		}
	}
	const start, end = "<!-- ecosystems:start (generated: go test ./internal/inventory/extractors -update) -->\n", "<!-- ecosystems:end -->"
	path := filepath.Join("..", "..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", start, end)
	}
	want := Table()
	got := s[i+len(start) : j]
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(s[:i+len(start)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's table of supported inputs is out of date (go test ./internal/inventory/extractors -update):\n%s", cmp.Diff(want, got))
}
