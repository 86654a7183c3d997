package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"ospo/internal/license"
	"ospo/internal/repocheck"
	"ospo/internal/repocheck/monitor"
	"ospo/internal/repocheck/practices"
	"ospo/internal/repocheck/result"
	"ospo/internal/vuln"
)

// repoFlags are the options every repository check takes.
type repoFlags struct {
	dbf       dbFlag
	orgs      string
	checks    []string
	noPractic bool
}

func (f *repoFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	f.dbf.register(fl)
	fl.StringVar(&f.orgs, "contributor-orgs", "", "YAML file mapping e-mail domains to organisations, for the Contributors check")
	fl.StringSliceVar(&f.checks, "checks", nil, "run only these Scorecard-style checks (default all)")
	fl.BoolVar(&f.noPractic, "no-practices", false, "leave out the best-practice and governance checks")
}

// checker builds the function that checks one clone: the Scorecard-style
// checks, then the best-practice checks fed with their results, all in
// one result. The closer releases the vulnerability database.
func (f *repoFlags) checker(ctx context.Context) (monitor.Checker, func(), error) {
	src, closeDB, err := f.dbf.vulnSource(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	var orgs map[string]string
	if f.orgs != "" {
		if orgs, err = repocheck.LoadContributorOrgs(f.orgs); err != nil {
			closeDB()
			return nil, nil, usageError{err}
		}
	}
	id := license.NewIdentifier()
	check := func(ctx context.Context, dir string) (*result.Repo, error) {
		return checkRepo(ctx, dir, src, orgs, f.checks, !f.noPractic, id)
	}
	return check, closeDB, nil
}

func checkRepo(ctx context.Context, dir string, src vuln.Source, orgs map[string]string, checks []string, withPractices bool, id *license.Identifier) (*result.Repo, error) {
	opts := repocheck.Options{Vulns: src, ContributorOrgs: orgs, Checks: checks, Identifier: id}
	if withPractices {
		return practices.CheckWithScorecard(ctx, dir, opts)
	}
	return repocheck.Check(ctx, dir, opts)
}

func newRepoCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "repo",
		Short: "Health and security checks of a repository, from a local clone",
	}
	var (
		rf      repoFlags
		format  string
		details bool
	)
	check := &cobra.Command{
		Use:   "check DIR",
		Short: "Score a clone: Scorecard-compatible security checks and CLOMonitor-style best practices",
		Long: `check reads a local clone (any forge, no API, nothing written) and scores it:
the OpenSSF Scorecard checks that can run from a clone with Scorecard's own
rules and weights (Binary-Artifacts, Dangerous-Workflow, Dependency-Update-Tool,
Fuzzing, License, Packaging, Pinned-Dependencies, SAST, Security-Policy,
Token-Permissions, Vulnerabilities with ospo's OSV database), approximations
from git history where Scorecard needs a forge's API (Maintained,
Contributors, Code-Review, Signed-Releases, CI-Tests; marked as such), and
the best-practice and governance checks of CLOMonitor with its A–D rating.

Formats: table, json, markdown, scorecard-json (Scorecard's JSON v2, so its
consumers read it).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			checker, closeDB, err := rf.checker(cmd.Context())
			if err != nil {
				return err
			}
			defer closeDB()
			if fi, err := os.Stat(args[0]); err != nil || !fi.IsDir() {
				return usageError{fmt.Errorf("%s: not a directory", args[0])}
			}
			r, err := checker(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			switch format {
			case "table":
				return writeRepoTable(e.stdout, r, details)
			case "json":
				return writeJSON(e.stdout, r)
			case "scorecard-json":
				sc := *r
				sc.Checks = nil
				for _, c := range r.Checks {
					if !strings.HasPrefix(c.Name, "practices/") {
						sc.Checks = append(sc.Checks, c)
					}
				}
				return repocheck.WriteScorecardJSON(e.stdout, &sc, details)
			case "markdown", "md":
				rep := &monitor.RunReport{Scope: args[0], Repos: []monitor.RepoReport{{Name: r.Name, Path: args[0], Result: r}}}
				return monitor.WriteMarkdown(e.stdout, rep)
			}
			return usageError{fmt.Errorf("unknown format %q (known: table, json, markdown, scorecard-json)", format)}
		},
	}
	rf.register(check)
	check.Flags().StringVarP(&format, "format", "f", "table", "output format: table, json, markdown, scorecard-json")
	check.Flags().BoolVar(&details, "show-details", false, "list each check's findings (file and line)")
	cmd.AddCommand(check)
	return cmd
}

func writeRepoTable(w io.Writer, r *result.Repo, details bool) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s", r.Name)
	if r.Commit != "" {
		fmt.Fprintf(tw, " @ %.12s", r.Commit)
	}
	fmt.Fprintf(tw, "\nscore %s (Scorecard-compatible aggregate)", scoreText(r.Score))
	if r.Rating != "" {
		fmt.Fprintf(tw, "; best practices rating %s", strings.ToUpper(r.Rating))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "\nCHECK\tSCORE\tRISK\tRULE\tREASON")
	for _, c := range r.Checks {
		rule := "scorecard"
		if !c.Exact {
			rule = "approximation"
		}
		if strings.HasPrefix(c.Name, "practices/") {
			rule = "clomonitor"
		}
		reason := c.Reason
		if c.Exempt != "" {
			reason = "exempt: " + c.Exempt
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, scoreText(c.Score), c.Risk, rule, oneLineText(reason))
		if details {
			for _, f := range c.Findings {
				loc := f.Path
				if f.Line > 0 {
					loc += fmt.Sprintf(":%d", f.Line)
				}
				fmt.Fprintf(tw, "\t\t\t\t  %s %s %s\n", f.Outcome, loc, oneLineText(f.Message))
			}
		}
	}
	return tw.Flush()
}

func scoreText(s float64) string {
	if s < 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f", s)
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

func newMonitorCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "monitor",
		Short: "Check many clones, keep every check's history, report what changed",
	}
	var (
		rf        repoFlags
		scopeFile string
		depth     int
		include   []string
		exclude   []string
		format    string
		output    string
		par       int
		th        monitor.Thresholds
		webhook   string
	)
	run := &cobra.Command{
		Use:   "run [DIR]",
		Short: "Check every clone in DIR (or the --scope file), store the results and report the deltas",
		Example: `  ospo monitor run ~/src --min-score 5 --max-drop 1
  ospo monitor run --scope repos.yaml -f html -o report.html --webhook https://hooks.example/T0/B0/X`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var scope monitor.Scope
			var err error
			switch {
			case scopeFile != "" && len(args) == 0:
				scope, err = monitor.LoadScope(ctx, scopeFile)
			case scopeFile == "" && len(args) == 1:
				scope, err = monitor.DiscoverScope(ctx, args[0], depth, monitor.Filter{Include: include, Exclude: exclude})
			default:
				return usageError{errors.New("give a directory of clones or --scope FILE")}
			}
			if err != nil {
				return err
			}
			checker, closeDB, err := rf.checker(ctx)
			if err != nil {
				return err
			}
			defer closeDB()
			st, err := rf.dbf.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			rep, err := monitor.Run(ctx, st, scope, checker, monitor.RunOptions{Parallelism: par, Logger: e.log})
			if err != nil {
				return err
			}
			return finishMonitor(ctx, e, rep, format, output, th, webhook)
		},
	}
	rf.register(run)
	fl := run.Flags()
	fl.StringVar(&scopeFile, "scope", "", "scope file (YAML): repos, dirs, include, exclude")
	fl.IntVar(&depth, "depth", 1, "how deep to look for clones below DIR")
	fl.StringSliceVar(&include, "include", nil, "only repositories whose name matches these globs")
	fl.StringSliceVar(&exclude, "exclude", nil, "leave out repositories whose name matches these globs")
	fl.IntVar(&par, "parallel", 2, "repositories checked at once")
	addMonitorOutput(run, &format, &output, &th, &webhook)
	cmd.AddCommand(run)

	var idb dbFlag
	var iformat, ioutput, iwebhook string
	var ith monitor.Thresholds
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Add results of the OpenSSF Scorecard (JSON v2) to the history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			st, err := idb.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			rep, err := monitor.Import(cmd.Context(), st, repocheck.ReadScorecardJSON, f)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return finishMonitor(cmd.Context(), e, rep, iformat, ioutput, ith, iwebhook)
		},
	}
	idb.register(imp.Flags())
	addMonitorOutput(imp, &iformat, &ioutput, &ith, &iwebhook)
	cmd.AddCommand(imp)

	var hdb dbFlag
	hist := &cobra.Command{
		Use:   "history REPO",
		Short: "Every stored result of one repository, newest first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := hdb.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			rs, err := monitor.History(cmd.Context(), st, args[0])
			if err != nil {
				return err
			}
			if len(rs) == 0 {
				return fmt.Errorf("%s: no stored results", args[0])
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DATE\tCOMMIT\tSCORE\tRATING\tSOURCE")
			for _, r := range rs {
				fmt.Fprintf(tw, "%s\t%.12s\t%s\t%s\t%s\n", r.Date.UTC().Format("2006-01-02 15:04"), r.Commit, scoreText(r.Score), r.Rating, r.Source)
			}
			return tw.Flush()
		},
	}
	hdb.register(hist.Flags())
	cmd.AddCommand(hist)
	return cmd
}

