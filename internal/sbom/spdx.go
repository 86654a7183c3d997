package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdxtv "github.com/spdx/tools-golang/tagvalue"

	"ospo/internal/inventory"
)

// The SPDX relationship types ospo writes and reads for dependencies.
const (
	relDescribes  = "DESCRIBES"
	relDependsOn  = "DEPENDS_ON"
	relDevDepOf   = "DEV_DEPENDENCY_OF"
	relOptDepOf   = "OPTIONAL_DEPENDENCY_OF"
	noAssertion   = "NOASSERTION"
	reviewPrefix  = "needs review: "
	kindPrefix    = "ospo:kind="
	scopePrefix   = "scope: "
	sourcePrefix  = "license source: "
	spdxRefPrefix = "SPDXRef-"
)

// WriteSPDX writes the bill as an SPDX 2.3 document, JSON or tag-value.
func WriteSPDX(w io.Writer, b *Bill, tagValue bool) error {
	doc := spdxDoc(b)
	var err error
	if tagValue {
		err = spdxtv.Write(doc, w)
	} else {
		err = spdxjson.Write(doc, w, spdxjson.Indent("  "), spdxjson.EscapeHTML(false))
	}
	if err != nil {
		return fmt.Errorf("write SPDX: %w", err)
	}
	return nil
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// spdxID makes an element id from a reference: readable, and unique
// through a short hash of the reference.
func spdxID(ref string) common.ElementID {
	if ref == rootRef {
		return "Package-root"
	}
	h := sha256.Sum256([]byte(ref))
	s := idUnsafe.ReplaceAllString(strings.TrimPrefix(ref, "pkg:"), "-")
	if len(s) > 80 {
		s = s[:80]
	}
	return common.ElementID("Package-" + strings.Trim(s, "-") + "-" + hex.EncodeToString(h[:4]))
}

func spdxDoc(b *Bill) *spdx.Document {
	r := newRefs(b)
	created := b.Created
	if created.IsZero() {
		created = time.Now()
	}
	name := b.Name
	if name == "" {
		name = "sbom"
	}
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      name,
		DocumentNamespace: "urn:uuid:" + b.docID(),
		CreationInfo:      &spdx.CreationInfo{Created: created.UTC().Format(time.RFC3339)},
	}
	if b.Tool != "" {
		tool := b.Tool
		if b.ToolVersion != "" {
			tool += "-" + b.ToolVersion
		}
		doc.CreationInfo.Creators = append(doc.CreationInfo.Creators, common.Creator{CreatorType: "Tool", Creator: tool})
	}
	for _, a := range b.Authors {
		doc.CreationInfo.Creators = append(doc.CreationInfo.Creators, common.Creator{CreatorType: "Organization", Creator: a})
	}
	if len(doc.CreationInfo.Creators) == 0 {
		doc.CreationInfo.Creators = []common.Creator{{CreatorType: "Tool", Creator: "ospo"}}
	}
	if b.Kind != "" {
		doc.DocumentComment = kindPrefix + b.Kind
	}

	root := &spdx.Package{
		PackageName:             name,
		PackageSPDXIdentifier:   spdxID(rootRef),
		PackageVersion:          b.Version,
		PackageDownloadLocation: noAssertion,
		PrimaryPackagePurpose:   "APPLICATION",
		PackageSupplier:         supplier(b.Supplier),
	}
	if b.single() && b.Projects[0].Path != "" {
		root.PackageSourceInfo = "project " + b.Projects[0].Path
	}
	doc.Packages = append(doc.Packages, root)
	if !b.single() {
		for i, p := range b.Projects {
			pn := p.Name
			if pn == "" {
				pn = p.Path
			}
			doc.Packages = append(doc.Packages, &spdx.Package{
				PackageName:             pn,
				PackageSPDXIdentifier:   spdxID(r.project[i]),
				PackageVersion:          p.Version,
				PackageDownloadLocation: noAssertion,
				PrimaryPackagePurpose:   "APPLICATION",
				PackageSourceInfo:       "project " + p.Path,
			})
		}
	}
	refs := map[string]bool{}
	scope := map[string]inventory.Scope{}
	for _, c := range b.Components {
		ref := r.comp[c.Key()]
		scope[ref] = c.Scope
		doc.Packages = append(doc.Packages, spdxPackage(c, ref, refs))
	}
	for _, id := range sortedKeys(refs) {
		doc.OtherLicenses = append(doc.OtherLicenses, &spdx.OtherLicense{
			LicenseIdentifier: id,
			ExtractedText:     "The text of this license is not included; ospo identified it as " + id + ".",
		})
	}

	el := func(ref string) common.DocElementID { return common.DocElementID{ElementRefID: spdxID(ref)} }
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA: common.DocElementID{ElementRefID: "DOCUMENT"}, RefB: el(rootRef), Relationship: relDescribes,
	})
	g := b.graph(r)
	for _, from := range sortedKeys(g) {
		for _, to := range g[from] {
			rel := &spdx.Relationship{RefA: el(from), RefB: el(to), Relationship: relDependsOn}
			switch scope[to] {
			case inventory.ScopeDev:
				rel = &spdx.Relationship{RefA: el(to), RefB: el(from), Relationship: relDevDepOf}
			case inventory.ScopeOptional, inventory.ScopePeer:
				rel = &spdx.Relationship{RefA: el(to), RefB: el(from), Relationship: relOptDepOf}
			}
			doc.Relationships = append(doc.Relationships, rel)
		}
	}
	return doc
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func supplier(s string) *common.Supplier {
	if s == "" {
		return &common.Supplier{Supplier: noAssertion}
	}
	return &common.Supplier{SupplierType: "Organization", Supplier: s}
}

