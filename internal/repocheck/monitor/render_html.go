package monitor

import (
	_ "embed"
	"html/template"
	"io"
)

//go:embed report.html.tmpl
var reportHTML string

// reportTemplate is parsed once; a broken template fails every test of
// this package, so the Must cannot fire in a released build.
var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

// WriteHTML renders rep as one self-contained HTML page: the same
// content as WriteMarkdown, the style sheet inline, no scripts and no
// external assets (its Content-Security-Policy forbids them). Every
// value goes through html/template's contextual escaping.
func WriteHTML(w io.Writer, rep *RunReport) error {
	return reportTemplate.Execute(w, buildView(rep))
}
