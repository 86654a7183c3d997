package nuget

import (
	"archive/zip"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// cacheOpts points the extractor at the package cache of testdata, so that
// tests never read the machine's own.
func cacheOpts(t *testing.T) inventory.Options {
	t.Helper()
	cache, err := filepath.Abs("testdata/nuget-cache")
	if err != nil {
		t.Fatal(err)
	}
	return inventory.Options{Caches: map[string]string{"nuget": cache}}
}

// scan runs a whole scan with the NuGet extractor on dir, as the user
// would, with dir shown as name.
func scan(t *testing.T, dir, name string, opts inventory.Options) *inventory.Inventory {
	t.Helper()
	return inventorytest.Scan(t, New(), dir, name, opts)
}

// summarize makes an inventory comparable with its golden file; paths
// below base (the cache, a temporary directory) are shown relative to it.
func summarize(t *testing.T, inv *inventory.Inventory, base string) inventorytest.Summary {
	t.Helper()
	return inventorytest.Summarize(t, inv, inventorytest.Options{
		Base: base,
		LicenseFile: func(f inventory.LicenseFile) string {
			return inventorytest.RelTo(base, f.Path) + " (" + f.Kind + ")"
		},
	})
}

// TestExtractGolden scans every fixture and compares all that the
// extractor decided with the golden file of the fixture. Run with -update
// after a deliberate change, and read the diff.
func TestExtractGolden(t *testing.T) {
	opts := cacheOpts(t)
	cache := opts.Cache("nuget")
	for _, dir := range []string{"lockfile", "deps-json", "self-contained", "packages-config", "central-packages", "msbuild-props", "broken"} {
		t.Run(dir, func(t *testing.T) {
			got := summarize(t, scan(t, filepath.Join("testdata", dir), dir, opts), cache)
			inventorytest.Golden(t, filepath.Join("testdata", "golden", dir+".json"), got, *update)
		})
	}
}

// find returns the component of p called ref (name@version).
func find(t *testing.T, p *inventory.Project, ref string) *inventory.Component {
	t.Helper()
	for _, c := range p.Components {
		if c.Ref() == ref {
			return c
		}
	}
	t.Fatalf("%s has no component %s", p.Path, ref)
	return nil
}

// onlyProject returns the one project of an inventory.
func onlyProject(t *testing.T, inv *inventory.Inventory) *inventory.Project {
	t.Helper()
	if len(inv.Problems) > 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects, want 1", len(inv.Projects))
	}
	return inv.Projects[0]
}

