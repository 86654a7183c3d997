package python

import (
	"fmt"
	"sort"

	"github.com/BurntSushi/toml"

	"ospo/internal/inventory"
)

type uvDep struct {
	Name    string   `toml:"name"`
	Version string   `toml:"version"`
	Extra   []string `toml:"extra"`
}

type uvArtifact struct {
	URL  string `toml:"url"`
	Path string `toml:"path"`
	Hash string `toml:"hash"`
}

// uvLockFile is the part of uv.lock that ospo reads.
type uvLockFile struct {
	Version  int `toml:"version"`
	Manifest struct {
		Members []string `toml:"members"`
	} `toml:"manifest"`
	Package []struct {
		Name                 string             `toml:"name"`
		Version              string             `toml:"version"`
		Source               map[string]any     `toml:"source"`
		Dependencies         []uvDep            `toml:"dependencies"`
		OptionalDependencies map[string][]uvDep `toml:"optional-dependencies"`
		DevDependencies      map[string][]uvDep `toml:"dev-dependencies"`
		Sdist                *uvArtifact        `toml:"sdist"`
		Wheels               []uvArtifact       `toml:"wheels"`
	} `toml:"package"`
}

// uvLock is what a uv.lock says: its packages, and the dependencies of the
// project's own packages (the workspace members), which are the roots.
type uvLock struct {
	Pkgs  []*lockPkg
	Roots []rootDep
	// Name and Version are those of the member at the lockfile's own
	// directory, when there is one.
	Name, Version string
	HaveRoots     bool
}

// parseUVLock reads a uv.lock. The project's own packages (source virtual
// or editable, at "." or listed as workspace members) are not
// components: their dependencies are the project's.
func parseUVLock(data []byte) (*uvLock, error) {
	var lf uvLockFile
	if _, err := toml.Decode(string(data), &lf); err != nil {
		return nil, fmt.Errorf("not a uv.lock: %w", err)
	}
	members := map[string]bool{}
	for _, m := range lf.Manifest.Members {
		members[normalizeName(m)] = true
	}
	out := &uvLock{}
	type member struct {
		deps  []rootDep
		name  string
		local bool
	}
	var ms []member
	for i, p := range lf.Package {
		name := normalizeName(p.Name)
		if name == "" {
			return nil, fmt.Errorf("package %d has no name", i+1)
		}
		local, at := uvLocalSource(p.Source)
		if local && (at == "." || members[name]) {
			m := member{name: name, local: at == "."}
			if m.local && out.Name == "" {
				out.Name, out.Version = p.Name, p.Version
			}
			for _, d := range p.Dependencies {
				m.deps = append(m.deps, rootDep{uvLockDep(d), inventory.ScopeProd})
			}
			for _, extra := range sortedKeys(p.OptionalDependencies) {
				for _, d := range p.OptionalDependencies[extra] {
					m.deps = append(m.deps, rootDep{uvLockDep(d), inventory.ScopeOptional})
				}
			}
			for _, group := range sortedKeys(p.DevDependencies) {
				for _, d := range p.DevDependencies[group] {
					m.deps = append(m.deps, rootDep{uvLockDep(d), inventory.ScopeDev})
				}
			}
			ms = append(ms, m)
			continue
		}
		lp := &lockPkg{Name: name, Version: p.Version}
		for _, d := range p.Dependencies {
			lp.Deps = append(lp.Deps, uvLockDep(d))
		}
		for extra, deps := range p.OptionalDependencies {
			if lp.Extras == nil {
				lp.Extras = map[string][]lockDep{}
			}
			e := normalizeName(extra)
			for _, d := range deps {
				lp.Extras[e] = append(lp.Extras[e], uvLockDep(d))
			}
		}
		if p.Sdist != nil {
			if h, ok := hashOf(p.Sdist.Hash); ok {
				lp.Hashes = addHash(lp.Hashes, h)
			}
		}
		for _, w := range p.Wheels {
			if h, ok := hashOf(w.Hash); ok {
				lp.Hashes = addHash(lp.Hashes, h)
			}
		}
		lp.Resolved = uvResolved(p.Source, p.Sdist, p.Wheels)
		out.Pkgs = append(out.Pkgs, lp)
	}
	// A member that depends on another member depends on what that one
	// needs; the members themselves are no components.
	byMember := map[string]int{}
	for i, m := range ms {
		byMember[m.name] = i
	}
	seen := map[string]bool{}
	var expand func(deps []rootDep, scope inventory.Scope)
	expand = func(deps []rootDep, scope inventory.Scope) {
		for _, d := range deps {
			s := d.Scope
			if scope.Rank() > s.Rank() {
				s = scope
			}
			if j, ok := byMember[d.Name]; ok {
				id := d.Name + "/" + string(s)
				if !seen[id] {
					seen[id] = true
					expand(ms[j].deps, s)
				}
				continue
			}
			d.Scope = s
			out.Roots = append(out.Roots, d)
		}
	}
	for _, m := range ms {
		if seen[m.name+"/"+string(inventory.ScopeProd)] {
			continue
		}
		seen[m.name+"/"+string(inventory.ScopeProd)] = true
		expand(m.deps, inventory.ScopeProd)
	}
	out.HaveRoots = len(ms) > 0
	if out.Name == "" && len(ms) > 0 {
		// No package at the lockfile's own directory: the first
		// workspace member names the project.
		for _, p := range lf.Package {
			if normalizeName(p.Name) == ms[0].name {
				out.Name, out.Version = p.Name, p.Version
				break
			}
		}
	}
	return out, nil
}

func uvLockDep(d uvDep) lockDep {
	ld := lockDep{Name: normalizeName(d.Name), Version: d.Version}
	for _, e := range d.Extra {
		ld.Extras = appendUnique(ld.Extras, normalizeName(e))
	}
	return ld
}

// uvLocalSource reports whether a package comes from the project's own
// tree (virtual or editable), and at which path.
func uvLocalSource(src map[string]any) (bool, string) {
	for _, k := range []string{"virtual", "editable"} {
		if v, ok := src[k].(string); ok {
			return true, v
		}
	}
	return false, ""
}

// uvResolved is where the artifact comes from: the source archive, else
// the first wheel, else the version control or URL source.
func uvResolved(src map[string]any, sdist *uvArtifact, wheels []uvArtifact) string {
	if g, ok := src["git"].(string); ok {
		return "git+" + g
	}
	if u, ok := src["url"].(string); ok {
		return u
	}
	if _, ok := src["registry"]; !ok {
		return ""
	}
	if sdist != nil && sdist.URL != "" {
		return sdist.URL
	}
	for _, w := range wheels {
		if w.URL != "" {
			return w.URL
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
