package cli

import (
	"errors"
	"fmt"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
	"github.com/spf13/cobra"

	"ospo/internal/inventory"
	"ospo/internal/scan"
)

func newWhyCmd(e *env) *cobra.Command {
	var (
		cfg   scan.Config
		limit int
	)
	cmd := &cobra.Command{
		Use:   "why PACKAGE [DIR|FILE...]",
		Short: "Show every dependency path that brings a package in",
		Long: `why scans the given directories (default: the current one) and prints, for
every project that depends on PACKAGE, each path from the project down to it,
like npm why, for every ecosystem with a dependency graph.

PACKAGE is a name (every version), name@version, or a package URL.`,
		Example: `  ospo why minimist
  ospo why lodash@4.17.21 services/web
  ospo why pkg:golang/golang.org/x/net@v0.17.0 .`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return usageError{errors.New("--limit must be 1 or more")}
			}
			match, err := packageMatcher(args[0])
			if err != nil {
				return usageError{err}
			}
			cfg.Roots = args[1:]
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
			lic := map[string]*inventory.Component{}
			for _, c := range res.Components {
				lic[c.Key()] = c
			}
			found := 0
			w := e.stdout
			for _, p := range res.Projects {
				for _, c := range p.Components {
					if !match(c) {
						continue
					}
					found++
					desc := c.Ecosystem
					if c.Scope != "" {
						desc += ", " + string(c.Scope)
					}
					if full := lic[c.Key()]; full != nil && full.License.Expression != "" {
						desc += ", " + full.License.Expression
					}
					fmt.Fprintf(w, "%s (%s) in %s\n", c.Ref(), desc, p.Path)
					paths, total, exact := p.AllPaths(c.Key(), limit, 100_000)
					if total == 0 {
						fmt.Fprintln(w, "  no path from the project: the dependency graph does not reach it (listed in a lockfile or installed, but nothing requires it)")
						continue
					}
					root := p.Name
					if root == "" {
						root = p.Path
					}
					for _, path := range paths {
						fmt.Fprintf(w, "  %s > %s\n", root, strings.Join(path, " > "))
					}
					if total > len(paths) {
						more := fmt.Sprintf("%d", total-len(paths))
						if !exact {
							more = "at least " + more
						}
						fmt.Fprintf(w, "  ... and %s more paths (--limit)\n", more)
					}
				}
			}
			if found == 0 {
				return fmt.Errorf("%s: no project under %s depends on it", args[0], strings.Join(rootsOrDot(cfg.Roots), ", "))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&limit, "limit", 20, "show at most this many paths per project")
	fl.StringVar(&cfg.GoModCache, "gomodcache", "", "Go module cache to read module sources from")
	return cmd
}

func rootsOrDot(r []string) []string {
	if len(r) == 0 {
		return []string{"."}
	}
	return r
}

// packageMatcher understands name, name@version and package URLs. Scoped
// npm names keep their leading @.
func packageMatcher(arg string) (func(*inventory.Component) bool, error) {
	if strings.HasPrefix(arg, "pkg:") {
		p, err := packageurl.FromString(arg)
		if err != nil {
			return nil, fmt.Errorf("%s: not a package URL: %v", arg, err)
		}
		return func(c *inventory.Component) bool {
			q, err := packageurl.FromString(c.PURL)
			if err != nil {
				return false
			}
			return q.Type == p.Type && q.Namespace == p.Namespace && q.Name == p.Name &&
				(p.Version == "" || q.Version == p.Version)
		}, nil
	}
	name, version := arg, ""
	if i := strings.LastIndex(arg, "@"); i > 0 {
		name, version = arg[:i], arg[i+1:]
	}
	if name == "" {
		return nil, fmt.Errorf("%q: no package name", arg)
	}
	return func(c *inventory.Component) bool {
		return (c.Name == name || strings.EqualFold(c.Name, name) && caseInsensitive(c.Ecosystem)) &&
			(version == "" || c.Version == version || strings.TrimPrefix(c.Version, "v") == version)
	}, nil
}

// caseInsensitive reports whether an ecosystem's package names ignore case.
func caseInsensitive(eco string) bool {
	switch eco {
	case "pypi", "nuget", "composer":
		return true
	}
	return false
}
