package python

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

func readFixture(t testing.TB, parts ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func pkgByName(pkgs []*lockPkg, name string) *lockPkg {
	for _, p := range pkgs {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func TestParsePoetryLockV1(t *testing.T) {
	pkgs, err := parsePoetryLock(readFixture(t, "poetry-v1", "poetry.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 24 {
		t.Errorf("%d packages, want 24", len(pkgs))
	}
	// Lock format 1.1: the category gives the scope, [metadata.files]
	// the hashes.
	want := &lockPkg{Name: "invoke", Version: "1.6.0", Hashes: []inventory.Hash{
		{Algorithm: "SHA-256", Value: "e6c9917a1e3e73e7ea91fdf82d5f151ccfe85bf30cc65cdb892444c02dbb5f74"},
		{Algorithm: "SHA-256", Value: "769e90caeb1bd07d484821732f931f1ad8916a38e3f3e618644687fc09cb6317"},
		{Algorithm: "SHA-256", Value: "374d1e2ecf78981da94bfaf95366216aaec27c2d6a7b7d5818d92da55aa258d3"},
	}}
	if diff := cmp.Diff(want, pkgByName(pkgs, "invoke")); diff != "" {
		t.Errorf("invoke (-want +got):\n%s", diff)
	}
	pytest := pkgByName(pkgs, "pytest")
	if pytest.Scope != inventory.ScopeDev {
		t.Errorf("pytest scope %q, want dev", pytest.Scope)
	}
	var deps []string
	for _, d := range pytest.Deps {
		deps = append(deps, d.Name)
	}
	wantDeps := []string{"atomicwrites", "attrs", "colorama", "importlib-metadata", "iniconfig", "packaging", "pluggy", "py", "toml"}
	if diff := cmp.Diff(wantDeps, deps); diff != "" {
		t.Errorf("pytest deps (-want +got):\n%s", diff)
	}
	// Extras keep their requirements, names and extras normalised.
	attrs := pkgByName(pkgs, "attrs")
	if diff := cmp.Diff(lockDep{Name: "coverage", Extras: []string{"toml"}}, attrs.Extras["tests-no-zope"][0]); diff != "" {
		t.Errorf("attrs[tests_no_zope] (-want +got):\n%s", diff)
	}
}

func TestParsePoetryLockV2(t *testing.T) {
	pkgs, err := parsePoetryLock(readFixture(t, "poetry-v2", "poetry.lock"))
	if err != nil {
		t.Fatal(err)
	}
	black := pkgByName(pkgs, "black")
	if black == nil || black.Version != "23.12.1" || black.Scope != "" || len(black.Hashes) != 2 {
		t.Fatalf("black: %+v", black)
	}
	var deps []string
	for _, d := range black.Deps {
		deps = append(deps, d.Name)
	}
	want := []string{"click", "mypy-extensions", "packaging", "pathspec", "platformdirs", "tomli", "typing-extensions"}
	if diff := cmp.Diff(want, deps); diff != "" {
		t.Errorf("black deps (-want +got):\n%s", diff)
	}
	if got := len(black.Extras["d"]); got != 2 {
		t.Errorf("black[d] has %d requirements, want 2", got)
	}
}

func TestParsePoetryLockForms(t *testing.T) {
	// Lock format 2.1 (groups instead of category) and the dependency
	// forms Poetry writes: a table, a list of tables per environment, an
	// optional dependency reached through an extra.
	in := `
[[package]]
name = "Requests"
version = "2.31.0"
optional = false
python-versions = ">=3.7"
groups = ["main"]
files = [{file = "requests-2.31.0.tar.gz", hash = "sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1"}]

[package.dependencies]
certifi = ">=2017.4.17"
PySocks = {version = ">=1.5.6,!=1.5.7", optional = true}
urllib3 = [
    {version = ">=1.21.1,<2", markers = "python_version < \"3.10\""},
    {version = ">=1.21.1,<3", markers = "python_version >= \"3.10\"", extras = ["socks"]},
]

[package.extras]
socks = ["PySocks (>=1.5.6,!=1.5.7)"]

[[package]]
name = "pytest"
version = "8.0.0"
optional = false
python-versions = ">=3.8"
groups = ["dev", "test"]
files = []

[[package]]
name = "pysocks"
version = "1.7.1"
optional = true
python-versions = "*"
groups = ["main"]
files = []

[[package]]
name = "mylib"
version = "0.3.0"
optional = false
python-versions = "*"
groups = ["main"]
files = []

[package.source]
type = "git"
url = "https://github.com/example/mylib.git"
reference = "main"
resolved_reference = "0123abcd"

[[package]]
name = "wheelpkg"
version = "1.0"
optional = false
python-versions = "*"
files = []

[package.source]
type = "url"
url = "https://example.org/wheelpkg-1.0-py3-none-any.whl"

[metadata]
lock-version = "2.1"
`
	pkgs, err := parsePoetryLock([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []*lockPkg{
		{Name: "requests", Version: "2.31.0",
			Deps:   []lockDep{{Name: "certifi"}, {Name: "urllib3", Extras: []string{"socks"}}},
			Extras: map[string][]lockDep{"socks": {{Name: "pysocks"}}},
			Hashes: []inventory.Hash{{Algorithm: "SHA-256", Value: "942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1"}}},
		{Name: "pytest", Version: "8.0.0", Scope: inventory.ScopeDev},
		{Name: "pysocks", Version: "1.7.1", Scope: inventory.ScopeOptional},
		{Name: "mylib", Version: "0.3.0", Resolved: "git+https://github.com/example/mylib.git@0123abcd"},
		{Name: "wheelpkg", Version: "1.0", Resolved: "https://example.org/wheelpkg-1.0-py3-none-any.whl"},
	}
	if diff := cmp.Diff(want, pkgs, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParsePoetryLockErrors(t *testing.T) {
	for _, in := range []string{
		"not toml [",
		"[[package]]\nversion = \"1\"\n",
		"[[package]]\nname = 1\n",
		"package = \"x\"\n",
	} {
		if _, err := parsePoetryLock([]byte(in)); err == nil {
			t.Errorf("parsePoetryLock(%q) succeeded", in)
		}
	}
}

// checkLockPkgs asserts what every lockfile parser promises: names
// normalised and present, and dependencies named.
func checkLockPkgs(t *testing.T, pkgs []*lockPkg) {
	t.Helper()
	for _, p := range pkgs {
		if p.Name == "" || normalizeName(p.Name) != p.Name {
			t.Fatalf("package name %q not normalised", p.Name)
		}
		for _, d := range p.Deps {
			if normalizeName(d.Name) != d.Name {
				t.Fatalf("%s: dependency %q not normalised", p.Name, d.Name)
			}
		}
		for _, h := range p.Hashes {
			if h.Algorithm == "" || h.Value == "" {
				t.Fatalf("%s: empty hash %+v", p.Name, h)
			}
		}
	}
}

func FuzzParsePoetryLock(f *testing.F) {
	f.Add(readFixture(f, "poetry-v1", "poetry.lock"))
	f.Add(readFixture(f, "poetry-v2", "poetry.lock"))
	f.Add([]byte("[[package]]\nname = \"a\"\nversion = \"1\"\ngroups = [\"dev\"]\n[package.dependencies]\nb = [{version = \"1\", optional = true}, \"2\"]\n[package.extras]\nx = [\"b[y] (>=1)\", 3]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := parsePoetryLock(data)
		if err != nil {
			return
		}
		checkLockPkgs(t, pkgs)
		g := newGraphBuilder(&inventory.Project{})
		addLock(g, pkgs, nil, false, "poetry.lock")
		g.finish()
		checkProjectGraph(t, g.p)
	})
}

// checkProjectGraph asserts that every edge of a built project joins
// components of the project, and that every component has a scope.
func checkProjectGraph(t *testing.T, p *inventory.Project) {
	t.Helper()
	keys := map[string]bool{}
	for _, c := range p.Components {
		keys[c.Key()] = true
		if c.Scope == "" {
			t.Fatalf("%s has no scope", c.Key())
		}
	}
	for from, tos := range p.Edges {
		if from != inventory.RootKey && !keys[from] {
			t.Fatalf("edge from %q, not a component", from)
		}
		for _, to := range tos {
			if !keys[to] {
				t.Fatalf("edge %q -> %q, not a component", from, to)
			}
		}
	}
}
