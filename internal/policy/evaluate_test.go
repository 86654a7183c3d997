package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
)

// now is the day every case is decided on.
var now = time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC)

// Policies the cases share, as a team would write them.
const (
	polDistributed = "project: {distribution: distributed}\n"
	polInternal    = "project: {distribution: internal}\n"
	polSaaS        = "project: {distribution: saas}\n"
	polLibrary     = "project: {distribution: library}\n"
	polExceptions  = `project: {distribution: distributed}
exceptions:
  - package: gpl-tool
    decision: allow
    reason: Build tool, never shipped
    owner: alice
    ticket: OSPO-12
    expires: 2027-01-01
  - package: pkg:npm/%40acme/widget
    versions: ">=1.0.0 <2.0.0"
    decision: allow
    reason: Commercial license bought
  - package: old-thing
    decision: allow
    reason: Allowed until the audit
    expires: 2020-01-01
  - package: never-seen
    decision: deny
    reason: Known bad
  - package: github.com/acme/thing
    versions: 1.x
    decision: deny
    reason: Vendor terms changed
    ticket: OSPO-40
  - package: pkg:npm/lodash@4.17.21
    decision: review
    reason: That one release was relicensed by mistake
  - package: today
    decision: allow
    reason: Last day
    expires: 2026-06-01
  - package: gpl-tool
    decision: deny
    reason: Shadowed by the first exception
`
)

type policyCase struct {
	name        string
	policy      string // YAML; "" for the defaults
	ctx         Context
	license     string
	needsReview bool
	pkg         string // component name; "pkg" when empty
	version     string // "1.0.0" when empty
	purl        string
	want        Verdict
	rule        string
	choice      string
	reason      string // a part the reason must contain, when set
}

