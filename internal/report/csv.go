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

func writeCSV(w io.Writer, r *scan.Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, c := range r.Components {
		path := ""
		if len(c.Paths) > 0 {
			path = strings.Join(c.Paths[0], " > ")
		}
		files := make([]string, len(c.LicenseFiles))
		for i, f := range c.LicenseFiles {
			files[i] = f.Path
		}
		if err := cw.Write([]string{
			c.Ecosystem, c.Name, c.Version, c.PURL, licenseOf(c), sourceOf(c),
			strconv.FormatBool(c.License.NeedsReview), string(c.Scope),
			strconv.FormatBool(c.Direct), path, strings.Join(files, ";"), c.License.Reason,
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