func addMonitorOutput(cmd *cobra.Command, format, output *string, th *monitor.Thresholds, webhook *string) {
	fl := cmd.Flags()
	fl.StringVarP(format, "format", "f", "markdown", "report format: markdown, html, json")
	fl.StringVarP(output, "output", "o", "", "write the report to this file instead of standard output")
	fl.Float64Var(&th.MinScore, "min-score", -1, "alert (and exit 1) when a repository's aggregate is below this")
	fl.Float64Var(&th.MinCheck, "min-check", -1, "alert when a conclusive check scores below this")
	fl.Float64Var(&th.MaxDrop, "max-drop", -1, "alert when an aggregate or a check fell by more than this since the previous result")
	fl.BoolVar(&th.Failures, "fail-on-errors", false, "alert when a repository could not be checked")
	fl.StringVar(webhook, "webhook", "", "post the alerts to this Slack-compatible webhook URL")
}

// finishMonitor writes the report, evaluates the thresholds, calls the
// webhook and turns alerts into exit code 1.
func finishMonitor(ctx context.Context, e *env, rep *monitor.RunReport, format, output string, th monitor.Thresholds, webhook string) error {
	out := e.stdout
	if output != "" {
		f, err := os.Create(filepath.Clean(output))
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	var err error
	switch format {
	case "markdown", "md":
		err = monitor.WriteMarkdown(out, rep)
	case "html":
		err = monitor.WriteHTML(out, rep)
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	default:
		return usageError{fmt.Errorf("unknown format %q (known: markdown, html, json)", format)}
	}
	if err != nil {
		return err
	}
	for _, f := range rep.Failed() {
		e.log.Warn("not checked", "repo", f.Name, "problem", f.Err)
	}
	alerts := monitor.Evaluate(rep, th)
	if len(alerts) == 0 {
		return nil
	}
	for _, a := range alerts {
		fmt.Fprintf(e.stderr, "ospo: alert: %s: %s\n", a.Repo, a.Why)
	}
	if webhook != "" {
		if err := monitor.NotifyWebhook(ctx, webhook, alerts, nil); err != nil {
			return err
		}
	}
	return ErrViolation
}