// The cases are written from the rules of the package documentation and
// the issue, not from the code: each states what an OSPO would answer.
var policyCases = []policyCase{
	// Defaults by category and distribution model.
	{name: "permissive by default", license: "MIT", want: Allow, rule: "category permissive in distributed (default model)", reason: "keep its notices"},
	{name: "public domain by default", license: "CC0-1.0", want: Allow, rule: "category public-domain in distributed (default model)"},
	{name: "weak copyleft distributed", policy: polDistributed, license: "LGPL-2.1-only", want: Review, rule: "category weak-copyleft in distributed", reason: "separate library"},
	{name: "weak copyleft internal", policy: polInternal, license: "LGPL-2.1-only", want: Allow, rule: "category weak-copyleft in internal"},
	{name: "weak copyleft saas", policy: polSaaS, license: "LGPL-3.0-or-later", want: Allow, rule: "category weak-copyleft in saas"},
	{name: "weak copyleft library", policy: polLibrary, license: "MPL-2.0", want: Review, rule: "category weak-copyleft in library"},
	{name: "strong copyleft distributed", policy: polDistributed, license: "GPL-3.0-only", want: Deny, rule: "category strong-copyleft in distributed", reason: "whole product"},
	{name: "strong copyleft internal", policy: polInternal, license: "GPL-3.0-only", want: Review, rule: "category strong-copyleft in internal"},
	{name: "strong copyleft saas", policy: polSaaS, license: "GPL-2.0-only", want: Review, rule: "category strong-copyleft in saas"},
	{name: "strong copyleft library", policy: polLibrary, license: "GPL-3.0-only", want: Review, rule: "category strong-copyleft in library", reason: "every user of the library"},
	{name: "network copyleft saas", policy: polSaaS, license: "AGPL-3.0-only", want: Deny, rule: "category network-copyleft in saas", reason: "source of the whole service"},
	{name: "network copyleft internal", policy: polInternal, license: "AGPL-3.0-only", want: Review, rule: "category network-copyleft in internal"},
	{name: "network copyleft distributed", policy: polDistributed, license: "AGPL-3.0-or-later", want: Deny, rule: "category network-copyleft in distributed"},
	{name: "network copyleft library", policy: polLibrary, license: "SSPL-1.0", want: Review, rule: "category network-copyleft in library"},
	{name: "non-commercial even internal", policy: polInternal, license: "CC-BY-NC-4.0", want: Deny, rule: "category non-commercial in internal", reason: "commercial use"},
	{name: "source-available", policy: polSaaS, license: "BUSL-1.1", want: Review, rule: "category proprietary in saas"},
	{name: "custom LicenseRef", policy: polInternal, license: "LicenseRef-acme-eula", want: Review, rule: "category unknown in internal", reason: "custom license"},
	{name: "unknown id", license: "Foo-1.0", want: Review, rule: "category unknown in distributed (default model)"},

	// No usable license.
	{name: "NOASSERTION", license: "NOASSERTION", want: Review, rule: "license NOASSERTION", reason: "No license was found"},
	{name: "empty expression", license: "", want: Review, rule: "license NOASSERTION"},
	{name: "NONE", license: "NONE", want: Review, rule: "license NONE"},
	{name: "not SPDX", license: "BSD style", want: Review, rule: "license not SPDX", reason: `"BSD style"`},
	{name: "needs review lifts allow", license: "MIT", needsReview: true, want: Review, rule: "license needs review"},
	{name: "needs review keeps deny", policy: polDistributed, license: "GPL-3.0-only", needsReview: true, want: Deny, rule: "category strong-copyleft in distributed"},

	// AND and OR.
	{name: "AND takes the worst", policy: polDistributed, license: "MIT AND GPL-3.0-only", want: Deny, rule: "category strong-copyleft in distributed"},
	{name: "OR takes the allowed branch", policy: polDistributed, license: "MIT OR GPL-3.0-only", want: Allow, rule: "category permissive in distributed", choice: "MIT"},
	{name: "OR finds a later branch", policy: polDistributed, license: "GPL-3.0-only OR MIT", want: Allow, rule: "category permissive in distributed", choice: "MIT"},
	{name: "OR first among equals", policy: polDistributed, license: "Apache-2.0 OR MIT", want: Allow, rule: "category permissive in distributed", choice: "Apache-2.0"},
	{name: "nested choice", policy: polDistributed, license: "(MIT OR GPL-3.0-only) AND (LGPL-2.1-only OR BSD-3-Clause)", want: Allow, rule: "category permissive in distributed", choice: "MIT AND BSD-3-Clause"},
	{name: "OR with no good branch", policy: polDistributed, license: "GPL-3.0-only OR AGPL-3.0-only", want: Deny, rule: "category strong-copyleft in distributed", choice: "GPL-3.0-only"},
	{name: "OR takes review over deny", policy: polDistributed, license: "GPL-3.0-only OR LGPL-2.1-only", want: Review, rule: "category weak-copyleft in distributed", choice: "LGPL-2.1-only"},
	{name: "lower-case operators", policy: polDistributed, license: "mit or gpl-3.0-only", want: Allow, rule: "category permissive in distributed", choice: "MIT"},
	{name: "AND of allowed terms", policy: polDistributed, license: "MIT AND BSD-3-Clause", want: Allow, rule: "category permissive in distributed"},

	// WITH exceptions.
	{name: "classpath makes GPL weak", policy: polDistributed, license: "GPL-2.0-only WITH Classpath-exception-2.0", want: Review, rule: "category weak-copyleft in distributed"},
	{name: "classpath internal", policy: polInternal, license: "GPL-2.0-only WITH Classpath-exception-2.0", want: Allow, rule: "category weak-copyleft in internal"},
	{name: "bison with or-later", policy: polDistributed, license: "GPL-2.0-or-later WITH Bison-exception-2.2", want: Review, rule: "category weak-copyleft in distributed"},
	{name: "LLVM exception on permissive", policy: polDistributed, license: "Apache-2.0 WITH LLVM-exception", want: Allow, rule: "category permissive in distributed"},
	{name: "deny of bare GPL misses WITH", policy: polInternal + "licenses: {deny: [GPL-2.0-only]}\n", license: "GPL-2.0-only WITH Classpath-exception-2.0", want: Allow, rule: "category weak-copyleft in internal"},
	{name: "allow of bare GPL covers WITH", policy: polDistributed + "licenses: {allow: [GPL-2.0-only]}\n", license: "GPL-2.0-only WITH Classpath-exception-2.0", want: Allow, rule: "licenses.allow: GPL-2.0-only", reason: "only adds permissions"},
	{name: "rule names the WITH", policy: polInternal + "licenses: {review: [GPL-2.0-only WITH Classpath-exception-2.0]}\n", license: "GPL-2.0-only WITH Classpath-exception-2.0", want: Review, rule: "licenses.review: GPL-2.0-only WITH Classpath-exception-2.0"},
	{name: "exception that frees nothing", policy: polDistributed, license: "GPL-2.0-only WITH openvpn-openssl-exception", want: Deny, rule: "category strong-copyleft in distributed"},

	// -or-later and version ranges.
	{name: "or-later used under an allowed later version", policy: polDistributed + "licenses: {allow: [GPL-3.0-only]}\n", license: "GPL-2.0-or-later", want: Allow, rule: "licenses.allow: GPL-3.0-only (GPL-2.0-or-later used as GPL-3.0-only)"},
	{name: "later version does not allow an earlier", policy: polDistributed + "licenses: {allow: [GPL-2.0-only]}\n", license: "GPL-3.0-or-later", want: Deny, rule: "category strong-copyleft in distributed"},
	{name: "or-later entry covers later versions", policy: polDistributed + "licenses: {allow: [GPL-2.0-or-later]}\n", license: "GPL-3.0-only", want: Allow, rule: "licenses.allow: GPL-2.0-or-later"},
	{name: "deny of one version leaves the next", policy: polInternal + "licenses: {deny: [GPL-2.0-only]}\n", license: "GPL-2.0+", want: Review, rule: "category strong-copyleft in internal (GPL-2.0-or-later used as GPL-3.0-only)"},
	{name: "or-later deny entry", policy: polInternal + "licenses: {deny: [GPL-2.0-or-later]}\n", license: "GPL-3.0-only", want: Deny, rule: "licenses.deny: GPL-2.0-or-later"},
	{name: "exact entry beats or-later entry", policy: polInternal + "licenses: {deny: [GPL-2.0-or-later], allow: [GPL-3.0-only]}\n", license: "GPL-3.0-only", want: Allow, rule: "licenses.allow: GPL-3.0-only"},
	{name: "plus on a license without versions", policy: polDistributed, license: "Apache-2.0+", want: Allow, rule: "category permissive in distributed"},
	{name: "deprecated plus", policy: polDistributed + "licenses: {allow: [LGPL-3.0-only]}\n", license: "LGPL-2.1+", want: Allow, rule: "licenses.allow: LGPL-3.0-only (LGPL-2.1-or-later used as LGPL-3.0-only)"},

	// Deprecated ids.
	{name: "deprecated id in the expression", policy: polInternal + "licenses: {deny: [GPL-3.0-only]}\n", license: "GPL-3.0", want: Deny, rule: "licenses.deny: GPL-3.0-only"},
	{name: "deprecated id in the policy", policy: polInternal + "licenses: {deny: [GPL-3.0]}\n", license: "GPL-3.0-only", want: Deny, rule: "licenses.deny: GPL-3.0"},
	{name: "deprecated id with exception", policy: polDistributed + "licenses: {allow: [GPL-2.0-only WITH Classpath-exception-2.0]}\n", license: "GPL-2.0-with-classpath-exception", want: Allow, rule: "licenses.allow: GPL-2.0-only WITH Classpath-exception-2.0"},
	{name: "deprecated AGPL as a service", policy: polSaaS, license: "AGPL-3.0", want: Deny, rule: "category network-copyleft in saas"},
	{name: "deprecated id replaced", policy: polDistributed, license: "Nunit", want: Allow, rule: "category permissive in distributed"},

	// Lists and categories.
	{name: "deny list", policy: "licenses: {deny: [WTFPL]}\n", license: "WTFPL", want: Deny, rule: "licenses.deny: WTFPL", reason: "deny list"},
	{name: "category set in the policy", policy: "categories: {permissive: review}\n", license: "MIT", want: Review, rule: "categories.permissive: review"},
	{name: "category entry in a list", policy: polInternal + "licenses: {deny: [category:weak-copyleft]}\n", license: "MPL-2.0", want: Deny, rule: "licenses.deny: category:weak-copyleft"},
	{name: "strong copyleft allowed by the policy", policy: polDistributed + "categories: {strong-copyleft: allow}\n", license: "GPL-3.0-only", want: Allow, rule: "categories.strong-copyleft: allow"},
	{name: "LicenseRef allowed by id", policy: "licenses: {allow: [LicenseRef-acme-internal]}\n", license: "LicenseRef-acme-internal", want: Allow, rule: "licenses.allow: LicenseRef-acme-internal"},
	{name: "id rule beats category rule", policy: "licenses: {review: [MIT]}\n", license: "MIT OR Apache-2.0", want: Allow, rule: "category permissive in distributed (default model)", choice: "Apache-2.0"},
	{name: "ids match without regard to case", policy: "licenses: {deny: [mit]}\n", license: "MIT", want: Deny, rule: "licenses.deny: mit"},

	// The project's own license.
	{name: "MIT service with AGPL", policy: "project: {distribution: saas, license: MIT}\ncategories: {network-copyleft: review}\n", license: "AGPL-3.0-only", want: Deny, rule: "project.license MIT: incompatible with AGPL-3.0-only in saas"},
	{name: "GPL-2.0-only with Apache-2.0", policy: "project: {distribution: distributed, license: GPL-2.0-only}\n", license: "Apache-2.0", want: Deny, rule: "project.license GPL-2.0-only: incompatible with Apache-2.0 in distributed", reason: "version 3"},
	{name: "GPL-2.0-or-later with Apache-2.0", policy: "project: {distribution: distributed, license: GPL-2.0-or-later}\n", license: "Apache-2.0", want: Allow, rule: "category permissive in distributed"},
	{name: "GPL-3.0 project with GPL-2.0-only", policy: "project: {distribution: distributed, license: GPL-3.0-only}\n", license: "GPL-2.0-only", want: Deny, rule: "project.license GPL-3.0-only: incompatible with GPL-2.0-only in distributed"},
	{name: "GPL-3.0 project with GPL-2.0-or-later", policy: "project: {distribution: distributed, license: GPL-3.0-or-later}\n", license: "GPL-2.0-or-later", want: Allow, rule: "category strong-copyleft in distributed (GPL-2.0-or-later used as GPL-3.0-only)"},
	{name: "AGPL service with AGPL", policy: "project: {distribution: saas, license: AGPL-3.0-only}\n", license: "AGPL-3.0-or-later", want: Allow, rule: "category network-copyleft in saas"},
	{name: "dual outbound", policy: "project: {distribution: distributed, license: MIT OR Apache-2.0}\nlicenses: {allow: [LGPL-2.1-only]}\n", license: "LGPL-2.1-only", want: Allow, rule: "licenses.allow: LGPL-2.1-only"},
	{name: "compatibility picks the OR branch", policy: "project: {distribution: distributed, license: GPL-2.0-only}\n", license: "Apache-2.0 OR MIT", want: Allow, rule: "category permissive in distributed", choice: "MIT"},
	{name: "internal use triggers nothing", policy: "project: {distribution: internal, license: MIT}\ncategories: {strong-copyleft: allow}\n", license: "GPL-3.0-only", want: Allow, rule: "categories.strong-copyleft: allow"},
	{name: "compatibility beats the allow list", policy: "project: {distribution: distributed, license: GPL-2.0-only}\nlicenses: {allow: [Apache-2.0]}\n", license: "Apache-2.0", want: Deny, rule: "project.license GPL-2.0-only: incompatible with Apache-2.0 in distributed"},
	{name: "proprietary product with LGPL", policy: "project: {distribution: distributed, license: LicenseRef-ospo-proprietary}\nlicenses: {allow: [LGPL-2.1-or-later]}\n", license: "LGPL-2.1-only", want: Allow, rule: "licenses.allow: LGPL-2.1-or-later"},
	{name: "context overrides the model", policy: polDistributed, ctx: Context{Distribution: "internal"}, license: "LGPL-2.1-only", want: Allow, rule: "category weak-copyleft in internal"},
	{name: "context sets the outbound license", policy: "project: {distribution: distributed}\ncategories: {strong-copyleft: review}\n", ctx: Context{License: "MIT"}, license: "GPL-3.0-only", want: Deny, rule: "project.license MIT: incompatible with GPL-3.0-only in distributed"},

	// Quick flags, with the license-checker bug cases.
	{name: "fail-on in an AND", ctx: Context{FailOn: []string{"CC-BY-3.0"}}, license: "(MIT AND CC-BY-3.0)", want: Deny, rule: "--fail-on: CC-BY-3.0"},
	{name: "fail-on avoided by OR", ctx: Context{FailOn: []string{"CC-BY-3.0"}}, license: "MIT OR CC-BY-3.0", want: Allow, rule: "category permissive in distributed (default model)", choice: "MIT"},
	{name: "allow-only against AND", ctx: Context{AllowOnly: []string{"MIT"}}, license: "GPL-3.0 AND MIT", want: Deny, rule: "--allow-only: MIT", reason: "GPL-3.0-only is not on the --allow-only list"},
	{name: "allow-only and a non-SPDX license", ctx: Context{AllowOnly: []string{"MIT"}}, license: "BSD style", want: Deny, rule: "--allow-only: MIT"},
	{name: "allow-only and no license", ctx: Context{AllowOnly: []string{"MIT"}}, license: "NOASSERTION", want: Deny, rule: "--allow-only: MIT"},
	{name: "allow-only listed", ctx: Context{AllowOnly: []string{"MIT", "ISC"}}, license: "ISC", want: Allow, rule: "--allow-only: ISC"},
	{name: "allow-only replaces the policy", policy: "licenses: {deny: [MIT]}\n", ctx: Context{AllowOnly: []string{"MIT"}}, license: "MIT", want: Allow, rule: "--allow-only: MIT"},
	{name: "allow-only with or-later", ctx: Context{AllowOnly: []string{"GPL-3.0-only"}}, license: "GPL-2.0-or-later", want: Allow, rule: "--allow-only: GPL-3.0-only (GPL-2.0-or-later used as GPL-3.0-only)"},
	{name: "fail-on one version of or-later", policy: polInternal, ctx: Context{FailOn: []string{"GPL-2.0-only"}}, license: "GPL-2.0-or-later", want: Review, rule: "category strong-copyleft in internal (GPL-2.0-or-later used as GPL-3.0-only)"},
	{name: "fail-on by category", policy: polInternal, ctx: Context{FailOn: []string{"category:strong-copyleft"}}, license: "GPL-3.0-only", want: Deny, rule: "--fail-on: category:strong-copyleft"},
	{name: "fail-on is not a prefix match", ctx: Context{FailOn: []string{"MIT"}}, license: "MIT-0", want: Allow, rule: "category permissive in distributed (default model)"},
	{name: "allow-only still needs review", ctx: Context{AllowOnly: []string{"MIT"}}, license: "MIT", needsReview: true, want: Review, rule: "license needs review"},
	{name: "fail-on against a non-SPDX license", ctx: Context{FailOn: []string{"MIT"}}, license: "BSD style", want: Review, rule: "license not SPDX"},

	// Exceptions.
	{name: "active exception", policy: polExceptions, pkg: "gpl-tool", license: "GPL-3.0-only", want: Allow, rule: "exception #1 (ticket OSPO-12, expires 2027-01-01)", reason: "Build tool, never shipped. Owner: alice."},
	{name: "exception by package URL", policy: polExceptions, pkg: "@acme/widget", version: "1.4.0", purl: "pkg:npm/%40acme/widget@1.4.0", license: "GPL-3.0-only", want: Allow, rule: "exception #2"},
	{name: "exception out of its range", policy: polExceptions, pkg: "@acme/widget", version: "2.0.0", purl: "pkg:npm/%40acme/widget@2.0.0", license: "GPL-3.0-only", want: Deny, rule: "category strong-copyleft in distributed"},
	{name: "expired exception", policy: polExceptions, pkg: "old-thing", license: "GPL-3.0-only", want: Deny, rule: "category strong-copyleft in distributed", reason: "Exception #3 expired on 2020-01-01 and no longer applies."},
	{name: "exception on its last day", policy: polExceptions, pkg: "today", license: "GPL-3.0-only", want: Allow, rule: "exception #7 (expires 2026-06-01)"},
	{name: "exception denies an allowed license", policy: polExceptions, pkg: "github.com/acme/thing", version: "v1.2.3", license: "MIT", want: Deny, rule: "exception #5 (ticket OSPO-40)"},
	{name: "exception range by prefix misses", policy: polExceptions, pkg: "github.com/acme/thing", version: "v2.0.0", license: "MIT", want: Allow, rule: "category permissive in distributed"},
	{name: "exception on one version from its URL", policy: polExceptions, pkg: "lodash", version: "4.17.21", purl: "pkg:npm/lodash@4.17.21", license: "MIT", want: Review, rule: "exception #6"},
	{name: "exception URL version misses", policy: polExceptions, pkg: "lodash", version: "4.17.20", purl: "pkg:npm/lodash@4.17.20", license: "MIT", want: Allow, rule: "category permissive in distributed"},
	{name: "exception beats fail-on", policy: polExceptions, ctx: Context{FailOn: []string{"GPL-3.0-only"}}, pkg: "gpl-tool", license: "GPL-3.0-only", want: Allow, rule: "exception #1 (ticket OSPO-12, expires 2027-01-01)"},
	{name: "exception beats needs review", policy: polExceptions, pkg: "gpl-tool", license: "NOASSERTION", needsReview: true, want: Allow, rule: "exception #1 (ticket OSPO-12, expires 2027-01-01)"},
	{name: "same name in another ecosystem's URL", policy: polExceptions, pkg: "@acme/widget", version: "1.4.0", purl: "pkg:pypi/widget@1.4.0", license: "GPL-3.0-only", want: Deny, rule: "category strong-copyleft in distributed"},
}

