package maven

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

func TestWants(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"pom.xml", true},
		{"core/pom.xml", true},
		{"src/test/resources/unit/pom.xml", false},
		{"plugin/src/it/simple/pom.xml", false},
		{"target/classes/META-INF/maven/g/a/pom.xml", false},
		{"parent.pom", false},
		{"gradle.lockfile", true},
		{"app/buildscript-gradle.lockfile", true},
		{"settings-gradle.lockfile", true},
		{"gradle/dependency-locks/compileClasspath.lockfile", true},
		{"app/gradle/dependency-locks/default.lockfile", true},
		{"other.lockfile", false},
		{"lib/commons-io-2.11.0.jar", true},
		{"dist/shop.WAR", true},
		{"app.ear", true},
		{"lib/commons-io-2.11.0-sources.jar", false},
		{"lib/commons-io-2.11.0-javadoc.jar", false},
		{"build.gradle", false},
	}
	fsys := fstest.MapFS{}
	for _, tt := range tests {
		fsys[tt.rel] = &fstest.MapFile{}
	}
	e := New()
	for _, tt := range tests {
		info, err := fs.Stat(fsys, tt.rel)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Wants(tt.rel, fs.FileInfoToDirEntry(info)); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
	fsys["dir.jar"] = &fstest.MapFile{Mode: fs.ModeDir}
	info, _ := fs.Stat(fsys, "dir.jar")
	if e.Wants("dir.jar", fs.FileInfoToDirEntry(info)) {
		t.Error("a directory named .jar is wanted")
	}
}

// comp is what the tests compare of a component; Dir is shown relative
// to testdata.
type comp struct {
	Ref        string
	Scope      inventory.Scope
	Direct     bool
	Installed  bool
	Dir        string
	Licenses   []string
	Supplier   string
	Homepage   string
	Repository string
	Hashes     []string
	Locations  []string
}

func comps(t testing.TB, p *inventory.Project) []comp {
	t.Helper()
	td, _ := filepath.Abs("testdata")
	var out []comp
	for _, c := range p.Components {
		x := comp{Ref: c.Ref(), Scope: c.Scope, Direct: c.Direct, Installed: c.Installed, Licenses: c.DeclaredLicenses,
			Supplier: c.Supplier, Homepage: c.Homepage, Repository: c.Repository, Locations: c.Locations}
		if c.Dir != "" {
			r, err := filepath.Rel(td, c.Dir)
			if err != nil {
				t.Fatal(err)
			}
			x.Dir = filepath.ToSlash(r)
		}
		for _, h := range c.Hashes {
			x.Hashes = append(x.Hashes, h.Algorithm+":"+h.Value)
		}
		wantPURL := "pkg:maven/" + strings.Replace(c.Name, ":", "/", 1)
		if c.Version != "" {
			wantPURL += "@" + c.Version
		}
		if c.PURL != wantPURL {
			t.Errorf("%s: purl %s, want %s", c.Ref(), c.PURL, wantPURL)
		}
		out = append(out, x)
	}
	return out
}

// edges lists a project's edges as "from -> to" with refs, sorted.
func edges(p *inventory.Project) []string {
	ref := map[string]string{inventory.RootKey: "(project)"}
	for _, c := range p.Components {
		ref[c.Key()] = c.Ref()
	}
	var out []string
	for from, tos := range p.Edges {
		for _, to := range tos {
			out = append(out, ref[from]+" -> "+ref[to])
		}
	}
	sort.Strings(out)
	return out
}

