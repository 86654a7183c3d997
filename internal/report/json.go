package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
	"ospo/internal/obligations"
	"ospo/internal/policy"
	"ospo/internal/scan"
	"ospo/internal/vuln"
)

// Document is the JSON form of a scan, documented in docs/scan-json.md.
type Document struct {
	SchemaVersion string              `json:"schemaVersion"`
	Tool          Tool                `json:"tool"`
	Roots         []string            `json:"roots"`
	Summary       Summary             `json:"summary"`
	Projects      []Project           `json:"projects"`
	Components    []Component         `json:"components"`
	Problems      []inventory.Problem `json:"problems"`
	// Policy and Obligations are present only when a policy decided the
	// components (schema 1.1), so that 1.0 readers see what they know.
	Policy      *Policy              `json:"policy,omitempty"`
	Obligations *obligations.Summary `json:"obligations,omitempty"`
}

// Policy says under which policy and context the components were decided,
// and what came of it.
type Policy struct {
	// Path is the policy file, "" for the built-in defaults.
	Path         string                      `json:"path,omitempty"`
	Distribution knowledge.DistributionModel `json:"distribution"`
	// Outbound is the project's own license the dependencies were checked
	// against, "" when not set.
	Outbound          string                `json:"outbound,omitempty"`
	Counts            VerdictCounts         `json:"counts"`
	UnusedExceptions  []policy.ExceptionRef `json:"unusedExceptions"`
	ExpiredExceptions []policy.ExceptionRef `json:"expiredExceptions"`
}

// Project is one manifest found by the scan.
type Project struct {
	Ecosystem  string   `json:"ecosystem"`
	Name       string   `json:"name"`
	Version    string   `json:"version,omitempty"`
	Path       string   `json:"path"`
	Source     string   `json:"source"`
	Kind       string   `json:"kind,omitempty"`
	Supplier   string   `json:"supplier,omitempty"`
	Components int      `json:"components"`
	Notes      []string `json:"notes,omitempty"`
}

// Component is one package at one version, with its concluded license.
type Component struct {
	Ecosystem        string                  `json:"ecosystem"`
	Name             string                  `json:"name"`
	Version          string                  `json:"version"`
	PURL             string                  `json:"purl"`
	License          string                  `json:"license"`
	LicenseSource    string                  `json:"licenseSource"`
	NeedsReview      bool                    `json:"needsReview"`
	LicenseReason    string                  `json:"licenseReason,omitempty"`
	DeclaredLicense  string                  `json:"declaredLicense,omitempty"`
	DetectedLicense  string                  `json:"detectedLicense,omitempty"`
	DeclaredLicenses []string                `json:"declaredLicenses,omitempty"`
	LicenseFiles     []inventory.LicenseFile `json:"licenseFiles,omitempty"`
	Scope            inventory.Scope         `json:"scope"`
	Direct           bool                    `json:"direct"`
	Paths            [][]string              `json:"paths"`
	Locations        []string                `json:"locations,omitempty"`
	Installed        bool                    `json:"installed"`
	Supplier         string                  `json:"supplier,omitempty"`
	Homepage         string                  `json:"homepage,omitempty"`
	Repository       string                  `json:"repository,omitempty"`
	Funding          []string                `json:"funding,omitempty"`
	Hashes           []inventory.Hash        `json:"hashes,omitempty"`
	// Known vulnerabilities, when a database was consulted (1.2).
	Vulnerabilities          []Vulnerability `json:"vulnerabilities,omitempty"`
	Upgrade                  string          `json:"upgrade,omitempty"`
	VulnerabilitiesUnchecked string          `json:"vulnerabilitiesUnchecked,omitempty"`
	// The policy decision, present only when a policy was evaluated.
	Verdict policy.Verdict `json:"verdict,omitempty"`
	Rule    string         `json:"rule,omitempty"`
	Reason  string         `json:"reason,omitempty"`
	Choice  string         `json:"choice,omitempty"`
}

// Vulnerability is a finding as the JSON document shows it; Ignored holds
// the policy's reason when its ignore list covers the finding.
type Vulnerability struct {
	vuln.Finding
	Ignored string `json:"ignored,omitempty"`
}

// NewDocument converts a scan result to its JSON form.
func NewDocument(r *scan.Result, tool Tool) Document {
	return newDocument(newView(r), Options{Tool: tool})
}

