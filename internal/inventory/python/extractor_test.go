package python

import (
	"context"
	"flag"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// scan runs a whole scan with the Python extractor on one fixture, as the
// user would, with the fixture directory as the root.
func scan(t *testing.T, dir string) *inventory.Inventory {
	t.Helper()
	return inventorytest.Scan(t, New(), filepath.Join("testdata", dir), dir, inventory.Options{})
}

// summarize makes a scan comparable with its golden file: hashes cut
// short, license files shown with where they were found.
func summarize(t *testing.T, inv *inventory.Inventory) inventorytest.Summary {
	t.Helper()
	testdata := inventorytest.Testdata(t)
	return inventorytest.Summarize(t, inv, inventorytest.Options{
		ShortHashes: true,
		LicenseFile: func(f inventory.LicenseFile) string {
			return f.Kind + " " + f.Path + " at " + inventorytest.RelTo(testdata, f.AbsPath())
		},
	})
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
			got := summarize(t, scan(t, dir))
			inventorytest.Golden(t, filepath.Join("testdata", "golden", dir+".json"), got, *update)
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
		var mode fs.FileMode
		if tt.dir {
			mode = fs.ModeDir
		}
		d := inventorytest.Entry(filepath.Base(tt.rel), mode)
		if got := e.Wants(tt.rel, d); got != tt.want {
			t.Errorf("Wants(%q, dir=%v) = %v, want %v", tt.rel, tt.dir, got, tt.want)
		}
	}
}

// TestScanOneLockfile scans a lockfile named on its own: the manifest
// beside it still says which packages are direct.
func TestScanOneLockfile(t *testing.T) {
	file := filepath.Join("testdata", "poetry-v1", "poetry.lock")
	inv := inventorytest.Scan(t, New(), file, file, inventory.Options{})
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
	inv := inventorytest.Scan(t, New(), root, ".", inventory.Options{})
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
