package python

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

func TestParseRequirements(t *testing.T) {
	h := func(v string) inventory.Hash { return inventory.Hash{Algorithm: "SHA-256", Value: v} }
	tests := []struct {
		name string
		in   string
		want *reqFile
	}{
		{
			name: "pinned, unpinned, extras, markers",
			in:   "requests==2.31.0\nflask>=2\ncoverage[toml]==7.4.0 ; python_version >= '3.8'\nDjango == 4.2.1\n",
			want: &reqFile{Entries: []*reqEntry{
				{Name: "requests", Version: "2.31.0", Specifier: "==2.31.0", Line: 1},
				{Name: "flask", Specifier: ">=2", Line: 2},
				{Name: "coverage", Version: "7.4.0", Specifier: "==7.4.0", Extras: []string{"toml"}, Line: 3},
				{Name: "django", Version: "4.2.1", Specifier: "== 4.2.1", Line: 4},
			}},
		},
		{
			name: "hashes across continuation lines, then the via comment",
			in:   "uv==0.6.14 \\\n    --hash=sha256:aa \\\n    --hash sha256:bb\n    # via -r uv-requirements.in\n",
			want: &reqFile{Annotated: true, Entries: []*reqEntry{
				{Name: "uv", Version: "0.6.14", Specifier: "==0.6.14", Hashes: []inventory.Hash{h("aa"), h("bb")}, Via: []string{""}, Line: 1},
			}},
		},
		{
			name: "multi-line via",
			in:   "markupsafe==2.1.3\n    # via\n    #   jinja2\n    #   werkzeug\n# a comment about nothing\n    #   not-a-parent\n",
			want: &reqFile{Annotated: true, Entries: []*reqEntry{
				{Name: "markupsafe", Version: "2.1.3", Specifier: "==2.1.3", Via: []string{"jinja2", "werkzeug"}, Line: 1},
			}},
		},
		{
			name: "inline via with input file and constraint",
			in:   "packaging==20.4           # via -r requirements/docs.in, pallets-sphinx-themes, -c constraints.txt\nsix==1.15.0  # just a comment\n",
			want: &reqFile{Annotated: true, Entries: []*reqEntry{
				{Name: "packaging", Version: "20.4", Specifier: "==20.4", Via: []string{"", "pallets-sphinx-themes"}, Line: 1},
				{Name: "six", Version: "1.15.0", Specifier: "==1.15.0", Line: 2},
			}},
		},
		{
			name: "via the project's own manifest",
			in:   "anyio==4.0.0\n    # via my-app (pyproject.toml)\n",
			want: &reqFile{Annotated: true, Entries: []*reqEntry{
				{Name: "anyio", Version: "4.0.0", Specifier: "==4.0.0", Via: []string{""}, Line: 1},
			}},
		},
		{
			name: "includes and options",
			in:   "-r base.txt\n--requirement=dev.txt\n-rdocs.txt\n-c constraints.txt\n--constraint other.txt\n-i https://example.org/simple\n--extra-index-url https://x.example\n--require-hashes\n--pre\n",
			want: &reqFile{Includes: []reqInclude{
				{Path: "base.txt", Line: 1}, {Path: "dev.txt", Line: 2}, {Path: "docs.txt", Line: 3},
				{Path: "constraints.txt", Constraint: true, Line: 4}, {Path: "other.txt", Constraint: true, Line: 5},
			}},
		},
		{
			name: "direct references and editables",
			in: "flask @ https://files.example/flask-3.0.0-py3-none-any.whl\n" +
				"pydantic-extra-types @ git+https://github.com/pydantic/pydantic-extra-types.git@5ebc5bb\n" +
				"https://files.example/werkzeug-3.0.1.tar.gz\n" +
				"git+https://github.com/org/repo.git@v1#egg=Repo_Name\n" +
				"-e git+https://github.com/pallets/click.git@8.1.7#egg=click\n" +
				"-e .\n" +
				"./vendor/local-pkg\n" +
				"https://github.com/org/archive/main.zip\n",
			want: &reqFile{
				Entries: []*reqEntry{
					{Name: "flask", Version: "3.0.0", URL: "https://files.example/flask-3.0.0-py3-none-any.whl", Line: 1},
					{Name: "pydantic-extra-types", URL: "git+https://github.com/pydantic/pydantic-extra-types.git@5ebc5bb", Line: 2},
					{Name: "werkzeug", Version: "3.0.1", URL: "https://files.example/werkzeug-3.0.1.tar.gz", Line: 3},
					{Name: "repo-name", URL: "git+https://github.com/org/repo.git@v1#egg=Repo_Name", Line: 4},
					{Name: "click", URL: "git+https://github.com/pallets/click.git@8.1.7#egg=click", Line: 5},
				},
				Skipped: []string{"-e .", "./vendor/local-pkg", "https://github.com/org/archive/main.zip"},
			},
		},
		{
			name: "crlf, bom, blank lines, comment with hash in URL fragment",
			in:   "\xef\xbb\xbfa==1\r\n\r\n# comment\r\nb @ https://x.example/b-2.0.tar.gz#sha256=00\r\n",
			want: &reqFile{Entries: []*reqEntry{
				{Name: "a", Version: "1", Specifier: "==1", Line: 1},
				{Name: "b", Version: "2.0", URL: "https://x.example/b-2.0.tar.gz#sha256=00", Line: 4},
			}},
		},
		{
			name: "wildcards and ranges are not pins",
			in:   "a==1.*\nb~=1.4\nc===1.0+local\n",
			want: &reqFile{Entries: []*reqEntry{
				{Name: "a", Specifier: "==1.*", Line: 1},
				{Name: "b", Specifier: "~=1.4", Line: 2},
				{Name: "c", Version: "1.0+local", Specifier: "===1.0+local", Line: 3},
			}},
		},
		{
			name: "a line that names nothing",
			in:   "!!!\n",
			want: &reqFile{Skipped: []string{"!!!"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRequirements([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRequirementsFixtures(t *testing.T) {
	rf, err := parseRequirements(readFixture(t, "requirements-compiled", "requirements", "dev.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rf.Entries) != 49 || !rf.Annotated {
		t.Errorf("%d entries (annotated %v), want 49 annotated", len(rf.Entries), rf.Annotated)
	}
	var direct []string
	for _, e := range rf.Entries {
		for _, v := range e.Via {
			if v == "" {
				direct = append(direct, e.Name)
			}
		}
	}
	want := []string{"blinker", "greenlet", "packaging", "pallets-sphinx-themes", "pip-tools", "pre-commit", "pytest", "python-dotenv", "sphinx-issues", "sphinx", "sphinxcontrib-log-cabinet", "tox"}
	if diff := cmp.Diff(want, direct); diff != "" {
		t.Errorf("entries via an input file (-want +got):\n%s", diff)
	}
	if _, err := parseRequirements([]byte("a==1\n\x00")); err != errBinaryRequirements {
		t.Errorf("binary content: err = %v", err)
	}
}

func TestRequirementsScope(t *testing.T) {
	tests := map[string]inventory.Scope{
		"requirements.txt":            inventory.ScopeProd,
		"requirements-dev.txt":        inventory.ScopeDev,
		"dev-requirements.txt":        inventory.ScopeDev,
		"requirements_test.txt":       inventory.ScopeDev,
		"requirements/base.txt":       inventory.ScopeProd,
		"requirements/tests.txt":      inventory.ScopeDev,
		"requirements/docs.txt":       inventory.ScopeDev,
		"requirements/production.txt": inventory.ScopeProd,
		"requirements.devices.txt":    inventory.ScopeProd,
	}
	for in, want := range tests {
		if got := requirementsScope(in); got != want {
			t.Errorf("requirementsScope(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseRequirements(f *testing.F) {
	for _, p := range [][]string{
		{"requirements-compiled", "requirements", "dev.txt"},
		{"requirements-compiled", "requirements", "tests.txt"},
		{"requirements-hashes", "uv-requirements.txt"},
		{"requirements-direct-refs", "requirements.txt"},
		{"requirements-includes", "requirements.txt"},
		{"requirements-includes", "requirements-dev.txt"},
		{"venv-project", "requirements.txt"},
	} {
		f.Add(readFixture(f, p...))
	}
	f.Add([]byte("a \\\n\\\n# via\n#  b\n-e\n-r\n--hash\nx @ ;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rf, err := parseRequirements(data)
		if err != nil {
			if bytes.IndexByte(data, 0) < 0 {
				t.Fatalf("rejected text without NUL: %v", err)
			}
			return
		}
		for _, e := range rf.Entries {
			if e.Name == "" || normalizeName(e.Name) != e.Name {
				t.Fatalf("entry name %q not normalised", e.Name)
			}
			if e.Line < 1 {
				t.Fatalf("entry %q at line %d", e.Name, e.Line)
			}
			for _, h := range e.Hashes {
				if h.Value == "" {
					t.Fatalf("empty hash on %q", e.Name)
				}
			}
		}
		for _, inc := range rf.Includes {
			if inc.Path == "" {
				t.Fatal("include without a path")
			}
		}
	})
}
