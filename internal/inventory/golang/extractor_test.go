package golang

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

// The module lists below are what `go list -m all` printed for each
// fixture against testdata/modcache (GOPROXY=off), main modules left out
// and replacements shown as the module that stands in.

var prunedModules = []string{
	"github.com/davecgh/go-spew@v1.1.1",
	"github.com/kr/pretty@v0.2.1",
	"github.com/kr/pty@v1.1.1",
	"github.com/kr/text@v0.1.0",
	"github.com/pmezard/go-difflib@v1.0.0",
	"github.com/stretchr/objx@v0.5.2",
	"github.com/stretchr/testify@v1.9.0",
	"golang.org/x/mod@v0.8.0",
	"golang.org/x/sys@v0.5.0",
	"golang.org/x/text@v0.14.0",
	"golang.org/x/tools@v0.6.0",
	"gopkg.in/check.v1@v1.0.0-20201130134442-10cb98267c6c",
	"gopkg.in/yaml.v3@v3.0.1",
}

// The same requirements at go 1.16: nothing is pruned, so everything
// golang.org/x/tools requires is followed.
var unprunedModules = []string{
	"github.com/davecgh/go-spew@v1.1.1",
	"github.com/kr/pretty@v0.2.1",
	"github.com/kr/pty@v1.1.1",
	"github.com/kr/text@v0.1.0",
	"github.com/pmezard/go-difflib@v1.0.0",
	"github.com/stretchr/objx@v0.5.2",
	"github.com/stretchr/testify@v1.9.0",
	"github.com/yuin/goldmark@v1.4.13",
	"golang.org/x/crypto@v0.0.0-20210921155107-089bfa567519",
	"golang.org/x/mod@v0.8.0",
	"golang.org/x/net@v0.6.0",
	"golang.org/x/sync@v0.1.0",
	"golang.org/x/sys@v0.5.0",
	"golang.org/x/term@v0.5.0",
	"golang.org/x/text@v0.14.0",
	"golang.org/x/tools@v0.6.0",
	"golang.org/x/xerrors@v0.0.0-20190717185122-a985d3407aa7",
	"gopkg.in/check.v1@v1.0.0-20201130134442-10cb98267c6c",
	"gopkg.in/yaml.v3@v3.0.1",
}

var replacedModules = []string{
	"github.com/davecgh/go-spew@v1.1.1",
	"github.com/kr/pretty@v0.2.1",
	"github.com/kr/pty@v1.1.1", // required only by the local replacement's go.mod
	"github.com/kr/text@v0.1.0",
	"github.com/pmezard/go-difflib@", // replaced by a directory
	"go.yaml.in/yaml/v3@v3.0.4",      // gopkg.in/yaml.v3 v3.0.1 replaced
	"go.yaml.in/yaml/v3@v3.0.6",
	"gopkg.in/check.v1@v1.0.0-20201130134442-10cb98267c6c",
}

var vendoredModules = []string{
	"github.com/davecgh/go-spew@v1.1.1",
	"github.com/pmezard/go-difflib@v1.0.0",
}

// The workspace selects golang.org/x/tools v0.6.0 over the v0.1.12 that
// api requires, and then follows v0.6.0's requirements one level; that is
// where golang.org/x/term comes from.
var workspaceModules = []string{
	"github.com/davecgh/go-spew@v1.1.1",
	"github.com/pmezard/go-difflib@v1.0.0",
	"github.com/stretchr/objx@v0.5.2",
	"github.com/stretchr/testify@v1.9.0",
	"github.com/yuin/goldmark@v1.4.13",
	"golang.org/x/mod@v0.8.0",
	"golang.org/x/net@v0.6.0",
	"golang.org/x/sync@v0.1.0",
	"golang.org/x/sys@v0.5.0",
	"golang.org/x/term@v0.5.0",
	"golang.org/x/text@v0.14.0",
	"golang.org/x/tools@v0.6.0",
	"gopkg.in/check.v1@v0.0.0-20161208181325-20d25e280405",
	"gopkg.in/yaml.v3@v3.0.1",
}