// TestExtractLockFile checks what the lock file fixture is about: target
// frameworks merged, project entries resolved into their dependencies,
// development scope from PrivateAssets, hashes and the package cache.
func TestExtractLockFile(t *testing.T) {
	opts := cacheOpts(t)
	p := onlyProject(t, scan(t, "testdata/lockfile", "lockfile", opts))
	if p.Name != "ArknightsResources.Utility" || p.Path != "lockfile/ArknightsResources.Utility.csproj" || p.Source != "lockfile" {
		t.Errorf("project %q at %q from %q", p.Name, p.Path, p.Source)
	}
	var refs []string
	for _, c := range p.Components {
		refs = append(refs, c.Ref())
	}
	want := []string{
		"K4os.Compression.LZ4@1.2.16", "Microsoft.Bcl.AsyncInterfaces@7.0.0", "Microsoft.Build.Tasks.Git@1.1.1",
		"Microsoft.NETCore.Platforms@1.1.0", "Microsoft.NETCore.Platforms@5.0.0", "Microsoft.SourceLink.AzureRepos.Git@1.1.1",
		"Microsoft.SourceLink.Common@1.1.1", "NETStandard.Library@2.0.3", "SixLabors.ImageSharp@2.1.3", "System.Buffers@4.5.1",
		"System.Memory@4.5.5", "System.Numerics.Vectors@4.5.0", "System.Runtime.CompilerServices.Unsafe@6.0.0",
		"System.Text.Encoding.CodePages@5.0.0", "System.Text.Encodings.Web@7.0.0", "System.Text.Json@7.0.0",
		"System.Threading.Tasks.Extensions@4.5.4",
	}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}

	tests := []struct {
		ref    string
		scope  inventory.Scope
		direct bool
		deps   []string
	}{
		// A dependency range ("4.5.4") points at the version restore chose.
		{"K4os.Compression.LZ4@1.2.16", inventory.ScopeProd, true, []string{"nuget:System.Memory@4.5.5"}},
		// PrivateAssets="all" in the project file: a build-time tool.
		{"Microsoft.SourceLink.AzureRepos.Git@1.1.1", inventory.ScopeDev, true, []string{"nuget:Microsoft.Build.Tasks.Git@1.1.1", "nuget:Microsoft.SourceLink.Common@1.1.1"}},
		{"Microsoft.SourceLink.Common@1.1.1", inventory.ScopeDev, false, nil},
		// Needed by the referenced project arknightsresources.operators.models.
		{"System.Text.Json@7.0.0", inventory.ScopeProd, false, []string{
			"nuget:Microsoft.Bcl.AsyncInterfaces@7.0.0", "nuget:System.Buffers@4.5.1", "nuget:System.Memory@4.5.5",
			"nuget:System.Numerics.Vectors@4.5.0", "nuget:System.Runtime.CompilerServices.Unsafe@6.0.0",
			"nuget:System.Text.Encodings.Web@7.0.0", "nuget:System.Threading.Tasks.Extensions@4.5.4",
		}},
		// Each target framework has its own version.
		{"System.Text.Encoding.CodePages@5.0.0", inventory.ScopeProd, false, []string{"nuget:Microsoft.NETCore.Platforms@5.0.0", "nuget:System.Runtime.CompilerServices.Unsafe@6.0.0"}},
	}
	for _, tt := range tests {
		c := find(t, p, tt.ref)
		if c.Scope != tt.scope || c.Direct != tt.direct {
			t.Errorf("%s: scope %s direct %v, want %s %v", tt.ref, c.Scope, c.Direct, tt.scope, tt.direct)
		}
		if diff := cmp.Diff(tt.deps, p.Edges[c.Key()]); diff != "" {
			t.Errorf("%s edges (-want +got):\n%s", tt.ref, diff)
		}
	}
	if diff := cmp.Diff([]string{
		"nuget:K4os.Compression.LZ4@1.2.16", "nuget:Microsoft.SourceLink.AzureRepos.Git@1.1.1", "nuget:NETStandard.Library@2.0.3",
		"nuget:SixLabors.ImageSharp@2.1.3", "nuget:System.Memory@4.5.5", "nuget:System.Text.Json@7.0.0",
	}, p.Edges[inventory.RootKey]); diff != "" {
		t.Errorf("root edges (-want +got):\n%s", diff)
	}
	if got := find(t, p, "K4os.Compression.LZ4@1.2.16").Hashes; !cmp.Equal(got, []inventory.Hash{{Algorithm: "SHA-512", Value: "XLNQWNayxeMgd1gv0s6kZywM11kww7rTzu3nPGh8fQNblHGbFt79LC1Sk1/QQ8DIJb2Qfl2p+WlLIOWCSuyi8w=="}}) {
		t.Errorf("hashes %v", got)
	}
	unsafe := find(t, p, "System.Runtime.CompilerServices.Unsafe@6.0.0")
	wantDir := filepath.Join(opts.Cache("nuget"), "system.runtime.compilerservices.unsafe", "6.0.0")
	if !unsafe.Installed || unsafe.Dir != wantDir || !cmp.Equal(unsafe.DeclaredLicenses, []string{"MIT"}) || unsafe.Supplier != "Microsoft" {
		t.Errorf("cached package: installed %v dir %q licenses %v supplier %q", unsafe.Installed, unsafe.Dir, unsafe.DeclaredLicenses, unsafe.Supplier)
	}
	if c := find(t, p, "SixLabors.ImageSharp@2.1.3"); c.Installed || c.Dir != "" {
		t.Errorf("package not in the cache is installed %v at %q", c.Installed, c.Dir)
	}
}