func mustParse(t testing.TB, src string) *Policy {
	t.Helper()
	if src == "" {
		return Default()
	}
	p, err := Parse([]byte(src), "case.yaml")
	if err != nil {
		t.Fatalf("policy of the case does not load: %v", err)
	}
	return p
}

func TestEvaluateCases(t *testing.T) {
	if len(policyCases) < 60 {
		t.Fatalf("%d policy cases, the suite promises at least 60", len(policyCases))
	}
	seen := map[string]bool{}
	for _, tc := range policyCases {
		if seen[tc.name] {
			t.Fatalf("two cases are named %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.policy)
			c := component(tc)
			if err := tc.ctx.Validate(); err != nil {
				t.Fatalf("context of the case is invalid: %v", err)
			}
			res := Evaluate([]*inventory.Component{c}, tc.ctx, p, now)
			if len(res.Decisions) != 1 {
				t.Fatalf("%d decisions, want 1", len(res.Decisions))
			}
			d := res.Decisions[0]
			got := struct {
				Verdict      Verdict
				Rule, Choice string
			}{d.Verdict, d.Rule, d.Choice}
			want := struct {
				Verdict      Verdict
				Rule, Choice string
			}{tc.want, tc.rule, tc.choice}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%q: (-want +got):\n%s\nreason: %s", tc.license, diff, d.Reason)
			}
			if tc.reason != "" && !strings.Contains(d.Reason, tc.reason) {
				t.Errorf("reason %q does not say %q", d.Reason, tc.reason)
			}
			if d.Reason == "" || d.Component != c || d.Key != c.Key() {
				t.Errorf("decision %+v lacks its reason or component", d)
			}
		})
	}
}

