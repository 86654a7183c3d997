package quality

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/sbom"
)

// Minimal documents: one component that meets every criterion, which
// each case then breaks in one way. Hand-made on purpose: the point is
// that exactly one element changes.

func cdxDoc() map[string]any {
	return map[string]any{
		"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
		"metadata": map[string]any{
			"timestamp": "2024-05-01T10:00:00Z",
			"authors":   []any{map[string]any{"name": "Build Team"}},
			"component": map[string]any{"type": "application", "name": "app", "version": "1.0.0", "bom-ref": "app"},
		},
		"components": []any{map[string]any{
			"type": "library", "bom-ref": "lib-a", "name": "lib-a", "version": "2.1.0",
			"supplier":           map[string]any{"name": "Example Org"},
			"purl":               "pkg:npm/lib-a@2.1.0",
			"licenses":           []any{map[string]any{"license": map[string]any{"id": "MIT"}}},
			"hashes":             []any{map[string]any{"alg": "SHA-256", "content": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
			"externalReferences": []any{map[string]any{"type": "distribution", "url": "https://example.org/lib-a-2.1.0.tgz"}},
		}},
		"dependencies": []any{
			map[string]any{"ref": "app", "dependsOn": []any{"lib-a"}},
			map[string]any{"ref": "lib-a"},
		},
	}
}

func spdxDoc() map[string]any {
	return map[string]any{
		"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
		"name": "app", "documentNamespace": "https://example.org/spdx/app-1.0.0",
		"creationInfo":      map[string]any{"created": "2024-05-01T10:00:00Z", "creators": []any{"Tool: example-builder-1.0"}},
		"documentDescribes": []any{"SPDXRef-app"},
		"packages": []any{
			map[string]any{"SPDXID": "SPDXRef-app", "name": "app", "versionInfo": "1.0.0", "downloadLocation": "NOASSERTION", "filesAnalyzed": false},
			map[string]any{
				"SPDXID": "SPDXRef-lib-a", "name": "lib-a", "versionInfo": "2.1.0", "filesAnalyzed": false,
				"supplier":         "Organization: Example Org",
				"downloadLocation": "https://example.org/lib-a-2.1.0.tgz",
				"licenseConcluded": "MIT", "licenseDeclared": "NOASSERTION",
				"checksums":    []any{map[string]any{"algorithm": "SHA256", "checksumValue": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
				"externalRefs": []any{map[string]any{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/lib-a@2.1.0"}},
			},
		},
		"relationships": []any{
			map[string]any{"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-lib-a"},
		},
	}
}

// comp returns the first component (CycloneDX) or the second package (SPDX).
func comp(doc map[string]any) map[string]any {
	if c, ok := doc["components"]; ok {
		return c.([]any)[0].(map[string]any)
	}
	return doc["packages"].([]any)[1].(map[string]any)
}

func scoreMap(t *testing.T, doc map[string]any) *Report {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	d, err := sbom.Parse(data)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	return Score(d)
}

func TestCompleteDocuments(t *testing.T) {
	for name, doc := range map[string]map[string]any{"cyclonedx": cdxDoc(), "spdx": spdxDoc()} {
		r := scoreMap(t, doc)
		if r.Overall != 10 || r.Grade != "A" || !r.NTIAMinimum || r.Components != 1 {
			var b strings.Builder
			r.WriteText(&b)
			t.Errorf("%s: overall %v grade %s NTIA %v components %d\n%s", name, r.Overall, r.Grade, r.NTIAMinimum, r.Components, b.String())
		}
	}
}

func TestEachMissingElementNamesTheComponent(t *testing.T) {
	tests := []struct {
		name    string
		doc     func() map[string]any
		break_  func(doc, c map[string]any)
		element string
		ref     string
		status  Status
		note    string
	}{
		{"cdx supplier", cdxDoc, func(_, c map[string]any) { delete(c, "supplier") }, "supplier", "lib-a", Missing, ""},
		{"cdx supplier NOASSERTION", cdxDoc, func(_, c map[string]any) { c["supplier"] = map[string]any{"name": "NOASSERTION"} }, "supplier", "lib-a", Missing, ""},
		{"cdx name", cdxDoc, func(_, c map[string]any) { c["name"] = "" }, "name", "lib-a", Missing, ""},
		{"cdx version", cdxDoc, func(_, c map[string]any) { delete(c, "version") }, "version", "lib-a", Missing, ""},
		{"cdx identifier", cdxDoc, func(_, c map[string]any) { delete(c, "purl") }, "identifier", "lib-a", Missing, ""},
		{"cdx identifier bad purl", cdxDoc, func(_, c map[string]any) { c["purl"] = "npm/lib-a@2.1.0" }, "identifier", "lib-a", Missing,
			`package URL "npm/lib-a@2.1.0" does not parse: purl scheme is not "pkg": "npm/lib-a@2.1.0"`},
		{"cdx relationships", cdxDoc, func(d, _ map[string]any) {
			d["dependencies"] = []any{map[string]any{"ref": "app"}}
		}, "relationships", "lib-a", Missing, ""},
		{"cdx license", cdxDoc, func(_, c map[string]any) { delete(c, "licenses") }, "license", "lib-a", Missing, ""},
		{"cdx license name only", cdxDoc, func(_, c map[string]any) {
			c["licenses"] = []any{map[string]any{"license": map[string]any{"name": "The MIT License"}}}
		}, "license", "lib-a", Partial, `license "The MIT License" is not a valid SPDX expression`},
		{"cdx license free-text expression", cdxDoc, func(_, c map[string]any) {
			c["licenses"] = []any{map[string]any{"expression": "MIT or Apache 2"}}
		}, "license", "lib-a", Partial, `license "MIT or Apache 2" is not a valid SPDX expression`},
		{"cdx hash", cdxDoc, func(_, c map[string]any) { delete(c, "hashes") }, "hash", "lib-a", Missing, ""},
		{"cdx download", cdxDoc, func(_, c map[string]any) {
			c["externalReferences"] = []any{map[string]any{"type": "website", "url": "https://example.org"}}
		}, "download_location", "lib-a", Missing, ""},

		{"spdx supplier", spdxDoc, func(_, c map[string]any) { c["supplier"] = "NOASSERTION" }, "supplier", "SPDXRef-lib-a", Missing, ""},
		{"spdx name", spdxDoc, func(_, c map[string]any) { c["name"] = "" }, "name", "SPDXRef-lib-a", Missing, ""},
		{"spdx version", spdxDoc, func(_, c map[string]any) { delete(c, "versionInfo") }, "version", "SPDXRef-lib-a", Missing, ""},
		{"spdx identifier", spdxDoc, func(_, c map[string]any) { delete(c, "externalRefs") }, "identifier", "SPDXRef-lib-a", Missing, ""},
		{"spdx relationships", spdxDoc, func(d, _ map[string]any) { delete(d, "relationships") }, "relationships", "SPDXRef-lib-a", Missing, ""},
		{"spdx license NOASSERTION", spdxDoc, func(_, c map[string]any) { c["licenseConcluded"] = "NOASSERTION" }, "license", "SPDXRef-lib-a", Missing, ""},
		{"spdx license NONE", spdxDoc, func(_, c map[string]any) { c["licenseConcluded"] = "NONE" }, "license", "SPDXRef-lib-a", Missing, ""},
		{"spdx license free text", spdxDoc, func(_, c map[string]any) { c["licenseConcluded"] = "Apache License 2.0" }, "license", "SPDXRef-lib-a", Partial,
			`license "Apache License 2.0" is not a valid SPDX expression`},
		{"spdx hash", spdxDoc, func(_, c map[string]any) { delete(c, "checksums") }, "hash", "SPDXRef-lib-a", Missing, ""},
		{"spdx download NOASSERTION", spdxDoc, func(_, c map[string]any) { c["downloadLocation"] = "NOASSERTION" }, "download_location", "SPDXRef-lib-a", Missing, ""},
		{"spdx download NONE", spdxDoc, func(_, c map[string]any) { c["downloadLocation"] = "NONE" }, "download_location", "SPDXRef-lib-a", Missing, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc()
			tt.break_(doc, comp(doc))
			r := scoreMap(t, doc)
			for _, e := range r.Elements {
				want := cov{e.ID, 1, 0, 0, 1, 10}
				var wantMissing []string
				if e.ID == tt.element {
					wantMissing = []string{tt.ref}
					if tt.status == Partial {
						want = cov{e.ID, 0, 1, 0, 1, 5}
					} else {
						want = cov{e.ID, 0, 0, 0, 1, 0}
					}
				}
				if diff := cmp.Diff(want, cov{e.ID, e.Covered, e.Partial, e.Weak, e.Total, e.Score}); diff != "" {
					t.Errorf("element %s (-want +got):\n%s", e.ID, diff)
				}
				if diff := cmp.Diff(wantMissing, e.Missing); diff != "" {
					t.Errorf("element %s missing (-want +got):\n%s", e.ID, diff)
				}
			}
			c := r.ComponentsDetail[0]
			if c.Ref != tt.ref || c.Criteria[tt.element] != tt.status || !cmp.Equal(c.Missing, []string{tt.element}) {
				t.Errorf("component %s: %s is %s, missing %v", c.Ref, tt.element, c.Criteria[tt.element], c.Missing)
			}
			var wantNotes []string
			if tt.note != "" {
				wantNotes = []string{tt.note}
			}
			if diff := cmp.Diff(wantNotes, c.Notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

// Other ways of meeting a criterion that the formats allow.
func TestAlternativesThatMeet(t *testing.T) {
	tests := []struct {
		name    string
		doc     func() map[string]any
		change  func(doc, c map[string]any)
		element string
	}{
		{"cdx manufacturer as supplier", cdxDoc, func(_, c map[string]any) {
			delete(c, "supplier")
			c["manufacturer"] = map[string]any{"name": "Example Org"}
		}, "supplier"},
		{"cdx publisher as supplier", cdxDoc, func(_, c map[string]any) { delete(c, "supplier"); c["publisher"] = "Example Org" }, "supplier"},
		{"cdx cpe", cdxDoc, func(_, c map[string]any) {
			delete(c, "purl")
			c["cpe"] = "cpe:2.3:a:example:lib-a:2.1.0:*:*:*:*:*:*:*"
		}, "identifier"},
		{"cdx swid", cdxDoc, func(_, c map[string]any) {
			delete(c, "purl")
			c["swid"] = map[string]any{"tagId": "example.org-lib-a-2.1.0", "name": "lib-a"}
		}, "identifier"},
		{"cdx expression", cdxDoc, func(_, c map[string]any) {
			c["licenses"] = []any{map[string]any{"expression": "MIT OR Apache-2.0"}}
		}, "license"},
		{"cdx evidence license", cdxDoc, func(_, c map[string]any) {
			delete(c, "licenses")
			c["evidence"] = map[string]any{"licenses": []any{map[string]any{"license": map[string]any{"id": "Apache-2.0"}}}}
		}, "license"},
		{"cdx id beats a name", cdxDoc, func(_, c map[string]any) {
			c["licenses"] = []any{
				map[string]any{"license": map[string]any{"name": "Custom terms"}},
				map[string]any{"license": map[string]any{"id": "MIT"}},
			}
		}, "license"},
		{"cdx distribution hash", cdxDoc, func(_, c map[string]any) {
			delete(c, "hashes")
			c["externalReferences"] = []any{map[string]any{"type": "distribution", "url": "https://example.org/lib-a.tgz",
				"hashes": []any{map[string]any{"alg": "SHA-512", "content": "ab12"}}}}
		}, "hash"},
		{"cdx vcs location", cdxDoc, func(_, c map[string]any) {
			c["externalReferences"] = []any{map[string]any{"type": "vcs", "url": "https://example.org/lib-a.git"}}
		}, "download_location"},
		{"cdx provides", cdxDoc, func(d, _ map[string]any) {
			d["dependencies"] = []any{map[string]any{"ref": "app", "provides": []any{"lib-a"}}}
		}, "relationships"},
		{"spdx declared license", spdxDoc, func(_, c map[string]any) {
			c["licenseConcluded"] = "NOASSERTION"
			c["licenseDeclared"] = "Apache-2.0 WITH LLVM-exception"
		}, "license"},
		{"spdx cpe", spdxDoc, func(_, c map[string]any) {
			c["externalRefs"] = []any{map[string]any{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
				"referenceLocator": "cpe:2.3:a:example:lib-a:2.1.0:*:*:*:*:*:*:*"}}
		}, "identifier"},
		{"spdx reverse relationship", spdxDoc, func(d, _ map[string]any) {
			d["relationships"] = []any{map[string]any{"spdxElementId": "SPDXRef-lib-a", "relationshipType": "RUNTIME_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app"}}
		}, "relationships"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc()
			tt.change(doc, comp(doc))
			r := scoreMap(t, doc)
			c := r.ComponentsDetail[0]
			if c.Criteria[tt.element] != Met || len(c.Missing) != 0 {
				t.Errorf("%s = %s, missing %v, notes %v", tt.element, c.Criteria[tt.element], c.Missing, c.Notes)
			}
		})
	}
}

// Relationships that are not dependencies, or that lead nowhere useful,
// do not place a package in the graph.
func TestSPDXRelationshipsThatDoNotCount(t *testing.T) {
	for _, rel := range []map[string]any{
		{"spdxElementId": "SPDXRef-lib-a", "relationshipType": "GENERATED_FROM", "relatedSpdxElement": "SPDXRef-app"},
		{"spdxElementId": "SPDXRef-lib-a", "relationshipType": "BUILD_TOOL_OF", "relatedSpdxElement": "SPDXRef-app"},
		{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-lib-a"},
		{"spdxElementId": "SPDXRef-lib-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NOASSERTION"},
	} {
		doc := spdxDoc()
		doc["relationships"] = []any{rel}
		r := scoreMap(t, doc)
		if st := r.ComponentsDetail[0].Criteria["relationships"]; st != Missing {
			t.Errorf("%v: relationships %s, want missing", rel, st)
		}
	}
	// DEPENDS_ON NONE is an explicit "no dependencies": it places the
	// package in the graph, but is no edge.
	doc := spdxDoc()
	doc["relationships"] = []any{map[string]any{"spdxElementId": "SPDXRef-lib-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NONE"}}
	r := scoreMap(t, doc)
	if st := r.ComponentsDetail[0].Criteria["relationships"]; st != Met {
		t.Errorf("DEPENDS_ON NONE: relationships %s, want met", st)
	}
	if passed(r)["dependency_graph"] {
		t.Error("DEPENDS_ON NONE counted as an edge")
	}
}

func TestWeakHashes(t *testing.T) {
	doc := cdxDoc()
	comp(doc)["hashes"] = []any{
		map[string]any{"alg": "MD5", "content": "d41d8cd98f00b204e9800998ecf8427e"},
		map[string]any{"alg": "SHA-1", "content": "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	}
	r := scoreMap(t, doc)
	h := r.Elements[critHash]
	if h.Covered != 1 || h.Weak != 1 || h.Score != 10 {
		t.Errorf("weak-only hash: %+v", h)
	}
	if diff := cmp.Diff([]string{"only weak hashes: MD5, SHA-1"}, r.ComponentsDetail[0].Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}

	doc = cdxDoc()
	comp(doc)["hashes"] = []any{
		map[string]any{"alg": "MD5", "content": "d41d8cd98f00b204e9800998ecf8427e"},
		map[string]any{"alg": "SHA-256", "content": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	if h := scoreMap(t, doc).Elements[critHash]; h.Weak != 0 {
		t.Errorf("MD5 beside SHA-256 counted weak: %+v", h)
	}
}

func TestNoDependenciesSection(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "cyclonedx-1.3-gomod.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "dependencies")
	r := scoreMap(t, doc)
	rel := r.Elements[critRelationships]
	if rel.Covered != 0 || rel.Total != 5 || rel.Score != 0 || rel.MissingCount != 5 {
		t.Errorf("relationships without a dependencies section: %+v", rel)
	}
	if passed(r)["dependency_graph"] {
		t.Error("dependency_graph passed without a dependencies section")
	}
	// 700 - 100 (relationships) + 200 - 40 (graph) = 760.
	if r.Overall != 7.6 {
		t.Errorf("overall %v, want 7.6", r.Overall)
	}
}

func TestDocumentChecksDetail(t *testing.T) {
	doc := cdxDoc()
	md := doc["metadata"].(map[string]any)
	md["timestamp"] = "01/05/2024"
	delete(md, "authors")
	delete(md, "component")
	r := scoreMap(t, doc)
	got := map[string]string{}
	for _, k := range r.DocumentChecks {
		if !k.Passed {
			got[k.ID] = k.Detail
		}
	}
	want := map[string]string{
		"author":            "no author, tool or organisation is named",
		"timestamp":         `metadata.timestamp "01/05/2024" is not an RFC 3339 date-time`,
		"primary_component": "the document does not say which component it describes",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failed checks (-want +got):\n%s", diff)
	}
	if r.NTIAMinimum {
		t.Error("NTIAMinimum without author and timestamp")
	}
}

// A primary component with no other components is rated itself, and the
// report says so.
func TestOnlyPrimary(t *testing.T) {
	doc := cdxDoc()
	delete(doc, "components")
	delete(doc, "dependencies")
	r := scoreMap(t, doc)
	if !r.PrimaryRated || r.Components != 1 || r.ComponentsDetail[0].Ref != "app" {
		t.Errorf("PrimaryRated %v, %d components, %+v", r.PrimaryRated, r.Components, r.ComponentsDetail)
	}
}

func TestMalformedInputIsAParseError(t *testing.T) {
	for name, data := range map[string]string{
		"truncated cyclonedx": `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [`,
		"truncated spdx":      `{"spdxVersion": "SPDX-2.3", "packages": [{"name": `,
		"not an sbom":         `{"name": "left-pad", "version": "1.3.0"}`,
		"plain text":          "hello\n",
		"doctype":             `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x "y">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"></bom>`,
		"tag-value version":   "SPDXVersion: SPDX-9.9\nDataLicense: CC0-1.0\n",
		"wrong bomFormat":     `{"bomFormat": "SWID", "specVersion": "1.6"}`,
	} {
		doc, err := sbom.Parse([]byte(data))
		if err == nil {
			t.Errorf("%s: parsed as %s, want an error", name, doc.Format)
		}
	}
	_, err := sbom.Parse([]byte(`{"name": "x"}`))
	if !errors.Is(err, sbom.ErrNotSBOM) {
		t.Errorf("not an SBOM: %v, want ErrNotSBOM", err)
	}
}
