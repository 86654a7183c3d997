package quality

import (
	"math"

	"ospo/internal/sbom"
)

// Report is the rating of one SBOM. Its JSON field names are stable; they
// are documented on each field.
type Report struct {
	// Format is the serialisation read: cyclonedx-json, cyclonedx-xml,
	// spdx-json or spdx-tag.
	Format string `json:"format"`
	// SpecVersion is the specification version as the model holds it:
	// "1.6" for CycloneDX, "SPDX-2.3" for SPDX.
	SpecVersion string `json:"spec_version"`
	// Components is how many components were rated.
	Components int `json:"components"`
	// Primary lists the refs of the primary components.
	Primary []string `json:"primary,omitempty"`
	// PrimaryRated is set when the document lists nothing besides its
	// primary components, so those were rated as its components.
	PrimaryRated bool `json:"primary_rated,omitempty"`
	// Overall is the weighted score, 0 to 10.
	Overall float64 `json:"overall"`
	// Grade is A (from 9.0), B (from 7.5), C (from 5.0) or D.
	Grade string `json:"grade"`
	// NTIAMinimum is true when every rated component has the five NTIA
	// component elements and the author and timestamp checks pass.
	NTIAMinimum bool `json:"ntia_minimum_elements"`
	// Elements has one entry per component criterion, in a fixed order.
	Elements []Element `json:"elements"`
	// DocumentChecks has one entry per document-level check.
	DocumentChecks []Check `json:"document_checks"`
	// ComponentsDetail rates each component, in document order.
	ComponentsDetail []ComponentScore `json:"components_detail"`
}

// Element is the coverage of one component criterion across the document.
type Element struct {
	// ID is the criterion's stable key: supplier, name, version,
	// identifier, relationships, license, hash, download_location.
	ID string `json:"id"`
	// Name is the criterion's human name.
	Name string `json:"name"`
	// NTIA is true for the NTIA minimum elements.
	NTIA bool `json:"ntia"`
	// Description says why the criterion matters.
	Description string `json:"description"`
	// Weight is the criterion's share of the overall score (of 100).
	Weight int `json:"weight"`
	// Covered counts components that fully meet the criterion.
	Covered int `json:"covered"`
	// Partial counts components that meet it in part (half credit).
	Partial int `json:"partial,omitempty"`
	// Weak counts hash-covered components whose hashes are all MD5, SHA-1
	// or weaker (hash only).
	Weak int `json:"weak,omitempty"`
	// Total is the number of components rated.
	Total int `json:"total"`
	// Score is 10 × (Covered + Partial/2) / Total.
	Score float64 `json:"score"`
	// Missing lists the refs of up to MissingShown components that do not
	// fully meet the criterion, in document order.
	Missing []string `json:"missing,omitempty"`
	// MissingCount is how many components do not fully meet it (Total -
	// Covered), including those left out of Missing.
	MissingCount int `json:"missing_count"`
}

// Check is one document-level check.
type Check struct {
	// ID is the check's stable key: author, timestamp, primary_component,
	// dependency_graph, spec_version.
	ID string `json:"id"`
	// Name is the check's human name.
	Name string `json:"name"`
	// NTIA is true for the NTIA minimum elements.
	NTIA bool `json:"ntia"`
	// Description says why the check matters.
	Description string `json:"description"`
	// Weight is the check's share of the overall score (of 100); 0 means
	// informational.
	Weight int `json:"weight"`
	// Passed tells whether the document passes.
	Passed bool `json:"passed"`
	// Detail says what was found, or what is missing.
	Detail string `json:"detail"`
}

// Status is how far a component meets a criterion.
type Status string

// The statuses a component criterion can have.
const (
	Met     Status = "met"
	Partial Status = "partial"
	Missing Status = "missing"
)

