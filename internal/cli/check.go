package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"ospo/internal/check"
	"ospo/internal/contrib"
	"ospo/internal/license"
	"ospo/internal/policy"
	"ospo/internal/scan"
)

func newCheckCmd(e *env) *cobra.Command {
	var (
		contribute bool
		format     string
		strict     bool
		pol        policyFlags
		gomodcache string
	)
	cmd := &cobra.Command{
		Use:   "check [--contribute] DIR",
		Short: "May we use this project? May I contribute to it? Answered from a local checkout",
		Long: `check answers before you ask the OSPO.

  ospo check DIR               may we use the project checked out in DIR? Its own
                               license and every dependency's, under our policy.
  ospo check --contribute DIR  may I send patches to it? Its license, whether it
                               asks for a CLA or a DCO sign-off, under the policy's
                               contribute rules.

Exit 0 when the answer is allow, 1 when it is deny (with --strict also review),
2 on errors.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("unknown format %q (known: text, json)", format)}
			}
			dir := args[0]
			p, pctx, err := pol.load(dir)
			if err != nil {
				return err
			}
			if p == nil {
				p = policy.Default()
			}
			facts, err := contrib.Collect(cmd.Context(), dir, contrib.Options{})
			if err != nil {
				return err
			}
			id := license.NewIdentifier()
			if contribute {
				r := check.Contribute(dir, facts, p, id)
				if err := renderContribute(e.stdout, format, r); err != nil {
					return err
				}
				return verdictExit(policy.Verdict(r.Verdict.Decision), strict)
			}
			r, err := check.Use(cmd.Context(), dir, scan.Config{
				GoModCache: gomodcache, Identifier: id, Policy: p, PolicyContext: pctx,
			}, facts)
			if err != nil {
				return err
			}
			if err := renderUse(e.stdout, format, r); err != nil {
				return err
			}
			return verdictExit(r.Verdict, strict)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&contribute, "contribute", false, "answer whether you may contribute to the project, not whether we may use it")
	fl.StringVarP(&format, "format", "f", "text", "output format: text, json")
	fl.BoolVar(&strict, "strict", false, "exit 1 also when the answer is review")
	fl.StringVar(&gomodcache, "gomodcache", "", "Go module cache to read module sources from")
	pol.register(fl)
	return cmd
}

func verdictExit(v policy.Verdict, strict bool) error {
	if v == policy.Deny || (strict && v == policy.Review) {
		return ErrViolation
	}
	return nil
}

func renderUse(w io.Writer, format string, r *check.UseResult) error {
	if format == "json" {
		type dep struct {
			Name, Version, License string
			Verdict                policy.Verdict
			Reason                 string
		}
		out := struct {
			*check.UseResult
			Dependencies []dep `json:"dependencies"`
		}{UseResult: r, Dependencies: []dep{}}
		if d := r.Dependencies.Decisions; d != nil {
			for i, c := range r.Dependencies.Components {
				out.Dependencies = append(out.Dependencies, dep{c.Name, c.Version, c.License.Expression, d.Decisions[i].Verdict, d.Decisions[i].Reason})
			}
		}
		return writeJSONValue(w, out)
	}
	fmt.Fprintf(w, "%s: %s\n\n", r.Own.Project, strings.ToUpper(string(r.Verdict)))
	fmt.Fprintf(w, "its license: %s (%s) → %s\n  %s\n  %s\n", r.Own.License.Expression, r.Own.License.Source,
		r.Decision.Verdict, r.Own.License.Reason, r.Decision.Reason)
	counts := map[policy.Verdict]int{}
	deps := r.Dependencies
	if deps.Decisions != nil {
		for _, d := range deps.Decisions.Decisions {
			counts[d.Verdict]++
		}
	}
	fmt.Fprintf(w, "\nits dependencies: %d (%d allow, %d review, %d deny)\n", len(deps.Components),
		counts[policy.Allow], counts[policy.Review], counts[policy.Deny])
	if deps.Decisions != nil {
		for i, d := range deps.Decisions.Decisions {
			if d.Verdict == policy.Allow {
				continue
			}
			c := deps.Components[i]
			path := ""
			if len(c.Paths) > 0 {
				path = " via " + strings.Join(c.Paths[0], " > ")
			}
			fmt.Fprintf(w, "  %-6s %s@%s %s%s: %s\n", d.Verdict, c.Name, c.Version, c.License.Expression, path, d.Reason)
		}
	}
	for _, p := range deps.Problems {
		fmt.Fprintf(w, "  problem: %s\n", p)
	}
	return nil
}

func renderContribute(w io.Writer, format string, r *check.ContributeResult) error {
	if format == "json" {
		return writeJSONValue(w, r)
	}
	fmt.Fprintf(w, "contributing to %s: %s\n\n", r.Own.Project, strings.ToUpper(string(r.Verdict.Decision)))
	fmt.Fprintf(w, "its license: %s (%s)\n", r.Own.License.Expression, r.Own.License.Reason)
	for _, reason := range r.Verdict.Reasons {
		fmt.Fprintf(w, "- %s\n", reason)
	}
	if r.Verdict.Ask != "" {
		fmt.Fprintf(w, "\nask the OSPO: %s\n", r.Verdict.Ask)
	}
	return nil
}

func writeJSONValue(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
