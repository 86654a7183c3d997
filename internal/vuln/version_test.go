package vuln

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vectorFiles maps each OSV ecosystem ospo uses to scalibr's vector files
// for it (testdata/versions/README.md).
var vectorFiles = map[string][]string{
	"npm":       {"semver-versions.txt"},
	"Go":        {"semver-versions.txt"},
	"crates.io": {"semver-versions.txt"},
	"PyPI":      {"pypi-versions.txt", "pypi-versions-generated.txt.gz"},
	"Maven":     {"maven-versions.txt", "maven-versions-generated.txt.gz"},
	"NuGet":     {"nuget-versions.txt"},
	"RubyGems":  {"rubygems-versions.txt", "rubygems-versions-generated.txt.gz"},
	"Packagist": {"packagist-versions.txt", "packagist-versions-generated.txt.gz"},
	"Debian":    {"debian-versions.txt", "debian-versions-generated.txt.gz"},
	"Ubuntu":    {"debian-versions.txt"},
	"Alpine":    {"alpine-versions.txt", "alpine-versions-generated.txt.gz"},
}

type vector struct {
	line    int
	a, b    string
	want    int
	rawLine string
}

// readVectors reads one vector file: "A <op> B" per line, comments and
// blank lines skipped, as scalibr's own compare test reads them.
func readVectors(t testing.TB, name string) []vector {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "versions", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	}
	var out []vector
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "# ") || strings.HasPrefix(line, "// ") {
			continue
		}
		p := strings.Split(line, " ")
		if len(p) != 3 {
			t.Fatalf("%s:%d: want 3 fields, got %q", name, n, line)
		}
		want := map[string]int{"<": -1, "=": 0, ">": 1}
		w, ok := want[p[1]]
		if !ok {
			t.Fatalf("%s:%d: unknown operator %q", name, n, p[1])
		}
		out = append(out, vector{line: n, a: p[0], b: p[2], want: w, rawLine: line})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no vectors", name)
	}
	return out
}

// TestCompareVectors asserts every line of scalibr's vectors, both ways
// round, through ospo's wrapper (which adds its own input checks).
func TestCompareVectors(t *testing.T) {
	for eco, files := range vectorFiles {
		for _, file := range files {
			t.Run(eco+"/"+file, func(t *testing.T) {
				failed := 0
				vs := readVectors(t, file)
				for _, v := range vs {
					got, err := Compare(eco, v.a, v.b)
					if err != nil {
						t.Errorf("%s:%d %q: %v", file, v.line, v.rawLine, err)
						failed++
						continue
					}
					back, err := Compare(eco, v.b, v.a)
					if err != nil {
						t.Errorf("%s:%d %q reversed: %v", file, v.line, v.rawLine, err)
						failed++
						continue
					}
					if got != v.want || back != -v.want {
						t.Errorf("%s:%d %q: Compare = %d, reversed %d; want %d", file, v.line, v.rawLine, got, back, v.want)
						failed++
					}
					if failed > 20 {
						t.Fatal("too many failures")
					}
				}
				t.Logf("%d vectors", len(vs))
			})
		}
	}
}

func TestParseVersionErrors(t *testing.T) {
	tests := []struct {
		eco, v  string
		wantErr error
	}{
		{"Hackney", "1.0.0", ErrUnsupportedEcosystem},
		{"GIT", "abc", ErrUnsupportedEcosystem},
		{"npm", "", ErrInvalidVersion},
		{"npm", "latest", ErrInvalidVersion},
		{"npm", "1.0.0 ", ErrInvalidVersion},
		{"Go", "vX", ErrInvalidVersion},
		{"PyPI", "not a version", ErrInvalidVersion},
		{"Debian", "1.2.3-not-a-debian:version!@#$", ErrInvalidVersion},
		{"Debian", ":1", ErrInvalidVersion},
		{"npm", strings.Repeat("1", maxVersionLen+1), ErrInvalidVersion},
		// Accepted: suffixes on the ecosystem are ignored.
		{"Debian:12", "2.36-9+deb12u4", nil},
		{"Alpine:v3.20", "3.3.2-r0", nil},
		{"Go", "v1.2.3", nil},
		{"Maven", "2.17.1", nil},
		// Words some parsers order (their vectors include them).
		{"Maven", "stable", nil},
		{"Packagist", "dev-main", nil},
	}
	for _, tt := range tests {
		_, err := ParseVersion(tt.eco, tt.v)
		if tt.wantErr == nil {
			if err != nil {
				t.Errorf("ParseVersion(%q, %q) = %v, want no error", tt.eco, tt.v, err)
			}
			continue
		}
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("ParseVersion(%q, %q) error = %v, want %v", tt.eco, tt.v, err, tt.wantErr)
		}
	}
}