// TestExtractLicensesFromCache checks the three ways a nuspec states a
// license, and that NuGet's placeholder address is not taken for one.
func TestExtractLicensesFromCache(t *testing.T) {
	opts := cacheOpts(t)
	cache := opts.Cache("nuget")
	central := onlyProject(t, scan(t, "testdata/central-packages", "central-packages", opts))
	props := onlyProject(t, scan(t, "testdata/msbuild-props", "msbuild-props", opts))
	deps := onlyProject(t, scan(t, "testdata/deps-json", "deps-json", opts))
	tests := []struct {
		name     string
		c        *inventory.Component
		declared []string
		files    []string
	}{
		{"expression", find(t, deps, "Newtonsoft.Json@13.0.1"), []string{"MIT"}, nil},
		{"expression of a development dependency", find(t, central, "ConfigureAwaitChecker.Analyzer@5.0.0.1"), []string{"MIT"}, nil},
		{"file, placeholder licenseUrl dropped", find(t, central, "Microsoft.NET.Test.Sdk@17.6.3"), nil,
			[]string{filepath.Join(cache, "microsoft.net.test.sdk", "17.6.3", "LICENSE_NET.txt")}},
		{"licenseUrl only", find(t, props, "RichardSzalay.MockHttp@6.0.0"), []string{"https://github.com/richardszalay/mockhttp/blob/master/LICENSE"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.declared, tt.c.DeclaredLicenses); diff != "" {
				t.Errorf("declared (-want +got):\n%s", diff)
			}
			var files []string
			for _, f := range tt.c.LicenseFiles {
				files = append(files, f.AbsPath())
				if f.Kind != "license" || f.Path != filepath.ToSlash(f.AbsPath()) {
					t.Errorf("license file %+v", f)
				}
			}
			if diff := cmp.Diff(tt.files, files); diff != "" {
				t.Errorf("license files (-want +got):\n%s", diff)
			}
			if !tt.c.Installed || tt.c.Dir == "" {
				t.Errorf("installed %v dir %q", tt.c.Installed, tt.c.Dir)
			}
		})
	}
}

// TestExtractDepsJSON checks the application manifest: the application is
// the project, another project of the solution passes its dependencies on.
func TestExtractDepsJSON(t *testing.T) {
	p := onlyProject(t, scan(t, "testdata/deps-json", "deps-json", cacheOpts(t)))
	if p.Name != "TestLibrary" || p.Version != "1.0.0" || p.Source != "deps.json" || p.Path != "deps-json/TestLibrary.deps.json" {
		t.Errorf("project %s@%s from %s at %s", p.Name, p.Version, p.Source, p.Path)
	}
	for _, c := range p.Components {
		if c.Name == "TestLibrary" || c.Name == "TestCommon" {
			t.Errorf("project library %s is a component", c.Ref())
		}
		if c.Scope != inventory.ScopeProd {
			t.Errorf("%s scope %s", c.Ref(), c.Scope)
		}
	}
	aws := find(t, p, "AWSSDK.Core@3.7.10.6")
	if aws.Direct || !cmp.Equal(aws.Paths, [][]string{{"AWSSDK.Core@3.7.10.6"}}) {
		t.Errorf("AWSSDK.Core through TestCommon: direct %v paths %v", aws.Direct, aws.Paths)
	}
	if c := find(t, p, "Serilog.Sinks.Console@4.0.1"); !c.Direct || !cmp.Equal(p.Edges[c.Key()], []string{"nuget:Serilog@2.10.0"}) {
		t.Errorf("Serilog.Sinks.Console: direct %v edges %v", c.Direct, p.Edges[c.Key()])
	}
	if h := find(t, p, "Newtonsoft.Json@13.0.1").Hashes; !cmp.Equal(h, []inventory.Hash{{Algorithm: "SHA-512", Value: "ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A=="}}) {
		t.Errorf("hash %v", h)
	}
}

// TestExtractSelfContained checks that the runtime a self-contained
// application carries is a component under its package name.
func TestExtractSelfContained(t *testing.T) {
	p := onlyProject(t, scan(t, "testdata/self-contained", "self-contained", cacheOpts(t)))
	rt := find(t, p, "Microsoft.NETCore.App.Runtime.osx-arm64@9.0.1")
	if !rt.Direct || rt.PURL != "pkg:nuget/Microsoft.NETCore.App.Runtime.osx-arm64@9.0.1" || len(rt.Hashes) != 0 {
		t.Errorf("runtime pack: direct %v purl %s hashes %v", rt.Direct, rt.PURL, rt.Hashes)
	}
}

