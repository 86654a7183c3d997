package python

import (
	"sort"

	"ospo/internal/inventory"
)

// graphBuilder collects the components and edges of one project and
// settles their scopes: a component takes the strongest scope of the root
// edges it is reachable from.
type graphBuilder struct {
	p     *inventory.Project
	comps map[string]*inventory.Component
	// rootScopes are the scopes of the project's edges to each component.
	rootScopes map[string]inventory.Scope
	// preset are the scopes the input stated itself, kept for components
	// the root edges do not reach.
	preset map[string]inventory.Scope
}

func newGraphBuilder(p *inventory.Project) *graphBuilder {
	return &graphBuilder{
		p:          p,
		comps:      map[string]*inventory.Component{},
		rootScopes: map[string]inventory.Scope{},
		preset:     map[string]inventory.Scope{},
	}
}

// add records c, or folds it into the component already recorded under
// its key, and returns the recorded one.
func (g *graphBuilder) add(c *inventory.Component) *inventory.Component {
	k := c.Key()
	scope := c.Scope
	c.Scope = ""
	if have, ok := g.comps[k]; ok {
		inventory.Merge(have, c)
		c = have
	} else {
		g.comps[k] = c
	}
	if scope != "" {
		if s, ok := g.preset[k]; !ok || scope.Rank() < s.Rank() {
			g.preset[k] = scope
		}
	}
	return c
}

func (g *graphBuilder) edge(from, to string) {
	if from == to {
		return
	}
	g.p.AddEdge(from, to)
}

func (g *graphBuilder) rootEdge(to string, s inventory.Scope) {
	if s == "" {
		s = inventory.ScopeProd
	}
	g.p.AddEdge(inventory.RootKey, to)
	if have, ok := g.rootScopes[to]; !ok || s.Rank() < have.Rank() {
		g.rootScopes[to] = s
	}
}

// sortedKeys lists the component keys in a stable order.
func (g *graphBuilder) sortedKeys() []string {
	keys := make([]string, 0, len(g.comps))
	for k := range g.comps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// linkOrphans makes direct dependencies of the components nothing depends
// on, with the scope the input stated for them, and then of one component
// of every cycle still unreachable, so that every component has a path.
func (g *graphBuilder) linkOrphans() {
	keys := g.sortedKeys()
	required := map[string]bool{}
	for from, tos := range g.p.Edges {
		if from == inventory.RootKey {
			continue
		}
		for _, to := range tos {
			if to != from {
				required[to] = true
			}
		}
	}
	for _, k := range keys {
		if !required[k] {
			g.rootEdge(k, g.preset[k])
		}
	}
	reached := g.reach()
	for _, k := range keys {
		if reached[k] {
			continue
		}
		g.rootEdge(k, g.preset[k])
		g.walk(k, reached)
	}
}

func (g *graphBuilder) reach() map[string]bool {
	reached := map[string]bool{}
	for _, to := range g.p.Edges[inventory.RootKey] {
		g.walk(to, reached)
	}
	return reached
}

func (g *graphBuilder) walk(from string, seen map[string]bool) {
	stack := []string{from}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[k] {
			continue
		}
		seen[k] = true
		stack = append(stack, g.p.Edges[k]...)
	}
}