func testdataDir(t testing.TB, elem ...string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// extract runs the extractor on files (relative to root) as a scan would.
func extract(t *testing.T, root, cache string, files ...string) ([]*inventory.Project, []inventory.Problem) {
	t.Helper()
	var abs []string
	for _, f := range files {
		abs = append(abs, filepath.Join(root, filepath.FromSlash(f)))
	}
	ps, probs, err := New().Extract(context.Background(), root, abs, inventory.Options{Root: root, Display: "proj", GoModCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	return ps, probs
}

func stdlibVersion(p *inventory.Project) string {
	for _, c := range p.Components {
		if c.Name == stdlibName {
			return c.Version
		}
	}
	return ""
}

func TestExtractModuleList(t *testing.T) {
	cache := testdataDir(t, "modcache")
	tests := []struct {
		name       string
		dir        string
		files      []string
		cache      string
		want       []string
		wantStdlib string
		wantNotes  []string
	}{
		{
			name: "pruned", dir: "pruned", files: []string{"go.mod"}, cache: cache,
			want: prunedModules, wantStdlib: "v1.22.5",
			wantNotes: []string{
				"example.com/pruned retracts its version v0.1.0 (published by mistake)",
				"standard library taken at v1.22.5, the later of the go line (1.21) and the toolchain line (go1.22.5)",
			},
		},
		{
			name: "unpruned", dir: "unpruned", files: []string{"go.mod"}, cache: cache,
			want: unprunedModules, wantStdlib: "v1.16.0",
		},
		{
			name: "local and module replacements, exclude", dir: "replaced", files: []string{"go.mod"}, cache: cache,
			want: replacedModules, wantStdlib: "v1.22.0",
			wantNotes: []string{
				"github.com/pmezard/go-difflib v1.0.0 is replaced by the directory proj/third_party/difflib",
				"gopkg.in/yaml.v3 v3.0.1 is replaced by go.yaml.in/yaml/v3 v3.0.4",
			},
		},
		{
			name: "vendored", dir: "vendored", files: []string{"go.mod"}, cache: cache,
			want: vendoredModules, wantStdlib: "v1.22.0",
		},
		{
			name: "stale vendor directory", dir: "vendored-stale", files: []string{"go.mod"}, cache: cache,
			want: vendoredModules, wantStdlib: "v1.22.0",
			wantNotes: []string{"vendor/modules.txt disagrees with the module graph: github.com/davecgh/go-spew v1.1.0 (graph: v1.1.1)"},
		},
		{
			name: "workspace", dir: "workspace", files: []string{"go.work", "api/go.mod", "tool/go.mod"}, cache: cache,
			want: workspaceModules, wantStdlib: "v1.22.0",
		},
		{
			name: "no module cache: pruned list from go.mod and go.sum", dir: "pruned", files: []string{"go.mod"}, cache: t.TempDir(),
			want: prunedModules, wantStdlib: "v1.22.5",
			wantNotes: []string{
				"example.com/pruned retracts its version v0.1.0 (published by mistake)",
				"the module cache holds none of the go.mod files of the dependencies; modules listed from go.mod and go.sum, without the dependency graph",
				"standard library taken at v1.22.5, the later of the go line (1.21) and the toolchain line (go1.22.5)",
			},
		},
		{
			name: "no module cache: unpruned list from go.mod and go.sum", dir: "unpruned", files: []string{"go.mod"}, cache: t.TempDir(),
			want: unprunedModules, wantStdlib: "v1.16.0",
			wantNotes: []string{
				"the module cache holds none of the go.mod files of the dependencies; modules listed from go.mod and go.sum, without the dependency graph",
				"go line below 1.17: go.mod need not list every module the build uses",
			},
		},
		{
			name: "go.mod read from the extracted module", dir: "pruned", files: []string{"go.mod"}, cache: partialCache(t, cache, "golang.org/x/text/@v/v0.14.0.mod"),
			want: prunedModules, wantStdlib: "v1.22.5",
			wantNotes: []string{
				"example.com/pruned retracts its version v0.1.0 (published by mistake)",
				"standard library taken at v1.22.5, the later of the go line (1.21) and the toolchain line (go1.22.5)",
			},
		},
		{
			// Only testify's go.mod requires objx; go.sum brings it back.
			name: "module cache lacking one go.mod", dir: "pruned", files: []string{"go.mod"}, cache: partialCache(t, cache, "github.com/stretchr/testify/@v/v1.9.0.mod"),
			want: prunedModules, wantStdlib: "v1.22.5",
			wantNotes: []string{
				"example.com/pruned retracts its version v0.1.0 (published by mistake)",
				"the module cache lacks the go.mod of 1 module version(s) (first: github.com/stretchr/testify@v1.9.0); the module list is completed from go.mod and go.sum and may differ from the go command's",
				"standard library taken at v1.22.5, the later of the go line (1.21) and the toolchain line (go1.22.5)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, probs := extract(t, testdataDir(t, tt.dir), tt.cache, tt.files...)
			if len(probs) > 0 {
				t.Errorf("problems: %v", probs)
			}
			if len(ps) != 1 {
				t.Fatalf("got %d projects, want 1", len(ps))
			}
			if diff := cmp.Diff(tt.want, moduleRefs(ps[0])); diff != "" {
				t.Errorf("modules (-want +got):\n%s", diff)
			}
			if got := stdlibVersion(ps[0]); got != tt.wantStdlib {
				t.Errorf("stdlib version = %q, want %q", got, tt.wantStdlib)
			}
			if diff := cmp.Diff(tt.wantNotes, ps[0].Notes, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

// partialCache copies the fixture module cache without one go.mod.
func partialCache(t *testing.T, cache, drop string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(cache, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(cache, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(filepath.ToSlash(rel), drop) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func componentByRef(p *inventory.Project, ref string) *inventory.Component {
	for _, c := range p.Components {
		if c.Ref() == ref {
			return c
		}
	}
	return nil
}

func TestExtractComponentDetails(t *testing.T) {
	cache := testdataDir(t, "modcache")
	tests := []struct {
		name  string
		dir   string
		files []string
		want  []*inventory.Component
	}{
		{
			name: "pruned", dir: "pruned", files: []string{"go.mod"},
			want: []*inventory.Component{
				{
					Ecosystem: "go", Name: "github.com/davecgh/go-spew", Version: "v1.1.1",
					PURL: "pkg:golang/github.com/davecgh/go-spew@v1.1.1", Scope: inventory.ScopeProd,
					Paths:      [][]string{{"github.com/stretchr/testify@v1.9.0", "github.com/davecgh/go-spew@v1.1.1"}},
					Locations:  []string{"proj/go.mod", "proj/go.sum"},
					Repository: "https://github.com/davecgh/go-spew",
					Hashes:     []inventory.Hash{{Algorithm: "h1", Value: "vj9j/u1bqnvCEfJOwUhtlOARqs3+rkHYY13jYWTU97c="}},
					Dir:        filepath.Join(cache, "github.com/davecgh/go-spew@v1.1.1"),
					Installed:  true,
				},
				{
					Ecosystem: "go", Name: "golang.org/x/text", Version: "v0.14.0",
					PURL: "pkg:golang/golang.org/x/text@v0.14.0", Scope: inventory.ScopeProd, Direct: true,
					Paths:      [][]string{{"golang.org/x/text@v0.14.0"}},
					Locations:  []string{"proj/go.mod", "proj/go.sum"},
					Repository: "https://go.googlesource.com/text",
					Hashes:     []inventory.Hash{{Algorithm: "h1", Value: "ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ="}},
					Dir:        filepath.Join(cache, "golang.org/x/text@v0.14.0"),
					Installed:  true,
				},
				{
					// Required by golang.org/x/text, whose requirements are
					// not followed: no go.sum zip hash, not downloaded.
					Ecosystem: "go", Name: "golang.org/x/sys", Version: "v0.5.0",
					PURL: "pkg:golang/golang.org/x/sys@v0.5.0", Scope: inventory.ScopeProd,
					Paths:      [][]string{{"golang.org/x/text@v0.14.0", "golang.org/x/sys@v0.5.0"}},
					Locations:  []string{"proj/go.mod", "proj/go.sum"},
					Repository: "https://go.googlesource.com/sys",
				},
				{
					Ecosystem: "go", Name: "stdlib", Version: "v1.22.5",
					PURL: "pkg:golang/stdlib@v1.22.5", Scope: inventory.ScopeProd, Direct: true,
					Paths:            [][]string{{"stdlib@v1.22.5"}},
					Locations:        []string{"proj/go.mod"},
					DeclaredLicenses: []string{"BSD-3-Clause"},
					Repository:       "https://go.googlesource.com/go",
				},
			},
		},
		{
			name: "replaced", dir: "replaced", files: []string{"go.mod"},
			want: []*inventory.Component{
				{
					Ecosystem: "go", Name: "github.com/pmezard/go-difflib",
					PURL: "pkg:golang/github.com/pmezard/go-difflib", Scope: inventory.ScopeProd, Direct: true,
					Paths:     [][]string{{"github.com/pmezard/go-difflib@"}},
					Locations: []string{"proj/go.mod"},
					Dir:       testdataDir(t, "replaced", "third_party", "difflib"),
					Installed: true,
				},
				{
					Ecosystem: "go", Name: "go.yaml.in/yaml/v3", Version: "v3.0.4",
					PURL: "pkg:golang/go.yaml.in/yaml/v3@v3.0.4", Scope: inventory.ScopeProd, Direct: true,
					Paths:     [][]string{{"go.yaml.in/yaml/v3@v3.0.4"}},
					Locations: []string{"proj/go.mod", "proj/go.sum"},
					Hashes:    []inventory.Hash{{Algorithm: "h1", Value: "tfq32ie2Jv2UxXFdLJdh3jXuOzWiL1fo0bu/FbuKpbc="}},
				},
				{
					Ecosystem: "go", Name: "github.com/kr/pty", Version: "v1.1.1",
					PURL: "pkg:golang/github.com/kr/pty@v1.1.1", Scope: inventory.ScopeProd,
					Paths:      [][]string{{"github.com/pmezard/go-difflib@", "github.com/kr/pty@v1.1.1"}},
					Locations:  []string{"proj/go.mod", "proj/go.sum"},
					Repository: "https://github.com/kr/pty",
				},
			},
		},
		{
			name: "vendored", dir: "vendored", files: []string{"go.mod"},
			want: []*inventory.Component{
				{
					Ecosystem: "go", Name: "github.com/davecgh/go-spew", Version: "v1.1.1",
					PURL: "pkg:golang/github.com/davecgh/go-spew@v1.1.1", Scope: inventory.ScopeProd, Direct: true,
					Paths:      [][]string{{"github.com/davecgh/go-spew@v1.1.1"}},
					Locations:  []string{"proj/go.mod", "proj/go.sum", "proj/vendor/github.com/davecgh/go-spew"},
					Repository: "https://github.com/davecgh/go-spew",
					Hashes:     []inventory.Hash{{Algorithm: "h1", Value: "vj9j/u1bqnvCEfJOwUhtlOARqs3+rkHYY13jYWTU97c="}},
					Dir:        testdataDir(t, "vendored", "vendor", "github.com", "davecgh", "go-spew"),
					Installed:  true,
				},
			},
		},
		{
			name: "stale vendor directory falls back to the module cache", dir: "vendored-stale", files: []string{"go.mod"},
			want: []*inventory.Component{
				{
					Ecosystem: "go", Name: "github.com/davecgh/go-spew", Version: "v1.1.1",
					PURL: "pkg:golang/github.com/davecgh/go-spew@v1.1.1", Scope: inventory.ScopeProd, Direct: true,
					Paths:      [][]string{{"github.com/davecgh/go-spew@v1.1.1"}},
					Locations:  []string{"proj/go.mod", "proj/go.sum"},
					Repository: "https://github.com/davecgh/go-spew",
					Hashes:     []inventory.Hash{{Algorithm: "h1", Value: "vj9j/u1bqnvCEfJOwUhtlOARqs3+rkHYY13jYWTU97c="}},
					Dir:        filepath.Join(cache, "github.com/davecgh/go-spew@v1.1.1"),
					Installed:  true,
				},
			},
		},
		{
			name: "workspace", dir: "workspace", files: []string{"go.work", "api/go.mod", "tool/go.mod"},
			want: []*inventory.Component{
				{
					Ecosystem: "go", Name: "golang.org/x/tools", Version: "v0.6.0",
					PURL: "pkg:golang/golang.org/x/tools@v0.6.0", Scope: inventory.ScopeProd, Direct: true,
					Paths: [][]string{{"golang.org/x/tools@v0.6.0"}},
					// api's go.sum lists v0.1.12, tool's the selected v0.6.0.
					Locations:  []string{"proj/go.work", "proj/tool/go.sum"},
					Repository: "https://go.googlesource.com/tools",
					Hashes:     []inventory.Hash{{Algorithm: "h1", Value: "BOw41kyTf3PuCW1pVQf8+Cyg8pMlkYB1oo9iJ6D/lKM="}},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, probs := extract(t, testdataDir(t, tt.dir), cache, tt.files...)
			if len(probs) > 0 || len(ps) != 1 {
				t.Fatalf("got %d projects and problems %v, want 1 project", len(ps), probs)
			}
			for _, want := range tt.want {
				got := componentByRef(ps[0], want.Ref())
				if got == nil {
					t.Errorf("%s missing", want.Ref())
					continue
				}
				if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(inventory.LicenseFile{})); diff != "" {
					t.Errorf("%s (-want +got):\n%s", want.Ref(), diff)
				}
			}
		})
	}
}

func TestWorkspaceOwnsItsModules(t *testing.T) {
	root := testdataDir(t, "workspace")
	ps, probs := extract(t, root, testdataDir(t, "modcache"), "api/go.mod", "go.work", "tool/go.mod")
	if len(probs) > 0 {
		t.Errorf("problems: %v", probs)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Source+" "+p.Name+" "+p.Path)
		for _, c := range p.Components {
			if strings.HasPrefix(c.Name, "example.com/ws/") {
				t.Errorf("workspace module %s listed as a component", c.Ref())
			}
		}
	}
	if diff := cmp.Diff([]string{"go.work workspace proj/go.work"}, got); diff != "" {
		t.Errorf("projects (-want +got):\n%s", diff)
	}
}

func TestExtractProblems(t *testing.T) {
	root := testdataDir(t)
	ps, probs := extract(t, root, testdataDir(t, "modcache"), "broken/go.mod", "empty/go.mod", "binaries/not-go", "binaries/script")
	if len(ps) != 0 {
		t.Errorf("got %d projects, want none", len(ps))
	}
	want := []inventory.Problem{
		{Path: "proj/broken/go.mod", Message: "line 7: usage: require module/path v1.2.3"},
		{Path: "proj/empty/go.mod", Message: "no module directive; skipped"},
	}
	if diff := cmp.Diff(want, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// A replacement directory without a go.mod is a problem of the project,
// which is still reported with what could be read.
func TestReplacementDirectoryMissing(t *testing.T) {
	ps, probs := extract(t, testdataDir(t, "replace-missing-dir"), testdataDir(t, "modcache"), "go.mod")
	want := []inventory.Problem{{Path: "proj/go.mod", Message: "go.mod of github.com/pmezard/go-difflib v1.0.0 (proj/not-there/go.mod): no such file or directory"}}
	if diff := cmp.Diff(want, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(ps) != 1 {
		t.Fatalf("got %d projects, want 1", len(ps))
	}
	if diff := cmp.Diff([]string{"github.com/pmezard/go-difflib@"}, moduleRefs(ps[0])); diff != "" {
		t.Errorf("modules (-want +got):\n%s", diff)
	}
}

// A go.mod that is a symlink to a file outside the scanned root is not
// read.
func TestSymlinkOutOfRootNotFollowed(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "go.mod")
	if err := os.WriteFile(secret, []byte("module example.com/outside\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.Symlink(secret, filepath.Join(root, "go.mod")); err != nil {
		t.Skipf("symlinks not available: %v", err)
	}
	ps, probs := extract(t, root, t.TempDir(), "go.mod")
	if len(ps) != 0 {
		t.Errorf("read %s through a symlink out of the root", ps[0].Name)
	}
	if len(probs) != 1 || probs[0].Path != "proj/go.mod" || !strings.HasPrefix(probs[0].Message, "read: ") {
		t.Errorf("problems = %v, want one read problem for proj/go.mod", probs)
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	root := testdataDir(t, "pruned")
	_, _, err := New().Extract(ctx, root, []string{filepath.Join(root, "go.mod")}, inventory.Options{Root: root, GoModCache: testdataDir(t, "modcache")})
	if err == nil {
		t.Fatal("Extract with a cancelled context succeeded")
	}
}

type fakeEntry struct {
	name string
	mode fs.FileMode
}

func (e fakeEntry) Name() string               { return e.name }
func (e fakeEntry) IsDir() bool                { return e.mode.IsDir() }
func (e fakeEntry) Type() fs.FileMode          { return e.mode.Type() }
func (e fakeEntry) Info() (fs.FileInfo, error) { return e, nil }
func (e fakeEntry) Size() int64                { return 1 << 20 }
func (e fakeEntry) Mode() fs.FileMode          { return e.mode }
func (e fakeEntry) ModTime() time.Time         { return time.Time{} }
func (e fakeEntry) Sys() any                   { return nil }

func TestWants(t *testing.T) {
	tests := []struct {
		rel  string
		mode fs.FileMode
		want bool
	}{
		{"go.mod", 0o644, true},
		{"sub/dir/go.mod", 0o644, true},
		{"go.work", 0o644, true},
		{"go.sum", 0o644, false},
		{"bin/tool", 0o755, true},
		{"bin/tool", 0o644, false},
		{"dist/tool.exe", 0o644, true},
		{"run.sh", 0o755, false},
		{"main.go", 0o755, false},
		{".hidden", 0o755, false},
		{"bin/link", fs.ModeSymlink | 0o777, false},
		{"internal/x/testdata/go.mod", 0o644, false},
		{"internal/x/testdata/bin/tool", 0o755, false},
		{"pkg/mod/github.com/a/b@v1.0.0/go.mod", 0o644, false},
	}
	e := New()
	for _, tt := range tests {
		if got := e.Wants(tt.rel, fakeEntry{name: filepath.Base(tt.rel), mode: tt.mode}); got != tt.want {
			t.Errorf("Wants(%q, %v) = %v, want %v", tt.rel, tt.mode, got, tt.want)
		}
	}
}

func TestModCacheDir(t *testing.T) {
	tests := []struct {
		name string
		opt  string
		env  map[string]string
		want string
	}{
		{"option first", "/opt/cache", map[string]string{"GOMODCACHE": "/env/cache"}, "/opt/cache"},
		{"GOMODCACHE", "", map[string]string{"GOMODCACHE": "/env/cache", "GOPATH": "/gopath"}, "/env/cache"},
		{"first GOPATH entry", "", map[string]string{"GOPATH": "/one" + string(filepath.ListSeparator) + "/two"}, filepath.Join("/one", "pkg", "mod")},
		{"home", "", map[string]string{"HOME": "/home/u"}, filepath.Join("/home/u", "go", "pkg", "mod")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := modCacheDir(tt.opt, func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Errorf("modCacheDir = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestModulePURLAndRepository(t *testing.T) {
	tests := []struct {
		path, version, purl, repo string
	}{
		{"github.com/Azure/azure-sdk-for-go/sdk/azcore", "v1.23.3", "pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azcore@v1.23.3", "https://github.com/Azure/azure-sdk-for-go"},
		{"github.com/dgrijalva/jwt-go", "v3.2.0+incompatible", "pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0%2Bincompatible", "https://github.com/dgrijalva/jwt-go"},
		{"golang.org/x/net", "v0.6.0", "pkg:golang/golang.org/x/net@v0.6.0", "https://go.googlesource.com/net"},
		{"gopkg.in/yaml.v3", "v3.0.1", "pkg:golang/gopkg.in/yaml.v3@v3.0.1", ""},
		{"stdlib", "v1.22.5", "pkg:golang/stdlib@v1.22.5", ""},
	}
	for _, tt := range tests {
		if got := modulePURL(tt.path, tt.version); got != tt.purl {
			t.Errorf("modulePURL(%q, %q) = %q, want %q", tt.path, tt.version, got, tt.purl)
		}
		if got := repositoryOf(tt.path); got != tt.repo {
			t.Errorf("repositoryOf(%q) = %q, want %q", tt.path, got, tt.repo)
		}
	}
}

// A named pipe called go.mod must not hang the scan.
func TestNamedPipeNotOpened(t *testing.T) {
	root := t.TempDir()
	if err := mkfifo(filepath.Join(root, "go.mod")); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	ps, probs := extract(t, root, t.TempDir(), "go.mod")
	want := []inventory.Problem{{Path: "proj/go.mod", Message: "read: not a regular file"}}
	if len(ps) != 0 {
		t.Errorf("got %d projects, want none", len(ps))
	}
	if diff := cmp.Diff(want, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// Through the real walk: Wants picks the files, the workspace owns its
// members, and of the executables only the Go binary becomes a project.
func TestScan(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"workspace", []string{"go.work workspace workspace/go.work"}},
		{"vendored", []string{"go.mod example.com/vendored vendored/go.mod"}},
		{"binaries", []string{"binary example.com/hello binaries/hello"}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			inv := inventorytest.Scan(t, New(), testdataDir(t, tt.dir), tt.dir, inventory.Options{GoModCache: testdataDir(t, "modcache")})
			if len(inv.Problems) > 0 {
				t.Errorf("problems: %v", inv.Problems)
			}
			var got []string
			for _, p := range inv.Projects {
				got = append(got, p.Source+" "+p.Name+" "+p.Path)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("projects (-want +got):\n%s", diff)
			}
		})
	}
}
