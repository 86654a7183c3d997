package gem

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// lockGem is one locked gem at one version: all the platform variants
// the lockfile records for it.
type lockGem struct {
	name, version string
	variants      []*lockSpec
	deps          []string
	c             *inventory.Component
}

// lockProject reads one Bundler project: the lockfile when it can be
// read, else the Gemfile's declarations.
func (x *extraction) lockProject(pf *projectFiles) *inventory.Project {
	var lf *lockfile
	if pf.lockPath != "" {
		if data := x.readText(pf.lockPath); data != nil {
			var err error
			if lf, err = parseLockfileBytes(data); err != nil {
				x.problem(pf.lockPath, "cannot read "+filepath.Base(pf.lockPath)+": "+err.Error())
				lf = nil
			} else if lf.Skipped > 0 {
				x.problem(pf.lockPath, "lines not understood and skipped: "+strconv.Itoa(lf.Skipped))
			}
		}
	}
	var gf *gemfile
	if pf.manifestPath != "" {
		gf = x.readGemfile(pf.manifestPath)
	}
	if lf == nil && gf == nil {
		return nil
	}
	p := &inventory.Project{Ecosystem: ecosystem, Name: filepath.Base(pf.dir)}
	if pf.manifestPath != "" {
		p.Path = x.opts.Rel(pf.manifestPath)
	} else {
		p.Path = x.opts.Rel(pf.lockPath)
	}
	if lf == nil {
		why := "no " + lockNameFor(pf.manifestPath)
		if pf.lockPath != "" {
			why = filepath.Base(pf.lockPath) + " could not be read"
		}
		x.declared(p, gf, x.opts.Rel(pf.manifestPath), why)
		sortProject(p)
		p.ComputePaths()
		return p
	}
	x.fromLock(p, pf, lf, gf)
	sortProject(p)
	p.ComputePaths()
	return p
}

func lockNameFor(manifest string) string {
	if filepath.Base(manifest) == "gems.rb" {
		return "gems.locked"
	}
	return "Gemfile.lock"
}

// declared lists the gems of a Gemfile when no lockfile says which
// versions were chosen.
func (x *extraction) declared(p *inventory.Project, gf *gemfile, location, why string) {
	p.Source = "manifest"
	var items []string
	for _, name := range gf.Order {
		g := gf.Gems[name]
		scope := inventory.ScopeProd
		if g.Dev && !gf.Confused {
			scope = inventory.ScopeDev
		}
		c := &inventory.Component{Ecosystem: ecosystem, Name: name, PURL: purl(name, "", ""), Scope: scope, Locations: []string{location}}
		p.Components = append(p.Components, c)
		p.AddEdge(inventory.RootKey, c.Key())
		item := name
		if len(g.Constraints) > 0 {
			item += " (" + strings.Join(g.Constraints, ", ") + ")"
		}
		items = append(items, item)
	}
	if len(items) > 0 {
		p.Notes = append(p.Notes, listNote(why+": the declared gems are listed without versions: ", items))
	}
	if gf.Gemspec {
		p.Notes = append(p.Notes, filepath.Base(location)+" also takes the dependencies of a gemspec, which are not listed here")
	}
	if gf.Confused {
		p.Notes = append(p.Notes, "the blocks of "+filepath.Base(location)+" could not be followed: every gem is counted as needed in production")
	}
}

