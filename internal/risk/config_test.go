package risk

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/vuln"
)

func TestParseConfig(t *testing.T) {
	partial := Default()
	partial.Severity[vuln.Critical] = 20
	partial.StalenessCap = 10
	partial.Criticality["critical"] = 3

	full := Config{
		Severity:             map[vuln.Level]float64{vuln.Critical: 12, vuln.High: 6, vuln.Medium: 2.5, vuln.Low: 0.5, vuln.None: 0, vuln.Unknown: 6},
		VulnerabilityCap:     50,
		VulnerabilityUnknown: 3,
		License:              map[string]float64{"deny": 40, "review": 10, "unknown": 20, "allow": 0},
		HealthPerPoint:       2,
		HealthUnknown:        5,
		StalenessPerLibyear:  4,
		StalenessCap:         20,
		StalenessUnknown:     1,
		Criticality:          map[string]float64{"low": 0.25, "medium": 1, "high": 2, "critical": 4},
	}

	tests := []struct {
		file string
		want Config
		// errs are the problems, in order, each "file:line: ..." after
		// the testdata directory.
		errs []string
	}{
		{file: "empty.yaml", want: Default()},
		{file: "comments-only.yaml", want: Default()},
		{file: "null-values.yaml", want: Default()},
		{file: "partial.yaml", want: partial},
		{file: "full.yaml", want: full},
		{file: "unknown-key.yaml", errs: []string{`unknown-key.yaml:3: unknown key "stalenessPerYear" (want severity, vulnerabilityCap, vulnerabilityUnknown, license, healthPerPoint, healthUnknown, stalenessPerLibyear, stalenessCap, stalenessUnknown or criticality)`}},
		{file: "bad-level.yaml", errs: []string{
			`bad-level.yaml:3: severity.severe: "severe" is not a severity level (want critical, high, medium, low, none, unknown)`,
			`bad-level.yaml:4: severity.Critical: "Critical" is not a severity level (want critical, high, medium, low, none, unknown)`,
		}},
		{file: "bad-verdict.yaml", errs: []string{`bad-verdict.yaml:2: license.forbid: "forbid" is not a verdict (want allow, review, deny, unknown)`}},
		{file: "bad-criticality.yaml", errs: []string{`bad-criticality.yaml:3: criticality.extreme: "extreme" is not a criticality (want low, medium, high, critical)`}},
		{file: "negative.yaml", errs: []string{
			`negative.yaml:1: healthPerPoint: -1 is negative; weights are 0 or more`,
			`negative.yaml:3: criticality.low: -0.5 is negative; weights are 0 or more`,
			`negative.yaml:5: severity.high: -5 is negative; weights are 0 or more`,
		}},
		{file: "not-finite.yaml", errs: []string{
			`not-finite.yaml:1: vulnerabilityCap: NaN is not a finite number`,
			`not-finite.yaml:2: stalenessCap: +Inf is not a finite number`,
		}},
		{file: "wrong-type.yaml", errs: []string{
			"wrong-type.yaml:1: cannot unmarshal !!str `ten` into a number",
			"wrong-type.yaml:2: cannot unmarshal !!seq into a mapping of weights",
		}},
		{file: "not-yaml.txt", errs: []string{"not-yaml.txt:1: did not find expected node content"}},
		{file: "two-documents.yaml", errs: []string{"two-documents.yaml:2: more than one YAML document; a configuration is one"}},
		{file: "list.yaml", errs: []string{"list.yaml:1: cannot unmarshal !!seq into a risk configuration"}},
		{file: "duplicate-key.yaml", errs: []string{`duplicate-key.yaml:2: mapping key "stalenessCap" already defined at line 1`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "config", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseConfig(data, tt.file)
			if tt.errs == nil {
				if err != nil {
					t.Fatalf("ParseConfig: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("config (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseConfig accepted it: %+v", got)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("error %v is not ErrInvalidConfig", err)
			}
			if diff := cmp.Diff(tt.errs, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(Config{}, got); diff != "" {
				t.Errorf("a config came with the error:\n%s", diff)
			}
		})
	}
}

// TestParseConfigKeepsDefault checks that parsing does not write into
// the maps of configurations handed out before.
func TestParseConfigKeepsDefault(t *testing.T) {
	if _, err := ParseConfig([]byte("severity: {critical: 99}\nlicense: {deny: 99}\ncriticality: {high: 99}\n"), "x.yaml"); err != nil {
		t.Fatal(err)
	}
	d := Default()
	if d.Severity[vuln.Critical] != 10 || d.License["deny"] != 30 || d.Criticality["high"] != 1.5 {
		t.Errorf("Default changed: %+v", d)
	}
}

func TestParseConfigTooLarge(t *testing.T) {
	data := []byte("# " + strings.Repeat("x", MaxConfigSize) + "\n")
	_, err := ParseConfig(data, "big.yaml")
	if !errors.Is(err, ErrInvalidConfig) || !strings.HasPrefix(err.Error(), "big.yaml: larger than") {
		t.Errorf("err = %v", err)
	}
}

func TestLoadConfig(t *testing.T) {
	path := filepath.Join("testdata", "config", "partial.yaml")
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.StalenessCap != 10 || c.Severity[vuln.Critical] != 20 || c.Severity[vuln.High] != 5 {
		t.Errorf("LoadConfig(%s) = %+v", path, c)
	}

	_, err = LoadConfig(filepath.Join("testdata", "config", "negative.yaml"))
	if err == nil || !strings.HasPrefix(err.Error(), filepath.Join("testdata", "config", "negative.yaml")+":1: ") {
		t.Errorf("errors must name the path given: %v", err)
	}

	missing := filepath.Join(t.TempDir(), "risk.yaml")
	_, err = LoadConfig(missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}
}

// TestDocumentedConfig keeps docs/risk.md honest: its configuration
// example lists every key with the default value.
func TestDocumentedConfig(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "risk.md"))
	if err != nil {
		t.Fatal(err)
	}
	const open = "```yaml\n"
	_, rest, ok := strings.Cut(string(doc), open)
	if !ok {
		t.Fatal("docs/risk.md has no yaml block")
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("docs/risk.md: the yaml block is not closed")
	}
	c, err := ParseConfig([]byte(block), "docs/risk.md")
	if err != nil {
		t.Fatalf("the documented example does not parse: %v", err)
	}
	if diff := cmp.Diff(Default(), c); diff != "" {
		t.Errorf("the documented example is not the default (-default +doc):\n%s", diff)
	}
	for _, key := range []string{"severity:", "vulnerabilityCap:", "vulnerabilityUnknown:", "license:", "healthPerPoint:", "healthUnknown:",
		"stalenessPerLibyear:", "stalenessCap:", "stalenessUnknown:", "criticality:"} {
		if !strings.Contains(block, "\n"+key) && !strings.HasPrefix(block, key) {
			t.Errorf("the documented example lacks %s", key)
		}
	}
	for _, l := range vuln.Levels {
		if !strings.Contains(block, "  "+string(l)+":") {
			t.Errorf("the documented example lacks severity %s", l)
		}
	}
}
