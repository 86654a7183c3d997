package composer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseManifest(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "lock-installed", "composer.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	want := &manifest{
		Name: "codeigniter4/codeigniter4",
		Require: []requirement{
			{"dompdf/dompdf", "^1.1"}, {"kint-php/kint", "^3.3"}, {"laminas/laminas-escaper", "^2.9"},
			{"psr/log", "^1.1"}, {"sabberworm/php-css-parser", "^8.4"}, {"setasign/fpdf", "^1.8"},
		},
		RequireDev: []requirement{
			{"codeigniter/coding-standard", "^1.1"}, {"fakerphp/faker", "^1.9"}, {"friendsofphp/php-cs-fixer", "^3.1"},
			{"mikey179/vfsstream", "^1.6"}, {"nexusphp/cs-config", "^3.3"}, {"nexusphp/tachycardia", "^1.0"},
			{"phpstan/phpstan", "^0.12.91"}, {"phpunit/phpunit", "^9.1"}, {"predis/predis", "^1.1"}, {"rector/rector", "0.11.60"},
		},
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseManifestShapes(t *testing.T) {
	tests := []struct {
		in      string
		want    *manifest
		wantErr bool
	}{
		{`{"config": {"vendor-dir": "libs"}, "require": []}`, &manifest{VendorDir: "libs"}, false},
		{`{"name": "a/b", "version": "1.2.0", "require": {"php": ">=8", "ext-json": "*", "lib-pcre": "*", "composer-plugin-api": "^2"}}`, &manifest{Name: "a/b", Version: "1.2.0"}, false},
		{`{"name": ["a"], "config": "x"}`, &manifest{}, false},
		{`[]`, nil, true},
		{`null`, nil, true},
		{`{`, nil, true},
	}
	for _, tt := range tests {
		got, err := parseManifest([]byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("parseManifest(%s): err = %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b []requirement) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b) })); diff != "" {
			t.Errorf("parseManifest(%s) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzParseManifest: never panic; accept only JSON objects; no platform
// requirement survives.
func FuzzParseManifest(f *testing.F) {
	lockSeeds(f, "testdata/*/composer.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest(data)
		if err != nil {
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil || obj == nil {
			t.Fatalf("accepted %q, which is not a JSON object", data)
		}
		for _, r := range append(m.Require, m.RequireDev...) {
			if isPlatform(r.Name) || r.Name == "" {
				t.Fatalf("requirement %q kept", r.Name)
			}
		}
	})
}
