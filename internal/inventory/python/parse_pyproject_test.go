package python

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

// depLines renders dependencies as "name[extras]@version scope url".
func depLines(deps []pyDep) []string {
	var out []string
	for _, d := range deps {
		s := d.Name
		if len(d.Extras) > 0 {
			s += "[" + strings.Join(d.Extras, ",") + "]"
		}
		if d.Version != "" {
			s += "@" + d.Version
		}
		s += " " + string(d.Scope)
		if d.URL != "" {
			s += " " + d.URL
		}
		out = append(out, s)
	}
	return out
}

func TestParsePyprojectFixtures(t *testing.T) {
	pp, err := parsePyproject(readFixture(t, "poetry-v1", "pyproject.toml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"invoke prod", "autopep8 dev", "coverage dev", "pylint dev", "pytest dev"}
	if diff := cmp.Diff(want, depLines(pp.Deps)); diff != "" {
		t.Errorf("poetry deps (-want +got):\n%s", diff)
	}
	if pp.Name != "ttt" || pp.Version != "0.1.0" || !pp.Poetry || !pp.Declared {
		t.Errorf("poetry project %+v", pp)
	}

	pp, err = parsePyproject(readFixture(t, "pyproject-only", "pyproject.toml"))
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"blinker prod", "click prod", "importlib-metadata prod", "itsdangerous prod", "jinja2 prod", "markupsafe prod", "werkzeug prod",
		"asgiref optional", "python-dotenv optional",
		"ruff dev", "tox dev", "tox-uv dev",
		"pallets-sphinx-themes dev", "sphinx dev", "sphinx-tabs dev", "sphinxcontrib-log-cabinet dev",
		"sphinx-autobuild dev", "gha-update dev", "pre-commit dev", "pre-commit-uv dev",
		"asgiref dev", "greenlet dev", "pytest dev", "python-dotenv dev",
		"asgiref dev", "cryptography dev", "mypy dev", "pyright dev", "pytest dev", "python-dotenv dev", "types-contextvars dev", "types-dataclasses dev",
	}
	if diff := cmp.Diff(want, depLines(pp.Deps)); diff != "" {
		t.Errorf("PEP 621 deps (-want +got):\n%s", diff)
	}
	if pp.Name != "Flask" || pp.Version != "3.1.1.dev" || pp.Poetry {
		t.Errorf("project %q %q poetry=%v", pp.Name, pp.Version, pp.Poetry)
	}
}

func TestParsePyprojectForms(t *testing.T) {
	in := `
[project]
name = "my_app"
dependencies = ["requests==2.31.0", "lib @ git+https://example.org/lib.git@v1"]

[project.optional-dependencies]
test = ["pytest>=8"]
all = ["my-app[test]", "rich"]

[dependency-groups]
lint = ["ruff"]
dev = [{include-group = "lint"}, "mypy", "My_App[all]"]

[tool.uv]
dev-dependencies = ["coverage"]

[tool.pdm.dev-dependencies]
docs = ["mkdocs"]

[tool.poetry.dependencies]
python = "^3.11"
httpx = {version = "0.27.0", extras = ["http2"]}
sibling = {path = "../sibling", develop = true}
gitdep = {git = "https://github.com/org/gitdep.git", tag = "v2"}
maybe = {version = "^1", optional = true}
multi = [{version = "1.0", python = "<3.12"}, {version = "2.0", python = ">=3.12"}]

[tool.poetry.group.main.dependencies]
attrs = "23.2.0"

[tool.poetry.group.test.dependencies]
hypothesis = "*"
`
	pp, err := parsePyproject([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"requests@2.31.0 prod", "lib prod git+https://example.org/lib.git@v1",
		"pytest optional", "rich optional", "pytest optional",
		"ruff dev", "mypy dev", "pytest dev", "rich dev",
		"ruff dev",
		"coverage dev",
		"mkdocs dev",
		"gitdep prod git+https://github.com/org/gitdep.git@v2", "httpx[http2]@0.27.0 prod", "maybe optional", "multi@2.0 prod",
		"attrs@23.2.0 prod",
		"hypothesis dev",
	}
	if diff := cmp.Diff(want, depLines(pp.Deps)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParsePyprojectToolsOnly(t *testing.T) {
	pp, err := parsePyproject([]byte("[tool.black]\nline-length = 88\n"))
	if err != nil {
		t.Fatal(err)
	}
	if pp.Declared || len(pp.Deps) != 0 {
		t.Errorf("a tool-only pyproject.toml declares %+v", pp)
	}
	if _, err := parsePyproject([]byte("[project\n")); err == nil {
		t.Error("broken TOML accepted")
	}
}

func TestPoetryPinned(t *testing.T) {
	tests := map[string]string{"1.2.3": "1.2.3", "==1.2": "1.2", "^1.2": "", "~1.2": "", "*": "", ">=1,<2": "", "1.*": "", "": ""}
	for in, want := range tests {
		if got := poetryPinned(in); got != want {
			t.Errorf("poetryPinned(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParsePyproject(f *testing.F) {
	f.Add(readFixture(f, "poetry-v1", "pyproject.toml"))
	f.Add(readFixture(f, "pyproject-only", "pyproject.toml"))
	f.Add(readFixture(f, "uv-project", "pyproject.toml"))
	f.Add([]byte("[project]\nname = \"a\"\n[project.optional-dependencies]\nx = [\"a[y]\"]\ny = [\"a[x]\", \"b\"]\n[dependency-groups]\ng = [{include-group = \"g\"}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pp, err := parsePyproject(data)
		if err != nil {
			return
		}
		for _, d := range pp.Deps {
			if d.Name == "" || normalizeName(d.Name) != d.Name {
				t.Fatalf("dependency name %q not normalised", d.Name)
			}
			switch d.Scope {
			case inventory.ScopeProd, inventory.ScopeOptional, inventory.ScopeDev:
			default:
				t.Fatalf("dependency %q with scope %q", d.Name, d.Scope)
			}
		}
	})
}
