package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"ospo/internal/baseline"
	"ospo/internal/inventory"
	"ospo/internal/policy"
	"ospo/internal/report"
	"ospo/internal/scan"
)

func newScanCmd(e *env) *cobra.Command {
	var (
		cfg        scan.Config
		format     string
		output     string
		start      string
		direct     bool
		exclude    []string
		ecosystems []string
		pol        policyFlags
		strict     bool
		baseFile   string
		dbf        dbFlag
		noVulns    bool
		up         uploadOptions
	)
	cmd := &cobra.Command{
		Use:   "scan [DIR|FILE...]",
		Short: "List every dependency of the projects under the given directories, with its license",
		Long: `scan finds every project under the given directories (npm and Go; monorepos
and workspaces included), lists each dependency once per name@version with
the license concluded from its metadata and license texts, and says where
the answer is missing or doubtful (NOASSERTION, needs review).

A compiled Go binary may be given instead of a directory, and a supplied
SBOM (CycloneDX JSON or XML, SPDX JSON or tag-value) instead of a scan: its
components enter the same inventory, policy and reports, recorded as vendor,
legacy or proprietary software (--kind) with its supplier.`,
		Example: `  ospo scan .
  ospo scan --format json --production services/api
  GOMODCACHE=/path/to/modcache ospo scan --format csv ./cmd`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkKind(cfg.Kind); err != nil {
				return err
			}
			cfg.Roots = args
			if start != "" {
				cfg.Roots = append(cfg.Roots, start)
			}
			if direct {
				if cfg.Filter.Depth != 0 && cfg.Filter.Depth != 1 {
					return usageError{errors.New("--direct and --depth disagree")}
				}
				cfg.Filter.Depth = 1
			}
			if cfg.Filter.Depth < 0 {
				return usageError{errors.New("--depth must be 1 or more")}
			}
			cfg.Filter.Exclude = splitList(exclude)
			cfg.Ecosystems = splitList(ecosystems)
			var err error
			f := report.Format(format)
			if !validFormat(f) {
				return usageError{fmt.Errorf("unknown format %q (known: %s)", format, formatNames())}
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
			if isTerminal(e.stderr) {
				var bar *progressbar.ProgressBar
				cfg.Progress = func(done, total int) {
					if bar == nil {
						bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr),
							progressbar.OptionSetDescription("identifying licenses"),
							progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000))
					}
					_ = bar.Set(done)
					if done == total {
						_ = bar.Finish()
					}
				}
			}
			if cfg.Policy, cfg.PolicyContext, err = pol.load(firstDir(cfg.Roots)); err != nil {
				return err
			}
			if baseFile != "" {
				if cfg.Baseline, err = baseline.Load(baseFile); err != nil {
					return usageError{err}
				}
			}
			src, closeDB, err := dbf.vulnSource(cmd.Context(), noVulns)
			if err != nil {
				return err
			}
			defer closeDB()
			cfg.Vulns = src
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
			if err := report.Render(out, f, res, report.Options{
				Tool: report.Tool{Name: "ospo", Version: version()}, PolicyPath: policyPath(cfg.Policy),
			}); err != nil {
				return err
			}
			if up.url != "" {
				if err := up.send(cmd.Context(), e, res, cfg.Roots, cfg.Kind); err != nil {
					return err
				}
			}
			if v := res.Violations(strict); len(v) > 0 {
				what := "denied"
				if strict {
					what = "denied or needing review"
				}
				fmt.Fprintf(e.stderr, "ospo: %d of %d components %s by the license policy\n", len(v), len(res.Components), what)
				return ErrViolation
			}
			return nil
		},
	}
	fl := cmd.Flags()
	up.register(fl)
	fl.StringVarP(&format, "format", "f", "table", "output format: "+formatNames())
	fl.StringVarP(&output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&start, "start", "", "directory to scan (as license-checker's --start)")
	fl.BoolVar(&cfg.Filter.Production, "production", false, "leave out development-only dependencies")
	fl.BoolVar(&cfg.Filter.Development, "development", false, "list only development-only dependencies")
	fl.BoolVar(&direct, "direct", false, "list only direct dependencies (same as --depth 1)")
	fl.IntVar(&cfg.Filter.Depth, "depth", 0, "list dependencies at most this many levels deep (1 = direct)")
	fl.StringSliceVar(&exclude, "exclude-packages", nil, "leave out these packages: name or name@version, comma or semicolon separated")
	fl.StringSliceVar(&ecosystems, "ecosystem", nil, "scan only these ecosystems (npm, go)")
	fl.StringVar(&cfg.GoModCache, "gomodcache", "", "Go module cache to read module sources from (default: GOMODCACHE, then GOPATH/pkg/mod)")
	fl.StringVar(&cfg.CurationsFile, "curations", "", "license curation file (YAML) that corrects what packages declare")
	fl.BoolVar(&strict, "strict", false, "fail (exit 1) also when a component needs review")
	fl.StringVar(&baseFile, "baseline", "", "an earlier `ospo scan --format json` result: report only what is new or changed since")
	fl.StringVar(&cfg.Kind, "kind", "", "whose software this is: "+strings.Join(inventory.Kinds, ", ")+" (default own; for a supplied SBOM what it states, else vendor)")
	fl.StringVar(&cfg.Supplier, "supplier", "", "the supplier of the software scanned (for vendor software)")
	dbf.register(fl)
	fl.BoolVar(&noVulns, "no-vulns", false, "do not look up known vulnerabilities, even when a database is present")
	pol.register(fl)
	return cmd
}

func formatNames() string {
	names := make([]string, len(report.Formats))
	for i, f := range report.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

func policyPath(p *policy.Policy) string {
	if p == nil {
		return ""
	}
	return p.Path
}

func validFormat(f report.Format) bool {
	for _, x := range report.Formats {
		if x == f {
			return true
		}
	}
	return false
}

// splitList accepts both repeated flags and license-checker's
// semicolon-separated lists.
func splitList(in []string) []string {
	var out []string
	for _, s := range in {
		for _, x := range strings.Split(s, ";") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}
