// Package npm finds the JavaScript packages a project depends on, from
// what npm, yarn or pnpm installed in node_modules and from their
// lockfiles, and turns them into inventory projects.
package npm

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"

	"ospo/internal/inventory"
)

// Extractor reads npm, yarn and pnpm projects.
type Extractor struct{}

// New returns the npm extractor.
func New() *Extractor { return &Extractor{} }

// Name is "npm".
func (*Extractor) Name() string { return "npm" }

// Wants every package.json outside node_modules: each is a project, a
// workspace member, or both. Lockfiles and node_modules are looked up
// beside them.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	if d.Name() != "package.json" || !d.Type().IsRegular() {
		return false
	}
	return rel != "node_modules/package.json" && !strings.HasPrefix(rel, "node_modules/") && !strings.Contains(rel, "/node_modules/")
}

// lockfileNames are the lockfiles read for a project, in order of
// preference: the first one present is used.
var lockfileNames = [...]string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"}

// maxLockfileSize bounds a lockfile read. The largest monorepo lockfiles
// are tens of megabytes.
const maxLockfileSize = 256 << 20

// manifestFile is one wanted package.json and what lies beside it.
type manifestFile struct {
	path, dir string // real paths
	m         *manifest
	lockfile  string // the preferred lockfile present, "" when none
	hasNM     bool
	// pnpmGlobs are the member globs of pnpm-workspace.yaml.
	pnpmGlobs []string
	problems  []inventory.Problem
}

func (f *manifestFile) workspaceGlobs() []string {
	if len(f.pnpmGlobs) > 0 {
		return f.pnpmGlobs
	}
	return f.m.Workspaces
}

// group is one project: a root package.json and the workspace members it
// owns.
type group struct {
	root    *manifestFile
	members []*manifestFile
}

