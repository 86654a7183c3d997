package golang

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"ospo/internal/inventory"
)

// mainModule is a go.mod the scanned project owns, with its go.sum.
type mainModule struct {
	dir   string // absolute
	path  string // absolute path of go.mod
	file  *modfile.File
	sum   *goSum // nil without go.sum
	sumAt string // absolute path of go.sum when read
}

// readMainModule reads and parses a go.mod and the go.sum beside it.
// A go.mod that cannot be used is a Problem; a go.sum that is partly
// malformed is a Problem too, but its good lines are kept.
func (x *extraction) readMainModule(path string) (*mainModule, []inventory.Problem) {
	rel := x.opts.Rel(path)
	data, err := x.files.read(path, maxModFile)
	if err != nil {
		return nil, []inventory.Problem{{Path: rel, Message: "read: " + trimPath(err, path)}}
	}
	f, err := parseGoMod(data)
	if err != nil {
		return nil, []inventory.Problem{{Path: rel, Message: err.Error()}}
	}
	if f.Module == nil || f.Module.Mod.Path == "" {
		return nil, []inventory.Problem{{Path: rel, Message: "no module directive; skipped"}}
	}
	m := &mainModule{dir: filepath.Dir(path), path: path, file: f}
	var probs []inventory.Problem
	sumPath := filepath.Join(m.dir, "go.sum")
	m.sum, m.sumAt, probs = x.readGoSum(sumPath)
	return m, probs
}

// parseGoMod parses a main module's go.mod strictly, as the go command
// does; the error gives the line and the problem.
func parseGoMod(data []byte) (*modfile.File, error) {
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return nil, modfileError(err)
	}
	return f, nil
}

// readGoSum reads a go.sum (or go.work.sum). A missing file is normal: a
// module without dependencies has none.
func (x *extraction) readGoSum(path string) (*goSum, string, []inventory.Problem) {
	data, err := x.files.read(path, maxSumFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", []inventory.Problem{{Path: x.opts.Rel(path), Message: "read: " + trimPath(err, path)}}
	}
	s, err := parseGoSum(data)
	if err != nil {
		return s, path, []inventory.Problem{{Path: x.opts.Rel(path), Message: err.Error()}}
	}
	return s, path, nil
}

// modfileError rewrites the parser's errors ("go.mod:3: …") as "line 3:
// …": the Problem already names the file.
func modfileError(err error) error {
	var list modfile.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteString("; ")
		}
		if e.Pos.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", e.Pos.Line)
		}
		if e.ModPath != "" {
			fmt.Fprintf(&b, "%s %s: ", e.Verb, e.ModPath)
		} else if e.Verb != "" {
			fmt.Fprintf(&b, "%s: ", e.Verb)
		}
		if e.Err != nil {
			b.WriteString(e.Err.Error())
		}
	}
	return errors.New(b.String())
}

// trimPath drops the file name from an error that repeats it.
func trimPath(err error, path string) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return strings.ReplaceAll(err.Error(), path+": ", "")
}

// replacement is one replace directive, resolved.
type replacement struct {
	target  module.Version // the module that stands in; Version "" for a directory
	dir     string         // absolute directory for a directory replacement
	written module.Version // the target as written, to compare with vendor/modules.txt
}

// replacements applies replace directives: an exact old@version wins over
// a path-wide one.
type replacements map[module.Version]replacement

func (rs replacements) add(base string, r *modfile.Replace) {
	rep := replacement{target: r.New, written: r.New}
	if r.New.Version == "" {
		d := filepath.FromSlash(r.New.Path)
		if !filepath.IsAbs(d) {
			d = filepath.Join(base, d)
		}
		rep.dir = filepath.Clean(d)
	}
	rs[r.Old] = rep
}

func (rs replacements) lookup(m module.Version) (replacement, bool) {
	if r, ok := rs[m]; ok {
		return r, true
	}
	r, ok := rs[module.Version{Path: m.Path}]
	return r, ok
}

// projectInput gathers what one project (a module, or a workspace and its
// members) says about its module graph.
type projectInput struct {
	manifest  string // absolute path of go.mod or go.work
	dir       string // the directory of the manifest, where vendor/ lives
	name      string
	source    string
	mains     []*mainModule
	goVersion string // the go line that governs (go.work's in a workspace)
	toolchain string
	repl      replacements
	workspace bool
	sum       *goSum    // all go.sum files merged, for hashes
	sumFiles  []sumFile // each go.sum, for locations
	notes     []string
}

