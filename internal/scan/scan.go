// Package scan runs ospo's pipeline on directories: discover the projects
// and their components, then identify each component's license. It is the
// one entry point that the CLI, the server and workers share.
package scan

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"ospo/internal/baseline"
	"ospo/internal/identify"
	"ospo/internal/inventory"
	"ospo/internal/inventory/extractors"
	"ospo/internal/license"
	"ospo/internal/policy"
	"ospo/internal/sbom"
	"ospo/internal/vuln"
)

// Config says what to scan and how.
type Config struct {
	// Roots are the directories (or single files, such as a Go binary) to
	// scan, as the user named them.
	Roots []string
	// Ecosystems limits the extractors by name; empty means all.
	Ecosystems []string
	// GoModCache overrides where Go module sources are read.
	GoModCache string
	// CurationsFile is a license curation file, "" for none.
	CurationsFile string
	// Filter leaves components out of the result.
	Filter Filter
	// Identifier is reused across scans when set (it builds its matchers
	// lazily and keeps them).
	Identifier *license.Identifier
	// Progress, when set, is told how far license identification is.
	Progress func(done, total int)
	// Policy, when set, decides every component (the assess stage); nil
	// leaves the result without decisions.
	Policy *policy.Policy
	// PolicyContext adds the command line's overrides to the policy.
	PolicyContext policy.Context
	// Now decides which policy exceptions have expired; zero means the
	// current time.
	Now time.Time
	// Baseline, when set, keeps only the components that are new or
	// whose license or verdict changed since that earlier scan.
	Baseline *baseline.Baseline
	// Vulns, when set, is where known vulnerabilities are looked up (the
	// offline OSV database); nil leaves them out.
	Vulns vuln.Source
	// SkipLicenses leaves license identification out (the security view
	// alone); with a policy, only vulnerabilities are then decided.
	SkipLicenses bool
	// Kind and Supplier describe whose software the roots are (own,
	// vendor, legacy, proprietary); empty means own for directories and
	// what a supplied SBOM states (else vendor) for SBOM files.
	Kind, Supplier string
}

// Filter selects components, with the options users of license-checker
// know.
type Filter struct {
	Production  bool     // leave out dev-only components
	Development bool     // keep only dev-only components
	Depth       int      // keep components at most this deep (1 = direct); 0 = any
	Exclude     []string // name or name@version to leave out
}

// Result is what a scan found.
type Result struct {
	Roots      []string
	Projects   []*inventory.Project
	Components []*inventory.Component
	Problems   []inventory.Problem
	// Excluded counts components left out by the filter.
	Excluded int
	// Decisions are the policy's verdicts, one per component in the order
	// of Components; nil when no policy was evaluated.
	Decisions *policy.Result
	// Changes say, per component, how it differs from the baseline; nil
	// without a baseline. Unchanged counts the components the baseline
	// already had as they are (left out of Components).
	Changes   []baseline.Change
	Unchanged int
	// Vulns are the known vulnerabilities, one result per component in
	// the order of Components; nil when no database was consulted.
	Vulns *vuln.Report
}

// Run scans every root, merges what the projects share, filters, and
// identifies licenses. A root that does not exist is an error; everything
// that goes wrong below a root is a Problem in the result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if len(cfg.Roots) == 0 {
		cfg.Roots = []string{"."}
	}
	if cfg.Filter.Production && cfg.Filter.Development {
		return nil, fmt.Errorf("%w: production and development filters exclude each other", ErrUsage)
	}
	exts, err := extractors.Named(cfg.Ecosystems)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	var curations *license.Curations
	if cfg.CurationsFile != "" {
		curations, err = license.LoadCurations(cfg.CurationsFile)
		if err != nil {
			return nil, err
		}
	}
	all := &inventory.Inventory{}
	var rels []inventory.Options
	for _, root := range cfg.Roots {
		if isSBOM(root) {
			rels = append(rels, inventory.Options{Root: filepath.Dir(root), Display: filepath.Dir(root)})
			doc, err := sbom.ReadFile(root)
			if err != nil {
				all.Problems = append(all.Problems, inventory.Problem{Path: root, Message: strings.TrimPrefix(err.Error(), root+": ")})
				continue
			}
			all.Projects = append(all.Projects, sbom.Import(doc, sbom.ImportOptions{Path: root, Kind: cfg.Kind, Supplier: cfg.Supplier})...)
			continue
		}
		opts := inventory.Options{GoModCache: cfg.GoModCache}
		inv, err := inventory.Scan(ctx, root, root, exts, opts)
		if err != nil {
			return nil, err
		}
		for _, p := range inv.Projects {
			p.Kind = cmp.Or(cfg.Kind, inventory.KindOwn)
			if cfg.Supplier != "" {
				p.Supplier = cfg.Supplier
			}
		}
		abs, _ := filepath.Abs(root)
		if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
			rels = append(rels, inventory.Options{Root: filepath.Dir(abs), Display: filepath.Dir(root)})
		} else {
			rels = append(rels, inventory.Options{Root: abs, Display: root})
		}
		all.Append(inv)
	}
	res := &Result{Roots: cfg.Roots, Projects: all.Projects, Problems: all.Problems}
	for _, c := range all.Components() {
		if cfg.Filter.keep(c) {
			res.Components = append(res.Components, c)
		} else {
			res.Excluded++
		}
	}
	if !cfg.SkipLicenses {
		id := cfg.Identifier
		if id == nil {
			id = license.NewIdentifier()
		}
		probs := identify.Run(ctx, res.Components, identify.Options{
			Curations:  curations,
			Identifier: id,
			Rel:        relFunc(rels),
			Workers:    runtime.GOMAXPROCS(0),
			Progress:   cfg.Progress,
		})
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res.Problems = append(res.Problems, probs...)
	}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	if cfg.Vulns != nil {
		rep, err := vuln.Check(ctx, cfg.Vulns, res.Components)
		if err != nil {
			return nil, err
		}
		res.Vulns = rep
	}
	if cfg.Policy != nil {
		var d policy.Result
		if cfg.SkipLicenses {
			d = policy.VulnsOnly(res.Components)
		} else {
			d = policy.Evaluate(res.Components, cfg.PolicyContext, cfg.Policy, now)
		}
		if res.Vulns != nil {
			DecideVulns(&d, res.Vulns, cfg.Policy, now, cfg.SkipLicenses)
		}
		res.Decisions = &d
	}
	if cfg.Baseline != nil {
		res.keepChanged(cfg.Baseline)
	}
	return res, nil
}