// Extract groups the package.json files into projects and reads each.
func (e *Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	// Paths are handled with symlinks resolved, and shown as the user
	// named the root.
	show := func(real string) string {
		if within(real, realRoot) {
			return opts.Rel(root + real[len(realRoot):])
		}
		return opts.Rel(real)
	}
	toReal := func(p string) string {
		if within(p, root) {
			return realRoot + p[len(root):]
		}
		return p
	}

	mfs := make([]*manifestFile, len(files))
	bufs := newBuffers()
	parallel(ctx, len(files), func(i, w int) {
		mfs[i] = readManifestFile(toReal(files[i]), &bufs[w], show)
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var problems []inventory.Problem
	for _, f := range mfs {
		problems = append(problems, f.problems...)
	}

	groups := groupProjects(mfs)
	projects := make([]*inventory.Project, len(groups))
	probs := make([][]inventory.Problem, len(groups))
	w := &treeWalker{ctx: ctx, realRoot: realRoot, show: show}
	parallel(ctx, len(groups), func(i, _ int) {
		projects[i], probs[i] = w.extractProject(groups[i])
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	for _, ps := range probs {
		problems = append(problems, ps...)
	}
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Path < projects[j].Path })
	return projects, problems, nil
}

// readManifestFile reads a package.json and notes the lockfiles, the
// node_modules and the pnpm-workspace.yaml beside it.
func readManifestFile(path string, buf *[]byte, show func(string) string) *manifestFile {
	f := &manifestFile{path: path, dir: filepath.Dir(path)}
	m, err := readManifest(path, buf, true)
	if err != nil {
		f.problems = append(f.problems, inventory.Problem{Path: show(path), Message: trimPathPrefix(err.Error(), path)})
		m = &manifest{}
	}
	f.m = m
	for _, n := range lockfileNames {
		if fi, err := os.Stat(filepath.Join(f.dir, n)); err == nil && fi.Mode().IsRegular() {
			f.lockfile = filepath.Join(f.dir, n)
			break
		}
	}
	f.hasNM = isDir(filepath.Join(f.dir, "node_modules"))
	ws := filepath.Join(f.dir, "pnpm-workspace.yaml")
	if _, err := os.Lstat(ws); err == nil {
		globs, err := readPnpmWorkspace(ws)
		if err != nil {
			f.problems = append(f.problems, inventory.Problem{Path: show(ws), Message: trimPathPrefix(err.Error(), ws)})
		}
		f.pnpmGlobs = globs
	}
	return f
}

// readPnpmWorkspace reads the packages globs of pnpm-workspace.yaml.
func readPnpmWorkspace(path string) ([]string, error) {
	data, err := readBounded(path, 1<<20, nil)
	if err != nil {
		return nil, err
	}
	var ws struct {
		Packages []string `yaml:"packages"`
	}
	if err := yaml.Unmarshal(data, &ws); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return ws.Packages, nil
}

// groupProjects makes a project of every package.json, except that a
// workspace root which was installed or locked owns its members: they
// share its node_modules and lockfile. An uninstalled, unlocked root owns
// nothing, so its members stay projects of their own.
func groupProjects(mfs []*manifestFile) []*group {
	sorted := append([]*manifestFile(nil), mfs...)
	sort.Slice(sorted, func(i, j int) bool {
		di, dj := strings.Count(sorted[i].dir, string(filepath.Separator)), strings.Count(sorted[j].dir, string(filepath.Separator))
		if di != dj {
			return di < dj
		}
		return sorted[i].dir < sorted[j].dir
	})
	owned := map[*manifestFile]bool{}
	var groups []*group
	for _, f := range sorted {
		if owned[f] {
			continue
		}
		g := &group{root: f}
		groups = append(groups, g)
		globs := f.workspaceGlobs()
		if len(globs) == 0 || (f.lockfile == "" && !f.hasNM) {
			continue
		}
		for _, o := range sorted {
			if o == f || owned[o] || !within(o.dir, f.dir) {
				continue
			}
			rel, err := filepath.Rel(f.dir, o.dir)
			if err != nil {
				continue
			}
			if matchWorkspace(globs, filepath.ToSlash(rel)) {
				owned[o] = true
				g.members = append(g.members, o)
			}
		}
	}
	return groups
}

// matchWorkspace reports whether a directory (slash-separated, relative to
// the root) is a member by the workspace globs; "!glob" excludes.
func matchWorkspace(globs []string, rel string) bool {
	in := false
	for _, g := range globs {
		neg := strings.HasPrefix(g, "!")
		g = strings.TrimPrefix(g, "!")
		g = strings.TrimPrefix(strings.TrimSuffix(strings.TrimSpace(g), "/"), "./")
		if g == "" {
			continue
		}
		if matchGlob(strings.Split(g, "/"), strings.Split(rel, "/")) {
			in = !neg
		}
	}
	return in
}

// matchGlob matches path segments against glob segments, where "**"
// stands for any number of segments.
func matchGlob(glob, segs []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchGlob(glob[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, err := filepath.Match(glob[0], segs[0]); err != nil || !ok {
			return false
		}
		glob, segs = glob[1:], segs[1:]
	}
	return len(segs) == 0
}

// extractProject reads one project: its installed tree when there is one,
// its lockfile when there is one, and compares the two.
func (w *treeWalker) extractProject(g *group) (*inventory.Project, []inventory.Problem) {
	root := g.root
	p := &inventory.Project{
		Ecosystem: "npm",
		Name:      root.m.Name,
		Version:   root.m.Version,
		Path:      w.show(root.path),
	}
	importers := []*pkgDir{{Real: root.dir, Workspace: true, M: root.m}}
	hasNM := root.hasNM
	for _, m := range g.members {
		importers = append(importers, &pkgDir{Real: m.dir, Workspace: true, M: m.m})
		hasNM = hasNM || m.hasNM
	}
	var problems []inventory.Problem
	b := newBuilder(p, w.show)

	// The lockfile is parsed while the installed tree is read: both take
	// a while on large projects and neither needs the other.
	var lock *lockGraph
	var lockErr error
	var wg sync.WaitGroup
	if root.lockfile != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lock, lockErr = readLockfile(root.lockfile)
		}()
	}
	var tree *installedTree
	if hasNM {
		tree = w.walkInstalled(importers)
		problems = append(problems, tree.problems...)
	}
	wg.Wait()
	if lockErr != nil {
		problems = append(problems, inventory.Problem{Path: w.show(root.lockfile), Message: trimPathPrefix(lockErr.Error(), root.lockfile)})
		lock = nil
	}
	lockName := filepath.Base(root.lockfile)

	switch {
	case tree != nil && len(tree.Pkgs) > 0:
		b.addInstalled(tree)
		p.Source = "installed"
		if lock != nil {
			p.Source = "installed+lockfile"
			idx := lockIndex(lock)
			b.enrich(idx)
			b.diff(lock, idx, lockName, importers)
		} else if hidden := filepath.Join(root.dir, "node_modules", ".package-lock.json"); isFile(hidden) {
			// npm's record of what it installed gives the integrity and
			// download address that package.json no longer carries.
			if hl, err := readLockfile(hidden); err == nil {
				b.enrich(lockIndex(hl))
			}
		}
	case lock != nil:
		p.Source = "lockfile"
		b.addLock(lock, w.show(root.lockfile), importers)
		if tree != nil {
			p.Notes = append(p.Notes, "node_modules holds no packages: components come from "+lockName)
		}
	default:
		p.Source = "package.json"
		why := "no lockfile and no node_modules"
		switch {
		case root.lockfile != "":
			why = lockName + " could not be read"
		case tree != nil:
			why = "no lockfile and node_modules holds no packages"
		}
		b.addDeclared(importers, g, why)
	}
	b.finish()
	p.ComputePaths()
	return p, problems
}

func importerRels(importers []*pkgDir) []string {
	out := make([]string, len(importers))
	for i, imp := range importers {
		rel, _ := filepath.Rel(importers[0].Real, imp.Real)
		out[i] = filepath.ToSlash(rel)
		if out[i] == "." {
			out[i] = ""
		}
	}
	return out
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// readLockfile parses whichever lockfile path names.
func readLockfile(path string) (*lockGraph, error) {
	data, err := readBounded(path, maxLockfileSize, nil)
	if err != nil {
		return nil, err
	}
	r := bytes.NewBuffer(data)
	base := filepath.Base(path)
	var g *lockGraph
	switch base {
	case "yarn.lock":
		g, err = parseYarnLock(r)
	case "pnpm-lock.yaml":
		g, err = parsePnpmLock(r)
	default:
		g, err = parsePackageLock(r)
		if err == nil && base != "package-lock.json" {
			// The same format under another name: say which file it was.
			g.Format = base + strings.TrimPrefix(g.Format, "package-lock.json")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return g, nil
}

// newBuffers returns one read buffer per worker, sized for a typical
// package.json so that few reads need to grow it.
func newBuffers() [][]byte {
	bufs := make([][]byte, workers())
	for i := range bufs {
		bufs[i] = make([]byte, 0, 64<<10)
	}
	return bufs
}

// workers is how many goroutines read files at once.
func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

// parallel calls fn(i, worker) for i in [0, n) on up to workers()
// goroutines; worker in [0, workers()) lets fn reuse per-worker buffers.
// It stops handing out work once ctx is done.
func parallel(ctx context.Context, n int, fn func(i, worker int)) {
	nw := min(workers(), n)
	if nw <= 1 {
		for i := 0; i < n; i++ {
			if ctx.Err() != nil {
				return
			}
			fn(i, 0)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := 0; wk < nw; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(i, wk)
			}
		}()
	}
	wg.Wait()
}

// Supports lists what the npm extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{Files: "node_modules (npm, yarn, pnpm `.pnpm`, workspaces, bundled)", Gives: "installed components, graph, scopes, locations", Licenses: "package.json `license`/`licenses`, license files, README License section"},
		{Files: "package-lock.json v1–v3, npm-shrinkwrap.json", Gives: "components, graph, scopes, integrity hashes, resolved URLs", Licenses: "lockfile `license` (v2+)"},
		{Files: "yarn.lock (v1 and berry)", Gives: "components, graph, checksums", Licenses: "from installed packages when present"},
		{Files: "pnpm-lock.yaml (5.x, 6, 9)", Gives: "components, graph, scopes, integrity", Licenses: "from installed packages when present"},
	}
}
