package npm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// packageLockLines renders a lockGraph one line per package and importer,
// so that a whole graph reads as a short table.
func packageLockLines(g *lockGraph) []string {
	var out []string
	for id, p := range g.Packages {
		var flags []string
		for _, f := range []struct {
			on   bool
			name string
		}{{p.Dev, "dev"}, {p.Optional, "optional"}, {p.Peer, "peer"}, {p.Bundled, "bundled"}, {p.Workspace, "workspace"}} {
			if f.on {
				flags = append(flags, f.name)
			}
		}
		line := fmt.Sprintf("%s = %s@%s", id, p.Name, p.Version)
		if len(flags) > 0 {
			line += " [" + strings.Join(flags, " ") + "]"
		}
		if p.License != "" {
			line += " " + p.License
		}
		if len(p.Deps) > 0 {
			line += " -> " + strings.Join(p.Deps, ", ")
		}
		out = append(out, line)
	}
	for path, imp := range g.Importers {
		line := fmt.Sprintf("importer %q %s", path, imp.Name)
		for _, l := range []struct {
			kind string
			ids  []string
		}{{"prod", imp.Prod}, {"dev", imp.Dev}, {"optional", imp.Optional}, {"peer", imp.Peer}} {
			if len(l.ids) > 0 {
				line += " " + l.kind + ": " + strings.Join(l.ids, ", ")
			}
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out
}

func parsePackageLockFile(t *testing.T, path string) *lockGraph {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := parsePackageLock(f)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return g
}

// scopedNestedV3 is the graph of testdata/lock-v3: nested versions of ms
// and is-number, a scoped package, dev, optional and peer flags.
var scopedNestedV3 = []string{
	`importer "" scoped-nested prod: node_modules/@tootallnate/once, node_modules/debug, node_modules/ms, node_modules/use-sync-external-store dev: node_modules/is-number optional: node_modules/is-odd`,
	"node_modules/@tootallnate/once = @tootallnate/once@2.0.0 MIT",
	"node_modules/debug = debug@2.6.9 MIT -> node_modules/debug/node_modules/ms",
	"node_modules/debug/node_modules/ms = ms@2.0.0 MIT",
	"node_modules/is-number = is-number@7.0.0 [dev] MIT",
	"node_modules/is-odd = is-odd@3.0.1 [optional] MIT -> node_modules/is-odd/node_modules/is-number",
	"node_modules/is-odd/node_modules/is-number = is-number@6.0.0 [optional] MIT",
	"node_modules/js-tokens = js-tokens@4.0.0 [peer] MIT",
	"node_modules/loose-envify = loose-envify@1.4.0 [peer] MIT -> node_modules/js-tokens",
	"node_modules/ms = ms@2.1.3 MIT",
	"node_modules/react = react@18.3.1 [peer] MIT -> node_modules/loose-envify",
	"node_modules/use-sync-external-store = use-sync-external-store@1.2.2 MIT -> node_modules/react",
}

func TestParsePackageLock(t *testing.T) {
	tests := []struct {
		file   string
		format string
		want   []string
	}{
		{"lock-v3/package-lock.json", "package-lock.json v3", scopedNestedV3},
		// v2 carries the same "packages" section as v3 beside the v1 tree,
		// which must be ignored.
		{"lock-v2/package-lock.json", "package-lock.json v2", scopedNestedV3},
		{"shrinkwrap/npm-shrinkwrap.json", "package-lock.json v3", scopedNestedV3},
		{
			// npm 6 wrote v1: no peer packages, no licenses, no root entry.
			"lock-v1/package-lock.json", "package-lock.json v1", []string{
				`importer "" `,
				"node_modules/@tootallnate/once = @tootallnate/once@2.0.0",
				"node_modules/debug = debug@2.6.9 -> node_modules/debug/node_modules/ms",
				"node_modules/debug/node_modules/ms = ms@2.0.0",
				"node_modules/is-number = is-number@7.0.0 [dev]",
				"node_modules/is-odd = is-odd@3.0.1 [optional] -> node_modules/is-odd/node_modules/is-number",
				"node_modules/is-odd/node_modules/is-number = is-number@6.0.0 [optional]",
				"node_modules/ms = ms@2.1.3",
				"node_modules/use-sync-external-store = use-sync-external-store@1.2.2",
			},
		},
		{
			"npm-workspaces/package-lock.json", "package-lock.json v3", []string{
				`importer "" npm-workspaces dev: node_modules/is-number`,
				`importer "packages/app" app prod: node_modules/lib, node_modules/ms`,
				`importer "packages/lib" lib prod: packages/lib/node_modules/ms`,
				"node_modules/app = app@1.0.0 [workspace]",
				"node_modules/is-number = is-number@7.0.0 [dev] MIT",
				"node_modules/lib = lib@1.0.0 [workspace]",
				"node_modules/ms = ms@2.1.3 MIT",
				"packages/lib/node_modules/ms = ms@2.0.0 MIT",
			},
		},
		{
			"installed-bundled/package-lock.json", "package-lock.json v3", []string{
				`importer "" bundled-deps prod: node_modules/bundle-host, node_modules/ms`,
				"node_modules/bundle-host = bundle-host@1.0.0 ISC -> node_modules/bundle-host/node_modules/ms",
				"node_modules/bundle-host/node_modules/ms = ms@2.0.0 [bundled] MIT",
				"node_modules/ms = ms@2.1.3 MIT",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			g := parsePackageLockFile(t, filepath.Join("testdata", tt.file))
			if g.Format != tt.format {
				t.Errorf("Format = %q, want %q", g.Format, tt.format)
			}
			want := append([]string(nil), tt.want...)
			sort.Strings(want)
			if diff := cmp.Diff(want, packageLockLines(g)); diff != "" {
				t.Errorf("graph mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePackageLockDetails(t *testing.T) {
	g := parsePackageLockFile(t, filepath.Join("testdata", "installed-legacy-npm6", "package-lock.json"))
	p := g.Packages["node_modules/config-chain"]
	if p == nil {
		t.Fatal("config-chain missing")
	}
	want := lockPackage{
		ID: "node_modules/config-chain", Name: "config-chain", Version: "1.1.13",
		Resolved:    "https://registry.npmjs.org/config-chain/-/config-chain-1.1.13.tgz",
		Integrity:   "sha512-qj+f8APARXHrM0hraqXYb2/bOVSV4PvJQlNZ/DVj0QrmNM2q2euizkeuVckQ57J+W0mRH6Hvi+k50M4Jul2VRQ==",
		ScopeKnown:  true,
		Deps:        []string{"node_modules/ini", "node_modules/proto-list"},
		InstallPath: "node_modules/config-chain",
	}
	if diff := cmp.Diff(want, *p); diff != "" {
		t.Errorf("config-chain (-want +got):\n%s", diff)
	}
}

func TestParsePackageLockEdgeCases(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		err      bool
	}{
		{name: "not JSON", in: "lockfileVersion: 3", err: true},
		{name: "truncated", in: `{"lockfileVersion": 3, "packages": {"": {`, err: true},
		{name: "array", in: `[]`, err: true},
		{name: "no sections", in: `{"name": "x"}`, err: true},
		{name: "empty project", in: `{"lockfileVersion": 3, "packages": {"": {"name": "x"}}}`, want: []string{`importer "" x`}},
		{
			// devOptional: needed by dev and by optional production; the
			// optional need is the stronger.
			name: "devOptional", in: `{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0", "devOptional": true}}}`,
			want: []string{"node_modules/a = a@1.0.0 [optional]"},
		},
		{
			// An alias installs b under the name a.
			name: "alias", in: `{"lockfileVersion": 3, "packages": {"node_modules/a": {"name": "b", "version": "2.0.0"}}}`,
			want: []string{"node_modules/a = b@2.0.0"},
		},
		{
			name: "v1 alias", in: `{"lockfileVersion": 1, "dependencies": {"a": {"version": "npm:@s/b@2.0.0"}}}`,
			want: []string{`importer "" `, "node_modules/a = @s/b@2.0.0"},
		},
		{
			// Odd value types are skipped, not fatal: the rest is read.
			name: "odd types", in: `{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": 1, "dev": "yes", "dependencies": ["b"]}, "node_modules/b": 5}}`,
			want: []string{"node_modules/a = a@", "node_modules/b = b@"},
		},
		{
			// A dependency resolves to the nearest install up the path.
			name: "resolution walks up", in: `{"lockfileVersion": 3, "packages": {
				"node_modules/a": {"version": "1.0.0", "dependencies": {"c": "*"}},
				"node_modules/a/node_modules/b": {"version": "1.0.0", "dependencies": {"c": "*", "d": "*"}},
				"node_modules/a/node_modules/c": {"version": "2.0.0"},
				"node_modules/c": {"version": "1.0.0"},
				"node_modules/d": {"version": "1.0.0", "dependencies": {"missing": "*"}}}}`,
			want: []string{
				"node_modules/a = a@1.0.0 -> node_modules/a/node_modules/c",
				"node_modules/a/node_modules/b = b@1.0.0 -> node_modules/a/node_modules/c, node_modules/d",
				"node_modules/a/node_modules/c = c@2.0.0",
				"node_modules/c = c@1.0.0",
				"node_modules/d = d@1.0.0",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := parsePackageLock(strings.NewReader(tt.in))
			if tt.err {
				if err == nil {
					t.Fatalf("no error; graph %v", packageLockLines(g))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, packageLockLines(g)); diff != "" {
				t.Errorf("graph mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := parsePackageLock(strings.NewReader(`{"name": "x"}`)); !errors.Is(err, errNotPackageLock) {
		t.Errorf("no sections: err = %v, want errNotPackageLock", err)
	}
}

// packageLockSeeds are the package-lock fixtures, for fuzzing.
func packageLockSeeds(f *testing.F) {
	f.Helper()
	for _, pat := range []string{"testdata/*/package-lock.json", "testdata/*/npm-shrinkwrap.json", "testdata/*/node_modules/.package-lock.json"} {
		paths, err := filepath.Glob(pat)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(`{"lockfileVersion": 1, "dependencies": {"a": {"version": "1", "requires": {"b": "1"}, "dependencies": {"b": {"version": "2"}}}}}`))
}

// FuzzParsePackageLock: never panic, and every edge points at a package
// of the graph.
func FuzzParsePackageLock(f *testing.F) {
	packageLockSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := parsePackageLock(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for id, p := range g.Packages {
			if p.ID != id {
				t.Fatalf("package %q has ID %q", id, p.ID)
			}
			for _, d := range p.Deps {
				if _, ok := g.Packages[d]; !ok {
					t.Fatalf("%s depends on %q, not in the graph", id, d)
				}
			}
		}
		for path, imp := range g.Importers {
			for _, ids := range [][]string{imp.Prod, imp.Dev, imp.Optional, imp.Peer} {
				for _, d := range ids {
					if _, ok := g.Packages[d]; !ok {
						t.Fatalf("importer %q depends on %q, not in the graph", path, d)
					}
				}
			}
		}
	})
}
