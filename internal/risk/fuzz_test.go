package risk

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"ospo/internal/policy"
	"ospo/internal/vuln"
)

// FuzzParseConfig feeds the configuration parser arbitrary files. It
// must never panic; what it rejects comes with no configuration and an
// ErrInvalidConfig; what it accepts holds only known keys and finite,
// non-negative weights, scores without NaN, and reads back the same
// after being written out.
func FuzzParseConfig(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "config", "*"))
	files = append(files, filepath.Join("..", "..", "docs", "risk.md"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("severity: &w {critical: 1}\nlicense: *w\n"))
	f.Add([]byte("severity: {<<: {critical: 1}}\n"))
	f.Add([]byte("stalenessCap: 1e308\ncriticality: {critical: 1e308}\n"))
	in := Input{
		Findings:  []vuln.Finding{finding("A", vuln.Critical), finding("B", vuln.Unknown)},
		Verdict:   policy.Deny,
		License:   "GPL-3.0-only",
		Health:    ptr(3),
		Staleness: Staleness{Libyears: ptr(4), Behind: 2, Newest: "2.0.0"},
	}
	def := Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data, "fuzz.yaml")
		if err != nil {
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error %v is not ErrInvalidConfig", err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			if diff := cmp.Diff(Config{}, c); diff != "" {
				t.Fatalf("a configuration came with an error:\n%s", diff)
			}
			return
		}
		check := func(key string, w float64) {
			if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
				t.Fatalf("accepted %s = %v", key, w)
			}
		}
		for _, w := range []float64{c.VulnerabilityCap, c.VulnerabilityUnknown, c.HealthPerPoint, c.HealthUnknown, c.StalenessPerLibyear, c.StalenessCap, c.StalenessUnknown} {
			check("a weight", w)
		}
		for l, w := range c.Severity {
			check("severity."+string(l), w)
			if _, ok := def.Severity[l]; !ok {
				t.Fatalf("accepted severity %q", l)
			}
		}
		for k, w := range c.License {
			check("license."+k, w)
			if _, ok := def.License[k]; !ok {
				t.Fatalf("accepted verdict %q", k)
			}
		}
		for k, w := range c.Criticality {
			check("criticality."+k, w)
			if _, ok := def.Criticality[k]; !ok {
				t.Fatalf("accepted criticality %q", k)
			}
		}
		if len(c.Severity) != len(def.Severity) || len(c.License) != len(def.License) || len(c.Criticality) != len(def.Criticality) {
			t.Fatalf("a default went missing: %+v", c)
		}
		s := c.Component(in)
		if math.IsNaN(s.Total) || s.Total < 0 {
			t.Fatalf("Component = %+v", s)
		}
		if p := c.Project("critical", []Score{s}); math.IsNaN(p) {
			t.Fatalf("Project = %v", p)
		}
		out, err := yaml.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := ParseConfig(out, "again.yaml")
		if err != nil {
			t.Fatalf("written out as\n%s\nit does not parse: %v", out, err)
		}
		if diff := cmp.Diff(c, again); diff != "" {
			t.Fatalf("written out and read back (-first +again):\n%s", diff)
		}
	})
}

// FuzzStalenessOf feeds version strings, which come from manifests and
// caches anyone writes. It must never panic, and what it returns must
// hold together: a reason always, Behind -1 only without Libyears or
// Newest, Libyears finite and not negative, Newest one of the versions
// given.
func FuzzStalenessOf(f *testing.F) {
	f.Add(uint8(0), "4.17.15", "4.17.21", "5.0.0-beta.1", "4.17.20")
	f.Add(uint8(1), "v0.0.0-20200101000000-abcdefabcdef", "v0.1.0", "1.2.3", "v2.0.0+incompatible")
	f.Add(uint8(2), "1.0rc1", "1.0.post1", "2!1.0", "1.0+local")
	f.Add(uint8(3), "1.0-SNAPSHOT", "${project.version}", "1.0.0.Final", "2.0-M1")
	f.Add(uint8(4), "1.0~rc1-1", "1:2.0-1", "", "latest")
	ecos := []string{"npm", "go", "pypi", "maven", "deb", "gem", "composer", "nuget", "cargo", "apk", "conan"}
	f.Fuzz(func(t *testing.T, e uint8, version, a, b, k string) {
		eco := ecos[int(e)%len(ecos)]
		rels := []Release{{Version: a, Time: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, {Version: b}}
		s := StalenessOf(eco, "x", version, rels, []string{k, a})
		if s.Why == "" {
			t.Fatalf("no reason: %+v", s)
		}
		if s.Behind < -1 || s.Behind > 3 {
			t.Fatalf("Behind = %d of 3 versions", s.Behind)
		}
		if s.Behind == -1 && (s.Libyears != nil || s.Newest != "") {
			t.Fatalf("unknown lag with values: %+v", s)
		}
		if s.Libyears != nil && (math.IsNaN(*s.Libyears) || math.IsInf(*s.Libyears, 0) || *s.Libyears < 0) {
			t.Fatalf("Libyears = %v", *s.Libyears)
		}
		if s.Behind >= 0 && !slices.Contains([]string{version, a, b, k}, s.Newest) {
			t.Fatalf("Newest %q is none of the versions given", s.Newest)
		}
	})
}