// finish settles scopes, computes the dependency paths and stores the
// components on the project, sorted by name and version.
func (g *graphBuilder) finish() {
	scoped := map[string]bool{}
	for _, s := range []inventory.Scope{inventory.ScopeProd, inventory.ScopeOptional, inventory.ScopePeer, inventory.ScopeDev} {
		var starts []string
		for k, rs := range g.rootScopes {
			if rs == s {
				starts = append(starts, k)
			}
		}
		seen := map[string]bool{}
		for _, k := range starts {
			g.walk(k, seen)
		}
		for k := range seen {
			if c, ok := g.comps[k]; ok && !scoped[k] {
				c.Scope = s
				scoped[k] = true
			}
		}
	}
	for k, c := range g.comps {
		if scoped[k] {
			continue
		}
		c.Scope = g.preset[k]
		if c.Scope == "" {
			c.Scope = inventory.ScopeProd
		}
	}
	g.p.Components = g.p.Components[:0]
	for _, k := range g.sortedKeys() {
		g.p.Components = append(g.p.Components, g.comps[k])
	}
	sort.SliceStable(g.p.Components, func(i, j int) bool {
		a, b := g.p.Components[i], g.p.Components[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	for from := range g.p.Edges {
		sort.Strings(g.p.Edges[from])
	}
	g.p.ComputePaths()
}

// lockPkg is one package of a lockfile.
type lockPkg struct {
	Name, Version string // name normalised
	Deps          []lockDep
	// Extras are the dependencies each optional feature adds.
	Extras   map[string][]lockDep
	Hashes   []inventory.Hash
	Resolved string
	// Scope is what the lockfile itself says (a dev category), "" when
	// silent.
	Scope inventory.Scope
}

// lockDep names a dependency; Version is set when the lockfile says which
// of several versions it means.
type lockDep struct {
	Name, Version string
	Extras        []string
}

// rootDep is a dependency of the project itself.
type rootDep struct {
	lockDep
	Scope inventory.Scope
}

// lockGraph builds a project from lockfile packages.
type lockGraph struct {
	g      *graphBuilder
	byName map[string][]*lockPkg
	keys   map[*lockPkg]string
	// followed marks package extras whose edges were added.
	followed map[string]bool
}

// addLock adds the packages of a lockfile at location to g, with their
// edges. roots are the project's own dependencies; when haveRoots is false
// the packages nothing depends on become direct. Root dependencies the
// lockfile does not hold are returned.
func addLock(g *graphBuilder, pkgs []*lockPkg, roots []rootDep, haveRoots bool, location string) (missing []string) {
	lg := &lockGraph{g: g, byName: map[string][]*lockPkg{}, keys: map[*lockPkg]string{}, followed: map[string]bool{}}
	for _, lp := range pkgs {
		c := &inventory.Component{
			Ecosystem: ecosystem,
			Name:      lp.Name,
			Version:   lp.Version,
			PURL:      purl(lp.Name, lp.Version),
			Scope:     lp.Scope,
			Locations: []string{location},
			Hashes:    append([]inventory.Hash(nil), lp.Hashes...),
			Resolved:  lp.Resolved,
		}
		lg.keys[lp] = g.add(c).Key()
		lg.byName[lp.Name] = append(lg.byName[lp.Name], lp)
	}
	for _, lp := range pkgs {
		for _, d := range lp.Deps {
			lg.depend(lg.keys[lp], d)
		}
	}
	if !haveRoots {
		g.linkOrphans()
		return nil
	}
	for _, r := range roots {
		targets := lg.resolve(r.lockDep)
		if len(targets) == 0 {
			missing = appendUnique(missing, r.Name)
			continue
		}
		for _, t := range targets {
			g.rootEdge(lg.keys[t], r.Scope)
			lg.followExtras(t, r.Extras)
		}
	}
	return missing
}

// resolve finds the packages a dependency names.
func (lg *lockGraph) resolve(d lockDep) []*lockPkg {
	cands := lg.byName[d.Name]
	if d.Version == "" || len(cands) <= 1 {
		return cands
	}
	var out []*lockPkg
	for _, c := range cands {
		if c.Version == d.Version {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return cands
	}
	return out
}

func (lg *lockGraph) depend(from string, d lockDep) {
	for _, t := range lg.resolve(d) {
		lg.g.edge(from, lg.keys[t])
		lg.followExtras(t, d.Extras)
	}
}

// followExtras adds the edges of the optional features of t that were
// asked for.
func (lg *lockGraph) followExtras(t *lockPkg, extras []string) {
	for _, e := range extras {
		id := lg.keys[t] + "[" + e + "]"
		if lg.followed[id] {
			continue
		}
		lg.followed[id] = true
		for _, d := range t.Extras[e] {
			lg.depend(lg.keys[t], d)
		}
	}
}
