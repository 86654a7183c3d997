package apk

import (
	"fmt"
	"sort"

	"ospo/internal/inventory"
)

// graph resolves dependency names to installed packages the way apk does:
// a name is satisfied by the package of that name, or else by a package
// that provides it (shared libraries "so:", commands "cmd:", pkg-config
// modules "pc:", paths such as /bin/sh), the one with the highest provider
// priority first.
type graph struct {
	pkgs   []*apkPackage
	byName map[string]*apkPackage
	byProv map[string][]*apkPackage
	keys   map[*apkPackage]string
}

func newGraph(pkgs []*apkPackage) *graph {
	g := &graph{
		pkgs:   pkgs,
		byName: map[string]*apkPackage{},
		byProv: map[string][]*apkPackage{},
		keys:   map[*apkPackage]string{},
	}
	for _, p := range pkgs {
		g.byName[p.Name] = p
		for _, v := range p.Provides {
			g.byProv[v] = append(g.byProv[v], p)
		}
	}
	for _, ps := range g.byProv {
		sort.SliceStable(ps, func(i, j int) bool {
			if ps[i].Priority != ps[j].Priority {
				return ps[i].Priority > ps[j].Priority
			}
			return ps[i].Name < ps[j].Name
		})
	}
	return g
}

// resolve returns the installed package that satisfies name, or nil.
func (g *graph) resolve(name string) *apkPackage {
	if p, ok := g.byName[name]; ok {
		return p
	}
	if ps := g.byProv[name]; len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// link adds the dependency edges and the root edges to proj. The roots are
// what the world file asks for, when there is one, and every package that
// nothing else needs. It returns notes on names nothing satisfies and on
// packages installed without a reason.
func (g *graph) link(proj *inventory.Project, world []string, hasWorld bool) []string {
	var notes []string
	hasParent := map[*apkPackage]bool{}
	children := map[*apkPackage][]*apkPackage{}
	var unresolved []string
	for _, p := range g.pkgs {
		for _, d := range p.Depends {
			to := g.resolve(d)
			if to == nil {
				unresolved = append(unresolved, p.Name+" needs "+d)
				continue
			}
			if to == p {
				continue
			}
			proj.AddEdge(g.keys[p], g.keys[to])
			hasParent[to] = true
			children[p] = append(children[p], to)
		}
	}
	reached := map[*apkPackage]bool{}
	visit := func(start *apkPackage) {
		stack := []*apkPackage{start}
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
	root := func(p *apkPackage) {
		proj.AddEdge(inventory.RootKey, g.keys[p])
		visit(p)
	}
	var missing []string
	for _, w := range world {
		p := g.resolve(w)
		if p == nil {
			missing = append(missing, w)
			continue
		}
		root(p)
	}
	var orphans []string
	for _, p := range g.pkgs {
		if !hasParent[p] && !reached[p] {
			if hasWorld && !p.InstallIf {
				orphans = append(orphans, p.Name)
			}
			root(p)
		}
	}
	// What only a cycle reaches gets a root too, by name.
	var rest []*apkPackage
	for _, p := range g.pkgs {
		if !reached[p] {
			rest = append(rest, p)
		}
	}
	sort.SliceStable(rest, func(i, j int) bool { return rest[i].Name < rest[j].Name })
	for _, p := range rest {
		if !reached[p] {
			root(p)
		}
	}
	if len(unresolved) > 0 {
		notes = append(notes, fmt.Sprintf("%s not satisfied by any installed package: %s", count(len(unresolved), "dependency is", "dependencies are"), listSome(unresolved)))
	}
	if len(missing) > 0 {
		notes = append(notes, fmt.Sprintf("etc/apk/world asks for %s that no installed package provides: %s", count(len(missing), "name", "names"), listSome(missing)))
	}
	if len(orphans) > 0 {
		notes = append(notes, fmt.Sprintf("%s neither in etc/apk/world nor needed by another package: %s", count(len(orphans), "package is", "packages are"), listSome(orphans)))
	}
	return notes
}
