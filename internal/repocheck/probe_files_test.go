package repocheck

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	R "ospo/internal/repocheck/result"
)

func TestSecurityPolicy(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		score int
	}{
		{"none", map[string]string{"README.md": "hello"}, 0},
		// An address (links: 6), text beyond it (3), and two hints of a
		// process: "vulnerabilit" and "14" (1).
		{"full policy", map[string]string{"SECURITY.md": "# Security\n\nPlease report vulnerabilities to security@example.org.\nWe answer within 14 days.\n"}, 10},
		// Only a link: 29 bytes is not more than the link's 28 plus 2 per
		// link, so no text; no hints either.
		{"bare link", map[string]string{".github/SECURITY.md": "https://example.org/security\n"}, 6},
		// Text without a way to reach anybody.
		{"text only", map[string]string{"docs/SECURITY.md": "We take security seriously.\n"}, 3},
		{"rst under doc", map[string]string{"doc/security.rst": "Mail security@example.org about any vulnerability within 90 days.\n"}, 10},
		{"markdown under doc is not a policy location", map[string]string{"doc/SECURITY.md": "Mail security@example.org.\n"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runNamed(t, factsOf(t, tt.files, Options{Checks: []string{checkSecurityPolicy}}), checkSecurityPolicy)
			if int(c.Score) != tt.score {
				t.Errorf("score = %v, want %d; findings %+v", c.Score, tt.score, c.Findings)
			}
		})
	}
}

func TestLicense(t *testing.T) {
	bsd := string(readTestdata(t, "testdata/licenses/BSD-3-Clause.txt"))
	apache := string(readTestdata(t, "testdata/licenses/Apache-2.0.txt"))
	tests := []struct {
		name  string
		files map[string]string
		score int
		expr  string
	}{
		{"BSD text", map[string]string{"LICENSE": bsd}, 10, "BSD-3-Clause"},
		{"Apache text as COPYING", map[string]string{"COPYING": apache}, 10, "Apache-2.0"},
		{"REUSE directory", map[string]string{"LICENSES/Apache-2.0.txt": apache}, 10, "Apache-2.0"},
		{"home-made terms", map[string]string{"LICENSE.md": "You may look at this code but not use it.\n"}, 9, "NOASSERTION"},
		{"license deeper in the tree does not count", map[string]string{"vendor/x/LICENSE": bsd}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := factsOf(t, tt.files, Options{Checks: []string{checkLicense}})
			c := runNamed(t, f, checkLicense)
			if int(c.Score) != tt.score {
				t.Errorf("score = %v (%s), want %d", c.Score, c.Reason, tt.score)
			}
			expr := ""
			if len(f.Licenses) > 0 {
				expr = f.Licenses[0].Expression
			}
			if expr != tt.expr {
				t.Errorf("expression = %q, want %q", expr, tt.expr)
			}
		})
	}
}

func TestBinaryArtifacts(t *testing.T) {
	elf, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("no /bin/true to use as a real ELF executable")
	}
	files := map[string]string{
		"bin/true":                               string(elf),
		"lib/Provider.class":                     string(readTestdata(t, "testdata/binaries/Provider.class")),
		"tools/__pycache__/main.cpython-311.pyc": string(readTestdata(t, "testdata/binaries/main.cpython-311.pyc")),
		"libs/javax.inject-1.jar":                string(readTestdata(t, "testdata/binaries/javax.inject-1.jar")),
		"gradle/wrapper/gradle-wrapper.jar":      string(readTestdata(t, "testdata/binaries/javax.inject-1.jar")),
		"testdata/true":                          string(elf), // test data is not judged
		"docs/notes.exe":                         "just text with a misleading name\n",
		"src/archive.zip":                        string(readTestdata(t, "testdata/binaries/javax.inject-1.jar")),
	}
	want := []loc{
		{R.False, "bin/true", 0},
		{R.False, "gradle/wrapper/gradle-wrapper.jar", 0},
		{R.False, "lib/Provider.class", 0},
		{R.False, "libs/javax.inject-1.jar", 0},
		{R.False, "tools/__pycache__/main.cpython-311.pyc", 0},
	}
	c := runNamed(t, factsOf(t, files, Options{Checks: []string{checkBinaryArtifacts}}), checkBinaryArtifacts)
	// 10 − 5 binaries.
	if c.Score != 5 {
		t.Errorf("score = %v, want 5", c.Score)
	}
	if diff := cmp.Diff(want, locsOf(c, R.False)); diff != "" {
		t.Errorf("binaries (-want +got):\n%s", diff)
	}

	// With Gradle's wrapper validation in a workflow the wrapper jar is
	// accepted: 10 − 4.
	files[".github/workflows/gradle.yml"] = "on: push\njobs:\n  v:\n    steps:\n      - uses: gradle/actions/wrapper-validation@v4\n"
	c = runNamed(t, factsOf(t, files, Options{Checks: []string{checkBinaryArtifacts}}), checkBinaryArtifacts)
	if c.Score != 6 {
		t.Errorf("with wrapper validation: score = %v, want 6", c.Score)
	}
}

func TestDependencyUpdateToolAndFuzzing(t *testing.T) {
	fuzzTest := "package p\n\nimport \"testing\"\n\nfunc FuzzParse(f *testing.F) {\n\tf.Fuzz(func(t *testing.T, b []byte) {})\n}\n"
	tests := []struct {
		name  string
		check string
		files map[string]string
		score int
		at    []loc
	}{
		{"dependabot", checkDependencyUpdateTool, map[string]string{".github/dependabot.yml": "version: 2\n"}, 10,
			[]loc{{R.True, ".github/dependabot.yml", 0}}},
		{"renovate in .gitlab", checkDependencyUpdateTool, map[string]string{".gitlab/renovate.json": "{}"}, 10,
			[]loc{{R.True, ".gitlab/renovate.json", 0}}},
		{"no tool", checkDependencyUpdateTool, map[string]string{"dependabot.yml": "version: 2\n"}, 0, nil},
		{"go native fuzzing", checkFuzzing, map[string]string{"p.go": "package p\n", "p_fuzz_test.go": fuzzTest}, 10,
			[]loc{{R.True, "p_fuzz_test.go", 5}}},
		{"ClusterFuzzLite", checkFuzzing, map[string]string{".clusterfuzzlite/Dockerfile": "FROM gcr.io/oss-fuzz-base/base-builder-go\n"}, 10,
			[]loc{{R.True, ".clusterfuzzlite/Dockerfile", 0}}},
		{"fuzz test of a minor language is not searched", checkFuzzing, map[string]string{
			"big.py": string(make([]byte, 100000)), "p_test.go": fuzzTest}, 0, nil},
		{"not fuzzed", checkFuzzing, map[string]string{"p.go": "package p\n"}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runNamed(t, factsOf(t, tt.files, Options{Checks: []string{tt.check}}), tt.check)
			if int(c.Score) != tt.score {
				t.Errorf("score = %v (%s), want %d", c.Score, c.Reason, tt.score)
			}
			if diff := cmp.Diff(tt.at, locsOf(c, R.True)); diff != "" {
				t.Errorf("found (-want +got):\n%s", diff)
			}
		})
	}
}