type sumFile struct {
	rel string
	sum *goSum
}

func (in *projectInput) addSum(x *extraction, s *goSum, at string) {
	if s == nil {
		return
	}
	in.sum.merge(s)
	in.sumFiles = append(in.sumFiles, sumFile{rel: x.opts.Rel(at), sum: s})
}

// buildProject runs the module graph and turns it into a Project.
func (x *extraction) buildProject(in *projectInput) (*inventory.Project, []inventory.Problem, error) {
	var probs []inventory.Problem
	mainSums := map[string]*summary{}
	exclude := map[module.Version]bool{}
	for _, m := range in.mains {
		for _, e := range m.file.Exclude {
			exclude[e.Mod] = true
		}
	}
	var roots []module.Version
	direct := map[string]bool{}
	for _, m := range in.mains {
		mp := m.file.Module.Mod.Path
		if _, dup := mainSums[mp]; dup {
			in.notes = append(in.notes, fmt.Sprintf("module %s is used twice in the workspace; the second is ignored", mp))
			continue
		}
		s := &summary{}
		if m.file.Go != nil {
			s.goVersion = m.file.Go.Version
		}
		for _, r := range m.file.Require {
			if exclude[r.Mod] {
				in.notes = append(in.notes, fmt.Sprintf("%s requires %s %s, which an exclude directive names; the go command would move to a later version", mp, r.Mod.Path, r.Mod.Version))
			}
			s.require = append(s.require, r.Mod)
			if !r.Indirect {
				direct[r.Mod.Path] = true
			}
		}
		mainSums[mp] = s
		roots = append(roots, s.require...)
		for _, rt := range m.file.Retract {
			in.notes = append(in.notes, retractNote(mp, rt))
		}
	}
	for p := range mainSums {
		delete(direct, p)
	}

	gi := &graphInput{
		mains:     mainSums,
		workspace: in.workspace,
		exclude:   exclude,
		resolve: func(m module.Version) (module.Version, string) {
			r, ok := in.repl.lookup(m)
			if !ok {
				return m, ""
			}
			return r.target, r.dir
		},
	}
	if !in.workspace {
		gi.roots = roots
		gi.rootPrune = unpruned
		if prunesGraph(in.goVersion) {
			gi.rootPrune = pruned
		}
	}
	g, err := loadGraph(x.ctx, gi, x.sums)
	if err != nil {
		return nil, nil, err
	}

	vendorDir := filepath.Join(in.dir, "vendor")
	vendored, vprobs := x.readVendor(vendorDir)
	probs = append(probs, vprobs...)

	if len(g.missing) > 0 {
		in.notes = append(in.notes, x.fillFromSums(in, g, mainSums, vendored, &probs)...)
	}

	p := &inventory.Project{
		Ecosystem: "go",
		Name:      in.name,
		Path:      x.opts.Rel(in.manifest),
		Source:    in.source,
	}
	manifestRel := p.Path
	keyOf := map[string]string{} // module path → component key
	byKey := map[string]*inventory.Component{}
	var replNotes, vendorNotes []string
	var paths []string
	var comps []*inventory.Component
	var places [][]place
	for _, path := range sortedKeys(g.selected) {
		if _, main := mainSums[path]; main {
			continue
		}
		m := module.Version{Path: path, Version: g.selected[path]}
		c, note, where := x.moduleComponent(m, in, vendored, vendorDir, &vendorNotes)
		if note != "" {
			replNotes = append(replNotes, note)
		}
		c.Direct = direct[path]
		c.Locations = append([]string{manifestRel}, c.Locations...)
		paths = append(paths, path)
		comps = append(comps, c)
		places = append(places, where)
	}
	// A component lives in the first of its places that exists; the stat
	// calls are what this step spends its time on, so they run in parallel.
	parallel(len(comps), ioWorkers(), func(i int) {
		c := comps[i]
		for _, pl := range places[i] {
			if x.files.isDir(pl.dir) {
				c.Dir, c.Installed = pl.dir, true
				if pl.vendor {
					c.Locations = append(c.Locations, x.opts.Rel(pl.dir))
				}
				return
			}
		}
	})
	for i, c := range comps {
		k := c.Key()
		keyOf[paths[i]] = k
		if have, ok := byKey[k]; ok {
			inventory.Merge(have, c)
			continue
		}
		byKey[k] = c
		p.Components = append(p.Components, c)
	}
	for _, path := range sortedKeys(direct) {
		if k, ok := keyOf[path]; ok {
			p.AddEdge(inventory.RootKey, k)
		}
	}
	for _, path := range sortedKeys(g.selected) {
		from, ok := keyOf[path]
		if !ok {
			continue
		}
		for _, r := range g.required[module.Version{Path: path, Version: g.selected[path]}] {
			if to, ok := keyOf[r.Path]; ok && to != from {
				p.AddEdge(from, to)
			}
		}
	}
	if std := stdlibComponent(in.goVersion, in.toolchain, manifestRel); std != nil {
		p.Components = append(p.Components, std)
		p.AddEdge(inventory.RootKey, std.Key())
		if in.toolchain != "" && strings.TrimPrefix(in.toolchain, "go") != in.goVersion {
			in.notes = append(in.notes, fmt.Sprintf("standard library taken at %s, the later of the go line (%s) and the toolchain line (%s)", std.Version, in.goVersion, in.toolchain))
		}
	} else {
		in.notes = append(in.notes, "no go line: the standard library version is unknown")
	}
	if !prunesGraph(in.goVersion) && len(g.missing) > 0 {
		in.notes = append(in.notes, "go line below 1.17: go.mod need not list every module the build uses")
	}
	p.ComputePaths()
	p.Notes = append(in.notes, replNotes...)
	p.Notes = append(p.Notes, limitNotes(vendorNotes, "vendor/modules.txt disagrees with the module graph")...)
	sort.Slice(probs, func(i, j int) bool {
		if probs[i].Path != probs[j].Path {
			return probs[i].Path < probs[j].Path
		}
		return probs[i].Message < probs[j].Message
	})
	return p, probs, nil
}

