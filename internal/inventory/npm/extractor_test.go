package npm

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// scan runs a whole scan with the npm extractor on one fixture, as the
// user would, with the fixture directory as the root.
func scan(t *testing.T, dir string) *inventory.Inventory {
	t.Helper()
	inv, err := inventory.Scan(context.Background(), filepath.Join("testdata", dir), dir, []inventory.Extractor{New()}, inventory.Options{})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	return inv
}

// scanSummary is what the golden files hold: everything the extractor
// decides, in a stable order.
type scanSummary struct {
	Projects []projectSummary    `json:"projects"`
	Problems []inventory.Problem `json:"problems,omitempty"`
}

type projectSummary struct {
	Name, Version, Path, Source string
	Notes                       []string            `json:",omitempty"`
	Components                  []componentSummary  `json:",omitempty"`
	Edges                       map[string][]string `json:",omitempty"`
}

type componentSummary struct {
	Ref              string
	PURL             string
	Scope            inventory.Scope
	Direct           bool     `json:",omitempty"`
	Installed        bool     `json:",omitempty"`
	Paths            []string `json:",omitempty"`
	Locations        []string `json:",omitempty"`
	DeclaredLicenses []string `json:",omitempty"`
	Supplier         string   `json:",omitempty"`
	Homepage         string   `json:",omitempty"`
	Repository       string   `json:",omitempty"`
	Funding          []string `json:",omitempty"`
	Hashes           []string `json:",omitempty"`
	Resolved         string   `json:",omitempty"`
	Dir              string   `json:",omitempty"`
}

func summarizeScan(t *testing.T, inv *inventory.Inventory) scanSummary {
	t.Helper()
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	var s scanSummary
	for _, p := range inv.Projects {
		ps := projectSummary{Name: p.Name, Version: p.Version, Path: p.Path, Source: p.Source, Notes: p.Notes}
		if len(p.Edges) > 0 {
			ps.Edges = map[string][]string{}
			for from, tos := range p.Edges {
				if from == inventory.RootKey {
					from = "(root)"
				}
				ps.Edges[from] = tos
			}
		}
		for _, c := range p.Components {
			cs := componentSummary{
				Ref: c.Ref(), PURL: c.PURL, Scope: c.Scope, Direct: c.Direct, Installed: c.Installed,
				Locations: c.Locations, DeclaredLicenses: c.DeclaredLicenses,
				Supplier: c.Supplier, Homepage: c.Homepage, Repository: c.Repository, Funding: c.Funding,
				Resolved: c.Resolved,
			}
			for _, path := range c.Paths {
				cs.Paths = append(cs.Paths, strings.Join(path, " > "))
			}
			for _, h := range c.Hashes {
				cs.Hashes = append(cs.Hashes, h.Algorithm+":"+h.Value[:min(len(h.Value), 12)]+"…")
			}
			if c.Dir != "" {
				rel, err := filepath.Rel(abs, c.Dir)
				if err != nil {
					t.Fatal(err)
				}
				cs.Dir = filepath.ToSlash(rel)
			}
			ps.Components = append(ps.Components, cs)
		}
		s.Projects = append(s.Projects, ps)
	}
	s.Problems = append(s.Problems, inv.Problems...)
	sort.Slice(s.Problems, func(i, j int) bool { return s.Problems[i].Path < s.Problems[j].Path })
	return s
}

