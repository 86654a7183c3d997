package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
	"ospo/internal/obligations"
	"ospo/internal/scan"
)

// The HTML report is one file that opens anywhere, offline: styles are
// inline, the chart is SVG drawn here, and a content security policy in the
// page forbids scripts and every outside resource, so that a report
// mailed around cannot call home.

//go:embed templates/report.html.tmpl
var templateFS embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"label": categoryLabel,
	"count": count,
}).ParseFS(templateFS, "templates/report.html.tmpl"))

type htmlData struct {
	Title      string
	Status     string
	Tool       Tool
	Roots      string
	PolicyPath string
	Context    string
	Decided    bool
	Counts     VerdictCounts
	Summary    Summary
	Chart      svgChart
	Rows       []htmlRow
	// Obligations are shown only with decisions: without a policy's
	// choice, every alternative of an OR would count.
	Obligations *obligations.Summary
	Expired     []string
	Unused      []string
	Problems    []inventory.Problem
}

type htmlRow struct {
	Verdict, Rule, Reason                 string
	Ecosystem, Name, Version, License     string
	LicenseSource, Scope, Path, NeedsNote string
	Direct                                bool
}

// svgChart is a horizontal bar chart of components by license category.
type svgChart struct {
	Width, Height int
	Bars          []svgBar
	Total         int
}

type svgBar struct {
	Category   knowledge.Category
	Count      int
	Y, TextY   int
	LabelX     int
	BarX, BarW int
	CountX     int
}

// Chart geometry, in SVG user units.
const (
	chartLabelW = 150
	chartBarW   = 420
	chartRowH   = 26
	chartBarH   = 18
	chartPad    = 8
)

func newChart(byCategory map[knowledge.Category]int) svgChart {
	cats := knowledge.Categories()
	ch := svgChart{Width: chartLabelW + chartBarW + 60, Height: len(cats)*chartRowH + 2*chartPad}
	maxN := 0
	for _, c := range cats {
		maxN = max(maxN, byCategory[c])
		ch.Total += byCategory[c]
	}
	for i, c := range cats {
		n := byCategory[c]
		w := 0
		if maxN > 0 {
			w = n * chartBarW / maxN
		}
		if n > 0 && w < 2 {
			w = 2 // a category that is present stays visible
		}
		y := chartPad + i*chartRowH
		ch.Bars = append(ch.Bars, svgBar{
			Category: c, Count: n, Y: y + (chartRowH-chartBarH)/2, TextY: y + chartRowH/2 + 5,
			LabelX: chartLabelW - 8, BarX: chartLabelW, BarW: w, CountX: chartLabelW + w + 6,
		})
	}
	return ch
}

func writeHTML(w io.Writer, r *scan.Result, o Options) error {
	v := newView(r)
	d := htmlData{
		Status:     v.status(),
		Tool:       o.Tool,
		Roots:      strings.Join(r.Roots, ", "),
		PolicyPath: policyName(o.PolicyPath),
		Decided:    v.decided(),
		Counts:     v.counts,
		Summary:    v.summary,
		Problems:   r.Problems,
	}
	d.Title = "License report: " + d.Status
	if d.Roots != "" {
		d.Title += " (" + d.Roots + ")"
	}
	if v.decided() {
		d.Context = contextLine(v)
		d.Obligations = v.obligations
		d.Chart = newChart(v.obligations.ByCategory)
		for _, x := range r.Decisions.ExpiredExceptions {
			d.Expired = append(d.Expired, exceptionLine(x))
		}
		for _, x := range r.Decisions.UnusedExceptions {
			d.Unused = append(d.Unused, exceptionLine(x))
		}
	} else {
		s := obligations.Summarize(r.Components, nil)
		d.Chart = newChart(s.ByCategory)
	}
	// Violations first, then the rest in component order.
	order := append([]int{}, v.violations...)
	if v.decided() {
		for i, dc := range v.decisions {
			if dc.Verdict != "review" && dc.Verdict != "deny" {
				order = append(order, i)
			}
		}
	} else {
		for i := range r.Components {
			order = append(order, i)
		}
	}
	d.Rows = make([]htmlRow, 0, len(order))
	for _, i := range order {
		c := r.Components[i]
		row := htmlRow{
			Ecosystem: c.Ecosystem, Name: c.Name, Version: c.Version,
			License: licenseShown(c, v.decision(i)), LicenseSource: sourceOf(c), Scope: string(c.Scope),
			Path: firstPath(c), Direct: c.Direct,
		}
		if c.License.NeedsReview {
			row.NeedsNote = c.License.Reason
		}
		if dc := v.decision(i); dc != nil {
			row.Verdict, row.Rule, row.Reason = string(dc.Verdict), dc.Rule, dc.Reason
		}
		d.Rows = append(d.Rows, row)
	}
	if err := htmlTemplate.Execute(w, d); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}