// place is a directory where a module's files may be.
type place struct {
	dir    string
	vendor bool
}

// moduleComponent turns a selected module version into a component,
// applying its replacement. note describes the replacement, if any; where
// lists the directories that may hold the module's files, best first: the
// vendor directory when vendor/modules.txt agrees with the graph, then the
// replacement directory or the module cache.
func (x *extraction) moduleComponent(m module.Version, in *projectInput, vendored map[string]vendoredModule, vendorDir string, vendorNotes *[]string) (c *inventory.Component, note string, where []place) {
	c = &inventory.Component{Ecosystem: "go", Name: m.Path, Version: m.Version, Scope: inventory.ScopeProd}
	target := m
	r, replaced := in.repl.lookup(m)
	if vm, ok := vendored[m.Path]; ok {
		written := module.Version{}
		if replaced {
			written = r.written
		}
		if vm.Version == m.Version && vm.Replace == written {
			where = append(where, place{dir: filepath.Join(vendorDir, filepath.FromSlash(m.Path)), vendor: true})
		} else {
			*vendorNotes = append(*vendorNotes, fmt.Sprintf("%s %s (graph: %s)", vm.Path, vm.Version, m.Version))
		}
	}
	if replaced {
		target = r.target
		if r.dir != "" {
			c.Version = ""
			where = append(where, place{dir: r.dir})
			note = fmt.Sprintf("%s %s is replaced by the directory %s", m.Path, m.Version, x.opts.Rel(r.dir))
		} else {
			c.Name, c.Version = target.Path, target.Version
			note = fmt.Sprintf("%s %s is replaced by %s %s", m.Path, m.Version, target.Path, target.Version)
		}
	}
	if target.Version != "" {
		if d := cachedModuleDir(x.cache, target); d != "" {
			where = append(where, place{dir: d})
		}
		if h, ok := in.sum.zip[target]; ok {
			alg, v := splitHash(h)
			c.Hashes = []inventory.Hash{{Algorithm: alg, Value: v}}
		}
		for _, sf := range in.sumFiles {
			if sf.sum.has(target) {
				c.Locations = append(c.Locations, sf.rel)
			}
		}
	}
	c.PURL = modulePURL(c.Name, c.Version)
	if !replaced || r.dir == "" {
		// A directory replacement is a local copy that may differ from the
		// module's upstream repository.
		c.Repository = repositoryOf(c.Name)
	}
	return c, note, where
}