// TestExtractGolden scans every fixture and compares all that the
// extractor decided with the golden file of that fixture. Run with
// -update after a deliberate change, and read the diff.
func TestExtractGolden(t *testing.T) {
	for _, dir := range []string{
		"installed-scoped-nested",
		"installed-legacy-npm6",
		"installed-bundled",
		"installed-vs-lockfile",
		"npm-workspaces",
		"pnpm-layout",
		"pnpm-workspace",
		"broken-packages",
		"broken-lockfile",
		"installed-hidden-lockfile",
		"symlink-loops",
		"lock-v1",
		"lock-v2",
		"lock-v3",
		"shrinkwrap",
		"no-dependencies",
		"declared-only",
		"workspaces-not-installed",
	} {
		t.Run(dir, func(t *testing.T) {
			got := summarizeScan(t, scan(t, dir))
			golden := filepath.Join("testdata", "golden", dir+".json")
			if *update {
				data, err := json.MarshalIndent(got, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, append(data, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			var want scanSummary
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("golden %s: %v", golden, err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: mismatch (-golden +got):\n%s", dir, diff)
			}
		})
	}
}

func TestWants(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"package.json", true},
		{"packages/app/package.json", true},
		{"node_modules/x/package.json", false},
		{"a/node_modules/x/package.json", false},
		{"package-lock.json", false},
		{"my-package.json", false},
	}
	for _, tt := range tests {
		if got := New().Wants(tt.rel, fileEntry{name: filepath.Base(tt.rel)}); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
	if New().Wants("package.json", fileEntry{name: "package.json", mode: fs.ModeSymlink}) {
		t.Error("Wants a symlinked package.json, which may lead out of the root")
	}
}

// fileEntry is a fs.DirEntry for Wants.
type fileEntry struct {
	name string
	mode fs.FileMode
}

func (e fileEntry) Name() string               { return e.name }
func (e fileEntry) IsDir() bool                { return e.mode.IsDir() }
func (e fileEntry) Type() fs.FileMode          { return e.mode.Type() }
func (e fileEntry) Info() (fs.FileInfo, error) { return nil, fs.ErrNotExist }

func TestMatchWorkspace(t *testing.T) {
	tests := []struct {
		globs []string
		rel   string
		want  bool
	}{
		{[]string{"packages/*"}, "packages/a", true},
		{[]string{"packages/*"}, "packages/a/b", false},
		{[]string{"./packages/*/"}, "packages/a", true},
		{[]string{"packages/**"}, "packages/a/b", true},
		{[]string{"**"}, "a", true},
		{[]string{"apps/*", "libs/*"}, "libs/x", true},
		{[]string{"packages/*", "!packages/excluded"}, "packages/excluded", false},
		{[]string{"packages/*", "!**/test/**"}, "packages/test", false},
		{[]string{"packages/[a"}, "packages/a", false},
		{[]string{"tools"}, "tools", true},
		{nil, "packages/a", false},
	}
	for _, tt := range tests {
		if got := matchWorkspace(tt.globs, tt.rel); got != tt.want {
			t.Errorf("matchWorkspace(%q, %q) = %v, want %v", tt.globs, tt.rel, got, tt.want)
		}
	}
}

func TestParseIntegrity(t *testing.T) {
	hex := strings.Repeat("ab", 64)
	tests := []struct {
		in   string
		want []inventory.Hash
	}{
		{"", nil},
		{"sha512-AAA=", []inventory.Hash{{Algorithm: "SHA-512", Value: "AAA="}}},
		{"sha1-BBB= sha512-CCC?opt", []inventory.Hash{{Algorithm: "SHA-1", Value: "BBB="}, {Algorithm: "SHA-512", Value: "CCC"}}},
		{"sha256-D sha384-E md5-F", []inventory.Hash{{Algorithm: "SHA-256", Value: "D"}, {Algorithm: "SHA-384", Value: "E"}}},
		{"10c0/" + hex, []inventory.Hash{{Algorithm: "SHA-512", Value: hex}}},
		{"10c0/zz", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseIntegrity(tt.in)); diff != "" {
			t.Errorf("parseIntegrity(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestPURL(t *testing.T) {
	tests := []struct{ name, version, want string }{
		{"ms", "2.1.3", "pkg:npm/ms@2.1.3"},
		{"@tootallnate/once", "2.0.0", "pkg:npm/%40tootallnate/once@2.0.0"},
		{"@babel/core", "7.0.0-beta.1+build", "pkg:npm/%40babel/core@7.0.0-beta.1%2Bbuild"},
		{"ms", "", "pkg:npm/ms"},
	}
	for _, tt := range tests {
		if got := purl(tt.name, tt.version); got != tt.want {
			t.Errorf("purl(%q, %q) = %q, want %q", tt.name, tt.version, got, tt.want)
		}
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	files := []string{filepath.Join("testdata", "installed-scoped-nested", "package.json")}
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		files[i], _ = filepath.Abs(files[i])
	}
	if _, _, err := New().Extract(ctx, abs, files, inventory.Options{Root: abs}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestExtractOutsideRoot checks that a link inside the scanned directory
// is not followed when it leaves it, even to a real package.
func TestExtractOutsideRoot(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	ms, err := os.ReadFile(filepath.Join("testdata", "installed-scoped-nested", "node_modules", "ms", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "ms", "package.json"), string(ms))
	write(filepath.Join(root, "package.json"), `{"name": "p", "dependencies": {"ms": "*"}}`)
	if err := os.MkdirAll(filepath.Join(root, "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "ms"), filepath.Join(root, "node_modules", "ms")); err != nil {
		t.Skip("symlinks:", err)
	}
	inv, err := inventory.Scan(context.Background(), root, "proj", []inventory.Extractor{New()}, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []inventory.Problem{{Path: "proj/node_modules/ms", Message: "symlink points outside the scanned root; not followed"}}
	if diff := cmp.Diff(want, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// Nothing was installed inside the root: only the declaration is left.
	var refs []string
	for _, c := range inv.Projects[0].Components {
		refs = append(refs, c.Ref())
	}
	if diff := cmp.Diff([]string{"ms@"}, refs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
}
