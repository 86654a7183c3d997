package sbom_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"ospo/internal/inventory"
	"ospo/internal/sbom"
	"ospo/internal/scan"
	"ospo/internal/vuln"
)

// fixtures are real trees from the repository's test data, one per
// ecosystem with a graph.
var fixtures = []struct {
	name, root, modcache string
}{
	{"npm", "../cli/testdata/app", ""},
	{"go", "../inventory/golang/testdata/pruned", "../inventory/golang/testdata/modcache"},
	{"pypi", "../inventory/python/testdata", ""},
	{"cargo", "../inventory/cargo/testdata/workspace-v4", ""},
	{"maven", "../inventory/maven/testdata/jars", ""},
	{"gradle", "../inventory/maven/testdata/gradle", ""},
	{"nuget", "../inventory/nuget/testdata/lockfile", ""},
	{"composer", "../inventory/composer/testdata/lock-installed", ""},
	{"gem", "../inventory/gem/testdata/rails-git-path", ""},
	{"deb", "../inventory/deb/testdata/root", ""},
	{"apk", "../inventory/apk/testdata/alpine320", ""},
}

var created = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func scanFixture(t *testing.T, root, modcache string) *scan.Result {
	t.Helper()
	cfg := scan.Config{Roots: []string{root}}
	if modcache != "" {
		abs, err := filepath.Abs(modcache)
		if err != nil {
			t.Fatal(err)
		}
		cfg.GoModCache = abs
	}
	res, err := scan.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Components) == 0 {
		t.Fatalf("%s: no components", root)
	}
	return res
}

func billOf(res *scan.Result, name string) *sbom.Bill {
	b := &sbom.Bill{Name: name, Projects: res.Projects, Components: res.Components,
		Tool: "ospo", ToolVersion: "test", Created: created}
	b.Kind = res.Projects[0].Kind
	return b
}

// summary is what a round trip must keep: components with their licenses
// and scopes, each project's direct dependencies, and the dependency graph
// between components. An SBOM states one set of dependencies per
// component, so when two projects' lockfiles disagree about a component's
// dependencies the SBOM holds their union, and that union is what must
// come back.
type summary struct {
	Components []string
	Edges      []string
}

func summarise(res *scan.Result) summary {
	var s summary
	for _, c := range res.Components {
		s.Components = append(s.Components, strings.Join([]string{
			c.Key(), c.PURL, string(c.Scope), c.License.Expression, c.License.Declared,
		}, " | "))
	}
	for _, p := range res.Projects {
		for from, tos := range p.Edges {
			for _, to := range tos {
				if from == inventory.RootKey {
					s.Edges = append(s.Edges, p.Path+" -> "+to)
				} else {
					s.Edges = append(s.Edges, from+" -> "+to)
				}
			}
		}
	}
	sort.Strings(s.Components)
	sort.Strings(s.Edges)
	s.Edges = slices.Compact(s.Edges)
	return s
}

var extension = map[sbom.Format]string{
	sbom.CycloneDXJSON: ".cdx.json", sbom.CycloneDXXML: ".cdx.xml",
	sbom.SPDXJSON: ".spdx.json", sbom.SPDXTag: ".spdx",
}

