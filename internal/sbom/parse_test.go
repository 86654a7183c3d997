package sbom

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ospo/internal/inventory"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{`{"bomFormat": "CycloneDX", "specVersion": "1.6"}`, CycloneDXJSON, true},
		{"\ufeff  {\n \"spdxVersion\": \"SPDX-2.3\"}", SPDXJSON, true},
		{`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5">`, CycloneDXXML, true},
		{"SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n", SPDXTag, true},
		{"## Document\nSPDXVersion: SPDX-2.3\n", SPDXTag, true},
		{`{"name": "left-pad"}`, "", false},
		{`<project><modelVersion>4.0.0</modelVersion></project>`, "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := Sniff([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("Sniff(%.30q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// Malformed documents are refused with an error that says what is wrong;
// none panics.
func TestParseRefusesMalformed(t *testing.T) {
	valid := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"a","version":"1"}]}`
	tests := []struct {
		name, doc, want string
	}{
		{"truncated CycloneDX", valid[:len(valid)/2], "CycloneDX JSON"},
		{"wrong type", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":{"name":"a"}}`, "CycloneDX JSON"},
		{"wrong bomFormat", `{"bomFormat":"SWID","specVersion":"1.6"}`, "bomFormat"},
		{"plain JSON", `{"dependencies": {"a": "1"}}`, "without bomFormat or spdxVersion"},
		{"not JSON at all", "hello", "not a CycloneDX or SPDX document"},
		{"truncated SPDX", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"name":`, "SPDX JSON"},
		{"SPDX wrong type", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":"many"}`, "SPDX JSON"},
		{"XML with DOCTYPE", `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&x;</name></component></components></bom>`, "DOCTYPE"},
		{"XML billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><component type="application"><name>&lol2;</name></component></metadata></bom>`, "DOCTYPE"},
		{"XML unknown entity", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&x;</name></component></components></bom>`, "CycloneDX XML"},
		{"truncated XML", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><na`, "CycloneDX XML"},
		{"tag-value garbage", "SPDXVersion: SPDX-2.3\nPackageName\nRelationship: a b\n", "SPDX tag-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatal("parsed; want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestReadFileNamesTheFileAndBoundsSize(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "vendor.cdx.json")
	if err := os.WriteFile(bad, []byte(`{"bomFormat":"CycloneDX",`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(bad)
	if err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("ReadFile error %v does not start with the file name", err)
	}
	huge := filepath.Join(dir, "huge.cdx.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: large on paper, no disk used.
	if err := f.Truncate(MaxSize + 10); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = ReadFile(huge)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("ReadFile(huge) error %v; want a size refusal", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.spdx.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// A foreign SBOM without ospo's annotations: licenses as most tools write
// them, no dependency graph, components without a package URL.
func TestImportForeignCycloneDX(t *testing.T) {
	doc, err := Parse([]byte(`{
  "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "metadata": {"component": {"type": "application", "name": "billing", "version": "3.2"},
               "supplier": {"name": "Acme Corp"}},
  "components": [
    {"type": "library", "group": "org.apache.commons", "name": "commons-lang3", "version": "3.12.0",
     "purl": "pkg:maven/org.apache.commons/commons-lang3@3.12.0",
     "licenses": [{"license": {"name": "The Apache Software License, Version 2.0"}}]},
    {"type": "library", "name": "libfoo", "version": "1.0",
     "licenses": [{"license": {"id": "MIT"}}, {"license": {"id": "BSD-3-Clause"}}]},
    {"type": "library", "name": "acme-core", "version": "7",
     "licenses": [{"license": {"name": "Acme Commercial License"}}]},
    {"type": "library", "name": "nolicense", "version": "0.1",
     "components": [{"type": "library", "name": "inner", "version": "2", "licenses": [{"expression": "MIT OR Apache-2.0"}]}]}
  ]}`))
	if err != nil {
		t.Fatal(err)
	}
	ps := Import(doc, ImportOptions{Path: "vendor/billing.cdx.json"})
	if len(ps) != 1 {
		t.Fatalf("%d projects; want 1", len(ps))
	}
	p := ps[0]
	if p.Name != "billing" || p.Version != "3.2" || p.Kind != inventory.KindVendor || p.Supplier != "Acme Corp" || p.Path != "vendor/billing.cdx.json" {
		t.Errorf("project = %+v", p)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "no dependency relationships") {
		t.Errorf("notes = %q", p.Notes)
	}
	got := map[string]inventory.License{}
	for _, c := range p.Components {
		got[c.Key()] = c.License
		if !c.Direct {
			t.Errorf("%s not direct in an SBOM without a graph", c.Key())
		}
	}
	want := map[string]struct {
		expr   string
		review bool
	}{
		"maven:org.apache.commons:commons-lang3@3.12.0": {"Apache-2.0", false},
		"generic:libfoo@1.0":                            {"MIT AND BSD-3-Clause", true},
		"generic:acme-core@7":                           {"NOASSERTION", true},
		"generic:nolicense@0.1":                         {"NOASSERTION", true},
		"generic:inner@2":                               {"MIT OR Apache-2.0", false},
	}
	if len(got) != len(want) {
		t.Errorf("components %v; want %d", got, len(want))
	}
	for k, w := range want {
		l, ok := got[k]
		if !ok {
			t.Errorf("missing %s", k)
			continue
		}
		if l.Expression != w.expr || l.NeedsReview != w.review || l.Reason == "" {
			t.Errorf("%s: %+v; want %s review=%v with a reason", k, l, w.expr, w.review)
		}
	}
	if r := got["generic:acme-core@7"].Reason; !strings.Contains(r, "Acme Commercial License") {
		t.Errorf("unrecognised license not named in reason %q", r)
	}
}

// FuzzParse: any bytes are parsed or refused, never a panic, and what
// parses imports without panicking.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","version":"1","purl":"pkg:npm/a@1"}],"dependencies":[{"ref":"a","dependsOn":["a"]}]}`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library" bom-ref="x"><name>a</name></component></components></bom>`))
	f.Add([]byte("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: x\nPackageName: a\nSPDXID: SPDXRef-a\nPackageLicenseConcluded: MIT\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n"))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","packages":[{"SPDXID":"SPDXRef-a","name":"a","licenseConcluded":"MIT OR"}],"relationships":[{"spdxElementId":"SPDXRef-a","relatedSpdxElement":"SPDXRef-a","relationshipType":"DEPENDS_ON"}]}`))
	if data, err := os.ReadFile(filepath.Join("testdata", "fuzz-seed.cdx.json")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			if doc != nil {
				t.Fatal("a document and an error")
			}
			return
		}
		if (doc.CycloneDX == nil) == (doc.SPDX == nil) {
			t.Fatalf("exactly one of CycloneDX and SPDX must be set: %+v", doc)
		}
		for _, p := range Import(doc, ImportOptions{Path: "x"}) {
			for _, c := range p.Components {
				if c.License.Expression == "" || c.Ecosystem == "" {
					t.Fatalf("component %+v without license expression or ecosystem", c)
				}
			}
			var buf bytes.Buffer
			_ = WriteCycloneDX(&buf, &Bill{Projects: []*inventory.Project{p}, Components: p.Components}, false)
		}
	})
}
