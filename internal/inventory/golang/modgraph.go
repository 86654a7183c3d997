package golang

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// The module graph is built the way the go command builds it for `go list
// -m all`, from go.mod files alone: every module version reachable through
// the requirements that are loaded is a node, and Minimal Version Selection
// picks the highest version of each module path among the nodes.
//
// Which requirements are loaded depends on graph pruning. A module whose
// go.mod says go 1.17 or later lists every module that provides a package
// it builds, so when such a module is reached only as a dependency, its own
// requirements enter the graph but theirs are not followed. A module below
// go 1.17 makes no such promise: everything below it is loaded. A workspace
// additionally re-loads the modules that its members' requirements were
// upgraded to.

// pruning says how far below a module the graph is followed.
type pruning int

const (
	pruned    pruning = iota // add its requirements, do not follow them
	unpruned                 // follow everything below it
	workspace                // follow its requirements one level (workspace members and upgrades)
)

// summary is what MVS needs from one go.mod.
type summary struct {
	goVersion string
	require   []module.Version
}

func (s *summary) pruning() pruning {
	if prunesGraph(s.goVersion) {
		return pruned
	}
	return unpruned
}

// errNotCached marks a go.mod that is not in the module cache.
var errNotCached = errors.New("not in the module cache")

// goModError is a dependency's go.mod that is there but cannot be used.
type goModError struct {
	file string // absolute
	err  error
}

func (e *goModError) Error() string { return e.file + ": " + e.err.Error() }
func (e *goModError) Unwrap() error { return e.err }

// summaryCache reads and keeps go.mod summaries for one extraction, shared
// by its projects (the modules of a monorepo share most dependencies).
// It is safe for concurrent use.
type summaryCache struct {
	files *fileReader
	cache string // the module cache directory

	mu      sync.Mutex
	entries map[string]*summaryEntry
}

type summaryEntry struct {
	once sync.Once
	s    *summary
	err  error
}

func newSummaryCache(files *fileReader, cache string) *summaryCache {
	return &summaryCache{files: files, cache: cache, entries: map[string]*summaryEntry{}}
}

func (c *summaryCache) entry(key string) *summaryEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		e = &summaryEntry{}
		c.entries[key] = e
	}
	return e
}

// fromCache returns the summary of a module version's go.mod as the module
// cache holds it.
func (c *summaryCache) fromCache(m module.Version) (*summary, error) {
	e := c.entry("m\x00" + m.Path + "\x00" + m.Version)
	e.once.Do(func() {
		download, extracted, ok := cachedModFiles(c.cache, m)
		if !ok {
			e.err = fmt.Errorf("%s@%s: %w", m.Path, m.Version, errNotCached)
			return
		}
		data, err := c.files.read(download, maxModFile)
		name := download
		if errors.Is(err, fs.ErrNotExist) {
			name = extracted
			data, err = c.files.read(extracted, maxModFile)
			if errors.Is(err, fs.ErrNotExist) && c.files.isDir(filepath.Dir(extracted)) {
				// An extracted module without a go.mod: the go command
				// treats it as a module with no requirements.
				e.s = &summary{}
				return
			}
		}
		if errors.Is(err, fs.ErrNotExist) {
			e.err = fmt.Errorf("%s@%s: %w", m.Path, m.Version, errNotCached)
			return
		}
		if err != nil {
			e.err = &goModError{file: name, err: errors.New(trimPath(err, name))}
			return
		}
		if e.s, err = parseSummary(name, data); err != nil {
			e.err = &goModError{file: name, err: err}
		}
	})
	return e.s, e.err
}

// fromDir returns the summary of the go.mod in a replacement directory.
func (c *summaryCache) fromDir(dir string) (*summary, error) {
	e := c.entry("d\x00" + dir)
	e.once.Do(func() {
		name := filepath.Join(dir, "go.mod")
		data, err := c.files.read(name, maxModFile)
		if err != nil {
			e.err = &goModError{file: name, err: errors.New(trimPath(err, name))}
			return
		}
		if e.s, err = parseSummary(name, data); err != nil {
			e.err = &goModError{file: name, err: err}
		}
	})
	return e.s, e.err
}

// parseSummary reads a dependency's go.mod the way the go command does:
// leniently, ignoring directives that only matter to a main module. Most
// go.mod files take the fast path; the others go through modfile.
func parseSummary(name string, data []byte) (*summary, error) {
	if s, ok := parseSummaryFast(data); ok {
		return s, nil
	}
	f, err := modfile.ParseLax(name, data, nil)
	if err != nil {
		return nil, modfileError(err)
	}
	s := &summary{require: make([]module.Version, 0, len(f.Require))}
	if f.Go != nil {
		s.goVersion = f.Go.Version
	}
	for _, r := range f.Require {
		s.require = append(s.require, r.Mod)
	}
	return s, nil
}

// graphInput is what the main module (or the workspace) decides about
// the graph.
type graphInput struct {
	// mains are the main modules: one, or the members of a workspace.
	mains map[string]*summary
	// roots are the requirements of a single main module; unused in a
	// workspace, whose roots are its members.
	roots     []module.Version
	rootPrune pruning
	workspace bool
	// resolve applies the replace directives: the module version whose
	// go.mod stands for m, or a directory holding it.
	resolve func(m module.Version) (target module.Version, dir string)
	exclude map[module.Version]bool
}

// modGraph is the loaded module graph.
type modGraph struct {
	// required holds the requirements of every module version whose
	// go.mod was loaded (exclusions applied).
	required map[module.Version][]module.Version
	// selected is the version MVS selects for each module path, main
	// modules left out.
	selected map[string]string
	// missing are module versions whose go.mod could not be read.
	missing map[module.Version]error
}

