package report

import (
	"encoding/json"
	"io"

	"ospo/internal/inventory"
	"ospo/internal/scan"
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
}

// Project is one manifest found by the scan.
type Project struct {
	Ecosystem  string   `json:"ecosystem"`
	Name       string   `json:"name"`
	Version    string   `json:"version,omitempty"`
	Path       string   `json:"path"`
	Source     string   `json:"source"`
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
}

// NewDocument converts a scan result to its JSON form.
func NewDocument(r *scan.Result, tool Tool) Document {
	d := Document{
		SchemaVersion: SchemaVersion,
		Tool:          tool,
		Roots:         r.Roots,
		Summary:       Summarize(r),
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
			Source: p.Source, Components: len(p.Components), Notes: p.Notes,
		})
	}
	for _, c := range r.Components {
		paths := c.Paths
		if paths == nil {
			paths = [][]string{}
		}
		d.Components = append(d.Components, Component{
			Ecosystem: c.Ecosystem, Name: c.Name, Version: c.Version, PURL: c.PURL,
			License: licenseOf(c), LicenseSource: sourceOf(c), NeedsReview: c.License.NeedsReview,
			LicenseReason: c.License.Reason, DeclaredLicense: c.License.Declared,
			DetectedLicense: c.License.Detected, DeclaredLicenses: c.DeclaredLicenses,
			LicenseFiles: c.LicenseFiles, Scope: c.Scope, Direct: c.Direct, Paths: paths,
			Locations: c.Locations, Installed: c.Installed, Supplier: c.Supplier,
			Homepage: c.Homepage, Repository: c.Repository, Funding: c.Funding, Hashes: c.Hashes,
		})
	}
	return d
}

func sourceOf(c *inventory.Component) string {
	if c.License.Source == "" {
		return "none"
	}
	return c.License.Source
}

func writeJSON(w io.Writer, r *scan.Result, tool Tool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(NewDocument(r, tool))
}
