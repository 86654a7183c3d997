package maven

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func strPtr(s string) *string { return &s }

func readTestdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParsePOM(t *testing.T) {
	tests := []struct {
		name string
		file string // below testdata, or "" for data
		data string
		want *rawPOM
	}{
		{
			name: "upstream parent with licenses, organization, management",
			file: "m2/org/slf4j/slf4j-parent/1.7.18/slf4j-parent-1.7.18.pom",
			want: &rawPOM{
				GroupID: "org.slf4j", ArtifactID: "slf4j-parent", Version: "1.7.18", Packaging: "pom",
				Name: "SLF4J", URL: "http://www.slf4j.org",
				Organization: pomOrg{Name: "QOS.ch", URL: "http://www.qos.ch"},
				Developers:   []pomDeveloper{{Name: "Ceki Gulcu"}},
				Licenses:     []pomLicense{{Name: "MIT License", URL: "http://www.opensource.org/licenses/mit-license.php"}},
				SCM:          pomSCM{URL: "https://github.com/ceki/slf4j", Connection: "git@github.com:qos-ch/slf4j.git"},
				Properties: pomProperties{
					"required.jdk.version": "1.5", "maven.compiler.source": "${required.jdk.version}", "maven.compiler.target": "${required.jdk.version}",
					"project.build.sourceEncoding": "UTF-8", "project.build.resourceEncoding": "UTF-8", "project.reporting.outputEncoding": "UTF-8",
					"slf4j.api.minimum.compatible.version": "1.6.0", "cal10n.version": "0.8.1", "log4j.version": "1.2.17", "logback.version": "1.0.13",
					"junit.version": "4.10", "maven-site-plugin.version": "3.3", "javadoc.plugin.version": "2.10.2",
				},
				Managed: []pomDep{
					{GroupID: "org.slf4j", ArtifactID: "slf4j-api", Version: "${project.version}"},
					{GroupID: "org.slf4j", ArtifactID: "slf4j-jdk14", Version: "${project.version}"},
					{GroupID: "log4j", ArtifactID: "log4j", Version: "${log4j.version}"},
					{GroupID: "ch.qos.cal10n", ArtifactID: "cal10n-api", Version: "${cal10n.version}"},
				},
				Dependencies: []pomDep{{GroupID: "junit", ArtifactID: "junit", Version: "${junit.version}", Scope: "test"}},
				Modules: []string{"slf4j-api", "slf4j-simple", "slf4j-nop", "slf4j-jdk14", "slf4j-log4j12", "slf4j-jcl", "slf4j-android",
					"slf4j-ext", "jcl-over-slf4j", "log4j-over-slf4j", "jul-to-slf4j", "osgi-over-slf4j", "integration", "slf4j-site", "slf4j-migrator"},
			},
		},
		{
			name: "Debian POM: alias version, parent, a property holding comments",
			file: "debian/maven-repo/commons-io/commons-io/debian/commons-io-debian.pom",
			want: &rawPOM{
				Parent:  &pomParent{GroupID: "org.apache.commons", ArtifactID: "commons-parent", Version: "debian"},
				GroupID: "commons-io", ArtifactID: "commons-io", Version: "debian", Packaging: "jar", Name: "Apache Commons IO",
			},
		},
		{
			name: "Debian relocation",
			file: "debian/maven-repo/org/apache/commons/commons-lang3/3.x/commons-lang3-3.x.pom",
			want: &rawPOM{
				GroupID: "org.apache.commons", ArtifactID: "commons-lang3", Version: "3.x", Packaging: "jar",
				Properties: pomProperties{"debian.package": "libcommons-lang3-java"},
				Relocation: &pomRelocation{GroupID: "org.apache.commons", ArtifactID: "commons-lang3", Version: "debian"},
			},
		},
		{
			name: "empty relativePath, exclusions, optional, profile",
			data: `<project><parent><groupId> g </groupId><artifactId>p</artifactId><version>1</version><relativePath/></parent>
<artifactId>a</artifactId>
<dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><optional> true </optional>
<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions></dependency></dependencies>
<profiles><profile><id>on</id><activation><activeByDefault>true</activeByDefault></activation><modules><module>m</module></modules></profile></profiles>
</project>`,
			want: &rawPOM{
				Parent:     &pomParent{GroupID: "g", ArtifactID: "p", Version: "1", RelativePath: strPtr("")},
				ArtifactID: "a",
				Dependencies: []pomDep{{GroupID: "x", ArtifactID: "y", Optional: "true",
					Exclusions: []pomExclusion{{GroupID: "*", ArtifactID: "*"}}}},
				Profiles: []pomProfile{{ID: "on", ActiveByDefault: "true", Modules: []string{"m"}}},
			},
		},
		{
			name: "ISO-8859-1",
			data: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><project><artifactId>a</artifactId><name>Caf\xe9</name></project>",
			want: &rawPOM{ArtifactID: "a", Name: "Café"},
		},
		{
			name: "a DOCTYPE without entities is read",
			data: `<!DOCTYPE project><project><artifactId>a</artifactId></project>`,
			want: &rawPOM{ArtifactID: "a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if tt.file != "" {
				data = readTestdata(t, tt.file)
			}
			got, err := parsePOM(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			opts := []cmp.Option{cmpopts.EquateEmpty()}
			if tt.name == "Debian POM: alias version, parent, a property holding comments" {
				if !strings.Contains(got.Properties["commons.osgi.export"], "org.apache.commons.io.*;version=${project.version};-noimport:=true") {
					t.Errorf("commons.osgi.export = %q", got.Properties["commons.osgi.export"])
				}
				if got.Properties["debian.originalVersion"] != "2.11.0" || got.Properties["debian.hasPackageVersion"] != "" {
					t.Errorf("debian properties: %q", got.Properties)
				}
				opts = append(opts, cmpopts.IgnoreFields(rawPOM{}, "Properties"))
			}
			if diff := cmp.Diff(tt.want, got, opts...); diff != "" {
				t.Errorf("parsePOM (-want +got):\n%s", diff)
			}
		})
	}
}

