package maven

import (
	"context"
	"fmt"
	"strings"

	"ospo/internal/inventory"
)

// maxDepth bounds the dependency tree. Real trees rarely pass fifteen
// levels; the bound only guards against pathological repositories.
const maxDepth = 40

// mscope is a dependency's Maven scope and whether it hangs below an
// optional dependency.
type mscope struct {
	scope string
	opt   bool
	set   bool
}

// width orders Maven scopes from the widest classpath to the narrowest.
func width(scope string) int {
	switch scope {
	case "compile", "":
		return 0
	case "runtime":
		return 1
	case "provided":
		return 2
	case "system":
		return 3
	case "test":
		return 4
	}
	return 5
}

// inventoryScope maps a Maven scope to the inventory's. Provided and
// system dependencies are supplied by the runtime (a servlet container,
// the JDK) and not shipped with the project, as an optional dependency
// may not be: both are optional. Test dependencies are dev.
func (s mscope) inventoryScope() inventory.Scope {
	switch {
	case s.scope == "test":
		return inventory.ScopeDev
	case s.scope == "provided" || s.scope == "system" || s.opt:
		return inventory.ScopeOptional
	}
	return inventory.ScopeProd
}

// wider reports whether s is a wider need than o.
func (s mscope) wider(o mscope) bool {
	if !o.set {
		return s.set
	}
	if !s.set {
		return false
	}
	rs, ro := s.inventoryScope().Rank(), o.inventoryScope().Rank()
	if rs != ro {
		return rs < ro
	}
	return width(s.scope) < width(o.scope)
}

// derive is the scope a dependency declared with child gets below a
// parent of scope parent, as Maven's scope table has it.
func derive(parent mscope, child string) mscope {
	s := mscope{opt: parent.opt, set: true}
	switch parent.scope {
	case "test":
		s.scope = "test"
	case "provided", "system":
		s.scope = parent.scope
	case "runtime":
		s.scope = "runtime"
	default:
		s.scope = child
		if s.scope == "" {
			s.scope = "compile"
		}
	}
	return s
}

// node is one selected artifact of a dependency tree: the nearest
// occurrence of its group and artifact.
type node struct {
	comp  *inventory.Component
	in    []inEdge
	state mscope
}

type inEdge struct {
	from     *node // nil for the project
	scope    string
	optional bool
}

type queued struct {
	d     dependency
	from  *node
	excl  []exclusion
	depth int
}

// tree collects one project's components and edges from one or more
// resolved modules.
type tree struct {
	p          *inventory.Project
	byKey      map[string]*inventory.Component
	location   string
	unresolved map[string]bool
	noVersion  map[string]bool
	resolved   map[string]bool
	truncated  bool
}

func newTree(p *inventory.Project) *tree {
	return &tree{p: p, byKey: map[string]*inventory.Component{}, unresolved: map[string]bool{}, noVersion: map[string]bool{}, resolved: map[string]bool{}}
}

// add merges c into the project's components.
func (t *tree) add(c *inventory.Component) *inventory.Component {
	if have, ok := t.byKey[c.Key()]; ok {
		inventory.Merge(have, c)
		return have
	}
	t.byKey[c.Key()] = c
	t.p.Components = append(t.p.Components, c)
	return c
}

