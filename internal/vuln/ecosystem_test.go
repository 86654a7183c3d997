package vuln

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
)

// osPURL builds a distribution package URL the way the deb and apk
// extractors do.
func osPURL(typ, vendor, name, version string, q map[string]string) string {
	return packageurl.NewPackageURL(typ, vendor, name, version, packageurl.QualifiersFromMap(q), "").ToString()
}

func TestOSVPackage(t *testing.T) {
	tests := []struct {
		name   string
		c      inventory.Component
		want   Package
		wantOK bool
	}{
		{
			name: "npm scoped",
			c:    inventory.Component{Ecosystem: "npm", Name: "@babel/core", Version: "7.24.0"},
			want: Package{"npm", "@babel/core", "7.24.0"}, wantOK: true,
		},
		{
			name: "Go module drops the v",
			c:    inventory.Component{Ecosystem: "go", Name: "golang.org/x/net", Version: "v0.30.0"},
			want: Package{"Go", "golang.org/x/net", "0.30.0"}, wantOK: true,
		},
		{
			name: "Go standard library",
			c:    inventory.Component{Ecosystem: "go", Name: "stdlib", Version: "v1.26.7"},
			want: Package{"Go", "stdlib", "1.26.7"}, wantOK: true,
		},
		{
			name: "Go toolchain",
			c:    inventory.Component{Ecosystem: "go", Name: "toolchain", Version: "v1.26.7"},
			want: Package{"Go", "toolchain", "1.26.7"}, wantOK: true,
		},
		{
			name: "Go pseudo-version",
			c:    inventory.Component{Ecosystem: "go", Name: "github.com/alecthomas/units", Version: "v0.0.0-20240927000941-0f3dac36c52b"},
			want: Package{"Go", "github.com/alecthomas/units", "0.0.0-20240927000941-0f3dac36c52b"}, wantOK: true,
		},
		{
			name: "PyPI name in PEP 503 form",
			c:    inventory.Component{Ecosystem: "pypi", Name: "Zope.Interface", Version: "6.1"},
			want: Package{"PyPI", "zope-interface", "6.1"}, wantOK: true,
		},
		{
			name: "Maven group:artifact",
			c:    inventory.Component{Ecosystem: "maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1"},
			want: Package{"Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"}, wantOK: true,
		},
		{
			name: "Cargo",
			c:    inventory.Component{Ecosystem: "cargo", Name: "smallvec", Version: "1.6.0"},
			want: Package{"crates.io", "smallvec", "1.6.0"}, wantOK: true,
		},
		{
			name: "RubyGems",
			c:    inventory.Component{Ecosystem: "gem", Name: "rack", Version: "2.2.8"},
			want: Package{"RubyGems", "rack", "2.2.8"}, wantOK: true,
		},
		{
			name: "NuGet",
			c:    inventory.Component{Ecosystem: "nuget", Name: "Newtonsoft.Json", Version: "13.0.3"},
			want: Package{"NuGet", "Newtonsoft.Json", "13.0.3"}, wantOK: true,
		},
		{
			name: "Composer",
			c:    inventory.Component{Ecosystem: "composer", Name: "symfony/http-kernel", Version: "v6.4.3"},
			want: Package{"Packagist", "symfony/http-kernel", "v6.4.3"}, wantOK: true,
		},
		{
			name: "Debian binary package names its source",
			c: inventory.Component{Ecosystem: "deb", Name: "libc6", Version: "2.36-9+deb12u4",
				PURL: osPURL("deb", "debian", "libc6", "2.36-9+deb12u4", map[string]string{"arch": "amd64", "distro": "debian-12", "upstream": "glibc"})},
			want: Package{"Debian:12", "glibc", "2.36-9+deb12u4"}, wantOK: true,
		},
		{
			name: "Debian binNMU uses the source version",
			c: inventory.Component{Ecosystem: "deb", Name: "libgcc-s1", Version: "12.2.0-14+b1",
				PURL: osPURL("deb", "debian", "libgcc-s1", "12.2.0-14+b1", map[string]string{"distro": "debian-12", "upstream": "gcc-12@12.2.0-14"})},
			want: Package{"Debian:12", "gcc-12", "12.2.0-14"}, wantOK: true,
		},
		{
			name: "Debian source package itself",
			c: inventory.Component{Ecosystem: "deb", Name: "bash", Version: "5.2.15-2+b2",
				PURL: osPURL("deb", "debian", "bash", "5.2.15-2+b2", map[string]string{"distro": "debian-12"})},
			want: Package{"Debian:12", "bash", "5.2.15-2+b2"}, wantOK: true,
		},
		{
			name: "Debian release by code name",
			c: inventory.Component{Ecosystem: "deb", Name: "bash", Version: "5.2.15-2",
				PURL: osPURL("deb", "debian", "bash", "5.2.15-2", map[string]string{"distro": "debian-bookworm"})},
			want: Package{"Debian:12", "bash", "5.2.15-2"}, wantOK: true,
		},
		{
			name: "Debian without release",
			c: inventory.Component{Ecosystem: "deb", Name: "bash", Version: "5.2.15-2",
				PURL: osPURL("deb", "debian", "bash", "5.2.15-2", nil)},
			want: Package{"Debian", "bash", "5.2.15-2"}, wantOK: true,
		},
		{
			name: "Ubuntu",
			c: inventory.Component{Ecosystem: "deb", Name: "libssl3", Version: "3.0.2-0ubuntu1.10",
				PURL: osPURL("deb", "ubuntu", "libssl3", "3.0.2-0ubuntu1.10", map[string]string{"distro": "ubuntu-22.04", "upstream": "openssl"})},
			want: Package{"Ubuntu:22.04", "openssl", "3.0.2-0ubuntu1.10"}, wantOK: true,
		},
		{
			name: "deb of a distribution OSV does not cover",
			c: inventory.Component{Ecosystem: "deb", Name: "bash", Version: "5.2.15-2",
				PURL: osPURL("deb", "raspbian", "bash", "5.2.15-2", map[string]string{"distro": "raspbian-12"})},
			wantOK: false,
		},
		{
			name: "Alpine subpackage names its origin and branch",
			c: inventory.Component{Ecosystem: "apk", Name: "libssl3", Version: "3.3.2-r0",
				PURL: osPURL("apk", "alpine", "libssl3", "3.3.2-r0", map[string]string{"arch": "x86_64", "distro": "alpine-3.20.3", "upstream": "openssl"})},
			want: Package{"Alpine:v3.20", "openssl", "3.3.2-r0"}, wantOK: true,
		},
		{
			name: "Alpine edge",
			c: inventory.Component{Ecosystem: "apk", Name: "busybox", Version: "1.37.0-r5",
				PURL: osPURL("apk", "alpine", "busybox", "1.37.0-r5", map[string]string{"distro": "alpine-3.21.0_alpha20240807"})},
			want: Package{"Alpine:v3.21", "busybox", "1.37.0-r5"}, wantOK: true,
		},
		{
			name: "Wolfi",
			c: inventory.Component{Ecosystem: "apk", Name: "glibc", Version: "2.40-r1",
				PURL: osPURL("apk", "wolfi", "glibc", "2.40-r1", map[string]string{"distro": "wolfi-20230201"})},
			want: Package{"Wolfi", "glibc", "2.40-r1"}, wantOK: true,
		},
		{
			name:   "ecosystem without OSV data",
			c:      inventory.Component{Ecosystem: "conda", Name: "numpy", Version: "1.26.0"},
			wantOK: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := OSVPackage(&tt.c)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v (got %+v)", ok, tt.wantOK, got)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("OSVPackage (-want +got):\n%s", diff)
			}
			if eco, _ := OSVEcosystem(&tt.c); eco != tt.want.Ecosystem {
				t.Errorf("OSVEcosystem = %q, want %q", eco, tt.want.Ecosystem)
			}
		})
	}
}

func TestNormalizePyPI(t *testing.T) {
	for in, want := range map[string]string{
		"Django":             "django",
		"zope.interface":     "zope-interface",
		"Foo__Bar--.baz":     "foo-bar-baz",
		"ruamel.yaml.clib":   "ruamel-yaml-clib",
		"_private":           "-private",
		"already-normalised": "already-normalised",
	} {
		if got := normalizePyPI(in); got != want {
			t.Errorf("normalizePyPI(%q) = %q, want %q", in, got, want)
		}
	}
}
