package risk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/semver"
)

// writeCache writes files under dir/cache/download, by path relative to
// it.
func writeCache(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, "cache", "download", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGoModCache(t *testing.T) {
	dir := t.TempDir()
	const toml = "github.com/!burnt!sushi/toml/@v/"
	writeCache(t, dir, map[string]string{
		// The list names versions fetched, some of them only as .mod files.
		toml + "list":        "v1.0.0\nv1.1.0\n\nv1.2.0\nnot-a-version\n",
		toml + "v1.0.0.info": `{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}`,
		toml + "v1.0.0.mod":  "module github.com/BurntSushi/toml\n",
		toml + "v1.1.0.info": "not json",
		toml + "v1.2.0.info": `{"Version":"v1.2.0","Time":"2021-07-02T12:00:00Z","Origin":{"VCS":"git"}}`,
		// Upper case is escaped in file names too.
		toml + "v1.3.0-!r!c1.info": `{"Version":"v1.3.0-RC1","Time":"2022-01-01T00:00:00Z"}`,
		// A pseudo-version fetched by commit, not in the list; no Version
		// field, so the name gives it.
		toml + "v1.2.1-0.20210801000000-abcdefabcdef.info": `{"Time":"2021-08-01T00:00:00Z"}`,
		"example.com/other/@v/list":                        "v0.1.0\n",
	})
	outside := filepath.Join(t.TempDir(), "v9.0.0.info")
	if err := os.WriteFile(outside, []byte(`{"Version":"v9.0.0","Time":"2030-01-01T00:00:00Z"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "cache", "download", filepath.FromSlash(toml), "v9.0.0.info")); err != nil {
		t.Fatal(err)
	}

	c := GoModCache{Dir: dir}
	got, err := c.Releases("go", "github.com/BurntSushi/toml")
	want := []Release{
		{Version: "v1.0.0", Time: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Version: "v1.1.0"},
		{Version: "v1.2.0", Time: time.Date(2021, 7, 2, 12, 0, 0, 0, time.UTC)},
		{Version: "v1.2.1-0.20210801000000-abcdefabcdef", Time: time.Date(2021, 8, 1, 0, 0, 0, 0, time.UTC)},
		{Version: "v1.3.0-RC1", Time: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Releases (-want +got):\n%s", diff)
	}
	if err == nil || !strings.Contains(err.Error(), filepath.Join("@v", "v1.1.0.info")+": not a module info file") {
		t.Errorf("err = %v, want the broken v1.1.0.info named", err)
	}

	s := StalenessFrom(c, nil, "go", "github.com/BurntSushi/toml", "v1.0.0")
	if s.Libyears == nil || *s.Libyears != 1.5 || s.Behind != 2 || s.Newest != "v1.2.0" {
		t.Errorf("StalenessFrom the cache = %+v, want 1.5 libyears behind v1.2.0, 2 newer", s)
	}

	for _, q := range []struct{ eco, name string }{
		{"npm", "github.com/BurntSushi/toml"}, // another ecosystem
		{"go", "stdlib"},                      // not a module path
		{"go", "example.com/absent"},          // not in the cache
		{"go", "../../etc"},                   // never a path out of the cache
	} {
		if rels, err := c.Releases(q.eco, q.name); rels != nil || err != nil {
			t.Errorf("Releases(%q, %q) = %v, %v; want nil, nil", q.eco, q.name, rels, err)
		}
	}
	if rels, err := c.Releases("Go", "example.com/other"); err != nil || len(rels) != 1 || !rels[0].Time.IsZero() {
		t.Errorf("a list without .info files: %v, %v", rels, err)
	}
}

func TestGoModCacheDefaultDir(t *testing.T) {
	dir := t.TempDir()
	writeCache(t, dir, map[string]string{"example.com/m/@v/list": "v1.0.0\n"})
	t.Setenv("GOMODCACHE", dir)
	rels, err := GoModCache{}.Releases("go", "example.com/m")
	if err != nil || len(rels) != 1 {
		t.Errorf("with GOMODCACHE set: %v, %v", rels, err)
	}

	tests := []struct {
		gomodcache, gopath, home, want string
	}{
		{"/cache", "/gopath", "/home/u", "/cache"},
		{"", "/a" + string(filepath.ListSeparator) + "/b", "/home/u", filepath.Join("/a", "pkg", "mod")},
		{"", "", "/home/u", filepath.Join("/home/u", "go", "pkg", "mod")},
	}
	for _, tt := range tests {
		t.Setenv("GOMODCACHE", tt.gomodcache)
		t.Setenv("GOPATH", tt.gopath)
		t.Setenv("HOME", tt.home)
		if got := DefaultGoModCacheDir(); got != tt.want {
			t.Errorf("GOMODCACHE=%q GOPATH=%q HOME=%q: %q, want %q", tt.gomodcache, tt.gopath, tt.home, got, tt.want)
		}
	}
}

// TestGoModCacheReal reads this machine's module cache, which holds
// golang.org/x/mod when ospo was built here.
func TestGoModCacheReal(t *testing.T) {
	rels, err := GoModCache{}.Releases("go", "golang.org/x/mod")
	if len(rels) == 0 {
		t.Skipf("golang.org/x/mod is not in the module cache %s (%v)", DefaultGoModCacheDir(), err)
	}
	if err != nil {
		t.Errorf("the real cache gave an error: %v", err)
	}
	dated := 0
	for i, r := range rels {
		if !semver.IsValid(r.Version) {
			t.Errorf("release %q is not a module version", r.Version)
		}
		if i > 0 && semver.Compare(rels[i-1].Version, r.Version) >= 0 {
			t.Errorf("releases out of order: %s before %s", rels[i-1].Version, r.Version)
		}
		if !r.Time.IsZero() {
			dated++
		}
	}
	if dated == 0 {
		t.Errorf("no release of golang.org/x/mod has a date: %v", rels)
	}
	newest := rels[len(rels)-1].Version
	s := StalenessFrom(GoModCache{}, nil, "go", "golang.org/x/mod", newest)
	if s.Behind != 0 || s.Newest != newest {
		t.Errorf("the newest cached release %s: %+v", newest, s)
	}
	t.Logf("%d releases of golang.org/x/mod cached, %d dated, newest %s", len(rels), dated, newest)
}
