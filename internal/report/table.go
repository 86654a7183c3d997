package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"ospo/internal/scan"
)

func writeTable(w io.Writer, r *scan.Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ECOSYSTEM\tNAME\tVERSION\tLICENSE\tSOURCE\tSCOPE\tDIRECT\tNOTE")
	for _, c := range r.Components {
		note := ""
		if c.License.NeedsReview {
			note = "needs review: " + c.License.Reason
		}
		direct := ""
		if c.Direct {
			direct = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Ecosystem, c.Name, c.Version,
			licenseOf(c), sourceOf(c), c.Scope, direct, note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := Summarize(r)
	fmt.Fprintf(w, "\n%d components in %d projects", s.Components, s.Projects)
	if s.Excluded > 0 {
		fmt.Fprintf(w, " (%d excluded by filters)", s.Excluded)
	}
	fmt.Fprintf(w, "; %d NOASSERTION, %d need review\n", s.NoAssertion, s.NeedsReview)
	top := sortedLicenses(s.ByLicense)
	if len(top) > 8 {
		top = top[:8]
	}
	for _, l := range top {
		fmt.Fprintf(w, "  %5d  %s\n", s.ByLicense[l], l)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	return nil
}
