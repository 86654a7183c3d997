package cargo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// depLine renders a dependency compactly: kind, name, the key when it
// renames, the requirement and the flags that matter.
func depLine(d dependency) string {
	s := d.Kind.String() + " " + d.Name
	if d.Key != d.Name {
		s += " as " + d.Key
	}
	if d.Req != "" {
		s += " " + d.Req
	}
	if d.Optional {
		s += " optional"
	}
	if d.Target != "" {
		s += " for " + d.Target[:min(len(d.Target), 16)]
	}
	if d.Path != "" {
		s += " path " + d.Path
	}
	if src := d.gitSource(); src != "" {
		s += " " + src
	}
	if d.InheritsWorkspace {
		s += " workspace"
	}
	return s
}

func depLines(ds []dependency) []string {
	var out []string
	for _, d := range ds {
		out = append(out, depLine(d))
	}
	return out
}

func TestParseCargoToml(t *testing.T) {
	tests := []struct {
		file      string
		pkg       *pkgMeta
		workspace *workspaceMeta
		deps      []string
	}{{
		// A crate as Debian ships it: a renamed optional dependency and a
		// target-specific one.
		file: "manifests/getrandom-0.2.8.toml",
		pkg: &pkgMeta{
			Name: "getrandom", Version: "0.2.8", License: "MIT OR Apache-2.0",
			Repository: "https://github.com/rust-random/getrandom", Authors: []string{"The Rand Project Developers"},
		},
		deps: []string{
			"normal cfg-if 1",
			"normal compiler_builtins 0.1 optional",
			"normal rustc-std-workspace-core as core 1.0 optional",
			"normal libc 0.2.120 for cfg(unix)",
		},
	}, {
		// Build, dev and target dependencies.
		file: "manifests/ahash-0.7.6.toml",
		pkg: &pkgMeta{
			Name: "ahash", Version: "0.7.6", License: "MIT OR Apache-2.0",
			Repository: "https://github.com/tkaitchuck/ahash", Authors: []string{"Tom Kaitchuck <Tom.Kaitchuck@gmail.com>"},
		},
		deps: []string{
			"build version_check 0.9",
			"dev criterion 0.3.2",
			"dev fnv 1.0.5",
			"dev fxhash 0.2.1",
			"dev hex 0.4.2",
			"dev no-panic 0.1.10",
			"dev rand >= 0.7.3, < 9",
			"dev seahash 4.0",
			"dev serde_json 1.0.59",
			"normal const-random 0.1.12 optional for cfg(any(target_o",
			"normal getrandom 0.2.3 for cfg(any(target_o",
			"normal serde 1.0.117 optional for cfg(any(target_o",
			"normal once_cell 1.8 for cfg(not(all(targ",
			"normal const-random 0.1.12 optional for cfg(not(any(targ",
			"normal serde 1.0.117 optional for cfg(not(any(targ",
		},
	}, {
		// A workspace root that is a package too, inheriting from
		// [workspace.package].
		file: "workspace-v4/Cargo.toml",
		pkg: &pkgMeta{
			Name:      "deepclone",
			Inherited: map[string]bool{"version": true, "license": true, "repository": true},
		},
		workspace: &workspaceMeta{
			Members: []string{"derive"},
			Package: pkgMeta{
				Version: "0.1.0", License: "MIT OR Apache-2.0", Repository: "https://github.com/Dekker1/deepclone",
				Authors: []string{"Jip J. Dekker <jip@dekker.one>"},
			},
		},
		deps: []string{
			"normal deepclone-derive =0.1.0 optional path derive",
			"normal rustc-hash 2.1",
			"dev divan 0.1",
			"dev trybuild 1.0",
		},
	}, {
		file: "lock-v2/Cargo.toml",
		pkg: &pkgMeta{
			Name: "espresso", Version: "0.0.1", License: "Apache-2.0",
			Authors: []string{"Jacob Emil Ulvedal Rosborg <jacob@rosborg.dk>"},
		},
		deps: []string{
			"normal anyhow 1.0", "normal bitflags 1.0", "normal bytes 0.5",
			"normal serde 1.0", "normal thiserror 1.0", "dev ron 0.5",
		},
	}, {
		file: "path-dep-v3/Cargo.toml",
		pkg:  &pkgMeta{Name: "tests", Version: "0.1.0"},
		deps: []string{"normal digenum * path digenum"},
	}, {
		file: "no-deps-v3/Cargo.toml",
		pkg: &pkgMeta{
			Name: "scalar_map", Version: "0.1.2", License: "MIT", Repository: "https://github.com/Banyc/scalar_map",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := parseCargoToml(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			opts := cmp.Options{
				cmpopts.EquateEmpty(),
				cmpopts.IgnoreFields(workspaceMeta{}, "Deps"),
			}
			if diff := cmp.Diff(tt.pkg, m.Package, opts); diff != "" {
				t.Errorf("package (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.workspace, m.Workspace, opts); diff != "" {
				t.Errorf("workspace (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.deps, depLines(m.Deps), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("dependencies (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseCargoTomlForms covers the forms the fixtures lack, each in a
// minimal manifest.
func TestParseCargoTomlForms(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		pkg      *pkgMeta
		deps     []string
		licenses []string
	}{{
		name:     "the [project] table of early Cargo, slash-separated license",
		in:       "[project]\nname = \"old\"\nversion = \"0.1.0\"\nlicense = \"MIT/Apache-2.0\"\n[dev_dependencies]\nquickcheck = \"0.4\"\n[build_dependencies]\ngcc = \"0.3\"\n",
		pkg:      &pkgMeta{Name: "old", Version: "0.1.0", License: "MIT/Apache-2.0"},
		deps:     []string{"build gcc 0.3", "dev quickcheck 0.4"},
		licenses: []string{"MIT OR Apache-2.0"},
	}, {
		name:     "license-file only",
		in:       "[package]\nname = \"ring\"\nversion = \"0.16.20\"\nlicense-file = \"LICENSE\"\n",
		pkg:      &pkgMeta{Name: "ring", Version: "0.16.20", LicenseFile: "LICENSE"},
		licenses: []string{"SEE LICENSE IN LICENSE"},
	}, {
		name: "git and workspace dependencies, values of the wrong type",
		in: "[package]\nname = \"m\"\nversion = 1\nauthors = \"nobody\"\nworkspace = \"../..\"\n[dependencies]\n" +
			"g = { git = \"https://example.invalid/g\", tag = \"v1\" }\n" +
			"w = { workspace = true, optional = true }\n" +
			"bad = 3\n",
		pkg:  &pkgMeta{Name: "m", WorkspacePath: "../.."},
		deps: []string{"normal g git+https://example.invalid/g?tag=v1", "normal w optional workspace"},
	}, {
		name: "virtual manifest",
		in:   "[workspace]\nmembers = [\"crates/*\", 3]\nexclude = [\"crates/old\"]\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseCargoToml([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.pkg, m.Package, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("package (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.deps, depLines(m.Deps), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("dependencies (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.licenses, declaredLicenses(m.Package)); diff != "" {
				t.Errorf("declared licenses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInheritDependency(t *testing.T) {
	m, err := parseCargoToml([]byte("[workspace]\n[workspace.dependencies]\n" +
		"serde = { version = \"1.0\", features = [\"derive\"] }\n" +
		"local = { path = \"crates/local\" }\n" +
		"json = { package = \"serde_json\", version = \"1\" }\n"))
	if err != nil {
		t.Fatal(err)
	}
	member, err := parseCargoToml([]byte("[package]\nname = \"a\"\n[dependencies]\n" +
		"serde.workspace = true\nlocal = { workspace = true, optional = true }\nmissing = { workspace = true }\n" +
		"[dev-dependencies]\njson = { workspace = true }\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range member.Deps {
		d, ok := d.inherit(m.Workspace)
		line := depLine(d)
		if !ok {
			line += " (not in the workspace)"
		}
		got = append(got, line)
	}
	want := []string{
		"normal local optional path crates/local workspace",
		"normal missing workspace (not in the workspace)",
		"normal serde 1.0 workspace",
		"dev serde_json as json 1 workspace",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inherited (-want +got):\n%s", diff)
	}
}

func TestParseCargoTomlErrors(t *testing.T) {
	for _, in := range []string{
		"[package]\nname = \"broken\"\nversion = 0.1.0\"\n",
		"[package\n",
		"name = \"a\"\nname = \"b\"\n",
	} {
		if _, err := parseCargoToml([]byte(in)); err == nil || !strings.HasPrefix(err.Error(), "not valid TOML") {
			t.Errorf("parseCargoToml(%q): error %v, want one about TOML", in, err)
		}
	}
}

func TestDeclaredLicenses(t *testing.T) {
	tests := []struct {
		pkg  *pkgMeta
		want []string
	}{
		{&pkgMeta{License: "MIT OR Apache-2.0"}, []string{"MIT OR Apache-2.0"}},
		{&pkgMeta{License: "Unlicense/MIT"}, []string{"Unlicense OR MIT"}},
		{&pkgMeta{License: "MIT / Apache-2.0 / Zlib"}, []string{"MIT OR Apache-2.0 OR Zlib"}},
		{&pkgMeta{License: "MIT//Apache-2.0"}, []string{"MIT//Apache-2.0"}},
		{&pkgMeta{License: "https://example.invalid/license"}, []string{"https://example.invalid/license"}},
		{&pkgMeta{License: "(MIT OR Apache-2.0) AND Unicode-DFS-2016", LicenseFile: "LICENSE"}, []string{"(MIT OR Apache-2.0) AND Unicode-DFS-2016"}},
		{&pkgMeta{LicenseFile: "docs/COPYRIGHT"}, []string{"SEE LICENSE IN docs/COPYRIGHT"}},
		{&pkgMeta{}, nil},
		{nil, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, declaredLicenses(tt.pkg)); diff != "" {
			t.Errorf("declaredLicenses(%+v) (-want +got):\n%s", tt.pkg, diff)
		}
	}
}

func TestSupplier(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"Erick Tryzelaar <erick.tryzelaar@gmail.com>", "David Tolnay <dtolnay@gmail.com>"}, "Erick Tryzelaar, David Tolnay"},
		{[]string{"The Rand Project Developers"}, "The Rand Project Developers"},
		{[]string{"a (x)", "a <y>", " "}, "a"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := supplier(tt.in); got != tt.want {
			t.Errorf("supplier(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseCargoToml(f *testing.F) {
	var paths []string
	for _, g := range []string{"testdata/*/Cargo.toml", "testdata/*/*/Cargo.toml", "testdata/manifests/*.toml", "testdata/system-registry/*/Cargo.toml"} {
		m, err := filepath.Glob(g)
		if err != nil {
			f.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		f.Fatal("no seeds")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[target.x.dependencies]\na = { workspace = true }\n[workspace.dependencies]\na = \"1\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseCargoToml(data)
		if err != nil {
			if m != nil {
				t.Fatal("a manifest and an error")
			}
			return
		}
		for _, d := range m.Deps {
			if d.Key == "" && d.Name == "" {
				t.Fatalf("dependency without a name: %+v", d)
			}
			if d.Kind != kindNormal && d.Kind != kindBuild && d.Kind != kindDev {
				t.Fatalf("kind %d", d.Kind)
			}
			if d.InheritsWorkspace {
				if got, _ := d.inherit(m.Workspace); got.Kind != d.Kind || got.Key != d.Key {
					t.Fatalf("inheriting changed %+v into %+v", d, got)
				}
			}
		}
		if m.Package != nil {
			for _, l := range declaredLicenses(m.Package) {
				if l == "" {
					t.Fatal("empty declared license")
				}
			}
		}
	})
}
