package python

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

func TestNormalizeName(t *testing.T) {
	tests := map[string]string{
		"Flask":              "flask",
		"typing_extensions":  "typing-extensions",
		"lazr.restfulclient": "lazr-restfulclient",
		"Foo__Bar--baz..Q":   "foo-bar-baz-q",
		"  PyYAML ":          "pyyaml",
		"-leading_":          "leading",
		"":                   "",
	}
	for in, want := range tests {
		if got := normalizeName(in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPURL(t *testing.T) {
	if got, want := purl("typing-extensions", "4.15.0"), "pkg:pypi/typing-extensions@4.15.0"; got != want {
		t.Errorf("purl = %q, want %q", got, want)
	}
	if got, want := purl("flask", ""), "pkg:pypi/flask"; got != want {
		t.Errorf("purl without version = %q, want %q", got, want)
	}
}

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in   string
		want requirement
		ok   bool
	}{
		{"requests", requirement{Name: "requests"}, true},
		{"Flask>=2.0,<3", requirement{Name: "flask", Specifier: ">=2.0,<3"}, true},
		{"sphinx (!=1.8.0,!=3.1.0,>=1.6.5) ; extra == 'docs'", requirement{Name: "sphinx", Specifier: "!=1.8.0,!=3.1.0,>=1.6.5", Marker: "extra == 'docs'"}, true},
		{"coverage[toml] (>=5.0.2)", requirement{Name: "coverage", Extras: []string{"toml"}, Specifier: ">=5.0.2"}, true},
		{"requests[security, socks]==2.31.0; python_version >= '3.8'", requirement{Name: "requests", Extras: []string{"security", "socks"}, Specifier: "==2.31.0", Marker: "python_version >= '3.8'"}, true},
		{"pip @ https://example.org/pip-23.0-py3-none-any.whl ; python_version > '3'", requirement{Name: "pip", URL: "https://example.org/pip-23.0-py3-none-any.whl", Marker: "python_version > '3'"}, true},
		{"name @ https://example.org/a;b.tar.gz", requirement{Name: "name", URL: "https://example.org/a;b.tar.gz"}, true},
		{"brotli>=1.2.0; (platform_python_implementation == 'CPython') and extra == 'brotli'", requirement{Name: "brotli", Specifier: ">=1.2.0", Marker: "(platform_python_implementation == 'CPython') and extra == 'brotli'"}, true},
		{"", requirement{}, false},
		{"-r other.txt", requirement{}, false},
		{"name[unclosed", requirement{}, false},
		{"name @ ", requirement{}, false},
	}
	for _, tt := range tests {
		got, ok := parseRequirement(tt.in)
		if ok != tt.ok {
			t.Errorf("parseRequirement(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseRequirement(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestMarkerNamesExtra(t *testing.T) {
	tests := map[string]bool{
		`extra == "docs"`: true,
		`python_version < "3.8" and extra == 'test'`:                          true,
		`(platform_python_implementation == 'CPython') and extra == 'brotli'`: true,
		`python_version < "3.8"`:                                              false,
		`sys_platform == "extra"`:                                             false,
		`platform_release == 'extra'`:                                         false,
		``:                                                                    false,
		`extras == "x"`:                                                       false,
		`"unterminated`:                                                       false,
	}
	for m, want := range tests {
		if got := markerNamesExtra(m); got != want {
			t.Errorf("markerNamesExtra(%q) = %v, want %v", m, got, want)
		}
	}
}

func TestPinnedVersion(t *testing.T) {
	tests := map[string]string{
		"==1.2.3":    "1.2.3",
		" == 1.2.3 ": "1.2.3",
		"===1.0-foo": "1.0-foo",
		"==1.*":      "",
		">=1.0":      "",
		"==1.0,!=2":  "",
		"":           "",
		"~=1.4":      "",
	}
	for in, want := range tests {
		if got := pinnedVersion(in); got != want {
			t.Errorf("pinnedVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestArtifactNameVersion(t *testing.T) {
	tests := []struct{ in, name, version string }{
		{"https://files.pythonhosted.org/packages/36/42/flask-3.0.0-py3-none-any.whl", "flask", "3.0.0"},
		{"https://files.pythonhosted.org/packages/0d/cc/werkzeug-3.0.1.tar.gz", "werkzeug", "3.0.1"},
		{"./downloads/numpy-1.9.2-cp34-none-win32.whl", "numpy", "1.9.2"},
		{"https://example.org/python-dateutil-2.8.2.zip#sha256=abc", "python-dateutil", "2.8.2"},
		{"https://github.com/evonove/django-oauth-toolkit/archive/scopes-backend.zip", "", ""},
		{"git+https://github.com/pydantic/pydantic-extra-types.git", "", ""},
		{"bad.whl", "", ""},
	}
	for _, tt := range tests {
		n, v := artifactNameVersion(tt.in)
		if n != tt.name || v != tt.version {
			t.Errorf("artifactNameVersion(%q) = %q %q, want %q %q", tt.in, n, v, tt.name, tt.version)
		}
	}
}

func TestHashOf(t *testing.T) {
	tests := []struct {
		in   string
		want inventory.Hash
		ok   bool
	}{
		{"sha256:abc", inventory.Hash{Algorithm: "SHA-256", Value: "abc"}, true},
		{"SHA512:def", inventory.Hash{Algorithm: "SHA-512", Value: "def"}, true},
		{"md5:0f", inventory.Hash{Algorithm: "MD5", Value: "0f"}, true},
		{"sha256:", inventory.Hash{}, false},
		{"blake2:ab", inventory.Hash{}, false},
		{"nocolon", inventory.Hash{}, false},
	}
	for _, tt := range tests {
		got, ok := hashOf(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("hashOf(%q) = %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