func TestParseSemver(t *testing.T) {
	ok := []string{"1.2.3", "v1.2.3", "0.0.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
		"1.0.0-x.7.z.92", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
		"1.22.0-0", "0.0.0-20210101000000-abcdefabcdef", "2.0.0+incompatible", "01.2.3"}
	bad := []string{"", "1", "1.2", "1.2.3.4", "1.2.x", "1.2.3-", "1.2.3+", "1.2.3-a..b",
		"1.2.3-a_b", "v", "a.b.c", "1.2.3 ", "1..3"}
	for _, v := range ok {
		if _, err := ParseSemver(v); err != nil {
			t.Errorf("ParseSemver(%q) = %v, want ok", v, err)
		}
	}
	for _, v := range bad {
		if _, err := ParseSemver(v); !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("ParseSemver(%q) = %v, want ErrInvalidVersion", v, err)
		}
	}
	// SemVer precedence, from the SemVer 2.0 specification's item 11.
	order := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"}
	for i := 0; i+1 < len(order); i++ {
		a, _ := ParseSemver(order[i])
		b, _ := ParseSemver(order[i+1])
		if c, err := a.Compare(b); err != nil || c != -1 {
			t.Errorf("%s vs %s = %d, %v; want -1", order[i], order[i+1], c, err)
		}
	}
	// Build metadata does not take part in precedence.
	a, _ := ParseSemver("1.0.0+a")
	b, _ := ParseSemver("1.0.0+b")
	if c, _ := a.Compare(b); c != 0 {
		t.Errorf("1.0.0+a vs 1.0.0+b = %d, want 0", c)
	}
}

// TestSemverVectors runs scalibr's semver vectors through ospo's own
// SemVer 2.0 order (used for SEMVER ranges), for the lines that are
// SemVer.
func TestSemverVectors(t *testing.T) {
	n := 0
	for _, v := range readVectors(t, "semver-versions.txt") {
		a, errA := ParseSemver(v.a)
		b, errB := ParseSemver(v.b)
		if errA != nil || errB != nil {
			continue
		}
		n++
		ab, _ := a.Compare(b)
		ba, _ := b.Compare(a)
		if ab != v.want || ba != -v.want {
			t.Errorf("line %d %q: got %d / %d, want %d", v.line, v.rawLine, ab, ba, v.want)
		}
	}
	if n < 50 {
		t.Errorf("only %d SemVer vectors; the file has more", n)
	}
}

func TestCompareAcrossKinds(t *testing.T) {
	a, err := ParseVersion("npm", "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseSemver("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Compare(b); !errors.Is(err, ErrInvalidVersion) {
		t.Errorf("comparing an npm and a SEMVER version: %v, want ErrInvalidVersion", err)
	}
	if _, err := (Version{}).Compare(a); !errors.Is(err, ErrInvalidVersion) {
		t.Errorf("comparing a zero Version: %v, want ErrInvalidVersion", err)
	}
}

// fuzzEcosystems are the ecosystems FuzzCompare exercises, indexed by a
// fuzzed byte.
var fuzzEcosystems = []string{"npm", "Go", "crates.io", "PyPI", "Maven", "NuGet", "RubyGems", "Packagist", "Debian", "Ubuntu", "Alpine", semverKind}

// FuzzCompare checks, for every ecosystem parser: no panic escapes, and
// when both versions parse, the order is reflexive and antisymmetric.
func FuzzCompare(f *testing.F) {
	for i, eco := range fuzzEcosystems {
		for _, file := range vectorFiles[eco] {
			if strings.HasSuffix(file, ".gz") {
				continue
			}
			for j, v := range readVectors(f, file) {
				if j%4 == 0 {
					f.Add(uint8(i), v.a, v.b)
				}
			}
		}
	}
	f.Add(uint8(len(fuzzEcosystems)-1), "1.0.0-rc.1", "1.0.0")
	f.Fuzz(func(t *testing.T, which uint8, a, b string) {
		eco := fuzzEcosystems[int(which)%len(fuzzEcosystems)]
		parse := func(s string) (Version, error) {
			if eco == semverKind {
				return ParseSemver(s)
			}
			return ParseVersion(eco, s)
		}
		va, errA := parse(a)
		vb, errB := parse(b)
		if errA != nil || errB != nil {
			return
		}
		if c, err := va.Compare(va); err != nil || c != 0 {
			t.Fatalf("%s: %q vs itself = %d, %v", eco, a, c, err)
		}
		ab, err1 := va.Compare(vb)
		ba, err2 := vb.Compare(va)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%s: %q vs %q: errors differ: %v / %v", eco, a, b, err1, err2)
		}
		if err1 == nil && ab != -ba {
			t.Fatalf("%s: %q vs %q = %d but reversed = %d", eco, a, b, ab, ba)
		}
		// ospo's SemVer order agrees with scalibr's semver-like one on
		// SemVer versions.
		if eco == semverKind {
			na, _ := ParseVersion("npm", a)
			nb, _ := ParseVersion("npm", b)
			if c, err := na.Compare(nb); err == nil && c != ab {
				t.Fatalf("%q vs %q: SemVer order %d, npm order %d", a, b, ab, c)
			}
		}
	})
}