func component(tc policyCase) *inventory.Component {
	name, version := tc.pkg, tc.version
	if name == "" {
		name = "pkg"
	}
	if version == "" {
		version = "1.0.0"
	}
	return &inventory.Component{
		Ecosystem: "npm",
		Name:      name,
		Version:   version,
		PURL:      tc.purl,
		License:   inventory.License{Expression: tc.license, NeedsReview: tc.needsReview, Reason: "Declared and detected licenses disagree."},
	}
}

// Exceptions that matched nothing, and those past their date, are listed
// with the result, once each.
func TestEvaluateExceptionReport(t *testing.T) {
	p := mustParse(t, polExceptions)
	comps := []*inventory.Component{
		{Ecosystem: "npm", Name: "gpl-tool", Version: "1.0.0", License: inventory.License{Expression: "GPL-3.0-only"}},
		{Ecosystem: "npm", Name: "old-thing", Version: "1.0.0", License: inventory.License{Expression: "MIT"}},
		{Ecosystem: "npm", Name: "old-thing", Version: "2.0.0", License: inventory.License{Expression: "MIT"}},
	}
	res := Evaluate(comps, Context{}, p, now)
	numbers := func(refs []ExceptionRef) []int {
		var out []int
		for _, r := range refs {
			out = append(out, r.Number)
		}
		return out
	}
	// #1 and #8 (shadowed by #1) matched gpl-tool; #3 expired; the rest
	// matched nothing.
	if diff := cmp.Diff([]int{2, 4, 5, 6, 7}, numbers(res.UnusedExceptions)); diff != "" {
		t.Errorf("unused exceptions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3}, numbers(res.ExpiredExceptions)); diff != "" {
		t.Errorf("expired exceptions (-want +got):\n%s", diff)
	}
	if res.ExpiredExceptions[0].Package != "old-thing" || res.ExpiredExceptions[0].Line == 0 {
		t.Errorf("expired exception ref %+v lacks its package or line", res.ExpiredExceptions[0])
	}
	if got := res.Worst(); got != Allow {
		t.Errorf("Worst() = %s, want allow", got)
	}
	if res.Distribution != "distributed" {
		t.Errorf("Distribution = %q", res.Distribution)
	}
}

// Decisions keep the components' order and carry the licenses in effect.
func TestEvaluateOrderAndLicenses(t *testing.T) {
	comps := []*inventory.Component{
		{Ecosystem: "npm", Name: "b", Version: "1", License: inventory.License{Expression: "(MIT OR GPL-3.0-only) AND BSD-3-Clause AND MIT"}},
		nil,
		{Ecosystem: "golang", Name: "a", Version: "v1", License: inventory.License{Expression: "Apache-2.0"}},
		{Ecosystem: "npm", Name: "c", Version: "1", License: inventory.License{Expression: "GPL-3.0-only"}},
	}
	res := Evaluate(comps, Context{}, nil, now)
	type row struct {
		Key      string
		Verdict  Verdict
		Choice   string
		Licenses []string
	}
	var got []row
	for _, d := range res.Decisions {
		got = append(got, row{d.Key, d.Verdict, d.Choice, d.Licenses})
	}
	want := []row{
		{"npm:b@1", Allow, "MIT AND BSD-3-Clause AND MIT", []string{"MIT", "BSD-3-Clause"}},
		{"golang:a@v1", Allow, "", []string{"Apache-2.0"}},
		{"npm:c@1", Deny, "", []string{"GPL-3.0-only"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decisions (-want +got):\n%s", diff)
	}
	if res.Worst() != Deny {
		t.Errorf("Worst() = %s, want deny", res.Worst())
	}
}

func TestDefaultVerdictTable(t *testing.T) {
	// The table of the documentation, row by row.
	rows := map[string][4]Verdict{
		"public-domain":    {Allow, Allow, Allow, Allow},
		"permissive":       {Allow, Allow, Allow, Allow},
		"weak-copyleft":    {Allow, Allow, Review, Review},
		"strong-copyleft":  {Review, Review, Deny, Review},
		"network-copyleft": {Review, Deny, Deny, Review},
		"non-commercial":   {Deny, Deny, Deny, Deny},
		"proprietary":      {Review, Review, Review, Review},
		"unknown":          {Review, Review, Review, Review},
	}
	models := []string{"internal", "saas", "distributed", "library"}
	for cat, want := range rows {
		for i, m := range models {
			if got := DefaultVerdict(knowledge.Category(cat), knowledge.DistributionModel(m), ""); got != want[i] {
				t.Errorf("DefaultVerdict(%s, %s) = %s, want %s", cat, m, got, want[i])
			}
		}
	}
}

func TestContextValidate(t *testing.T) {
	tests := []struct {
		ctx Context
		ok  bool
	}{
		{Context{}, true},
		{Context{Distribution: "saas", License: "MIT OR Apache-2.0", FailOn: []string{"GPL-3.0-only", "category:non-commercial"}, AllowOnly: []string{"MIT"}}, true},
		{Context{Distribution: "cloud"}, false},
		{Context{License: "MIT OR"}, false},
		{Context{FailOn: []string{"Not A License"}}, false},
		{Context{AllowOnly: []string{"category:nope"}}, false},
		{Context{AllowOnly: []string{"category:unknown"}}, false},
		{Context{FailOn: []string{"category:unknown"}}, true},
	}
	for _, tt := range tests {
		if err := tt.ctx.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v, want ok %v", tt.ctx, err, tt.ok)
		}
	}
}

func TestExceptionExpired(t *testing.T) {
	tests := []struct {
		expires string
		at      time.Time
		want    bool
	}{
		{"", now, false},
		{"2026-06-01", time.Date(2026, 6, 1, 23, 59, 59, 0, time.UTC), false},
		{"2026-06-01", time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), true},
		{"2026-06-01", time.Date(2026, 6, 2, 1, 0, 0, 0, time.FixedZone("CEST", 2*3600)), false},
		{"not a date", now, true},
	}
	for _, tt := range tests {
		if got := (Exception{Expires: tt.expires}).Expired(tt.at); got != tt.want {
			t.Errorf("Expired(%q at %v) = %v, want %v", tt.expires, tt.at, got, tt.want)
		}
	}
}
