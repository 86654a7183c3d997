package npm

import (
	"fmt"
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
)

// builder turns package sightings into a project's components: one per
// name@version, with every place it was found, and edges between them.
type builder struct {
	p     *inventory.Project
	show  func(string) string
	byKey map[string]*inventory.Component
	// unreached are installed packages nothing in the project requires.
	unreached map[string]bool
}

func newBuilder(p *inventory.Project, show func(string) string) *builder {
	return &builder{p: p, show: show, byKey: map[string]*inventory.Component{}, unreached: map[string]bool{}}
}

var scopeOf = [...]inventory.Scope{
	kindProd:     inventory.ScopeProd,
	kindOptional: inventory.ScopeOptional,
	kindPeer:     inventory.ScopePeer,
	kindDev:      inventory.ScopeDev,
}

// component returns the component for name@version, creating it, and
// its key.
func (b *builder) component(name, version string) (*inventory.Component, string, bool) {
	k := key(name, version)
	if c, ok := b.byKey[k]; ok {
		return c, k, false
	}
	c := &inventory.Component{Ecosystem: "npm", Name: name, Version: version, PURL: purl(name, version)}
	b.byKey[k] = c
	b.p.Components = append(b.p.Components, c)
	return c, k, true
}

// setScope keeps the strongest scope seen.
func setScope(c *inventory.Component, s inventory.Scope) {
	if c.Scope == "" || s.Rank() < c.Scope.Rank() {
		c.Scope = s
	}
}

func key(name, version string) string { return inventory.Key("npm", name, version) }

// addInstalled adds the packages of an installed tree.
func (b *builder) addInstalled(t *installedTree) {
	for _, pd := range t.Pkgs {
		pd.key = key(pd.M.Name, pd.M.Version)
	}
	reached := make(map[string]bool, len(t.Pkgs))
	for _, pd := range t.Pkgs {
		m := pd.M
		c, k, fresh := b.component(m.Name, m.Version)
		if fresh {
			c.Installed = true
			c.Dir = pd.Real
			fillFromManifest(c, m)
		}
		c.Locations = append(c.Locations, b.show(pd.Real))
		if pd.reached {
			setScope(c, scopeOf[pd.scope])
			reached[k] = true
		}
		for _, e := range pd.Edges {
			if e.To.key != k {
				b.p.AddEdge(k, e.To.key)
			}
		}
	}
	for _, e := range t.RootEdges {
		b.p.AddEdge(inventory.RootKey, e.To.key)
	}
	for k, c := range b.byKey {
		if !reached[k] {
			// Present on disk, so shipped with node_modules: count it as
			// needed rather than hide it.
			setScope(c, inventory.ScopeProd)
			b.unreached[c.Ref()] = true
		}
	}
}

func fillFromManifest(c *inventory.Component, m *manifest) {
	c.DeclaredLicenses = append([]string(nil), m.Licenses...)
	c.Supplier = m.Supplier
	c.Homepage = m.Homepage
	c.Repository = m.Repository
	c.Funding = append([]string(nil), m.Funding...)
	c.Hashes = parseIntegrity(m.Integrity)
	c.Resolved = m.Resolved
}

// lockIndex maps name@version to the lockfile's packages of that name and
// version, skipping workspace links.
func lockIndex(g *lockGraph) map[string][]*lockPackage {
	idx := make(map[string][]*lockPackage, len(g.Packages))
	for _, lp := range g.Packages {
		if lp.Workspace || lp.Name == "" || lp.Version == "" {
			continue
		}
		k := key(lp.Name, lp.Version)
		idx[k] = append(idx[k], lp)
	}
	return idx
}

// enrich adds what the lockfile knows and the installed package.json
// files do not: integrity, download address, a declared license.
func (b *builder) enrich(idx map[string][]*lockPackage) {
	for k, c := range b.byKey {
		for _, lp := range idx[k] {
			addLockFacts(c, lp)
		}
	}
}

func addLockFacts(c *inventory.Component, lp *lockPackage) {
	for _, h := range parseIntegrity(lp.Integrity) {
		if !hasHash(c.Hashes, h) {
			c.Hashes = append(c.Hashes, h)
		}
	}
	if c.Resolved == "" {
		c.Resolved = lp.Resolved
	}
	if len(c.DeclaredLicenses) == 0 && lp.License != "" {
		c.DeclaredLicenses = []string{lp.License}
	}
}

