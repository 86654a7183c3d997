package python

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// projectDir holds the lockfiles and manifests found in one directory.
type projectDir struct {
	dir                             string
	poetry, uv, pipfile, pyprojectF string
	reqs                            []string
}

// manifestReader builds the projects of lockfiles and manifests.
type manifestReader struct {
	opts inventory.Options
	// installed indexes the installed distributions of the scan by key,
	// to give lockfile components their licenses and directory.
	installed map[string]*inventory.Component
	problems  []inventory.Problem
}

func (mr *manifestReader) problem(path, format string, args ...any) {
	mr.problems = append(mr.problems, inventory.Problem{Path: mr.opts.Rel(path), Message: fmt.Sprintf(format, args...)})
}

// read reads a file of at most limit bytes, recording a problem when it
// cannot.
func (mr *manifestReader) read(path string, limit int64) ([]byte, bool) {
	data, err := fsread.ReadBounded(path, limit)
	if err != nil {
		mr.problem(path, "cannot read: %s", fsread.Describe(err))
		return nil, false
	}
	return data, true
}

// groupDirs sorts the wanted lockfiles and manifests by directory.
func groupDirs(files []string) []*projectDir {
	byDir := map[string]*projectDir{}
	for _, f := range files {
		dir := filepath.Dir(f)
		pd := byDir[dir]
		if pd == nil {
			pd = &projectDir{dir: dir}
			byDir[dir] = pd
		}
		switch filepath.Base(f) {
		case "poetry.lock":
			pd.poetry = f
		case "uv.lock":
			pd.uv = f
		case "Pipfile.lock":
			pd.pipfile = f
		case "pyproject.toml":
			pd.pyprojectF = f
		default:
			pd.reqs = append(pd.reqs, f)
		}
	}
	out := make([]*projectDir, 0, len(byDir))
	for _, pd := range byDir {
		sort.Strings(pd.reqs)
		out = append(out, pd)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}

// extractManifests returns the projects of the lockfiles and manifests.
func (mr *manifestReader) extractManifests(ctx context.Context, files []string) ([]*inventory.Project, error) {
	dirs := groupDirs(files)
	uvDirs := map[string]bool{}
	for _, pd := range dirs {
		if pd.uv != "" {
			uvDirs[pd.dir] = true
		}
	}
	var projects []*inventory.Project
	for _, pd := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		projects = append(projects, mr.dirProjects(pd, uvDirs)...)
	}
	return projects, nil
}

// dirProjects makes the projects of one directory: one per lockfile, one
// for its requirements files, and the pyproject.toml joins the lockfile
// it was locked into. A pyproject.toml alone is a project of its own.
func (mr *manifestReader) dirProjects(pd *projectDir, uvDirs map[string]bool) []*inventory.Project {
	if pd.pyprojectF == "" && (pd.poetry != "" || pd.uv != "") {
		// Offered a lockfile alone (a scan of that one file): its
		// manifest still says which packages are direct.
		if f := filepath.Join(pd.dir, "pyproject.toml"); fsread.IsFile(f) {
			pd.pyprojectF = f
		}
	}
	var pp *pyproject
	if pd.pyprojectF != "" {
		if data, ok := mr.read(pd.pyprojectF, maxManifestSize); ok {
			var err error
			if pp, err = parsePyproject(data); err != nil {
				mr.problem(pd.pyprojectF, "%s", fsread.Describe(err))
				pp = nil
			}
		}
	}
	var out []*inventory.Project
	usedPP := false
	if pd.poetry != "" {
		withPP := pp != nil && (pp.Poetry || pd.uv == "")
		usedPP = usedPP || withPP
		if p := mr.poetryProject(pd, pp, withPP); p != nil {
			out = append(out, p)
		}
	}
	if pd.uv != "" {
		withPP := pp != nil && !usedPP
		usedPP = usedPP || withPP
		if p := mr.uvProject(pd, pp, withPP); p != nil {
			out = append(out, p)
		}
	}
	if pd.pipfile != "" {
		if p := mr.pipfileProject(pd, pp); p != nil {
			out = append(out, p)
		}
	}
	if len(pd.reqs) > 0 {
		withPP := pp != nil && !usedPP
		usedPP = usedPP || withPP
		if p := mr.requirementsProject(pd, pp, withPP); p != nil {
			out = append(out, p)
		}
	}
	if pp != nil && !usedPP && len(out) == 0 && pp.Declared && !inWorkspace(pd.dir, uvDirs) {
		out = append(out, mr.pyprojectProject(pd, pp))
	}
	return out
}

