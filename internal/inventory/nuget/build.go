package nuget

import (
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
)

// ecosystem is the PURL type of NuGet packages, used as the ecosystem name.
const ecosystem = "nuget"

// purl is pkg:nuget/<Id>@<version>. NuGet ids are not case-sensitive, but
// the PURL keeps the spelling the project wrote, as the vulnerability
// databases do.
func purl(name, version string) string {
	return packageurl.NewPackageURL(packageurl.TypeNuget, "", name, version, nil, "").ToString()
}

// builder turns package sightings into a project's components: one per
// id@version whatever the case of either, with the edges between them.
type builder struct {
	p    *inventory.Project
	byID map[string]*inventory.Component // lower-case name@version
	// dev holds the keys of direct dependencies that are development
	// dependencies; what only they reach is development scope too.
	dev map[string]bool
	// direct, when not nil, holds the keys the manifest itself calls
	// direct; it replaces what the graph says (see finish).
	direct map[string]bool
	// test marks a test project: none of its packages ships.
	test bool
	// installed finds a package's files on disk; nil finds nothing.
	installed func(name, version string) *installedPackage
	opts      inventory.Options
}

// newBuilder starts the components of p. Packages found by installed get
// their metadata and license from there as they are added.
func newBuilder(p *inventory.Project, installed func(name, version string) *installedPackage, opts inventory.Options) *builder {
	return &builder{p: p, byID: map[string]*inventory.Component{}, dev: map[string]bool{}, installed: installed, opts: opts}
}

// component returns the component name@version, creating it on first
// sight, and records where it was seen.
func (b *builder) component(name, version, location string) (*inventory.Component, string) {
	id := strings.ToLower(name) + "@" + strings.ToLower(version)
	c, ok := b.byID[id]
	if !ok {
		var pkg *installedPackage
		if b.installed != nil {
			pkg = b.installed(name, version)
		}
		// The package's own spelling of its id wins over a reference
		// written in another case, so that projects agree on the name.
		if pkg != nil && pkg.Spec != nil && pkg.Spec.ID != name && strings.EqualFold(pkg.Spec.ID, name) {
			name = pkg.Spec.ID
		}
		c = &inventory.Component{
			Ecosystem: ecosystem,
			Name:      name,
			Version:   version,
			PURL:      purl(name, version),
		}
		if pkg != nil {
			pkg.apply(c, b.opts)
		}
		b.byID[id] = c
		b.p.Components = append(b.p.Components, c)
	}
	if location != "" {
		c.Locations = appendNew(c.Locations, location)
	}
	return c, c.Key()
}

// addHash records an integrity hash of the component's package.
func addHash(c *inventory.Component, alg, value string) {
	if value == "" {
		return
	}
	h := inventory.Hash{Algorithm: alg, Value: value}
	for _, x := range c.Hashes {
		if x == h {
			return
		}
	}
	c.Hashes = append(c.Hashes, h)
}

// finish gives every component its scope, orders the components and
// computes the dependency paths.
//
// A component reachable from a direct dependency that is not a
// development dependency is needed in production; one reachable only from
// development dependencies is development scope; one the graph does not
// reach at all is counted as production rather than hidden. In a test
// project everything is development scope.
func (b *builder) finish() {
	p := b.p
	var prodRoots, devRoots []string
	for _, to := range p.Edges[inventory.RootKey] {
		if b.dev[to] {
			devRoots = append(devRoots, to)
		} else {
			prodRoots = append(prodRoots, to)
		}
	}
	prod, dev := b.reach(prodRoots), b.reach(devRoots)
	for _, c := range p.Components {
		k := c.Key()
		switch {
		case b.test:
			c.Scope = inventory.ScopeDev
		case prod[k]:
			c.Scope = inventory.ScopeProd
		case dev[k]:
			c.Scope = inventory.ScopeDev
		default:
			c.Scope = inventory.ScopeProd
		}
	}
	sort.SliceStable(p.Components, func(i, j int) bool {
		a, c := p.Components[i], p.Components[j]
		if !strings.EqualFold(a.Name, c.Name) {
			return lessFold(a.Name, c.Name)
		}
		return a.Version < c.Version
	})
	for from := range p.Edges {
		sort.Strings(p.Edges[from])
	}
	p.ComputePaths()
	if b.direct != nil {
		for _, c := range p.Components {
			c.Direct = b.direct[c.Key()]
		}
	}
}

// reach returns the keys reachable from start, start included.
func (b *builder) reach(start []string) map[string]bool {
	seen := map[string]bool{}
	queue := append([]string(nil), start...)
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		if seen[k] {
			continue
		}
		seen[k] = true
		queue = append(queue, b.p.Edges[k]...)
	}
	return seen
}
