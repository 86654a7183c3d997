package gem

import (
	"path/filepath"
	"testing"
)

func TestPURL(t *testing.T) {
	tests := []struct{ name, version, platform, want string }{
		{"rack", "2.2.22", "", "pkg:gem/rack@2.2.22"},
		{"rack", "2.2.22", "ruby", "pkg:gem/rack@2.2.22"},
		{"nokogiri", "1.16.7", "x86_64-linux", "pkg:gem/nokogiri@1.16.7?platform=x86_64-linux"},
		{"ffi", "1.17.0", "x64-mingw-ucrt", "pkg:gem/ffi@1.17.0?platform=x64-mingw-ucrt"},
		{"rack", "", "", "pkg:gem/rack"},
	}
	for _, tt := range tests {
		if got := purl(tt.name, tt.version, tt.platform); got != tt.want {
			t.Errorf("purl(%q, %q, %q) = %q, want %q", tt.name, tt.version, tt.platform, got, tt.want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.10", "1.9", 1},
		{"2.0.0", "2.0", 1},
		{"1.0.pre", "1.0", -1},
		{"1.0", "1.0.rc1", 1},
		{"1.0.a", "1.0.b", -1},
		{"3.0.1.2", "3.0.1", 1},
	}
	for _, tt := range tests {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSplitFullName(t *testing.T) {
	tests := []struct{ full, name, version, platform string }{
		{"rack-2.2.22", "rack", "2.2.22", ""},
		{"net-http-persistent-4.0.2", "net-http-persistent", "4.0.2", ""},
		{"ffi-1.17.0-x86_64-linux-gnu", "ffi", "1.17.0", "x86_64-linux-gnu"},
		{"rubygems-update-3.3.15", "rubygems-update", "3.3.15", ""},
		{"noversion", "noversion", "", ""},
	}
	for _, tt := range tests {
		n, v, p := splitFullName(tt.full)
		if n != tt.name || v != tt.version || p != tt.platform {
			t.Errorf("splitFullName(%q) = %q %q %q", tt.full, n, v, p)
		}
	}
}

func TestDebianDocs(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("testdata", "debian"))
	tests := []struct{ home, name, want string }{
		{filepath.Join(root, "usr/share/rubygems-integration/all"), "rack", filepath.Join(root, "usr/share/doc/ruby-rack/copyright")},
		{filepath.Join(root, "usr/lib/x86_64-linux-gnu/rubygems-integration/3.1.0"), "json", filepath.Join(root, "usr/share/doc/ruby-json/copyright")},
		{filepath.Join(root, "usr/share/rubygems-integration/all"), "xmlrpc", ""},
		{filepath.Join(root, "usr/lib/ruby/gems/3.1.0"), "rack", ""},
	}
	for _, tt := range tests {
		if got := debianDocs(tt.home, tt.name); got != tt.want {
			t.Errorf("debianDocs(%q, %q) = %q, want %q", tt.home, tt.name, got, tt.want)
		}
	}
}
