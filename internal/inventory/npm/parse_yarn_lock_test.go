package npm

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The fixtures under testdata/yarn and testdata/pnpm are lockfiles written
// by the real tools (yarn 1.22, yarn 2, 3 and 4, pnpm 7, 8 and 9) for two
// small projects, kept with their package.json files:
//
//   - "basic": scoped packages, an npm alias (my-ms → ms@2.1.2), two
//     versions of ms, a package with a peer (react-dom → react), a dev and
//     an optional dependency, and chokidar's optional fsevents (yarn berry
//     uses resolve instead, for its built-in patch).
//   - "workspace": a root and two members, app depending on lib through
//     the workspace protocol, lib on a link: and a file: or portal:
//     directory.
//
// The same project locked by different tools must give the same packages,
// which is what basicNameVersions and workspaceNameVersions check.

var basicNameVersions = []string{
	"@babel/code-frame@7.24.7", "@babel/helper-validator-identifier@7.29.7", "@babel/highlight@7.25.9",
	"ansi-styles@3.2.1", "anymatch@3.1.3", "binary-extensions@2.3.0", "braces@3.0.3", "chalk@2.4.2",
	"chokidar@3.6.0", "color-convert@1.9.3", "color-name@1.1.3", "debug@2.6.9",
	"escape-string-regexp@1.0.5", "fill-range@7.1.1", "fsevents@2.3.3", "glob-parent@5.1.2",
	"has-flag@3.0.0", "is-binary-path@2.1.0", "is-extglob@2.1.1", "is-glob@4.0.3", "is-number@6.0.0",
	"is-number@7.0.0", "is-odd@3.0.1", "js-tokens@4.0.0", "loose-envify@1.4.0", "ms@2.0.0", "ms@2.1.2",
	"ms@2.1.3", "normalize-path@3.0.0", "picocolors@1.1.1", "picomatch@2.3.2", "react-dom@18.3.1",
	"react@18.3.1", "readdirp@3.6.0", "scheduler@0.23.2", "supports-color@5.5.0", "to-regex-range@5.0.1",
}

// berryBasicNameVersions is the basic project with resolve in place of
// chokidar.
var berryBasicNameVersions = []string{
	"@babel/code-frame@7.24.7", "@babel/helper-validator-identifier@7.29.7", "@babel/highlight@7.25.9",
	"ansi-styles@3.2.1", "chalk@2.4.2", "color-convert@1.9.3", "color-name@1.1.3", "debug@2.6.9",
	"escape-string-regexp@1.0.5", "function-bind@1.1.2", "has-flag@3.0.0", "hasown@2.0.4",
	"is-core-module@2.18.0", "is-number@6.0.0", "is-number@7.0.0", "is-odd@3.0.1", "js-tokens@4.0.0",
	"loose-envify@1.4.0", "ms@2.0.0", "ms@2.1.2", "ms@2.1.3", "path-parse@1.0.7", "picocolors@1.1.1",
	"react-dom@18.3.1", "react@18.3.1", "resolve@1.22.8", "scheduler@0.23.2", "supports-color@5.5.0",
	"supports-preserve-symlinks-flag@1.0.0",
}

var workspaceNameVersions = []string{
	"debug@4.3.7", "is-number@7.0.0", "js-tokens@4.0.0", "loose-envify@1.4.0", "ms@2.0.0", "ms@2.1.3",
	"react-dom@18.3.1", "react@18.3.1", "scheduler@0.23.2",
}

// lockSummary is the part of a lockGraph the tests compare: small enough
// to write down, wide enough to catch a wrong resolution.
type lockSummary struct {
	Format string
	// NameVersions are the distinct name@version of packages that have a
	// version (directories and workspaces have none).
	NameVersions []string
	// Unversioned are the IDs of packages without a version.
	Unversioned []string
	// Deps of the packages the test names.
	Deps map[string][]string
	// Packages the test names, in full but for Deps.
	Packages  map[string]lockPackage
	Importers map[string]lockImporter
}

