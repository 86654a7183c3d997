package sbom

import (
	"fmt"
	"io"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
	"ospo/internal/vuln"
)

// WriteCycloneDX writes the bill as a CycloneDX 1.6 document, JSON or XML.
func WriteCycloneDX(w io.Writer, b *Bill, xml bool) error {
	bom := cycloneDX(b)
	ff := cdx.BOMFileFormatJSON
	if xml {
		ff = cdx.BOMFileFormatXML
	}
	enc := cdx.NewBOMEncoder(w, ff)
	enc.SetPretty(true)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("write CycloneDX: %w", err)
	}
	return nil
}

func cycloneDX(b *Bill) *cdx.BOM {
	r := newRefs(b)
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + b.docID()
	created := b.Created
	if created.IsZero() {
		created = time.Now()
	}
	md := &cdx.Metadata{Timestamp: created.UTC().Format(time.RFC3339)}
	if b.Tool != "" {
		md.Tools = &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: b.Tool, Version: b.ToolVersion,
		}}}
	}
	if len(b.Authors) > 0 {
		var as []cdx.OrganizationalContact
		for _, a := range b.Authors {
			as = append(as, cdx.OrganizationalContact{Name: a})
		}
		md.Authors = &as
	}
	root := cdx.Component{BOMRef: rootRef, Type: cdx.ComponentTypeApplication, Name: b.Name, Version: b.Version}
	if b.Supplier != "" {
		root.Supplier = &cdx.OrganizationalEntity{Name: b.Supplier}
		md.Supplier = &cdx.OrganizationalEntity{Name: b.Supplier}
	}
	var mdProps []cdx.Property
	if b.Kind != "" {
		mdProps = append(mdProps, cdx.Property{Name: propKind, Value: b.Kind})
	}
	if b.single() {
		p := b.Projects[0]
		root.Properties = projectProps(p)
		if root.Name == "" {
			root.Name = p.Name
		}
	}
	if len(mdProps) > 0 {
		md.Properties = &mdProps
	}
	md.Component = &root
	bom.Metadata = md

	comps := make([]cdx.Component, 0, len(b.Components)+len(b.Projects))
	if !b.single() {
		for i, p := range b.Projects {
			pc := cdx.Component{BOMRef: r.project[i], Type: cdx.ComponentTypeApplication, Name: p.Name, Version: p.Version}
			if pc.Name == "" {
				pc.Name = p.Path
			}
			pc.Properties = projectProps(p)
			comps = append(comps, pc)
		}
	}
	for _, c := range b.Components {
		comps = append(comps, cdxComponent(c, r.comp[c.Key()]))
	}
	bom.Components = &comps

	g := b.graph(r)
	keys := make([]string, 0, len(g)+len(comps)+1)
	keys = append(keys, rootRef)
	for _, c := range comps {
		keys = append(keys, c.BOMRef)
	}
	deps := make([]cdx.Dependency, 0, len(keys))
	for _, k := range keys {
		d := cdx.Dependency{Ref: k}
		if tos := g[k]; len(tos) > 0 {
			ts := append([]string(nil), tos...)
			d.Dependencies = &ts
		}
		deps = append(deps, d)
	}
	bom.Dependencies = &deps
	if vs := cdxVulns(b, r); len(vs) > 0 {
		bom.Vulnerabilities = &vs
	}
	return bom
}

