package quality

import (
	"strings"

	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"
)

// dependencyKinds are the SPDX relationship types that say one element
// is, or is part of, what another needs to run or build: the NTIA
// "dependency relationship". Provenance (GENERATED_FROM, COPY_OF …) and
// tooling (BUILD_TOOL_OF …) are not dependencies.
var dependencyKinds = map[string]bool{
	"DEPENDS_ON":             true,
	"DEPENDENCY_OF":          true,
	"BUILD_DEPENDENCY_OF":    true,
	"DEV_DEPENDENCY_OF":      true,
	"OPTIONAL_DEPENDENCY_OF": true,
	"PROVIDED_DEPENDENCY_OF": true,
	"TEST_DEPENDENCY_OF":     true,
	"RUNTIME_DEPENDENCY_OF":  true,
	"CONTAINS":               true,
	"CONTAINED_BY":           true,
	"DYNAMIC_LINK":           true,
	"STATIC_LINK":            true,
	"PREREQUISITE_FOR":       true,
	"HAS_PREREQUISITE":       true,
	"OPTIONAL_COMPONENT_OF":  true,
	"PACKAGE_OF":             true,
}

func relKind(r *spdx.Relationship) string {
	return strings.ToUpper(strings.TrimSpace(r.Relationship))
}

// spdxFacts reads what the rating needs from an SPDX document.
func spdxFacts(doc *spdx.Document, written string) *docFacts {
	if written == "" {
		written = doc.SPDXVersion
	}
	f := &docFacts{timestampAt: "creationInfo.created", specVersion: written}
	switch written {
	case "SPDX-2.2", "SPDX-2.3":
		f.specCurrent = true
	}
	f.specDetail = written
	if ci := doc.CreationInfo; ci != nil {
		f.timestamp = ci.Created
		for _, c := range ci.Creators {
			if !placeholder(c.Creator) {
				f.authors = append(f.authors, clip(strings.TrimSpace(c.CreatorType+": "+c.Creator)))
			}
		}
	}

	docID := doc.SPDXIdentifier
	if docID == "" {
		docID = "DOCUMENT"
	}
	pkgs := map[common.ElementID]bool{}
	for _, p := range doc.Packages {
		if p != nil {
			pkgs[p.PackageSPDXIdentifier] = true
		}
	}
	local := func(e common.DocElementID) bool {
		return e.DocumentRefID == "" && e.SpecialID == "" && pkgs[e.ElementRefID]
	}
	isDoc := func(e common.DocElementID) bool {
		return e.DocumentRefID == "" && e.SpecialID == "" && e.ElementRefID == docID
	}
	// other tells whether e may stand on the far side of a dependency:
	// a package here, an element of another document, or NONE (an
	// explicit "depends on nothing").
	other := func(e common.DocElementID) bool {
		return local(e) || (e.DocumentRefID != "" && e.ElementRefID != "") || strings.EqualFold(e.SpecialID, "NONE")
	}
	real := func(e common.DocElementID) bool {
		return local(e) || (e.DocumentRefID != "" && e.ElementRefID != "")
	}

	described := map[common.ElementID]bool{}
	for _, r := range doc.Relationships {
		if r == nil {
			continue
		}
		switch relKind(r) {
		case "DESCRIBES":
			if isDoc(r.RefA) && local(r.RefB) {
				described[r.RefB.ElementRefID] = true
			}
		case "DESCRIBED_BY":
			if isDoc(r.RefB) && local(r.RefA) {
				described[r.RefA.ElementRefID] = true
			}
		}
	}

	inGraph := map[common.ElementID]bool{}
	primaryRels := 0
	for _, r := range doc.Relationships {
		if r == nil || !dependencyKinds[relKind(r)] || isDoc(r.RefA) || isDoc(r.RefB) {
			continue
		}
		if local(r.RefA) && other(r.RefB) {
			inGraph[r.RefA.ElementRefID] = true
		}
		if local(r.RefB) && other(r.RefA) {
			inGraph[r.RefB.ElementRefID] = true
		}
		if real(r.RefA) && real(r.RefB) {
			f.edges++
			if (local(r.RefA) && described[r.RefA.ElementRefID]) || (local(r.RefB) && described[r.RefB.ElementRefID]) {
				primaryRels++
			}
		}
	}
	if len(described) > 0 && f.edges > 0 {
		f.graphDetail = plural(primaryRels, "involves a described package", "involve a described package")
	}

	for _, p := range doc.Packages {
		if p == nil {
			continue
		}
		cf := spdxPackage(p, inGraph[p.PackageSPDXIdentifier])
		if described[p.PackageSPDXIdentifier] {
			f.primaries = append(f.primaries, cf)
		} else {
			f.components = append(f.components, cf)
		}
	}
	return f
}

func spdxPackage(p *spdx.Package, inGraph bool) componentFacts {
	cf := componentFacts{ref: "SPDXRef-" + string(p.PackageSPDXIdentifier), name: p.PackageName, version: p.PackageVersion}
	cf.status[critName] = present(p.PackageName)
	cf.status[critVersion] = present(p.PackageVersion)

	cf.status[critSupplier] = Missing
	if p.PackageSupplier != nil && !placeholder(p.PackageSupplier.Supplier) {
		cf.status[critSupplier] = Met
	}

	cf.status[critIdentifier] = Missing
	for _, r := range p.PackageExternalReferences {
		if r == nil || strings.TrimSpace(r.Locator) == "" {
			continue
		}
		category := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(r.Category), "_", "-"))
		kind := strings.TrimSpace(r.RefType)
		switch {
		case category == "PACKAGE-MANAGER" && strings.EqualFold(kind, "purl"):
			if pr := purlProblem(r.Locator); pr != "" {
				cf.notes = append(cf.notes, pr)
				continue
			}
		case category == "PACKAGE-MANAGER", category == "PERSISTENT-ID":
		case category == "SECURITY" && (strings.EqualFold(kind, "cpe22Type") || strings.EqualFold(kind, "cpe23Type")):
			if !cpeLike(r.Locator) {
				continue
			}
		case category == "SECURITY" && strings.EqualFold(kind, "swid"):
		default:
			continue
		}
		cf.status[critIdentifier] = Met
	}

	cf.status[critRelationships] = Missing
	if inGraph {
		cf.status[critRelationships] = Met
	}

	lic := newLicenseFinder()
	lic.expression(p.PackageLicenseConcluded)
	lic.expression(p.PackageLicenseDeclared)
	cf.status[critLicense] = lic.status
	if n := lic.note(); n != "" {
		cf.notes = append(cf.notes, n)
	}

	var h hashFinder
	for _, c := range p.PackageChecksums {
		h.add(string(c.Algorithm), c.Value)
	}
	cf.status[critHash] = h.status()
	cf.weakHash = h.weakOnly()
	if n := h.note(); n != "" {
		cf.notes = append(cf.notes, n)
	}

	cf.status[critDownload] = present(p.PackageDownloadLocation)
	return cf
}
