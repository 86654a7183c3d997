package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"ospo/internal/inventory"
	"ospo/internal/policy"
)

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name     string
		decided  bool
		golden   string
		headline string
	}{
		{"without a policy", false, "scan.md", "## License scan: listed\n"},
		{"with a policy", true, "scan-decided.md", "## License scan: failed\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, FormatMarkdown, tc.decided)
			golden(t, tc.golden, out)
			if !bytes.HasPrefix(out, []byte(tc.headline)) {
				t.Errorf("report starts %q, want %q", firstLine(out), tc.headline)
			}
			if bytes.Contains(out, []byte("more components left out")) {
				t.Error("a small report was truncated")
			}
		})
	}
}

// A scan of thousands of components still fits a pull-request comment:
// the lists are cut, with a note, and the denied components come before
// everything else.
func TestMarkdownTruncates(t *testing.T) {
	var comps []*inventory.Component
	for i := range 4000 {
		expr := "MIT"
		switch i % 10 {
		case 3:
			expr = "GPL-3.0-only"
		case 7:
			expr = "LicenseRef-custom-" + fmt.Sprint(i)
		}
		name := fmt.Sprintf("package-with-a-rather-long-name-%04d", i)
		comps = append(comps, &inventory.Component{
			Ecosystem: "npm", Name: name, Version: "1.0.0", PURL: "pkg:npm/" + name + "@1.0.0",
			Scope: inventory.ScopeProd, Paths: [][]string{{"parent@1.0.0", name + "@1.0.0"}},
			License: inventory.License{Expression: expr, Source: "declared"},
		})
	}
	r := fixture(t, false)
	r.Components = comps
	r.Projects[1].Components = comps
	d := policy.Evaluate(comps, policy.Context{}, nil, decisionDay)
	r.Decisions = &d
	var buf bytes.Buffer
	if err := Render(&buf, FormatMarkdown, r, Options{Tool: testTool}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if len(out) > MarkdownLimit {
		t.Errorf("report is %d bytes, want at most %d", len(out), MarkdownLimit)
	}
	if len(out) < MarkdownLimit*9/10 {
		t.Errorf("report is %d bytes: the budget of %d is badly used", len(out), MarkdownLimit)
	}
	for _, want := range []string{
		"## License scan: failed\n",
		"**400 denied, 400 to review, 3200 allowed** of 4000 components",
		"components left out to keep this report short",
		"| deny | `npm package-with-a-rather-long-name-0003@1.0.0` |",
		"</details>\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Every section keeps some rows, and denied rows come before any row
	// to review.
	_, violations, _ := strings.Cut(out, "### Denied and to review")
	violations, _, _ = strings.Cut(violations, "###")
	if i, j := strings.Index(violations, "| review |"), strings.LastIndex(violations, "| deny |"); j < 0 || (i >= 0 && i < j) {
		t.Error("the violations do not list denied components first")
	}
	for _, section := range []string{"### Denied and to review", "| Component | License | Offer |", "**Terms to read:**", "<summary>All 4000 components</summary>"} {
		_, rest, ok := strings.Cut(out, section)
		if !ok {
			t.Errorf("section %q is missing", section)
			continue
		}
		if rows := strings.Count(rest[:min(len(rest), 3000)], "`npm package-with-a-rather-long-name-"); rows < 3 {
			t.Errorf("section %q keeps %d rows in its first 3000 bytes, want several", section, rows)
		}
	}
	if !strings.Contains(out, "- `web/node_modules/broken-pkg/package.json`") {
		t.Error("the one problem was cut to make room for long lists")
	}
}

func TestMarkdownEscapes(t *testing.T) {
	tests := []struct{ in, cell, code string }{
		{"a|b", `a\|b`, "`a\\|b`"},
		{"line\nbreak", "line break", "`line break`"},
		{"<script>", "&lt;script&gt;", "`<script>`"},
		{"x`y", "x`y", "`x'y`"},
		{"", "", ""},
	}
	for _, tc := range tests {
		if got := mdCell(tc.in); got != tc.cell {
			t.Errorf("mdCell(%q) = %q, want %q", tc.in, got, tc.cell)
		}
		if got := mdCode(tc.in); got != tc.code {
			t.Errorf("mdCode(%q) = %q, want %q", tc.in, got, tc.code)
		}
	}
}

func firstLine(b []byte) string {
	l, _, _ := bytes.Cut(b, []byte("\n"))
	return string(l)
}
