package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"ospo/internal/notice"
	"ospo/internal/scan"
)

func newNoticeCmd(e *env) *cobra.Command {
	var (
		cfg        scan.Config
		format     string
		output     string
		check      string
		includeDev bool
		exclude    []string
		ecosystems []string
		pol        policyFlags
	)
	cmd := &cobra.Command{
		Use:   "notice [DIR...]",
		Short: "Write the third-party notices file: license texts, copyright lines and NOTICE files",
		Long: `notice writes the attribution document a product ships for its dependencies.
Components are grouped by the license text they ship, shown once per group;
each component lists its own copyright statements and, verbatim, the NOTICE
files it carries (as the Apache License asks). Where a license offers a
choice, the branch used is stated (the policy's choice, else the first).
Where a component ships no license text, the document says so and names the
standard text that applies; it never makes one up. Components whose license
is not determined are listed apart.

A notice covers what ships: development-only dependencies are left out
unless --include-dev is given.

With --check FILE, nothing is written: the notice is generated and compared
with FILE, and the command fails (exit 1) with the components added, removed
or changed when FILE is out of date.`,
		Example: `  ospo notice -o THIRD_PARTY_NOTICES.txt .
  ospo notice --format markdown -o THIRD_PARTY_NOTICES.md web
  ospo notice --check THIRD_PARTY_NOTICES.md web`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.Roots = args
			cfg.Filter.Production = !includeDev
			cfg.Filter.Exclude = splitList(exclude)
			cfg.Ecosystems = splitList(ecosystems)
			if output != "" && check != "" {
				return usageError{errors.New("--check and --output cannot be combined")}
			}
			f := notice.Format(format)
			if !cmd.Flags().Changed("format") {
				// The file's name says which form it is in.
				for _, name := range []string{check, output} {
					if n := strings.ToLower(name); strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".markdown") {
						f = notice.Markdown
					}
				}
			}
			if f != notice.Text && f != notice.Markdown {
				return usageError{fmt.Errorf("unknown format %q (known: text, markdown)", format)}
			}
			var err error
			if cfg.Policy, cfg.PolicyContext, err = pol.load(firstDir(cfg.Roots)); err != nil {
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
			n, problems, err := notice.Build(cmd.Context(), res, notice.Options{})
			if err != nil {
				return err
			}
			for _, p := range problems {
				e.log.Warn("notice", "path", p.Path, "problem", p.Message)
			}
			var buf bytes.Buffer
			if err := notice.Render(&buf, n, f); err != nil {
				return err
			}
			if check != "" {
				return checkNotice(e, check, buf.Bytes(), f)
			}
			if output != "" {
				return os.WriteFile(output, buf.Bytes(), 0o644)
			}
			_, err = e.stdout.Write(buf.Bytes())
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "text", "output format: text, markdown (default: markdown when the file ends in .md)")
	fl.StringVarP(&output, "output", "o", "", "write the notice to this file instead of standard output")
	fl.StringVar(&check, "check", "", "compare with this committed notice file; exit 1 when it is out of date")
	fl.BoolVar(&includeDev, "include-dev", false, "keep development-only dependencies (left out by default: they do not ship)")
	fl.StringSliceVar(&exclude, "exclude-packages", nil, "leave out these packages: name or name@version, comma or semicolon separated")
	fl.StringSliceVar(&ecosystems, "ecosystem", nil, "scan only these ecosystems (npm, go)")
	fl.StringVar(&cfg.GoModCache, "gomodcache", "", "Go module cache to read module sources from (default: GOMODCACHE, then GOPATH/pkg/mod)")
	fl.StringVar(&cfg.CurationsFile, "curations", "", "license curation file (YAML) that corrects what packages declare")
	pol.register(fl)
	return cmd
}

// checkNotice compares a fresh notice with the committed one and says
// what changed; an out-of-date or missing file fails the check.
func checkNotice(e *env, path string, fresh []byte, f notice.Format) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(e.stderr, "ospo: %s does not exist; write it with: ospo notice -o %s\n", path, path)
		return ErrViolation
	}
	if err != nil {
		return err
	}
	s := notice.Diff(old, fresh, f)
	if s.Same() {
		return nil
	}
	fmt.Fprintf(e.stderr, "ospo: %s is out of date\n", path)
	for _, l := range []struct {
		what string
		refs []string
	}{{"added", s.Added}, {"removed", s.Removed}, {"changed", s.Changed}} {
		if len(l.refs) == 0 {
			continue
		}
		const most = 20
		shown := l.refs
		more := ""
		if len(shown) > most {
			shown, more = shown[:most], fmt.Sprintf(" and %d more", len(l.refs)-most)
		}
		fmt.Fprintf(e.stderr, "  %s: %s%s\n", l.what, strings.Join(shown, ", "), more)
	}
	if s.Other {
		fmt.Fprintln(e.stderr, "  the components are the same; the rest of the text differs")
	}
	fmt.Fprintf(e.stderr, "regenerate it with: ospo notice -o %s\n", path)
	return ErrViolation
}
