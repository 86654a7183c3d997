package nuget

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePackagesConfig(t *testing.T) {
	data, err := os.ReadFile("testdata/packages-config/packages.config")
	if err != nil {
		t.Fatal(err)
	}
	got, err := parsePackagesConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []configPackage{
		{ID: "dnMerge", Version: "0.5.15", TargetFramework: "net461", Development: true},
		{ID: "NtApiDotNet", Version: "1.1.32", TargetFramework: "net461"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParsePackagesConfigCases(t *testing.T) {
	tests := []struct {
		name, data string
		want       []configPackage
		err        string
	}{
		{
			name: "entries without an id are left out, others kept",
			data: `<packages><package version="1.0" /><package id=" A " version="2.0" developmentDependency="True" /><other id="B" /></packages>`,
			want: []configPackage{{ID: "A", Version: "2.0", Development: true}},
		},
		{name: "empty", data: `<?xml version="1.0"?><packages />`},
		{name: "Latin-1", data: "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><packages><package id=\"Caf\xe9\" version=\"1\"/></packages>", want: []configPackage{{ID: "Café", Version: "1"}}},
		{name: "not packages.config", data: `<Project />`, err: "root element <Project>, not <packages>: not a packages.config"},
		{name: "unsupported encoding", data: `<?xml version="1.0" encoding="ebcdic"?><packages/>`, err: `unsupported encoding "ebcdic"`},
		{name: "two roots", data: `<packages/><packages/>`, err: "more than one root element"},
		{name: "undefined entity", data: `<packages><package id="&nbsp;" /></packages>`, err: "invalid character entity &nbsp;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePackagesConfig([]byte(tt.data))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParsePackagesConfig(f *testing.F) {
	addSeeds(f, "testdata/*/packages.config", "testdata/*/*/packages.config")
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := parsePackagesConfig(data)
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.ID == "" || p.ID != strings.TrimSpace(p.ID) {
				t.Fatalf("package id %q", p.ID)
			}
		}
	})
}
