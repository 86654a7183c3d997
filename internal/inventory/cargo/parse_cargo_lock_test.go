package cargo

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// lockSummary renders packages as "name version" with their resolved
// dependencies and the first characters of their checksum, for
// comparison.
func lockSummary(l *lockfile, only ...string) map[string]string {
	out := map[string]string{}
	for _, p := range l.Packages {
		id := p.Name + " " + p.Version
		if len(only) > 0 && !containsString(only, id) {
			continue
		}
		var deps []string
		for _, d := range p.Deps {
			deps = append(deps, l.Packages[d].Name+" "+l.Packages[d].Version)
		}
		sort.Strings(deps)
		s := "[" + strings.Join(deps, ", ") + "]"
		if p.Checksum != "" {
			s += " sum " + p.Checksum[:min(8, len(p.Checksum))]
		}
		if p.Source != "" {
			s += " from " + p.Source
		}
		out[id] = s
	}
	return out
}

func readFixture(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseCargoLock(t *testing.T) {
	const crates = "registry+https://github.com/rust-lang/crates.io-index"
	tests := []struct {
		file     string
		version  int
		packages int
		only     []string
		want     map[string]string
	}{{
		// Format 1 in its oldest form: [root], checksums in [metadata],
		// a git dependency written without its commit.
		file: "lock-v1-root/Cargo.lock", version: 1, packages: 7,
		want: map[string]string{
			"xi-rope-fuzz 0.0.1": "[libfuzzer-sys 0.1.0, xi-rope 0.2.0]",
			"bytecount 0.1.6":    "[] sum 1e8f09fb from " + crates,
			"gcc 0.3.46":         "[] sum 181e3ceb from " + crates,
			"libc 0.2.22":        "[] sum babb8281 from " + crates,
			"libfuzzer-sys 0.1.0": "[gcc 0.3.46] from git+https://github.com/rust-fuzz/libfuzzer-sys.git" +
				"#36a3928eef5c3c38eb0f251962395bb510c39d46",
			"memchr 1.0.1":  "[libc 0.2.22] sum 1dbccc0e from " + crates,
			"xi-rope 0.2.0": "[bytecount 0.1.6, memchr 1.0.1]",
		},
	}, {
		// Format 1 with [[package]]: three versions of bitflags, two of
		// log that depend on each other, git packages from one repository.
		file: "lock-v1/Cargo.lock", version: 1, packages: 92,
		only: []string{"fsevent 0.2.17", "nix 0.5.1", "log 0.3.9", "xi-rpc 0.2.0", "xi-win 0.1.1", "xi-unicode 0.1.0"},
		want: map[string]string{
			"fsevent 0.2.17":   "[bitflags 0.7.0, fsevent-sys 0.1.6, libc 0.2.40] sum c4bbbf71 from " + crates,
			"nix 0.5.1":        "[bitflags 0.4.0, libc 0.2.40] sum bfb3dded from " + crates,
			"log 0.3.9":        "[log 0.4.1] sum e19e8d5c from " + crates,
			"xi-rpc 0.2.0":     "[crossbeam 0.3.2, serde 1.0.53, serde_derive 1.0.53, serde_json 1.0.17, xi-trace 0.1.0] from git+https://github.com/google/xi-editor#90f90efc3879ba8122ec8d0c30f28b3f51207b58",
			"xi-unicode 0.1.0": "[] from git+https://github.com/google/xi-editor#90f90efc3879ba8122ec8d0c30f28b3f51207b58",
			"xi-win 0.1.1":     "[direct2d 0.1.2, directwrite 0.1.2, serde 1.0.53, serde_json 1.0.17, winapi 0.3.4, xi-core-lib 0.2.0, xi-rpc 0.2.0, xi-win-shell 0.1.0]",
		},
	}, {
		// Format 2: no version field, checksums inline, bare names.
		file: "lock-v2/Cargo.lock", version: 2, packages: 31,
		only: []string{"espresso 0.0.1", "ron 0.5.1", "bzip2-sys 0.1.8+1.0.8"},
		want: map[string]string{
			"espresso 0.0.1":        "[anyhow 1.0.28, bitflags 1.2.1, bytes 0.5.4, ron 0.5.1, serde 1.0.106, thiserror 1.0.15, zip 0.5.5]",
			"ron 0.5.1":             "[base64 0.10.1, bitflags 1.2.1, serde 1.0.106] sum 2ece421e from " + crates,
			"bzip2-sys 0.1.8+1.0.8": "[cc 1.0.50, libc 0.2.69] sum 05305b41 from " + crates,
		},
	}, {
		file: "path-dep-v3/Cargo.lock", version: 3, packages: 6,
		want: map[string]string{
			"digenum 0.1.0":       "[proc-macro2 1.0.47, quote 1.0.21, syn 1.0.103]",
			"proc-macro2 1.0.47":  "[unicode-ident 1.0.5] sum 5ea3d908 from " + crates,
			"quote 1.0.21":        "[proc-macro2 1.0.47] sum bbe448f3 from " + crates,
			"syn 1.0.103":         "[proc-macro2 1.0.47, quote 1.0.21, unicode-ident 1.0.5] sum a8640422 from " + crates,
			"tests 0.1.0":         "[digenum 0.1.0]",
			"unicode-ident 1.0.5": "[] sum 6ceab39d from " + crates,
		},
	}, {
		file: "no-deps-v3/Cargo.lock", version: 3, packages: 1,
		want: map[string]string{"scalar_map 0.1.2": "[]"},
	}, {
		// Format 4: two versions of syn, told apart as "syn 2.0.119".
		file: "workspace-v4/Cargo.lock", version: 4, packages: 46,
		only: []string{"deepclone 0.1.0", "deepclone-derive 0.1.0", "serde_derive 1.0.229", "divan-macros 0.1.21"},
		want: map[string]string{
			"deepclone 0.1.0":        "[deepclone-derive 0.1.0, divan 0.1.21, rustc-hash 2.1.3, trybuild 1.0.119]",
			"deepclone-derive 0.1.0": "[proc-macro2 1.0.107, quote 1.0.47, syn 2.0.119]",
			"serde_derive 1.0.229":   "[proc-macro2 1.0.107, quote 1.0.47, syn 3.0.4] sum e7a5d712 from " + crates,
			"divan-macros 0.1.21":    "[proc-macro2 1.0.107, quote 1.0.47, syn 2.0.119] sum 9556bc80 from " + crates,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			l, err := parseCargoLock(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if l.Version != tt.version {
				t.Errorf("version %d, want %d", l.Version, tt.version)
			}
			if len(l.Packages) != tt.packages {
				t.Errorf("%d packages, want %d", len(l.Packages), tt.packages)
			}
			if len(l.Issues) > 0 {
				t.Errorf("issues: %q", l.Issues)
			}
			if diff := cmp.Diff(tt.want, lockSummary(l, tt.only...)); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCargoLockLenient(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   map[string]string
		issues []string
	}{{
		name: "dependency naming no package",
		in:   "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"b\", \"c 2.0.0\"]\n[[package]]\nname = \"c\"\nversion = \"1.0.0\"\n",
		want: map[string]string{"a 1.0.0": "[]", "c 1.0.0": "[]"},
		issues: []string{
			`dependency "b" of a 1.0.0 names no locked package`,
			`dependency "c 2.0.0" of a 1.0.0 names no locked package`,
		},
	}, {
		name:   "package without a name",
		in:     "version = 3\n[[package]]\nversion = \"1.0.0\"\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
		want:   map[string]string{"a 1.0.0": "[]"},
		issues: []string{`a package entry without a name (version "1.0.0") was skipped`},
	}, {
		name: "one version from two sources",
		in: "version = 3\n" +
			"[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"x 1.0.0 (git+https://example.invalid/x?branch=main#abc)\"]\n" +
			"[[package]]\nname = \"x\"\nversion = \"1.0.0\"\nsource = \"registry+https://example.invalid/index\"\n" +
			"[[package]]\nname = \"x\"\nversion = \"1.0.0\"\nsource = \"git+https://example.invalid/x?branch=main#abc\"\n",
	}, {
		name: "metadata checksum for an unlocked package",
		in:   "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+r\"\n[metadata]\n\"checksum b 1.0.0 (registry+r)\" = \"00\"\n\"checksum a 1.0.0 (registry+r)\" = \"" + strings.Repeat("ab", 32) + "\"\n",
		want: map[string]string{"a 1.0.0": "[] sum abababab from registry+r"},
		issues: []string{
			`[metadata] has a checksum for "b 1.0.0 (registry+r)", which is not locked`,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := parseCargoLock([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got := lockSummary(l)
			if tt.name == "one version from two sources" {
				// Both x entries render under one id; check the edge went
				// to the git one.
				app := l.Packages[0]
				if len(app.Deps) != 1 || l.Packages[app.Deps[0]].Source != "git+https://example.invalid/x?branch=main#abc" {
					t.Errorf("app depends on %v", app.Deps)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.issues, l.Issues); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCargoLockErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		is             error
	}{
		{name: "not TOML", in: "[[package]]\nname = \"a\nversion = \"1\"\n", want: "not valid TOML: line 2"},
		{name: "version not a number", in: "version = \"3\"\n", want: "version is string, not a number"},
		{name: "version zero", in: "version = 0\n", want: "version = 0 is not a Cargo.lock format version"},
		{name: "wrong field type", in: "[[package]]\nname = 1\n", want: "not a valid Cargo TOML file"},
		{name: "empty", in: "", is: errNotLockfile},
		{name: "a Cargo.toml", in: "[package]\nname = \"a\"\n", want: "not a valid Cargo TOML file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCargoLock([]byte(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
			if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSplitPackageID(t *testing.T) {
	tests := []struct{ in, name, version, source string }{
		{"serde", "serde", "", ""},
		{"syn 2.0.119", "syn", "2.0.119", ""},
		{"gcc 0.3.46 (registry+https://example.invalid/index)", "gcc", "0.3.46", "registry+https://example.invalid/index"},
		{"  x  1.0  (git+u#c) ", "x", "1.0", "git+u#c"},
		{"x 1.0 notparenthesised", "x", "1.0", ""},
	}
	for _, tt := range tests {
		n, v, s := splitPackageID(tt.in)
		if n != tt.name || v != tt.version || s != tt.source {
			t.Errorf("splitPackageID(%q) = %q, %q, %q; want %q, %q, %q", tt.in, n, v, s, tt.name, tt.version, tt.source)
		}
	}
}

// lockSeeds adds every Cargo.lock of the fixtures to a fuzz corpus.
func lockSeeds(f *testing.F) {
	paths, err := filepath.Glob("testdata/*/Cargo.lock")
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[root]\nname = \"r\"\ndependencies = [\"a 1 (x)\", \"r\"]\n[[package]]\nname = \"a\"\nversion = \"1\"\nsource = \"x#y\"\n[metadata]\n\"checksum a 1 (x)\" = \"<none>\"\n"))
}

func FuzzParseCargoLock(f *testing.F) {
	lockSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseCargoLock(data)
		if err != nil {
			if l != nil {
				t.Fatal("a lockfile and an error")
			}
			return
		}
		if l.Version < 1 {
			t.Fatalf("version %d", l.Version)
		}
		for _, p := range l.Packages {
			if strings.TrimSpace(p.Name) == "" {
				t.Fatal("package without a name kept")
			}
			seen := map[int]bool{}
			for _, d := range p.Deps {
				if d < 0 || d >= len(l.Packages) {
					t.Fatalf("%s depends on index %d of %d", p.Name, d, len(l.Packages))
				}
				if seen[d] {
					t.Fatalf("%s depends twice on %d", p.Name, d)
				}
				seen[d] = true
			}
		}
	})
}

// TestFastLockAcceptsFixtures checks that the fast reader takes every
// lockfile Cargo wrote among the fixtures, and gives what the TOML
// decoder gives.
func TestFastLockAcceptsFixtures(t *testing.T) {
	paths, err := filepath.Glob("testdata/*/Cargo.lock")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if strings.Contains(p, "broken") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := fastLock(data)
		if !ok {
			t.Errorf("%s: the fast reader gave up", p)
			continue
		}
		var slow rawLock
		if err := toml.Unmarshal(data, &slow); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(slow, fast, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-toml +fast):\n%s", p, diff)
		}
	}
}

func TestFastLockGivesUp(t *testing.T) {
	for _, in := range []string{
		"version = 3\r\n",
		"version = 03\n",
		"version = \"3\"\n",
		"[[package]]\nname = \"a\" # comment\n",
		"[[package]]\nname = \"a\\u0041\"\n",
		"[[package]]\nname = \"a\"\nname = \"b\"\n",
		"[[package]]\nName = \"a\"\n",
		"[[package]]\ndependencies = [\n \"a\"\n]\n",
		"[[package]]\ndependencies = [\n \"a\",\n",
		"[[package]]\ndependencies = [\"a\"]\n",
		"[root]\n[root]\n",
		"[metadata]\nchecksum = \"x\"\n",
		"[metadata]\n\"k\" = \"a\"\n\"k\" = \"b\"\n",
		"[patch]\n",
		"[[package]]\n  name = \"a\"\n",
		"name = \"top\"\n",
		"\xff\n",
	} {
		if _, ok := fastLock([]byte(in)); ok {
			t.Errorf("fastLock(%q) accepted it", in)
		}
	}
}

// FuzzFastLock checks the fast reader against the TOML decoder: whatever
// it accepts, the decoder must read the same way.
func FuzzFastLock(f *testing.F) {
	lockSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := fastLock(data)
		if !ok {
			return
		}
		var slow rawLock
		if err := toml.Unmarshal(data, &slow); err != nil {
			t.Fatalf("the fast reader accepted %q, which the TOML decoder rejects: %v", data, err)
		}
		if diff := cmp.Diff(slow, fast, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%q (-toml +fast):\n%s", data, diff)
		}
	})
}
