package python

import (
	"fmt"
	"sort"

	"github.com/BurntSushi/toml"

	"ospo/internal/inventory"
)

// poetryLockFile is the part of poetry.lock that ospo reads. Lock format
// 1.x keeps the file hashes in [metadata.files] and a category per
// package; 2.x keeps them in each package's files, and 2.1 replaces the
// category with the groups that need the package.
type poetryLockFile struct {
	Package []struct {
		Name         string           `toml:"name"`
		Version      string           `toml:"version"`
		Category     string           `toml:"category"`
		Optional     bool             `toml:"optional"`
		Groups       []string         `toml:"groups"`
		Files        []poetryFile     `toml:"files"`
		Dependencies map[string]any   `toml:"dependencies"`
		Extras       map[string][]any `toml:"extras"`
		Source       *struct {
			Type              string `toml:"type"`
			URL               string `toml:"url"`
			Reference         string `toml:"reference"`
			ResolvedReference string `toml:"resolved_reference"`
		} `toml:"source"`
	} `toml:"package"`
	Metadata struct {
		LockVersion string                  `toml:"lock-version"`
		Files       map[string][]poetryFile `toml:"files"`
	} `toml:"metadata"`
}

type poetryFile struct {
	File string `toml:"file"`
	Hash string `toml:"hash"`
}

// parsePoetryLock reads the packages of a poetry.lock.
func parsePoetryLock(data []byte) ([]*lockPkg, error) {
	var lf poetryLockFile
	if _, err := toml.Decode(string(data), &lf); err != nil {
		return nil, fmt.Errorf("not a poetry.lock: %w", err)
	}
	var out []*lockPkg
	for i, p := range lf.Package {
		name := normalizeName(p.Name)
		if name == "" {
			return nil, fmt.Errorf("package %d has no name", i+1)
		}
		lp := &lockPkg{Name: name, Version: p.Version}
		switch {
		case p.Category == "dev":
			lp.Scope = inventory.ScopeDev
		case len(p.Groups) > 0 && !containsString(p.Groups, "main"):
			lp.Scope = inventory.ScopeDev
		case p.Optional:
			// Only installed for an optional feature of the project.
			lp.Scope = inventory.ScopeOptional
		}
		files := p.Files
		if len(files) == 0 {
			files = lf.Metadata.Files[p.Name]
		}
		for _, f := range files {
			if h, ok := hashOf(f.Hash); ok {
				lp.Hashes = addHash(lp.Hashes, h)
			}
		}
		if s := p.Source; s != nil {
			switch s.Type {
			case "git":
				lp.Resolved = "git+" + s.URL
				if ref := firstNonEmpty(s.ResolvedReference, s.Reference); ref != "" {
					lp.Resolved += "@" + ref
				}
			case "url":
				lp.Resolved = s.URL
			}
		}
		deps := make([]string, 0, len(p.Dependencies))
		for dn := range p.Dependencies {
			deps = append(deps, dn)
		}
		sort.Strings(deps)
		for _, dn := range deps {
			d, optional := poetryDependency(dn, p.Dependencies[dn])
			// An optional dependency belongs to one of the package's
			// extras, and is reached through it when asked for.
			if d.Name == "" || optional {
				continue
			}
			lp.Deps = append(lp.Deps, d)
		}
		for extra, reqs := range p.Extras {
			for _, r := range reqs {
				s, ok := r.(string)
				if !ok {
					continue
				}
				if req, ok := parseRequirement(s); ok {
					if lp.Extras == nil {
						lp.Extras = map[string][]lockDep{}
					}
					e := normalizeName(extra)
					lp.Extras[e] = append(lp.Extras[e], lockDep{Name: req.Name, Extras: req.Extras})
				}
			}
		}
		out = append(out, lp)
	}
	return out, nil
}

// poetryDependency reads one entry of a [package.dependencies] table: a
// constraint string, a table, or a list of tables (one per environment).
// optional is true only when every form is optional.
func poetryDependency(name string, v any) (d lockDep, optional bool) {
	d.Name = normalizeName(name)
	switch t := v.(type) {
	case string:
		return d, false
	case map[string]any:
		return d.withExtras(t), t["optional"] == true
	case []any:
		optional = len(t) > 0
		for _, x := range t {
			m, ok := x.(map[string]any)
			if !ok {
				optional = false
				continue
			}
			d = d.withExtras(m)
			if m["optional"] != true {
				optional = false
			}
		}
		return d, optional
	}
	return d, false
}

func (d lockDep) withExtras(m map[string]any) lockDep {
	if es, ok := m["extras"].([]any); ok {
		for _, e := range es {
			if s, ok := e.(string); ok {
				d.Extras = appendUnique(d.Extras, normalizeName(s))
			}
		}
	}
	return d
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
