package composer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInstalledForms(t *testing.T) {
	tests := []struct {
		file                     string
		format                   string
		names                    []string
		devKnown, dev            bool
		devNames                 map[string]bool
		firstInstallPath, first3 string
	}{
		{
			file:   "installed-composer1/vendor/composer/installed.json",
			format: "composer 1",
			names:  []string{"symfony/polyfill-mbstring", "symfony/templating", "twig/twig"},
		},
		{
			file:     "lock-installed/vendor/composer/installed.json",
			format:   "composer 2",
			names:    []string{"codeigniter/coding-standard", "composer/pcre", "composer/xdebug-handler", "doctrine/instantiator", "dompdf/dompdf", "kint-php/kint"},
			devKnown: true, dev: true,
			devNames: map[string]bool{"codeigniter/coding-standard": true, "composer/pcre": true, "composer/xdebug-handler": true, "doctrine/instantiator": true},
		},
		{
			file:     "vendor-dir/libs/composer/installed.json",
			format:   "composer 2",
			names:    []string{"psr/log"},
			devKnown: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			f, err := parseInstalled(data)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range f.Packages {
				names = append(names, p.Name)
			}
			if diff := cmp.Diff(tt.names, names); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if f.Format != tt.format || f.DevKnown != tt.devKnown || f.Dev != tt.dev {
				t.Errorf("format=%q devKnown=%v dev=%v", f.Format, f.DevKnown, f.Dev)
			}
			if diff := cmp.Diff(tt.devNames, f.DevNames); diff != "" {
				t.Errorf("dev names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseInstalledPaths(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "lock-installed", "vendor", "composer", "installed.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := parseInstalled(data)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range f.Packages {
		got[p.Name] = p.InstallPath
	}
	want := map[string]string{
		"codeigniter/coding-standard": "../codeigniter/coding-standard",
		"composer/pcre":               "./pcre",
		"composer/xdebug-handler":     "./xdebug-handler",
		"doctrine/instantiator":       "../doctrine/instantiator",
		"dompdf/dompdf":               "../dompdf/dompdf",
		"kint-php/kint":               "../kint-php/kint",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("install paths (-want +got):\n%s", diff)
	}
}

func TestParseInstalledErrors(t *testing.T) {
	for _, in := range []string{``, `[`, `[1, 2`, `"x"`, `null`, `{"packages": "x"}`, `  {`} {
		if f, err := parseInstalled([]byte(in)); err == nil {
			t.Errorf("parseInstalled(%q) = %+v, want an error", in, f)
		}
	}
	// Entries that are not objects are skipped, not fatal.
	f, err := parseInstalled([]byte(`[1, {"name": "a/b"}]`))
	if err != nil || len(f.Packages) != 1 || f.Skipped != 1 {
		t.Errorf("got %+v, %v", f, err)
	}
}

// FuzzParseInstalled: never panic; a result comes only from valid JSON;
// every package has a name.
func FuzzParseInstalled(f *testing.F) {
	lockSeeds(f, "testdata/*/vendor/composer/installed.json", "testdata/*/libs/composer/installed.json")
	f.Add([]byte(`{"packages": [], "dev": false, "dev-package-names": ["a/b", 3]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, err := parseInstalled(data)
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		for _, p := range inst.Packages {
			if p.Name == "" {
				t.Fatal("package without a name")
			}
		}
	})
}
