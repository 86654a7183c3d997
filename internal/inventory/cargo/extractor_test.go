package cargo

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

// testExtractor looks crates up only in the fixtures: the fake Cargo
// home is passed as the cache, the fake distribution registry replaces
// the system one, and the environment is not read.
func testExtractor(t testing.TB) (*Extractor, inventory.Options) {
	t.Helper()
	sys, err := filepath.Abs(filepath.Join("testdata", "system-registry"))
	if err != nil {
		t.Fatal(err)
	}
	home, err := filepath.Abs(filepath.Join("testdata", "cargo-home"))
	if err != nil {
		t.Fatal(err)
	}
	e := &Extractor{systemRegistries: []string{sys}, getenv: func(string) string { return "" }}
	return e, inventory.Options{Caches: map[string]string{"cargo": home}}
}

// scan runs a whole scan of one fixture directory, as the user would.
func scan(t testing.TB, dir string) *inventory.Inventory {
	t.Helper()
	e, opts := testExtractor(t)
	return inventorytest.Scan(t, e, filepath.Join("testdata", dir), dir, opts)
}

// projectView is what a test compares of a project: every component in
// one line ("name@version scope direct|- installed|-").
type projectView struct {
	Name, Version, Path, Source string
	Notes                       []string
	Components                  []string
}

func view(p *inventory.Project) projectView {
	v := projectView{Name: p.Name, Version: p.Version, Path: p.Path, Source: p.Source, Notes: p.Notes}
	for _, c := range p.Components {
		line := c.Ref() + " " + string(c.Scope)
		if c.Direct {
			line += " direct"
		}
		if c.Installed {
			line += " installed"
		}
		v.Components = append(v.Components, line)
	}
	return v
}

func sourcesNote(found, of string) string {
	return "crate sources found on this machine for " + found + " of " + of + " crates; the others have no declared license until their sources are fetched (cargo fetch or cargo vendor)"
}