// DecideVulns has the policy decide each component's vulnerabilities and
// fold that into its decision (policy.FoldVulns); only says no license
// was decided.
func DecideVulns(d *policy.Result, rep *vuln.Report, p *policy.Policy, now time.Time, only bool) {
	findings := make([][]policy.VulnFinding, len(rep.Results))
	for i, r := range rep.Results {
		for _, f := range r.Findings {
			findings[i] = append(findings[i], policy.VulnFinding{ID: f.ID, Aliases: f.Aliases, Level: string(f.Severity.Level)})
		}
	}
	p.FoldVulns(d, findings, now, only)
}

// sbomNames are file name endings that mark an SBOM whatever its content,
// so that a broken one is reported as a broken SBOM.
var sbomNames = []string{".cdx.json", ".cdx.xml", ".spdx.json", ".spdx", ".spdx.tv", ".spdx.tag", "bom.json", "bom.xml", ".sbom.json"}

// isSBOM reports whether root is a file holding (or named as) an SBOM.
func isSBOM(root string) bool {
	fi, err := os.Stat(root)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	lower := strings.ToLower(root)
	for _, n := range sbomNames {
		if strings.HasSuffix(lower, n) {
			return true
		}
	}
	f, err := os.Open(root)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	_, ok := sbom.Sniff(head[:n])
	return ok
}

// ErrUsage marks a configuration the user must change.
var ErrUsage = fmt.Errorf("usage")

func relFunc(roots []inventory.Options) func(string) string {
	return func(abs string) string {
		for _, o := range roots {
			if r, err := filepath.Rel(o.Root, abs); err == nil && !strings.HasPrefix(r, "..") {
				return o.Rel(abs)
			}
		}
		return filepath.ToSlash(abs)
	}
}

func (f Filter) keep(c *inventory.Component) bool {
	if f.Production && c.Scope == inventory.ScopeDev {
		return false
	}
	if f.Development && c.Scope != inventory.ScopeDev {
		return false
	}
	if f.Depth > 0 {
		if len(c.Paths) == 0 {
			if !c.Direct {
				return false
			}
		} else {
			shallowest := len(c.Paths[0])
			for _, p := range c.Paths {
				shallowest = min(shallowest, len(p))
			}
			if shallowest > f.Depth {
				return false
			}
		}
	}
	for _, x := range f.Exclude {
		if x == c.Name || x == c.Ref() || x == c.PURL {
			return false
		}
	}
	return true
}

// keepChanged drops the components (and their decisions) that the baseline
// already had with the same license and verdict.
func (r *Result) keepChanged(b *baseline.Baseline) {
	var comps []*inventory.Component
	var decs []policy.Decision
	var vulns []vuln.Result
	r.Changes = []baseline.Change{}
	for i, c := range r.Components {
		verdict := ""
		if r.Decisions != nil {
			verdict = string(r.Decisions.Decisions[i].Verdict)
		}
		lic := c.License.Expression
		if lic == "" {
			lic = "NOASSERTION"
		}
		ch := b.Compare(c.Ecosystem, c.Name, c.Version, lic, verdict)
		if ch == baseline.Same {
			r.Unchanged++
			continue
		}
		comps = append(comps, c)
		r.Changes = append(r.Changes, ch)
		if r.Decisions != nil {
			decs = append(decs, r.Decisions.Decisions[i])
		}
		if r.Vulns != nil {
			vulns = append(vulns, r.Vulns.Results[i])
		}
	}
	r.Components = comps
	if r.Decisions != nil {
		r.Decisions.Decisions = decs
	}
	if r.Vulns != nil {
		r.Vulns.Results = vulns
	}
}

// Violations are the decisions that fail a CI run: every deny, and every
// review too when strict.
func (r *Result) Violations(strict bool) []policy.Decision {
	if r.Decisions == nil {
		return nil
	}
	var out []policy.Decision
	for _, d := range r.Decisions.Decisions {
		if d.Verdict == policy.Deny || (strict && d.Verdict == policy.Review) {
			out = append(out, d)
		}
	}
	return out
}
