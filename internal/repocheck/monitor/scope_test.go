package monitor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseScopeFileErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"empty.yaml", "testdata/scope/empty.yaml: empty scope file: list repositories under repos: or directories under dirs:"},
		{"not-yaml.txt", "testdata/scope/not-yaml.txt:3: did not find expected '-' indicator"},
		{"unknown-key.yaml", `testdata/scope/unknown-key.yaml:3: repos: unknown key "branch" (want path and name)`},
		{"duplicate-name.yaml", `testdata/scope/duplicate-name.yaml:4: repository name "app" is also used on line 2`},
		{"bad-glob.yaml", `testdata/scope/bad-glob.yaml:3: exclude: bad glob "[unclosed": syntax error in pattern`},
		{"bad-depth.yaml", `testdata/scope/bad-depth.yaml:3: dirs: depth "deep" is not a whole number from 1 to 16`},
		{"repos-not-list.yaml", "testdata/scope/repos-not-list.yaml:2: repos: expected a list"},
		{"no-repos.yaml", "testdata/scope/no-repos.yaml:1: no repositories: list them under repos: or directories of clones under dirs:"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/scope/" + tt.file
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseScopeFile(path, data)
			if err == nil {
				t.Fatal("parsed without error")
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err, tt.want)
			}
			if !errors.Is(err, ErrBadScope) {
				t.Errorf("error does not wrap ErrBadScope")
			}
		})
	}
}