func TestExtract(t *testing.T) {
	tests := []struct {
		dir      string
		want     []projectView
		problems []inventory.Problem
	}{{
		// A workspace: the root package and its member are the project's
		// own crates; syn is locked twice, once for the build and once
		// only under a dev-dependency.
		dir: "workspace-v4",
		want: []projectView{{
			Name: "deepclone", Version: "0.1.0", Path: "workspace-v4/Cargo.toml", Source: "Cargo.lock",
			Notes: []string{
				"the project's own crates (roots of the graph, not components): deepclone 0.1.0, deepclone-derive 0.1.0",
				sourcesNote("0", "44"),
			},
			Components: []string{
				"anstyle@1.0.14 dev", "bitflags@2.13.1 dev", "cfg-if@1.0.4 dev", "clap@4.6.6 dev",
				"clap_builder@4.6.6 dev", "clap_lex@1.1.0 dev", "condtype@1.3.0 dev", "divan@0.1.21 dev direct",
				"divan-macros@0.1.21 dev", "equivalent@1.0.2 dev", "errno@0.3.14 dev", "glob@0.3.4 dev",
				"hashbrown@0.17.1 dev", "indexmap@2.14.0 dev", "itoa@1.0.18 dev", "libc@0.2.189 dev",
				"linux-raw-sys@0.12.1 dev", "memchr@2.8.3 dev", "proc-macro2@1.0.107 prod direct",
				"quote@1.0.47 prod direct", "regex-lite@0.1.9 dev", "rustc-hash@2.1.3 prod direct",
				"rustix@1.1.4 dev", "serde@1.0.229 dev", "serde_core@1.0.229 dev", "serde_derive@1.0.229 dev",
				"serde_json@1.0.151 dev", "serde_spanned@1.1.1 dev", "syn@2.0.119 prod direct", "syn@3.0.4 dev",
				"target-triple@1.0.1 dev", "termcolor@1.4.1 dev", "terminal_size@0.4.4 dev",
				"toml@1.1.4+spec-1.1.0 dev", "toml_datetime@1.1.1+spec-1.1.0 dev", "toml_parser@1.1.3+spec-1.1.0 dev",
				"toml_writer@1.1.2+spec-1.1.0 dev", "trybuild@1.0.119 dev direct", "unicode-ident@1.0.24 prod",
				"winapi-util@0.1.11 dev", "windows-link@0.2.1 dev", "windows-sys@0.61.2 dev", "winnow@1.0.4 dev",
				"zmij@1.0.23 dev",
			},
		}},
	}, {
		// A path dependency outside the workspace's members is own code
		// too; its manifest's version differs from the lockfile's, so it
		// is matched by name. Two crates are in the fake Cargo home and
		// the fake system registry.
		dir: "path-dep-v3",
		want: []projectView{{
			Name: "tests", Version: "0.1.0", Path: "path-dep-v3/Cargo.toml", Source: "Cargo.lock",
			Notes: []string{
				"the project's own crates (roots of the graph, not components): digenum 0.1.0, tests 0.1.0",
				sourcesNote("2", "4"),
			},
			Components: []string{
				"proc-macro2@1.0.47 prod direct installed", "quote@1.0.21 prod direct installed",
				"syn@1.0.103 prod direct", "unicode-ident@1.0.5 prod",
			},
		}},
	}, {
		// The lockfile still lists zip, which the manifest no longer
		// declares; ron is a dev-dependency whose own dependencies are
		// dev unless a prod crate needs them too.
		dir: "lock-v2",
		want: []projectView{{
			Name: "espresso", Version: "0.0.1", Path: "lock-v2/Cargo.toml", Source: "Cargo.lock",
			Notes: []string{
				"the project's own crates (roots of the graph, not components): espresso 0.0.1",
				"Cargo.lock lists dependencies that the Cargo.toml files do not declare (the lockfile may be out of date), counted as prod: espresso → zip",
				sourcesNote("0", "30"),
			},
			Components: []string{
				"adler32@1.0.4 prod", "anyhow@1.0.28 prod direct", "base64@0.10.1 dev", "bitflags@1.2.1 prod direct",
				"byteorder@1.3.4 dev", "bytes@0.5.4 prod direct", "bzip2@0.3.3 prod", "bzip2-sys@0.1.8+1.0.8 prod",
				"cc@1.0.50 prod", "cfg-if@0.1.10 prod", "crc32fast@1.2.0 prod", "flate2@1.0.14 prod", "libc@0.2.69 prod",
				"miniz_oxide@0.3.6 prod", "podio@0.1.6 prod", "proc-macro2@1.0.10 prod", "quote@1.0.3 prod",
				"redox_syscall@0.1.56 prod", "ron@0.5.1 dev direct", "serde@1.0.106 prod direct",
				"serde_derive@1.0.106 prod", "syn@1.0.17 prod", "thiserror@1.0.15 prod direct",
				"thiserror-impl@1.0.15 prod", "time@0.1.42 prod", "unicode-xid@0.2.0 prod", "winapi@0.3.8 prod",
				"winapi-i686-pc-windows-gnu@0.4.0 prod", "winapi-x86_64-pc-windows-gnu@0.4.0 prod", "zip@0.5.5 prod direct",
			},
		}},
	}, {
		// The oldest format, alone: the project is named after [root].
		dir: "lock-v1-root",
		want: []projectView{{
			Name: "xi-rope-fuzz", Version: "0.0.1", Path: "lock-v1-root/Cargo.lock", Source: "Cargo.lock",
			Notes: []string{
				"the project's own crates (roots of the graph, not components): xi-rope-fuzz 0.0.1, xi-rope 0.2.0",
				"no Cargo.toml beside Cargo.lock: dev-dependencies cannot be told apart, so every crate counts as prod",
				sourcesNote("0", "5"),
			},
			Components: []string{
				"bytecount@0.1.6 prod direct", "gcc@0.3.46 prod", "libc@0.2.22 prod",
				"libfuzzer-sys@0.1.0 prod direct", "memchr@1.0.1 prod direct",
			},
		}},
	}, {
		dir: "no-deps-v3",
		want: []projectView{{
			Name: "scalar_map", Version: "0.1.2", Path: "no-deps-v3/Cargo.toml", Source: "Cargo.lock",
			Notes: []string{"the project's own crates (roots of the graph, not components): scalar_map 0.1.2"},
		}},
	}, {
		// Crates vendored in both layouts of cargo vendor.
		dir: "vendored",
		want: []projectView{{
			Name: "tests", Version: "0.1.0", Path: "vendored/Cargo.toml", Source: "Cargo.lock",
			Notes: []string{
				"the project's own crates (roots of the graph, not components): digenum 0.1.0, tests 0.1.0",
				sourcesNote("2", "4"),
			},
			Components: []string{
				"proc-macro2@1.0.47 prod direct installed", "quote@1.0.21 prod direct installed",
				"syn@1.0.103 prod direct", "unicode-ident@1.0.5 prod",
			},
		}},
	}, {
		// The workspace without its lockfile.
		dir: "manifest-only",
		want: []projectView{{
			Name: "deepclone", Version: "0.1.0", Path: "manifest-only/Cargo.toml", Source: "Cargo.toml",
			Notes: []string{
				"the project's own crates (roots of the graph, not components): deepclone 0.1.0, deepclone-derive 0.1.0",
				"no Cargo.lock: the declared dependencies are listed without versions",
			},
			Components: []string{
				"divan@ dev direct", "proc-macro2@ prod direct", "quote@ prod direct",
				"rustc-hash@ prod direct", "syn@ prod direct", "trybuild@ dev direct",
			},
		}},
	}, {
		// A directory of unpacked crates, as a distribution installs them.
		dir: "system-registry",
		want: []projectView{{
			Name: "system-registry", Path: "system-registry", Source: "crate sources",
			Notes: []string{"unpacked crates without a Cargo.lock: each crate is listed as present; which of them depend on which is not resolved"},
			Components: []string{
				"aho-corasick@0.7.19 prod direct installed", "lazy_static@1.4.0 prod direct installed",
				"quote@1.0.21 prod direct installed", "ryu@1.0.2 prod direct installed",
				"syn@1.0.107 prod direct installed", "unicode-ident@1.0.0 prod direct installed",
			},
		}},
	}, {
		dir: "broken-lock",
		want: []projectView{{
			Name: "espresso", Version: "0.0.1", Path: "broken-lock/Cargo.toml", Source: "Cargo.toml",
			Notes: []string{
				"the project's own crates (roots of the graph, not components): espresso 0.0.1",
				"Cargo.lock could not be read: the declared dependencies are listed without versions",
			},
			Components: []string{
				"anyhow@ prod direct", "bitflags@ prod direct", "bytes@ prod direct", "ron@ dev direct",
				"serde@ prod direct", "thiserror@ prod direct",
			},
		}},
		problems: []inventory.Problem{{Path: "broken-lock/Cargo.lock", Message: "not valid TOML: line 4: strings cannot contain newlines"}},
	}, {
		dir:      "broken-manifest",
		problems: []inventory.Problem{{Path: "broken-manifest/Cargo.toml", Message: `not valid TOML: line 3: Invalid float value: "0.1.0"`}},
	}, {
		dir: "future-lock",
		want: []projectView{{
			Name: "tests", Version: "0.1.0", Path: "future-lock/Cargo.lock", Source: "Cargo.lock",
			Notes: []string{
				"Cargo.lock format version 5 is newer than the formats this reader knows (1 to 4); it was read as format 4",
				"the project's own crates (roots of the graph, not components): digenum 0.1.0, tests 0.1.0",
				"no Cargo.toml beside Cargo.lock: dev-dependencies cannot be told apart, so every crate counts as prod",
				sourcesNote("2", "4"),
			},
			Components: []string{
				"proc-macro2@1.0.47 prod direct installed", "quote@1.0.21 prod direct installed",
				"syn@1.0.103 prod direct", "unicode-ident@1.0.5 prod",
			},
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			inv := scan(t, tt.dir)
			var got []projectView
			for _, p := range inv.Projects {
				got = append(got, view(p))
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("projects (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.problems, inv.Problems, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// componentsOf indexes a single project's components by name@version.
func componentsOf(t *testing.T, inv *inventory.Inventory) map[string]*inventory.Component {
	t.Helper()
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects, want 1", len(inv.Projects))
	}
	out := map[string]*inventory.Component{}
	for _, c := range inv.Projects[0].Components {
		out[c.Ref()] = c
	}
	return out
}

// TestExtractComponentDetails checks what each component carries besides
// its scope: identity, hashes, origin and what its sources declare.
func TestExtractComponentDetails(t *testing.T) {
	abs := func(rel string) string {
		p, err := filepath.Abs(filepath.Join("testdata", filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	const crates = "registry+https://github.com/rust-lang/crates.io-index"
	tests := []struct {
		dir, ref string
		want     inventory.Component
	}{{
		// Found in the fake Cargo home: licenses, authors and repository
		// from its Cargo.toml, its directory for the license files.
		dir: "path-dep-v3", ref: "proc-macro2@1.0.47",
		want: inventory.Component{
			Ecosystem: "cargo", Name: "proc-macro2", Version: "1.0.47", PURL: "pkg:cargo/proc-macro2@1.0.47",
			Scope: "prod", Direct: true, Paths: [][]string{{"proc-macro2@1.0.47"}},
			Locations:        []string{"path-dep-v3/Cargo.lock"},
			DeclaredLicenses: []string{"MIT OR Apache-2.0"},
			Supplier:         "David Tolnay, Alex Crichton", Repository: "https://github.com/dtolnay/proc-macro2",
			Hashes:   []inventory.Hash{{Algorithm: "SHA-256", Value: "5ea3d908b0e36316caf9e9e2c4625cdde190a7e6f440d794667ed17a1855e725"}},
			Resolved: crates, Installed: true,
			Dir: abs("cargo-home/registry/src/mirror-6f17d22bba15001f/proc-macro2-1.0.47"),
		},
	}, {
		// Found in the fake distribution registry.
		dir: "path-dep-v3", ref: "quote@1.0.21",
		want: inventory.Component{
			Ecosystem: "cargo", Name: "quote", Version: "1.0.21", PURL: "pkg:cargo/quote@1.0.21",
			Scope: "prod", Direct: true, Paths: [][]string{{"quote@1.0.21"}},
			Locations:        []string{"path-dep-v3/Cargo.lock"},
			DeclaredLicenses: []string{"MIT OR Apache-2.0"},
			Supplier:         "David Tolnay", Repository: "https://github.com/dtolnay/quote",
			Hashes:   []inventory.Hash{{Algorithm: "SHA-256", Value: "bbe448f377a7d6961e30f5955f9b8d106c3f5e449d493ee1b125c1d43c2b5179"}},
			Resolved: crates, Installed: true, Dir: abs("system-registry/quote-1.0.21"),
		},
	}, {
		// Not on this machine: only what the lockfile says.
		dir: "path-dep-v3", ref: "unicode-ident@1.0.5",
		want: inventory.Component{
			Ecosystem: "cargo", Name: "unicode-ident", Version: "1.0.5", PURL: "pkg:cargo/unicode-ident@1.0.5",
			Scope: "prod", Paths: [][]string{{"proc-macro2@1.0.47", "unicode-ident@1.0.5"}, {"syn@1.0.103", "unicode-ident@1.0.5"}},
			Locations: []string{"path-dep-v3/Cargo.lock"},
			Hashes:    []inventory.Hash{{Algorithm: "SHA-256", Value: "6ceab39d59e4c9499d4e5a8ee0e2735b891bb7308ac83dfb4e80cad195c9f6f3"}},
			Resolved:  crates,
		},
	}, {
		// Vendored without a version in the directory name: the
		// vendored copy is a location of the component.
		dir: "vendored", ref: "proc-macro2@1.0.47",
		want: inventory.Component{
			Ecosystem: "cargo", Name: "proc-macro2", Version: "1.0.47", PURL: "pkg:cargo/proc-macro2@1.0.47",
			Scope: "prod", Direct: true, Paths: [][]string{{"proc-macro2@1.0.47"}},
			Locations:        []string{"vendored/Cargo.lock", "vendored/vendor/proc-macro2"},
			DeclaredLicenses: []string{"MIT OR Apache-2.0"},
			Supplier:         "David Tolnay, Alex Crichton", Repository: "https://github.com/dtolnay/proc-macro2",
			Hashes:   []inventory.Hash{{Algorithm: "SHA-256", Value: "5ea3d908b0e36316caf9e9e2c4625cdde190a7e6f440d794667ed17a1855e725"}},
			Resolved: crates, Installed: true, Dir: abs("vendored/vendor/proc-macro2"),
		},
	}, {
		// A vendor directory named by .cargo/config.toml.
		dir: "vendored-config", ref: "quote@1.0.21",
		want: inventory.Component{
			Ecosystem: "cargo", Name: "quote", Version: "1.0.21", PURL: "pkg:cargo/quote@1.0.21",
			Scope: "prod", Direct: true, Paths: [][]string{{"quote@1.0.21"}},
			Locations:        []string{"vendored-config/Cargo.lock", "vendored-config/third_party/rust/quote"},
			DeclaredLicenses: []string{"MIT OR Apache-2.0"},
			Supplier:         "David Tolnay", Repository: "https://github.com/dtolnay/quote",
			Hashes:   []inventory.Hash{{Algorithm: "SHA-256", Value: "bbe448f377a7d6961e30f5955f9b8d106c3f5e449d493ee1b125c1d43c2b5179"}},
			Resolved: crates, Installed: true, Dir: abs("vendored-config/third_party/rust/quote"),
		},
	}, {
		// A git dependency of format 1: no checksum, the commit in the
		// source.
		dir: "lock-v1-root", ref: "libfuzzer-sys@0.1.0",
		want: inventory.Component{
			Ecosystem: "cargo", Name: "libfuzzer-sys", Version: "0.1.0", PURL: "pkg:cargo/libfuzzer-sys@0.1.0",
			Scope: "prod", Direct: true, Paths: [][]string{{"libfuzzer-sys@0.1.0"}},
			Locations: []string{"lock-v1-root/Cargo.lock"},
			Resolved:  "git+https://github.com/rust-fuzz/libfuzzer-sys.git#36a3928eef5c3c38eb0f251962395bb510c39d46",
		},
	}, {
		// Old "/" license syntax, read as OR; Debian's placeholder
		// instead of a checksum is not a hash.
		dir: "system-registry", ref: "lazy_static@1.4.0",
		want: inventory.Component{
			Ecosystem: "cargo", Name: "lazy_static", Version: "1.4.0", PURL: "pkg:cargo/lazy_static@1.4.0",
			Scope: "prod", Direct: true, Paths: [][]string{{"lazy_static@1.4.0"}},
			Locations:        []string{"system-registry/lazy_static-1.4.0"},
			DeclaredLicenses: []string{"MIT OR Apache-2.0"},
			Supplier:         "Marvin Löbel", Repository: "https://github.com/rust-lang-nursery/lazy-static.rs",
			Installed: true, Dir: abs("system-registry/lazy_static-1.4.0"),
		},
	}, {
		// A dev-dependency declared without a lockfile has no version.
		dir: "manifest-only", ref: "divan@",
		want: inventory.Component{
			Ecosystem: "cargo", Name: "divan", PURL: "pkg:cargo/divan",
			Scope: "dev", Direct: true, Paths: [][]string{{"divan@"}},
			Locations: []string{"manifest-only/Cargo.toml"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.dir+"/"+tt.ref, func(t *testing.T) {
			c, ok := componentsOf(t, scan(t, tt.dir))[tt.ref]
			if !ok {
				t.Fatalf("no component %s", tt.ref)
			}
			if diff := cmp.Diff(tt.want, *c, cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(inventory.LicenseFile{})); diff != "" {
				t.Errorf("component (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExtractGraph checks the edges of the workspace: own crates are
// roots, own-to-own edges disappear, and "syn 2.0.119" and "syn 3.0.4"
// lead where the lockfile says.
func TestExtractGraph(t *testing.T) {
	inv := scan(t, "workspace-v4")
	p := inv.Projects[0]
	got := map[string][]string{}
	for _, from := range []string{inventory.RootKey, "cargo:serde_derive@1.0.229", "cargo:divan-macros@0.1.21", "cargo:windows-sys@0.61.2"} {
		tos := append([]string(nil), p.Edges[from]...)
		sort.Strings(tos)
		got[from] = tos
	}
	want := map[string][]string{
		inventory.RootKey: {
			"cargo:divan@0.1.21", "cargo:proc-macro2@1.0.107", "cargo:quote@1.0.47",
			"cargo:rustc-hash@2.1.3", "cargo:syn@2.0.119", "cargo:trybuild@1.0.119",
		},
		"cargo:serde_derive@1.0.229": {"cargo:proc-macro2@1.0.107", "cargo:quote@1.0.47", "cargo:syn@3.0.4"},
		"cargo:divan-macros@0.1.21":  {"cargo:proc-macro2@1.0.107", "cargo:quote@1.0.47", "cargo:syn@2.0.119"},
		"cargo:windows-sys@0.61.2":   {"cargo:windows-link@0.2.1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	for from, tos := range p.Edges {
		for _, to := range append(tos, from) {
			if strings.Contains(to, "deepclone") {
				t.Errorf("an own crate is in the graph: %s → %v", from, tos)
			}
		}
	}
}

// TestExtractWholeTree scans all fixtures at once: each lockfile owns its
// workspace and vendor directory, the fake registries become projects
// of their own, and nothing is reported twice.
func TestExtractWholeTree(t *testing.T) {
	e, opts := testExtractor(t)
	inv := inventorytest.Scan(t, e, "testdata", "testdata", opts)
	var got []string
	for _, p := range inv.Projects {
		got = append(got, p.Path+" "+p.Source)
	}
	want := []string{
		"testdata/broken-lock/Cargo.toml Cargo.toml",
		"testdata/cargo-home/registry/src/mirror-6f17d22bba15001f crate sources",
		"testdata/future-lock/Cargo.lock Cargo.lock",
		"testdata/lock-v1-root/Cargo.lock Cargo.lock",
		"testdata/lock-v1/Cargo.lock Cargo.lock",
		"testdata/lock-v2/Cargo.toml Cargo.lock",
		"testdata/manifest-only/Cargo.toml Cargo.toml",
		"testdata/no-deps-v3/Cargo.toml Cargo.lock",
		"testdata/path-dep-v3/Cargo.toml Cargo.lock",
		"testdata/system-registry crate sources",
		"testdata/vendored-config/Cargo.toml Cargo.lock",
		"testdata/vendored/Cargo.toml Cargo.lock",
		"testdata/workspace-v4/Cargo.toml Cargo.lock",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("projects (-want +got):\n%s", diff)
	}
	var probs []string
	for _, p := range inv.Problems {
		probs = append(probs, p.Path)
	}
	if diff := cmp.Diff([]string{"testdata/broken-lock/Cargo.lock", "testdata/broken-manifest/Cargo.toml"}, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestWants(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml": {}, "Cargo.lock": {}, "cargo.toml": {}, "Cargo.toml.orig": {},
		"crates/a/Cargo.toml":                      {},
		"vendor/serde/Cargo.toml":                  {},
		"target/package/a-0.1.0/Cargo.toml":        {},
		"target/debug/build/x/out/Cargo.toml":      {},
		"crates/target/Cargo.toml":                 {},
		"src/target/lib/Cargo.toml":                {},
		"link/Cargo.lock":                          {Mode: fs.ModeSymlink},
		"tests/fixtures/target/release/Cargo.toml": {},
	}
	want := map[string]bool{
		"Cargo.toml": true, "Cargo.lock": true, "crates/a/Cargo.toml": true, "vendor/serde/Cargo.toml": true,
		"crates/target/Cargo.toml": true, "src/target/lib/Cargo.toml": true,
	}
	got := map[string]bool{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if New().Wants(p, d) {
			got[p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("wanted files (-want +got):\n%s", diff)
	}
}

// TestExtractSingleFile scans a lockfile given as the scan root.
func TestExtractSingleFile(t *testing.T) {
	e, opts := testExtractor(t)
	inv := inventorytest.Scan(t, e, "testdata/lock-v2/Cargo.lock", "lock-v2/Cargo.lock", opts)
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects", len(inv.Projects))
	}
	p := inv.Projects[0]
	if p.Name != "espresso" || p.Path != "lock-v2/Cargo.toml" || len(p.Components) != 30 {
		t.Errorf("project %s at %s with %d components", p.Name, p.Path, len(p.Components))
	}
}

func TestCargoHome(t *testing.T) {
	env := func(kv map[string]string) func(string) string {
		return func(k string) string { return kv[k] }
	}
	tests := []struct {
		name  string
		cache string
		env   map[string]string
		want  string
	}{
		{"configured cache first", "/c", map[string]string{"CARGO_HOME": "/h", "HOME": "/u"}, "/c"},
		{"CARGO_HOME", "", map[string]string{"CARGO_HOME": "/h", "HOME": "/u"}, "/h"},
		{"home directory", "", map[string]string{"HOME": "/u"}, filepath.Join("/u", ".cargo")},
		{"nothing", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Extractor{getenv: env(tt.env)}
			opts := inventory.Options{}
			if tt.cache != "" {
				opts.Caches = map[string]string{"cargo": tt.cache}
			}
			if got := e.cargoHome(opts); got != tt.want {
				t.Errorf("cargoHome = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestExtractRefusesSymlinkedLockfile: a linked lockfile could lead out
// of the scanned tree.
func TestExtractRefusesSymlinkedLockfile(t *testing.T) {
	dir := t.TempDir()
	target, err := filepath.Abs("testdata/lock-v2/Cargo.lock")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "Cargo.lock")); err != nil {
		t.Skip("no symlinks:", err)
	}
	e, opts := testExtractor(t)
	opts.Root = dir
	projects, problems, err := e.Extract(context.Background(), dir, []string{filepath.Join(dir, "Cargo.lock")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(projects) != 0 {
		t.Errorf("projects from a linked lockfile: %v", projects)
	}
	want := []inventory.Problem{{Path: "Cargo.lock", Message: "cannot read: is a symbolic link; not followed"}}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestExtractLockfileTooLarge: a lockfile over the limit is a problem that
// states the limit. The file is sparse: its size is all that is looked at.
func TestExtractLockfileTooLarge(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "Cargo.lock")
	f, err := os.Create(lock)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxLockfile + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	e, opts := testExtractor(t)
	opts.Root = dir
	projects, problems, err := e.Extract(context.Background(), dir, []string{lock}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(projects) != 0 {
		t.Errorf("projects from an unread lockfile: %v", projects)
	}
	want := []inventory.Problem{{Path: "Cargo.lock", Message: "cannot read: file too large: 67108865 bytes, over the limit of 64 MiB"}}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e, opts := testExtractor(t)
	dir, err := filepath.Abs("testdata/workspace-v4")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.Extract(ctx, dir, []string{filepath.Join(dir, "Cargo.lock")}, opts)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestSupports(t *testing.T) {
	rows := New().Supports()
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r.Files == "" || r.Gives == "" || r.Licenses == "" {
			t.Errorf("incomplete row %+v", r)
		}
	}
	if New().Name() != "cargo" {
		t.Errorf("name %q", New().Name())
	}
}

// copyFile copies a fixture file into a test's directory.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(from)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExtractPackagedCrateWithLockfile: a binary crate ships its
// Cargo.lock; unpacked in a registry, that lockfile is the crate's, not a
// project of the scanned tree.
func TestExtractPackagedCrateWithLockfile(t *testing.T) {
	dir := t.TempDir()
	crate := filepath.Join(dir, "registry", "quote-1.0.21")
	copyFile(t, "system-registry/quote-1.0.21/Cargo.toml", filepath.Join(crate, "Cargo.toml"))
	copyFile(t, "system-registry/quote-1.0.21/.cargo-checksum.json", filepath.Join(crate, ".cargo-checksum.json"))
	copyFile(t, "path-dep-v3/Cargo.lock", filepath.Join(crate, "Cargo.lock"))
	// A project's own crate with a leftover of patch beside it stays a
	// project.
	copyFile(t, "no-deps-v3/Cargo.toml", filepath.Join(dir, "own", "Cargo.toml"))
	copyFile(t, "no-deps-v3/Cargo.toml", filepath.Join(dir, "own", "Cargo.toml.orig"))

	e, opts := testExtractor(t)
	inv := inventorytest.Scan(t, e, dir, "tree", opts)
	var got []string
	for _, p := range inv.Projects {
		got = append(got, p.Path+" "+p.Source+" "+strings.Join(view(p).Components, ", "))
	}
	want := []string{
		"tree/own/Cargo.toml Cargo.toml ",
		"tree/registry crate sources quote@1.0.21 prod direct installed",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("projects (-want +got):\n%s", diff)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExtractWorkspaceMembers covers member globs ("*" and "**"),
// exclude, inherited and unknown workspace dependencies, build, target,
// optional and git dependencies, and a path dependency that leaves the
// scanned tree. Real member manifests, hand-made root and app.
func TestExtractWorkspaceMembers(t *testing.T) {
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws")
	writeFile(t, filepath.Join(ws, "Cargo.toml"), "[workspace]\nmembers = [\"crates/*\", \"tools/**\"]\nexclude = [\"crates/old\"]\n\n[workspace.dependencies]\nquote = \"1.0.21\"\n")
	writeFile(t, filepath.Join(ws, "crates", "app", "Cargo.toml"), `[package]
name = "app"
version = "0.1.0"

[dependencies]
digenum = { path = "../digenum" }
outside = { path = "../../../outside" }
quote = { workspace = true }
missing = { workspace = true }

[dependencies.gitdep]
git = "https://example.invalid/gitdep"
branch = "main"

[build-dependencies]
cc = "1"

[target.'cfg(windows)'.dependencies]
winapi = { version = "0.3", optional = true }
`)
	copyFile(t, "path-dep-v3/digenum/Cargo.toml", filepath.Join(ws, "crates", "digenum", "Cargo.toml"))
	copyFile(t, "no-deps-v3/Cargo.toml", filepath.Join(ws, "crates", "old", "Cargo.toml"))
	copyFile(t, "lock-v2/Cargo.toml", filepath.Join(ws, "tools", "gen", "x", "Cargo.toml"))

	e, opts := testExtractor(t)
	inv := inventorytest.Scan(t, e, ws, "ws", opts)
	var got []projectView
	for _, p := range inv.Projects {
		got = append(got, view(p))
	}
	want := []projectView{{
		Name: "ws", Path: "ws/Cargo.toml", Source: "Cargo.toml",
		Notes: []string{
			"app inherits dependency missing, which the workspace does not declare",
			"path dependencies outside the scanned directory were not read: " + filepath.ToSlash(filepath.Join(dir, "outside")),
			"the project's own crates (roots of the graph, not components): app 0.1.0, digenum 0.1.1, espresso 0.0.1",
			"no Cargo.lock: the declared dependencies are listed without versions",
		},
		Components: []string{
			"anyhow@ prod direct", "bitflags@ prod direct", "bytes@ prod direct", "cc@ prod direct",
			"gitdep@ prod direct", "missing@ prod direct", "proc-macro2@ prod direct", "quote@ prod direct",
			"ron@ dev direct", "serde@ prod direct", "syn@ prod direct", "thiserror@ prod direct",
			"winapi@ optional direct",
		},
	}, {
		Name: "scalar_map", Version: "0.1.2", Path: "ws/crates/old/Cargo.toml", Source: "Cargo.toml",
		Notes: []string{"the project's own crates (roots of the graph, not components): scalar_map 0.1.2"},
	}}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("projects (-want +got):\n%s", diff)
	}
	for _, c := range inv.Projects[0].Components {
		if c.Name == "gitdep" && c.Resolved != "git+https://example.invalid/gitdep?branch=main" {
			t.Errorf("gitdep resolved %q", c.Resolved)
		}
		if c.Name == "quote" && !cmp.Equal(c.Locations, []string{"ws/crates/app/Cargo.toml", "ws/crates/digenum/Cargo.toml"}) {
			t.Errorf("quote locations %q", c.Locations)
		}
	}
}

// TestExtractLockfileIssues: entries a lockfile cannot back are notes of
// the project, and the rest is read.
func TestExtractLockfileIssues(t *testing.T) {
	dir := t.TempDir()
	lock := string(readFixture(t, "path-dep-v3/Cargo.lock"))
	lock = strings.Replace(lock, " \"syn\",\n", " \"syn\",\n \"gone 1.0.0\",\n", 1)
	writeFile(t, filepath.Join(dir, "Cargo.lock"), lock)
	e, opts := testExtractor(t)
	inv := inventorytest.Scan(t, e, dir, ".", opts)
	p := inv.Projects[0]
	if !containsString(p.Notes, `Cargo.lock: dependency "gone 1.0.0" of digenum 0.1.0 names no locked package`) {
		t.Errorf("notes %q", p.Notes)
	}
	if len(p.Components) != 4 {
		t.Errorf("%d components", len(p.Components))
	}
}
