package nuget

import (
	"os"
	"path/filepath"
	"testing"
)

func TestNormalizeVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.0", "1.0.0"},
		{"1.0.0.0", "1.0.0"},
		{"1.0.0.1", "1.0.0.1"},
		{"01.002.3", "1.2.3"},
		{"1.2.3-Beta.1", "1.2.3-beta.1"},
		{"1.2.3+build.7", "1.2.3"},
		{"5.0.0.1", "5.0.0.1"},
		{"1.2.3.4.5", ""},
		{"[1.0,2.0)", ""},
		{"1.*", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normalizeVersion(tt.in); got != tt.want {
			t.Errorf("normalizeVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlaceholderLicenseURL(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://aka.ms/deprecateLicenseUrl", true},
		{"http://AKA.MS/deprecatelicenseurl", true},
		{" https://aka.ms/deprecateLicenseUrl ", true},
		{"https://licenses.nuget.org/MIT", false},
		{"https://aka.ms/dotnet-core-eula", false},
		{"https://example.com/aka.ms/deprecateLicenseUrl", false},
		{"::", false},
	}
	for _, tt := range tests {
		if got := placeholderLicenseURL(tt.url); got != tt.want {
			t.Errorf("placeholderLicenseURL(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestCacheDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		opt  string
		env  map[string]string
		want string
	}{
		{"/opt/cache", map[string]string{"NUGET_PACKAGES": "/env"}, "/opt/cache"},
		{"", map[string]string{"NUGET_PACKAGES": "/env", "HOME": "/home/u"}, "/env"},
		{"", map[string]string{"HOME": "/home/u"}, filepath.Join("/home/u", ".nuget", "packages")},
	}
	for _, tt := range tests {
		if got := cacheDir(tt.opt, env(tt.env)); got != tt.want {
			t.Errorf("cacheDir(%q, %v) = %q, want %q", tt.opt, tt.env, got, tt.want)
		}
	}
}

func TestFileInPackage(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	for name, content := range map[string]string{
		"LICENSE.txt":        "license",
		"licenses/EULA.md":   "eula",
		"docs/readme.md":     "readme",
		"../not-a-package":   "",
		"licenses/Other.TXT": "other",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	linked := os.Symlink(outside, filepath.Join(dir, "linked.txt")) == nil
	tests := []struct{ in, want string }{
		{"LICENSE.txt", "LICENSE.txt"},
		{`licenses\EULA.md`, "licenses/EULA.md"},
		{"licenses/other.txt", "licenses/Other.TXT"},
		{"license.TXT", "LICENSE.txt"},
		{"../not-a-package", ""},
		{"../../../../etc/passwd", ""},
		{"/LICENSE.txt", "LICENSE.txt"},
		{"docs", ""},
		{"missing.txt", ""},
		{"", ""},
	}
	if linked {
		tests = append(tests, struct{ in, want string }{"linked.txt", ""})
	}
	for _, tt := range tests {
		want := ""
		if tt.want != "" {
			want = filepath.Join(dir, filepath.FromSlash(tt.want))
		}
		if got := fileInPackage(dir, tt.in); got != want {
			t.Errorf("fileInPackage(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

// TestPackageCacheProblems checks that an unreadable nuspec in the cache is
// a problem, and the package still counts as installed.
func TestPackageCacheProblems(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "broken.pkg", "1.0.0")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.pkg.nuspec"), []byte("<package>"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newPackageCache(cache, cacheOpts(t))
	p := c.find("Broken.Pkg", "1.0", nil)
	if p == nil || p.Dir != dir || p.Spec != nil {
		t.Fatalf("found %+v", p)
	}
	if c.find("Broken.Pkg", "1.0.0", nil) != p || len(c.problems) != 1 {
		t.Errorf("second lookup not remembered: %d problems", len(c.problems))
	}
	if c.problems[0].Message != "parse nuspec: XML syntax error on line 1: unexpected EOF" {
		t.Errorf("problem %+v", c.problems[0])
	}
	for _, id := range []string{"..", "a/b", `a\b`} {
		if c.find(id, "1.0.0", nil) != nil {
			t.Errorf("found %q", id)
		}
	}
}