// cdxVulns lists each vulnerability once, with every component it
// affects; ignored ones carry the organisation's judgement as a
// not-affected analysis.
func cdxVulns(b *Bill, r *refs) []cdx.Vulnerability {
	if b.Vulns == nil {
		return nil
	}
	byID := map[string]*cdx.Vulnerability{}
	var order []string
	for i, res := range b.Vulns.Results {
		if i >= len(b.Components) {
			break
		}
		c := b.Components[i]
		for _, f := range res.Findings {
			v, ok := byID[f.ID]
			if !ok {
				v = &cdx.Vulnerability{BOMRef: "vuln:" + f.ID, ID: f.ID, Description: f.Summary,
					Source: &cdx.Source{Name: "OSV", URL: f.URL}}
				if len(f.Aliases) > 0 {
					refs := make([]cdx.VulnerabilityReference, 0, len(f.Aliases))
					for _, a := range f.Aliases {
						refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: &cdx.Source{Name: sourceOf(a)}})
					}
					v.References = &refs
				}
				v.Ratings = &[]cdx.VulnerabilityRating{cdxRating(f.Severity)}
				v.Detail = f.Why
				byID[f.ID] = v
				order = append(order, f.ID)
			}
			aff := cdx.Affects{Ref: r.comp[c.Key()]}
			if v.Affects == nil {
				v.Affects = &[]cdx.Affects{}
			}
			*v.Affects = append(*v.Affects, aff)
			if res.Upgrade != "" {
				rec := "Upgrade " + c.Name + " to " + res.Upgrade + "."
				if !strings.Contains(v.Recommendation, rec) {
					v.Recommendation = strings.TrimSpace(v.Recommendation + " " + rec)
				}
			}
			if why, ok := b.Ignored[c.Key()][f.ID]; ok {
				v.Analysis = &cdx.VulnerabilityAnalysis{State: cdx.IASNotAffected, Detail: why}
			}
		}
	}
	out := make([]cdx.Vulnerability, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out
}

func cdxRating(s vuln.Severity) cdx.VulnerabilityRating {
	rt := cdx.VulnerabilityRating{Severity: cdx.Severity(s.Level)}
	if s.Level == "" {
		rt.Severity = cdx.SeverityUnknown
	}
	if s.Score > 0 {
		sc := s.Score
		rt.Score, rt.Vector = &sc, s.Vector
		switch {
		case s.Source == "CVSS_V4":
			rt.Method = cdx.ScoringMethodCVSSv4
		case s.Source == "CVSS_V2":
			rt.Method = cdx.ScoringMethodCVSSv2
		case strings.HasPrefix(s.Vector, "CVSS:3.1/"):
			rt.Method = cdx.ScoringMethodCVSSv31
		case strings.HasPrefix(s.Vector, "CVSS:3.0/"):
			rt.Method = cdx.ScoringMethodCVSSv3
		}
	} else if s.Source != "" {
		rt.Method, rt.Justification = cdx.ScoringMethodOther, s.Source
	}
	return rt
}

// sourceOf names the database an identifier belongs to.
func sourceOf(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "NVD"
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub"
	case strings.HasPrefix(id, "GO-"):
		return "Go"
	case strings.HasPrefix(id, "PYSEC-"):
		return "PyPA"
	case strings.HasPrefix(id, "RUSTSEC-"):
		return "RustSec"
	}
	return "OSV"
}

func projectProps(p *inventory.Project) *[]cdx.Property {
	ps := []cdx.Property{{Name: propProject, Value: p.Path}}
	if p.Ecosystem != "" {
		ps = append(ps, cdx.Property{Name: propEcosystem, Value: p.Ecosystem})
	}
	if p.Source != "" {
		ps = append(ps, cdx.Property{Name: propProjectSource, Value: p.Source})
	}
	if p.Kind != "" {
		ps = append(ps, cdx.Property{Name: propKind, Value: p.Kind})
	}
	return &ps
}