func hasHash(hs []inventory.Hash, h inventory.Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// maxNoteNames bounds how many packages one note names.
const maxNoteNames = 20

func listNote(prefix string, items []string) string {
	sort.Strings(items)
	s := prefix + strings.Join(items[:min(len(items), maxNoteNames)], ", ")
	if len(items) > maxNoteNames {
		s += fmt.Sprintf(" and %d more", len(items)-maxNoteNames)
	}
	return s
}

// diff notes where the installed tree and the lockfile disagree: packages
// installed but not locked, locked but not installed, and names whose
// installed and locked versions differ. Optional packages locked but not
// installed are expected: they are for other platforms.
func (b *builder) diff(g *lockGraph, idx map[string][]*lockPackage, lockName string, importers []*pkgDir) {
	extra := map[string][]string{} // name → versions installed, not locked
	for k, c := range b.byKey {
		if idx[k] == nil {
			extra[c.Name] = append(extra[c.Name], c.Version)
		}
	}
	var candidates []*lockPackage // one per name@version locked, not installed
	for k, lps := range idx {
		if _, ok := b.byKey[k]; !ok {
			candidates = append(candidates, lps...)
		}
	}
	var scopes map[string]depKind
	missing := map[string][]string{}
	optionalOnly := map[string]bool{}
	for _, lp := range candidates {
		k := key(lp.Name, lp.Version)
		optional := lp.ScopeKnown && lp.Optional && !lp.Dev && !lp.Peer
		if !lp.ScopeKnown {
			if scopes == nil {
				scopes = lockScopes(g, lockRootEdges(g, importers, importerRels(importers)))
			}
			optional = scopes[lp.ID] == kindOptional
		}
		if seen, ok := optionalOnly[k]; !ok || seen {
			optionalOnly[k] = optional
		}
	}
	for _, lp := range candidates {
		k := key(lp.Name, lp.Version)
		if optionalOnly[k] {
			continue
		}
		optionalOnly[k] = true // listed once
		missing[lp.Name] = append(missing[lp.Name], lp.Version)
	}
	var notLocked, notInstalled, mismatch []string
	for name, vs := range extra {
		sort.Strings(vs)
		if ms := missing[name]; len(ms) > 0 {
			sort.Strings(ms)
			mismatch = append(mismatch, fmt.Sprintf("%s installed %s, locked %s", name, strings.Join(vs, ", "), strings.Join(ms, ", ")))
			delete(missing, name)
			continue
		}
		for _, v := range vs {
			notLocked = append(notLocked, name+"@"+v)
		}
	}
	for name, vs := range missing {
		for _, v := range vs {
			notInstalled = append(notInstalled, name+"@"+v)
		}
	}
	if len(notLocked) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("installed but not in "+lockName+": ", notLocked))
	}
	if len(notInstalled) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("in "+lockName+" but not installed: ", notInstalled))
	}
	if len(mismatch) > 0 {
		b.p.Notes = append(b.p.Notes, listNote("version differs from "+lockName+": ", mismatch))
	}
}

// lockEdge is a direct dependency of an importer in a lockfile.
type lockEdge struct {
	to   string
	kind depKind
}

// lockRootEdges lists the importers' direct dependencies. When the
// lockfile names none (package-lock v1 records no root), they are
// resolved from the importers' package.json by install path.
func lockRootEdges(g *lockGraph, importers []*pkgDir, rels []string) []lockEdge {
	var out []lockEdge
	for _, imp := range g.Importers {
		for _, l := range []struct {
			ids  []string
			kind depKind
		}{{imp.Prod, kindProd}, {imp.Optional, kindOptional}, {imp.Peer, kindPeer}, {imp.Dev, kindDev}} {
			for _, id := range l.ids {
				out = append(out, lockEdge{id, l.kind})
			}
		}
	}
	if len(out) > 0 || len(importers) == 0 {
		return out
	}
	byPath := make(map[string]string, len(g.Packages))
	for id, lp := range g.Packages {
		if lp.InstallPath != "" {
			byPath[lp.InstallPath] = id
		}
	}
	lookup := func(p string) (string, bool) { id, ok := byPath[p]; return id, ok }
	for i, imp := range importers {
		if imp.M == nil {
			continue
		}
		for _, d := range imp.M.Deps {
			if id, ok := resolveInstallPath(rels[i], d.Name, lookup); ok {
				out = append(out, lockEdge{id, d.Kind})
			}
		}
	}
	return out
}

// lockScopes gives every lockfile package its scope: from the lockfile's
// flags when it states them, else the strongest kind by which an
// importer reaches the package (dependencies inherit the kind).
func lockScopes(g *lockGraph, roots []lockEdge) map[string]depKind {
	out := make(map[string]depKind, len(g.Packages))
	derived := map[string]depKind{}
	known := true
	for _, lp := range g.Packages {
		known = known && lp.ScopeKnown
	}
	for k := kindProd; k <= kindDev && !known; k++ {
		var queue []string
		visit := func(id string) {
			if _, seen := derived[id]; seen {
				return
			}
			if _, ok := g.Packages[id]; !ok {
				return
			}
			derived[id] = k
			queue = append(queue, id)
		}
		for _, e := range roots {
			if e.kind <= k {
				visit(e.to)
			}
		}
		for len(queue) > 0 {
			id := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			for _, d := range g.Packages[id].Deps {
				visit(d)
			}
		}
	}
	for id, lp := range g.Packages {
		switch {
		case lp.ScopeKnown && lp.Dev:
			out[id] = kindDev
		case lp.ScopeKnown && lp.Peer:
			out[id] = kindPeer
		case lp.ScopeKnown && lp.Optional:
			out[id] = kindOptional
		case lp.ScopeKnown:
			out[id] = kindProd
		default:
			k, ok := derived[id]
			if !ok {
				k = kindProd
			}
			if lp.Optional && k == kindProd {
				k = kindOptional
			}
			out[id] = k
		}
	}
	return out
}

