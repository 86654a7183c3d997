package python

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// scan runs a whole scan with the Python extractor on one fixture, as the
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
	LicenseFiles     []string `json:",omitempty"`
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
				Supplier: c.Supplier, Homepage: c.Homepage, Repository: c.Repository, Funding: c.Funding, Resolved: c.Resolved,
			}
			for _, path := range c.Paths {
				cs.Paths = append(cs.Paths, strings.Join(path, " > "))
			}
			for _, h := range c.Hashes {
				cs.Hashes = append(cs.Hashes, h.Algorithm+":"+h.Value[:min(len(h.Value), 12)]+"…")
			}
			for _, f := range c.LicenseFiles {
				rel, err := filepath.Rel(abs, f.AbsPath())
				if err != nil {
					t.Fatal(err)
				}
				cs.LicenseFiles = append(cs.LicenseFiles, f.Kind+" "+f.Path+" at "+filepath.ToSlash(rel))
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

// goldenFixtures are the directories of testdata scanned whole.
var goldenFixtures = []string{
	"debian",
	"venv-project",
	"poetry-v1",
	"poetry-v2",
	"uv-project",
	"uv-workspace",
	"uv-forks",
	"pipenv",
	"pipenv-lock-only",
	"requirements-compiled",
	"requirements-hashes",
	"requirements-direct-refs",
	"requirements-includes",
	"pyproject-only",
	"broken",
}

// TestExtractGolden scans every fixture and compares all that the
// extractor decided with the golden file of that fixture. Run with
// -update after a deliberate change, and read the diff.
func TestExtractGolden(t *testing.T) {
	for _, dir := range goldenFixtures {
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
				t.Fatalf("%v (run with -update to create it)", err)
			}
			var want scanSummary
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-golden +got):\n%s", dir, diff)
			}
		})
	}
}

func TestWants(t *testing.T) {
	tests := []struct {
		rel  string
		dir  bool
		want bool
	}{
		{"lib/python3.12/site-packages/flask-3.1.3.dist-info/METADATA", false, true},
		{"flask-3.1.3.dist-info/METADATA", false, true},
		{"METADATA", false, false},
		{"src/flask/METADATA", false, false},
		{"dist-packages/six-1.16.0.egg-info/PKG-INFO", false, true},
		{"dist-packages/foo-1.0-py3.8.egg/EGG-INFO/PKG-INFO", false, true},
		{"PKG-INFO", false, false},
		{"dist-packages/pycups-2.0.1.egg-info", false, true},
		{"dist-packages/six-1.16.0.egg-info", true, false},
		{"poetry.lock", false, true},
		{"app/uv.lock", false, true},
		{"Pipfile.lock", false, true},
		{"Pipfile", false, false},
		{"pyproject.toml", false, true},
		{"requirements.txt", false, true},
		{"dev-requirements.txt", false, true},
		{"requirements-dev.txt", false, true},
		{"requirements/base.txt", false, true},
		{"docs/notes.txt", false, false},
		{"requirements.in", false, false},
		{".venv/lib/python3.12/site-packages/pkg/pyproject.toml", false, false},
		{".venv/lib/python3.12/site-packages/pkg/requirements.txt", false, false},
		{"site-packages/pkg/poetry.lock", false, false},
	}
	e := New()
	for _, tt := range tests {
		d := fakeEntry{name: filepath.Base(tt.rel), dir: tt.dir}
		if got := e.Wants(tt.rel, d); got != tt.want {
			t.Errorf("Wants(%q, dir=%v) = %v, want %v", tt.rel, tt.dir, got, tt.want)
		}
	}
}

type fakeEntry struct {
	name string
	dir  bool
}

func (f fakeEntry) Name() string { return f.name }
func (f fakeEntry) IsDir() bool  { return f.dir }
func (f fakeEntry) Type() fs.FileMode {
	if f.dir {
		return fs.ModeDir
	}
	return 0
}
func (f fakeEntry) Info() (fs.FileInfo, error) { return nil, fs.ErrNotExist }

// TestScanOneLockfile scans a lockfile named on its own: the manifest
// beside it still says which packages are direct.
func TestScanOneLockfile(t *testing.T) {
	file := filepath.Join("testdata", "poetry-v1", "poetry.lock")
	inv, err := inventory.Scan(context.Background(), file, file, []inventory.Extractor{New()}, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Problems) > 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects, want 1", len(inv.Projects))
	}
	p := inv.Projects[0]
	var direct []string
	for _, c := range p.Components {
		if c.Direct {
			direct = append(direct, c.Ref()+" "+string(c.Scope))
		}
	}
	want := []string{"autopep8@1.5.7 dev", "coverage@5.5 dev", "invoke@1.6.0 prod", "pylint@2.9.5 dev", "pytest@6.2.4 dev"}
	if diff := cmp.Diff(want, direct); diff != "" {
		t.Errorf("direct (-want +got):\n%s", diff)
	}
	if p.Name != "ttt" || p.Version != "0.1.0" || p.Path != filepath.ToSlash(filepath.Join("testdata", "poetry-v1", "poetry.lock")) {
		t.Errorf("project %q %q at %q", p.Name, p.Version, p.Path)
	}
}

// TestExtractCancelled checks that a cancelled context ends the
// extraction with its error.
func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	root, _ := filepath.Abs(filepath.Join("testdata", "debian"))
	files := []string{filepath.Join(root, "dist-packages", "PyYAML-6.0.dist-info", "METADATA")}
	if _, _, err := New().Extract(ctx, root, files, inventory.Options{Root: root}); err == nil {
		t.Error("no error from a cancelled extraction")
	}
}

func TestSupports(t *testing.T) {
	rows := New().Supports()
	if len(rows) != 7 {
		t.Errorf("%d rows, want 7", len(rows))
	}
	for _, r := range rows {
		if r.Files == "" || r.Gives == "" || r.Licenses == "" {
			t.Errorf("incomplete row %+v", r)
		}
	}
}

// TestManifestGrouping covers how manifests join: a pyproject.toml beside
// plain requirements names the direct ones, and a workspace member's
// pyproject.toml below a uv.lock is no project of its own.
func TestManifestGrouping(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"app/pyproject.toml":             "[project]\nname = \"app\"\nversion = \"2.0\"\ndependencies = [\"Flask>=3\"]\n",
		"app/requirements.txt":           "click==8.1.7\nflask==3.0.0\nitsdangerous==2.1.2\n",
		"ws/uv.lock":                     string(readFixture(t, "uv-project", "uv.lock")),
		"ws/pyproject.toml":              string(readFixture(t, "uv-project", "pyproject.toml")),
		"ws/packages/lib/pyproject.toml": "[project]\nname = \"lib\"\ndependencies = [\"anyio\"]\n",
		"tools/pyproject.toml":           "[tool.ruff]\nline-length = 100\n",
	})
	inv, err := inventory.Scan(context.Background(), root, ".", []inventory.Extractor{New()}, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Problems) > 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	var got []string
	for _, p := range inv.Projects {
		s := p.Path + " " + p.Name + "@" + p.Version + " " + p.Source + ":"
		for _, c := range p.Components {
			if c.Direct {
				s += " " + c.Ref()
			}
		}
		got = append(got, s)
		got = append(got, p.Notes...)
	}
	want := []string{
		"app/requirements.txt app@2.0 lockfile: flask@3.0.0",
		"the requirements files record no dependency graph and pyproject.toml names the direct dependencies: which one needs each of 2 packages is unknown",
		"ws/uv.lock built-by-uv@0.1.0 lockfile: anyio@4.6.2.post1 pytest@8.3.3",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