func cdxComponent(c *inventory.Component, ref string) cdx.Component {
	out := cdx.Component{
		BOMRef:     ref,
		Type:       cdx.ComponentTypeLibrary,
		Name:       c.Name,
		Version:    c.Version,
		PackageURL: c.PURL,
		Scope:      cdxScope(c.Scope),
	}
	if c.Supplier != "" {
		out.Supplier = &cdx.OrganizationalEntity{Name: c.Supplier}
	}
	var hashes []cdx.Hash
	props := []cdx.Property{{Name: propEcosystem, Value: c.Ecosystem}}
	if c.Scope != "" {
		props = append(props, cdx.Property{Name: propScope, Value: string(c.Scope)})
	}
	for _, h := range c.Hashes {
		alg := normAlg(h.Algorithm)
		if v, ok := hexHash(alg, h.Value); ok {
			hashes = append(hashes, cdx.Hash{Algorithm: cdx.HashAlgorithm(alg), Value: v})
		} else if h.Algorithm == "h1" {
			props = append(props, cdx.Property{Name: propHashH1, Value: h.Value})
		}
	}
	if len(hashes) > 0 {
		out.Hashes = &hashes
	}
	lic, lprops := cdxLicenses(c.License)
	out.Licenses = lic
	props = append(props, lprops...)
	var ext []cdx.ExternalReference
	if c.Homepage != "" {
		ext = append(ext, cdx.ExternalReference{Type: cdx.ERTypeWebsite, URL: c.Homepage})
	}
	if c.Repository != "" {
		ext = append(ext, cdx.ExternalReference{Type: cdx.ERTypeVCS, URL: c.Repository})
	}
	if c.Resolved != "" {
		ext = append(ext, cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: c.Resolved})
	}
	for _, f := range c.Funding {
		ext = append(ext, cdx.ExternalReference{Type: cdx.ExternalReferenceType("other"), URL: f, Comment: "funding"})
	}
	if len(ext) > 0 {
		out.ExternalReferences = &ext
	}
	for _, l := range c.Locations {
		props = append(props, cdx.Property{Name: propLocation, Value: l})
	}
	out.Properties = &props
	return out
}

func cdxScope(s inventory.Scope) cdx.Scope {
	switch s {
	case inventory.ScopeDev:
		return cdx.ScopeExcluded
	case inventory.ScopeOptional, inventory.ScopePeer:
		return cdx.ScopeOptional
	}
	return cdx.ScopeRequired
}

// cdxLicenses writes the concluded license, and the declared one when it
// differs, with CycloneDX 1.6 acknowledgements. CycloneDX allows either a
// list of single licenses or exactly one expression, so when either answer
// is a compound expression the concluded one is the expression and the
// declared one travels as a property.
func cdxLicenses(l inventory.License) (*cdx.Licenses, []cdx.Property) {
	var props []cdx.Property
	if l.Source != "" {
		props = append(props, cdx.Property{Name: propLicenseSource, Value: l.Source})
	}
	if l.NeedsReview {
		props = append(props, cdx.Property{Name: propLicenseReview, Value: l.Reason})
	}
	if l.Detected != "" {
		props = append(props, cdx.Property{Name: propLicenseDetected, Value: l.Detected})
	}
	concluded := l.Expression
	if concluded == "NOASSERTION" || concluded == "" {
		if l.Declared != "" {
			props = append(props, cdx.Property{Name: propLicenseDeclared, Value: l.Declared})
		}
		return nil, props
	}
	con, dec := cdx.LicenseAcknowledgementConcluded, cdx.LicenseAcknowledgementDeclared
	if cdxID(concluded) && (l.Declared == "" || cdxID(l.Declared)) {
		ls := cdx.Licenses{{License: &cdx.License{ID: concluded, Acknowledgement: con}}}
		if l.Declared != "" {
			ls = append(ls, cdx.LicenseChoice{License: &cdx.License{ID: l.Declared, Acknowledgement: dec}})
		}
		return &ls, props
	}
	if l.Declared != "" {
		props = append(props, cdx.Property{Name: propLicenseDeclared, Value: l.Declared})
	}
	return &cdx.Licenses{{Expression: concluded, Acknowledgement: &con}}, props
}

// cdxID reports whether s is one license of the SPDX list, usable as a
// CycloneDX license id.
func cdxID(s string) bool {
	if strings.ContainsAny(s, " ()") || strings.HasPrefix(s, "LicenseRef-") {
		return false
	}
	_, ok := knowledge.Lookup(s)
	return ok
}