// ComponentScore rates one component.
type ComponentScore struct {
	// Ref is the component's reference: the CycloneDX bom-ref (else its
	// package URL, else name@version), or the SPDX "SPDXRef-…" id.
	Ref     string `json:"ref"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Score is the component's weighted score over the component
	// criteria, 0 to 10.
	Score float64 `json:"score"`
	// Criteria maps each criterion ID to met, partial or missing.
	Criteria map[string]Status `json:"criteria"`
	// Missing lists the IDs of the criteria not fully met, in the order
	// of Report.Elements.
	Missing []string `json:"missing,omitempty"`
	// Notes explain partial or weak findings (a license given as free
	// text, a package URL that does not parse, weak hashes).
	Notes []string `json:"notes,omitempty"`
}

// MissingShown bounds Element.Missing: a 10,000-component SBOM would
// otherwise repeat most of itself per criterion. ComponentsDetail has all.
const MissingShown = 10

// Grade thresholds on the overall score.
const (
	GradeA = 9.0
	GradeB = 7.5
	GradeC = 5.0
)

// Score rates doc. A nil document, or one holding neither model, rates 0.
func Score(doc *sbom.Document) *Report {
	var f *docFacts
	switch {
	case doc != nil && doc.CycloneDX != nil:
		f = cyclonedxFacts(doc.CycloneDX)
	case doc != nil && doc.SPDX != nil:
		f = spdxFacts(doc.SPDX, doc.SPDXVersion)
	default:
		f = &docFacts{}
	}
	r := judge(f)
	if doc != nil {
		r.Format = string(doc.Format)
	}
	return r
}

// judge turns facts into the report: the pure scoring step.
func judge(f *docFacts) *Report {
	r := &Report{SpecVersion: f.specVersion, ComponentsDetail: []ComponentScore{}}
	for _, p := range f.primaries {
		r.Primary = append(r.Primary, p.ref)
	}
	comps := f.components
	if len(comps) == 0 && len(f.primaries) > 0 {
		comps = f.primaries
		r.PrimaryRated = true
	}
	r.Components = len(comps)

	var sum, weights float64
	for ci, c := range criteria {
		e := Element{ID: c.id, Name: c.name, NTIA: c.ntia, Description: c.description, Weight: c.weight, Total: len(comps)}
		for _, cf := range comps {
			switch cf.status[ci] {
			case Met:
				e.Covered++
				if ci == critHash && cf.weakHash {
					e.Weak++
				}
			case Partial:
				e.Partial++
			}
			if cf.status[ci] != Met && len(e.Missing) < MissingShown {
				e.Missing = append(e.Missing, cf.ref)
			}
		}
		e.MissingCount = e.Total - e.Covered
		var s float64
		if e.Total > 0 {
			s = 10 * (float64(e.Covered) + float64(e.Partial)/2) / float64(e.Total)
		}
		e.Score = round1(s)
		sum += float64(c.weight) * s
		weights += float64(c.weight)
		r.Elements = append(r.Elements, e)
	}

	r.DocumentChecks = documentChecks(f)
	for _, k := range r.DocumentChecks {
		if k.Passed {
			sum += float64(k.Weight) * 10
		}
		weights += float64(k.Weight)
	}
	r.Overall = round1(sum / weights)
	r.Grade = grade(r.Overall)

	r.NTIAMinimum = len(comps) > 0
	for _, e := range r.Elements {
		if e.NTIA && e.Covered < e.Total {
			r.NTIAMinimum = false
		}
	}
	for _, k := range r.DocumentChecks {
		if k.NTIA && !k.Passed {
			r.NTIAMinimum = false
		}
	}

	for _, cf := range comps {
		r.ComponentsDetail = append(r.ComponentsDetail, componentScore(cf))
	}
	return r
}

func componentScore(cf componentFacts) ComponentScore {
	cs := ComponentScore{Ref: cf.ref, Name: cf.name, Version: cf.version, Criteria: map[string]Status{}, Notes: cf.notes}
	var sum, weights float64
	for ci, c := range criteria {
		st := cf.status[ci]
		cs.Criteria[c.id] = st
		switch st {
		case Met:
			sum += float64(c.weight) * 10
		case Partial:
			sum += float64(c.weight) * 5
		}
		if st != Met {
			cs.Missing = append(cs.Missing, c.id)
		}
		weights += float64(c.weight)
	}
	cs.Score = round1(sum / weights)
	return cs
}

func grade(overall float64) string {
	switch {
	case overall >= GradeA:
		return "A"
	case overall >= GradeB:
		return "B"
	case overall >= GradeC:
		return "C"
	}
	return "D"
}

// round1 rounds a score to one decimal, so the number shown is the number
// graded.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
