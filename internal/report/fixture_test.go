package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/policy"
	"ospo/internal/scan"
	"ospo/internal/vuln"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// testTool is the tool every test report names; golden files show its
// version redacted, so a release does not churn them.
var testTool = Tool{Name: "ospo", Version: "0.0.0-test"}

// decisionDay is when the fixture's policy is evaluated: after the loki
// exception expired, before the libvips one does.
var decisionDay = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// fixtureComponents are the components of a small web shop: an npm front
// end with an admin workspace, and a Go API. Licenses are those the
// packages really publish; two are made up to cover unknown and missing
// licenses.
func fixtureComponents() []*inventory.Component {
	npm := func(name, version, expr string, scope inventory.Scope, direct bool, path ...string) *inventory.Component {
		c := &inventory.Component{
			Ecosystem: "npm", Name: name, Version: version,
			PURL:  "pkg:npm/" + strings.ReplaceAll(name, "@", "%40") + "@" + version,
			Scope: scope, Direct: direct, Installed: true,
			License:   inventory.License{Expression: expr, Source: "declared", Declared: expr},
			Locations: []string{"web/node_modules/" + name},
		}
		if len(path) > 0 {
			c.Paths = [][]string{path}
		}
		return c
	}
	golang := func(name, version, expr string, direct bool, path ...string) *inventory.Component {
		return &inventory.Component{
			Ecosystem: "go", Name: name, Version: version, PURL: "pkg:golang/" + name + "@" + version,
			Scope: inventory.ScopeProd, Direct: direct, Paths: [][]string{path},
			License:   inventory.License{Expression: expr, Source: "detected", Detected: expr},
			Locations: []string{"api/go.mod"},
		}
	}
	comps := []*inventory.Component{
		golang("github.com/grafana/loki/v3", "v3.3.2", "AGPL-3.0-only", true, "github.com/grafana/loki/v3@v3.3.2"),
		golang("github.com/hashicorp/go-version", "v1.7.0", "MPL-2.0", true, "github.com/hashicorp/go-version@v1.7.0"),
		golang("golang.org/x/text", "v0.14.0", "BSD-3-Clause", false, "github.com/grafana/loki/v3@v3.3.2", "golang.org/x/text@v0.14.0"),
		npm("@img/sharp-libvips-linux-x64", "1.0.4", "LGPL-3.0-or-later", inventory.ScopeOptional, false,
			"sharp@0.33.5", "@img/sharp-libvips-linux-x64@1.0.4"),
		npm("browserslist", "4.24.3", "MIT", inventory.ScopeDev, true, "browserslist@4.24.3"),
		npm("caniuse-lite", "1.0.30001690", "CC-BY-4.0", inventory.ScopeDev, false, "browserslist@4.24.3", "caniuse-lite@1.0.30001690"),
		npm("ckeditor5", "41.4.2", "GPL-2.0-or-later", inventory.ScopeProd, true, "ckeditor5@41.4.2"),
		npm("highcharts", "11.4.8", "LicenseRef-Highsoft-Standard-License", inventory.ScopeProd, true, "highcharts@11.4.8"),
		npm("internal-utils", "1.0.0", "NOASSERTION", inventory.ScopeProd, true, "internal-utils@1.0.0"),
		npm("jszip", "3.10.1", "MIT OR GPL-3.0-or-later", inventory.ScopeProd, true, "jszip@3.10.1"),
		npm("sharp", "0.33.5", "Apache-2.0", inventory.ScopeProd, true, "sharp@0.33.5"),
	}
	for _, c := range comps {
		if c.Name == "internal-utils" {
			c.License = inventory.License{Expression: "NOASSERTION", Source: "none", NeedsReview: true,
				Reason: "No license is declared and no license file was found."}
		}
		if c.Name == "ckeditor5" {
			c.LicenseFiles = []inventory.LicenseFile{{Path: "web/node_modules/ckeditor5/LICENSE.md", Expression: "GPL-2.0-or-later",
				Coverage: 96.5, Engine: "exact", Kind: "license"}}
		}
	}
	return comps
}

