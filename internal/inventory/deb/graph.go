package deb

import (
	"fmt"
	"sort"
	"strings"

	"ospo/internal/inventory"
)

// graph resolves the relation fields of the installed packages to the
// packages that satisfy them, the way dpkg does without looking at
// versions: a name is satisfied by the package of that name or by one that
// Provides it, and of alternatives the first one installed is taken.
type graph struct {
	pkgs   []*dpkgPackage
	native string                    // the architecture most packages have
	byName map[string][]*dpkgPackage // real packages, by name
	byProv map[string][]*dpkgPackage // providers, by virtual name
	keys   map[*dpkgPackage]string   // component keys
}

func newGraph(pkgs []*dpkgPackage) *graph {
	g := &graph{
		pkgs:   pkgs,
		byName: map[string][]*dpkgPackage{},
		byProv: map[string][]*dpkgPackage{},
		keys:   map[*dpkgPackage]string{},
	}
	count := map[string]int{}
	for _, p := range pkgs {
		g.byName[p.Name] = append(g.byName[p.Name], p)
		for _, v := range p.Provides {
			g.byProv[v] = append(g.byProv[v], p)
		}
		if p.Arch != "" && p.Arch != "all" {
			count[p.Arch]++
		}
	}
	for a, n := range count {
		if n > count[g.native] || n == count[g.native] && a < g.native {
			g.native = a
		}
	}
	return g
}

// componentName is the package name, with ":arch" for a package of a
// foreign architecture as dpkg writes it ("libc6:i386"), so that the
// native and foreign builds of one version stay two components.
func (g *graph) componentName(p *dpkgPackage) string {
	if p.Arch != "" && p.Arch != "all" && g.native != "" && p.Arch != g.native {
		return p.Name + ":" + p.Arch
	}
	return p.Name
}

// components makes one component per package, in the order of pkgs.
func (g *graph) components(vendor, distro string, location func(*dpkgPackage) string) []*inventory.Component {
	comps := make([]*inventory.Component, len(g.pkgs))
	for i, p := range g.pkgs {
		c := &inventory.Component{
			Ecosystem: "deb",
			Name:      g.componentName(p),
			Version:   p.Version,
			PURL:      purlOf(vendor, distro, p),
			Scope:     inventory.ScopeProd,
			Locations: []string{location(p)},
			Supplier:  personName(p.Maintainer),
			Homepage:  p.Homepage,
			Installed: true,
		}
		g.keys[p] = c.Key()
		comps[i] = c
	}
	return comps
}

// resolve returns the installed package that satisfies rel for the
// package from, or nil.
func (g *graph) resolve(from *dpkgPackage, rel relation) *dpkgPackage {
	if c := g.pick(from, rel, g.byName[rel.Name]); c != nil {
		return c
	}
	return g.pick(from, rel, g.byProv[rel.Name])
}

// pick chooses among the candidates for rel: the one of the depending
// package's architecture, then an architecture-independent one, then the
// native one. A qualifier naming an architecture keeps only that one.
func (g *graph) pick(from *dpkgPackage, rel relation, cands []*dpkgPackage) *dpkgPackage {
	var best *dpkgPackage
	bestRank := 0
	for _, c := range cands {
		if c == from {
			continue
		}
		if rel.Arch != "" && rel.Arch != "any" && rel.Arch != "native" && c.Arch != rel.Arch {
			continue
		}
		rank := 4
		switch {
		case c.Arch == from.Arch:
			rank = 1
		case c.Arch == "all":
			rank = 2
		case c.Arch == g.native:
			rank = 3
		}
		if best == nil || rank < bestRank || rank == bestRank && c.Name < best.Name {
			best, bestRank = c, rank
		}
	}
	return best
}

// rootRank orders the candidates for a root when the graph has cycles
// that nothing outside them reaches: essential and required packages
// first, as dpkg itself sees them.
func rootRank(p *dpkgPackage) int {
	switch {
	case p.Essential:
		return 0
	case p.Priority == "required":
		return 1
	case p.Priority == "important":
		return 2
	case p.Priority == "standard":
		return 3
	}
	return 4
}

// link adds the dependency edges to proj and the root edges: every package
// no other installed package depends on is one the system was built from
// (an essential package, or one an administrator installed). It returns
// notes on the relations nothing installed satisfies.
func (g *graph) link(proj *inventory.Project) []string {
	hasParent := map[*dpkgPackage]bool{}
	children := map[*dpkgPackage][]*dpkgPackage{}
	var unresolved []string
	for _, p := range g.pkgs {
		for _, alts := range p.Depends {
			var to *dpkgPackage
			for _, r := range alts {
				if to = g.resolve(p, r); to != nil {
					break
				}
			}
			if to == nil {
				unresolved = append(unresolved, fmt.Sprintf("%s needs %s", g.componentName(p), altString(alts)))
				continue
			}
			proj.AddEdge(g.keys[p], g.keys[to])
			hasParent[to] = true
			children[p] = append(children[p], to)
		}
	}
	reached := map[*dpkgPackage]bool{}
	var visit func(p *dpkgPackage)
	visit = func(start *dpkgPackage) {
		stack := []*dpkgPackage{start}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if reached[p] {
				continue
			}
			reached[p] = true
			stack = append(stack, children[p]...)
		}
	}
	for _, p := range g.pkgs {
		if !hasParent[p] {
			proj.AddEdge(inventory.RootKey, g.keys[p])
			visit(p)
		}
	}
	// Packages only reached from each other (a cycle of mutual
	// dependencies) get a root too, chosen by priority then name.
	rest := []*dpkgPackage{}
	for _, p := range g.pkgs {
		if !reached[p] {
			rest = append(rest, p)
		}
	}
	sort.SliceStable(rest, func(i, j int) bool {
		ri, rj := rootRank(rest[i]), rootRank(rest[j])
		if ri != rj {
			return ri < rj
		}
		return rest[i].Name < rest[j].Name
	})
	for _, p := range rest {
		if !reached[p] {
			proj.AddEdge(inventory.RootKey, g.keys[p])
			visit(p)
		}
	}
	if len(unresolved) == 0 {
		return nil
	}
	what := fmt.Sprintf("%d dependencies are", len(unresolved))
	if len(unresolved) == 1 {
		what = "1 dependency is"
	}
	return []string{fmt.Sprintf("%s not satisfied by any installed package: %s", what, listSome(unresolved))}
}

func altString(alts []relation) string {
	s := make([]string, len(alts))
	for i, r := range alts {
		s[i] = r.String()
	}
	return strings.Join(s, " | ")
}
