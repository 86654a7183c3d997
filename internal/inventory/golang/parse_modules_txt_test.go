package golang

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

func TestParseModulesTxt(t *testing.T) {
	tests := []struct {
		file    string
		want    []vendoredModule
		wantErr string
	}{
		{
			file: "explicit.txt",
			want: []vendoredModule{
				{Path: "github.com/davecgh/go-spew", Version: "v1.1.1", Explicit: true, Packages: 1},
				{Path: "github.com/pmezard/go-difflib", Version: "v1.0.0", Explicit: true, Packages: 1},
			},
		},
		{
			file: "replacements.txt",
			want: []vendoredModule{
				{Path: "github.com/davecgh/go-spew", Version: "v1.1.1", Explicit: true, Packages: 1},
				{Path: "github.com/pmezard/go-difflib", Version: "v1.0.0", Replace: module.Version{Path: "./third_party/difflib"}, Explicit: true, GoVersion: "1.20", Packages: 1},
				{Path: "go.yaml.in/yaml/v3", Version: "v3.0.6", Explicit: true, GoVersion: "1.16"},
				{Path: "gopkg.in/check.v1", Version: "v1.0.0-20201130134442-10cb98267c6c", Explicit: true, GoVersion: "1.11"},
				{Path: "gopkg.in/yaml.v3", Version: "v3.0.1", Replace: module.Version{Path: "go.yaml.in/yaml/v3", Version: "v3.0.4"}, Explicit: true, GoVersion: "1.16", Packages: 1},
			},
		},
		{
			file: "bad-module-lines.txt",
			want: []vendoredModule{
				{Path: "github.com/davecgh/go-spew", Version: "v1.1.1", Explicit: true, Packages: 1},
				{Path: "example.com/odd", Version: "v1.0.0"},
			},
			wantErr: "2 module line(s) not understood, the first at line 4",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "modules-txt", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseModulesTxt(data)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("error = %q, want %q", gotErr, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("modules (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseModulesTxt(f *testing.F) {
	addSeeds(f, "testdata/modules-txt/*.txt", "testdata/*/vendor/modules.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		mods, _ := parseModulesTxt(data)
		for _, m := range mods {
			if m.Path == "" || !semver.IsValid(m.Version) {
				t.Errorf("entry without a path or a valid version: %+v", m)
			}
			if m.Packages < 0 {
				t.Errorf("negative package count: %+v", m)
			}
		}
	})
}

// addSeeds adds every file matching the patterns to the fuzz corpus.
func addSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}