type loadKey struct {
	m module.Version
	p pruning
}

type loader struct {
	ctx     context.Context
	in      *graphInput
	sums    *summaryCache
	g       *modGraph
	seen    map[loadKey]bool
	pending []loadKey
}

// loadGraph builds the module graph. It returns an error only when ctx is
// done; go.mod files that cannot be read are listed in missing.
func loadGraph(ctx context.Context, in *graphInput, sums *summaryCache) (*modGraph, error) {
	l := &loader{
		ctx:  ctx,
		in:   in,
		sums: sums,
		g: &modGraph{
			required: map[module.Version][]module.Version{},
			selected: map[string]string{},
			missing:  map[module.Version]error{},
		},
		seen: map[loadKey]bool{},
	}
	if in.workspace {
		paths := sortedKeys(in.mains)
		for _, p := range paths {
			l.enqueue(module.Version{Path: p}, workspace)
		}
		if err := l.drain(); err != nil {
			return nil, err
		}
		if err := l.reloadUpgrades(paths); err != nil {
			return nil, err
		}
		return l.g, nil
	}
	l.require(module.Version{}, in.roots)
	for _, r := range in.roots {
		l.enqueue(r, in.rootPrune)
	}
	if err := l.drain(); err != nil {
		return nil, err
	}
	return l.g, nil
}

func (l *loader) isMain(m module.Version) bool {
	_, ok := l.in.mains[m.Path]
	return ok && m.Version == ""
}

// require records m's requirements and raises the selected versions.
func (l *loader) require(m module.Version, reqs []module.Version) {
	l.g.required[m] = reqs
	for _, r := range reqs {
		if _, main := l.in.mains[r.Path]; main {
			continue // a main module is always its own selected version
		}
		if v, ok := l.g.selected[r.Path]; !ok || semver.Compare(v, r.Version) < 0 {
			l.g.selected[r.Path] = r.Version
		}
	}
}

func (l *loader) enqueue(m module.Version, p pruning) {
	if m.Version == "none" {
		return
	}
	k := loadKey{m, p}
	if l.seen[k] {
		return
	}
	l.seen[k] = true
	l.pending = append(l.pending, k)
}

// drain loads everything enqueued, a wave at a time; each wave's go.mod
// files are read in parallel.
func (l *loader) drain() error {
	for len(l.pending) > 0 {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		wave := l.pending
		l.pending = nil
		sums := l.fetch(wave)
		for i, k := range wave {
			s := sums[i]
			if s == nil {
				continue
			}
			if _, done := l.g.required[k.m]; !done {
				l.require(k.m, s.require)
			}
			next := s.pruning()
			if k.p == unpruned {
				next = unpruned
			}
			for _, r := range s.require {
				if k.p != pruned || s.pruning() == unpruned {
					l.enqueue(r, next)
				}
			}
		}
	}
	return nil
}

// fetch returns the summaries of the wave's modules (nil where the go.mod
// could not be read, recorded in missing).
func (l *loader) fetch(wave []loadKey) []*summary {
	out := make([]*summary, len(wave))
	errs := make([]error, len(wave))
	parallel(len(wave), ioWorkers(), func(i int) {
		out[i], errs[i] = l.summary(wave[i].m)
	})
	for i, err := range errs {
		if err != nil {
			l.g.missing[wave[i].m] = err
			out[i] = nil
		}
	}
	return out
}

// summary returns m's requirements as the graph sees them: replacements
// applied, the main modules' exclusions dropped. It must not touch the
// loader's maps: fetch calls it from several goroutines.
func (l *loader) summary(m module.Version) (*summary, error) {
	if l.isMain(m) {
		return l.in.mains[m.Path], nil
	}
	var s *summary
	var err error
	target, dir := l.in.resolve(m)
	if dir != "" {
		s, err = l.sums.fromDir(dir)
	} else {
		s, err = l.sums.fromCache(target)
	}
	if err != nil {
		return nil, err
	}
	if len(l.in.exclude) == 0 {
		return s, nil
	}
	var kept []module.Version
	dropped := false
	for _, r := range s.require {
		if l.in.exclude[r] {
			dropped = true
			continue
		}
		kept = append(kept, r)
	}
	if !dropped {
		return s, nil
	}
	return &summary{goVersion: s.goVersion, require: kept}, nil
}

// reloadUpgrades follows, in a workspace, the requirements of the versions
// that the members' dependencies were upgraded to, until nothing changes:
// the members' go.mod files do not list what those newer versions need.
func (l *loader) reloadUpgrades(mains []string) error {
	hasDeps := map[string]bool{}
	for _, p := range mains {
		hasDeps[p] = true
	}
	done := map[module.Version]bool{}
	for {
		var need []module.Version
		needSet := map[module.Version]bool{}
		add := func(m module.Version) {
			if !needSet[m] {
				needSet[m] = true
				need = append(need, m)
			}
		}
		for _, p := range sortedKeys(hasDeps) {
			m := module.Version{Path: p, Version: l.selected(p)}
			if !done[m] {
				add(m)
				continue
			}
			for _, r := range l.g.required[m] {
				s := module.Version{Path: r.Path, Version: l.selected(r.Path)}
				if semver.Compare(s.Version, r.Version) > 0 && !done[s] {
					add(s)
				}
			}
		}
		if len(need) == 0 {
			return nil
		}
		for _, m := range need {
			l.enqueue(m, workspace)
			done[m] = true
			hasDeps[m.Path] = true
		}
		if err := l.drain(); err != nil {
			return err
		}
	}
}

// selected is the selected version of a path; "" for a main module.
func (l *loader) selected(path string) string {
	if _, main := l.in.mains[path]; main {
		return ""
	}
	return l.g.selected[path]
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
