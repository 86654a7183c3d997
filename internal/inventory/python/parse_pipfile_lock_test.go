package python

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

func TestParsePipfileLockFixtures(t *testing.T) {
	lock, err := parsePipfileLock(readFixture(t, "pipenv-lock-only", "Pipfile.lock"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range lock.Pkgs {
		got = append(got, p.Name+"@"+p.Version+" "+string(p.Scope))
	}
	want := []string{
		"arrow@1.2.2 prod", "click@8.1.3 prod", "cookiecutter@2.1.1 prod", "detox@0.13 prod",
		"mock@2.0.0 dev", "pbr@5.9.0 dev", "pytest@7.1.2 dev", "pytest-cov@2.6.0 dev", "six@1.16.0 dev",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	// Only the packages the Pipfile listed carry an index.
	wantIndexed := []rootDep{
		{lockDep{Name: "cookiecutter"}, inventory.ScopeProd},
		{lockDep{Name: "detox"}, inventory.ScopeProd},
		{lockDep{Name: "mock"}, inventory.ScopeDev},
		{lockDep{Name: "pytest-cov"}, inventory.ScopeDev},
	}
	if diff := cmp.Diff(wantIndexed, lock.Indexed, allowDeps, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("indexed (-want +got):\n%s", diff)
	}
	if n := len(pkgByName(lock.Pkgs, "arrow").Hashes); n != 2 {
		t.Errorf("arrow has %d hashes, want 2", n)
	}

	roots, err := parsePipfile(readFixture(t, "pipenv", "Pipfile"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]rootDep{{lockDep{Name: "djangorestframework"}, inventory.ScopeProd}}, roots, allowDeps); diff != "" {
		t.Errorf("Pipfile roots (-want +got):\n%s", diff)
	}
}

func TestParsePipfileLockForms(t *testing.T) {
	in := `{
  "_meta": {"pipfile-spec": 6},
  "default": {
    "Django": {"version": "==4.2.1", "hashes": ["sha256:ad33ed68db9398f5dfb33282704925bce044bef4261cd4fb59e4e7f9ae505a78"], "index": "pypi", "extras": ["argon2"]},
    "mylib": {"git": "https://github.com/example/mylib.git", "ref": "0123abcd", "editable": true},
    "local": {"path": ".", "editable": true},
    "six": {"version": "==1.16.0"}
  },
  "develop": {"six": {"version": "==1.16.0"}},
  "docs": {"sphinx": {"version": "==7.0.0"}}
}`
	lock, err := parsePipfileLock([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []*lockPkg{
		{Name: "django", Version: "4.2.1", Scope: inventory.ScopeProd, Hashes: []inventory.Hash{{Algorithm: "SHA-256", Value: "ad33ed68db9398f5dfb33282704925bce044bef4261cd4fb59e4e7f9ae505a78"}}},
		{Name: "mylib", Scope: inventory.ScopeProd, Resolved: "git+https://github.com/example/mylib.git@0123abcd"},
		{Name: "six", Version: "1.16.0", Scope: inventory.ScopeProd},
		{Name: "six", Version: "1.16.0", Scope: inventory.ScopeDev},
		{Name: "sphinx", Version: "7.0.0", Scope: inventory.ScopeDev},
	}
	if diff := cmp.Diff(want, lock.Pkgs, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]rootDep{{lockDep{Name: "django", Extras: []string{"argon2"}}, inventory.ScopeProd}}, lock.Indexed, allowDeps); diff != "" {
		t.Errorf("indexed (-want +got):\n%s", diff)
	}
	// The package in both sections is one component, and production wins.
	g := newGraphBuilder(&inventory.Project{})
	addLock(g, lock.Pkgs, nil, false, "Pipfile.lock")
	g.finish()
	for _, c := range g.p.Components {
		if c.Name == "six" && c.Scope != inventory.ScopeProd {
			t.Errorf("six scope %q, want prod", c.Scope)
		}
	}
	if n := len(g.p.Components); n != 4 {
		t.Errorf("%d components, want 4", n)
	}
}

func TestParsePipfileLockErrors(t *testing.T) {
	for _, in := range []string{"", "[]", "null", `{"other": {}}`, `{"default": {"a": {"version": 1}}}`, `{"_meta": {}, "develop": []}`} {
		if _, err := parsePipfileLock([]byte(in)); err == nil {
			t.Errorf("parsePipfileLock(%q) succeeded", in)
		}
	}
	if _, err := parsePipfile([]byte("[packages\n")); err == nil {
		t.Error("parsePipfile of broken TOML succeeded")
	}
}

func FuzzParsePipfileLock(f *testing.F) {
	f.Add(readFixture(f, "pipenv", "Pipfile.lock"))
	f.Add(readFixture(f, "pipenv-lock-only", "Pipfile.lock"))
	f.Add([]byte(`{"default": {"a": {"git": "g", "ref": "r", "file": "https://x/y.whl", "extras": ["b"]}}, "x": {}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lock, err := parsePipfileLock(data)
		if err != nil {
			return
		}
		var obj map[string]any
		if json.Unmarshal(data, &obj) != nil {
			t.Fatalf("accepted %q, which is not a JSON object", data)
		}
		checkLockPkgs(t, lock.Pkgs)
		g := newGraphBuilder(&inventory.Project{})
		addLock(g, lock.Pkgs, lock.Indexed, len(lock.Indexed) > 0, "Pipfile.lock")
		g.finish()
		checkProjectGraph(t, g.p)
	})
}
