// Package demo seeds a portfolio with a small organisation made of real
// test projects (npm, Go, Python, Rust, PHP and Ruby trees, a vendor's
// CycloneDX SBOM and a legacy system's SPDX SBOM) and real OSV records,
// so that `ospo serve --demo` shows a working portal on first start. The
// projects are scanned for real, three times over two weeks: before the
// vulnerability database was imported, after, and today with
// repository health checks, so that history, changes and trends have
// something to show.
package demo

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"ospo/internal/license"
	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck"
	"ospo/internal/repocheck/monitor"
	"ospo/internal/repocheck/practices"
	"ospo/internal/repocheck/result"
	"ospo/internal/report"
	"ospo/internal/scan"
	"ospo/internal/store"
	"ospo/internal/vuln"
	"ospo/internal/vuln/db"
)

//go:embed all:projects osv
var files embed.FS

// Project is one project of the demo organisation. Root is a directory
// or an SBOM file under projects/.
type Project struct {
	portfolio.Project
	Root string
}

// Projects is the demo organisation.
var Projects = []Project{
	{portfolio.Project{Name: "storefront", Owner: "web-team", Distribution: "distributed", Criticality: "high", Kind: "own"}, "storefront"},
	{portfolio.Project{Name: "checkout-api", Owner: "payments-team", Distribution: "saas", Criticality: "critical", Kind: "own"}, "checkout-api"},
	{portfolio.Project{Name: "ledger", Owner: "payments-team", Distribution: "internal", Criticality: "high", Kind: "own"}, "ledger"},
	{portfolio.Project{Name: "analytics", Owner: "data-team", Distribution: "internal", Criticality: "medium", Kind: "own"}, "analytics"},
	{portfolio.Project{Name: "cli-tools", Owner: "platform-team", Distribution: "distributed", Criticality: "low", Kind: "own"}, "cli-tools"},
	{portfolio.Project{Name: "cms", Owner: "web-team", Distribution: "saas", Criticality: "medium", Kind: "own"}, "cms"},
	{portfolio.Project{Name: "billing", Owner: "finance-it", Distribution: "internal", Criticality: "medium", Kind: "legacy"}, "billing"},
	{portfolio.Project{Name: "vendor-crm", Owner: "sales-ops", Distribution: "internal", Criticality: "medium", Kind: "vendor", Supplier: "a CRM vendor"}, "vendor-crm/cyclonedx-1.5-flat.cdx.json"},
	{portfolio.Project{Name: "legacy-erp", Owner: "finance-it", Distribution: "internal", Criticality: "high", Kind: "legacy"}, "legacy-erp/spdx-2.3-maven.spdx.json"},
}

