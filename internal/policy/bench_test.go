package policy

import (
	"fmt"
	"testing"

	"ospo/internal/inventory"
)

// benchComponents is an inventory shaped like a large npm project: 2,000
// packages, most MIT or ISC, a tail of dual licenses, copyleft, missing
// and odd licenses.
func benchComponents(n int) []*inventory.Component {
	exprs := []string{
		"MIT", "MIT", "MIT", "MIT", "MIT", "MIT", "ISC", "ISC", "Apache-2.0", "BSD-3-Clause",
		"BSD-2-Clause", "MIT OR Apache-2.0", "(MIT AND CC-BY-3.0)", "0BSD", "CC0-1.0", "BlueOak-1.0.0",
		"Python-2.0", "MPL-2.0", "LGPL-3.0-or-later", "GPL-2.0+", "Apache-2.0 WITH LLVM-exception",
		"(MIT OR GPL-3.0-only) AND BSD-3-Clause", "NOASSERTION", "BSD style", "LicenseRef-acme",
		"CC-BY-4.0", "Unlicense", "WTFPL", "MIT-0", "AGPL-3.0-only",
	}
	out := make([]*inventory.Component, n)
	for i := range out {
		name := fmt.Sprintf("pkg-%04d", i)
		out[i] = &inventory.Component{
			Ecosystem: "npm",
			Name:      name,
			Version:   "1.2.3",
			PURL:      "pkg:npm/" + name + "@1.2.3",
			License:   inventory.License{Expression: exprs[i%len(exprs)], NeedsReview: i%97 == 0},
		}
	}
	return out
}

// BenchmarkEvaluate measures a full evaluation of 2,000 components under a
// policy with lists, categories, an outbound license and exceptions. The
// target is well under 5 ms per run.
func BenchmarkEvaluate(b *testing.B) {
	p := mustParse(b, `project: {distribution: saas, license: MIT}
licenses:
  allow: [MIT, ISC, Apache-2.0, GPL-2.0-or-later]
  review: [MPL-2.0]
  deny: [WTFPL]
categories: {proprietary: review}
exceptions:
  - {package: pkg-0001, decision: allow, reason: ok}
  - {package: pkg:npm/pkg-0002, versions: ">=1.0.0 <2", decision: deny, reason: no}
  - {package: pkg-9999, decision: allow, reason: never used, expires: 2020-01-01}
`)
	comps := benchComponents(2000)
	ctx := Context{FailOn: []string{"CC-BY-3.0"}}
	b.ReportAllocs()
	for b.Loop() {
		res := Evaluate(comps, ctx, p, now)
		if len(res.Decisions) != len(comps) {
			b.Fatal("missing decisions")
		}
	}
}
