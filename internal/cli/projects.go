package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"ospo/internal/jobs"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck/monitor"
	"ospo/internal/risk"
	"ospo/internal/secret"
	"ospo/internal/store"
	"ospo/internal/vuln/db"
)

// projectFields are the flags describing a registered project.
type projectFields struct {
	owner, distribution, criticality, kind, supplier string
}

func (f *projectFields) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.owner, "owner", "", "who answers for the project (a team or person)")
	fl.StringVar(&f.distribution, "distribution", "", "how it reaches its users: internal, saas, distributed, library")
	fl.StringVar(&f.criticality, "criticality", "medium", "low, medium, high or critical")
	fl.StringVar(&f.kind, "kind", "own", "own, vendor, legacy or proprietary")
	fl.StringVar(&f.supplier, "supplier", "", "the supplier, for vendor software")
}

func (f *projectFields) project(name, source string) portfolio.Project {
	return portfolio.Project{Name: name, Source: source, Owner: f.owner, Distribution: f.distribution,
		Criticality: f.criticality, Kind: f.kind, Supplier: f.supplier}
}

// actorName is who the events log records for CLI changes.
func actorName() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

func newProjectsCmd(e *env) *cobra.Command {
	var dbf dbFlag
	cmd := &cobra.Command{
		Use:   "projects",
		Short: "Register the organisation's projects in the portal's inventory and queue their scans",
		Long: `projects keeps the organisation's inventory that ospo serve shows: projects
registered one by one, from a directory of clones, or from a list of
repository paths and URLs; scans queued for them run in ospo serve or in
ospo worker processes (or here, with --wait).`,
	}
	dbf.register(cmd.PersistentFlags())

	var fields projectFields
	var source string
	add := &cobra.Command{
		Use:     "add NAME --source PATH|URL",
		Short:   "Register one project",
		Example: "  ospo projects add shop-web --source https://git.example.org/shop/web.git --owner web-team --criticality high",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if source == "" {
				return usageError{errors.New("--source is required: a directory, an SBOM file or a repository URL")}
			}
			st, err := dbf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			p, err := portfolio.New(st, portfolio.Options{}).AddProject(cmd.Context(), actorName(), fields.project(args[0], absSource(source)))
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "registered %s (id %d)\n", p.Name, p.ID)
			return nil
		},
	}
	add.Flags().StringVar(&source, "source", "", "directory, SBOM file or repository URL the project is scanned from")
	fields.register(add)

	var ifields projectFields
	var list string
	var depth int
	imp := &cobra.Command{
		Use:   "import [DIR] [--list FILE]",
		Short: "Register every clone under DIR, or every path or URL in a list file",
		Long: `import registers many projects at once: every git clone under DIR (a
subdirectory holding .git, down to --depth levels), or every line of a list
file (a directory or repository URL per line; # starts a comment). Each is
named after its directory or the URL's last element; projects already
registered are left as they are. Two sources that would get one name
(…/team-a/web.git and …/team-b/web.git) are refused before anything is
registered: register one of them with projects add under a name of its own
and leave it out. A source whose name is registered already with another
source is reported and not registered; the others are, and the exit status
says so.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var sources [][2]string // name, source
			switch {
			case len(args) == 1 && list == "":
				scope, err := monitor.DiscoverScope(cmd.Context(), args[0], depth, monitor.Filter{})
				if err != nil {
					return err
				}
				for _, r := range scope.Repos {
					sources = append(sources, [2]string{r.Name, r.Path})
				}
			case len(args) == 0 && list != "":
				var err error
				if sources, err = readSourceList(list); err != nil {
					return err
				}
			default:
				return usageError{errors.New("give a directory of clones or --list FILE")}
			}
			sources, err := uniqueNames(sources)
			if err != nil {
				return err
			}
			st, err := dbf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			pf := portfolio.New(st, portfolio.Options{})
			added, taken := 0, 0
			for _, s := range sources {
				p, created, err := pf.EnsureProject(cmd.Context(), actorName(), ifields.project(s[0], s[1]))
				if err != nil {
					return err
				}
				switch {
				case created:
					added++
				case p.Source != s[1]:
					taken++
					fmt.Fprintf(e.stderr, "ospo: %s not registered: project %s is registered with source %s\n",
						secret.RedactURLs(s[1]), p.Name, secret.RedactURLs(p.Source))
				}
			}
			fmt.Fprintf(e.stdout, "registered %d new of %d projects\n", added, len(sources))
			if taken > 0 {
				return fmt.Errorf("%d of %d sources not registered: their names are taken by other sources (register them with projects add under names of their own)", taken, len(sources))
			}
			return nil
		},
	}
	imp.Flags().StringVar(&list, "list", "", "file with one directory or repository URL per line")
	imp.Flags().IntVar(&depth, "depth", 1, "how deep to look for clones below DIR")
	ifields.register(imp)

	var format string
	ls := &cobra.Command{
		Use:   "list",
		Short: "List the registered projects with their newest scan",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := dbf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			page, err := portfolio.New(st, portfolio.Options{}).Projects(cmd.Context(), portfolio.ProjectFilter{Limit: portfolio.MaxLimit})
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(page.Items)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "PROJECT\tOWNER\tKIND\tCRITICALITY\tCOMPONENTS\tDENIED\tVULNS\tRISK\tSCANNED")
			for _, p := range page.Items {
				if s := p.Latest; s != nil {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%.1f\t%s\n", p.Name, p.Owner, p.Kind, p.Criticality, s.Components, s.Denied, s.Vulns.Total(), s.Risk, s.ScannedAt.Format("2006-01-02 15:04"))
				} else {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t-\t-\t-\t-\tnever\n", p.Name, p.Owner, p.Kind, p.Criticality)
				}
			}
			return tw.Flush()
		},
	}
	ls.Flags().StringVarP(&format, "format", "f", "table", "table or json")

	var all, wait bool
	var workers int
	var judge judgeFlags
	scanCmd := &cobra.Command{
		Use:   "scan [NAME…] [--all]",
		Short: "Queue scans of registered projects (run by ospo serve or ospo worker, or here with --wait)",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return usageError{errors.New("name projects or give --all")}
			}
			pol, weights, err := judge.load()
			if err != nil {
				return err
			}
			st, err := dbf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			return queueScans(cmd.Context(), e, st, args, wait, workers, pol, weights)
		},
	}
	scanCmd.Flags().BoolVar(&all, "all", false, "every registered project with a source")
	scanCmd.Flags().BoolVar(&wait, "wait", false, "run the queued jobs in this process and return when none is left")
	scanCmd.Flags().IntVar(&workers, "workers", 2, "jobs run at once with --wait")
	judge.register(scanCmd.Flags(), "the scans run with --wait")

	cmd.AddCommand(add, imp, ls, scanCmd)
	return cmd
}

// queueScans enqueues a scan job per project (all with a source when
// names is empty) and, with wait, runs the queue here until it is idle.
func queueScans(ctx context.Context, e *env, st *store.Store, names []string, wait bool, workers int, pol *policy.Policy, weights risk.Config) error {
	pf := newPortfolio(st, weights)
	var targets []portfolio.Project
	if len(names) == 0 {
		page, err := pf.Projects(ctx, portfolio.ProjectFilter{Limit: portfolio.MaxLimit})
		if err != nil {
			return err
		}
		for offset := page.Total; len(page.Items) > 0; {
			targets = append(targets, page.Items...)
			if offset = len(targets); offset >= page.Total {
				break
			}
			if page, err = pf.Projects(ctx, portfolio.ProjectFilter{Limit: portfolio.MaxLimit, Offset: offset}); err != nil {
				return err
			}
		}
	} else {
		for _, n := range names {
			p, err := pf.ProjectByName(ctx, n)
			if err != nil {
				return err
			}
			targets = append(targets, p)
		}
	}
	cfg := jobs.Config{Version: version()}
	if wait {
		cfg = jobs.Config{Workers: workers, Portfolio: pf, Policy: pol, Vulns: db.New(st), Version: version()}
	}
	q, err := jobs.Open(ctx, st, cfg)
	if err != nil {
		return err
	}
	queued := 0
	for _, p := range targets {
		args, ok := scanArgs(p)
		if !ok {
			if len(names) > 0 {
				return fmt.Errorf("project %s has no source to scan (its results are uploaded)", p.Name)
			}
			continue
		}
		if _, err := q.EnqueueScan(ctx, args); err != nil {
			return err
		}
		queued++
	}
	fmt.Fprintf(e.stdout, "queued %d scans\n", queued)
	if !wait {
		return nil
	}
	if err := q.Start(ctx); err != nil {
		return err
	}
	defer q.Stop(context.WithoutCancel(ctx)) //nolint:errcheck // stopping an idle queue
	if err := q.WaitIdle(ctx); err != nil {
		return err
	}
	js, err := q.Jobs(ctx, queued)
	if err != nil {
		return err
	}
	failed := 0
	for _, j := range js {
		if j.State == "discarded" || j.State == "cancelled" {
			failed++
			if len(j.Errors) > 0 {
				fmt.Fprintf(e.stderr, "ospo: job %d: %s\n", j.ID, j.Errors[len(j.Errors)-1])
			}
		}
	}
	fmt.Fprintf(e.stdout, "ran %d scans, %d failed\n", queued, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d scans failed", failed, queued)
	}
	return nil
}

// scanArgs is the job that scans p, false when p has nothing to scan.
func scanArgs(p portfolio.Project) (jobs.ScanArgs, bool) {
	args := jobs.ScanArgs{ProjectID: p.ID, RepoCheck: true}
	switch {
	case p.Source == "" || p.Source == "upload":
		return args, false
	case strings.Contains(p.Source, "://") || strings.HasPrefix(p.Source, "git@"):
		args.URL = p.Source
	default:
		args.Path = p.Source
		if fi, err := os.Stat(p.Source); err == nil && !fi.IsDir() {
			args.RepoCheck = false // an SBOM or a binary has no repository
		}
	}
	return args, true
}

// absSource makes a local source absolute, so that workers started
// elsewhere find it; URLs stay as they are.
func absSource(s string) string {
	if strings.Contains(s, "://") || strings.HasPrefix(s, "git@") {
		return s
	}
	if abs, err := filepath.Abs(s); err == nil {
		return abs
	}
	return s
}

// uniqueNames drops repeated (name, source) pairs and refuses two
// sources that would be registered under one name, naming both: the
// second would silently count as the first.
func uniqueNames(sources [][2]string) ([][2]string, error) {
	first := map[string]string{}
	var out [][2]string
	var clashes []string
	for _, s := range sources {
		prev, seen := first[s[0]]
		switch {
		case !seen:
			first[s[0]] = s[1]
			out = append(out, s)
		case prev != s[1]:
			clashes = append(clashes, fmt.Sprintf("%s from both %s and %s", s[0], secret.RedactURLs(prev), secret.RedactURLs(s[1])))
		}
	}
	if len(clashes) > 0 {
		return nil, usageError{fmt.Errorf("nothing registered: two sources would get one project name (%s); register one of each under a name of its own with projects add and leave it out",
			strings.Join(clashes, "; "))}
	}
	return out, nil
}

// readSourceList reads one directory or URL per line.
func readSourceList(file string) ([][2]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if strings.ContainsAny(line, " \t") {
			return nil, fmt.Errorf("%s:%d: one directory or URL per line, got %q", file, n, line)
		}
		name := strings.TrimSuffix(path.Base(strings.TrimRight(filepath.ToSlash(line), "/")), ".git")
		if name == "" || name == "." || name == "/" {
			return nil, fmt.Errorf("%s:%d: %q names no project", file, n, line)
		}
		out = append(out, [2]string{name, absSource(line)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return out, nil
}