// fillFromSums completes a graph that lacks some go.mod files. A tidy
// go.sum records a go.mod hash for every module version of the graph,
// so the highest version of each path it lists is the one MVS would
// select; vendor/modules.txt, when present, lists the modules that
// provide packages. It returns the notes that say so.
func (x *extraction) fillFromSums(in *projectInput, g *modGraph, mains map[string]*summary, vendored map[string]vendoredModule, probs *[]inventory.Problem) []string {
	var notCached []module.Version
	for m, err := range g.missing {
		if errors.Is(err, errNotCached) {
			notCached = append(notCached, m)
			continue
		}
		msg := err.Error()
		var ge *goModError
		if errors.As(err, &ge) {
			msg = fmt.Sprintf("go.mod of %s %s (%s): %v", m.Path, m.Version, x.opts.Rel(ge.file), ge.err)
		}
		*probs = append(*probs, inventory.Problem{Path: x.opts.Rel(in.manifest), Message: msg})
	}
	raise := func(m module.Version) {
		if _, main := mains[m.Path]; main || m.Version == "" {
			return
		}
		if v, ok := g.selected[m.Path]; !ok || semver.Compare(v, m.Version) < 0 {
			g.selected[m.Path] = m.Version
		}
	}
	if in.sum != nil {
		for m := range in.sum.mod {
			raise(m)
		}
	}
	for _, vm := range vendored {
		raise(module.Version{Path: vm.Path, Version: vm.Version})
	}
	if len(notCached) == 0 {
		return nil
	}
	sort.Slice(notCached, func(i, j int) bool {
		if notCached[i].Path != notCached[j].Path {
			return notCached[i].Path < notCached[j].Path
		}
		return notCached[i].Version < notCached[j].Version
	})
	from := "go.mod"
	if in.sum != nil {
		from += " and go.sum"
	}
	if len(vendored) > 0 {
		from += " and vendor/modules.txt"
	}
	loaded := 0
	for m := range g.required {
		if m.Version != "" {
			loaded++
		}
	}
	if loaded == 0 {
		return []string{fmt.Sprintf("the module cache holds none of the go.mod files of the dependencies; modules listed from %s, without the dependency graph", from)}
	}
	return []string{fmt.Sprintf("the module cache lacks the go.mod of %d module version(s) (first: %s@%s); the module list is completed from %s and may differ from the go command's",
		len(notCached), notCached[0].Path, notCached[0].Version, from)}
}

// readVendor reads vendor/modules.txt when it exists.
func (x *extraction) readVendor(vendorDir string) (map[string]vendoredModule, []inventory.Problem) {
	path := filepath.Join(vendorDir, "modules.txt")
	data, err := x.files.read(path, maxModulesTxt)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []inventory.Problem{{Path: x.opts.Rel(path), Message: "read: " + trimPath(err, path)}}
	}
	list, err := parseModulesTxt(data)
	var probs []inventory.Problem
	if err != nil {
		probs = append(probs, inventory.Problem{Path: x.opts.Rel(path), Message: err.Error()})
	}
	out := make(map[string]vendoredModule, len(list))
	for _, vm := range list {
		out[vm.Path] = vm
	}
	return out, probs
}

func retractNote(mod string, r *modfile.Retract) string {
	v := r.Low
	if r.High != r.Low {
		v = "[" + r.Low + ", " + r.High + "]"
	}
	s := fmt.Sprintf("%s retracts its version %s", mod, v)
	if r.Rationale != "" {
		s += " (" + r.Rationale + ")"
	}
	return s
}

// limitNotes folds a long list of similar remarks into one note.
func limitNotes(items []string, what string) []string {
	if len(items) == 0 {
		return nil
	}
	const show = 3
	s := what + ": " + strings.Join(items[:min(show, len(items))], ", ")
	if len(items) > show {
		s += fmt.Sprintf(" and %d more", len(items)-show)
	}
	return []string{s}
}
