package inventorytest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

// fixture is an inventory of one project with one direct component whose
// files are below base.
func fixture(base string) *inventory.Inventory {
	c := &inventory.Component{
		Ecosystem: "npm", Name: "a", Version: "1.0.0", PURL: "pkg:npm/a@1.0.0", Scope: inventory.ScopeProd,
		Locations: []string{"package-lock.json"},
		Hashes:    []inventory.Hash{{Algorithm: "SHA-512", Value: "0123456789abcdef0123"}},
		Dir:       filepath.Join(base, "node_modules", "a"),
		LicenseFiles: []inventory.LicenseFile{
			inventory.NewLicenseFile(filepath.Join(base, "node_modules", "a", "LICENSE"), "node_modules/a/LICENSE", "license"),
		},
	}
	p := &inventory.Project{Ecosystem: "npm", Name: "app", Path: "package.json", Source: "lockfile", Components: []*inventory.Component{c}}
	p.AddEdge(inventory.RootKey, c.Key())
	p.ComputePaths()
	return &inventory.Inventory{
		Projects: []*inventory.Project{p},
		Problems: []inventory.Problem{{Path: "b", Message: "first"}, {Path: "a", Message: "second"}, {Path: "b", Message: "third"}},
	}
}

func TestSummarize(t *testing.T) {
	base := t.TempDir()
	inv := fixture(base)
	got := Summarize(t, inv, Options{Base: base, ShortHashes: true, LicenseFile: func(f inventory.LicenseFile) string { return f.Kind + " " + f.Path }})
	want := Summary{
		Projects: []Project{{
			Name: "app", Path: "package.json", Source: "lockfile",
			Components: []Component{{
				Ref: "a@1.0.0", PURL: "pkg:npm/a@1.0.0", Scope: inventory.ScopeProd, Direct: true,
				Paths: []string{"a@1.0.0"}, Locations: []string{"package-lock.json"},
				LicenseFiles: []string{"license node_modules/a/LICENSE"},
				Hashes:       []string{"SHA-512:0123456789ab…"},
				Dir:          "node_modules/a",
			}},
			Edges: map[string][]string{"(root)": {inv.Projects[0].Components[0].Key()}},
		}},
		// Sorted by path, in the extractor's order within a path.
		Problems: []inventory.Problem{{Path: "a", Message: "second"}, {Path: "b", Message: "first"}, {Path: "b", Message: "third"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}

	// Without options: whole hashes, no license files, and a Dir outside
	// the testdata directory shown as it is.
	plain := Summarize(t, inv, Options{})
	c := plain.Projects[0].Components[0]
	if c.Hashes[0] != "SHA-512:0123456789abcdef0123" || c.LicenseFiles != nil || c.Dir != inv.Projects[0].Components[0].Dir {
		t.Errorf("plain summary component = %+v", c)
	}
}

func TestRelTo(t *testing.T) {
	base := filepath.FromSlash("/scan/testdata")
	for _, tt := range []struct{ path, want string }{
		{filepath.FromSlash("/scan/testdata/a/b"), "a/b"},
		{base, "."},
		{filepath.FromSlash("/scan/other"), filepath.FromSlash("/scan/other")},
		{"rel/path", "rel/path"},
	} {
		if got := RelTo(base, tt.path); got != tt.want {
			t.Errorf("RelTo(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// recorder is a testing.TB that keeps the errors a helper reports.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "golden", "x.json")
	got := Summarize(t, fixture(t.TempDir()), Options{})
	got.Projects[0].Notes = []string{"a > b & c"}
	Golden(t, path, got, true)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Indented, ending in a newline, with no HTML escapes.
	if !strings.HasSuffix(string(data), "\n") || !strings.Contains(string(data), "\n  \"projects\": [") || !strings.Contains(string(data), `"a > b & c"`) {
		t.Errorf("golden file written as:\n%s", data)
	}
	// The file just written matches.
	r := &recorder{TB: t}
	Golden(r, path, got, false)
	if len(r.errors) > 0 {
		t.Errorf("a fresh golden file does not match: %v", r.errors)
	}
	// A change is reported.
	got.Projects[0].Components[0].Scope = inventory.ScopeDev
	Golden(r, path, got, false)
	if len(r.errors) != 1 {
		t.Errorf("a changed scope gave %d errors, want 1", len(r.errors))
	}
}

func TestEntry(t *testing.T) {
	for _, tt := range []struct {
		mode fs.FileMode
		dir  bool
	}{{0, false}, {fs.ModeDir, true}, {fs.ModeSymlink, false}} {
		e := Entry("x", tt.mode)
		if e.Name() != "x" || e.IsDir() != tt.dir || e.Type() != tt.mode.Type() {
			t.Errorf("Entry(x, %v) = %s %v %v", tt.mode, e.Name(), e.IsDir(), e.Type())
		}
		if _, err := e.Info(); err == nil {
			t.Errorf("Entry(x, %v).Info succeeded", tt.mode)
		}
	}
}