// fixture builds the scan result the renderers are tested on; with a
// policy, the decisions come from policy.Evaluate on testdata/policy.yaml.
func fixture(t testing.TB, decided bool) *scan.Result {
	t.Helper()
	comps := fixtureComponents()
	byName := map[string]*inventory.Component{}
	for _, c := range comps {
		byName[c.Name] = c
	}
	pick := func(names ...string) []*inventory.Component {
		var out []*inventory.Component
		for _, n := range names {
			out = append(out, byName[n])
		}
		return out
	}
	r := &scan.Result{
		Roots: []string{"."},
		Projects: []*inventory.Project{
			{Ecosystem: "go", Name: "example.com/shop/api", Path: "api/go.mod", Source: "go.mod",
				Components: pick("github.com/grafana/loki/v3", "github.com/hashicorp/go-version", "golang.org/x/text")},
			{Ecosystem: "npm", Name: "shop-web", Version: "2.3.0", Path: "web/package.json", Source: "installed+lockfile",
				Components: pick("@img/sharp-libvips-linux-x64", "browserslist", "caniuse-lite", "ckeditor5",
					"highcharts", "internal-utils", "jszip", "sharp")},
			{Ecosystem: "npm", Name: "shop-admin", Version: "2.3.0", Path: "web/admin/package.json", Source: "installed+lockfile",
				Components: pick("ckeditor5"),
				Notes:      []string{"ckeditor5@41.4.2 is hoisted to web/node_modules"}},
		},
		Components: comps,
		Problems: []inventory.Problem{
			{Path: "web/node_modules/broken-pkg/package.json", Message: "parse: unexpected end of JSON input"},
		},
		Excluded: 1,
	}
	if decided {
		p, err := policy.Load(filepath.Join("testdata", "policy.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		d := policy.Evaluate(r.Components, policy.Context{}, p, decisionDay)
		r.Vulns = fixtureVulns(r.Components)
		scan.DecideVulns(&d, r.Vulns, p, decisionDay, false)
		r.Decisions = &d
	}
	return r
}

// fixtureVulns are the findings of the decided fixture: x/text at v0.14.0
// has GO-2026-5970 (a real record of the Go vulnerability database, which
// gives no severity), and one internal package has no version to check.
func fixtureVulns(comps []*inventory.Component) *vuln.Report {
	rep := &vuln.Report{Notes: []string{"the database holds no records for npm"}}
	for _, c := range comps {
		r := vuln.Result{Component: c, Key: c.Key()}
		switch c.Name {
		case "golang.org/x/text":
			r.Findings = []vuln.Finding{{
				ID: "GO-2026-5970", Aliases: []string{"CVE-2026-56852"},
				Summary:  "Infinite loop on invalid input in golang.org/x/text",
				Severity: vuln.Severity{Level: vuln.Unknown}, Fixed: []string{"0.39.0"},
				Why: "GO-2026-5970: SEMVER range introduced 0, fixed 0.39.0: 0.14.0 is at or above 0 and below 0.39.0",
				URL: "https://pkg.go.dev/vuln/GO-2026-5970",
			}}
			r.Upgrade = "v0.39.0"
		case "github.com/hashicorp/go-version":
			r.Findings = []vuln.Finding{{
				ID: "GHSA-0000-test-only", Severity: vuln.Severity{Level: vuln.Critical, Score: 9.8,
					Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Source: "CVSS_V3"},
				Why: "GHSA-0000-test-only: version 1.7.0 is in the versions list",
			}}
		case "internal-utils":
			r.Unchecked = "no version is known, so the 1 vulnerability records for internal-utils cannot be checked"
		}
		rep.Results = append(rep.Results, r)
	}
	return rep
}

// fixtureOptions are the options the CLI would pass for the fixture.
func fixtureOptions(decided bool) Options {
	o := Options{Tool: testTool}
	if decided {
		o.PolicyPath = ".ospo.yaml"
	}
	return o
}

// render renders the fixture in format f.
func render(t testing.TB, f Format, decided bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, f, fixture(t, decided), fixtureOptions(decided)); err != nil {
		t.Fatalf("render %s: %v", f, err)
	}
	return buf.Bytes()
}

// redact hides what changes from build to build.
func redact(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte(testTool.Version), []byte("[version]"))
}

// golden compares got with testdata/golden/name, or rewrites it under
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = redact(got)
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}
