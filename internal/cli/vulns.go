package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"ospo/internal/policy"
	"ospo/internal/report"
	"ospo/internal/scan"
	"ospo/internal/vuln"
)

func newVulnsCmd(e *env) *cobra.Command {
	var (
		cfg    scan.Config
		format string
		output string
		dbf    dbFlag
		pol    policyFlags
	)
	cmd := &cobra.Command{
		Use:   "vulns [DIR|FILE...]",
		Short: "Known vulnerabilities of every dependency, from the offline OSV database",
		Long: `vulns scans like ospo scan and shows only the security view: every known
vulnerability of every component (aliases grouped), its severity (CVSS base
score computed from the vector, or the database's rating), the versions that
fix it, the smallest upgrade that fixes all of a component's findings, and the
rule of the record that matched. Components without a version are listed as
"cannot be checked", never as safe.

It exits 1 when the policy's vulnerabilities rules deny a component
(default: any critical vulnerability not on the ignore list).`,
		Example: `  ospo vulndb update && ospo vulns .
  ospo vulns -f sarif -o vulns.sarif services/api`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := report.Format(format)
			if format != "table" && !validFormat(f) {
				return usageError{fmt.Errorf("unknown format %q (known: %s)", format, formatNames())}
			}
			src, closeDB, err := dbf.vulnSource(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer closeDB()
			if src == nil {
				p, _ := dbf.location()
				return fmt.Errorf("no vulnerability database at %s: run ospo vulndb update, or ospo vulndb import FILE", p)
			}
			cfg.Vulns, cfg.Roots, cfg.SkipLicenses = src, args, true
			if cfg.Policy, cfg.PolicyContext, err = pol.load(firstDir(args)); err != nil {
				return err
			}
			res, err := scan.Run(cmd.Context(), cfg)
			if err != nil {
				if errors.Is(err, scan.ErrUsage) {
					return usageError{err}
				}
				return err
			}
			for _, p := range res.Problems {
				e.log.Warn("skipped", "path", p.Path, "problem", p.Message)
			}
			out := e.stdout
			if output != "" {
				file, err := os.Create(output)
				if err != nil {
					return err
				}
				defer file.Close()
				out = file
			}
			if format == "table" {
				err = writeVulnTable(out, res)
			} else {
				err = report.Render(out, f, res, report.Options{Tool: report.Tool{Name: "ospo", Version: version()}, PolicyPath: policyPath(cfg.Policy)})
			}
			if err != nil {
				return err
			}
			if n := vulnDenied(res); n > 0 {
				fmt.Fprintf(e.stderr, "ospo: %d components denied for known vulnerabilities\n", n)
				return ErrViolation
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "table", "output format: table, "+formatNames())
	fl.StringVarP(&output, "output", "o", "", "write the report to this file instead of standard output")
	fl.BoolVar(&cfg.Filter.Production, "production", false, "leave out development-only dependencies")
	fl.StringVar(&cfg.GoModCache, "gomodcache", "", "Go module cache to read module sources from")
	dbf.register(fl)
	pol.register(fl)
	return cmd
}

// vulnDenied counts the components the vulnerabilities rules deny.
func vulnDenied(res *scan.Result) int {
	if res.Decisions == nil {
		return 0
	}
	n := 0
	for _, d := range res.Decisions.Decisions {
		if d.Vulnerabilities != nil && d.Vulnerabilities.Verdict == policy.Deny {
			n++
		}
	}
	return n
}

// writeVulnTable prints one line per finding (report.VulnRows decides
// the order), then what could not be checked.
func writeVulnTable(w io.Writer, res *scan.Result) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tID\tPACKAGE\tFIXED IN\tUPGRADE TO\tSUMMARY")
	for _, row := range report.VulnRows(res) {
		f := row.Finding
		sev := string(f.Severity.Level)
		if f.Severity.Score > 0 {
			sev += fmt.Sprintf(" %.1f", f.Severity.Score)
		}
		id := f.ID
		if len(f.Aliases) > 0 {
			id += " (" + strings.Join(f.Aliases, ", ") + ")"
		}
		if row.Ignored != "" {
			sev = "ignored"
			id += " [" + row.Ignored + "]"
		}
		fixed := strings.Join(f.Fixed, ", ")
		if fixed == "" {
			fixed = "no fix"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", sev, id, row.Component.Ref(), fixed, orDash(row.Upgrade), f.Summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := report.Summarize(res).Vulnerabilities
	var levels []string
	for _, l := range vuln.Levels {
		if n := s.ByLevel[string(l)]; n > 0 {
			levels = append(levels, fmt.Sprintf("%d %s", n, l))
		}
	}
	what := "no known vulnerabilities"
	if len(levels) > 0 {
		what = strings.Join(levels, ", ")
	}
	fmt.Fprintf(w, "\n%s in %d of %d components", what, s.Components, len(res.Components))
	if s.Ignored > 0 {
		fmt.Fprintf(w, "; %d ignored by the policy", s.Ignored)
	}
	fmt.Fprintln(w)
	for _, r := range res.Vulns.Results {
		if r.Unchecked != "" {
			fmt.Fprintf(w, "cannot be checked: %s: %s\n", r.Component.Ref(), r.Unchecked)
		}
	}
	for _, n := range res.Vulns.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	return nil
}
