package npm

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePnpmLock(t *testing.T) {
	// The basic project's root importer, with the key style of each
	// generation: 5.x "/name/version_peer", later "name@version(peer)".
	basicImporter := func(id func(name, version, peers string) string) map[string]lockImporter {
		return map[string]lockImporter{"": {
			Prod: []string{id("@babel/code-frame", "7.24.7", ""), id("chokidar", "3.6.0", ""), id("debug", "2.6.9", ""),
				id("ms", "2.1.3", ""), id("ms", "2.1.2", ""), id("react", "18.3.1", ""), id("react-dom", "18.3.1", "react@18.3.1")},
			Dev:      []string{id("is-number", "7.0.0", "")},
			Optional: []string{id("is-odd", "3.0.1", "")},
		}}
	}
	v5 := func(name, version, peers string) string {
		if peers != "" {
			return name + "/" + version + "_" + peers
		}
		return name + "/" + version
	}
	v6 := func(name, version, peers string) string {
		if peers != "" {
			return name + "@" + version + "(" + peers + ")"
		}
		return name + "@" + version
	}
	reactDom := lockPackage{Name: "react-dom", Version: "18.3.1",
		Integrity: "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=="}
	withID := func(p lockPackage, id string, f func(*lockPackage)) lockPackage {
		p.ID = id
		f(&p)
		return p
	}
	// The workspace project: app links lib, lib links a directory and
	// takes another as file:.
	wsImporters := func(id func(name, version, peers string) string, filePkg string) map[string]lockImporter {
		return map[string]lockImporter{
			"":             {Dev: []string{id("is-number", "7.0.0", "")}},
			"packages/app": {Path: "packages/app", Prod: []string{"link:packages/lib", id("debug", "4.3.7", "")}, Dev: []string{id("ms", "2.0.0", "")}},
			"packages/lib": {Path: "packages/lib",
				Prod: []string{filePkg, "link:vendor/link-pkg", id("ms", "2.1.3", ""), id("react-dom", "18.3.1", "react@18.3.1")},
				Dev:  []string{id("react", "18.3.1", "")}},
		}
	}
	wsLinks := func(id func(name, version, peers string) string, filePkg string) map[string][]string {
		return map[string][]string{
			// A linked member brings its prod dependencies, not its dev ones.
			"link:packages/lib": {filePkg, "link:vendor/link-pkg", id("ms", "2.1.3", ""), id("react-dom", "18.3.1", "react@18.3.1")},
			filePkg:             {id("ms", "2.1.3", "")},
		}
	}
	wsFull := map[string]lockPackage{
		"link:packages/lib":    {ID: "link:packages/lib", Name: "@fx/lib", Resolved: "link:packages/lib", Workspace: true},
		"link:vendor/link-pkg": {ID: "link:vendor/link-pkg", Name: "link-pkg", Resolved: "link:vendor/link-pkg"},
	}

	tests := []struct {
		name   string
		depsOf []string
		full   []string
		want   lockSummary
	}{{
		name:   "v5.4-peers-alias",
		depsOf: []string{"react-dom/18.3.1_react@18.3.1", "chokidar/3.6.0"},
		full:   []string{"react-dom/18.3.1_react@18.3.1", "is-number/7.0.0", "fsevents/2.3.3"},
		want: lockSummary{
			Format:       "pnpm-lock.yaml v5.4",
			NameVersions: basicNameVersions,
			Deps: map[string][]string{
				"react-dom/18.3.1_react@18.3.1": {"loose-envify/1.4.0", "react/18.3.1", "scheduler/0.23.2"},
				"chokidar/3.6.0": {"anymatch/3.1.3", "braces/3.0.3", "glob-parent/5.1.2", "is-binary-path/2.1.0",
					"is-glob/4.0.3", "normalize-path/3.0.0", "readdirp/3.6.0", "fsevents/2.3.3"},
			},
			Packages: map[string]lockPackage{
				"react-dom/18.3.1_react@18.3.1": withID(reactDom, "react-dom/18.3.1_react@18.3.1", func(p *lockPackage) { p.ScopeKnown = true }),
				// A dev dependency of the root that chokidar needs too
				// is not dev-only.
				"is-number/7.0.0": {ID: "is-number/7.0.0", Name: "is-number", Version: "7.0.0", ScopeKnown: true,
					Integrity: "sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng=="},
				"fsevents/2.3.3": {ID: "fsevents/2.3.3", Name: "fsevents", Version: "2.3.3", Optional: true, ScopeKnown: true,
					Integrity: "sha512-5xoDfX+fL7faATnagmWPpbFtwh/R77WmMMqqHGS65C3vvB0YHrgF+B1YmZ3441tMj5n63k0212XNoJwzlhffQw=="},
			},
			Importers: basicImporter(v5),
		},
	}, {
		name:   "v6-peers-alias",
		depsOf: []string{"react-dom@18.3.1(react@18.3.1)"},
		full:   []string{"react-dom@18.3.1(react@18.3.1)", "is-number@7.0.0"},
		want: lockSummary{
			Format:       "pnpm-lock.yaml v6.0",
			NameVersions: basicNameVersions,
			Deps:         map[string][]string{"react-dom@18.3.1(react@18.3.1)": {"loose-envify@1.4.0", "react@18.3.1", "scheduler@0.23.2"}},
			Packages: map[string]lockPackage{
				"react-dom@18.3.1(react@18.3.1)": withID(reactDom, "react-dom@18.3.1(react@18.3.1)", func(p *lockPackage) { p.ScopeKnown = true }),
				"is-number@7.0.0": {ID: "is-number@7.0.0", Name: "is-number", Version: "7.0.0", ScopeKnown: true,
					Integrity: "sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng=="},
			},
			Importers: basicImporter(v6),
		},
	}, {
		// 9.x states optional in snapshots but never dev.
		name:   "v9-peers-alias",
		depsOf: []string{"react-dom@18.3.1(react@18.3.1)", "is-odd@3.0.1"},
		full:   []string{"react-dom@18.3.1(react@18.3.1)", "is-number@6.0.0"},
		want: lockSummary{
			Format:       "pnpm-lock.yaml v9.0",
			NameVersions: basicNameVersions,
			Deps: map[string][]string{
				"react-dom@18.3.1(react@18.3.1)": {"loose-envify@1.4.0", "react@18.3.1", "scheduler@0.23.2"},
				"is-odd@3.0.1":                   {"is-number@6.0.0"},
			},
			Packages: map[string]lockPackage{
				"react-dom@18.3.1(react@18.3.1)": withID(reactDom, "react-dom@18.3.1(react@18.3.1)", func(*lockPackage) {}),
				"is-number@6.0.0": {ID: "is-number@6.0.0", Name: "is-number", Version: "6.0.0", Optional: true,
					Integrity: "sha512-Wu1VHeILBK8KAWJUAiSZQX94GmOE45Rg6/538fKwiloUu21KncEkYGPqob2oSZ5mUT73vLGrHQjKw3KMPwfDzg=="},
			},
			Importers: basicImporter(v6),
		},
	}, {
		name:   "v5.4-workspace",
		depsOf: []string{"link:packages/lib", "file:vendor/file-pkg"},
		full:   []string{"link:packages/lib", "link:vendor/link-pkg", "file:vendor/file-pkg"},
		want: lockSummary{
			Format: "pnpm-lock.yaml v5.4",
			// 5.4 writes the version of a file: package; later ones do not.
			NameVersions: append([]string{"debug@4.3.7", "file-pkg@2.0.0"}, workspaceNameVersions[1:]...),
			Unversioned:  []string{"link:packages/lib", "link:vendor/link-pkg"},
			Deps:         wsLinks(v5, "file:vendor/file-pkg"),
			Packages: map[string]lockPackage{
				"link:packages/lib":    wsFull["link:packages/lib"],
				"link:vendor/link-pkg": wsFull["link:vendor/link-pkg"],
				"file:vendor/file-pkg": {ID: "file:vendor/file-pkg", Name: "file-pkg", Version: "2.0.0", Resolved: "file:vendor/file-pkg", ScopeKnown: true},
			},
			Importers: wsImporters(v5, "file:vendor/file-pkg"),
		},
	}, {
		name:   "v6-workspace",
		depsOf: []string{"link:packages/lib", "file:vendor/file-pkg"},
		full:   []string{"link:packages/lib", "link:vendor/link-pkg", "file:vendor/file-pkg", "is-number@7.0.0", "js-tokens@4.0.0"},
		want: lockSummary{
			Format:       "pnpm-lock.yaml v6.0",
			NameVersions: workspaceNameVersions,
			Unversioned:  []string{"file:vendor/file-pkg", "link:packages/lib", "link:vendor/link-pkg"},
			Deps:         wsLinks(v6, "file:vendor/file-pkg"),
			Packages: map[string]lockPackage{
				"link:packages/lib":    wsFull["link:packages/lib"],
				"link:vendor/link-pkg": wsFull["link:vendor/link-pkg"],
				"file:vendor/file-pkg": {ID: "file:vendor/file-pkg", Name: "file-pkg", Resolved: "file:vendor/file-pkg", ScopeKnown: true},
				"is-number@7.0.0": {ID: "is-number@7.0.0", Name: "is-number", Version: "7.0.0", Dev: true, ScopeKnown: true,
					Integrity: "sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng=="},
				// No "dev:" line: needed by prod (react-dom in lib) and dev
				// (react in lib) alike.
				"js-tokens@4.0.0": {ID: "js-tokens@4.0.0", Name: "js-tokens", Version: "4.0.0", ScopeKnown: true,
					Integrity: "sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ=="},
			},
			Importers: wsImporters(v6, "file:vendor/file-pkg"),
		},
	}, {
		name:   "v9-workspace",
		depsOf: []string{"link:packages/lib", "file-pkg@file:vendor/file-pkg"},
		full:   []string{"link:packages/lib", "link:vendor/link-pkg", "file-pkg@file:vendor/file-pkg"},
		want: lockSummary{
			Format:       "pnpm-lock.yaml v9.0",
			NameVersions: workspaceNameVersions,
			Unversioned:  []string{"file-pkg@file:vendor/file-pkg", "link:packages/lib", "link:vendor/link-pkg"},
			Deps:         wsLinks(v6, "file-pkg@file:vendor/file-pkg"),
			Packages: map[string]lockPackage{
				"link:packages/lib":             wsFull["link:packages/lib"],
				"link:vendor/link-pkg":          wsFull["link:vendor/link-pkg"],
				"file-pkg@file:vendor/file-pkg": {ID: "file-pkg@file:vendor/file-pkg", Name: "file-pkg", Resolved: "file:vendor/file-pkg"},
			},
			Importers: wsImporters(v6, "file-pkg@file:vendor/file-pkg"),
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := parseFixture(t, filepath.Join("testdata", "pnpm", tt.name, "pnpm-lock.yaml"), func(f *os.File) (*lockGraph, error) { return parsePnpmLock(f) })
			if err != nil {
				t.Fatal(err)
			}
			checkLockGraph(t, g)
			for k, imp := range tt.want.Importers {
				imp.Path = k // written once in the table's helpers
				tt.want.Importers[k] = imp
			}
			if diff := cmp.Diff(tt.want, summarize(g, tt.depsOf, tt.full), summaryOpts); diff != "" {
				t.Errorf("parsePnpmLock(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestParsePnpmLockErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		is    error
	}{
		{name: "empty", input: "testdata/pnpm/empty/pnpm-lock.yaml", is: errLockfileEmpty},
		{name: "not-yaml", input: "testdata/pnpm/not-yaml.txt"},
		{name: "v9-truncated", input: "testdata/pnpm/v9-truncated/pnpm-lock.yaml"},
		{name: "no-version", input: "packages:\n  /a@1.0.0:\n    resolution: {integrity: x}\n"},
		{name: "version-not-a-number", input: "lockfileVersion: next\n"},
		{name: "importers-not-a-map", input: "lockfileVersion: '9.0'\nimporters: [a, b]\n"},
		{name: "dependency-neither-version-nor-map", input: "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a: [1]\n"},
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
			g, err := parsePnpmLock(bytes.NewReader(data))
			if err == nil {
				t.Fatalf("parsePnpmLock(%s) = %d packages, want an error", tt.name, len(g.Packages))
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("parsePnpmLock(%s) error %q, want %q", tt.name, err, tt.is)
			}
		})
	}
}

// TestParsePnpmLockEdgeCases covers shapes the fixtures do not: a lockfile
// with no packages, a dependency missing from packages, and a 9.x package
// that no snapshot names.
func TestParsePnpmLockEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  lockSummary
	}{{
		name:  "no-dependencies-v9",
		input: "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n",
		want:  lockSummary{Format: "pnpm-lock.yaml v9.0", Importers: map[string]lockImporter{"": {}}},
	}, {
		name:  "integer-version-and-dangling-dependency",
		input: "lockfileVersion: 5\ndependencies:\n  a: 1.0.0\n  b: 2.0.0\npackages:\n  /a/1.0.0:\n    dependencies:\n      c: 3.0.0\n",
		want: lockSummary{
			Format:       "pnpm-lock.yaml v5.0",
			NameVersions: []string{"a@1.0.0"},
			Importers:    map[string]lockImporter{"": {Prod: []string{"a/1.0.0"}}},
		},
	}, {
		name:  "package-without-snapshot-v9",
		input: "lockfileVersion: '9.0'\npackages:\n  '@s/a@1.0.0':\n    resolution: {integrity: sha512-x}\n",
		want: lockSummary{
			Format:       "pnpm-lock.yaml v9.0",
			NameVersions: []string{"@s/a@1.0.0"},
			Importers:    map[string]lockImporter{"": {}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := parsePnpmLock(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			checkLockGraph(t, g)
			if diff := cmp.Diff(tt.want, summarize(g, nil, nil), summaryOpts); diff != "" {
				t.Errorf("parsePnpmLock(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func FuzzParsePnpmLock(f *testing.F) {
	fuzzSeeds(f, filepath.Join("testdata", "pnpm"), isLockFixture)
	f.Add([]byte("lockfileVersion: 5.3\nimporters:\n  ./a:\n    dependencies:\n      b: link:../b\npackages:\n  /c/1.0.0_d@1.0.0:\n    dev: true\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := parsePnpmLock(bytes.NewReader(data))
		if err != nil {
			return
		}
		checkLockGraph(t, g)
	})
}