// inWorkspace reports whether an ancestor directory holds a uv.lock: the
// project is then a member of that workspace, locked there.
func inWorkspace(dir string, uvDirs map[string]bool) bool {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		if uvDirs[d] {
			return true
		}
		if d == filepath.Dir(d) {
			return false
		}
	}
}

func (mr *manifestReader) newProject(pd *projectDir, pp *pyproject, file, source string) *inventory.Project {
	p := &inventory.Project{Ecosystem: ecosystem, Path: mr.opts.Rel(file), Source: source}
	if pp != nil {
		p.Name, p.Version = pp.Name, pp.Version
	}
	if p.Name == "" {
		// requirements/*.txt belong to the project around them.
		dir := pd.dir
		if strings.EqualFold(filepath.Base(dir), "requirements") {
			dir = filepath.Dir(dir)
		}
		p.Name = filepath.Base(dir)
	}
	return p
}

func rootsOf(pp *pyproject) []rootDep {
	out := make([]rootDep, len(pp.Deps))
	for i, d := range pp.Deps {
		out[i] = d.rootDep
	}
	return out
}

func (mr *manifestReader) poetryProject(pd *projectDir, pp *pyproject, withPP bool) *inventory.Project {
	data, ok := mr.read(pd.poetry, maxLockfileSize)
	if !ok {
		return nil
	}
	pkgs, err := parsePoetryLock(data)
	if err != nil {
		mr.problem(pd.poetry, "%s", fsread.Describe(err))
		return nil
	}
	p := mr.newProject(pd, pp, pd.poetry, "lockfile")
	g := newGraphBuilder(p)
	var roots []rootDep
	if withPP {
		roots = rootsOf(pp)
	}
	missing := addLock(g, pkgs, roots, len(roots) > 0, mr.opts.Rel(pd.poetry))
	mr.noteMissing(p, missing, "poetry.lock")
	mr.finish(g)
	return p
}

func (mr *manifestReader) uvProject(pd *projectDir, pp *pyproject, withPP bool) *inventory.Project {
	data, ok := mr.read(pd.uv, maxLockfileSize)
	if !ok {
		return nil
	}
	lock, err := parseUVLock(data)
	if err != nil {
		mr.problem(pd.uv, "%s", fsread.Describe(err))
		return nil
	}
	if !withPP {
		pp = nil
	}
	p := mr.newProject(pd, pp, pd.uv, "lockfile")
	if pp == nil && lock.Name != "" {
		p.Name, p.Version = lock.Name, lock.Version
	}
	g := newGraphBuilder(p)
	roots, haveRoots := lock.Roots, lock.HaveRoots
	if !haveRoots && pp != nil && len(pp.Deps) > 0 {
		roots, haveRoots = rootsOf(pp), true
	}
	missing := addLock(g, lock.Pkgs, roots, haveRoots, mr.opts.Rel(pd.uv))
	mr.noteMissing(p, missing, "uv.lock")
	mr.finish(g)
	return p
}

func (mr *manifestReader) pipfileProject(pd *projectDir, pp *pyproject) *inventory.Project {
	data, ok := mr.read(pd.pipfile, maxLockfileSize)
	if !ok {
		return nil
	}
	lock, err := parsePipfileLock(data)
	if err != nil {
		mr.problem(pd.pipfile, "%s", fsread.Describe(err))
		return nil
	}
	p := mr.newProject(pd, pp, pd.pipfile, "lockfile")
	g := newGraphBuilder(p)
	var roots []rootDep
	pipfile := filepath.Join(pd.dir, "Pipfile")
	if fsread.IsFile(pipfile) {
		if data, ok := mr.read(pipfile, maxManifestSize); ok {
			if roots, err = parsePipfile(data); err != nil {
				mr.problem(pipfile, "%s", fsread.Describe(err))
				roots = nil
			}
		}
	}
	if len(roots) == 0 {
		roots = lock.Indexed
	}
	missing := addLock(g, lock.Pkgs, roots, len(roots) > 0, mr.opts.Rel(pd.pipfile))
	mr.noteMissing(p, missing, "Pipfile.lock")
	mr.finish(g)
	if n := countUnreached(p); n > 0 && len(roots) > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("Pipfile.lock records no dependency graph: which direct dependency needs each of %d packages is unknown", n))
	}
	return p
}

// countUnreached counts the components no dependency path reaches.
func countUnreached(p *inventory.Project) int {
	n := 0
	for _, c := range p.Components {
		if len(c.Paths) == 0 {
			n++
		}
	}
	return n
}