// resolve walks the dependencies of m with Maven's mediation: breadth
// first, the nearest declaration of a group and artifact wins, ties go
// to the first declared; exclusions apply below the dependency that
// states them; test, provided and system dependencies and optional ones
// are not followed past the first level; the project's managed versions
// and scopes apply to transitive dependencies. reactor holds the
// project's own modules, which are not components.
func (x *extraction) resolve(ctx context.Context, t *tree, m *model, reactor map[string]bool, location string) {
	nodes := map[string]*node{}
	var order []*node
	var queue []queued
	for _, d := range m.Deps {
		if reactor[d.ga()] || d.Scope == "import" {
			continue
		}
		queue = append(queue, queued{d: d, excl: d.Exclusions, depth: 1})
	}
	for len(queue) > 0 {
		if ctx.Err() != nil {
			return
		}
		q := queue[0]
		queue = queue[1:]
		d := q.d
		d.V = pinnedVersion(d.V)
		if q.depth >= 2 {
			if md := m.managed(d); md != nil {
				if md.V != "" {
					d.V = pinnedVersion(md.V)
				}
				if md.Scope != "" {
					d.Scope = md.Scope
				}
				q.excl = append(append([]exclusion(nil), q.excl...), md.Exclusions...)
			}
		}
		e := inEdge{from: q.from, scope: d.Scope, optional: d.Optional}
		if n, ok := nodes[d.ga()]; ok {
			n.in = append(n.in, e)
			t.edge(q.from, n)
			continue
		}
		var dm *model
		if concreteVersion(d.V) {
			dm = x.b.repoModel(coord{d.G, d.A, d.V})
		}
		c := x.component(d.G, d.A, d.V, dm, location)
		switch {
		case !concreteVersion(d.V):
			k := d.ga()
			if d.V != "" {
				k += " " + d.V
			}
			t.noVersion[k] = true
		case dm == nil:
			t.unresolved[c.Ref()] = true
		default:
			t.resolved[c.Ref()] = true
		}
		n := &node{comp: t.add(c), in: []inEdge{e}}
		nodes[d.ga()] = n
		order = append(order, n)
		t.edge(q.from, n)
		if dm == nil {
			continue
		}
		if q.depth >= maxDepth {
			t.truncated = true
			continue
		}
		for _, cd := range dm.Deps {
			switch cd.Scope {
			case "test", "provided", "system", "import":
				continue
			}
			if cd.Optional || excluded(q.excl, cd) || reactor[cd.ga()] {
				continue
			}
			excl := q.excl
			if len(cd.Exclusions) > 0 {
				excl = append(append([]exclusion(nil), q.excl...), cd.Exclusions...)
			}
			queue = append(queue, queued{d: cd, from: n, excl: excl, depth: q.depth + 1})
		}
	}
	// Scopes: each node takes the widest scope any of its parents hands
	// down; repeat until nothing changes (scopes only widen, so this
	// ends).
	for changed, round := true, 0; changed && round <= len(order); round++ {
		changed = false
		for _, n := range order {
			best := n.state
			for _, e := range n.in {
				var s mscope
				if e.from == nil {
					s = mscope{scope: or(e.scope, "compile"), opt: e.optional, set: true}
				} else {
					if !e.from.state.set {
						continue
					}
					s = derive(e.from.state, e.scope)
				}
				if s.wider(best) {
					best = s
				}
			}
			if best != n.state {
				n.state = best
				changed = true
			}
		}
	}
	for _, n := range order {
		sc := n.state.inventoryScope()
		if n.comp.Scope == "" || sc.Rank() < n.comp.Scope.Rank() {
			n.comp.Scope = sc
		}
	}
}

// edge records from → to in the project graph.
func (t *tree) edge(from, to *node) {
	k := inventory.RootKey
	if from != nil {
		k = from.comp.Key()
	}
	if k == to.comp.Key() {
		return
	}
	t.p.AddEdge(k, to.comp.Key())
}

// excluded reports whether d matches one of the exclusions.
func excluded(excl []exclusion, d dependency) bool {
	for _, e := range excl {
		if (e.G == "*" || e.G == d.G) && (e.A == "*" || e.A == d.A) {
			return true
		}
	}
	return false
}

// notes summarises what the resolution could not do.
func (t *tree) notes() []string {
	var out []string
	if n := len(t.unresolved); n > 0 {
		out = append(out, fmt.Sprintf("%d of %d dependencies could not be resolved offline (their POMs are not in a local Maven repository), so the graph stops there: %s",
			n, n+len(t.resolved), listSome(sortedKeys(t.unresolved), 5)))
	}
	if n := len(t.noVersion); n > 0 {
		out = append(out, fmt.Sprintf("%s no resolvable version (a range, an undefined property, or a version managed by a parent or BOM that is not available): %s",
			plural(n, "dependency has", "dependencies have"), listSome(sortedKeys(t.noVersion), 5)))
	}
	if t.truncated {
		out = append(out, fmt.Sprintf("the dependency tree is deeper than %d levels: it was cut there", maxDepth))
	}
	return out
}

func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// pinnedVersion turns the range that allows one version, [1.2.3], into
// that version. Other ranges stay as written: which version Maven picks
// depends on the remote repositories' listings.
func pinnedVersion(v string) string {
	if len(v) > 2 && v[0] == '[' && v[len(v)-1] == ']' && !strings.Contains(v, ",") {
		return strings.TrimSpace(v[1 : len(v)-1])
	}
	return v
}

// plural says "1 thing is" or "3 things are".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
