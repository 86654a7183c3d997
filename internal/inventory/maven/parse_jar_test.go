package maven

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// jarSummary is what a test compares of a jarMeta.
type jarSummary struct {
	POMs     []string // g:a:v, +pom when the pom.xml was read
	Manifest map[string]string
	Nested   []string // entry: g:a:v of its POMs
	Warnings []string
}

func summarize(m *jarMeta, manifestKeys ...string) jarSummary {
	s := jarSummary{Warnings: m.Warnings}
	for _, p := range m.POMs {
		v := p.G + ":" + p.A + ":" + p.V
		if p.POM != nil {
			v += "+pom"
		}
		s.POMs = append(s.POMs, v)
	}
	if len(manifestKeys) > 0 {
		s.Manifest = map[string]string{}
		for _, k := range manifestKeys {
			s.Manifest[k] = m.Manifest[k]
		}
	}
	for _, n := range m.Nested {
		v := n.Entry + ":"
		if n.Meta != nil {
			for _, p := range n.Meta.POMs {
				v += " " + p.G + ":" + p.A + ":" + p.V
			}
		}
		if n.ReadErr != "" {
			v += " error: " + n.ReadErr
		}
		s.Nested = append(s.Nested, v)
	}
	return s
}

func readJarBytes(t testing.TB, data []byte, name string) (*jarMeta, error) {
	t.Helper()
	return readJar(bytes.NewReader(data), int64(len(data)), name, true)
}

