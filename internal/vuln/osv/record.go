// Package osv reads vulnerability records in the OSV format (the Open
// Source Vulnerability schema, JSON or YAML) into a typed model. It only
// parses and checks records; matching and storage live in package vuln.
package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Record is one OSV vulnerability record. Fields follow the schema's
// names; unknown fields are ignored.
type Record struct {
	SchemaVersion string      `json:"schema_version,omitempty" yaml:"schema_version,omitempty"`
	ID            string      `json:"id" yaml:"id"`
	Modified      time.Time   `json:"modified" yaml:"modified"`
	Published     *time.Time  `json:"published,omitempty" yaml:"published,omitempty"`
	Withdrawn     *time.Time  `json:"withdrawn,omitempty" yaml:"withdrawn,omitempty"`
	Aliases       []string    `json:"aliases,omitempty" yaml:"aliases,omitempty"`
	Upstream      []string    `json:"upstream,omitempty" yaml:"upstream,omitempty"`
	Related       []string    `json:"related,omitempty" yaml:"related,omitempty"`
	Summary       string      `json:"summary,omitempty" yaml:"summary,omitempty"`
	Details       string      `json:"details,omitempty" yaml:"details,omitempty"`
	Severity      []Severity  `json:"severity,omitempty" yaml:"severity,omitempty"`
	Affected      []Affected  `json:"affected,omitempty" yaml:"affected,omitempty"`
	References    []Reference `json:"references,omitempty" yaml:"references,omitempty"`
	// DatabaseSpecific is kept raw: some databases put their own severity
	// rating there (GitHub's "severity": "HIGH").
	DatabaseSpecific map[string]any `json:"database_specific,omitempty" yaml:"database_specific,omitempty"`
}

// Severity is a scored severity: a CVSS vector or an ecosystem rating.
type Severity struct {
	Type  string `json:"type" yaml:"type"` // CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu
	Score string `json:"score" yaml:"score"`
}

// Affected names one package and the versions of it the vulnerability
// affects.
type Affected struct {
	Package           Package        `json:"package" yaml:"package"`
	Severity          []Severity     `json:"severity,omitempty" yaml:"severity,omitempty"`
	Ranges            []Range        `json:"ranges,omitempty" yaml:"ranges,omitempty"`
	Versions          []string       `json:"versions,omitempty" yaml:"versions,omitempty"`
	EcosystemSpecific map[string]any `json:"ecosystem_specific,omitempty" yaml:"ecosystem_specific,omitempty"`
	DatabaseSpecific  map[string]any `json:"database_specific,omitempty" yaml:"database_specific,omitempty"`
}

// Package identifies a package within an ecosystem.
type Package struct {
	// Ecosystem may carry a suffix after a colon (Debian:12, Alpine:v3.20).
	Ecosystem string `json:"ecosystem" yaml:"ecosystem"`
	Name      string `json:"name" yaml:"name"`
	PURL      string `json:"purl,omitempty" yaml:"purl,omitempty"`
}

// Range is a range of affected versions, described by events.
type Range struct {
	Type   string  `json:"type" yaml:"type"` // SEMVER, ECOSYSTEM, GIT
	Repo   string  `json:"repo,omitempty" yaml:"repo,omitempty"`
	Events []Event `json:"events" yaml:"events"`
}

// Event is one point of a range; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty" yaml:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty" yaml:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty" yaml:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty" yaml:"limit,omitempty"`
}

// Reference is a link about the vulnerability.
type Reference struct {
	Type string `json:"type" yaml:"type"`
	URL  string `json:"url" yaml:"url"`
}

// The range types of the schema.
const (
	RangeSemver    = "SEMVER"
	RangeEcosystem = "ECOSYSTEM"
	RangeGit       = "GIT"
)

// MaxRecordSize bounds one record; the largest real records (Linux
// kernel CVEs with hundreds of versions) are a few megabytes.
const MaxRecordSize = 16 << 20

// ErrInvalid is wrapped by every error about a record's content.
var ErrInvalid = errors.New("invalid OSV record")

// Parse reads one record from JSON or YAML (told apart by the first
// character: JSON records are objects) and checks what matching relies on.
func Parse(data []byte) (*Record, error) {
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("%w: larger than %d MiB", ErrInvalid, MaxRecordSize>>20)
	}
	var r Record
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(t, &r); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(t))
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%w: YAML: %v", ErrInvalid, err)
		}
		r.stringKeys()
	}
	if err := r.Check(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Check reports the first problem that would make matching on the record
// wrong: a missing id or modified time, a package without ecosystem or
// name, a range without a type or without an introduced event, an event
// with no or several fields, fixed and last_affected in one range.
func (r *Record) Check() error {
	if strings.TrimSpace(r.ID) == "" {
		return fmt.Errorf("%w: no id", ErrInvalid)
	}
	// A zero modified time is accepted: the Go vulnerability database's
	// repository copies leave it so until publication.
	for i, a := range r.Affected {
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			if a.Package.PURL == "" {
				return fmt.Errorf("%w: %s: affected[%d] names no package", ErrInvalid, r.ID, i)
			}
		}
		for j, rg := range a.Ranges {
			switch rg.Type {
			case RangeSemver, RangeEcosystem, RangeGit:
			default:
				return fmt.Errorf("%w: %s: affected[%d].ranges[%d] has unknown type %q", ErrInvalid, r.ID, i, j, rg.Type)
			}
			introduced, fixed, last := false, false, false
			for k, e := range rg.Events {
				n := 0
				for _, v := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
					if v != "" {
						n++
					}
				}
				if n != 1 {
					return fmt.Errorf("%w: %s: affected[%d].ranges[%d].events[%d] must have exactly one of introduced, fixed, last_affected, limit", ErrInvalid, r.ID, i, j, k)
				}
				introduced = introduced || e.Introduced != ""
				fixed = fixed || e.Fixed != ""
				last = last || e.LastAffected != ""
			}
			if !introduced {
				return fmt.Errorf("%w: %s: affected[%d].ranges[%d] has no introduced event", ErrInvalid, r.ID, i, j)
			}
			if fixed && last {
				return fmt.Errorf("%w: %s: affected[%d].ranges[%d] has both fixed and last_affected", ErrInvalid, r.ID, i, j)
			}
		}
	}
	return nil
}

// stringKeys rewrites the free-form maps of a record read from YAML into
// what JSON can hold: YAML allows keys that are not strings ({1: a}) and
// the numbers .inf and .nan, which the JSON encoder cannot write back.
func (r *Record) stringKeys() {
	r.DatabaseSpecific = stringKeyMap(r.DatabaseSpecific)
	for i := range r.Affected {
		a := &r.Affected[i]
		a.EcosystemSpecific = stringKeyMap(a.EcosystemSpecific)
		a.DatabaseSpecific = stringKeyMap(a.DatabaseSpecific)
	}
}

func stringKeyMap(m map[string]any) map[string]any {
	for k, v := range m {
		m[k] = stringKeys(v)
	}
	return m
}

func stringKeys(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return stringKeyMap(x)
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = stringKeys(e)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = stringKeys(e)
		}
		return x
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return fmt.Sprint(x)
		}
	}
	return v
}

// BaseEcosystem is the ecosystem without its suffix ("Debian:12" →
// "Debian").
func BaseEcosystem(eco string) string {
	if i := strings.IndexByte(eco, ':'); i >= 0 {
		return eco[:i]
	}
	return eco
}
