package composer

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// builder gathers the components of one project and the edges between
// them.
type builder struct {
	p    *inventory.Project
	opts inventory.Options
	// entries in the order they were added; byName by lowercase name.
	entries []*entry
	byName  map[string]*entry
	// provided maps a name that some package replaces or provides (a
	// virtual package, a split package of a monorepo) to that package.
	provided map[string]*entry
}

type entry struct {
	c    *inventory.Component
	meta *pkgMeta
}

func newBuilder(p *inventory.Project, opts inventory.Options) *builder {
	return &builder{p: p, opts: opts, byName: map[string]*entry{}, provided: map[string]*entry{}}
}

// add records a package, or merges it into the one of the same name.
func (b *builder) add(m *pkgMeta, scope inventory.Scope, location string) *entry {
	key := strings.ToLower(m.Name)
	if e, ok := b.byName[key]; ok {
		other := newComponent(m, scope)
		other.Locations = []string{location}
		if other.Version == e.c.Version {
			inventory.Merge(e.c, other)
		}
		return e
	}
	c := newComponent(m, scope)
	c.Locations = []string{location}
	e := &entry{c: c, meta: m}
	b.entries = append(b.entries, e)
	b.byName[key] = e
	for _, r := range m.Replaces {
		if _, ok := b.provided[r]; !ok {
			b.provided[r] = e
		}
	}
	b.p.Components = append(b.p.Components, c)
	return e
}

// lookup finds the package a requirement names: the package of that
// name, else one that replaces or provides it. A requirement that matches
// neither names a virtual package nobody provides, or one that the
// install left out; it gets no edge.
func (b *builder) lookup(name string) *entry {
	key := strings.ToLower(name)
	if e, ok := b.byName[key]; ok {
		return e
	}
	return b.provided[key]
}

// addLock adds the packages of composer.lock: "packages" are needed in
// production, "packages-dev" only for development (Composer puts a
// package there only when no production package needs it).
func (b *builder) addLock(lf *lockFile, location string) {
	for i := range lf.Packages {
		b.add(&lf.Packages[i], inventory.ScopeProd, location)
	}
	for i := range lf.PackagesDev {
		b.add(&lf.PackagesDev[i], inventory.ScopeDev, location)
	}
}

// link adds an edge for every requirement of every package.
func (b *builder) link() {
	for _, e := range b.entries {
		for _, r := range e.meta.Require {
			if t := b.lookup(r.Name); t != nil && t != e {
				b.p.AddEdge(e.c.Key(), t.c.Key())
			}
		}
	}
}

// linkRoot adds the edges from the project to its direct dependencies:
// the requirements of composer.json. Without composer.json the packages
// that no other package requires are taken as the direct ones.
func (b *builder) linkRoot(m *manifest, source string) {
	if m == nil {
		required := map[*entry]bool{}
		for _, e := range b.entries {
			for _, r := range e.meta.Require {
				if t := b.lookup(r.Name); t != nil && t != e {
					required[t] = true
				}
			}
		}
		for _, e := range b.entries {
			if !required[e] {
				b.p.AddEdge(inventory.RootKey, e.c.Key())
			}
		}
		if len(b.entries) > 0 {
			b.p.Notes = append(b.p.Notes, "no composer.json beside "+source+": the packages no other package requires are taken as the direct dependencies")
		}
		return
	}
	var missing []string
	for _, reqs := range [][]requirement{m.Require, m.RequireDev} {
		for _, r := range reqs {
			t := b.lookup(r.Name)
			if t == nil {
				missing = append(missing, r.Name)
				continue
			}
			b.p.AddEdge(inventory.RootKey, t.c.Key())
		}
	}
	if len(missing) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("required by composer.json but not in "+source+": ", missing))
	}
}

// installDir is where an installed package's files lie: install-path,
// relative to vendor/composer, when installed.json records it (Composer
// 2, and custom installers that put packages elsewhere), else
// vendor/<name>. It returns "" when that directory is missing or leads
// out of the scanned tree.
func (b *builder) installDir(m *pkgMeta, vendorDir string) string {
	var dir string
	if m.InstallPath != "" {
		ip := filepath.FromSlash(m.InstallPath)
		if filepath.IsAbs(ip) {
			dir = filepath.Clean(ip)
		} else {
			dir = filepath.Join(vendorDir, "composer", ip)
		}
	} else {
		dir = filepath.Join(vendorDir, filepath.FromSlash(strings.ToLower(m.Name)))
	}
	return fsread.DirWithin(dir, b.opts.Root)
}

// markInstalled points a component at its installed files. A
// metapackage has none: it only gathers requirements.
func (b *builder) markInstalled(e *entry, m *pkgMeta, vendorDir string, missingDir *[]string) {
	if m.Type == "metapackage" {
		e.c.Installed = true
		return
	}
	dir := b.installDir(m, vendorDir)
	if dir == "" {
		*missingDir = append(*missingDir, m.Name)
		return
	}
	e.c.Dir, e.c.Installed = dir, true
	loc := b.opts.Rel(dir)
	if !contains(e.c.Locations, loc) {
		e.c.Locations = append(e.c.Locations, loc)
	}
}