// pyprojectProject is a project known only from its pyproject.toml: its
// direct requirements, without resolved versions.
func (mr *manifestReader) pyprojectProject(pd *projectDir, pp *pyproject) *inventory.Project {
	p := mr.newProject(pd, pp, pd.pyprojectF, "manifest")
	g := newGraphBuilder(p)
	loc := mr.opts.Rel(pd.pyprojectF)
	var unpinned []string
	for _, d := range pp.Deps {
		c := &inventory.Component{
			Ecosystem: ecosystem, Name: d.Name, Version: d.Version, PURL: purl(d.Name, d.Version),
			Scope: d.Scope, Locations: []string{loc}, Resolved: d.URL,
		}
		g.rootEdge(g.add(c).Key(), d.Scope)
		if d.Version == "" && d.URL == "" {
			unpinned = appendUnique(unpinned, d.Name)
		}
	}
	if len(unpinned) > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("no lockfile beside pyproject.toml: %d requirements have no resolved version (%s)", len(unpinned), strings.Join(unpinned, ", ")))
	}
	mr.finish(g)
	return p
}

func (mr *manifestReader) noteMissing(p *inventory.Project, missing []string, lockName string) {
	if len(missing) > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%d direct requirements are not in %s: %s", len(missing), lockName, strings.Join(missing, ", ")))
	}
}

// finish gives lockfile components what the installed copy of the same
// name and version knows (licenses, directory, supplier) and completes the
// project.
func (mr *manifestReader) finish(g *graphBuilder) {
	for k, c := range g.comps {
		inst, ok := mr.installed[k]
		if !ok || c.Version == "" {
			continue
		}
		if len(c.DeclaredLicenses) == 0 {
			c.DeclaredLicenses = append([]string(nil), inst.DeclaredLicenses...)
		}
		if c.Dir == "" {
			c.Dir = inst.Dir
		}
		for _, f := range inst.LicenseFiles {
			c.LicenseFiles = append(c.LicenseFiles, f)
		}
		fill(&c.Supplier, inst.Supplier)
		fill(&c.Homepage, inst.Homepage)
		fill(&c.Repository, inst.Repository)
		c.Funding = appendUnique(c.Funding, inst.Funding...)
	}
	g.finish()
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// devFileWords mark a requirements file for development only when its
// name holds one of them (requirements-dev.txt, requirements/test.txt).
var devFileWords = map[string]bool{
	"dev": true, "devel": true, "develop": true, "development": true,
	"test": true, "tests": true, "testing": true,
	"lint": true, "linting": true, "doc": true, "docs": true,
	"ci": true, "typing": true, "mypy": true, "style": true, "format": true,
	"coverage": true, "bench": true, "benchmark": true, "benchmarks": true,
	"build": true, "tox": true, "local": true,
}

// requirementsScope is the scope a requirements file's name gives.
func requirementsScope(path string) inventory.Scope {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	for _, w := range strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if devFileWords[w] {
			return inventory.ScopeDev
		}
	}
	return inventory.ScopeProd
}

// maxRequirementFiles bounds the files one requirements project reads
// through its includes.
const maxRequirementFiles = 256

// reqSighting is one requirement as met in one file.
type reqSighting struct {
	e         *reqEntry
	file      string
	scope     inventory.Scope
	annotated bool
}

// reqWalk reads requirements files and the files they include.
type reqWalk struct {
	mr          *manifestReader
	read        int
	sightings   []reqSighting
	constraints map[string]string
	notes       []string
	annotated   bool
}

// walk reads path and, depth first, what it includes; stack holds the
// files being read, so that an include cycle ends.
func (w *reqWalk) walk(path string, scope inventory.Scope, constraint bool, stack map[string]bool) {
	if stack[path] {
		return
	}
	if w.read >= maxRequirementFiles {
		w.mr.problem(path, "not read: more than %d requirements files are included", maxRequirementFiles)
		return
	}
	w.read++
	data, ok := w.mr.read(path, maxLockfileSize)
	if !ok {
		return
	}
	rf, err := parseRequirements(data)
	if err != nil {
		w.mr.problem(path, "%s", fsread.Describe(err))
		return
	}
	stack[path] = true
	defer delete(stack, path)
	rel := w.mr.opts.Rel(path)
	if constraint {
		for _, e := range rf.Entries {
			if e.Version != "" {
				w.constraints[e.Name] = e.Version
			}
		}
	} else {
		w.annotated = w.annotated || rf.Annotated
		for _, e := range rf.Entries {
			w.sightings = append(w.sightings, reqSighting{e: e, file: rel, scope: scope, annotated: rf.Annotated})
		}
		if len(rf.Skipped) > 0 {
			w.notes = appendUnique(w.notes, fmt.Sprintf("%s: %d requirements name no package (a local path, or a URL without a name) and were left out: %s", rel, len(rf.Skipped), strings.Join(rf.Skipped, ", ")))
		}
	}
	for _, inc := range rf.Includes {
		target, why := w.includePath(path, inc.Path)
		if why != "" {
			w.notes = appendUnique(w.notes, fmt.Sprintf("%s line %d: %s not read: %s", rel, inc.Line, inc.Path, why))
			continue
		}
		if !fsread.IsFile(target) {
			w.mr.problem(path, "line %d: included file %s not found", inc.Line, inc.Path)
			continue
		}
		s := scope
		if own := requirementsScope(target); own.Rank() > s.Rank() {
			s = own
		}
		w.walk(target, s, constraint || inc.Constraint, stack)
	}
}