func TestParseScopeFileForms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *ScopeFile
	}{
		{
			name: "listed and discovered",
			in:   "repos:\n  - path: a\n    name: example.org/t/a\n  - b\ndirs:\n  - c\n  - path: d\n    depth: 3\ninclude: [\"x*\"]\nexclude: []\n",
			want: &ScopeFile{File: "s.yaml",
				Repos:   []ScopeRepo{{Path: "a", Name: "example.org/t/a", Line: 2}, {Path: "b", Line: 4}},
				Dirs:    []ScopeDir{{Path: "c", Depth: 1, Line: 6}, {Path: "d", Depth: 3, Line: 7}},
				Include: []string{"x*"}},
		},
		{
			name: "JSON is YAML too",
			in:   `{"repos": [{"path": "a"}]}`,
			want: &ScopeFile{File: "s.yaml", Repos: []ScopeRepo{{Path: "a", Line: 1}}},
		},
		{
			name: "anchors are followed",
			in:   "dirs: [&d clones]\nrepos: [*d]\n",
			want: &ScopeFile{File: "s.yaml", Repos: []ScopeRepo{{Path: "clones", Line: 1}}, Dirs: []ScopeDir{{Path: "clones", Depth: 1, Line: 1}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseScopeFile("s.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// clones lays out a tree of fake clones (a .git entry is all discovery
// looks at) under root.
func clones(t *testing.T, root string, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d), ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func targets(sc Scope, root string) []Target {
	var out []Target
	for _, t := range sc.Repos {
		rel, _ := filepath.Rel(root, t.Path)
		out = append(out, Target{Name: t.Name, Path: filepath.ToSlash(rel)})
	}
	return out
}

func TestDiscoverScope(t *testing.T) {
	root := t.TempDir()
	clones(t, root, "a", "b", "b/nested", "group/c", "group/deeper/d", ".hidden")
	if err := os.MkdirAll(filepath.Join(root, "plain"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A worktree or submodule has a .git file, not a directory.
	if err := os.MkdirAll(filepath.Join(root, "worktree"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "worktree", ".git"), []byte("gitdir: ../a/.git/worktrees/w\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	clones(t, outside, "elsewhere")
	if err := os.Symlink(filepath.Join(outside, "elsewhere"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		depth int
		f     Filter
		want  []Target
	}{
		{"direct subdirectories", 0, Filter{}, []Target{{"a", "a"}, {"b", "b"}, {"worktree", "worktree"}}},
		{"two levels", 2, Filter{}, []Target{{"a", "a"}, {"b", "b"}, {"group/c", "group/c"}, {"worktree", "worktree"}}},
		{"three levels", 3, Filter{}, []Target{{"a", "a"}, {"b", "b"}, {"group/c", "group/c"}, {"group/deeper/d", "group/deeper/d"}, {"worktree", "worktree"}}},
		{"include by last element", 3, Filter{Include: []string{"d", "a"}}, []Target{{"a", "a"}, {"group/deeper/d", "group/deeper/d"}}},
		{"exclude wins", 3, Filter{Include: []string{"group/*"}, Exclude: []string{"c"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := DiscoverScope(context.Background(), root, tt.depth, tt.f)
			if tt.want == nil {
				if !errors.Is(err, ErrNoRepositories) {
					t.Fatalf("err = %v, want ErrNoRepositories", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, targets(sc, root)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := DiscoverScope(context.Background(), root, 1, Filter{Include: []string{"[x"}}); err == nil || !strings.Contains(err.Error(), "bad glob") {
		t.Errorf("bad glob: err = %v", err)
	}
}

func TestLoadScopeResolvesAgainstTheFile(t *testing.T) {
	root := t.TempDir()
	clones(t, root, "clones/app", "clones/lib", "more/tool-x", "more/group/tool-y", "more/old-archive", "more/app")
	for _, f := range []string{"listed.yaml", "include-only.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata/scope", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sc, err := LoadScope(context.Background(), filepath.Join(root, "listed.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{
		{"example.org/team/app", "clones/app"},
		{"lib", "clones/lib"},
		{"app", "more/app"},
		{"group/tool-y", "more/group/tool-y"},
		{"tool-x", "more/tool-x"},
	}
	if diff := cmp.Diff(want, targets(sc, root)); diff != "" {
		t.Errorf("listed.yaml (-want +got):\n%s", diff)
	}

	sc, err = LoadScope(context.Background(), filepath.Join(root, "include-only.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Target{{"tool-x", "more/tool-x"}}, targets(sc, root)); diff != "" {
		t.Errorf("include-only.yaml (-want +got):\n%s", diff)
	}

	big := filepath.Join(root, "big.yaml")
	if err := os.WriteFile(big, []byte("repos:\n"+strings.Repeat("  - a\n", maxScopeFile/6+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadScope(context.Background(), big); err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes") {
		t.Errorf("oversized scope file: err = %v", err)
	}
	if _, err := LoadScope(context.Background(), filepath.Join(root, "absent.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing scope file: err = %v", err)
	}
}

func FuzzParseScopeFile(f *testing.F) {
	entries, err := os.ReadDir("testdata/scope")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/scope", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("repos: [&a [*a]]"))
	f.Add([]byte("dirs: [{path: x, depth: 99999999999999999999}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := ParseScopeFile("scope.yaml", data)
		if err != nil {
			var se *ScopeError
			if !errors.As(err, &se) || se.File != "scope.yaml" || !strings.HasPrefix(err.Error(), "scope.yaml") {
				t.Fatalf("error %q is not a ScopeError naming the file", err)
			}
			return
		}
		if len(sf.Repos)+len(sf.Dirs) == 0 {
			t.Fatal("parsed a scope with nothing in it")
		}
		names := map[string]bool{}
		for _, r := range sf.Repos {
			if strings.TrimSpace(r.Path) == "" || r.Line < 1 {
				t.Fatalf("repo %+v has no path or line", r)
			}
			if r.Name != "" && names[r.Name] {
				t.Fatalf("name %q given twice", r.Name)
			}
			names[r.Name] = true
		}
		for _, d := range sf.Dirs {
			if strings.TrimSpace(d.Path) == "" || d.Depth < 1 || d.Depth > 16 {
				t.Fatalf("dir %+v out of bounds", d)
			}
		}
		if err := (Filter{Include: sf.Include, Exclude: sf.Exclude}).Validate(); err != nil {
			t.Fatalf("accepted a bad glob: %v", err)
		}
	})
}