// The hostile documents are refused before anything is expanded.
func TestParsePOMErrors(t *testing.T) {
	billionLaughs := `<?xml version="1.0"?>
<!DOCTYPE project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<project><artifactId>&lol9;</artifactId></project>`
	xxe := `<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project><name>&xxe;</name></project>`
	tests := []struct {
		name    string
		data    string
		wantErr error
		wantMsg string
	}{
		{"billion laughs", billionLaughs, ErrEntity, "defines entities"},
		{"external entity", xxe, ErrEntity, "defines entities"},
		{"parameter entity", `<!DOCTYPE p [<!ENTITY % ext SYSTEM "http://example.invalid/x.dtd"> %ext;]><project/>`, ErrEntity, ""},
		{"undeclared entity", `<project><name>&nbsp;</name></project>`, nil, "parse XML"},
		{"not a POM", `<settings><localRepository>/x</localRepository></settings>`, ErrNotPOM, "<settings>"},
		{"empty", ``, ErrNotPOM, "no root element"},
		{"truncated", `<project><dependencies><dependency>`, nil, "parse XML"},
		{"unknown encoding", `<?xml version="1.0" encoding="EBCDIC"?><project/>`, nil, "unsupported encoding"},
		{"too large", "<project>" + strings.Repeat(" ", maxPOMSize) + "</project>", ErrTooLarge, "over 8 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePOM(strings.NewReader(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
		})
	}
}

func FuzzParsePOM(f *testing.F) {
	for _, dir := range []string{"m2", "debian/maven-repo", "reactor"} {
		filepath.WalkDir(filepath.Join("testdata", dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && (strings.HasSuffix(p, ".pom") || strings.HasSuffix(p, "pom.xml")) {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
			return nil
		})
	}
	f.Add([]byte(`<project><properties><a>${b}${b}</a><b>${a}</b></properties><version>${a}</version></project>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parsePOMBytes(data)
		if err != nil {
			return
		}
		for _, s := range []string{p.GroupID, p.ArtifactID, p.Version} {
			if s != strings.TrimSpace(s) {
				t.Errorf("untrimmed value %q", s)
			}
		}
		// Building the effective model of any POM must not panic and
		// keeps interpolated values bounded.
		b := newBuilder(&repository{}, "/nonexistent", func(s string) string { return s })
		m := b.effective([]link{{raw: p, path: "pom.xml", loc: &located{}}}, 0)
		for _, d := range m.Deps {
			if len(d.V) > maxExpanded {
				t.Errorf("version of %d bytes", len(d.V))
			}
		}
	})
}