func summarize(g *lockGraph, depsOf, full []string) lockSummary {
	s := lockSummary{Format: g.Format, Deps: map[string][]string{}, Packages: map[string]lockPackage{}, Importers: map[string]lockImporter{}}
	seen := map[string]bool{}
	for id, p := range g.Packages {
		if p.Version == "" {
			s.Unversioned = append(s.Unversioned, id)
			continue
		}
		if nv := p.Name + "@" + p.Version; !seen[nv] {
			seen[nv] = true
			s.NameVersions = append(s.NameVersions, nv)
		}
	}
	sort.Strings(s.NameVersions)
	sort.Strings(s.Unversioned)
	for _, id := range depsOf {
		if p := g.Packages[id]; p != nil {
			s.Deps[id] = p.Deps
		} else {
			s.Deps[id] = []string{"<missing>"}
		}
	}
	for _, id := range full {
		if p := g.Packages[id]; p != nil {
			c := *p
			c.Deps = nil
			s.Packages[id] = c
		}
	}
	for k, imp := range g.Importers {
		s.Importers[k] = *imp
	}
	return s
}

// checkLockGraph asserts what every parser must guarantee, whatever the
// input: consistent IDs and no edge to a package that is not there.
func checkLockGraph(t *testing.T, g *lockGraph) {
	t.Helper()
	if g.Format == "" {
		t.Error("empty Format")
	}
	for id, p := range g.Packages {
		if p == nil || p.ID != id {
			t.Fatalf("package under %q has ID %q", id, p.ID)
		}
		for _, d := range p.Deps {
			if g.Packages[d] == nil {
				t.Errorf("%s depends on %q, which is not a package", id, d)
			}
		}
	}
	for k, imp := range g.Importers {
		if imp == nil || imp.Path != k {
			t.Fatalf("importer under %q has a different path", k)
		}
		for _, list := range [][]string{imp.Prod, imp.Dev, imp.Optional, imp.Peer} {
			for _, d := range list {
				if g.Packages[d] == nil {
					t.Errorf("importer %q depends on %q, which is not a package", k, d)
				}
			}
		}
	}
}

func parseFixture(t *testing.T, path string, parse func(*os.File) (*lockGraph, error)) (*lockGraph, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return parse(f)
}

var summaryOpts = cmpopts.EquateEmpty()