// TestExtractProjectFiles checks central package management, properties
// from Directory.Build.props and test projects.
func TestExtractProjectFiles(t *testing.T) {
	opts := cacheOpts(t)
	central := onlyProject(t, scan(t, "testdata/central-packages", "central-packages", opts))
	props := onlyProject(t, scan(t, "testdata/msbuild-props", "msbuild-props", opts))
	tests := []struct {
		p        *inventory.Project
		ref      string
		location string
	}{
		// The version comes from Directory.Packages.props.
		{central, "Microsoft.NET.Test.Sdk@17.6.3", "central-packages/ThirdPartyLibraries.Domain.Test/ThirdPartyLibraries.Domain.Test.csproj"},
		// A reference every project gets from Directory.Packages.props.
		{central, "StyleCop.Analyzers.Unstable@1.2.0.507", "central-packages/Directory.Packages.props"},
		// $(MoqVersion) is defined in Directory.Build.props.
		{props, "Moq@4.16.1", "msbuild-props/ThirdPartyLibraries.Generic.Test/ThirdPartyLibraries.Generic.Test.csproj"},
		{props, "StyleCop.Analyzers.Unstable@1.2.0.376", "msbuild-props/Directory.Build.props"},
	}
	for _, tt := range tests {
		c := find(t, tt.p, tt.ref)
		if !c.Direct || c.Scope != inventory.ScopeDev || !cmp.Equal(c.Locations, []string{tt.location}) {
			t.Errorf("%s: direct %v scope %s locations %v", tt.ref, c.Direct, c.Scope, c.Locations)
		}
	}
	if props.Version != "2.1.3" || props.Source != "project file" {
		t.Errorf("project version %q source %q", props.Version, props.Source)
	}
	for _, p := range []*inventory.Project{central, props} {
		if !cmp.Equal(p.Notes, []string{testProjectNote}) {
			t.Errorf("%s notes %q", p.Path, p.Notes)
		}
	}
}

// TestExtractProblems checks that unreadable files are problems naming
// them, and that hostile XML is refused without expanding anything.
func TestExtractProblems(t *testing.T) {
	inv := scan(t, "testdata/broken", "broken", cacheOpts(t))
	want := []inventory.Problem{
		{Path: "broken/entities/packages.config", Message: "parse packages.config: DOCTYPE and ENTITY declarations are not allowed"},
		{Path: "broken/lock/packages.lock.json", Message: "parse packages.lock.json: invalid JSON at byte 107: unexpected end of JSON input"},
		{Path: "broken/xxe/Xxe.csproj", Message: "parse Xxe.csproj: DOCTYPE and ENTITY declarations are not allowed"},
	}
	if diff := cmp.Diff(want, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(inv.Projects) != 0 {
		t.Errorf("projects from broken files: %+v", inv.Projects)
	}
}

// writeTree creates files below dir; a value starting with "@" copies the
// testdata file it names.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if src, ok := strings.CutPrefix(content, "@"); ok {
			data, err := os.ReadFile(filepath.Join("testdata", src))
			if err != nil {
				t.Fatal(err)
			}
			content = string(data)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestExtractBuildOutput checks that a deps.json in a project's bin folder
// is left to the project, while one elsewhere is read.
func TestExtractBuildOutput(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"app/ArknightsResources.Utility.csproj":                        "@lockfile/ArknightsResources.Utility.csproj",
		"app/bin/Release/net6.0/TestLibrary.deps.json":                 "@deps-json/TestLibrary.deps.json",
		"app/obj/Release/net6.0/publish/TestLibrary.deps.json":         "@deps-json/TestLibrary.deps.json",
		"image/app/TestLibrary.deps.json":                              "@deps-json/TestLibrary.deps.json",
		"image/app/bin/selfcontained.deps.json":                        "@self-contained/selfcontained.deps.json",
		".nuget/packages/some.tool/1.0.0/tools/net6.0/any/x.deps.json": "@deps-json/TestLibrary.deps.json",
	})
	inv := scan(t, dir, "root", cacheOpts(t))
	var got []string
	for _, p := range inv.Projects {
		got = append(got, p.Path+" "+p.Source)
	}
	want := []string{
		"root/app/ArknightsResources.Utility.csproj project file",
		"root/image/app/TestLibrary.deps.json deps.json",
		"root/image/app/bin/selfcontained.deps.json deps.json",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("projects (-want +got):\n%s", diff)
	}
	// Without a lock file, the project file's references at their
	// stated versions, development scope from PrivateAssets.
	p := inv.Projects[0]
	if c := find(t, p, "Microsoft.SourceLink.AzureRepos.Git@1.1.1"); c.Scope != inventory.ScopeDev {
		t.Errorf("SourceLink scope %s", c.Scope)
	}
	if c := find(t, p, "K4os.Compression.LZ4@1.2.16"); c.Scope != inventory.ScopeProd || !c.Direct {
		t.Errorf("K4os scope %s direct %v", c.Scope, c.Direct)
	}
}

