package nuget

import (
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

func TestParseProjectFile(t *testing.T) {
	data, err := os.ReadFile("testdata/lockfile/ArknightsResources.Utility.csproj")
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parseProjectFile(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []packageRef{
		{Name: "K4os.Compression.LZ4", Version: "1.2.16"},
		{Name: "Microsoft.SourceLink.AzureRepos.Git", Version: "1.1.1", PrivateAssets: "all"},
		{Name: "SixLabors.ImageSharp", Version: "2.1.3"},
		// The condition is not evaluated: every target framework counts.
		{Name: "System.Memory", Version: "4.5.5"},
	}
	if diff := cmp.Diff(want, pf.References); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	if pf.Sdk != "Microsoft.NET.Sdk" || pf.Properties["targetframeworks"] != "netstandard2.0;net6.0" || pf.Properties["debugtype"] != "embedded" {
		t.Errorf("sdk %q properties %v", pf.Sdk, pf.Properties)
	}
}

func TestParseDirectoryPackagesProps(t *testing.T) {
	data, err := os.ReadFile("testdata/central-packages/Directory.Packages.props")
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parseProjectFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Versions) != 22 || pf.Versions[8] != (packageRef{Name: "Microsoft.NET.Test.Sdk", Version: "17.6.3"}) {
		t.Errorf("%d central versions, the ninth %+v", len(pf.Versions), pf.Versions[8])
	}
	want := []packageRef{
		{Name: "StyleCop.Analyzers.Unstable", PrivateAssets: "all"},
		{Name: "Microsoft.SourceLink.GitHub", PrivateAssets: "all"},
		{Name: "ConfigureAwaitChecker.Analyzer", PrivateAssets: "all"},
	}
	if diff := cmp.Diff(want, pf.References); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	if pf.Properties["managepackageversionscentrally"] != "true" {
		t.Errorf("properties %v", pf.Properties)
	}
}

func TestParseProjectFileCases(t *testing.T) {
	tests := []struct {
		name, data string
		want       *projectFile
		err        string
	}{
		{
			name: "items of every kind",
			data: `<Project Sdk="MSTest.Sdk/3.6.1">
  <PropertyGroup><IsPackable>false</IsPackable></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="A;B" Version="1.0.0" />
    <PackageReference Include="C"><Version>2.0.0</Version><PrivateAssets>compile; All</PrivateAssets></PackageReference>
    <PackageReference Include="D" VersionOverride="3.0.0" />
    <PackageReference Update="A" Version="1.0.1" />
    <PackageReference Remove="B" />
    <GlobalPackageReference Include="Analyzer" Version="4.0.0" />
    <PackageVersion Include="D" Version="2.9.0" />
  </ItemGroup>
  <Choose>
    <When Condition="'$(X)' == 'y'">
      <ItemGroup><PackageReference Include="E" Version="5.0.0" /></ItemGroup>
    </When>
    <Otherwise>
      <PropertyGroup><IsPackable>true</IsPackable></PropertyGroup>
    </Otherwise>
  </Choose>
</Project>`,
			want: &projectFile{
				Sdk:        "MSTest.Sdk/3.6.1",
				Properties: map[string]string{"ispackable": "true"},
				References: []packageRef{
					{Name: "A", Version: "1.0.0"},
					{Name: "C", Version: "2.0.0", PrivateAssets: "compile; All"},
					{Name: "D", VersionOverride: "3.0.0"},
					{Name: "E", Version: "5.0.0"},
				},
				Updates:  []packageRef{{Name: "A", Version: "1.0.1"}},
				Versions: []packageRef{{Name: "D", Version: "2.9.0"}},
				Globals:  []packageRef{{Name: "Analyzer", Version: "4.0.0"}},
			},
		},
		{
			name: "old-style project with a namespace",
			data: `<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="15.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <ItemGroup><packagereference include="Lower" version="1.0" /></ItemGroup>
</Project>`,
			want: &projectFile{Properties: map[string]string{}, References: []packageRef{{Name: "Lower", Version: "1.0"}}},
		},
		{name: "not MSBuild", data: `<packages/>`, err: "root element <packages>, not <Project>: not an MSBuild file"},
		{name: "not XML", data: `{"project": true}`, err: "text outside the root element"},
		{name: "empty", data: ``, err: "no root element"},
		{name: "unclosed", data: `<Project><ItemGroup>`, err: "unexpected EOF"},
		{name: "external entity", data: `<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project>&x;</Project>`, err: errDTD.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProjectFile([]byte(tt.data))
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

// TestParseProjectFileUTF16 reads a project file saved as UTF-16 with a
// byte order mark, as older Visual Studio versions did.
func TestParseProjectFileUTF16(t *testing.T) {
	text := `<?xml version="1.0" encoding="utf-16"?><Project><ItemGroup><PackageReference Include="Ünïcode.Lib" Version="1.0.0" /></ItemGroup></Project>`
	for _, big := range []bool{false, true} {
		data := []byte{0xFF, 0xFE}
		if big {
			data = []byte{0xFE, 0xFF}
		}
		for _, u := range utf16.Encode([]rune(text)) {
			if big {
				data = append(data, byte(u>>8), byte(u))
			} else {
				data = append(data, byte(u), byte(u>>8))
			}
		}
		pf, err := parseProjectFile(data)
		if err != nil {
			t.Fatalf("big endian %v: %v", big, err)
		}
		if !cmp.Equal(pf.References, []packageRef{{Name: "Ünïcode.Lib", Version: "1.0.0"}}) {
			t.Errorf("big endian %v: %+v", big, pf.References)
		}
	}
}

func TestExpand(t *testing.T) {
	props := map[string]string{
		"moqversion": "4.16.1",
		"base":       "2.1",
		"full":       "$(Base).3",
		"loop":       "$(Loop)x",
		"a":          "$(B)",
		"b":          "$(A)",
		"empty":      "",
	}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"1.0.0", "1.0.0", true},
		{"$(MoqVersion)", "4.16.1", true},
		{"$( moqversion )", "4.16.1", true},
		{"$(Full)-beta", "2.1.3-beta", true},
		{"$(Empty)1.0", "1.0", true},
		{"$(Unknown)", "$(Unknown)", false},
		{"$(Base).$(Unknown)", "2.1.$(Unknown)", false},
		{"$(Base", "$(Base", false},
		{"$([System.String]::Copy('1'))", "$([System.String]::Copy('1'))", false},
	}
	for _, tt := range tests {
		got, ok := expand(tt.in, props)
		if got != tt.want || ok != tt.ok {
			t.Errorf("expand(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// Cycles and self-references end, unresolved.
	for _, in := range []string{"$(Loop)", "$(A)"} {
		if got, ok := expand(in, props); ok || len(got) > maxExpandedLen {
			t.Errorf("expand(%q) = %d bytes, %v", in, len(got), ok)
		}
	}
}

func TestStatedVersion(t *testing.T) {
	tests := []struct {
		in, want string
		exact    bool
	}{
		{"1.2.3", "1.2.3", true},
		{" 1.2.3-beta.1 ", "1.2.3-beta.1", true},
		{"[1.2.3]", "1.2.3", true},
		{"[ 1.2.3 ]", "1.2.3", true},
		{"[1.0,2.0)", "[1.0,2.0)", false},
		{"(,2.0]", "(,2.0]", false},
		{"[1.0,)", "[1.0,)", false},
		{"1.*", "1.*", false},
		{"[]", "[]", false},
		{"[1.*]", "[1.*]", false},
	}
	for _, tt := range tests {
		got, exact := statedVersion(tt.in)
		if got != tt.want || exact != tt.exact {
			t.Errorf("statedVersion(%q) = %q, %v; want %q, %v", tt.in, got, exact, tt.want, tt.exact)
		}
	}
}

func FuzzParseProjectFile(f *testing.F) {
	addSeeds(f, "testdata/*/*.csproj", "testdata/*/*/*.csproj", "testdata/*/Directory.*.props")
	f.Add([]byte(`<Project><Choose><When><ItemGroup><PackageReference Include="a;;b" Update="c" Remove="a" /></ItemGroup></When></Choose></Project>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := parseProjectFile(data)
		if err != nil {
			return
		}
		for _, list := range [][]packageRef{pf.References, pf.Updates, pf.Versions, pf.Globals} {
			for _, r := range list {
				if r.Name == "" || strings.Contains(r.Name, ";") || r.Name != strings.TrimSpace(r.Name) {
					t.Fatalf("item name %q", r.Name)
				}
			}
		}
		for k := range pf.Properties {
			if k != strings.ToLower(k) {
				t.Fatalf("property %q not lower case", k)
			}
		}
	})
}
