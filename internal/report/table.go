package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"ospo/internal/policy"
	"ospo/internal/scan"
)

func writeTable(w io.Writer, r *scan.Result, o Options) error {
	v := newView(r)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	// Violations come first, each with the path that brings it in, so that
	// a failed CI log says what to fix before it lists everything.
	if len(v.violations) > 0 {
		fmt.Fprintf(tw, "VIOLATIONS (%d denied, %d to review)\n", v.counts.Deny, v.counts.Review)
		fmt.Fprintln(tw, "VERDICT\tECOSYSTEM\tNAME\tVERSION\tLICENSE\tPATH\tREASON")
		for _, i := range v.violations {
			c, d := r.Components[i], v.decisions[i]
			path := firstPath(c)
			if path == "" {
				path = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Verdict, c.Ecosystem, c.Name, c.Version,
				licenseShown(c, &d), path, oneLine(d.Reason))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	head := "ECOSYSTEM\tNAME\tVERSION\tLICENSE\tSOURCE\tSCOPE\tDIRECT"
	if v.decided() {
		head += "\tVERDICT"
	}
	fmt.Fprintln(tw, head+"\tNOTE")
	for i, c := range r.Components {
		note := ""
		if c.License.NeedsReview {
			note = "needs review: " + oneLine(c.License.Reason)
		}
		direct := ""
		if c.Direct {
			direct = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s", c.Ecosystem, c.Name, c.Version,
			licenseShown(c, v.decision(i)), sourceOf(c), c.Scope, direct)
		if d := v.decision(i); d != nil {
			fmt.Fprintf(tw, "\t%s", d.Verdict)
		}
		fmt.Fprintf(tw, "\t%s\n", note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := v.summary
	fmt.Fprintf(w, "\n%s in %s", count(s.Components, "component", "components"), count(s.Projects, "project", "projects"))
	if s.Excluded > 0 {
		fmt.Fprintf(w, " (%d excluded by filters)", s.Excluded)
	}
	fmt.Fprintf(w, "; %d NOASSERTION, %d need review\n", s.NoAssertion, s.NeedsReview)
	if v.decided() {
		fmt.Fprintf(w, "policy %s: %d denied, %d to review, %d allowed (%s)\n", policyName(o.PolicyPath),
			v.counts.Deny, v.counts.Review, v.counts.Allow, contextLine(v))
	}
	top := sortedLicenses(s.ByLicense)
	if len(top) > 8 {
		top = top[:8]
	}
	for _, l := range top {
		fmt.Fprintf(w, "  %5d  %s\n", s.ByLicense[l], l)
	}
	if v.obligations != nil {
		ob := v.obligations
		fmt.Fprintf(w, "obligations (%s): notices to ship for %d components, source offers for %d", ob.Distribution,
			len(ob.Attribution), len(ob.SourceOffer))
		if ob.NetworkCopyleft.Present {
			fmt.Fprintf(w, ", network copyleft in %d", len(ob.NetworkCopyleft.Components))
		}
		if len(ob.Unknown) > 0 {
			fmt.Fprintf(w, ", terms to read for %d", len(ob.Unknown))
		}
		fmt.Fprintln(w)
	}
	if r.Decisions != nil {
		for _, x := range r.Decisions.ExpiredExceptions {
			fmt.Fprintf(w, "expired exception: %s\n", exceptionLine(x))
		}
		for _, x := range r.Decisions.UnusedExceptions {
			fmt.Fprintf(w, "unused exception: %s\n", exceptionLine(x))
		}
	}
	if r.Vulns != nil {
		vs := s.Vulnerabilities
		rows := VulnRows(r)
		fmt.Fprintf(w, "known vulnerabilities: %d in %s", len(rows), count(vs.Components, "component", "components"))
		if vs.Ignored > 0 {
			fmt.Fprintf(w, " (%d ignored by the policy)", vs.Ignored)
		}
		if vs.Unchecked > 0 {
			fmt.Fprintf(w, "; %s could not be checked", count(vs.Unchecked, "component", "components"))
		}
		fmt.Fprintln(w)
		for _, row := range rows {
			sev := string(row.Finding.Severity.Level)
			if row.Ignored != "" {
				sev = "ignored"
			}
			fix := "no fix known"
			if row.Upgrade != "" {
				fix = "upgrade to " + row.Upgrade
			} else if len(row.Finding.Fixed) > 0 {
				fix = "fixed in " + strings.Join(row.Finding.Fixed, ", ")
			}
			fmt.Fprintf(w, "  %-8s %s %s (%s): %s\n", sev, row.Finding.ID, row.Component.Ref(), fix, oneLine(row.Finding.Summary))
		}
		for _, n := range r.Vulns.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	return nil
}

// policyName names the policy for a summary line.
func policyName(path string) string {
	if path == "" {
		return "(built-in defaults)"
	}
	return path
}

// contextLine says what the decisions were made for.
func contextLine(v *view) string {
	s := string(v.distribution())
	if v.r.Decisions != nil && v.r.Decisions.Outbound != "" {
		s += ", project license " + v.r.Decisions.Outbound
	}
	return s
}

// exceptionLine describes one policy exception in a line.
func exceptionLine(x policy.ExceptionRef) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s", x.Number, x.Package)
	if x.Versions != "" && x.Versions != "*" {
		fmt.Fprintf(&b, " %s", x.Versions)
	}
	fmt.Fprintf(&b, ": %s", x.Decision)
	if x.Ticket != "" {
		fmt.Fprintf(&b, ", ticket %s", x.Ticket)
	}
	if x.Expires != "" {
		fmt.Fprintf(&b, ", expires %s", x.Expires)
	}
	if x.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", x.Line)
	}
	return b.String()
}

// oneLine folds text onto one line for tables.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
