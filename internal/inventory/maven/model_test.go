package maven

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// testRepos is the fixture repositories: an upstream-style local
// repository and a copy of part of Debian's.
func testRepos(t testing.TB) string {
	t.Helper()
	m2, err := filepath.Abs(filepath.Join("testdata", "m2"))
	if err != nil {
		t.Fatal(err)
	}
	deb, err := filepath.Abs(filepath.Join("testdata", "debian", "maven-repo"))
	if err != nil {
		t.Fatal(err)
	}
	return m2 + string(filepath.ListSeparator) + deb
}

func testBuilder(t testing.TB) *builder {
	root, _ := filepath.Abs("testdata")
	return newBuilder(newRepository(testRepos(t), nil), root, func(s string) string { return s })
}

func TestInterpolate(t *testing.T) {
	props := map[string]string{
		"a": "1", "b": "${a}.2", "c": "${b}.${a}", "loop1": "${loop2}", "loop2": "${loop1}",
		"self": "x${self}", "x1": "${x2}${x2}", "x2": "${x3}${x3}", "x3": strings.Repeat("z", 20000),
	}
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"${a}", "1"},
		{"v${c}-${a}", "v1.2.1-1"},
		{"${missing}", "${missing}"},
		{"${env.HOME}", "${env.HOME}"},
		{"${loop1}", "${loop1}"},
		{"${self}", "x${self}"},
		{"${unclosed", "${unclosed"},
		{"${}", "${}"},
	}
	ip := newInterpolator(props)
	for _, tt := range tests {
		if got := ip.expand(tt.in); got != tt.want {
			t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := ip.expand("${x1}"); len(got) != maxExpanded {
		t.Errorf("expansion of a doubling chain is %d bytes, want the %d bound", len(got), maxExpanded)
	}
}

func TestRepoModel(t *testing.T) {
	b := testBuilder(t)
	tests := []struct {
		name string
		c    coord
		want *model
	}{
		{
			name: "inherits licenses, organization, managed version and test dependency",
			c:    coord{"org.slf4j", "slf4j-simple", "1.7.18"},
			want: &model{
				coord: coord{"org.slf4j", "slf4j-simple", "1.7.18"}, Packaging: "jar",
				Deps: []dependency{
					{G: "org.slf4j", A: "slf4j-api", V: "1.7.18", Scope: "compile"},
					{G: "junit", A: "junit", V: "4.10", Scope: "test"},
				},
				Licenses: []string{"MIT License"}, Supplier: "QOS.ch", URL: "http://www.slf4j.org",
			},
		},
		{
			name: "BOM: managed entries interpolated in its own context",
			c:    coord{"org.slf4j", "slf4j-bom", "2.0.0-alpha1-SNAPSHOT"},
			want: &model{
				coord: coord{"org.slf4j", "slf4j-bom", "2.0.0-alpha1-SNAPSHOT"}, Packaging: "pom",
				Licenses: []string{"MIT License"}, Supplier: "QOS.ch", URL: "http://www.slf4j.org", SCM: "https://github.com/qos-ch/slf4j",
			},
		},
		{
			name: "Debian alias version mapped to the packaged one",
			c:    coord{"javax.inject", "javax.inject", "debian"},
			want: &model{coord: coord{"javax.inject", "javax.inject", "1"}, Packaging: "jar"},
		},
		{
			name: "Debian relocation from 3.x to the packaged version",
			c:    coord{"org.apache.commons", "commons-lang3", "3.x"},
			want: &model{coord: coord{"org.apache.commons", "commons-lang3", "3.12.0"}, Packaging: "jar"},
		},
		{
			name: "dependencies managed through a Debian parent",
			c:    coord{"com.google.inject", "guice", "4.2.3"},
			want: &model{
				coord: coord{"com.google.inject", "guice", "4.2.3"}, Packaging: "jar",
				Deps: []dependency{
					{G: "javax.inject", A: "javax.inject", V: "debian", Scope: "compile"},
					{G: "aopalliance", A: "aopalliance", V: "debian", Scope: "compile"},
					{G: "com.google.guava", A: "guava", V: "debian", Scope: "compile"},
					{G: "org.ow2.asm", A: "asm", V: "debian", Scope: "compile", Optional: true},
					{G: "cglib", A: "cglib", V: "debian", Scope: "compile", Optional: true},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.repoModel(tt.c)
			if got == nil {
				t.Fatal("not found")
			}
			opt := cmpopts.IgnoreFields(model{}, "Properties", "Managed", "Modules", "path", "loc", "notes")
			if diff := cmp.Diff(tt.want, got, opt, cmpopts.EquateEmpty(), cmp.AllowUnexported(model{})); diff != "" {
				t.Errorf("repoModel (-want +got):\n%s", diff)
			}
			if len(got.notes) > 0 {
				t.Errorf("notes: %q", got.notes)
			}
		})
	}
	if m := b.repoModel(coord{"org.slf4j", "slf4j-bom", "2.0.0-alpha1-SNAPSHOT"}); m != nil {
		d := m.managed(dependency{G: "org.slf4j", A: "slf4j-nop"})
		if d == nil || d.V != "2.0.0-alpha1-SNAPSHOT" {
			t.Errorf("BOM manages slf4j-nop as %+v", d)
		}
	}
	if m := b.repoModel(coord{"org.slf4j", "slf4j-api", "9.9.9"}); m != nil {
		t.Errorf("a version not in the repositories was found: %+v", m)
	}
}

// A repository whose POMs name each other as parents, or import each
// other, ends instead of looping.
func TestRepoModelCycles(t *testing.T) {
	dir := t.TempDir()
	write := func(g, a, v, body string) {
		p := filepath.Join(dir, g, a, v, a+"-"+v+".pom")
		writeFile(t, p, "<project><groupId>"+g+"</groupId><artifactId>"+a+"</artifactId><version>"+v+"</version>"+body+"</project>")
	}
	write("x", "a", "1", "<parent><groupId>x</groupId><artifactId>b</artifactId><version>1</version></parent>")
	write("x", "b", "1", "<parent><groupId>x</groupId><artifactId>a</artifactId><version>1</version></parent>")
	imp := func(a string) string {
		return "<dependencyManagement><dependencies><dependency><groupId>x</groupId><artifactId>" + a +
			"</artifactId><version>1</version><type>pom</type><scope>import</scope></dependency></dependencies></dependencyManagement>"
	}
	write("x", "bom1", "1", imp("bom2"))
	write("x", "bom2", "1", imp("bom1"))
	b := newBuilder(newRepository(dir, nil), dir, func(s string) string { return s })
	m := b.repoModel(coord{"x", "a", "1"})
	if m == nil || len(m.notes) != 1 || !strings.Contains(m.notes[0], "appears twice in its own ancestry") {
		t.Errorf("parent cycle: %+v", m)
	}
	if m := b.repoModel(coord{"x", "bom1", "1"}); m == nil {
		t.Error("import cycle: no model")
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
