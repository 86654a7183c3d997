package gem

import (
	"path/filepath"

	"ospo/internal/inventory"
)

// homeProject makes a project of the gems installed in one gem home that
// no Bundler project owns: a GEM_HOME, Ruby's own gem directory, a
// Debian rubygems-integration directory. Every gem there is installed
// and needed at run time; the gems no other gem requires are the direct
// ones. Default gems are part of Ruby itself; they are listed, and a note
// names them.
func (x *extraction) homeProject(home string, files []string) *inventory.Project {
	h := readHome(home, files)
	for _, fe := range h.readErr {
		x.problem(fe.Path, "cannot read gemspec: "+fe.Err.Error())
	}
	if len(h.Gems) == 0 {
		return nil
	}
	p := &inventory.Project{
		Ecosystem: ecosystem,
		Name:      x.opts.Rel(home),
		Path:      x.opts.Rel(filepath.Join(home, "specifications")),
		Source:    "installed",
	}
	byKey := map[string]*inventory.Component{}
	var defaults []string
	for _, g := range h.Gems {
		c := &inventory.Component{
			Ecosystem: ecosystem, Name: g.Name, Version: g.Version,
			PURL: purl(g.Name, g.Version, g.Platform), Scope: inventory.ScopeProd,
			Locations: []string{x.opts.Rel(g.File)},
			Dir:       g.Dir, Installed: true,
		}
		fillFromSpec(c, g.Spec)
		// Debian keeps a packaged gem's license in its copyright file,
		// not with the gem's files.
		if doc := debianDocs(home, g.Name); doc != "" {
			c.LicenseFiles = append(c.LicenseFiles, inventory.NewLicenseFile(doc, x.opts.Rel(doc), "license"))
		}
		if g.Default && !contains(defaults, c.Ref()) {
			defaults = append(defaults, c.Ref())
		}
		if have, ok := byKey[c.Key()]; ok {
			inventory.Merge(have, c)
			continue
		}
		byKey[c.Key()] = c
		p.Components = append(p.Components, c)
	}

	// Runtime dependencies name gems, not versions: RubyGems activates
	// the highest installed version that fits, taken here as the highest.
	highest := map[string]*installedGem{}
	for _, g := range h.Gems {
		if cur, ok := highest[g.Name]; !ok || compareVersions(g.Version, cur.Version) > 0 {
			highest[g.Name] = g
		}
	}
	keyOf := func(g *installedGem) string { return inventory.Key(ecosystem, g.Name, g.Version) }
	required := map[string]bool{}
	for _, g := range h.Gems {
		for _, d := range g.Spec.Runtime {
			t, ok := highest[d]
			if !ok || keyOf(t) == keyOf(g) {
				continue
			}
			p.AddEdge(keyOf(g), keyOf(t))
			required[keyOf(t)] = true
		}
	}
	for _, c := range p.Components {
		if !required[c.Key()] {
			p.AddEdge(inventory.RootKey, c.Key())
		}
	}
	if len(defaults) > 0 {
		p.Notes = append(p.Notes, listNote("default gems, shipped as part of Ruby itself: ", defaults))
	}
	sortProject(p)
	p.ComputePaths()
	return p
}
