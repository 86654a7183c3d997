package npm

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseManifest(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		withDev bool
		want    manifest
	}{
		{
			name: "license string, author string with mail and url",
			in:   `{"name": "a", "version": "1.0.0", "license": "MIT", "author": "Jane Doe <jane@example.org> (https://example.org)"}`,
			want: manifest{Name: "a", Version: "1.0.0", Licenses: []string{"MIT"}, Supplier: "Jane Doe"},
		},
		{
			name: "license object",
			in:   `{"name": "a", "version": "1", "license": {"type": "MIT", "url": "https://example.org/LICENSE"}}`,
			want: manifest{Name: "a", Version: "1", Licenses: []string{"MIT"}},
		},
		{
			name: "licenses list of objects",
			in:   `{"name": "a", "version": "1", "licenses": [{"type": "MIT"}, {"type": "Apache-2.0", "url": "x"}]}`,
			want: manifest{Name: "a", Version: "1", Licenses: []string{"MIT", "Apache-2.0"}},
		},
		{
			name: "license list of strings and licenses object",
			in:   `{"name": "a", "version": "1", "license": ["MIT", "ISC"], "licenses": {"type": "BSD-3-Clause"}}`,
			want: manifest{Name: "a", Version: "1", Licenses: []string{"MIT", "ISC", "BSD-3-Clause"}},
		},
		{
			name: "odd license values are dropped",
			in:   `{"name": "a", "version": "1", "license": [1, null, [], {"url": "x"}, "MIT", "MIT"], "licenses": ""}`,
			want: manifest{Name: "a", Version: "1", Licenses: []string{"MIT"}},
		},
		{
			name: "author object; maintainers only when no author",
			in:   `{"name": "a", "version": "1", "author": {"name": "Jane", "email": "j@example.org"}, "maintainers": ["Max <m@example.org>"]}`,
			want: manifest{Name: "a", Version: "1", Supplier: "Jane"},
		},
		{
			name: "maintainers of strings and objects",
			in:   `{"name": "a", "version": "1", "maintainers": [{"email": "x@example.org"}, {"name": "Max"}]}`,
			want: manifest{Name: "a", Version: "1", Supplier: "Max"},
		},
		{
			name: "homepage, repository object, funding forms",
			in: `{"name": "a", "version": "1", "homepage": "https://example.org", "repository": {"type": "git", "url": "git+https://github.com/o/r.git"},
				"funding": [{"type": "github", "url": "https://github.com/sponsors/o"}, "https://example.org/fund", {"type": "x"}]}`,
			want: manifest{
				Name: "a", Version: "1", Homepage: "https://example.org", Repository: "https://github.com/o/r",
				Funding: []string{"https://github.com/sponsors/o", "https://example.org/fund"},
			},
		},
		{
			name: "funding object and repository shorthand",
			in:   `{"name": "a", "version": "1", "repository": "o/r", "funding": {"type": "opencollective", "url": "https://opencollective.com/r"}}`,
			want: manifest{Name: "a", Version: "1", Repository: "https://github.com/o/r", Funding: []string{"https://opencollective.com/r"}},
		},
		{
			name: "npm 6 install fields",
			in:   `{"_integrity": "sha512-AAAA", "_resolved": "https://example.org/a-1.tgz", "name": "a", "version": "1", "bundleDependencies": false}`,
			want: manifest{Name: "a", Version: "1", Integrity: "sha512-AAAA", Resolved: "https://example.org/a-1.tgz"},
		},
		{
			// npm reads peer, then regular, then optional dependencies,
			// each overriding the one before.
			name: "dependency kinds, without ranges for an installed package",
			in: `{"name": "a", "version": "1", "dependencies": {"b": "^1", "c": "^1"}, "optionalDependencies": {"c": "^1", "d": "^1"},
				"peerDependencies": {"b": "^1", "e": "^1"}, "devDependencies": {"f": "^1"}}`,
			want: manifest{Name: "a", Version: "1", Deps: []dep{
				{"b", "", kindProd}, {"c", "", kindOptional}, {"d", "", kindOptional}, {"e", "", kindPeer},
			}},
		},
		{
			name:    "devDependencies of a project",
			in:      `{"name": "a", "dependencies": {"b": "1"}, "devDependencies": {"b": "1", "c": "2"}}`,
			withDev: true,
			want:    manifest{Name: "a", Deps: []dep{{"b", "1", kindProd}, {"c", "2", kindDev}}},
		},
		{
			name: "ancient dependency list",
			in:   `{"name": "a", "version": "1", "dependencies": ["b", 3]}`,
			want: manifest{Name: "a", Version: "1", Deps: []dep{{"b", "", kindProd}}},
		},
		{
			name: "bundleDependencies true bundles the dependencies",
			in:   `{"name": "a", "version": "1", "dependencies": {"c": "1", "b": "1"}, "peerDependencies": {"p": "1"}, "bundleDependencies": true}`,
			want: manifest{Name: "a", Version: "1", Deps: []dep{{"b", "", kindProd}, {"c", "", kindProd}, {"p", "", kindPeer}}, Bundled: []string{"b", "c"}},
		},
		{
			name: "bundledDependencies spelling",
			in:   `{"name": "a", "version": "1", "bundledDependencies": ["x", "x", 2]}`,
			want: manifest{Name: "a", Version: "1", Bundled: []string{"x"}},
		},
		{
			name: "workspaces list and object",
			in:   `{"name": "a", "workspaces": {"packages": ["packages/*", 3], "nohoist": ["**/x"]}}`,
			want: manifest{Name: "a", Workspaces: []string{"packages/*"}},
		},
		{
			name:    "escaped strings, BOM, duplicate key, case of keys",
			in:      "\xef\xbb\xbf" + `{"name": "x", "Name": "wrong", "name": "@s\/a", "version": "1.0.0-\u0062eta", "dependencies": {"\u0062": "\u0031"}}`,
			withDev: true,
			want:    manifest{Name: "@s/a", Version: "1.0.0-beta", Deps: []dep{{"b", "1", kindProd}}},
		},
		{
			name: "null name",
			in:   `{"name": null, "version": null}`,
			want: manifest{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseManifest([]byte(tt.in), tt.withDev)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got, cmp.AllowUnexported(dep{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseManifestErrors(t *testing.T) {
	for _, in := range []string{
		``,
		`not json`,
		`[]`,
		`"name"`,
		`{"name": "a",}`,
		`{"name": "a"} {}`,
		`{"name": "a", "version": "1.0.0"`,
		`{"name": 5, "version": "1.0.0"}`,
		`{"name": "a", "version": ["1"]}`,
		`{"name": "a", "description": "tab	inside"}`,
		`{"name": "a", "x": 01}`,
		`{"name": "a", "x": "\q"}`,
	} {
		if m, err := parseManifest([]byte(in), true); err == nil {
			t.Errorf("parseManifest(%q) = %+v, want an error", in, m)
		}
	}
	if _, err := parseManifest([]byte(`[1]`), false); !errors.Is(err, errNotObject) {
		t.Errorf("array: err = %v, want errNotObject", err)
	}
}

func TestNormalizeRepository(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"https://github.com/o/r", "https://github.com/o/r"},
		{"git+https://github.com/o/r.git", "https://github.com/o/r"},
		{"git://github.com/o/r.git", "https://github.com/o/r"},
		{"git+ssh://git@github.com/o/r.git", "https://github.com/o/r"},
		{"ssh://git@example.org:2222/o/r.git", "https://example.org/o/r"},
		{"git@github.com:o/r.git", "https://github.com/o/r"},
		{"o/r", "https://github.com/o/r"},
		{"github:o/r", "https://github.com/o/r"},
		{"gitlab:o/r", "https://gitlab.com/o/r"},
		{"bitbucket:o/r", "https://bitbucket.org/o/r"},
		{"gist:11081aaa281", "https://gist.github.com/11081aaa281"},
		{"https://github.com/o/r/tree/main/packages/x", "https://github.com/o/r/tree/main/packages/x"},
		{"https://github.com/o/r.git#v1.0.0", "https://github.com/o/r"},
		{"svn://example.org/r", "svn://example.org/r"},
		{"./local", "./local"},
	}
	for _, tt := range tests {
		if got := normalizeRepository(tt.in); got != tt.want {
			t.Errorf("normalizeRepository(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadBounded(t *testing.T) {
	path := filepath.Join("testdata", "no-dependencies", "package.json")
	if _, err := readBounded(path, 10, nil); !errors.Is(err, errTooLarge) {
		t.Errorf("over the limit: err = %v, want errTooLarge", err)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	got, err := readBounded(path, 1<<20, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("readBounded = %q, want %q", got, want)
	}
	if _, err := readBounded("testdata", 1<<20, nil); !errors.Is(err, errNotRegular) {
		t.Errorf("directory: err = %v, want errNotRegular", err)
	}
	if _, err := readBounded(filepath.Join("testdata", "nothing-here"), 1<<20, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want ErrNotExist", err)
	}
}

// FuzzParseManifest: never panic; accept exactly the JSON objects that
// encoding/json accepts (the scanner validates on its own); keep no
// reference to the input, which callers reuse.
func FuzzParseManifest(f *testing.F) {
	paths, err := filepath.Glob("testdata/*/node_modules/*/package.json")
	if err != nil {
		f.Fatal(err)
	}
	more, _ := filepath.Glob("testdata/*/package.json")
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"license": [{"type": "MIT"}, "ISC"], "funding": [{"url": "u"}], "author": {"name": "n"}, "bundleDependencies": true}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		m, err := parseManifest(in, true)
		var obj map[string]any
		body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		isObject := json.Valid(body) && json.Unmarshal(body, &obj) == nil && obj != nil
		if err == nil && !isObject && !bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
			t.Fatalf("accepted %q, which is not a JSON object", data)
		}
		if err != nil {
			if isObject {
				// Only a name or version that is not a string may fail
				// an object.
				_, nameOK := obj["name"].(string)
				_, versionOK := obj["version"].(string)
				if (obj["name"] == nil || nameOK) && (obj["version"] == nil || versionOK) {
					t.Fatalf("rejected the JSON object %q: %v", data, err)
				}
			}
			return
		}
		before, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		for i := range in {
			in[i] = 'X' // callers reuse their buffer
		}
		after, _ := json.Marshal(m)
		if !bytes.Equal(before, after) {
			t.Fatalf("the manifest changed with its input buffer: %s, then %s", before, after)
		}
		for _, d := range m.Deps {
			if d.Name == "" {
				t.Fatalf("empty dependency name from %q", data)
			}
		}
	})
}
