package npm

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// scan runs a whole scan with the npm extractor on one fixture, as the
// user would, with the fixture directory as the root.
func scan(t *testing.T, dir string) *inventory.Inventory {
	t.Helper()
	return inventorytest.Scan(t, New(), filepath.Join("testdata", dir), dir, inventory.Options{})
}

// summarizeScan makes a scan comparable with its golden file: hashes cut
// short, Dir relative to testdata with its links resolved, as the
// extractor resolves the directories of installed packages.
func summarizeScan(t *testing.T, inv *inventory.Inventory) inventorytest.Summary {
	t.Helper()
	base := inventorytest.Testdata(t)
	if real, err := filepath.EvalSymlinks(base); err == nil {
		base = real
	}
	return inventorytest.Summarize(t, inv, inventorytest.Options{Base: base, ShortHashes: true})
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
			inventorytest.Golden(t, filepath.Join("testdata", "golden", dir+".json"), got, *update)
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
		if got := New().Wants(tt.rel, inventorytest.Entry(filepath.Base(tt.rel), 0)); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
	if New().Wants("package.json", inventorytest.Entry("package.json", fs.ModeSymlink)) {
		t.Error("Wants a symlinked package.json, which may lead out of the root")
	}
}

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
