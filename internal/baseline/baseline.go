// Package baseline compares a scan with an earlier one, so that a pull
// request sees only its own effect: components that are new, whose
// license changed, or whose verdict changed.
package baseline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxSize bounds a baseline file; a scan of ten thousand components is a
// few megabytes.
const maxSize = 256 << 20

// ErrInvalid is wrapped by every error about a baseline file's content.
var ErrInvalid = errors.New("invalid baseline")

// entry is what a baseline remembers of one component.
type entry struct {
	License string
	Verdict string
}

// Baseline is an earlier scan result, keyed by ecosystem:name@version.
type Baseline struct {
	Path    string
	entries map[string]entry
}

// document is the part of ospo's JSON scan document a baseline needs.
type document struct {
	SchemaVersion string `json:"schemaVersion"`
	Components    []struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
		Version   string `json:"version"`
		License   string `json:"license"`
		Verdict   string `json:"verdict"`
	} `json:"components"`
}

// Load reads a baseline written by `ospo scan --format json`.
func Load(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	defer f.Close()
	return Parse(io.LimitReader(f, maxSize), path)
}

// Parse reads a baseline from r; path names it in errors.
func Parse(r io.Reader, path string) (*Baseline, error) {
	var doc document
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("baseline %s: %w: not an ospo scan JSON document: %v", path, ErrInvalid, err)
	}
	if doc.SchemaVersion == "" || doc.SchemaVersion[0] != '1' {
		return nil, fmt.Errorf("baseline %s: %w: schemaVersion %q, want 1.x (write it with ospo scan --format json)", path, ErrInvalid, doc.SchemaVersion)
	}
	b := &Baseline{Path: path, entries: make(map[string]entry, len(doc.Components))}
	for i, c := range doc.Components {
		if c.Name == "" {
			return nil, fmt.Errorf("baseline %s: %w: components[%d] has no name", path, ErrInvalid, i)
		}
		b.entries[key(c.Ecosystem, c.Name, c.Version)] = entry{License: c.License, Verdict: c.Verdict}
	}
	return b, nil
}

func key(eco, name, version string) string { return eco + ":" + name + "@" + version }

// Change says how a component differs from the baseline.
type Change string

// The kinds of change; Same means the baseline already had it as it is.
const (
	Same           Change = ""
	New            Change = "new"
	LicenseChanged Change = "license-changed"
	VerdictChanged Change = "verdict-changed"
)

// Compare says how the component (ecosystem, name, version) with license
// and verdict ("" when no policy was evaluated) differs from the baseline.
func (b *Baseline) Compare(ecosystem, name, version, license, verdict string) Change {
	e, ok := b.entries[key(ecosystem, name, version)]
	switch {
	case !ok:
		return New
	case e.License != license:
		return LicenseChanged
	case verdict != "" && e.Verdict != verdict:
		return VerdictChanged
	}
	return Same
}

// Len is the number of components the baseline holds.
func (b *Baseline) Len() int { return len(b.entries) }
