package risk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"ospo/internal/policy"
	"ospo/internal/vuln"
	"ospo/internal/yamlpos"
)

// MaxConfigSize bounds a configuration file; a real one is a few hundred
// bytes.
const MaxConfigSize = 1 << 20

// ErrInvalidConfig is wrapped by every error about the content of a
// configuration file.
var ErrInvalidConfig = errors.New("invalid risk configuration")

// ConfigError is one problem in a configuration file, with where it is.
type ConfigError struct {
	File    string // the file, as named to ParseConfig
	Line    int    // 1-based, 0 when not known
	Key     string // severity.critical, stalenessCap, ...
	Problem string
}

// Error writes "file:line: key: problem".
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Unwrap makes every ConfigError an ErrInvalidConfig for errors.Is.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }

// configFile is the file's form: every field a pointer or a map, so that
// what is not written keeps Default's value. A null value counts as not
// written.
type configFile struct {
	Severity             map[string]*float64 `yaml:"severity"`
	VulnerabilityCap     *float64            `yaml:"vulnerabilityCap"`
	VulnerabilityUnknown *float64            `yaml:"vulnerabilityUnknown"`
	License              map[string]*float64 `yaml:"license"`
	HealthPerPoint       *float64            `yaml:"healthPerPoint"`
	HealthUnknown        *float64            `yaml:"healthUnknown"`
	StalenessPerLibyear  *float64            `yaml:"stalenessPerLibyear"`
	StalenessCap         *float64            `yaml:"stalenessCap"`
	StalenessUnknown     *float64            `yaml:"stalenessUnknown"`
	Criticality          map[string]*float64 `yaml:"criticality"`
}

// The keys each map accepts.
var (
	licenseKeys     = []string{string(policy.Allow), string(policy.Review), string(policy.Deny), "unknown"}
	criticalityKeys = []string{"low", "medium", "high", "critical"}
)

// LoadConfig reads the configuration file at path (see ParseConfig).
func LoadConfig(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigSize+1))
	if err != nil {
		return Config{}, fmt.Errorf("read %s: %w", path, err)
	}
	return ParseConfig(data, path)
}

// ParseConfig reads a YAML configuration; name names it in errors. Each
// value written replaces Default's, key by key inside the maps (writing
// severity.critical changes only that weight); what is not written, or
// written as null, keeps the default. Unknown keys, unknown severity
// levels, verdicts and criticalities, and weights that are negative or
// not finite are errors, every one reported with its line. An empty file
// is the default configuration.
func ParseConfig(data []byte, name string) (Config, error) {
	if len(data) > MaxConfigSize {
		return Config{}, &ConfigError{File: name, Problem: fmt.Sprintf("larger than %d bytes", MaxConfigSize)}
	}
	var file configFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Config{}, &ConfigError{File: name, Line: extra.Line, Problem: "more than one YAML document; a configuration is one"}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Config{}, yamlError(name, err)
	}
	lines := yamlpos.Lines(&root)

	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{File: name, Line: lines[key], Key: key, Problem: fmt.Sprintf(format, args...)})
	}
	// weight checks a value written; false when it was not written or is
	// not a weight.
	weight := func(key string, v *float64) (float64, bool) {
		switch {
		case v == nil:
			return 0, false
		case math.IsNaN(*v) || math.IsInf(*v, 0):
			bad(key, "%v is not a finite number", *v)
			return 0, false
		case *v < 0:
			bad(key, "%v is negative; weights are 0 or more", *v)
			return 0, false
		}
		return *v, true
	}
	c := Default()
	for _, f := range []struct {
		key string
		v   *float64
		dst *float64
	}{
		{"vulnerabilityCap", file.VulnerabilityCap, &c.VulnerabilityCap},
		{"vulnerabilityUnknown", file.VulnerabilityUnknown, &c.VulnerabilityUnknown},
		{"healthPerPoint", file.HealthPerPoint, &c.HealthPerPoint},
		{"healthUnknown", file.HealthUnknown, &c.HealthUnknown},
		{"stalenessPerLibyear", file.StalenessPerLibyear, &c.StalenessPerLibyear},
		{"stalenessCap", file.StalenessCap, &c.StalenessCap},
		{"stalenessUnknown", file.StalenessUnknown, &c.StalenessUnknown},
	} {
		if w, ok := weight(f.key, f.v); ok {
			*f.dst = w
		}
	}
	for k, v := range file.Severity {
		key := "severity." + k
		if !slices.Contains(vuln.Levels, vuln.Level(k)) {
			bad(key, "%q is not a severity level (want %s)", k, levelNames())
			continue
		}
		if w, ok := weight(key, v); ok {
			c.Severity[vuln.Level(k)] = w
		}
	}
	for k, v := range file.License {
		key := "license." + k
		if !slices.Contains(licenseKeys, k) {
			bad(key, "%q is not a verdict (want %s)", k, strings.Join(licenseKeys, ", "))
			continue
		}
		if w, ok := weight(key, v); ok {
			c.License[k] = w
		}
	}
	for k, v := range file.Criticality {
		key := "criticality." + k
		if !slices.Contains(criticalityKeys, k) {
			bad(key, "%q is not a criticality (want %s)", k, strings.Join(criticalityKeys, ", "))
			continue
		}
		if w, ok := weight(key, v); ok {
			c.Criticality[k] = w
		}
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b error) int {
			var x, y *ConfigError
			errors.As(a, &x)
			errors.As(b, &y)
			return x.Line - y.Line
		})
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

func levelNames() string {
	names := make([]string, len(vuln.Levels))
	for i, l := range vuln.Levels {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// typeNames turns the Go types in the YAML library's messages into words.
var typeNames = strings.NewReplacer(
	"into risk.configFile", "into a risk configuration",
	"into map[string]*float64", "into a mapping of weights",
	"into float64", "into a number",
)

// yamlError restates the YAML library's errors as "file:line: problem".
func yamlError(name string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	errs := make([]error, 0, len(msgs))
	for _, m := range msgs {
		m = strings.TrimSpace(m)
		ce := &ConfigError{File: name, Problem: strings.TrimPrefix(m, "yaml: ")}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			ce.Line, _ = strconv.Atoi(sm[1])
			ce.Problem = sm[2]
		}
		if sm := unknownField.FindStringSubmatch(ce.Problem); sm != nil {
			ce.Problem = fmt.Sprintf("unknown key %q (want severity, vulnerabilityCap, vulnerabilityUnknown, license, healthPerPoint, healthUnknown, stalenessPerLibyear, stalenessCap, stalenessUnknown or criticality)", sm[1])
		}
		ce.Problem = typeNames.Replace(ce.Problem)
		errs = append(errs, ce)
	}
	return errors.Join(errs...)
}
