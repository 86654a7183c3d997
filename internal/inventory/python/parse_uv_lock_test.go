package python

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

// allowDeps lets cmp look into the dependency types, which embed an
// unexported one.
var allowDeps = cmp.AllowUnexported(rootDep{}, pyDep{})

func TestParseUVLock(t *testing.T) {
	tests := []struct {
		fixture       string
		name, version string
		roots         []rootDep
		pkgs          []string
	}{
		{
			// The editable project at "." is the root, with a dev group.
			fixture: "uv-project", name: "built-by-uv", version: "0.1.0",
			roots: []rootDep{{lockDep{Name: "anyio"}, inventory.ScopeProd}, {lockDep{Name: "pytest"}, inventory.ScopeDev}},
			pkgs:  []string{"anyio@4.6.2.post1", "colorama@0.4.6", "idna@3.10", "iniconfig@2.0.0", "packaging@24.2", "pluggy@1.5.0", "pytest@8.3.3", "sniffio@1.3.1"},
		},
		{
			// A workspace member away from ".", named in [manifest].
			fixture: "uv-workspace", name: "project", version: "0.1.0",
			roots: []rootDep{
				{lockDep{Name: "anyio"}, inventory.ScopeProd},
				{lockDep{Name: "idna", Version: "1.0"}, inventory.ScopeOptional},
				{lockDep{Name: "idna", Version: "2.0"}, inventory.ScopeOptional},
			},
			pkgs: []string{"anyio@1.3.1", "async-generator@1.10", "idna@1.0", "idna@2.0", "sniffio@1.3.1"},
		},
		{
			// Forked resolution: two versions of a name, told apart by
			// the version each dependency names.
			fixture: "uv-forks", name: "project", version: "0.1.0",
			roots: []rootDep{
				{lockDep{Name: "anyio", Version: "1.3.1"}, inventory.ScopeProd},
				{lockDep{Name: "anyio", Version: "4.8.0"}, inventory.ScopeProd},
				{lockDep{Name: "idna", Version: "1.0"}, inventory.ScopeOptional},
				{lockDep{Name: "idna", Version: "1.0"}, inventory.ScopeOptional},
			},
			pkgs: []string{"anyio@1.3.1", "anyio@4.8.0", "async-generator@1.10", "idna@1.0", "idna@3.10", "sniffio@1.3.1", "typing-extensions@4.12.2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			lock, err := parseUVLock(readFixture(t, tt.fixture, "uv.lock"))
			if err != nil {
				t.Fatal(err)
			}
			if lock.Name != tt.name || lock.Version != tt.version || !lock.HaveRoots {
				t.Errorf("project %q %q (roots %v), want %q %q", lock.Name, lock.Version, lock.HaveRoots, tt.name, tt.version)
			}
			if diff := cmp.Diff(tt.roots, lock.Roots, cmpopts.EquateEmpty(), allowDeps); diff != "" {
				t.Errorf("roots (-want +got):\n%s", diff)
			}
			var refs []string
			for _, p := range lock.Pkgs {
				refs = append(refs, p.Name+"@"+p.Version)
			}
			if diff := cmp.Diff(tt.pkgs, refs); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseUVLockSources(t *testing.T) {
	in := `
version = 1
requires-python = ">=3.11"

[manifest]
members = ["app", "lib"]

[[package]]
name = "app"
version = "1.0.0"
source = { editable = "." }
dependencies = [{ name = "lib" }, { name = "httpx", extra = ["http2"] }]

[[package]]
name = "lib"
version = "0.1.0"
source = { editable = "packages/lib" }
dependencies = [{ name = "attrs" }]

[package.dev-dependencies]
test = [{ name = "pytest" }]

[[package]]
name = "httpx"
version = "0.27.0"
source = { git = "https://github.com/encode/httpx?rev=0.27.0#326b9431c761e1ef1e00b9f760d1f654c8db48c6" }

[package.optional-dependencies]
http2 = [{ name = "h2" }]

[[package]]
name = "h2"
version = "4.1.0"
source = { url = "https://example.org/h2-4.1.0-py3-none-any.whl" }
wheels = [{ url = "https://example.org/h2-4.1.0-py3-none-any.whl", hash = "sha256:03a46bcf682256c95b5fd9e9a99c1323584c3eec6440d379b9903d709476bc6d" }]

[[package]]
name = "attrs"
version = "23.2.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.example/attrs-23.2.0-py3-none-any.whl", hash = "sha256:99b87a485a5820b23b879f04c2305b44b951b502fd64be915879d77a7e8fc6f1" }]

[[package]]
name = "pytest"
version = "8.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "local-helper"
version = "0.0.1"
source = { directory = "../helper" }
`
	lock, err := parseUVLock([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	// The member lib is no component: its needs are the project's, dev
	// group included.
	wantRoots := []rootDep{
		{lockDep{Name: "attrs"}, inventory.ScopeProd},
		{lockDep{Name: "pytest"}, inventory.ScopeDev},
		{lockDep{Name: "httpx", Extras: []string{"http2"}}, inventory.ScopeProd},
	}
	if diff := cmp.Diff(wantRoots, lock.Roots, allowDeps); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
	want := []*lockPkg{
		{Name: "httpx", Version: "0.27.0", Extras: map[string][]lockDep{"http2": {{Name: "h2"}}},
			Resolved: "git+https://github.com/encode/httpx?rev=0.27.0#326b9431c761e1ef1e00b9f760d1f654c8db48c6"},
		{Name: "h2", Version: "4.1.0", Resolved: "https://example.org/h2-4.1.0-py3-none-any.whl",
			Hashes: []inventory.Hash{{Algorithm: "SHA-256", Value: "03a46bcf682256c95b5fd9e9a99c1323584c3eec6440d379b9903d709476bc6d"}}},
		{Name: "attrs", Version: "23.2.0", Resolved: "https://files.example/attrs-23.2.0-py3-none-any.whl",
			Hashes: []inventory.Hash{{Algorithm: "SHA-256", Value: "99b87a485a5820b23b879f04c2305b44b951b502fd64be915879d77a7e8fc6f1"}}},
		{Name: "pytest", Version: "8.0.0"},
		{Name: "local-helper", Version: "0.0.1"},
	}
	if diff := cmp.Diff(want, lock.Pkgs, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if lock.Name != "app" {
		t.Errorf("name %q, want app", lock.Name)
	}
}

func TestParseUVLockErrors(t *testing.T) {
	for _, in := range []string{"version = ", "[[package]]\nversion = \"1\"\n", "package = 3\n"} {
		if _, err := parseUVLock([]byte(in)); err == nil {
			t.Errorf("parseUVLock(%q) succeeded", in)
		}
	}
}

func FuzzParseUVLock(f *testing.F) {
	for _, dir := range []string{"uv-project", "uv-workspace", "uv-forks"} {
		f.Add(readFixture(f, dir, "uv.lock"))
	}
	f.Add([]byte("[manifest]\nmembers = [\"a\", \"b\"]\n[[package]]\nname = \"a\"\nsource = { virtual = \"x\" }\ndependencies = [{ name = \"b\" }]\n[[package]]\nname = \"b\"\nsource = { editable = \"y\" }\ndependencies = [{ name = \"a\" }]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lock, err := parseUVLock(data)
		if err != nil {
			return
		}
		checkLockPkgs(t, lock.Pkgs)
		for _, r := range lock.Roots {
			if r.Scope == "" {
				t.Fatalf("root %q without a scope", r.Name)
			}
		}
		g := newGraphBuilder(&inventory.Project{})
		addLock(g, lock.Pkgs, lock.Roots, lock.HaveRoots, "uv.lock")
		g.finish()
		checkProjectGraph(t, g.p)
	})
}