// addLock adds the packages of a lockfile when nothing is installed.
func (b *builder) addLock(g *lockGraph, where string, importers []*pkgDir) {
	roots := lockRootEdges(g, importers, importerRels(importers))
	scopes := lockScopes(g, roots)
	ids := make([]string, 0, len(g.Packages))
	for id := range g.Packages {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	keyOf := func(id string) (string, bool) {
		lp := g.Packages[id]
		if lp == nil || lp.Workspace || lp.Name == "" || lp.Version == "" {
			return "", false
		}
		return key(lp.Name, lp.Version), true
	}
	for _, id := range ids {
		lp := g.Packages[id]
		k, ok := keyOf(id)
		if !ok {
			continue
		}
		c, _, fresh := b.component(lp.Name, lp.Version)
		if fresh {
			c.Locations = []string{where}
		}
		setScope(c, scopeOf[scopes[id]])
		addLockFacts(c, lp)
		for _, d := range lp.Deps {
			if to, ok := keyOf(d); ok && to != k {
				b.p.AddEdge(k, to)
			}
		}
	}
	for _, e := range roots {
		if to, ok := keyOf(e.to); ok {
			b.p.AddEdge(inventory.RootKey, to)
		}
	}
}

// addDeclared lists the declared dependencies of a project that was
// neither installed nor locked. Their versions are unknown: the
// components say so with an empty version.
func (b *builder) addDeclared(importers []*pkgDir, g *group, why string) {
	ours := map[string]bool{}
	for _, imp := range importers {
		if imp.M != nil && imp.M.Name != "" {
			ours[imp.M.Name] = true
		}
	}
	paths := append([]*manifestFile{g.root}, g.members...)
	declared := false
	for i, imp := range importers {
		if imp.M == nil {
			continue
		}
		for _, d := range imp.M.Deps {
			if ours[d.Name] || strings.HasPrefix(d.Range, "workspace:") {
				continue
			}
			c, k, _ := b.component(d.Name, "")
			declared = true
			setScope(c, scopeOf[d.Kind])
			loc := b.show(paths[i].path)
			if !contains(c.Locations, loc) {
				c.Locations = append(c.Locations, loc)
			}
			b.p.AddEdge(inventory.RootKey, k)
		}
	}
	if declared {
		b.p.Notes = append(b.p.Notes, why+": the declared dependencies are listed without versions")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// finish sorts what was gathered so that output is stable, and notes the
// installed packages nothing requires.
func (b *builder) finish() {
	if len(b.unreached) > 0 {
		var names []string
		for r := range b.unreached {
			names = append(names, r)
		}
		b.p.Notes = append(b.p.Notes, listNote("installed but required by nothing in the project: ", names))
	}
	for _, c := range b.p.Components {
		sort.Strings(c.Locations)
	}
	sort.Slice(b.p.Components, func(i, j int) bool {
		x, y := b.p.Components[i], b.p.Components[j]
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.Version < y.Version
	})
	for _, tos := range b.p.Edges {
		sort.Strings(tos)
	}
}

// purl is the package URL of an npm package: the scope is the namespace.
func purl(name, version string) string {
	ns, n := "", name
	if strings.HasPrefix(name, "@") {
		if i := strings.IndexByte(name, '/'); i > 0 {
			ns, n = name[:i], name[i+1:]
		}
	}
	return packageurl.NewPackageURL(packageurl.TypeNPM, ns, n, version, nil, "").ToString()
}

// parseIntegrity reads an integrity value: SRI ("sha512-<base64>", several
// separated by spaces) as npm, yarn and pnpm write it, or yarn berry's
// "<cache key>/<hex sha512>".
func parseIntegrity(s string) []inventory.Hash {
	var out []inventory.Hash
	for _, f := range strings.Fields(s) {
		alg, val, ok := strings.Cut(f, "-")
		if ok {
			if i := strings.IndexByte(val, '?'); i >= 0 {
				val = val[:i] // SRI options
			}
			switch alg {
			case "sha1":
				out = append(out, inventory.Hash{Algorithm: "SHA-1", Value: val})
			case "sha256":
				out = append(out, inventory.Hash{Algorithm: "SHA-256", Value: val})
			case "sha384":
				out = append(out, inventory.Hash{Algorithm: "SHA-384", Value: val})
			case "sha512":
				out = append(out, inventory.Hash{Algorithm: "SHA-512", Value: val})
			}
			continue
		}
		if _, hex, ok := strings.Cut(f, "/"); ok && len(hex) == 128 && isHex(hex) {
			out = append(out, inventory.Hash{Algorithm: "SHA-512", Value: hex})
		}
	}
	return out
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