// enrich compares the lockfile with what installed.json says was
// installed, points the locked components at their installed files, and
// notes the differences.
func (b *builder) enrich(inst *installedFile, vendorDir string) {
	seen := map[*entry]bool{}
	var notLocked, mismatch, missingDir []string
	for i := range inst.Packages {
		m := &inst.Packages[i]
		e := b.byName[strings.ToLower(m.Name)]
		if e == nil {
			notLocked = append(notLocked, m.Name+"@"+m.Version)
			continue
		}
		seen[e] = true
		if m.Version != e.c.Version {
			mismatch = append(mismatch, fmt.Sprintf("%s (locked %s, installed %s)", m.Name, e.c.Version, m.Version))
			continue
		}
		b.markInstalled(e, m, vendorDir, &missingDir)
	}
	var notInstalled []string
	for _, e := range b.entries {
		if seen[e] {
			continue
		}
		// composer install --no-dev leaves the development packages out
		// on purpose.
		if e.c.Scope == inventory.ScopeDev && inst.DevKnown && !inst.Dev {
			continue
		}
		notInstalled = append(notInstalled, e.c.Ref())
	}
	if len(notLocked) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("installed but not in composer.lock: ", notLocked))
	}
	if len(notInstalled) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("in composer.lock but not installed: ", notInstalled))
	}
	if len(mismatch) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("installed version differs from composer.lock: ", mismatch))
	}
	if len(missingDir) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("listed in installed.json but their directory is missing: ", missingDir))
	}
}

// addInstalled adds the packages of installed.json when there is no
// lockfile to read.
func (b *builder) addInstalled(inst *installedFile, vendorDir, location string) {
	var missingDir []string
	for i := range inst.Packages {
		m := &inst.Packages[i]
		e := b.add(m, inventory.ScopeProd, location)
		b.markInstalled(e, m, vendorDir, &missingDir)
	}
	if len(missingDir) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("listed in installed.json but their directory is missing: ", missingDir))
	}
}

// installedScopes sets the scopes of installed packages: Composer 2 lists
// the development-only packages; otherwise a package reachable only from
// composer.json's require-dev is a development one.
func (b *builder) installedScopes(inst *installedFile, m *manifest) {
	if inst.DevNames != nil {
		for _, e := range b.entries {
			if inst.DevNames[strings.ToLower(e.c.Name)] {
				e.c.Scope = inventory.ScopeDev
			}
		}
		return
	}
	if m == nil || len(m.RequireDev) == 0 {
		return
	}
	prod := b.reach(m.Require)
	dev := b.reach(m.RequireDev)
	for _, e := range b.entries {
		if dev[e] && !prod[e] {
			e.c.Scope = inventory.ScopeDev
		}
	}
}

// reach returns the packages reachable from the given requirements.
func (b *builder) reach(reqs []requirement) map[*entry]bool {
	seen := map[*entry]bool{}
	var stack []*entry
	for _, r := range reqs {
		if e := b.lookup(r.Name); e != nil && !seen[e] {
			seen[e] = true
			stack = append(stack, e)
		}
	}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, r := range e.meta.Require {
			if t := b.lookup(r.Name); t != nil && !seen[t] {
				seen[t] = true
				stack = append(stack, t)
			}
		}
	}
	return seen
}

// addDeclared lists the requirements of composer.json when nothing says
// which versions were chosen: components without versions, the
// constraints in a note.
func (b *builder) addDeclared(m *manifest, location, why string) {
	var constraints []string
	for _, sec := range []struct {
		reqs  []requirement
		scope inventory.Scope
	}{{m.Require, inventory.ScopeProd}, {m.RequireDev, inventory.ScopeDev}} {
		for _, r := range sec.reqs {
			e := b.add(&pkgMeta{Name: r.Name}, sec.scope, location)
			b.p.AddEdge(inventory.RootKey, e.c.Key())
			constraints = append(constraints, strings.TrimSpace(r.Name+" "+r.Constraint))
		}
	}
	if len(constraints) > 0 {
		b.p.Notes = append(b.p.Notes, listNote(why+": the direct requirements are listed without versions: ", constraints))
	}
}

// finish sorts the components so that output is stable.
func (b *builder) finish() {
	for _, c := range b.p.Components {
		sort.Strings(c.Locations)
	}
	sort.SliceStable(b.p.Components, func(i, j int) bool {
		x, y := b.p.Components[i], b.p.Components[j]
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.Version < y.Version
	})
	for k := range b.p.Edges {
		sort.Strings(b.p.Edges[k])
	}
}

// maxNoteItems bounds how many names a note lists.
const maxNoteItems = 20

// listNote joins items after prefix, sorted, naming at most maxNoteItems.
func listNote(prefix string, items []string) string {
	items = append([]string(nil), items...)
	sort.Strings(items)
	if len(items) > maxNoteItems {
		return prefix + strings.Join(items[:maxNoteItems], ", ") + fmt.Sprintf(" and %d more", len(items)-maxNoteItems)
	}
	return prefix + strings.Join(items, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
