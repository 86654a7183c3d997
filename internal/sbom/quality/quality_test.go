package quality

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/sbom"
)

// cov is the part of an Element a fixture test pins down.
type cov struct {
	ID                            string
	Covered, Partial, Weak, Total int
	Score                         float64
}

func covs(r *Report) []cov {
	var out []cov
	for _, e := range r.Elements {
		out = append(out, cov{e.ID, e.Covered, e.Partial, e.Weak, e.Total, e.Score})
	}
	return out
}

// passed maps each document check to its outcome.
func passed(r *Report) map[string]bool {
	out := map[string]bool{}
	for _, k := range r.DocumentChecks {
		out[k.ID] = k.Passed
	}
	return out
}

func mustRead(t testing.TB, name string) *sbom.Document {
	t.Helper()
	doc, err := sbom.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// The coverage numbers below were counted by hand from the fixtures; the
// overall scores follow from doc.go's formula (worked out in comments).
func TestScoreFixtures(t *testing.T) {
	allPass := map[string]bool{"author": true, "timestamp": true, "primary_component": true, "dependency_graph": true, "spec_version": true}
	noTimestamp := map[string]bool{"author": true, "timestamp": false, "primary_component": true, "dependency_graph": true, "spec_version": true}
	tests := []struct {
		file         string
		format       string
		spec         string
		primary      []string
		primaryRated bool
		elements     []cov
		checks       map[string]bool
		overall      float64
		grade        string
	}{
		{
			// Components: 0 + 4×100 + 150 + 100 + 50 = 700; checks 6+6+4+4 = 20 → 200. 900/100.
			file: "cyclonedx-1.3-gomod.cdx.json", format: "cyclonedx-json", spec: "1.3",
			primary: []string{"pkg:golang/github.com/CycloneDX/cyclonedx-go@v0.4.0"},
			elements: []cov{
				{"supplier", 0, 0, 0, 5, 0}, {"name", 5, 0, 0, 5, 10}, {"version", 5, 0, 0, 5, 10},
				{"identifier", 5, 0, 0, 5, 10}, {"relationships", 5, 0, 0, 5, 10}, {"license", 5, 0, 0, 5, 10},
				{"hash", 5, 0, 0, 5, 10}, {"download_location", 5, 0, 0, 5, 10},
			},
			checks:  map[string]bool{"author": true, "timestamp": true, "primary_component": true, "dependency_graph": true, "spec_version": false},
			overall: 9.0, grade: "A",
		},
		{
			// 400 + 150 + 0 (hash) + 50 = 600; checks 60 + 0 + 40 + 40 = 140. 740/100.
			file: "cyclonedx-1.4-composer.cdx.xml", format: "cyclonedx-xml", spec: "1.4",
			primary: []string{"cyclonedx/cyclonedx-php-composer-demo-dev-master"},
			elements: []cov{
				{"supplier", 0, 0, 0, 8, 0}, {"name", 8, 0, 0, 8, 10}, {"version", 8, 0, 0, 8, 10},
				{"identifier", 8, 0, 0, 8, 10}, {"relationships", 8, 0, 0, 8, 10}, {"license", 8, 0, 0, 8, 10},
				{"hash", 0, 0, 0, 8, 0}, {"download_location", 8, 0, 0, 8, 10},
			},
			checks: noTimestamp, overall: 7.4, grade: "C",
		},
		{
			// 400 + 150 + 10×70/9 + 50 = 677.8; + 140 = 817.8.
			file: "cyclonedx-1.5-flat.cdx.json", format: "cyclonedx-json", spec: "1.5",
			primary: []string{"demo-deps-from-git@1.0.0"},
			elements: []cov{
				{"supplier", 0, 0, 0, 9, 0}, {"name", 9, 0, 0, 9, 10}, {"version", 9, 0, 0, 9, 10},
				{"identifier", 9, 0, 0, 9, 10}, {"relationships", 9, 0, 0, 9, 10}, {"license", 9, 0, 0, 9, 10},
				{"hash", 7, 0, 0, 9, 7.8}, {"download_location", 9, 0, 0, 9, 10},
			},
			checks: noTimestamp, overall: 8.2, grade: "B",
		},
		{
			// Nested components count: 1 + 11. 400 + 150 + 10×10/12 + 50 = 608.3; + 140 = 748.3.
			file: "cyclonedx-1.6-nested.cdx.json", format: "cyclonedx-json", spec: "1.6",
			primary: []string{"demo-bundled-deps@0.0.0"},
			elements: []cov{
				{"supplier", 0, 0, 0, 12, 0}, {"name", 12, 0, 0, 12, 10}, {"version", 12, 0, 0, 12, 10},
				{"identifier", 12, 0, 0, 12, 10}, {"relationships", 12, 0, 0, 12, 10}, {"license", 12, 0, 0, 12, 10},
				{"hash", 1, 0, 0, 12, 0.8}, {"download_location", 12, 0, 0, 12, 10},
			},
			checks: noTimestamp, overall: 7.5, grade: "B",
		},
		{
			// Every package is described, so those are rated. 100 (name) + 50 (download);
			// checks 60 + 60 + 40 + 0 (no edges) = 160. 310/100.
			file: "spdx-2.2-go-modules.spdx.json", format: "spdx-json", spec: "SPDX-2.2",
			primary:      []string{"SPDXRef-go-module-text", "SPDXRef-go-module-quote", "SPDXRef-go-module-sampler"},
			primaryRated: true,
			elements: []cov{
				{"supplier", 0, 0, 0, 3, 0}, {"name", 3, 0, 0, 3, 10}, {"version", 0, 0, 0, 3, 0},
				{"identifier", 0, 0, 0, 3, 0}, {"relationships", 0, 0, 0, 3, 0}, {"license", 0, 0, 0, 3, 0},
				{"hash", 0, 0, 0, 3, 0}, {"download_location", 3, 0, 0, 3, 10},
			},
			checks:  map[string]bool{"author": true, "timestamp": true, "primary_component": true, "dependency_graph": false, "spec_version": true},
			overall: 3.1, grade: "D",
		},
		{
			// One described package with dependencies in other documents.
			// 100 + 100 + 150 + 50 = 400; + 200.
			file: "spdx-2.2-hello-go-bin.spdx", format: "spdx-tag", spec: "SPDX-2.2",
			primary: []string{"SPDXRef-Package-hello-go-bin"}, primaryRated: true,
			elements: []cov{
				{"supplier", 0, 0, 0, 1, 0}, {"name", 1, 0, 0, 1, 10}, {"version", 0, 0, 0, 1, 0},
				{"identifier", 0, 0, 0, 1, 0}, {"relationships", 1, 0, 0, 1, 10}, {"license", 1, 0, 0, 1, 10},
				{"hash", 0, 0, 0, 1, 0}, {"download_location", 1, 0, 0, 1, 10},
			},
			checks: allPass, overall: 6.0, grade: "C",
		},
		{
			// 400 + 150 + 100 + 5×20/3 = 683.3; + 200.
			file: "spdx-2.3-k8s-bom.spdx.json", format: "spdx-json", spec: "SPDX-2.3",
			primary: []string{"SPDXRef-Package-hello-server-src"},
			elements: []cov{
				{"supplier", 0, 0, 0, 3, 0}, {"name", 3, 0, 0, 3, 10}, {"version", 3, 0, 0, 3, 10},
				{"identifier", 3, 0, 0, 3, 10}, {"relationships", 3, 0, 0, 3, 10}, {"license", 3, 0, 0, 3, 10},
				{"hash", 3, 0, 0, 3, 10}, {"download_location", 2, 0, 0, 3, 6.7},
			},
			checks: allPass, overall: 8.8, grade: "B",
		},
		{
			// 100 + 50 + 100 + 75 = 325; + 200 = 525.
			file: "spdx-2.3-maven.spdx.json", format: "spdx-json", spec: "SPDX-2.3",
			primary: []string{"SPDXRef-gnrtd2"},
			elements: []cov{
				{"supplier", 0, 0, 0, 2, 0}, {"name", 2, 0, 0, 2, 10}, {"version", 1, 0, 0, 2, 5},
				{"identifier", 0, 0, 0, 2, 0}, {"relationships", 2, 0, 0, 2, 10}, {"license", 1, 0, 0, 2, 5},
				{"hash", 0, 0, 0, 2, 0}, {"download_location", 0, 0, 0, 2, 0},
			},
			checks: allPass, overall: 5.3, grade: "C",
		},
		{
			// 100 + 75 + 25 + 25 + 37.5 + 25 + 25 = 312.5; + 200 = 512.5.
			file: "spdx-2.3-spec-example.spdx", format: "spdx-tag", spec: "SPDX-2.3",
			primary: []string{"SPDXRef-Package"},
			elements: []cov{
				{"supplier", 0, 0, 0, 4, 0}, {"name", 4, 0, 0, 4, 10}, {"version", 3, 0, 0, 4, 7.5},
				{"identifier", 1, 0, 0, 4, 2.5}, {"relationships", 1, 0, 0, 4, 2.5}, {"license", 1, 0, 0, 4, 2.5},
				{"hash", 1, 0, 1, 4, 2.5}, {"download_location", 2, 0, 0, 4, 5},
			},
			checks: allPass, overall: 5.1, grade: "C",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := Score(mustRead(t, tt.file))
			if r.Format != tt.format || r.SpecVersion != tt.spec {
				t.Errorf("format %q %q, want %q %q", r.Format, r.SpecVersion, tt.format, tt.spec)
			}
			if diff := cmp.Diff(tt.primary, r.Primary); diff != "" {
				t.Errorf("primary (-want +got):\n%s", diff)
			}
			if r.PrimaryRated != tt.primaryRated {
				t.Errorf("PrimaryRated = %v, want %v", r.PrimaryRated, tt.primaryRated)
			}
			if diff := cmp.Diff(tt.elements, covs(r)); diff != "" {
				t.Errorf("elements (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.checks, passed(r)); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
			if r.Overall != tt.overall || r.Grade != tt.grade {
				t.Errorf("overall %v %s, want %v %s", r.Overall, r.Grade, tt.overall, tt.grade)
			}
			if r.NTIAMinimum {
				t.Error("NTIAMinimum set, but no fixture names a supplier for every component")
			}
			if r.Components != len(r.ComponentsDetail) || r.Components != tt.elements[0].Total {
				t.Errorf("Components %d, details %d, want %d", r.Components, len(r.ComponentsDetail), tt.elements[0].Total)
			}
		})
	}
}

// The SPDX specification's example exercises most per-component cases:
// a component with only a name, a CPE-less package, a weak hash.
func TestComponentsDetailSpecExample(t *testing.T) {
	r := Score(mustRead(t, "spdx-2.3-spec-example.spdx"))
	st := func(s ...Status) map[string]Status {
		m := map[string]Status{}
		for i, c := range criteria {
			m[c.id] = s[i]
		}
		return m
	}
	// Order: supplier, name, version, identifier, relationships, license, hash, download_location.
	want := []ComponentScore{
		{Ref: "SPDXRef-CentOS-7", Name: "centos", Version: "centos7.9.2009", Score: 2.5,
			Criteria: st(Missing, Met, Met, Missing, Missing, Missing, Missing, Missing),
			Missing:  []string{"supplier", "identifier", "relationships", "license", "hash", "download_location"}},
		{Ref: "SPDXRef-Saxon", Name: "Saxon", Version: "8.8", Score: 7.5,
			Criteria: st(Missing, Met, Met, Missing, Met, Met, Met, Met),
			Missing:  []string{"supplier", "identifier"},
			Notes:    []string{"only weak hashes: SHA1"}},
		{Ref: "SPDXRef-fromDoap-0", Name: "Jena", Version: "3.12.0", Score: 4.4, // 35/80
			Criteria: st(Missing, Met, Met, Met, Missing, Missing, Missing, Met),
			Missing:  []string{"supplier", "relationships", "license", "hash"}},
		{Ref: "SPDXRef-fromDoap-1", Name: "Apache Commons Lang", Score: 1.3, // 10/80
			Criteria: st(Missing, Met, Missing, Missing, Missing, Missing, Missing, Missing),
			Missing:  []string{"supplier", "version", "identifier", "relationships", "license", "hash", "download_location"}},
	}
	if diff := cmp.Diff(want, r.ComponentsDetail); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	worst := r.Worst(2)
	if len(worst) != 2 || worst[0].Ref != "SPDXRef-fromDoap-1" || worst[1].Ref != "SPDXRef-CentOS-7" {
		t.Errorf("Worst(2) = %+v", worst)
	}
	for _, e := range r.Elements {
		if e.ID == "supplier" {
			want := []string{"SPDXRef-CentOS-7", "SPDXRef-Saxon", "SPDXRef-fromDoap-0", "SPDXRef-fromDoap-1"}
			if diff := cmp.Diff(want, e.Missing); diff != "" || e.MissingCount != 4 {
				t.Errorf("supplier missing %d (-want +got):\n%s", e.MissingCount, diff)
			}
		}
	}
}

func TestMissingListIsCapped(t *testing.T) {
	r := Score(mustRead(t, "cyclonedx-1.6-nested.cdx.json"))
	e := r.Elements[critSupplier]
	if len(e.Missing) != MissingShown || e.MissingCount != 12 {
		t.Fatalf("supplier: %d refs shown, count %d; want %d and 12", len(e.Missing), e.MissingCount, MissingShown)
	}
	// Document order, depth first: the parent before what it bundles.
	if e.Missing[0] != "bundle-dependencies@1.0.2" || e.Missing[1] != "bundle-dependencies@1.0.2|ansi-regex@2.0.0" {
		t.Errorf("first missing refs %q", e.Missing[:2])
	}
	h := r.Elements[critHash]
	if h.MissingCount != 11 || len(h.Missing) != 10 || h.Missing[0] != "bundle-dependencies@1.0.2|ansi-regex@2.0.0" {
		t.Errorf("hash missing %d %q", h.MissingCount, h.Missing)
	}
}

func TestScoreNilAndEmpty(t *testing.T) {
	for _, doc := range []*sbom.Document{nil, {}, {Format: sbom.CycloneDXJSON}} {
		r := Score(doc)
		if r.Overall != 0 || r.Grade != "D" || r.Components != 0 || len(r.Elements) != numCriteria || len(r.DocumentChecks) != 5 {
			t.Errorf("Score(%+v) = overall %v grade %s, %d components, %d elements, %d checks",
				doc, r.Overall, r.Grade, r.Components, len(r.Elements), len(r.DocumentChecks))
		}
	}
}

// The grade boundaries documented on GradeA … GradeC.
func TestGrade(t *testing.T) {
	for _, tt := range []struct {
		score float64
		want  string
	}{{10, "A"}, {9, "A"}, {8.9, "B"}, {7.5, "B"}, {7.4, "C"}, {5, "C"}, {4.9, "D"}, {0, "D"}} {
		if got := grade(tt.score); got != tt.want {
			t.Errorf("grade(%v) = %s, want %s", tt.score, got, tt.want)
		}
	}
}
