// Package report renders scan results for people and machines: a table for
// terminals, a versioned JSON document, CSV, Markdown for pull requests and
// CI summaries, a self-contained HTML page, and SARIF for code scanning.
// Renderers only render; every verdict they show was decided before they
// run.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/scan"
)

// SchemaVersion is the version of the JSON document `ospo scan --format
// json` prints. It changes in its major part only when a field is removed
// or changes meaning; new fields raise the minor part.
const SchemaVersion = "1.2"

// NoAssertion is the license of a component for which nothing usable was
// found.
const NoAssertion = "NOASSERTION"

// Tool names the program that made a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary counts what a scan found.
type Summary struct {
	Projects    int            `json:"projects"`
	Components  int            `json:"components"`
	NoAssertion int            `json:"noAssertion"`
	NeedsReview int            `json:"needsReview"`
	Excluded    int            `json:"excluded"`
	Problems    int            `json:"problems"`
	ByLicense   map[string]int `json:"byLicense"`
	// Vulnerabilities is present when a vulnerability database was
	// consulted (schema 1.2).
	Vulnerabilities *VulnSummary `json:"vulnerabilities,omitempty"`
}

// VulnSummary counts the known vulnerabilities found.
type VulnSummary struct {
	// ByLevel counts findings (alias groups) by severity level.
	ByLevel map[string]int `json:"byLevel"`
	// Components counts the components with at least one finding.
	Components int `json:"components"`
	// Unchecked counts the components that could not be checked.
	Unchecked int `json:"unchecked"`
	// Ignored counts findings the policy's ignore list covers.
	Ignored int      `json:"ignored,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Summarize counts a result.
func Summarize(r *scan.Result) Summary {
	s := Summary{
		Projects:   len(r.Projects),
		Components: len(r.Components),
		Excluded:   r.Excluded,
		Problems:   len(r.Problems),
		ByLicense:  map[string]int{},
	}
	for _, c := range r.Components {
		expr := licenseOf(c)
		if expr == NoAssertion {
			s.NoAssertion++
		}
		if c.License.NeedsReview {
			s.NeedsReview++
		}
		s.ByLicense[expr]++
	}
	if r.Vulns != nil {
		v := &VulnSummary{ByLevel: map[string]int{}, Notes: r.Vulns.Notes}
		for i, res := range r.Vulns.Results {
			if res.Unchecked != "" {
				v.Unchecked++
			}
			if len(res.Findings) > 0 {
				v.Components++
			}
			ignored := ignoredOf(r, i)
			for _, f := range res.Findings {
				if _, ok := ignored[f.ID]; ok {
					v.Ignored++
					continue
				}
				v.ByLevel[string(f.Severity.Level)]++
			}
		}
		s.Vulnerabilities = v
	}
	return s
}

// ignoredOf is what the policy's ignore list covers among component i's
// findings: id → the entry's reason.
func ignoredOf(r *scan.Result, i int) map[string]string {
	if r.Decisions == nil || i >= len(r.Decisions.Decisions) || r.Decisions.Decisions[i].Vulnerabilities == nil {
		return nil
	}
	return r.Decisions.Decisions[i].Vulnerabilities.Ignored
}

func licenseOf(c *inventory.Component) string {
	if c.License.Expression == "" {
		return NoAssertion
	}
	return c.License.Expression
}

// Format names an output format.
type Format string

// The formats ospo scan can print.
const (
	FormatTable    Format = "table"
	FormatJSON     Format = "json"
	FormatCSV      Format = "csv"
	FormatMarkdown Format = "markdown"
	FormatHTML     Format = "html"
	FormatSARIF    Format = "sarif"
)

// Formats lists the formats, for help texts and errors.
var Formats = []Format{FormatTable, FormatJSON, FormatCSV, FormatMarkdown, FormatHTML, FormatSARIF}

// Options say what a report needs to know beyond the result.
type Options struct {
	Tool Tool
	// PolicyPath is the policy file the decisions were made under, as the
	// user would name it; "" for the built-in defaults. Reports cite it,
	// and SARIF points expired and unused exceptions at it.
	PolicyPath string
}

// Write renders r in format f.
func Write(w io.Writer, f Format, r *scan.Result, tool Tool) error {
	return Render(w, f, r, Options{Tool: tool})
}

// Render renders r in format f with everything o knows.
func Render(w io.Writer, f Format, r *scan.Result, o Options) error {
	switch f {
	case FormatTable, "":
		return writeTable(w, r, o)
	case FormatJSON:
		return writeJSON(w, r, o)
	case FormatCSV:
		return writeCSV(w, r)
	case FormatMarkdown:
		return writeMarkdown(w, r, o)
	case FormatHTML:
		return writeHTML(w, r, o)
	case FormatSARIF:
		return writeSARIF(w, r, o)
	}
	names := make([]string, len(Formats))
	for i, x := range Formats {
		names[i] = string(x)
	}
	return fmt.Errorf("unknown format %q (known: %s)", f, strings.Join(names, ", "))
}

// sortedLicenses returns the license counts from the most common down.
func sortedLicenses(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if m[ks[i]] != m[ks[j]] {
			return m[ks[i]] > m[ks[j]]
		}
		return ks[i] < ks[j]
	})
	return ks
}