// fromLock builds the project from its lockfile, the Gemfile's groups
// and the gems installed for it.
func (x *extraction) fromLock(p *inventory.Project, pf *projectFiles, lf *lockfile, gf *gemfile) {
	lockRel := x.opts.Rel(pf.lockPath)
	lockName := filepath.Base(pf.lockPath)
	p.Source = "lockfile"

	// PATH gems are the project's own code: they are not components,
	// and what they depend on the project depends on.
	ownDeps := map[string][]string{}
	var ownNames []string
	var gems []*lockGem
	byKey := map[string]*lockGem{}
	byName := map[string]*lockGem{}
	for _, s := range lf.Specs {
		if s.Source != nil && s.Source.Kind == "PATH" {
			if _, ok := ownDeps[s.Name]; !ok {
				ownNames = append(ownNames, s.Name)
			}
			ownDeps[s.Name] = appendUnique(ownDeps[s.Name], s.Deps...)
			continue
		}
		k := s.Name + "@" + s.Version
		g := byKey[k]
		if g == nil {
			g = &lockGem{name: s.Name, version: s.Version}
			byKey[k] = g
			gems = append(gems, g)
		}
		g.variants = append(g.variants, s)
		g.deps = appendUnique(g.deps, s.Deps...)
		if byName[s.Name] == nil {
			byName[s.Name] = g
		}
	}
	x.nameFromPath(p, pf, lf)

	var homes []*gemHome
	for _, h := range pf.homes {
		home := readHome(h, specFiles(filepath.Join(h, "specifications")))
		for _, fe := range home.readErr {
			x.problem(fe.Path, "cannot read gemspec: "+fe.Err.Error())
		}
		homes = append(homes, home)
	}
	if len(homes) > 0 {
		p.Source = "installed+lockfile"
	}

	used := map[*installedGem]bool{}
	var ambiguous []string
	for _, g := range gems {
		src := g.variants[0].Source
		platform, ok := choosePlatform(g, homes)
		if !ok {
			ambiguous = append(ambiguous, g.name+"@"+g.version)
		}
		c := &inventory.Component{
			Ecosystem: ecosystem, Name: g.name, Version: g.version,
			PURL: purl(g.name, g.version, platform), Scope: inventory.ScopeProd,
			Locations: []string{lockRel},
		}
		g.c = c
		full := fullName(g.name, g.version, platform)
		if ok {
			c.Hashes = lf.Checksums[full]
		}
		switch src.Kind {
		case "GEM":
			if ok && src.Remote != "" {
				c.Resolved = strings.TrimSuffix(src.Remote, "/") + "/gems/" + full + ".gem"
			}
		case "GIT":
			c.Repository = src.Remote
			c.Resolved = gitLocator(src.Remote, src.Revision)
		}
		x.installedFiles(c, g, src, platform, homes, used)
		p.Components = append(p.Components, c)
	}

	// The graph: each gem to what it depends on, through the project's
	// own PATH gems where they sit in between.
	var expand func(name string, seen map[string]bool) []string
	expand = func(name string, seen map[string]bool) []string {
		if g := byName[name]; g != nil {
			return []string{g.c.Key()}
		}
		deps, own := ownDeps[name]
		if !own || seen[name] {
			return nil
		}
		seen[name] = true
		var out []string
		for _, d := range deps {
			out = append(out, expand(d, seen)...)
		}
		return out
	}
	for _, g := range gems {
		for _, d := range g.deps {
			for _, t := range expand(d, map[string]bool{}) {
				if t != g.c.Key() {
					p.AddEdge(g.c.Key(), t)
				}
			}
		}
	}
	var prodRoots, devRoots, notLocked []string
	for _, d := range lf.Dependencies {
		targets := expand(d.Name, map[string]bool{})
		if len(targets) == 0 {
			if _, own := ownDeps[d.Name]; !own {
				notLocked = append(notLocked, d.Name)
			}
			continue
		}
		dev := isDevDependency(d.Name, gf, ownDeps)
		for _, t := range targets {
			p.AddEdge(inventory.RootKey, t)
			if dev {
				devRoots = append(devRoots, t)
			} else {
				prodRoots = append(prodRoots, t)
			}
		}
	}
	setScopes(p, prodRoots, devRoots)

	switch {
	case gf == nil:
		p.Notes = append(p.Notes, "no "+manifestNameFor(lockName)+" beside "+lockName+": every gem is counted as needed in production")
	case gf.Confused:
		p.Notes = append(p.Notes, "the blocks of "+filepath.Base(pf.manifestPath)+" could not be followed: every gem is counted as needed in production")
	}
	if len(ownNames) > 0 {
		p.Notes = append(p.Notes, listNote("PATH gems are the project's own code, not components: ", ownNames))
	}
	if len(notLocked) > 0 {
		p.Notes = append(p.Notes, listNote("declared but locked for none of the lockfile's platforms: ", notLocked))
	}
	if len(ambiguous) > 0 {
		p.Notes = append(p.Notes, listNote("locked only as platform-specific builds, listed without a platform: ", ambiguous))
	}
	for _, h := range homes {
		var extra []string
		for _, ig := range h.Gems {
			if !used[ig] && !ig.Default && ig.Name != "bundler" {
				extra = append(extra, ig.Name+"@"+ig.Version)
			}
		}
		if len(extra) > 0 {
			p.Notes = append(p.Notes, listNote("installed in "+x.opts.Rel(h.Dir)+" but not in "+lockName+": ", extra))
		}
	}
}

func manifestNameFor(lockName string) string {
	if lockName == "gems.locked" {
		return "gems.rb"
	}
	return "Gemfile"
}

// nameFromPath names the project after its own gem: the PATH gem at "."
// when there is one, or the one named like the directory.
func (x *extraction) nameFromPath(p *inventory.Project, pf *projectFiles, lf *lockfile) {
	var here []*lockSpec
	for _, s := range lf.Specs {
		if s.Source != nil && s.Source.Kind == "PATH" && (s.Source.Remote == "." || s.Source.Remote == "./") {
			here = append(here, s)
		}
	}
	for _, s := range here {
		if len(here) == 1 || s.Name == filepath.Base(pf.dir) {
			p.Name, p.Version = s.Name, s.Version
			return
		}
	}
}