func newDocument(v *view, o Options) Document {
	r := v.r
	d := Document{
		SchemaVersion: SchemaVersion,
		Tool:          o.Tool,
		Roots:         r.Roots,
		Summary:       v.summary,
		Projects:      []Project{},
		Components:    make([]Component, 0, len(r.Components)),
		Problems:      r.Problems,
	}
	if d.Problems == nil {
		d.Problems = []inventory.Problem{}
	}
	for _, p := range r.Projects {
		d.Projects = append(d.Projects, Project{
			Ecosystem: p.Ecosystem, Name: p.Name, Version: p.Version, Path: p.Path,
			Source: p.Source, Kind: p.Kind, Supplier: p.Supplier, Components: len(p.Components), Notes: p.Notes,
		})
	}
	if d.Roots == nil {
		d.Roots = []string{}
	}
	if v.decided() {
		d.Policy = &Policy{
			Path:              o.PolicyPath,
			Distribution:      r.Decisions.Distribution,
			Outbound:          r.Decisions.Outbound,
			Counts:            v.counts,
			UnusedExceptions:  nonNil(r.Decisions.UnusedExceptions),
			ExpiredExceptions: nonNil(r.Decisions.ExpiredExceptions),
		}
		d.Obligations = v.obligations
	}
	for i, c := range r.Components {
		paths := c.Paths
		if paths == nil {
			paths = [][]string{}
		}
		var dc policy.Decision
		if x := v.decision(i); x != nil {
			dc = *x
		}
		d.Components = append(d.Components, Component{
			Verdict: dc.Verdict, Rule: dc.Rule, Reason: dc.Reason, Choice: dc.Choice,
			Ecosystem: c.Ecosystem, Name: c.Name, Version: c.Version, PURL: c.PURL,
			License: licenseOf(c), LicenseSource: sourceOf(c), NeedsReview: c.License.NeedsReview,
			LicenseReason: c.License.Reason, DeclaredLicense: c.License.Declared,
			DetectedLicense: c.License.Detected, DeclaredLicenses: c.DeclaredLicenses,
			LicenseFiles: c.LicenseFiles, Scope: c.Scope, Direct: c.Direct, Paths: paths,
			Locations: c.Locations, Installed: c.Installed, Supplier: c.Supplier,
			Homepage: c.Homepage, Repository: c.Repository, Funding: c.Funding, Hashes: c.Hashes,
		})
		if res := v.vulns(i); res != nil {
			dc := &d.Components[len(d.Components)-1]
			ignored := ignoredOf(v.r, i)
			for _, f := range res.Findings {
				dc.Vulnerabilities = append(dc.Vulnerabilities, Vulnerability{Finding: f, Ignored: ignored[f.ID]})
			}
			dc.Upgrade, dc.VulnerabilitiesUnchecked = res.Upgrade, res.Unchecked
		}
	}
	return d
}

func sourceOf(c *inventory.Component) string {
	if c.License.Source == "" {
		return "none"
	}
	return c.License.Source
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// writeJSON streams the document: the small top-level parts indented, and
// each project, component and problem compact on a line of its own. That
// keeps a diff of two scans readable line by line and avoids re-indenting
// megabytes, which took a third of a large scan's time.
func writeJSON(w io.Writer, r *scan.Result, o Options) error {
	d := newDocument(newView(r), o)
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	encode := func(v any, indent bool) ([]byte, error) {
		buf.Reset()
		if indent {
			enc.SetIndent("  ", "  ")
		} else {
			enc.SetIndent("", "")
		}
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		return bytes.TrimRight(buf.Bytes(), "\n"), nil
	}
	type part struct {
		name    string
		v       any
		compact bool                        // long parts stay on one line
		list    func() (int, func(int) any) // set for the long arrays
	}
	parts := []part{
		{name: "schemaVersion", v: d.SchemaVersion},
		{name: "tool", v: d.Tool},
		{name: "roots", v: d.Roots},
		{name: "summary", v: d.Summary},
		{name: "projects", list: func() (int, func(int) any) { return len(d.Projects), func(i int) any { return d.Projects[i] } }},
		{name: "components", list: func() (int, func(int) any) { return len(d.Components), func(i int) any { return d.Components[i] } }},
		{name: "problems", list: func() (int, func(int) any) { return len(d.Problems), func(i int) any { return d.Problems[i] } }},
	}
	if d.Policy != nil {
		parts = append(parts, part{name: "policy", v: d.Policy})
	}
	if d.Obligations != nil {
		parts = append(parts, part{name: "obligations", v: d.Obligations, compact: true})
	}
	bw.WriteString("{")
	for i, p := range parts {
		if i > 0 {
			bw.WriteString(",")
		}
		fmt.Fprintf(bw, "\n  %q: ", p.name)
		if p.list == nil {
			b, err := encode(p.v, !p.compact)
			if err != nil {
				return err
			}
			bw.Write(b)
			continue
		}
		n, item := p.list()
		bw.WriteString("[")
		for j := range n {
			if j > 0 {
				bw.WriteString(",")
			}
			b, err := encode(item(j), false)
			if err != nil {
				return err
			}
			bw.WriteString("\n    ")
			bw.Write(b)
		}
		if n > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}