func TestReadJar(t *testing.T) {
	tests := []struct {
		file string
		keys []string
		want jarSummary
	}{
		{
			file: "jars/lib/slf4j-nop.jar",
			keys: []string{"bundle-version", "implementation-title", "import-package"},
			want: jarSummary{
				POMs: []string{"org.slf4j:slf4j-nop:1.7.32+pom"},
				Manifest: map[string]string{
					"bundle-version": "1.7.32", "implementation-title": "slf4j-nop",
					// A continuation line joins the one before.
					"import-package": "org.slf4j;version=1.7.32,org.slf4j.spi;version=1.7.32,org.slf4j.helpers;version=1.7.32,org.slf4j.event;version=1.7.32",
				},
			},
		},
		{
			file: "jars/lib/guice-multibindings.jar",
			keys: []string{"bundle-license", "bundle-name", "bundle-description"},
			want: jarSummary{Manifest: map[string]string{
				"bundle-license":     "http://www.apache.org/licenses/LICENSE-2.0.txt",
				"bundle-name":        "guice-multibindings",
				"bundle-description": "Guice is a lightweight dependency injection framework for Java 6 and above",
			}},
		},
		{
			file: "jars/lib/wagon-http-shaded-3.5.3.jar",
			want: jarSummary{POMs: []string{
				"commons-codec:commons-codec:1.15+pom",
				"org.apache.httpcomponents:httpclient:4.5.14+pom",
				"org.apache.httpcomponents:httpcore:4.4.16+pom",
				"org.apache.maven.wagon:wagon-http:3.5.3+pom",
				"org.apache.maven.wagon:wagon-http-shared:3.5.3+pom",
			}},
		},
		{
			file: "jars/webapp/shop-app-2.3.0.war",
			want: jarSummary{
				POMs: []string{"org.example.shop:shop-app:2.3.0+pom"},
				Nested: []string{
					"WEB-INF/lib/slf4j-nop-1.7.32.jar: org.slf4j:slf4j-nop:1.7.32",
					"WEB-INF/lib/guice-multibindings-4.2.3.jar:",
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := readJarBytes(t, readTestdata(t, tt.file), filepath.Base(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summarize(m, tt.keys...), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("readJar (-want +got):\n%s", diff)
			}
		})
	}
}

// zipOf builds an archive of the named entries.
func zipOf(t testing.TB, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// setDeclaredSize rewrites the uncompressed size the central directory
// records for every entry.
func setDeclaredSize(data []byte, size uint32) []byte {
	out := append([]byte(nil), data...)
	sig := []byte{'P', 'K', 1, 2}
	for i := 0; i+30 < len(out); i++ {
		if bytes.Equal(out[i:i+4], sig) {
			binary.LittleEndian.PutUint32(out[i+24:], size)
		}
	}
	return out
}

func TestReadJarHostile(t *testing.T) {
	props := "groupId=g\nartifactId=a\nversion=1\n"
	t.Run("declared size far over the limit", func(t *testing.T) {
		data := setDeclaredSize(zipOf(t, [2]string{"META-INF/maven/g/a/pom.properties", props}), 0xFFFFFFF0)
		m, err := readJarBytes(t, data, "bomb.jar")
		if err != nil {
			t.Fatal(err)
		}
		want := jarSummary{Warnings: []string{"META-INF/maven/g/a/pom.properties: declares 4294967280 bytes, over the 2097152 read"}}
		if diff := cmp.Diff(want, summarize(m), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("entry inflating past what it declares", func(t *testing.T) {
		data := setDeclaredSize(zipOf(t, [2]string{"META-INF/MANIFEST.MF", strings.Repeat("A", 100000)}), 10)
		m, err := readJarBytes(t, data, "liar.jar")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "META-INF/MANIFEST.MF") || m.Manifest != nil {
			t.Errorf("warnings %q, manifest %q", m.Warnings, m.Manifest)
		}
	})
	t.Run("a real deflate bomb in a nested jar", func(t *testing.T) {
		inner := zipOf(t, [2]string{"META-INF/maven/g/b/pom.xml", "<project>" + strings.Repeat(" ", 3<<20) + "</project>"},
			[2]string{"META-INF/maven/g/b/pom.properties", "groupId=g\nartifactId=b\nversion=2\n"})
		data := zipOf(t, [2]string{"WEB-INF/lib/b.jar", string(inner)})
		m, err := readJarBytes(t, data, "app.war")
		if err != nil {
			t.Fatal(err)
		}
		want := jarSummary{Nested: []string{"WEB-INF/lib/b.jar: g:b:2"}}
		if diff := cmp.Diff(want, summarize(m), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if w := m.Nested[0].Meta.Warnings; len(w) != 1 || !strings.Contains(w[0], "over the 2097152 read") {
			t.Errorf("nested warnings %q", w)
		}
	})
	t.Run("path traversal names are only names", func(t *testing.T) {
		data := zipOf(t,
			[2]string{"../../../etc/passwd", "x"},
			[2]string{"/abs/evil.jar", "x"},
			[2]string{"META-INF/maven/../../x/pom.properties", props},
			[2]string{"META-INF/maven/g/a/pom.properties", props},
			[2]string{"WEB-INF/lib/../../../lib.jar", "not a zip"},
		)
		m, err := readJarBytes(t, data, "evil.war")
		if err != nil {
			t.Fatal(err)
		}
		want := jarSummary{POMs: []string{"g:a:1"}}
		if diff := cmp.Diff(want, summarize(m), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("a nested jar that is not a zip", func(t *testing.T) {
		m, err := readJarBytes(t, zipOf(t, [2]string{"BOOT-INF/lib/x.jar", "plain text"}), "boot.jar")
		if err != nil {
			t.Fatal(err)
		}
		want := jarSummary{Nested: []string{"BOOT-INF/lib/x.jar: error: not a Java archive (zip)"}}
		if diff := cmp.Diff(want, summarize(m), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("not a zip", func(t *testing.T) {
		if _, err := readJarBytes(t, []byte("PK\x03\x04 broken"), "x.jar"); !errors.Is(err, ErrNotArchive) {
			t.Errorf("error %v", err)
		}
	})
}

func TestBundleLicenses(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"http://www.apache.org/licenses/LICENSE-2.0.txt", []string{"http://www.apache.org/licenses/LICENSE-2.0.txt"}},
		{"Apache-2.0;link=\"https://www.apache.org/licenses/LICENSE-2.0\"", []string{"Apache-2.0"}},
		{"EPL-2.0;description=\"Eclipse, Public\", GPL-2.0-with-classpath-exception", []string{"EPL-2.0", "GPL-2.0-with-classpath-exception"}},
		{"\"Apache License, Version 2.0\";link=x", []string{"Apache License, Version 2.0"}},
		{"<<EXTERNAL>>", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, bundleLicenses(tt.in), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("bundleLicenses(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzReadJar(f *testing.F) {
	filepath.WalkDir(filepath.Join("testdata", "jars"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := readJar(bytes.NewReader(data), int64(len(data)), "fuzz.war", true)
		if err != nil {
			return
		}
		for _, p := range m.POMs {
			if !strings.HasPrefix(p.Entry, "META-INF/maven/") || p.G == "" || p.A == "" {
				t.Errorf("embedded POM %+v", p)
			}
		}
		for _, n := range m.Nested {
			if (n.Meta == nil) == (n.ReadErr == "") {
				t.Errorf("nested %s: meta %v, error %q", n.Entry, n.Meta != nil, n.ReadErr)
			}
			if n.Meta != nil && len(n.Meta.Nested) > 0 {
				t.Errorf("nested %s was read two levels deep", n.Entry)
			}
		}
	})
}