func TestParseYarnLock(t *testing.T) {
	tests := []struct {
		name   string
		depsOf []string
		full   []string
		want   lockSummary
	}{{
		name:   "v1-scoped-alias-optional",
		depsOf: []string{"@babel/code-frame@7.24.7", "chokidar@3.6.0", "debug@2.6.9", "react-dom@18.3.1", "loose-envify@1.4.0"},
		full:   []string{"ms@2.1.2", "@babel/code-frame@7.24.7"},
		want: lockSummary{
			Format:       "yarn.lock v1",
			NameVersions: basicNameVersions,
			Deps: map[string][]string{
				"@babel/code-frame@7.24.7": {"@babel/highlight@7.25.9", "picocolors@1.1.1"},
				// optionalDependencies count as edges too.
				"chokidar@3.6.0": {"anymatch@3.1.3", "braces@3.0.3", "glob-parent@5.1.2", "is-binary-path@2.1.0",
					"is-glob@4.0.3", "normalize-path@3.0.0", "readdirp@3.6.0", "fsevents@2.3.3"},
				"debug@2.6.9":      {"ms@2.0.0"},
				"react-dom@18.3.1": {"loose-envify@1.4.0", "scheduler@0.23.2"},
				// "^3.0.0 || ^4.0.0" is a quoted range with spaces.
				"loose-envify@1.4.0": {"js-tokens@4.0.0"},
			},
			Packages: map[string]lockPackage{
				// The alias my-ms@npm:ms@2.1.2 is the package ms.
				"ms@2.1.2": {ID: "ms@2.1.2", Name: "ms", Version: "2.1.2",
					Resolved:  "https://registry.yarnpkg.com/ms/-/ms-2.1.2.tgz#d09d1f357b443f493382a8eb3ccd183872ae6009",
					Integrity: "sha512-sGkPx+VjMtmA6MX27oA4FBFELFCZZ4S4XqeGOXCv68tT+jb3vk/RyaKWP0PTKyWtmLSM0b+adUTEvbs1PEaH2w=="},
				"@babel/code-frame@7.24.7": {ID: "@babel/code-frame@7.24.7", Name: "@babel/code-frame", Version: "7.24.7",
					Resolved:  "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.24.7.tgz#882fd9e09e8ee324e496bd040401c6f046ef4465",
					Integrity: "sha512-BcYH1CVJBO9tvyIZ2jVeXgSIMvGZ2FDRvDdOIVQyuklNKSsx+eppDEBq/g47Ayw+RqNFE+URvOShmf+f/qwAlA=="},
			},
		},
	}, {
		// v1 records no importers; the extractor reads package.json. One
		// block answers two patterns ("ms@2.1.3, ms@^2.1.3").
		name:   "v1-workspaces",
		depsOf: []string{"debug@4.3.7"},
		want: lockSummary{
			Format:       "yarn.lock v1",
			NameVersions: []string{"debug@4.3.7", "is-number@7.0.0", "ms@2.0.0", "ms@2.1.3"},
			Deps:         map[string][]string{"debug@4.3.7": {"ms@2.1.3"}},
		},
	}, {
		// resolve and its built-in patch are one package; the root lists
		// an optional dependency through dependenciesMeta.
		name:   "berry-v10-builtin-patch",
		depsOf: []string{"resolve@1.22.8", "react-dom@18.3.1", "is-odd@3.0.1"},
		full:   []string{"resolve@1.22.8", "ms@2.1.2"},
		want: lockSummary{
			Format:       "yarn.lock berry v10",
			NameVersions: berryBasicNameVersions,
			Deps: map[string][]string{
				"resolve@1.22.8":   {"is-core-module@2.18.0", "path-parse@1.0.7", "supports-preserve-symlinks-flag@1.0.0"},
				"react-dom@18.3.1": {"loose-envify@1.4.0", "scheduler@0.23.2"},
				"is-odd@3.0.1":     {"is-number@6.0.0"},
			},
			Packages: map[string]lockPackage{
				"resolve@1.22.8": {ID: "resolve@1.22.8", Name: "resolve", Version: "1.22.8",
					Resolved:  "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=9bd1a5",
					Integrity: "10c0/07e179f4375e1fd072cfb72ad66d78547f86e6196c4014b31cb0b8bb1db5f7ca871f922d08da0fbc05b94e9fd42206f819648fa3b5b873ebbc8e1dc68fec433a"},
				"ms@2.1.2": {ID: "ms@2.1.2", Name: "ms", Version: "2.1.2", Resolved: "ms@npm:2.1.2",
					Integrity: "10c0/a437714e2f90dbf881b5191d35a6db792efbca5badf112f87b9e1c712aace4b4b9b742dd6537f3edf90fd6f684de897cec230abde57e87883766712ddda297cc"},
			},
			Importers: map[string]lockImporter{
				"": {Path: "", Name: "fixture-basic",
					Prod: []string{"@babel/code-frame@7.24.7", "debug@2.6.9", "is-number@7.0.0", "ms@2.1.3", "ms@2.1.2",
						"react@18.3.1", "react-dom@18.3.1", "resolve@1.22.8"},
					Optional: []string{"is-odd@3.0.1"}},
			},
		},
	}, {
		// A user patch is bound to the workspace that declared it
		// ("::locator=…") while the dependency list omits the binding.
		name: "berry-v10-user-patch",
		full: []string{"is-number@7.0.0"},
		want: lockSummary{
			Format:       "yarn.lock berry v10",
			NameVersions: []string{"is-number@7.0.0", "js-tokens@4.0.0", "loose-envify@1.4.0", "react-dom@18.3.1", "react@18.3.1", "scheduler@0.23.2"},
			Deps:         map[string][]string{},
			Packages: map[string]lockPackage{
				"is-number@7.0.0": {ID: "is-number@7.0.0", Name: "is-number", Version: "7.0.0",
					Resolved:  "is-number@patch:is-number@npm%3A7.0.0#./patches/is-number.patch::version=7.0.0&hash=207295&locator=fixture-patch%40workspace%3A.",
					Integrity: "10c0/b4686d0d3053146095ccd45346461bc8e53b80aeb7671cc52a4de02dbbf7dc0d1d2a986e2fe4ae206984b4d34ef37e8b795ebc4f4295c978373e6575e295d811"},
			},
			Importers: map[string]lockImporter{
				"": {Path: "", Name: "fixture-patch", Prod: []string{"is-number@7.0.0", "react@18.3.1", "react-dom@18.3.1"}},
			},
		},
	}, {
		name:   "berry-v10-workspaces-portal-link",
		depsOf: []string{"@fx/lib@workspace:packages/lib", "portal-pkg@portal:../../vendor/portal-pkg"},
		full:   []string{"@fx/lib@workspace:packages/lib", "link-pkg@link:../../vendor/link-pkg"},
		want: lockSummary{
			Format:       "yarn.lock berry v10",
			NameVersions: []string{"debug@4.3.7", "is-number@7.0.0", "ms@2.0.0", "ms@2.1.3"},
			Unversioned: []string{"@fx/app@workspace:packages/app", "@fx/lib@workspace:packages/lib",
				"link-pkg@link:../../vendor/link-pkg", "portal-pkg@portal:../../vendor/portal-pkg"},
			Deps: map[string][]string{
				"@fx/lib@workspace:packages/lib":            {"link-pkg@link:../../vendor/link-pkg", "ms@2.1.3", "portal-pkg@portal:../../vendor/portal-pkg"},
				"portal-pkg@portal:../../vendor/portal-pkg": {"ms@2.1.3"},
			},
			Packages: map[string]lockPackage{
				"@fx/lib@workspace:packages/lib": {ID: "@fx/lib@workspace:packages/lib", Name: "@fx/lib",
					Resolved: "@fx/lib@workspace:packages/lib", Workspace: true},
				"link-pkg@link:../../vendor/link-pkg": {ID: "link-pkg@link:../../vendor/link-pkg", Name: "link-pkg",
					Resolved: "link-pkg@link:../../vendor/link-pkg::locator=%40fx%2Flib%40workspace%3Apackages%2Flib"},
			},
			Importers: map[string]lockImporter{
				"":             {Path: "", Name: "fixture-ws", Prod: []string{"is-number@7.0.0"}},
				"packages/app": {Path: "packages/app", Name: "@fx/app", Prod: []string{"@fx/lib@workspace:packages/lib", "debug@4.3.7", "ms@2.0.0"}},
				"packages/lib": {Path: "packages/lib", Name: "@fx/lib",
					Prod: []string{"link-pkg@link:../../vendor/link-pkg", "ms@2.1.3", "portal-pkg@portal:../../vendor/portal-pkg"}},
			},
		},
	}, {
		// Yarn 2 (lockfile v4) and 3 (v6) write npm ranges without "npm:".
		name:   "berry-v4-no-protocol",
		depsOf: []string{"debug@2.6.9"},
		want: lockSummary{
			Format:       "yarn.lock berry v4",
			NameVersions: []string{"debug@2.6.9", "ms@2.0.0", "ms@2.1.2", "ms@2.1.3"},
			Deps:         map[string][]string{"debug@2.6.9": {"ms@2.0.0"}},
			Importers: map[string]lockImporter{
				"": {Path: "", Name: "fixture-small", Prod: []string{"debug@2.6.9", "ms@2.1.3", "ms@2.1.2"}},
			},
		},
	}, {
		name:   "berry-v6-no-protocol",
		depsOf: []string{"debug@2.6.9"},
		want: lockSummary{
			Format:       "yarn.lock berry v6",
			NameVersions: []string{"debug@2.6.9", "ms@2.0.0", "ms@2.1.2", "ms@2.1.3"},
			Deps:         map[string][]string{"debug@2.6.9": {"ms@2.0.0"}},
			Importers: map[string]lockImporter{
				"": {Path: "", Name: "fixture-small", Prod: []string{"debug@2.6.9", "ms@2.1.3", "ms@2.1.2"}},
			},
		},
	}, {
		// Cut inside an entry at a point where the YAML is still valid:
		// what is there is read, and edges to the lost entries are dropped.
		name:   "berry-truncated",
		depsOf: []string{"@babel/code-frame@7.24.7"},
		want: lockSummary{
			Format:       "yarn.lock berry v10",
			NameVersions: []string{"@babel/code-frame@7.24.7", "@babel/helper-validator-identifier@7.29.7", "@babel/highlight@7.25.9"},
			Deps:         map[string][]string{"@babel/code-frame@7.24.7": {"@babel/highlight@7.25.9"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := parseFixture(t, filepath.Join("testdata", "yarn", tt.name, "yarn.lock"), func(f *os.File) (*lockGraph, error) { return parseYarnLock(f) })
			if err != nil {
				t.Fatal(err)
			}
			checkLockGraph(t, g)
			if diff := cmp.Diff(tt.want, summarize(g, tt.depsOf, tt.full), summaryOpts); diff != "" {
				t.Errorf("parseYarnLock(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestParseYarnLockErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		is    error // a sentinel the error must wrap, if any
	}{
		{name: "empty", input: "testdata/yarn/empty/yarn.lock", is: errLockfileEmpty},
		{name: "not-yaml", input: "testdata/yarn/not-yaml.txt"},
		{name: "v1-truncated", input: "testdata/yarn/v1-truncated/yarn.lock"},
		{name: "berry-not-yaml", input: "__metadata:\n  version: 8\n\"a@npm:1\": [unclosed\n"},
		{name: "berry-no-resolution", input: "__metadata:\n  version: 8\n\"a@npm:1\":\n  version: 1.0.0\n"},
		{name: "berry-metadata-inside", input: "a:\n__metadata: 3\n"},
		{name: "v1-unterminated-quote", input: "\"a@^1:\n  version \"1.0.0\"\n"},
		{name: "v1-field-outside-entry", input: "  version \"1.0.0\"\n"},
		{name: "v1-bad-escape", input: "a@1:\n  version \"1\\q\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.input)
			if strings.HasPrefix(tt.input, "testdata/") {
				var err error
				if data, err = os.ReadFile(tt.input); err != nil {
					t.Fatal(err)
				}
			}
			g, err := parseYarnLock(bytes.NewReader(data))
			if err == nil {
				t.Fatalf("parseYarnLock(%s) = %d packages, want an error", tt.name, len(g.Packages))
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("parseYarnLock(%s) error %q, want %q", tt.name, err, tt.is)
			}
		})
	}
}

func TestReadLockBytesLimit(t *testing.T) {
	tests := []struct {
		size, limit int64
		want        error
	}{
		{size: 10, limit: 10, want: nil},
		{size: 11, limit: 10, want: errLockfileTooLarge},
		{size: 1 << 20, limit: 1000, want: errLockfileTooLarge},
	}
	for _, tt := range tests {
		r := io.LimitReader(infiniteA{}, tt.size)
		_, err := readLockBytes(r, tt.limit)
		if !errors.Is(err, tt.want) {
			t.Errorf("readLockBytes(%d bytes, limit %d) error %v, want %v", tt.size, tt.limit, err, tt.want)
		}
	}
}

// infiniteA is an endless stream of 'a'.
type infiniteA struct{}

func (infiniteA) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// fuzzSeeds adds every file under dir to f's corpus.
func fuzzSeeds(f *testing.F, dir string, keep func(path string) bool) {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !keep(path) {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			f.Add(data)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

func isLockFixture(path string) bool {
	return !strings.HasSuffix(path, "package.json")
}

func FuzzParseYarnLock(f *testing.F) {
	fuzzSeeds(f, filepath.Join("testdata", "yarn"), isLockFixture)
	f.Add([]byte("a@1, \"b@2\":\n  version \"1\"\n  dependencies:\n    b \"2\"\n\"b@2\":\n  version 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := parseYarnLock(bytes.NewReader(data))
		if err != nil {
			return
		}
		checkLockGraph(t, g)
	})
}

// Lockfiles converted from the npm-big corpus (its package-lock.json
// imported by yarn 1, migrated to yarn 4, and imported by pnpm 8 and 9)
// are too large to commit; they are looked up under OSPO_CORPUS.
var textLockCorpus = []string{
	"npm-big-yarn1/yarn.lock",
	"npm-big-berry/yarn.lock",
	"npm-big-pnpm8/pnpm-lock.yaml",
	"npm-big-pnpm9/pnpm-lock.yaml",
}

// textLockCorpusFile returns the path of a corpus file, skipping when
// OSPO_CORPUS is unset or the file is not there.
func textLockCorpusFile(tb testing.TB, rel string) string {
	tb.Helper()
	base := os.Getenv("OSPO_CORPUS")
	if base == "" {
		tb.Skip("OSPO_CORPUS is not set")
	}
	path := filepath.Join(base, filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("corpus file %s: %v", rel, err)
	}
	return path
}

func nameVersionSet(g *lockGraph, skip func(*lockPackage) bool) map[string]bool {
	set := map[string]bool{}
	for _, p := range g.Packages {
		if p.Version != "" && !p.Workspace && (skip == nil || !skip(p)) {
			set[p.Name+"@"+p.Version] = true
		}
	}
	return set
}

// TestTextLockCorpus checks the converted lockfiles against the
// package-lock.json they came from. pnpm keeps npm's tree exactly; yarn
// does not install peers that npm added on its own, and yarn 4 adds
// node-gyp for packages that build native code.
func TestTextLockCorpus(t *testing.T) {
	npmLock, err := readLockfile(textLockCorpusFile(t, "npm-big/package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	all := nameVersionSet(npmLock, nil)
	notPeers := nameVersionSet(npmLock, func(p *lockPackage) bool { return p.Peer })
	for _, rel := range textLockCorpus {
		t.Run(rel, func(t *testing.T) {
			g, err := readLockfile(textLockCorpusFile(t, rel))
			if err != nil {
				t.Fatal(err)
			}
			checkLockGraph(t, g)
			got := nameVersionSet(g, nil)
			t.Logf("%s: %d packages, %d distinct name@version (package-lock.json: %d)", g.Format, len(g.Packages), len(got), len(all))
			var missing, extra []string
			for nv := range all {
				if !got[nv] && (strings.HasPrefix(g.Format, "pnpm") || notPeers[nv]) {
					missing = append(missing, nv)
				}
			}
			for nv := range got {
				if !all[nv] && !strings.Contains(g.Format, "berry") {
					extra = append(extra, nv)
				}
			}
			sort.Strings(missing)
			sort.Strings(extra)
			if len(missing)+len(extra) > 0 {
				t.Errorf("%s differs from package-lock.json: missing %v, extra %v", rel, missing, extra)
			}
		})
	}
}

func BenchmarkParseTextLocks(b *testing.B) {
	for _, rel := range textLockCorpus {
		b.Run(rel, func(b *testing.B) {
			data, err := os.ReadFile(textLockCorpusFile(b, rel))
			if err != nil {
				b.Fatal(err)
			}
			parse := parseYarnLock
			if strings.HasSuffix(rel, "pnpm-lock.yaml") {
				parse = parsePnpmLock
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parse(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