// TestExtractNamedFiles checks lock files and packages.config named for
// one of several projects in a directory.
func TestExtractNamedFiles(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"src/ArknightsResources.Utility.csproj":             "@lockfile/ArknightsResources.Utility.csproj",
		"src/packages.ArknightsResources.Utility.lock.json": "@lockfile/packages.lock.json",
		"src/SweetPotato.csproj":                            "@packages-config/SweetPotato.csproj",
		"src/packages.SweetPotato.config":                   "@packages-config/packages.config",
		"src/Other.fsproj":                                  `<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="FSharp.Core" Version="[8.0.100]" /></ItemGroup></Project>`,
	})
	inv := scan(t, dir, "root", cacheOpts(t))
	if len(inv.Problems) > 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	var got []string
	for _, p := range inv.Projects {
		got = append(got, p.Name+" "+p.Path+" "+p.Source)
	}
	want := []string{
		"ArknightsResources.Utility root/src/ArknightsResources.Utility.csproj lockfile",
		"Other root/src/Other.fsproj project file",
		"SweetPotato root/src/packages.SweetPotato.config packages.config",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("projects (-want +got):\n%s", diff)
	}
	// "[8.0.100]" asks for exactly that version.
	if c := find(t, inv.Projects[1], "FSharp.Core@8.0.100"); c.PURL != "pkg:nuget/FSharp.Core@8.0.100" {
		t.Errorf("purl %s", c.PURL)
	}
}

// TestExtractVersionsAsStated checks what happens to versions a project
// file does not pin: ranges and floating versions are kept, missing ones
// and unknown properties are said.
func TestExtractVersionsAsStated(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"App.csproj": `<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <PackageReference Include="Serilog" Version="[2.0,3.0)" />
    <PackageReference Include="Polly" Version="7.*" />
    <PackageReference Include="Dapper" />
    <PackageReference Include="Npgsql" Version="$(NpgsqlVersion)" />
  </ItemGroup>
</Project>`,
	})
	p := onlyProject(t, scan(t, dir, "root", cacheOpts(t)))
	var refs []string
	for _, c := range p.Components {
		refs = append(refs, c.Ref())
	}
	if diff := cmp.Diff([]string{"Dapper@", "Npgsql@$(NpgsqlVersion)", "Polly@7.*", "Serilog@[2.0,3.0)"}, refs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	wantNotes := []string{
		"version ranges are kept as written, not resolved: Polly 7.*, Serilog [2.0,3.0)",
		"no version stated for: Dapper",
		"MSBuild properties this scan cannot evaluate are kept as written: Npgsql $(NpgsqlVersion)",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// TestExtractCaseVariants checks that NuGet ids and versions differing in
// case are one component, spelled as the package spells itself.
func TestExtractCaseVariants(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"packages.lock.json": `{"version": 1, "dependencies": {
  "net6.0": {
    "newtonsoft.json": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1", "contentHash": "ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A=="}
  },
  "net8.0": {
    "NEWTONSOFT.JSON": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1", "contentHash": "ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A=="}
  }}}`,
	})
	p := onlyProject(t, scan(t, dir, "root", cacheOpts(t)))
	if len(p.Components) != 1 {
		t.Fatalf("%d components, want 1", len(p.Components))
	}
	c := p.Components[0]
	if c.Ref() != "Newtonsoft.Json@13.0.1" || c.PURL != "pkg:nuget/Newtonsoft.Json@13.0.1" || len(c.Hashes) != 1 || !c.Direct {
		t.Errorf("component %s %s hashes %v direct %v", c.Ref(), c.PURL, c.Hashes, c.Direct)
	}
}

