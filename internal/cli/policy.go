package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
)

// policyFlags are the flags every command that decides shares.
type policyFlags struct {
	file         string
	noPolicy     bool
	distribution string
	license      string
	failOn       []string
	allowOnly    []string
}

func (p *policyFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&p.file, "policy", "", "policy file (default: .ospo.yaml found upward from the scanned directory, else the built-in defaults)")
	fl.BoolVar(&p.noPolicy, "no-policy", false, "list licenses only, decide nothing")
	fl.StringVar(&p.distribution, "distribution", "", "how the project reaches its users: internal, saas, distributed, library (overrides the policy)")
	fl.StringVar(&p.license, "project-license", "", "the project's own license, checked for compatibility with each dependency (overrides the policy)")
	fl.StringSliceVar(&p.failOn, "fail-on", nil, "deny every component whose license can only be used under one of these (SPDX ids; comma or semicolon separated)")
	fl.StringSliceVar(&p.allowOnly, "allow-only", nil, "deny every component whose license cannot be used under one of these (SPDX ids; comma or semicolon separated)")
}

// load finds and reads the policy for a scan of dir, and checks the
// command line's overrides. No policy file means the built-in defaults.
func (p *policyFlags) load(dir string) (*policy.Policy, policy.Context, error) {
	ctx := policy.Context{
		Distribution: knowledge.DistributionModel(p.distribution),
		License:      p.license,
		FailOn:       splitList(p.failOn),
		AllowOnly:    splitList(p.allowOnly),
	}
	if p.noPolicy {
		if p.file != "" || len(ctx.FailOn) > 0 || len(ctx.AllowOnly) > 0 {
			return nil, ctx, usageError{fmt.Errorf("--no-policy cannot be combined with --policy, --fail-on or --allow-only")}
		}
		return nil, ctx, nil
	}
	if err := ctx.Validate(); err != nil {
		return nil, ctx, usageError{err}
	}
	path := p.file
	if path == "" {
		if found, ok := policy.Find(dir); ok {
			path = found
		}
	}
	if path == "" {
		return policy.Default(), ctx, nil
	}
	pol, err := policy.Load(path)
	if err != nil {
		return nil, ctx, err
	}
	return pol, ctx, nil
}

// firstDir is the directory the policy is looked for from: the first root,
// or the directory of the first root when it is a file.
func firstDir(roots []string) string {
	if len(roots) == 0 {
		return "."
	}
	if fi, err := os.Stat(roots[0]); err == nil && !fi.IsDir() {
		return filepath.Dir(roots[0])
	}
	return roots[0]
}