var licenseRef = regexp.MustCompile(`LicenseRef-[A-Za-z0-9.-]+`)

func spdxPackage(c *inventory.Component, ref string, refs map[string]bool) *spdx.Package {
	p := &spdx.Package{
		PackageName:             c.Name,
		PackageSPDXIdentifier:   spdxID(ref),
		PackageVersion:          c.Version,
		PackageSupplier:         supplier(c.Supplier),
		PackageDownloadLocation: noAssertion,
		PackageHomePage:         c.Homepage,
		PackageCopyrightText:    noAssertion,
		PrimaryPackagePurpose:   "LIBRARY",
	}
	if c.Resolved != "" && downloadable(c.Resolved) {
		p.PackageDownloadLocation = c.Resolved
	}
	for _, h := range c.Hashes {
		alg := normAlg(h.Algorithm)
		if v, ok := hexHash(alg, h.Value); ok {
			p.PackageChecksums = append(p.PackageChecksums, common.Checksum{
				Algorithm: common.ChecksumAlgorithm(strings.ReplaceAll(alg, "-", "")), Value: v,
			})
		}
	}
	if c.PURL != "" {
		p.PackageExternalReferences = append(p.PackageExternalReferences, &spdx.PackageExternalReference{
			Category: "PACKAGE-MANAGER", RefType: "purl", Locator: c.PURL,
		})
	}
	l := c.License
	p.PackageLicenseConcluded = orNoAssertion(l.Expression)
	p.PackageLicenseDeclared = orNoAssertion(l.Declared)
	if l.Detected != "" {
		p.PackageLicenseInfoFromFiles = licenseIDs(l.Detected)
	}
	var comments []string
	if l.Source != "" {
		comments = append(comments, sourcePrefix+l.Source)
	}
	if l.NeedsReview {
		comments = append(comments, reviewPrefix+l.Reason)
	}
	p.PackageLicenseComments = strings.Join(comments, "\n")
	for _, e := range []string{p.PackageLicenseConcluded, p.PackageLicenseDeclared, l.Detected} {
		for _, id := range licenseRef.FindAllString(e, -1) {
			refs[id] = true
		}
	}
	if c.Scope != "" && c.Scope != inventory.ScopeProd {
		// SPDX's relationship types know dev and optional dependencies but
		// not peer ones; the comment keeps the exact scope.
		p.PackageComment = scopePrefix + string(c.Scope)
	}
	if len(c.Locations) > 0 {
		p.PackageSourceInfo = "found at " + strings.Join(c.Locations, ", ")
	}
	return p
}

// downloadable reports whether a resolved locator is a form SPDX accepts
// as a download location (a URL or a VCS locator).
func downloadable(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "git+")
}

func orNoAssertion(s string) string {
	if s == "" {
		return noAssertion
	}
	return s
}

// licenseIDs lists the license ids (and exceptions) in an expression.
func licenseIDs(expr string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(expr, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
		switch f {
		case "AND", "OR", "WITH", "and", "or", "with":
			continue
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
