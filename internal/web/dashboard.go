package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-analyze/charts"

	"ospo/internal/license/knowledge"
	"ospo/internal/portfolio"
)

// dashboardView is the dashboard's data: the portfolio's numbers, in
// the order the tables show them.
type dashboardView struct {
	portfolio.Dashboard
	Categories []countRow
	Verdicts   []countRow
}

type countRow struct {
	Name  string
	Count int
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.cfg.Portfolio.Dashboard(r.Context())
	if err != nil {
		return err
	}
	v := dashboardView{Dashboard: d}
	for _, c := range knowledge.Categories() {
		v.Categories = append(v.Categories, countRow{string(c), d.Licenses[string(c)]})
	}
	for _, name := range []string{"allow", "review", "deny"} {
		v.Verdicts = append(v.Verdicts, countRow{name, d.Verdicts[name]})
	}
	return s.list(w, r, "dashboard", "Dashboard", v, d, func() table { return riskTable(d.RiskByProject) }, "risk-by-project")
}

func riskTable(rs []portfolio.ProjectRisk) table {
	t := table{header: []string{"project", "criticality", "risk", "dependencyTrackRisk"}}
	for _, r := range rs {
		t.rows = append(t.rows, []string{r.Project.Name, r.Criticality, fmtNum(r.Risk), fmtNum(r.DTRisk)})
	}
	return t
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.cfg.Portfolio.Dashboard(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// chartCSP lets a chart's SVG use the inline style attributes the
// charting library writes; nothing in it can run, and it is shown only
// through <img>, where SVG never runs script.
const chartCSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

// maxChartProjects bounds the projects the risk chart shows; the table
// beside it has them all.
const maxChartProjects = 15

// chart draws one of the dashboard's charts as SVG.
func (s *Server) chart(w http.ResponseWriter, r *http.Request) error {
	d, err := s.cfg.Portfolio.Dashboard(r.Context())
	if err != nil {
		return err
	}
	var svg []byte
	switch name := r.PathValue("chart"); name {
	case "licenses.svg":
		svg, err = licenseChart(d)
	case "findings.svg":
		svg, err = findingsChart(d)
	case "risk.svg":
		svg, err = riskChart(d)
	default:
		return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no chart %s (licenses.svg, findings.svg, risk.svg)", name)}
	}
	if err != nil {
		return fmt.Errorf("draw chart: %w", err)
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", chartCSP)
	_, err = w.Write(svg)
	return err
}

func painter(width, height int) *charts.Painter {
	return charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: width, Height: height})
}

// licenseChart is a horizontal bar per license category.
func licenseChart(d portfolio.Dashboard) ([]byte, error) {
	var labels []string
	var values []float64
	for _, c := range knowledge.Categories() {
		labels = append(labels, string(c))
		values = append(values, float64(d.Licenses[string(c)]))
	}
	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.Title.Text = "Components by license category"
	opt.CategoryAxis.Labels = labels
	opt.SeriesLabelPosition = charts.PositionRight
	opt.ValueAxis = []charts.ValueAxisOption{countAxis(values)}
	opt.ValueFormatter = intFormatter
	p := painter(640, 360)
	if err := p.BarChart(opt); err != nil {
		return nil, err
	}
	return p.Bytes()
}

// findingsChart is a line per severity level over the days with scans.
func findingsChart(d portfolio.Dashboard) ([]byte, error) {
	days := d.FindingsOverTime
	if len(days) == 0 {
		// One day of zeros draws the axes, so the chart says "nothing yet"
		// instead of failing.
		days = []portfolio.DayCounts{{}}
	}
	series := make([][]float64, 5)
	var labels []string
	for _, day := range days {
		labels = append(labels, fmtTime(day.Day, "01-02"))
		c := day.Counts
		for i, n := range []int{c.Critical, c.High, c.Medium, c.Low, c.Unknown} {
			series[i] = append(series[i], float64(n))
		}
	}
	opt := charts.NewLineChartOptionWithData(series)
	opt.Title.Text = "Findings by severity over time"
	opt.XAxis.Labels = labels
	opt.Legend.SeriesNames = []string{"critical", "high", "medium", "low", "unknown"}
	opt.Legend.Offset = charts.OffsetRight
	opt.Theme = opt.Theme.WithSeriesColors(severityColors)
	opt.YAxis = []charts.YAxisOption{countAxis(series...)}
	opt.ValueFormatter = intFormatter
	p := painter(640, 360)
	if err := p.LineChart(opt); err != nil {
		return nil, err
	}
	return p.Bytes()
}

// riskChart puts ospo's score and Dependency-Track's side by side for
// the riskiest projects.
func riskChart(d portfolio.Dashboard) ([]byte, error) {
	rs := d.RiskByProject
	if len(rs) > maxChartProjects {
		rs = rs[:maxChartProjects]
	}
	if len(rs) == 0 {
		rs = []portfolio.ProjectRisk{{Project: portfolio.ProjectRef{Name: "no projects yet"}}}
	}
	var labels []string
	ours, dt := make([]float64, 0, len(rs)), make([]float64, 0, len(rs))
	// Bottom to top: the riskiest project ends up first from the top.
	for i := len(rs) - 1; i >= 0; i-- {
		labels = append(labels, rs[i].Project.Name)
		ours = append(ours, rs[i].Risk)
		dt = append(dt, rs[i].DTRisk)
	}
	opt := charts.NewBarChartOptionWithData([][]float64{ours, dt})
	opt.Horizontal = true
	opt.Title.Text = "Risk by project"
	opt.CategoryAxis.Labels = labels
	opt.Legend.SeriesNames = []string{"ospo", "Dependency-Track"}
	opt.Legend.Offset = charts.OffsetRight
	opt.ValueFormatter = fmtNum
	p := painter(640, 120+28*len(rs))
	if err := p.BarChart(opt); err != nil {
		return nil, err
	}
	return p.Bytes()
}

func intFormatter(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }

// severityColors draw the severity levels from red (critical) to grey
// (unknown), in the order the findings chart lists them.
var severityColors = []charts.Color{
	charts.ColorFromHex("b3261e"), charts.ColorFromHex("e8710a"), charts.ColorFromHex("f2b600"),
	charts.ColorFromHex("4f8fd9"), charts.ColorFromHex("8a8f99"),
}

// countAxis is a value axis for counts: from 0, in whole steps, up to
// at least 4 so that small numbers do not get fractional ticks.
func countAxis(series ...[]float64) charts.ValueAxisOption {
	top := 4.0
	for _, s := range series {
		for _, v := range s {
			top = max(top, v)
		}
	}
	lo := 0.0
	return charts.ValueAxisOption{Min: &lo, Max: &top, Unit: max(1, float64(int(top/4)))}
}