// choosePlatform picks the platform variant a component stands for: the
// one installed, else the generic (ruby) one, else the only one. ok is
// false when only several platform-specific builds are locked and none
// is installed: no single artifact is then named.
func choosePlatform(g *lockGem, homes []*gemHome) (platform string, ok bool) {
	for _, h := range homes {
		for _, v := range g.variants {
			if ig := h.find(g.name, g.version, v.Platform); ig != nil && ig.Platform == normPlatform(v.Platform) {
				return normPlatform(v.Platform), true
			}
		}
	}
	for _, v := range g.variants {
		if normPlatform(v.Platform) == "" {
			return "", true
		}
	}
	if len(g.variants) == 1 {
		return g.variants[0].Platform, true
	}
	return "", false
}

func normPlatform(p string) string {
	if p == "ruby" {
		return ""
	}
	return p
}

// installedFiles points a locked gem at its installed files and reads
// its gemspec: from the project's own gem homes, else the gem cache.
func (x *extraction) installedFiles(c *inventory.Component, g *lockGem, src *lockSource, platform string, homes []*gemHome, used map[*installedGem]bool) {
	for i, hs := range [][]*gemHome{homes, nil} {
		if i == 1 {
			// The cache is read only when the project's homes lack it.
			hs = x.cacheHomes()
		}
		for _, h := range hs {
			if src.Kind == "GIT" {
				if dir := h.gitCheckout(g.name, src.Remote, src.Revision); dir != "" {
					x.gitGem(c, g.name, dir, i == 0)
					return
				}
				continue
			}
			ig := h.find(g.name, g.version, platform)
			if ig == nil {
				continue
			}
			used[ig] = true
			fillFromSpec(c, ig.Spec)
			if ig.Dir != "" {
				c.Dir, c.Installed = ig.Dir, true
				if i == 0 {
					c.Locations = append(c.Locations, x.opts.Rel(ig.Dir))
				}
			}
			return
		}
	}
}

// gitGem reads a git gem's checkout: its gemspec is the hand-written one
// of the repository, at the top or in a directory named after the gem.
func (x *extraction) gitGem(c *inventory.Component, name, checkout string, inProject bool) {
	for _, dir := range []string{checkout, filepath.Join(checkout, name)} {
		spec := filepath.Join(dir, name+".gemspec")
		if !fsread.IsFile(spec) {
			continue
		}
		if data, err := fsread.ReadBounded(spec, maxGemspecSize); err == nil {
			if gs, err := parseGemspec(bytes.NewReader(data)); err == nil {
				fillFromSpec(c, gs)
			}
		}
		c.Dir, c.Installed = dir, true
		if inProject {
			c.Locations = append(c.Locations, x.opts.Rel(dir))
		}
		return
	}
}

// gitLocator is a git gem's download location in the form SBOMs use:
// git+<remote>@<revision>.
func gitLocator(remote, revision string) string {
	if remote == "" {
		return ""
	}
	loc := remote
	if !strings.HasPrefix(loc, "git+") && strings.Contains(loc, "://") {
		loc = "git+" + loc
	}
	if revision != "" {
		loc += "@" + revision
	}
	return loc
}

// isDevDependency reports whether a direct dependency is for development
// only: the Gemfile declares it in development groups only; or the
// Gemfile does not name it but pulls in a gemspec, whose development
// dependencies Bundler adds to DEPENDENCIES (its runtime ones sit under
// the PATH gem instead).
func isDevDependency(name string, gf *gemfile, own map[string][]string) bool {
	if gf == nil || gf.Confused {
		return false
	}
	if g, ok := gf.Gems[name]; ok {
		return g.Dev
	}
	_, isOwn := own[name]
	return gf.Gemspec && !isOwn
}

// setScopes marks as development the components that only development
// dependencies reach; everything else stays production.
func setScopes(p *inventory.Project, prodRoots, devRoots []string) {
	prod := reach(p, prodRoots)
	dev := reach(p, devRoots)
	for _, c := range p.Components {
		k := c.Key()
		if dev[k] && !prod[k] {
			c.Scope = inventory.ScopeDev
		}
	}
}

func reach(p *inventory.Project, roots []string) map[string]bool {
	seen := map[string]bool{}
	stack := append([]string(nil), roots...)
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[k] {
			continue
		}
		seen[k] = true
		stack = append(stack, p.Edges[k]...)
	}
	return seen
}
