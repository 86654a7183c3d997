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

	"ospo/internal/inventory"
)

func TestParseGradleLockfile(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		data   string
		legacy string
		want   []lockEntry
	}{
		{
			name:   "legacy per-configuration lockfile",
			file:   "gradle/legacy/gradle/dependency-locks/compileClasspath.lockfile",
			legacy: "compileClasspath",
			want: []lockEntry{
				{"org.springframework", "spring-beans", "5.0.7.RELEASE", []string{"compileClasspath"}},
				{"org.springframework", "spring-core", "5.0.7.RELEASE", []string{"compileClasspath"}},
				{"org.springframework", "spring-jcl", "5.0.7.RELEASE", []string{"compileClasspath"}},
			},
		},
		{
			name: "buildscript lockfile with an empty empty= line",
			file: "gradle/maybe/buildscript-gradle.lockfile",
			want: []lockEntry{
				{"io.github.gradle-nexus.publish-plugin", "io.github.gradle-nexus.publish-plugin.gradle.plugin", "1.1.0", []string{"classpath"}},
				{"io.github.gradle-nexus", "publish-plugin", "1.1.0", []string{"classpath"}},
				{"io.github.joselion.pretty-jupiter", "io.github.joselion.pretty-jupiter.gradle.plugin", "2.2.0", []string{"classpath"}},
				{"io.github.joselion.strict-null-check", "io.github.joselion.strict-null-check.gradle.plugin", "2.1.0", []string{"classpath"}},
				{"io.github.joselion", "pretty-jupiter", "2.2.0", []string{"classpath"}},
				{"io.github.joselion", "strict-null-check", "2.1.0", []string{"classpath"}},
				{"org.apache.commons", "commons-lang3", "3.11", []string{"classpath"}},
				{"org.apache.commons", "commons-text", "1.9", []string{"classpath"}},
				{"org.sonarsource.sonarlint.core", "sonarlint-core", "8.0.2.42487", []string{"classpath"}},
				{"se.solrike.sonarlint", "se.solrike.sonarlint.gradle.plugin", "1.0.0-beta.8", []string{"classpath"}},
				{"se.solrike.sonarlint", "sonarlint-gradle-plugin", "1.0.0-beta.8", []string{"classpath"}},
			},
		},
		{
			name: "CRLF, blanks, spaces around configurations",
			data: "# comment\r\n\r\na:b:1= compileClasspath , runtimeClasspath\r\nempty=test\r\n",
			want: []lockEntry{{"a", "b", "1", []string{"compileClasspath", "runtimeClasspath"}}},
		},
		{name: "empty file", data: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if tt.file != "" {
				data = readTestdata(t, tt.file)
			}
			got, err := parseGradleLockfile(bytes.NewReader(data), tt.legacy)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("parseGradleLockfile (-want +got):\n%s", diff)
			}
		})
	}
	// The whole real lockfile: every line but the header and empty=.
	got, err := parseGradleLockfile(bytes.NewReader(readTestdata(t, "gradle/maybe/gradle.lockfile")), "")
	if err != nil || len(got) != 45 {
		t.Fatalf("gradle.lockfile: %d entries, %v", len(got), err)
	}
	if want := (lockEntry{"com.google.code.findbugs", "jsr305", "3.0.2", []string{"checkstyle", "compileClasspath"}}); !cmp.Equal(got[0], want) {
		t.Errorf("first entry %+v", got[0])
	}
}

func TestParseGradleLockfileErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"two parts", "org.slf4j:slf4j-api=compileClasspath\n", `line 1: "org.slf4j:slf4j-api=compileClasspath" is not group:artifact:version`},
		{"four parts", "# x\na:b:c:d=x\n", "line 2:"},
		{"empty version", "a:b:=x\n", "line 1:"},
		{"long line", strings.Repeat("a", 2<<20), "longer than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseGradleLockfile(strings.NewReader(tt.data), "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
	big := strings.Repeat("a:b:1=compileClasspath\n", 1000)
	if _, err := parseGradleLockfileLimit(strings.NewReader(big), "", 1<<10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized lockfile: %v", err)
	}
}

func TestLockScope(t *testing.T) {
	tests := []struct {
		configs     []string
		buildscript bool
		want        inventory.Scope
	}{
		{[]string{"compileClasspath", "runtimeClasspath"}, false, inventory.ScopeProd},
		{[]string{"releaseRuntimeClasspath"}, false, inventory.ScopeProd},
		{[]string{"default"}, false, inventory.ScopeProd},
		{[]string{"compileClasspath"}, false, inventory.ScopeOptional},
		{[]string{"checkstyle", "compileClasspath"}, false, inventory.ScopeOptional},
		{[]string{"testCompileClasspath", "testRuntimeClasspath"}, false, inventory.ScopeDev},
		{[]string{"debugAndroidTestRuntimeClasspath"}, false, inventory.ScopeDev},
		{[]string{"jacocoAnt", "annotationProcessor"}, false, inventory.ScopeDev},
		{[]string{"kotlinCompilerClasspath"}, false, inventory.ScopeDev},
		{[]string{"runtimeClasspath"}, true, inventory.ScopeDev},
		{nil, false, inventory.ScopeDev},
	}
	for _, tt := range tests {
		if got := lockScope(tt.configs, tt.buildscript); got != tt.want {
			t.Errorf("lockScope(%q, %v) = %s, want %s", tt.configs, tt.buildscript, got, tt.want)
		}
	}
}

func FuzzParseGradleLockfile(f *testing.F) {
	for _, p := range []string{"gradle/maybe/gradle.lockfile", "gradle/maybe/buildscript-gradle.lockfile",
		"gradle/legacy/gradle/dependency-locks/default.lockfile", "gradle/broken/gradle.lockfile"} {
		if b, err := os.ReadFile(filepath.Join("testdata", p)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("a:b:1=x,,y\nempty=\n=\n:::\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseGradleLockfile(bytes.NewReader(data), "legacy")
		if err != nil {
			return
		}
		for _, e := range entries {
			if e.Group == "" || e.Artifact == "" || e.Version == "" || strings.Contains(e.Group+e.Artifact+e.Version, ":") {
				t.Errorf("bad entry %+v", e)
			}
			for _, c := range e.Configs {
				if c == "" || strings.Contains(c, ",") {
					t.Errorf("bad configuration %q in %+v", c, e)
				}
			}
		}
	})
}