// scan runs a whole scan of testdata/dir with the fixture repositories.
func scan(t *testing.T, dir string, caches string) *inventory.Inventory {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Scan(context.Background(), abs, "proj", []inventory.Extractor{New()},
		inventory.Options{Caches: map[string]string{"maven": caches}})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

const mitLicense = "MIT License"

func TestExtractReactor(t *testing.T) {
	inv := scan(t, "reactor", testRepos(t))
	if len(inv.Problems) > 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects, want the reactor only", len(inv.Projects))
	}
	p := inv.Projects[0]
	head := inventory.Project{Ecosystem: p.Ecosystem, Name: p.Name, Version: p.Version, Path: p.Path, Source: p.Source, Notes: p.Notes}
	wantHead := inventory.Project{
		Ecosystem: "maven", Name: "org.example.shop:shop", Version: "2.3.0", Path: "proj/pom.xml", Source: "pom.xml+repository",
		Notes: []string{
			"3 of 12 dependencies could not be resolved offline (their POMs are not in a local Maven repository), so the graph stops there: com.google.guava:guava@debian, junit:junit@4.13.2, org.slf4j:slf4j-nop@2.0.0-alpha1-SNAPSHOT",
			"1 dependency has no resolvable version (a range, an undefined property, or a version managed by a parent or BOM that is not available): org.example.legacy:legacy-util ${loop.a}",
			"reactor of 3 modules: their own artifacts are not components",
		},
	}
	if diff := cmp.Diff(wantHead, head); diff != "" {
		t.Errorf("project (-want +got):\n%s", diff)
	}
	root, core, app := "proj/pom.xml", "proj/core/pom.xml", "proj/app/pom.xml"
	want := []comp{
		// guice is a test dependency of core: what it brings is dev too.
		{Ref: "aopalliance:aopalliance@1.0", Scope: "dev", Installed: true, Dir: "debian/maven-repo/aopalliance/aopalliance/debian", Locations: []string{core}},
		{Ref: "com.google.guava:guava@debian", Scope: "dev", Locations: []string{core}},
		{Ref: "com.google.inject:guice@4.2.3", Scope: "dev", Direct: true, Locations: []string{core}},
		{Ref: "commons-cli:commons-cli@1.5.0", Scope: "prod", Direct: true, Locations: []string{core}},
		// provided, its version from the parent's management through a
		// nested property.
		{Ref: "commons-io:commons-io@2.11.0", Scope: "optional", Direct: true, Locations: []string{core}},
		{Ref: "javax.inject:javax.inject@1", Scope: "dev", Installed: true, Dir: "debian/maven-repo/javax/inject/javax.inject/debian", Locations: []string{core}},
		// Inherited by every module from the reactor root.
		{Ref: "junit:junit@4.13.2", Scope: "dev", Direct: true, Locations: []string{root, core, app}},
		// 3.x is relocated to Debian's packaged version.
		{Ref: "org.apache.commons:commons-lang3@3.12.0", Scope: "dev", Direct: true, Locations: []string{app}},
		{Ref: "org.example.legacy:legacy-util@", Scope: "prod", Direct: true, Locations: []string{core}},
		{Ref: "org.slf4j:jcl-over-slf4j@1.7.32", Scope: "optional", Direct: true, Installed: true, Dir: "debian/maven-repo/org/slf4j/jcl-over-slf4j/1.7.32", Locations: []string{app}},
		// Licenses and organization come from the parent POM.
		{Ref: "org.slf4j:slf4j-api@1.7.18", Scope: "prod", Direct: true, Licenses: []string{mitLicense}, Supplier: "QOS.ch", Homepage: "http://www.slf4j.org", Locations: []string{core, app}},
		// Managed by the imported BOM, which is not in the repositories'
		// version of it.
		{Ref: "org.slf4j:slf4j-nop@2.0.0-alpha1-SNAPSHOT", Scope: "prod", Direct: true, Locations: []string{app}},
		{Ref: "org.slf4j:slf4j-simple@1.7.18", Scope: "prod", Direct: true, Installed: true, Dir: "m2/org/slf4j/slf4j-simple/1.7.18",
			Licenses: []string{mitLicense}, Supplier: "QOS.ch", Homepage: "http://www.slf4j.org",
			Hashes: []string{"SHA-1:9383267ffbc8a9b1d5daeaed8d1af11e2dbc6fa9"}, Locations: []string{app}},
	}
	if diff := cmp.Diff(want, comps(t, p), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	wantEdges := []string{
		"(project) -> com.google.inject:guice@4.2.3",
		"(project) -> commons-cli:commons-cli@1.5.0",
		"(project) -> commons-io:commons-io@2.11.0",
		"(project) -> junit:junit@4.13.2",
		"(project) -> org.apache.commons:commons-lang3@3.12.0",
		"(project) -> org.example.legacy:legacy-util@",
		"(project) -> org.slf4j:jcl-over-slf4j@1.7.32",
		"(project) -> org.slf4j:slf4j-api@1.7.18",
		"(project) -> org.slf4j:slf4j-nop@2.0.0-alpha1-SNAPSHOT",
		"(project) -> org.slf4j:slf4j-simple@1.7.18",
		"com.google.inject:guice@4.2.3 -> aopalliance:aopalliance@1.0",
		"com.google.inject:guice@4.2.3 -> com.google.guava:guava@debian",
		"com.google.inject:guice@4.2.3 -> javax.inject:javax.inject@1",
		// jcl-over-slf4j asks for Debian's slf4j-api; the project's
		// management pins the transitive one to 1.7.18. slf4j-simple's
		// slf4j-api is excluded.
		"org.slf4j:jcl-over-slf4j@1.7.32 -> org.slf4j:slf4j-api@1.7.18",
	}
	if diff := cmp.Diff(wantEdges, edges(p)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

// Without any repository the POMs alone still give the direct
// dependencies, and every one is recorded as not installed.
func TestExtractReactorOffline(t *testing.T) {
	inv := scan(t, "reactor", t.TempDir())
	p := inv.Projects[0]
	var got []string
	for _, c := range p.Components {
		got = append(got, c.Ref()+" "+string(c.Scope))
		if c.Installed || len(p.Edges[c.Key()]) > 0 {
			t.Errorf("%s: installed or with dependencies", c.Ref())
		}
	}
	want := []string{
		"com.google.inject:guice@4.2.3 dev",
		"commons-cli:commons-cli@1.5.0 prod",
		"commons-io:commons-io@2.11.0 optional",
		"junit:junit@4.13.2 dev",
		"org.apache.commons:commons-lang3@3.x dev",
		"org.example.legacy:legacy-util@ prod",
		"org.slf4j:jcl-over-slf4j@1.7.32 optional",
		"org.slf4j:slf4j-api@1.7.18 prod",
		"org.slf4j:slf4j-nop@ prod",
		"org.slf4j:slf4j-simple@1.7.18 prod",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	if p.Source != "pom.xml" {
		t.Errorf("source %q", p.Source)
	}
	wantNote := "imported BOM org.slf4j:slf4j-bom:2.0.0-alpha1-SNAPSHOT is not in a local Maven repository: the versions it manages are unknown"
	found := false
	for _, n := range p.Notes {
		found = found || strings.HasSuffix(n, wantNote)
	}
	if !found {
		t.Errorf("notes %q lack the missing BOM", p.Notes)
	}
}

func TestExtractJars(t *testing.T) {
	inv := scan(t, "jars", testRepos(t))
	wantProblems := []inventory.Problem{{Path: "proj/broken/not-a-zip.jar", Message: "not a Java archive (zip)"}}
	if diff := cmp.Diff(wantProblems, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(inv.Projects) != 2 {
		t.Fatalf("%d projects, want lib and webapp", len(inv.Projects))
	}
	lib, web := inv.Projects[0], inv.Projects[1]
	if lib.Path != "proj/lib" || lib.Name != "jars" || lib.Source != "jar" || web.Path != "proj/webapp" {
		t.Errorf("projects %s %s %s, %s", lib.Path, lib.Name, lib.Source, web.Path)
	}
	shaded := "proj/lib/wagon-http-shaded-3.5.3.jar"
	wantLib := []comp{
		{Ref: "commons-codec:commons-codec@1.15", Scope: "prod", Installed: true, Supplier: "Henri Yandell",
			Homepage: "https://commons.apache.org/proper/commons-codec/", Repository: "https://github.com/apache/commons-codec", Locations: []string{shaded}},
		// No pom.properties: the manifest names it and states its license.
		{Ref: "guice-multibindings@4.2.3", Scope: "prod", Direct: true, Installed: true, Licenses: []string{"http://www.apache.org/licenses/LICENSE-2.0.txt"},
			Supplier: "Google, Inc.", Homepage: "https://github.com/google/guice",
			Hashes:    []string{"SHA-1:dc88a38f79f121cea3c09a0a2445947009120d8f", "SHA-256:72962d12d0b4b5ecfcd34b159558d9a4fd06c2ee32349bc7f02f1f9e0369440c"},
			Locations: []string{"proj/lib/guice-multibindings.jar"}},
		{Ref: "org.apache.httpcomponents:httpclient@4.5.14", Scope: "prod", Installed: true, Homepage: "http://hc.apache.org/httpcomponents-client-ga", Locations: []string{shaded}},
		{Ref: "org.apache.httpcomponents:httpcore@4.4.16", Scope: "prod", Installed: true, Homepage: "http://hc.apache.org/httpcomponents-core-ga", Locations: []string{shaded}},
		// The shaded jar is the pom.properties its file name names.
		{Ref: "org.apache.maven.wagon:wagon-http@3.5.3", Scope: "prod", Direct: true, Installed: true,
			Hashes:    []string{"SHA-1:4a26ff6253a2c57a98c57b68ed34db11862d3513", "SHA-256:21e11921d1ed57c784460cac0d313c8e013ddbcca8f35e1becdde406a992900b"},
			Locations: []string{shaded}},
		{Ref: "org.apache.maven.wagon:wagon-http-shared@3.5.3", Scope: "prod", Installed: true, Locations: []string{shaded}},
		{Ref: "org.slf4j:slf4j-nop@1.7.32", Scope: "prod", Direct: true, Installed: true, Supplier: "SLF4J.ORG", Homepage: "http://www.slf4j.org",
			Hashes:    []string{"SHA-1:bc17e71a2d21e2d580011fe3b966340ef88aa1cb", "SHA-256:8c4633e2eafa8dd675ea86ec2070611685e7b3228121356b3f15b8c6b417460f"},
			Locations: []string{"proj/lib/slf4j-nop.jar"}},
	}
	if diff := cmp.Diff(wantLib, comps(t, lib), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("lib components (-want +got):\n%s", diff)
	}
	wantLibEdges := []string{
		"(project) -> guice-multibindings@4.2.3",
		"(project) -> org.apache.maven.wagon:wagon-http@3.5.3",
		"(project) -> org.slf4j:slf4j-nop@1.7.32",
		"org.apache.maven.wagon:wagon-http@3.5.3 -> commons-codec:commons-codec@1.15",
		"org.apache.maven.wagon:wagon-http@3.5.3 -> org.apache.httpcomponents:httpclient@4.5.14",
		"org.apache.maven.wagon:wagon-http@3.5.3 -> org.apache.httpcomponents:httpcore@4.4.16",
		"org.apache.maven.wagon:wagon-http@3.5.3 -> org.apache.maven.wagon:wagon-http-shared@3.5.3",
	}
	if diff := cmp.Diff(wantLibEdges, edges(lib)); diff != "" {
		t.Errorf("lib edges (-want +got):\n%s", diff)
	}
	war := "proj/webapp/shop-app-2.3.0.war"
	wantWeb := []comp{
		{Ref: "guice-multibindings@4.2.3", Scope: "prod", Installed: true, Licenses: []string{"http://www.apache.org/licenses/LICENSE-2.0.txt"},
			Supplier: "Google, Inc.", Homepage: "https://github.com/google/guice",
			Hashes:    []string{"SHA-1:dc88a38f79f121cea3c09a0a2445947009120d8f", "SHA-256:72962d12d0b4b5ecfcd34b159558d9a4fd06c2ee32349bc7f02f1f9e0369440c"},
			Locations: []string{war + "!/WEB-INF/lib/guice-multibindings-4.2.3.jar"}},
		// An empty license name gives way to its url.
		{Ref: "org.example.shop:shop-app@2.3.0", Scope: "prod", Direct: true, Installed: true, Licenses: []string{"https://www.apache.org/licenses/LICENSE-2.0.txt"},
			Supplier: "Example Shop Ltd", Homepage: "https://shop.example.org",
			Hashes:    []string{"SHA-1:c1bd0f193ef956d43575bda3e9fd5ea0fba12c9a", "SHA-256:7453a614239d96844ed19931d810dacd2d0bf21a621bc634ca9237f10dc8af87"},
			Locations: []string{war}},
		{Ref: "org.slf4j:slf4j-nop@1.7.32", Scope: "prod", Installed: true, Supplier: "SLF4J.ORG", Homepage: "http://www.slf4j.org",
			Hashes:    []string{"SHA-1:bc17e71a2d21e2d580011fe3b966340ef88aa1cb", "SHA-256:8c4633e2eafa8dd675ea86ec2070611685e7b3228121356b3f15b8c6b417460f"},
			Locations: []string{war + "!/WEB-INF/lib/slf4j-nop-1.7.32.jar"}},
	}
	if diff := cmp.Diff(wantWeb, comps(t, web), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("webapp components (-want +got):\n%s", diff)
	}
	wantWebEdges := []string{
		"(project) -> org.example.shop:shop-app@2.3.0",
		"org.example.shop:shop-app@2.3.0 -> guice-multibindings@4.2.3",
		"org.example.shop:shop-app@2.3.0 -> org.slf4j:slf4j-nop@1.7.32",
	}
	if diff := cmp.Diff(wantWebEdges, edges(web)); diff != "" {
		t.Errorf("webapp edges (-want +got):\n%s", diff)
	}
}

// Jars of a Maven repository layout are read through their POMs, never
// as archives of the tree.
func TestExtractSkipsRepositoryJars(t *testing.T) {
	inv := scan(t, "m2", t.TempDir())
	if len(inv.Projects) != 0 || len(inv.Problems) != 0 {
		t.Errorf("projects %v, problems %v", inv.Projects, inv.Problems)
	}
}

func TestExtractGradle(t *testing.T) {
	inv := scan(t, "gradle", testRepos(t))
	wantProblems := []inventory.Problem{{Path: "proj/broken/gradle.lockfile",
		Message: `parse Gradle lockfile: line 4: "org.slf4j:slf4j-api=compileClasspath" is not group:artifact:version`}}
	if diff := cmp.Diff(wantProblems, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(inv.Projects) != 2 {
		t.Fatalf("%d projects", len(inv.Projects))
	}
	legacy, maybe := inv.Projects[0], inv.Projects[1]
	if legacy.Name != "test-gradle-dependency-locking" || legacy.Path != "proj/legacy/gradle/dependency-locks" || legacy.Source != "lockfile" {
		t.Errorf("legacy project %s %s %s", legacy.Name, legacy.Path, legacy.Source)
	}
	cc, def := "proj/legacy/gradle/dependency-locks/compileClasspath.lockfile", "proj/legacy/gradle/dependency-locks/default.lockfile"
	wantLegacy := []comp{
		{Ref: "org.springframework:spring-beans@5.0.7.RELEASE", Scope: "optional", Locations: []string{cc}},
		{Ref: "org.springframework:spring-beans@5.1.3.RELEASE", Scope: "prod", Locations: []string{def}},
		{Ref: "org.springframework:spring-core@5.0.7.RELEASE", Scope: "optional", Locations: []string{cc}},
		{Ref: "org.springframework:spring-core@5.1.3.RELEASE", Scope: "prod", Locations: []string{def}},
		{Ref: "org.springframework:spring-jcl@5.0.7.RELEASE", Scope: "optional", Locations: []string{cc}},
		{Ref: "org.springframework:spring-jcl@5.1.3.RELEASE", Scope: "prod", Locations: []string{def}},
	}
	if diff := cmp.Diff(wantLegacy, comps(t, legacy), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("legacy components (-want +got):\n%s", diff)
	}
	if len(legacy.Edges) != 0 || len(legacy.Notes) != 1 || !strings.Contains(legacy.Notes[0], "6 of 6 locked modules have no POM") {
		t.Errorf("legacy edges %v, notes %q", legacy.Edges, legacy.Notes)
	}
	if maybe.Name != "maybe" || maybe.Path != "proj/maybe/gradle.lockfile" || len(maybe.Components) != 56 {
		t.Errorf("maybe project %s %s with %d components", maybe.Name, maybe.Path, len(maybe.Components))
	}
	scopes := map[string]inventory.Scope{}
	for _, c := range maybe.Components {
		scopes[c.Ref()] = c.Scope
	}
	wantScopes := map[string]inventory.Scope{
		"com.google.code.findbugs:jsr305@3.0.2":              inventory.ScopeOptional, // checkstyle, compileClasspath
		"org.eclipse.jdt:org.eclipse.jdt.annotation@2.2.600": inventory.ScopeOptional,
		"org.junit.jupiter:junit-jupiter-engine@5.9.2":       inventory.ScopeDev,
		"com.puppycrawl.tools:checkstyle@10.6.0":             inventory.ScopeDev,
		"org.jacoco:org.jacoco.agent@0.8.8":                  inventory.ScopeDev,
		"org.apache.commons:commons-lang3@3.11":              inventory.ScopeDev, // buildscript
	}
	for ref, want := range wantScopes {
		if scopes[ref] != want {
			t.Errorf("%s: scope %q, want %s", ref, scopes[ref], want)
		}
	}
}

// When every locked module's POM is at hand, the POMs link them and the
// modules nothing else needs are the direct ones.
func TestExtractGradleGraph(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "gradle.lockfile"),
		"org.slf4j:slf4j-api:1.7.18=compileClasspath,runtimeClasspath\norg.slf4j:slf4j-simple:1.7.18=runtimeClasspath\nempty=\n")
	ps, probs, err := New().Extract(context.Background(), dir, []string{filepath.Join(dir, "gradle.lockfile")},
		inventory.Options{Root: dir, Display: "proj", Caches: map[string]string{"maven": testRepos(t)}})
	if err != nil || len(probs) != 0 || len(ps) != 1 {
		t.Fatalf("%v %v %d", err, probs, len(ps))
	}
	p := ps[0]
	want := []comp{
		{Ref: "org.slf4j:slf4j-api@1.7.18", Scope: "prod", Licenses: []string{mitLicense}, Supplier: "QOS.ch", Homepage: "http://www.slf4j.org", Locations: []string{"proj/gradle.lockfile"}},
		{Ref: "org.slf4j:slf4j-simple@1.7.18", Scope: "prod", Direct: true, Installed: true, Dir: "m2/org/slf4j/slf4j-simple/1.7.18",
			Licenses: []string{mitLicense}, Supplier: "QOS.ch", Homepage: "http://www.slf4j.org",
			Hashes: []string{"SHA-1:9383267ffbc8a9b1d5daeaed8d1af11e2dbc6fa9"}, Locations: []string{"proj/gradle.lockfile"}},
	}
	if diff := cmp.Diff(want, comps(t, p), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	wantEdges := []string{"(project) -> org.slf4j:slf4j-simple@1.7.18", "org.slf4j:slf4j-simple@1.7.18 -> org.slf4j:slf4j-api@1.7.18"}
	if diff := cmp.Diff(wantEdges, edges(p)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if p.Source != "lockfile+repository" || len(p.Notes) != 0 {
		t.Errorf("source %q, notes %q", p.Source, p.Notes)
	}
}

// Hostile and broken POMs in the tree are problems; the other projects
// are still read.
func TestExtractBadPOMs(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "root")
	writeFile(t, filepath.Join(base, "outside", "pom.xml"), `<project><artifactId>outside</artifactId></project>`)
	writeFile(t, filepath.Join(dir, "bomb", "pom.xml"), `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<project><artifactId>&lol1;</artifactId></project>`)
	writeFile(t, filepath.Join(dir, "xxe", "pom.xml"), `<!DOCTYPE project [<!ENTITY x SYSTEM "file:///etc/passwd">]><project><name>&x;</name></project>`)
	writeFile(t, filepath.Join(dir, "broken", "pom.xml"), `<project><dependencies>`)
	writeFile(t, filepath.Join(dir, "ok", "pom.xml"), `<project><groupId>g</groupId><artifactId>ok</artifactId><version>1</version>
<modules><module>missing</module><module>../../outside</module></modules>
<dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>[1.0,2.0)</version></dependency>
<dependency><groupId>x</groupId><artifactId>z</artifactId><version>[1.5]</version></dependency></dependencies></project>`)
	inv, err := inventory.Scan(context.Background(), dir, "proj", []inventory.Extractor{New()},
		inventory.Options{Caches: map[string]string{"maven": t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	wantProblems := []inventory.Problem{
		{Path: "proj/bomb/pom.xml", Message: ErrEntity.Error()},
		{Path: "proj/broken/pom.xml", Message: "parse XML: XML syntax error on line 1: unexpected EOF"},
		{Path: "proj/xxe/pom.xml", Message: ErrEntity.Error()},
	}
	sort.Slice(inv.Problems, func(i, j int) bool { return inv.Problems[i].Path < inv.Problems[j].Path })
	if diff := cmp.Diff(wantProblems, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects", len(inv.Projects))
	}
	p := inv.Projects[0]
	var refs []string
	for _, c := range p.Components {
		refs = append(refs, c.Ref())
	}
	if diff := cmp.Diff([]string{"x:y@", "x:z@1.5"}, refs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	wantNotes := []string{
		"module missing listed in proj/ok/pom.xml has no POM",
		"module ../../outside listed in proj/ok/pom.xml is not in the scanned tree",
		"1 of 1 dependencies could not be resolved offline (their POMs are not in a local Maven repository), so the graph stops there: x:z@1.5",
		"1 dependency has no resolvable version (a range, an undefined property, or a version managed by a parent or BOM that is not available): x:y [1.0,2.0)",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// A pom.xml handed over on its own is read as a project. Its parent lies
// outside what was scanned, so it is not read: a note says what that
// leaves unknown.
func TestExtractSingleFile(t *testing.T) {
	abs, _ := filepath.Abs(filepath.Join("testdata", "reactor", "core", "pom.xml"))
	inv, err := inventory.Scan(context.Background(), abs, "core/pom.xml", []inventory.Extractor{New()},
		inventory.Options{Caches: map[string]string{"maven": testRepos(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects", len(inv.Projects))
	}
	p := inv.Projects[0]
	if p.Name != "org.example.shop:shop-core" || p.Version != "2.3.0" || p.Path != "core/pom.xml" {
		t.Errorf("project %s %s %s", p.Name, p.Version, p.Path)
	}
	var refs []string
	for _, c := range p.Components {
		refs = append(refs, c.Ref())
	}
	wantRefs := []string{"aopalliance:aopalliance@1.0", "com.google.guava:guava@debian", "com.google.inject:guice@4.2.3",
		"commons-cli:commons-cli@", "commons-io:commons-io@", "javax.inject:javax.inject@1", "org.example.legacy:legacy-util@", "org.slf4j:slf4j-api@"}
	if diff := cmp.Diff(wantRefs, refs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	if len(p.Notes) == 0 || p.Notes[0] != "core/pom.xml: parent POM org.example.shop:shop:2.3.0 is neither in the project nor in a local Maven repository: the properties, managed versions and licenses it declares are unknown" {
		t.Errorf("notes %q", p.Notes)
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	abs, _ := filepath.Abs(filepath.Join("testdata", "reactor", "pom.xml"))
	_, _, err := New().Extract(ctx, filepath.Dir(abs), []string{abs}, inventory.Options{Caches: map[string]string{"maven": testRepos(t)}})
	if err == nil {
		t.Error("no error from a cancelled extraction")
	}
}

func TestDefaultRepositories(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".m2", "repository"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := newRepository("", func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	})
	if len(r.roots) == 0 || r.roots[0] != filepath.Join(home, ".m2", "repository") {
		t.Errorf("roots %q", r.roots)
	}
	for _, root := range r.roots[1:] {
		if root != debianRepo {
			t.Errorf("unexpected root %s", root)
		}
	}
}

func TestSupports(t *testing.T) {
	for _, s := range New().Supports() {
		if s.Files == "" || s.Gives == "" || s.Licenses == "" {
			t.Errorf("incomplete row %+v", s)
		}
	}
	if New().Name() != "maven" {
		t.Error("name")
	}
}