// includePath resolves an include relative to the file that names it. A
// URL is not fetched and a file outside the scanned root is not read.
func (w *reqWalk) includePath(from, inc string) (string, string) {
	if strings.Contains(inc, "://") {
		return "", "a URL is not fetched"
	}
	p := filepath.FromSlash(inc)
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(from), p)
	}
	p = filepath.Clean(p)
	if root := w.mr.opts.Root; root != "" {
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", "outside the scanned directory"
		}
	}
	return p, ""
}

// requirementsProject reads the requirements files of one directory as
// one project. Entries pinned to one version are resolved components;
// others keep an empty version and a note says so. pip-compile's "# via"
// comments give the graph; without them every entry is direct, unless a
// pyproject.toml beside says which are.
func (mr *manifestReader) requirementsProject(pd *projectDir, pp *pyproject, withPP bool) *inventory.Project {
	main := pd.reqs[0]
	for _, f := range pd.reqs {
		if filepath.Base(f) == "requirements.txt" {
			main = f
		}
	}
	w := &reqWalk{mr: mr, constraints: map[string]string{}}
	for _, f := range pd.reqs {
		w.walk(f, requirementsScope(f), false, map[string]bool{})
	}
	if len(w.sightings) == 0 && len(w.notes) == 0 {
		return nil
	}
	p := mr.newProject(pd, pp, main, "lockfile")
	g := newGraphBuilder(p)
	keys := make([]string, len(w.sightings))
	byName := map[string][]string{}
	// A "# via" annotation names packages of the same compiled file.
	byFileName := map[string][]string{}
	unpinned := map[string][]string{}
	var files []string
	for i, s := range w.sightings {
		e := s.e
		version := e.Version
		if version == "" && e.URL == "" {
			version = w.constraints[e.Name]
		}
		if version == "" && e.URL == "" {
			if _, ok := unpinned[s.file]; !ok {
				files = append(files, s.file)
			}
			unpinned[s.file] = appendUnique(unpinned[s.file], e.Name)
		}
		c := &inventory.Component{
			Ecosystem: ecosystem, Name: e.Name, Version: version, PURL: purl(e.Name, version),
			Scope: s.scope, Locations: []string{s.file}, Hashes: append([]inventory.Hash(nil), e.Hashes...), Resolved: e.URL,
		}
		keys[i] = g.add(c).Key()
		byName[e.Name] = appendUnique(byName[e.Name], keys[i])
		fk := s.file + "\x00" + e.Name
		byFileName[fk] = appendUnique(byFileName[fk], keys[i])
	}
	direct := map[string]bool{}
	if withPP && !w.annotated {
		for _, d := range pp.Deps {
			if len(byName[d.Name]) > 0 {
				direct[d.Name] = true
			}
		}
	}
	for i, s := range w.sightings {
		e := s.e
		switch {
		case len(direct) > 0:
			if direct[e.Name] {
				g.rootEdge(keys[i], s.scope)
			}
		case !s.annotated || len(e.Via) == 0:
			g.rootEdge(keys[i], s.scope)
		default:
			linked := false
			for _, v := range e.Via {
				if v == "" {
					g.rootEdge(keys[i], s.scope)
					linked = true
					continue
				}
				for _, from := range byFileName[s.file+"\x00"+v] {
					g.edge(from, keys[i])
					linked = true
				}
			}
			if !linked {
				g.rootEdge(keys[i], s.scope)
			}
		}
	}
	for _, f := range files {
		names := unpinned[f]
		p.Notes = append(p.Notes, fmt.Sprintf("%s: %d requirements are not pinned to one version: %s", f, len(names), strings.Join(names, ", ")))
		p.Source = "manifest"
	}
	p.Notes = appendUnique(p.Notes, w.notes...)
	mr.finish(g)
	if n := countUnreached(p); n > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("the requirements files record no dependency graph and %s names the direct dependencies: which one needs each of %d packages is unknown", filepath.Base(pd.pyprojectF), n))
	}
	return p
}