// TestRoundTrip: scan → SBOM → import → SBOM keeps components, licenses
// and graph, in every format, and the second SBOM equals the first.
func TestRoundTrip(t *testing.T) {
	for _, fx := range fixtures {
		res := scanFixture(t, fx.root, fx.modcache)
		want := summarise(res)
		if len(want.Edges) == 0 {
			t.Fatalf("%s: the fixture has no graph", fx.name)
		}
		for _, f := range sbom.Formats {
			t.Run(fx.name+"/"+string(f), func(t *testing.T) {
				var first bytes.Buffer
				if err := sbom.Write(&first, f, billOf(res, fx.name)); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(t.TempDir(), "bom"+extension[f])
				if err := os.WriteFile(path, first.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				back, err := scan.Run(context.Background(), scan.Config{Roots: []string{path}})
				if err != nil {
					t.Fatal(err)
				}
				if len(back.Problems) > 0 {
					t.Fatalf("import problems: %v", back.Problems)
				}
				if diff := cmp.Diff(want, summarise(back)); diff != "" {
					t.Errorf("after the round trip (-scanned +imported):\n%s", diff)
				}
				for _, p := range back.Projects {
					if p.Kind != inventory.KindOwn {
						t.Errorf("project %s kind %q, want own as written", p.Path, p.Kind)
					}
				}
				var second bytes.Buffer
				if err := sbom.Write(&second, f, billOf(back, fx.name)); err != nil {
					t.Fatal(err)
				}
				a, b := first.String(), second.String()
				if f == sbom.SPDXJSON || f == sbom.SPDXTag {
					// SPDX lists the ids found in license files but not the
					// expression they form, so that part is not read back.
					a, b = dropLines(a, "licenseInfoFromFiles", "LicenseInfoFromFiles"), dropLines(b, "licenseInfoFromFiles", "LicenseInfoFromFiles")
				}
				if diff := cmp.Diff(a, b); diff != "" {
					t.Errorf("second SBOM differs from the first (-first +second):\n%s", diff)
				}
			})
		}
	}
}

// dropLines removes lines naming any of the keys and, in JSON, the array
// items that follow such a key.
func dropLines(s string, keys ...string) string {
	var out []string
	skipping := false
	for _, l := range strings.Split(s, "\n") {
		if skipping {
			if strings.Contains(l, "]") {
				skipping = false
			}
			continue
		}
		drop := false
		for _, k := range keys {
			if strings.Contains(l, k) {
				drop = true
				skipping = strings.HasSuffix(strings.TrimSpace(l), "[")
			}
		}
		if !drop {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func compile(t *testing.T, main string, files ...string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	var mainURL string
	for _, name := range append([]string{main}, files...) {
		data, err := os.ReadFile(filepath.Join("testdata", "schema", name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		url := "http://cyclonedx.org/schema/" + name
		if name == "spdx-2.3.schema.json" {
			url = "http://spdx.org/rdf/terms/2.3"
		}
		if mainURL == "" {
			mainURL = url
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(mainURL)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOutputsValidate checks every JSON output against the official
// schema, and the XML output against the official XSD with xmllint.
func TestOutputsValidate(t *testing.T) {
	cdxSchema := compile(t, "bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")
	spdxSchema := compile(t, "spdx-2.3.schema.json")
	xmllint, lintErr := exec.LookPath("xmllint")
	for _, fx := range fixtures {
		res := scanFixture(t, fx.root, fx.modcache)
		for _, f := range sbom.Formats {
			var buf bytes.Buffer
			if err := sbom.Write(&buf, f, billOf(res, fx.name)); err != nil {
				t.Fatal(err)
			}
			name := fx.name + extension[f]
			switch f {
			case sbom.CycloneDXJSON:
				validate(t, cdxSchema, name, buf.Bytes())
			case sbom.SPDXJSON:
				validate(t, spdxSchema, name, buf.Bytes())
			case sbom.CycloneDXXML:
				if lintErr != nil {
					if os.Getenv("CI") != "" {
						t.Fatalf("xmllint is needed to validate CycloneDX XML in CI: %v", lintErr)
					}
					t.Logf("xmllint not installed; %s not validated", name)
					continue
				}
				path := filepath.Join(t.TempDir(), name)
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "schema", "bom-1.6.xsd"), path).CombinedOutput()
				if err != nil {
					t.Errorf("%s does not validate against bom-1.6.xsd: %v\n%s", name, err, out)
				}
			}
		}
	}
}

func validate(t *testing.T, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not validate:\n%v", name, err)
	}
}

// The validators must be able to fail.
func TestSchemasRefuseBrokenDocuments(t *testing.T) {
	cdxSchema := compile(t, "bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")
	spdxSchema := compile(t, "spdx-2.3.schema.json")
	broken := []struct {
		name string
		s    *jsonschema.Schema
		doc  string
	}{
		{"cdx unknown license id", cdxSchema, `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","licenses":[{"license":{"id":"Not-A-License"}}]}]}`},
		{"cdx bad hash", cdxSchema, `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","hashes":[{"alg":"SHA-256","content":"abc"}]}]}`},
		{"spdx no packages name", spdxSchema, `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","dataLicense":"CC0-1.0","documentNamespace":"urn:x","creationInfo":{"created":"2026-01-01T00:00:00Z","creators":["Tool: x"]},"packages":[{"SPDXID":"SPDXRef-a","downloadLocation":"NOASSERTION"}]}`},
	}
	for _, b := range broken {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(b.doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.s.Validate(inst); err == nil {
			t.Errorf("%s: validated; the schema check cannot fail", b.name)
		}
	}
}

// Known vulnerabilities travel in CycloneDX as vulnerabilities with
// ratings, affected components and, for the ones the policy ignores, a
// not-affected analysis (VEX); the document still validates.
func TestCycloneDXVulnerabilities(t *testing.T) {
	res := scanFixture(t, fixtures[0].root, "")
	rep := &vuln.Report{}
	var debugKey string
	for _, c := range res.Components {
		r := vuln.Result{Component: c, Key: c.Key()}
		switch c.Ref() {
		case "debug@2.6.9":
			debugKey = c.Key()
			r.Findings = []vuln.Finding{{ID: "GHSA-9vvw-cc9w-f27h", Aliases: []string{"CVE-2017-16137"},
				Summary:  "debug Inefficient Regular Expression Complexity vulnerability",
				Severity: vuln.Severity{Level: vuln.Low, Score: 3.7, Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L", Source: "CVSS_V3"},
				Fixed:    []string{"2.6.9"}, Why: "GHSA-9vvw-cc9w-f27h: test"}}
		case "ms@2.0.0":
			r.Findings = []vuln.Finding{{ID: "GO-0000-test", Severity: vuln.Severity{Level: vuln.Unknown}, Why: "test"}}
			r.Upgrade = "2.0.1"
		}
		rep.Results = append(rep.Results, r)
	}
	b := billOf(res, "npm")
	b.Vulns = rep
	b.Ignored = map[string]map[string]string{debugKey: {"GHSA-9vvw-cc9w-f27h": "only reachable with untrusted namespaces (owner sec)"}}
	var buf bytes.Buffer
	if err := sbom.Write(&buf, sbom.CycloneDXJSON, b); err != nil {
		t.Fatal(err)
	}
	validate(t, compile(t, "bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"), "vulns.cdx.json", buf.Bytes())
	out := buf.String()
	for _, want := range []string{`"id": "GHSA-9vvw-cc9w-f27h"`, `"state": "not_affected"`, `"method": "CVSSv31"`,
		`"score": 3.7`, `"ref": "pkg:npm/debug@2.6.9"`, `"recommendation": "Upgrade ms to 2.0.1."`, `"severity": "unknown"`} {
		if !strings.Contains(out, want) {
			t.Errorf("CycloneDX lacks %s", want)
		}
	}
	var xbuf bytes.Buffer
	if err := sbom.Write(&xbuf, sbom.CycloneDXXML, b); err != nil {
		t.Fatal(err)
	}
	if xmllint, err := exec.LookPath("xmllint"); err == nil {
		path := filepath.Join(t.TempDir(), "vulns.cdx.xml")
		if err := os.WriteFile(path, xbuf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "schema", "bom-1.6.xsd"), path).CombinedOutput(); err != nil {
			t.Errorf("XML with vulnerabilities does not validate: %v\n%s", err, out)
		}
	}
}
