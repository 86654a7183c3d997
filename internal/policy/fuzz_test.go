package policy

import (
	"os"
	"path/filepath"
	"testing"

	"ospo/internal/inventory"
)

// FuzzParse feeds the policy parser arbitrary files. It must never panic;
// a policy it accepts must be usable by Evaluate and carry only valid
// verdicts.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	files = append(files, filepath.Join("..", "..", "docs", "policy.example.yaml"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("exceptions: [{package: a, decision: allow, reason: r, versions: '>=1 || <0.1'}]"))
	comps := []*inventory.Component{
		{Ecosystem: "npm", Name: "a", Version: "1.0.0", License: inventory.License{Expression: "MIT OR GPL-3.0-only"}},
		{Ecosystem: "npm", Name: "b", Version: "2.0.0", PURL: "pkg:npm/b@2.0.0", License: inventory.License{Expression: "NOASSERTION"}},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.yaml")
		if err != nil {
			if p != nil {
				t.Fatalf("Parse returned a policy with error %v", err)
			}
			return
		}
		if p.Path != "fuzz.yaml" {
			t.Fatalf("Path = %q", p.Path)
		}
		for _, e := range p.Exceptions {
			if !e.Decision.Valid() {
				t.Fatalf("accepted exception with decision %q", e.Decision)
			}
		}
		for c, v := range p.Categories {
			if !c.Valid() || !v.Valid() {
				t.Fatalf("accepted category %q: %q", c, v)
			}
		}
		res := Evaluate(comps, Context{}, p, now)
		if len(res.Decisions) != len(comps) {
			t.Fatalf("%d decisions for %d components", len(res.Decisions), len(comps))
		}
		for _, d := range res.Decisions {
			if !d.Verdict.Valid() || d.Rule == "" || d.Reason == "" {
				t.Fatalf("decision %+v", d)
			}
		}
	})
}

// FuzzExpression feeds component license expressions, which come from
// package metadata anyone writes. Parsing must never panic, what parses
// must print back to something that parses to the same, and evaluation
// must always give a verdict with a rule.
func FuzzExpression(f *testing.F) {
	for _, s := range []string{
		"MIT", "MIT OR Apache-2.0", "(MIT AND CC-BY-3.0)", "GPL-2.0+ WITH Classpath-exception-2.0",
		"((a OR b) AND (c OR (d AND e)))", "LicenseRef-x OR NOASSERTION", "BSD style", "GPL-2.0-with-classpath-exception",
		"Net-SNMP AND Net-SNMP", "(", "MIT WITH", "mit or isc and 0bsd",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := parseExpr(s)
		if err == nil {
			again, err := parseExpr(e.String())
			if err != nil {
				t.Fatalf("%q prints as %q, which does not parse: %v", s, e.String(), err)
			}
			if again.String() != e.String() {
				t.Fatalf("%q prints as %q, then as %q", s, e.String(), again.String())
			}
		}
		c := &inventory.Component{Ecosystem: "npm", Name: "x", Version: "1", License: inventory.License{Expression: s}}
		res := Evaluate([]*inventory.Component{c}, Context{FailOn: []string{"GPL-3.0-only"}}, nil, now)
		d := res.Decisions[0]
		if !d.Verdict.Valid() || d.Rule == "" || d.Reason == "" {
			t.Fatalf("decision for %q: %+v", s, d)
		}
	})
}