// Options tune Seed.
type Options struct {
	// Dir is where the projects are written out (made git repositories
	// when git is available); empty means a new temporary directory. A
	// directory holding anything but the demo's own files is refused;
	// the demo's files from an earlier start are replaced.
	Dir string
	// Policy decides the components; nil means the built-in defaults.
	Policy *policy.Policy
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ErrSeeded is returned when the portfolio already holds the demo.
var ErrSeeded = errors.New("the demo organisation is already there")

// The event a seeding writes last: a portfolio without it holds no demo,
// or one whose seeding was interrupted.
const (
	seededSubject = "demo"
	seededAction  = "demo.seeded"
)

// rounds are the scans of every project: two weeks ago without a
// vulnerability database, a week ago with it, and now with repository
// health.
const rounds = 3

// Seed registers and scans the demo organisation into pf. It returns
// ErrSeeded, changing nothing, when an earlier seeding finished. One
// that was interrupted is finished: the projects missing are
// registered, and each is scanned for the rounds it lacks.
func Seed(ctx context.Context, pf *portfolio.Portfolio, opts Options) error {
	switch done, err := seeded(ctx, pf); {
	case err != nil:
		return err
	case done:
		return ErrSeeded
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Policy == nil {
		opts.Policy = policy.Default()
	}
	dir := opts.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "ospo-demo-")
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		dir = d
	} else if err := clean(dir); err != nil {
		return err
	}
	if err := extract(dir); err != nil {
		return err
	}
	now := opts.Now().UTC()
	// One identifier for every scan and check: it builds its matchers once.
	id := license.NewIdentifier()
	const actor = "demo"
	ids := map[string]int64{}
	// have counts each project's scans from an interrupted seeding.
	have := map[string]int{}
	for _, p := range Projects {
		pr := p.Project
		pr.Source = filepath.Join(dir, filepath.FromSlash(p.Root))
		got, _, err := pf.EnsureProject(ctx, actor, pr)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		ids[p.Name] = got.ID
		scans, err := pf.Scans(ctx, got.ID, rounds)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		have[p.Name] = len(scans)
	}
	// due lists the projects that lack the scan of round r (1-based).
	due := func(r int) []Project {
		var out []Project
		for _, p := range Projects {
			if have[p.Name] < r {
				out = append(out, p)
			}
		}
		return out
	}
	if err := scanAll(ctx, pf, due(1), dir, id, ids, opts.Policy, nil, nil, now.Add(-14*24*time.Hour)); err != nil {
		return err
	}
	vdb := db.New(pf.Store())
	if len(due(2)) > 0 || len(due(3)) > 0 {
		// A record imported before is kept as it is.
		if _, err := vdb.Import(ctx, filepath.Join(dir, "osv"), db.ImportOptions{Source: "demo OSV records"}); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	if err := scanAll(ctx, pf, due(2), dir, id, ids, opts.Policy, vdb, nil, now.Add(-7*24*time.Hour)); err != nil {
		return err
	}
	if last := due(3); len(last) > 0 {
		health, err := checkHealth(ctx, pf.Store(), dir, id, vdb)
		if err != nil {
			return err
		}
		if err := scanAll(ctx, pf, last, dir, id, ids, opts.Policy, vdb, health, now); err != nil {
			return err
		}
	}
	if err := pf.Record(ctx, portfolio.Event{Actor: actor, Action: seededAction, Subject: seededSubject,
		Detail: fmt.Sprintf("%d projects", len(Projects))}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// seeded tells whether a seeding of pf finished.
func seeded(ctx context.Context, pf *portfolio.Portfolio) (bool, error) {
	events, err := pf.Events(ctx, 10, 0, seededSubject)
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	for _, e := range events {
		if e.Action == seededAction {
			return true, nil
		}
	}
	return false, nil
}

// clean empties dir of an earlier start's files, so that the projects
// become repositories afresh (a left-over repository has nothing to
// commit). A directory holding anything the demo does not write is
// left alone and refused: it is not the demo's to remove.
func clean(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	ours := map[string]bool{"osv": true}
	for _, p := range Projects {
		ours[strings.SplitN(p.Root, "/", 2)[0]] = true
	}
	for _, e := range entries {
		if !ours[e.Name()] || !e.IsDir() {
			return fmt.Errorf("demo: %s holds %s, which the demo did not write; remove it or give the demo another directory", dir, e.Name())
		}
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("demo: clear %s: %w", dir, err)
		}
	}
	return nil
}

// extract writes the embedded projects and records under dir.
func extract(dir string) error {
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := path
		if p, ok := cutPrefix(path, "projects/"); ok {
			rel = p
		} else if path == "projects" {
			return nil
		}
		// go.mod files are stored as go.mod.embed: a directory holding a
		// go.mod is another module, which go:embed leaves out.
		if base, ok := strings.CutSuffix(rel, "/go.mod.embed"); ok {
			rel = base + "/go.mod"
		}
		target := filepath.Join(dir, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("demo: write projects to %s: %w", dir, err)
	}
	return nil
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return "", false
}

// scanAll scans the projects for real and stores the results as of at.
func scanAll(ctx context.Context, pf *portfolio.Portfolio, projects []Project, dir string, id *license.Identifier, ids map[string]int64, pol *policy.Policy, vulns vuln.Source, health map[string]float64, at time.Time) error {
	for _, p := range projects {
		cfg := scan.Config{Roots: []string{filepath.Join(dir, filepath.FromSlash(p.Root))}, Policy: pol, Vulns: vulns, Identifier: id,
			PolicyContext: policy.Context{Distribution: knowledge.DistributionModel(p.Distribution)}, Now: at}
		if p.Kind != "own" {
			cfg.Kind, cfg.Supplier = p.Kind, p.Supplier
		}
		res, err := scan.Run(ctx, cfg)
		if err != nil {
			return fmt.Errorf("demo: scan %s: %w", p.Name, err)
		}
		doc := report.NewDocument(res, report.Tool{Name: "ospo", Version: "demo"})
		in := portfolio.Ingestion{ProjectID: ids[p.Name], Doc: &doc, Origin: "demo", Actor: "demo", At: at}
		if h, ok := health[p.Name]; ok {
			in.Health = &h
		}
		if _, _, err := pf.Ingest(ctx, in); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}

// checkHealth makes each project directory a git repository with one
// commit and runs the repository checks over them through the monitor,
// which stores the results for the health page. It returns the scores
// by project; without git it returns none (health stays unknown).
func checkHealth(ctx context.Context, st *store.Store, dir string, id *license.Identifier, vulns vuln.Source) (map[string]float64, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, nil
	}
	for _, p := range Projects {
		repo := filepath.Join(dir, p.Name)
		cmds := [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=ospo demo", "-c", "user.email=demo@ospo.invalid", "-c", "commit.gpgsign=false",
			"commit", "-q", "-m", "Import " + p.Name}}
		for _, c := range cmds {
			cmd := exec.CommandContext(ctx, "git", c...)
			cmd.Dir = repo
			cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("demo: git %s in %s: %w: %s", c[len(c)-1], repo, err, strings.TrimSpace(string(out)))
			}
		}
	}
	scope, err := monitor.DiscoverScope(ctx, dir, 1, monitor.Filter{})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	check := func(ctx context.Context, d string) (*result.Repo, error) {
		return practices.CheckWithScorecard(ctx, d, repocheck.Options{Vulns: vulns, Identifier: id})
	}
	rep, err := monitor.Run(ctx, st, scope, check, monitor.RunOptions{Trigger: "demo"})
	if err != nil {
		return nil, fmt.Errorf("demo: repository checks: %w", err)
	}
	out := map[string]float64{}
	for _, rr := range rep.Repos {
		if rr.Result != nil && rr.Result.Score >= 0 {
			out[filepath.Base(rr.Name)] = rr.Result.Score
		}
	}
	return out, nil
}