// TestExtractLegacyPackagesFolder checks a packages.config solution whose
// packages sit in its packages folder, the nuspec only inside the .nupkg.
func TestExtractLegacyPackagesFolder(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Legacy/packages.config": `<?xml version="1.0" encoding="utf-8"?>
<packages>
  <package id="Microsoft.CSharp" version="4.3.0" targetFramework="net472" />
</packages>`,
	})
	pkgDir := filepath.Join(dir, "packages", "Microsoft.CSharp.4.3.0")
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	nuspec, err := os.ReadFile("testdata/nuspec/microsoft.csharp.4.3.0.nuspec")
	if err != nil {
		t.Fatal(err)
	}
	writeZip(t, filepath.Join(pkgDir, "Microsoft.CSharp.4.3.0.nupkg"), map[string][]byte{
		"Microsoft.CSharp.nuspec":       nuspec,
		"lib/netstandard1.3/x.nuspec":   []byte("not the manifest"),
		"[Content_Types].xml":           []byte("<Types/>"),
		"lib/net45/_._":                 nil,
		"package/services/metadata.xml": []byte("<x/>"),
	})
	// An empty cache: the package is only in the packages folder.
	p := onlyProject(t, scan(t, dir, "root", inventory.Options{Caches: map[string]string{"nuget": t.TempDir()}}))
	c := find(t, p, "Microsoft.CSharp@4.3.0")
	if !c.Installed || c.Dir != pkgDir || !cmp.Equal(c.DeclaredLicenses, []string{"http://go.microsoft.com/fwlink/?LinkId=329770"}) || c.Supplier != "Microsoft" {
		t.Errorf("installed %v dir %q licenses %v supplier %q", c.Installed, c.Dir, c.DeclaredLicenses, c.Supplier)
	}
	if p.Name != "Legacy" {
		t.Errorf("project named %q, want its directory's name", p.Name)
	}
}

func writeZip(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestExtractSymlinkedProps checks that a Directory.Packages.props linked
// to a file outside the scanned tree is not read.
func TestExtractSymlinkedProps(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"Directory.Packages.props": "@central-packages/Directory.Packages.props"})
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Domain.Test/Domain.Test.csproj": "@central-packages/ThirdPartyLibraries.Domain.Test/ThirdPartyLibraries.Domain.Test.csproj"})
	if err := os.Symlink(filepath.Join(outside, "Directory.Packages.props"), filepath.Join(dir, "Directory.Packages.props")); err != nil {
		t.Skip("symlinks not available:", err)
	}
	p := onlyProject(t, scan(t, dir, "root", cacheOpts(t)))
	var refs []string
	for _, c := range p.Components {
		refs = append(refs, c.Ref())
	}
	if diff := cmp.Diff([]string{"Microsoft.NET.Test.Sdk@", "NUnit3TestAdapter@"}, refs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
}

// TestExtractCancelled checks that a cancelled scan stops with the
// context's error.
func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	abs, err := filepath.Abs("testdata/lockfile")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = New().Extract(ctx, abs, []string{filepath.Join(abs, "packages.lock.json")}, cacheOpts(t))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestWants(t *testing.T) {
	fsys := fstest.MapFS{}
	tests := []struct {
		rel  string
		want bool
	}{
		{"packages.lock.json", true},
		{"src/App/packages.lock.json", true},
		{"src/App/packages.App.lock.json", true},
		{"src/App/Packages.Config", true},
		{"src/App/packages.App.config", true},
		{"src/App/App.csproj", true},
		{"src/App/App.FSPROJ", true},
		{"src/App/App.vbproj", true},
		{"publish/App.deps.json", true},
		{"publish/App.runtimeconfig.json", false},
		{".deps.json", false},
		{"packages..lock.json", false},
		{"package.json", false},
		{"Directory.Packages.props", false},
		{"src/App/App.sln", false},
		{"home/.nuget/packages/tool/1.0.0/tools/x.deps.json", false},
		{"home/.nuget/packages/x/1.0.0/content/x.csproj", false},
	}
	for _, tt := range tests {
		fsys[tt.rel] = &fstest.MapFile{}
	}
	for _, tt := range tests {
		d, err := fs.Stat(fsys, tt.rel)
		if err != nil {
			t.Fatal(err)
		}
		if got := New().Wants(tt.rel, fs.FileInfoToDirEntry(d)); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
	dirFS := fstest.MapFS{"x.csproj/a": &fstest.MapFile{}}
	d, _ := fs.Stat(dirFS, "x.csproj")
	if New().Wants("x.csproj", fs.FileInfoToDirEntry(d)) {
		t.Error("a directory named x.csproj is wanted")
	}
}

func TestSupports(t *testing.T) {
	rows := New().Supports()
	if len(rows) != 4 {
		t.Fatalf("%d rows, want one per input kind", len(rows))
	}
	for _, r := range rows {
		if r.Files == "" || r.Gives == "" || r.Licenses == "" {
			t.Errorf("incomplete row %+v", r)
		}
	}
	if New().Name() != "nuget" {
		t.Errorf("name %q", New().Name())
	}
}

// TestExtractSingleFile checks a scan of one lock file: the project file
// beside it still names the project and marks development dependencies,
// without becoming a project of its own.
func TestExtractSingleFile(t *testing.T) {
	p := onlyProject(t, scan(t, "testdata/lockfile/packages.lock.json", "lockfile/packages.lock.json", cacheOpts(t)))
	if p.Name != "ArknightsResources.Utility" || p.Path != "lockfile/ArknightsResources.Utility.csproj" || len(p.Components) != 17 {
		t.Errorf("project %q at %q with %d components", p.Name, p.Path, len(p.Components))
	}
	if c := find(t, p, "Microsoft.SourceLink.AzureRepos.Git@1.1.1"); c.Scope != inventory.ScopeDev {
		t.Errorf("SourceLink scope %s", c.Scope)
	}
}

// TestExtractTestProjects checks how a test project is recognised, and
// that IsTestProject=false wins over a reference to the test SDK.
func TestExtractTestProjects(t *testing.T) {
	tests := []struct {
		name, project string
		test          bool
	}{
		{"test SDK", `<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="microsoft.net.test.sdk" Version="17.6.3" /><PackageReference Include="Dapper" Version="2.0.0" /></ItemGroup></Project>`, true},
		{"MSTest SDK", `<Project Sdk="MSTest.Sdk/3.6.1"><ItemGroup><PackageReference Include="Dapper" Version="2.0.0" /></ItemGroup></Project>`, true},
		{"property", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><IsTestProject>$(Yes)</IsTestProject><Yes>true</Yes></PropertyGroup><ItemGroup><PackageReference Include="Dapper" Version="2.0.0" /></ItemGroup></Project>`, true},
		{"helper library", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><IsTestProject>false</IsTestProject></PropertyGroup><ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" Version="17.6.3" /><PackageReference Include="Dapper" Version="2.0.0" /></ItemGroup></Project>`, false},
		{"application", `<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Dapper" Version="2.0.0" /></ItemGroup></Project>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{"App.csproj": tt.project})
			p := onlyProject(t, scan(t, dir, "root", cacheOpts(t)))
			want := inventory.ScopeProd
			if tt.test {
				want = inventory.ScopeDev
			}
			if c := find(t, p, "Dapper@2.0.0"); c.Scope != want {
				t.Errorf("Dapper scope %s, want %s", c.Scope, want)
			}
			if got := cmp.Equal(p.Notes, []string{testProjectNote}); got != tt.test {
				t.Errorf("notes %q", p.Notes)
			}
		})
	}
}
