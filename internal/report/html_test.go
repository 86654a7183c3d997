package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
)

func TestHTML(t *testing.T) {
	tests := []struct {
		name    string
		decided bool
		golden  string
		title   string
		// sections are the ids of the page's sections, in order.
		sections []string
	}{
		{"without a policy", false, "scan.html", "License report: listed (.)",
			[]string{"categories", "components", "problems"}},
		{"with a policy", true, "scan-decided.html", "License report: failed (.)",
			[]string{"categories", "components", "obligations", "exceptions", "problems"}},
	}
	sectionRe := regexp.MustCompile(`<section id="([a-z-]+)">`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, FormatHTML, tc.decided)
			golden(t, tc.golden, out)
			page := string(out)
			if !strings.Contains(page, "<title>"+tc.title+"</title>") {
				t.Errorf("title is not %q", tc.title)
			}
			var sections []string
			for _, m := range sectionRe.FindAllStringSubmatch(page, -1) {
				sections = append(sections, m[1])
			}
			if diff := cmp.Diff(tc.sections, sections); diff != "" {
				t.Errorf("sections (-want +got):\n%s", diff)
			}
			// Self-contained: no script, no outside resource of any kind.
			for _, bad := range []string{"<script", "src=", "href=", "@import", "url("} {
				if strings.Contains(page, bad) {
					t.Errorf("page contains %q", bad)
				}
			}
			if got := strings.Count(page, `<rect class="bar `); got != len(knowledge.Categories()) {
				t.Errorf("%d bars, want one per category (%d)", got, len(knowledge.Categories()))
			}
		})
	}
}

// Names and licenses come from package metadata anyone can publish; the
// page must show them as text.
func TestHTMLEscapes(t *testing.T) {
	r := fixture(t, true)
	r.Components[0].Name = `<img src=x onerror=alert(1)>`
	r.Components[0].License.Expression = `"><script>alert(1)</script>`
	var buf bytes.Buffer
	if err := Render(&buf, FormatHTML, r, Options{Tool: testTool}); err != nil {
		t.Fatal(err)
	}
	if page := buf.String(); strings.Contains(page, "<script>") || strings.Contains(page, "<img") {
		t.Error("metadata reached the page as markup")
	}
}

func TestChart(t *testing.T) {
	tests := []struct {
		name   string
		counts map[knowledge.Category]int
		// widths are the bar widths in category order.
		widths []int
	}{
		{"empty", map[knowledge.Category]int{}, []int{0, 0, 0, 0, 0, 0, 0, 0}},
		{"largest fills the width", map[knowledge.Category]int{knowledge.Permissive: 10, knowledge.WeakCopyleft: 5},
			[]int{0, chartBarW, chartBarW / 2, 0, 0, 0, 0, 0}},
		{"a present category stays visible", map[knowledge.Category]int{knowledge.Permissive: 10000, knowledge.Unknown: 1},
			[]int{0, chartBarW, 0, 0, 0, 0, 0, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch := newChart(tc.counts)
			var widths []int
			for _, b := range ch.Bars {
				widths = append(widths, b.BarW)
				if b.CountX > ch.Width {
					t.Errorf("count label of %s at %d is outside the chart (%d)", b.Category, b.CountX, ch.Width)
				}
			}
			if diff := cmp.Diff(tc.widths, widths); diff != "" {
				t.Errorf("widths (-want +got):\n%s", diff)
			}
		})
	}
}

// A page for a large scan stays one file of reasonable size.
func BenchmarkHTML(b *testing.B) {
	r := fixture(b, true)
	var comps []*inventory.Component
	for range 200 {
		comps = append(comps, fixtureComponents()...)
	}
	r.Components = comps
	r.Decisions = nil
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, FormatHTML, r, Options{Tool: testTool}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}
