package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"ospo/internal/scan"
)

var csvHeader = []string{
	"ecosystem", "name", "version", "purl", "license", "licenseSource", "needsReview",
	"scope", "direct", "path", "licenseFiles", "reason",
}

// csvDecisionHeader is appended when a policy decided the components, so
// that spreadsheets made from a scan without one keep their columns.
var csvDecisionHeader = []string{"verdict", "rule", "verdictReason", "choice"}

func writeCSV(w io.Writer, r *scan.Result) error {
	v := newView(r)
	cw := csv.NewWriter(w)
	header := csvHeader
	if v.decided() {
		header = append(append([]string{}, csvHeader...), csvDecisionHeader...)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i, c := range r.Components {
		files := make([]string, len(c.LicenseFiles))
		for i, f := range c.LicenseFiles {
			files[i] = f.Path
		}
		row := []string{
			c.Ecosystem, c.Name, c.Version, c.PURL, licenseOf(c), sourceOf(c),
			strconv.FormatBool(c.License.NeedsReview), string(c.Scope),
			strconv.FormatBool(c.Direct), firstPath(c), strings.Join(files, ";"), c.License.Reason,
		}
		if d := v.decision(i); d != nil {
			row = append(row, string(d.Verdict), d.Rule, d.Reason, d.Choice)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
