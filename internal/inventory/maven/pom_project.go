package maven

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// maxModules bounds a reactor: the largest open source reactors have a
// few hundred modules.
const maxModules = 5000

// pomProjects groups the pom.xml files into reactors and reads each.
func (x *extraction) pomProjects(ctx context.Context, poms []string) []*inventory.Project {
	sort.Slice(poms, func(i, j int) bool {
		di, dj := strings.Count(poms[i], string(filepath.Separator)), strings.Count(poms[j], string(filepath.Separator))
		if di != dj {
			return di < dj
		}
		return poms[i] < poms[j]
	})
	claimed := map[string]bool{}
	var out []*inventory.Project
	for _, p := range poms {
		if ctx.Err() != nil {
			return nil
		}
		if claimed[p] {
			continue
		}
		claimed[p] = true
		raw, err := x.b.read(p)
		if err != nil {
			x.fail(p, err)
			continue
		}
		group, notes := x.reactor(p, raw, claimed)
		out = append(out, x.pomProject(ctx, group, notes))
	}
	return out
}

// member is one POM of a reactor.
type member struct {
	path string
	raw  *rawPOM
}

// reactor returns the POM at path and, depth first, the modules it
// aggregates that lie in the scanned tree. Modules are claimed so that
// they are not read again as projects of their own.
func (x *extraction) reactor(path string, raw *rawPOM, claimed map[string]bool) ([]member, []string) {
	group := []member{{path, raw}}
	var notes []string
	for i := 0; i < len(group) && len(group) < maxModules; i++ {
		m := group[i]
		mods := append([]string(nil), m.raw.Modules...)
		for _, pr := range m.raw.activeProfiles() {
			mods = append(mods, pr.Modules...)
		}
		for _, mod := range mods {
			if mod == "" {
				continue
			}
			mp := filepath.Join(filepath.Dir(m.path), filepath.FromSlash(mod))
			if !strings.HasSuffix(strings.ToLower(mod), ".xml") {
				mp = filepath.Join(mp, "pom.xml")
			}
			if claimed[mp] {
				continue
			}
			if fi, err := os.Stat(mp); err != nil || !fi.Mode().IsRegular() {
				notes = append(notes, fmt.Sprintf("module %s listed in %s has no POM", mod, x.show(m.path)))
				continue
			}
			real, err := filepath.EvalSymlinks(mp)
			if err != nil || !fsread.Within(real, x.realRoot) {
				notes = append(notes, fmt.Sprintf("module %s listed in %s is not in the scanned tree", mod, x.show(m.path)))
				continue
			}
			claimed[mp] = true
			mraw, err := x.b.read(mp)
			if err != nil {
				x.fail(mp, err)
				continue
			}
			group = append(group, member{mp, mraw})
		}
	}
	return group, notes
}

// pomProject reads one reactor: every member's effective model, and the
// dependencies of each resolved on their own, as Maven builds each
// module with its own classpath; the project holds them all.
func (x *extraction) pomProject(ctx context.Context, group []member, notes []string) *inventory.Project {
	models := make([]*model, len(group))
	reactor := map[string]bool{}
	for i, m := range group {
		models[i] = x.b.projectModel(m.path, m.raw)
		reactor[models[i].G+":"+models[i].A] = true
	}
	root := models[0]
	p := &inventory.Project{
		Ecosystem: ecosystem,
		Name:      root.G + ":" + root.A,
		Version:   root.V,
		Path:      x.show(group[0].path),
		Source:    "pom.xml",
	}
	t := newTree(p)
	seen := map[string]bool{}
	addNote := func(n string) {
		if !seen[n] {
			seen[n] = true
			p.Notes = append(p.Notes, n)
		}
	}
	for _, n := range notes {
		addNote(n)
	}
	for i, m := range models {
		if ctx.Err() != nil {
			break
		}
		for _, n := range m.notes {
			addNote(x.show(group[i].path) + ": " + n)
		}
		x.resolve(ctx, t, m, reactor, x.show(group[i].path))
	}
	for _, n := range t.notes() {
		addNote(n)
	}
	if len(t.resolved) > 0 {
		p.Source = "pom.xml+repository"
	}
	if len(group) > 1 {
		p.Notes = append(p.Notes, fmt.Sprintf("reactor of %d modules: their own artifacts are not components", len(group)))
	}
	sortComponents(p)
	p.ComputePaths()
	return p
}
