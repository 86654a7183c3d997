package policy

import (
	"strings"
	"testing"
	"time"
)

func TestDecideVulns(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	crit := VulnFinding{ID: "GHSA-aaaa", Aliases: []string{"CVE-2024-1"}, Level: "critical"}
	high := VulnFinding{ID: "GO-2024-2", Level: "high"}
	low := VulnFinding{ID: "GO-2024-3", Level: "low"}
	unknown := VulnFinding{ID: "GO-2024-4", Level: "unknown"}
	strict := &Policy{Vulnerabilities: Vulnerabilities{Deny: "high", Review: "medium"}}
	ignoring := &Policy{Vulnerabilities: Vulnerabilities{Ignore: []VulnIgnore{
		{ID: "CVE-2024-1", Reason: "not reachable: we never parse untrusted input", Owner: "sec-team", Expires: "2026-12-31"},
		{ID: "GO-2024-2", Reason: "old judgement", Expires: "2026-11-25"},
	}}}
	tests := []struct {
		name   string
		p      *Policy
		fs     []VulnFinding
		want   Verdict
		reason string
	}{
		{"nothing found", nil, nil, Allow, ""},
		{"default denies critical", nil, []VulnFinding{crit, low}, Deny, "at or above critical: GHSA-aaaa (critical)"},
		{"default reviews high", nil, []VulnFinding{high}, Review, "GO-2024-2 (high)"},
		{"default reviews low", nil, []VulnFinding{low}, Review, "GO-2024-3 (low)"},
		{"unknown is reviewed, never a pass", strict, []VulnFinding{unknown}, Review, "GO-2024-4 (unknown)"},
		{"stricter deny", strict, []VulnFinding{high}, Deny, "at or above high"},
		{"below the review threshold", strict, []VulnFinding{low}, Allow, ""},
		{"ignored by alias", ignoring, []VulnFinding{crit}, Allow, ""},
		{"an expired ignore counts no more", ignoring, []VulnFinding{high}, Review, "GO-2024-2 (high)"},
	}
	for _, tt := range tests {
		d := tt.p.DecideVulns(tt.fs, now)
		if d.Verdict != tt.want || !strings.Contains(d.Reason, tt.reason) {
			t.Errorf("%s: %+v; want %s with reason containing %q", tt.name, d, tt.want, tt.reason)
		}
	}
	d := ignoring.DecideVulns([]VulnFinding{crit}, now)
	if why := d.Ignored["GHSA-aaaa"]; !strings.Contains(why, "not reachable") || !strings.Contains(why, "sec-team") {
		t.Errorf("ignored reason %q", why)
	}
	if exp := ignoring.ExpiredVulnIgnores(now); len(exp) != 1 || exp[0].ID != "GO-2024-2" {
		t.Errorf("expired ignores %+v", exp)
	}
}

func TestParseVulnerabilities(t *testing.T) {
	p, err := Parse([]byte(`vulnerabilities:
  deny: high
  review: medium
  ignore:
    - id: GHSA-xxxx-yyyy-zzzz
      reason: test-only dependency
      owner: alice
      expires: 2027-01-31
`), ".ospo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Vulnerabilities.Deny != "high" || len(p.Vulnerabilities.Ignore) != 1 || p.Vulnerabilities.Ignore[0].Line != 5 {
		t.Errorf("parsed %+v", p.Vulnerabilities)
	}
	for _, bad := range []struct{ doc, want string }{
		{"vulnerabilities:\n  deny: severe\n", `.ospo.yaml:2: vulnerabilities.deny: "severe" is not a severity`},
		{"vulnerabilities:\n  deny: medium\n  review: critical\n", "review threshold critical is more severe than deny threshold medium"},
		{"vulnerabilities:\n  ignore:\n    - id: CVE-1\n", "vulnerabilities.ignore[0].reason: missing"},
		{"vulnerabilities:\n  ignore:\n    - id: CVE-1\n      reason: x\n      expires: soon\n", `"soon" is not a date`},
	} {
		_, err := Parse([]byte(bad.doc), ".ospo.yaml")
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: error %v; want %q", bad.doc, err, bad.want)
		}
	}
}

func TestFoldVulns(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	d := Result{Decisions: []Decision{
		{Key: "a", Verdict: Allow, Rule: "licenses.allow: MIT", Reason: "MIT is allowed."},
		{Key: "b", Verdict: Deny, Rule: "category strong-copyleft", Reason: "GPL."},
		{Key: "c", Verdict: Allow, Rule: "licenses.allow: MIT", Reason: "MIT is allowed."},
	}}
	var p *Policy
	p.FoldVulns(&d, [][]VulnFinding{{{ID: "GHSA-1", Level: "critical"}}, {{ID: "GO-2", Level: "high"}}, nil}, now, false)
	a, b, c := d.Decisions[0], d.Decisions[1], d.Decisions[2]
	if a.Verdict != Deny || a.License == nil || a.License.Verdict != Allow || !strings.Contains(a.Reason, "license: MIT is allowed.") {
		t.Errorf("critical over an allowed license: %+v", a)
	}
	if b.Verdict != Deny || b.License != nil || b.Rule != "category strong-copyleft" || !strings.Contains(b.Reason, "GO-2 (high)") {
		t.Errorf("a high finding on a denied license keeps the license's rule: %+v", b)
	}
	if c.Verdict != Allow || c.Vulnerabilities == nil || c.Vulnerabilities.Verdict != Allow {
		t.Errorf("no findings: %+v", c)
	}
	only := VulnsOnly(nil)
	if len(only.Decisions) != 0 {
		t.Fatal(only)
	}
	o := Result{Decisions: []Decision{{Key: "x", Verdict: Allow}}}
	p.FoldVulns(&o, [][]VulnFinding{{{ID: "GO-3", Level: "low"}}}, now, true)
	if o.Decisions[0].Verdict != Review || o.Decisions[0].License != nil || o.Decisions[0].Rule != "vulnerabilities.review: low" {
		t.Errorf("vulnerabilities only: %+v", o.Decisions[0])
	}
}
