package quality

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"ospo/internal/sbom"
)

// FuzzScore feeds bytes through sbom.Parse and then Score and the
// renderers. Nothing may panic (this also fuzzes the parsers behind
// sbom.Parse), and the report must stay consistent.
func FuzzScore(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		if filepath.Ext(p) == ".md" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a","components":[{"name":"b"}]}],"dependencies":[{"ref":""}]}`))
	f.Add([]byte("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\nPackageLicenseConcluded: MIT AND (\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := sbom.Parse(data)
		if err != nil {
			return
		}
		r := Score(doc)
		if r.Overall < 0 || r.Overall > 10 {
			t.Fatalf("overall %v out of range", r.Overall)
		}
		if r.Grade != grade(r.Overall) {
			t.Fatalf("grade %s for %v", r.Grade, r.Overall)
		}
		if len(r.ComponentsDetail) != r.Components || len(r.Elements) != numCriteria {
			t.Fatalf("%d details, %d components, %d elements", len(r.ComponentsDetail), r.Components, len(r.Elements))
		}
		for _, e := range r.Elements {
			if e.Total != r.Components || e.Covered+e.Partial > e.Total || e.Weak > e.Covered ||
				e.MissingCount != e.Total-e.Covered || len(e.Missing) > MissingShown || e.Score < 0 || e.Score > 10 {
				t.Fatalf("inconsistent element %+v", e)
			}
		}
		for _, c := range r.ComponentsDetail {
			if len(c.Criteria) != numCriteria || c.Score < 0 || c.Score > 10 {
				t.Fatalf("inconsistent component %+v", c)
			}
		}
		for _, w := range []func(io.Writer) error{r.WriteText, r.WriteMarkdown, r.WriteJSON} {
			if err := w(io.Discard); err != nil {
				t.Fatal(err)
			}
		}
	})
}
