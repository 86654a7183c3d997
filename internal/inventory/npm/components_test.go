package npm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

// TestAddLockDerivedScopes covers lockfiles that state no scopes (yarn,
// recent pnpm): the scope comes from how the importers reach a package,
// and an optional flag still caps it.
func TestAddLockDerivedScopes(t *testing.T) {
	g := &lockGraph{
		Packages: map[string]*lockPackage{
			"a@1":   {ID: "a@1", Name: "a", Version: "1", Deps: []string{"b@1"}},
			"b@1":   {ID: "b@1", Name: "b", Version: "1", Deps: []string{"opt@1"}},
			"opt@1": {ID: "opt@1", Name: "opt", Version: "1", Optional: true},
			"d@1":   {ID: "d@1", Name: "d", Version: "1", Deps: []string{"b@1", "e@1"}},
			"e@1":   {ID: "e@1", Name: "e", Version: "1"},
			"p@1":   {ID: "p@1", Name: "p", Version: "1"},
			"ws":    {ID: "ws", Name: "member", Version: "0.1.0", Workspace: true},
			"lone":  {ID: "lone", Name: "lone", Version: "1"},
		},
		Importers: map[string]*lockImporter{
			"":            {Prod: []string{"a@1", "ws"}, Dev: []string{"d@1"}},
			"packages/ws": {Peer: []string{"p@1"}},
		},
	}
	p := &inventory.Project{}
	b := newBuilder(p, func(s string) string { return s })
	b.addLock(g, "yarn.lock", nil)
	b.finish()
	p.ComputePaths()
	type got struct {
		Scope  inventory.Scope
		Direct bool
	}
	want := map[string]got{
		"a@1":    {inventory.ScopeProd, true},
		"b@1":    {inventory.ScopeProd, false},
		"opt@1":  {inventory.ScopeOptional, false},
		"d@1":    {inventory.ScopeDev, true},
		"e@1":    {inventory.ScopeDev, false},
		"p@1":    {inventory.ScopePeer, true},
		"lone@1": {inventory.ScopeProd, false}, // reached by nothing: kept, as needed
	}
	have := map[string]got{}
	for _, c := range p.Components {
		have[c.Ref()] = got{c.Scope, c.Direct}
		if diff := cmp.Diff([]string{"yarn.lock"}, c.Locations); diff != "" {
			t.Errorf("%s locations (-want +got):\n%s", c.Ref(), diff)
		}
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestLockfilePreference checks which lockfile a project reads when it
// has several.
func TestLockfilePreference(t *testing.T) {
	tests := []struct {
		present []string
		want    string
	}{
		{[]string{"pnpm-lock.yaml", "yarn.lock", "npm-shrinkwrap.json", "package-lock.json"}, "package-lock.json"},
		{[]string{"pnpm-lock.yaml", "yarn.lock", "npm-shrinkwrap.json"}, "npm-shrinkwrap.json"},
		{[]string{"pnpm-lock.yaml", "yarn.lock"}, "yarn.lock"},
		{[]string{"pnpm-lock.yaml"}, "pnpm-lock.yaml"},
		{nil, ""},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		for _, n := range append(tt.present, "package.json") {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		f := readManifestFile(filepath.Join(dir, "package.json"), nil, func(s string) string { return s })
		got := ""
		if f.lockfile != "" {
			got = filepath.Base(f.lockfile)
		}
		if got != tt.want {
			t.Errorf("with %q: lockfile %q, want %q", tt.present, got, tt.want)
		}
	}
}
