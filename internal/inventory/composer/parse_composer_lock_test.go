package composer

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLockFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "lock-installed", "composer.lock"))
	if err != nil {
		t.Fatal(err)
	}
	lf, err := parseLock(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(lf.Packages) != 8 || len(lf.PackagesDev) != 4 || lf.Skipped != 0 {
		t.Fatalf("packages=%d dev=%d skipped=%d", len(lf.Packages), len(lf.PackagesDev), lf.Skipped)
	}
	want := pkgMeta{
		Name:    "dompdf/dompdf",
		Version: "v1.1.1",
		Type:    "library",
		Source:  origin{Type: "git", URL: "https://github.com/dompdf/dompdf.git", Reference: "de4aad040737a89fae2129cdeb0f79c45513128d"},
		Dist: origin{Type: "zip", URL: "https://api.github.com/repos/dompdf/dompdf/zipball/de4aad040737a89fae2129cdeb0f79c45513128d",
			Reference: "de4aad040737a89fae2129cdeb0f79c45513128d"},
		// ext-dom, ext-mbstring and php are platform requirements.
		Require:       []requirement{{"phenx/php-font-lib", "^0.5.2"}, {"phenx/php-svg-lib", "^0.3.3"}},
		Licenses:      []string{"LGPL-2.1"},
		Authors:       []string{"Fabien Ménager", "Brian Sweeney", "Gabriel Bull"},
		Homepage:      "https://github.com/dompdf/dompdf",
		SupportSource: "https://github.com/dompdf/dompdf/tree/v1.1.1",
	}
	if diff := cmp.Diff(want, lf.Packages[0]); diff != "" {
		t.Errorf("dompdf (-want +got):\n%s", diff)
	}
}

func TestParseLockShapes(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *lockFile
		wantErr bool
	}{
		{
			name: "license as one string, require as PHP's empty array",
			in:   `{"packages": [{"name": "a/b", "version": "1.0.0", "license": "MIT", "require": []}]}`,
			want: &lockFile{Packages: []pkgMeta{{Name: "a/b", Version: "1.0.0", Licenses: []string{"MIT"}}}},
		},
		{
			name: "several licenses, replace and provide",
			in: `{"packages": [{"name": "laravel/framework", "version": "v9.0.0", "license": ["MIT", "", "Apache-2.0"],
				"replace": {"illuminate/support": "self.version"}, "provide": {"psr/log-implementation": "1.0"}}]}`,
			want: &lockFile{Packages: []pkgMeta{{Name: "laravel/framework", Version: "v9.0.0", Licenses: []string{"MIT", "Apache-2.0"},
				Replaces: []string{"illuminate/support", "psr/log-implementation"}}}},
		},
		{
			name: "entries without a name are counted, wrong types ignored",
			in:   `{"packages": [{"version": "1"}, {"name": 3}, {"name": "x/y", "version": 2, "authors": "me", "funding": {}}], "packages-dev": null}`,
			want: &lockFile{Packages: []pkgMeta{{Name: "x/y"}}, Skipped: 2},
		},
		{
			name: "no packages at all",
			in:   `{"_readme": []}`,
			want: &lockFile{},
		},
		{name: "not JSON", in: `packages:`, wantErr: true},
		{name: "top level is a list", in: `[]`, wantErr: true},
		{name: "top level is null", in: `null`, wantErr: true},
		{name: "packages is an object", in: `{"packages": {"a/b": {}}}`, wantErr: true},
		{name: "packages-dev is a string", in: `{"packages-dev": "x"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLock([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := parseLock([]byte(`{"packages": 1}`)); !errors.Is(err, errNotList) {
		t.Errorf("err = %v, want errNotList", err)
	}
}

func TestDeclaredLicense(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"MIT"}, "MIT"},
		{[]string{"OSL-3.0", "AFL-3.0"}, "OSL-3.0 OR AFL-3.0"},
		{[]string{"BSD-3-Clause", "GPL-2.0-only", "GPL-3.0-only"}, "BSD-3-Clause OR GPL-2.0-only OR GPL-3.0-only"},
		{[]string{"LGPL-2.1-only", "GPL-3.0-or-later WITH Classpath-exception-2.0"}, "LGPL-2.1-only OR (GPL-3.0-or-later WITH Classpath-exception-2.0)"},
		{[]string{"(MIT or Apache-2.0)", "proprietary"}, "(MIT or Apache-2.0) OR proprietary"},
		{[]string{"proprietary"}, "proprietary"},
	}
	for _, tt := range tests {
		if got := declaredLicense(tt.in); got != tt.want {
			t.Errorf("declaredLicense(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPURL(t *testing.T) {
	tests := []struct{ name, version, want string }{
		{"dompdf/dompdf", "v1.1.1", "pkg:composer/dompdf/dompdf@v1.1.1"},
		{"Monolog/Monolog", "2.0.0", "pkg:composer/monolog/monolog@2.0.0"},
		{"nette/utils", "dev-master", "pkg:composer/nette/utils@dev-master"},
		{"psr/log", "", "pkg:composer/psr/log"},
	}
	for _, tt := range tests {
		if got := purl(tt.name, tt.version); got != tt.want {
			t.Errorf("purl(%q, %q) = %q, want %q", tt.name, tt.version, got, tt.want)
		}
	}
}

func TestResolved(t *testing.T) {
	tests := []struct {
		name string
		m    pkgMeta
		want string
	}{
		{"dist archive", pkgMeta{Dist: origin{Type: "zip", URL: "https://example.test/a.zip"}, Source: origin{Type: "git", URL: "https://example.test/a.git"}}, "https://example.test/a.zip"},
		{"git source only", pkgMeta{Source: origin{Type: "git", URL: "https://example.test/a.git", Reference: "abc"}}, "git+https://example.test/a.git@abc"},
		{"scp-like git", pkgMeta{Source: origin{Type: "git", URL: "git@example.test:a/b.git", Reference: "abc"}}, "git@example.test:a/b.git@abc"},
		{"path repository", pkgMeta{Dist: origin{Type: "path", URL: "../packages/a"}}, ""},
		{"nothing", pkgMeta{}, ""},
	}
	for _, tt := range tests {
		if got := resolved(&tt.m); got != tt.want {
			t.Errorf("%s: resolved = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// lockSeeds adds the fixtures' composer.lock and installed.json files.
func lockSeeds(f *testing.F, pattern ...string) {
	for _, p := range pattern {
		paths, err := filepath.Glob(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// FuzzParseLock: never panic; accept only JSON objects; every package
// read has a name and no platform requirement.
func FuzzParseLock(f *testing.F) {
	lockSeeds(f, "testdata/*/composer.lock")
	f.Add([]byte(`{"packages": [{"name": "a/b", "require": {"php": "*", "c/d": "^1"}, "license": ["MIT", "ISC"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := parseLock(data)
		if err != nil {
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil || obj == nil {
			t.Fatalf("accepted %q, which is not a JSON object", data)
		}
		for _, list := range [][]pkgMeta{lf.Packages, lf.PackagesDev} {
			for _, m := range list {
				if m.Name == "" {
					t.Fatal("package without a name")
				}
				for _, r := range m.Require {
					if isPlatform(r.Name) {
						t.Fatalf("platform requirement %q kept", r.Name)
					}
				}
				if len(m.Licenses) > 0 && declaredLicense(m.Licenses) == "" {
					t.Fatalf("licenses %q give an empty declared value", m.Licenses)
				}
			}
		}
	})
}
