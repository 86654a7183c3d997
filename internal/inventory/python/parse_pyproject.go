package python

import (
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"

	"ospo/internal/inventory"
)

// pyproject is what a pyproject.toml says about a project and what it
// depends on directly.
type pyproject struct {
	Name, Version string
	// Declared is set when the file describes a project ([project] or
	// [tool.poetry]) rather than only configuring tools.
	Declared bool
	Poetry   bool
	Deps     []pyDep
}

// pyDep is one direct requirement; Version is set when it pins one.
type pyDep struct {
	rootDep
	URL string
}

// parsePyproject reads the PEP 621 [project] table (dependencies and
// optional-dependencies), PEP 735 [dependency-groups], uv's and PDM's
// development dependencies, and Poetry's [tool.poetry] dependencies,
// dev-dependencies and groups.
func parsePyproject(data []byte) (*pyproject, error) {
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, fmt.Errorf("not a pyproject.toml: %w", err)
	}
	pp := &pyproject{}
	proj, _ := doc["project"].(map[string]any)
	tool, _ := doc["tool"].(map[string]any)
	poetry, _ := tool["poetry"].(map[string]any)
	if proj != nil {
		pp.Declared = true
		pp.Name, _ = proj["name"].(string)
		pp.Version, _ = proj["version"].(string)
	}
	if poetry != nil {
		pp.Declared, pp.Poetry = true, true
		if pp.Name == "" {
			pp.Name, _ = poetry["name"].(string)
		}
		if pp.Version == "" {
			pp.Version, _ = poetry["version"].(string)
		}
	}
	self := normalizeName(pp.Name)
	extras := map[string][]any{}
	if proj != nil {
		if od, ok := proj["optional-dependencies"].(map[string]any); ok {
			for k, v := range od {
				l, _ := v.([]any)
				extras[normalizeName(k)] = l
			}
		}
	}
	seen := map[string]bool{}
	var addReqs func(list []any, scope inventory.Scope, depth int)
	addReqs = func(list []any, scope inventory.Scope, depth int) {
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				continue
			}
			r, ok := parseRequirement(s)
			if !ok {
				continue
			}
			if r.Name == self && self != "" {
				// The project asking for its own extras.
				for _, e := range r.Extras {
					id := e + "/" + string(scope)
					if !seen[id] && depth < 8 {
						seen[id] = true
						addReqs(extras[e], scope, depth+1)
					}
				}
				continue
			}
			d := pyDep{rootDep: rootDep{lockDep{Name: r.Name, Extras: r.Extras}, scope}, URL: r.URL}
			if r.URL == "" {
				d.Version = pinnedVersion(r.Specifier)
			}
			pp.Deps = append(pp.Deps, d)
		}
	}
	if proj != nil {
		deps, _ := proj["dependencies"].([]any)
		addReqs(deps, inventory.ScopeProd, 0)
		for _, e := range sortedKeys(extras) {
			addReqs(extras[e], inventory.ScopeOptional, 0)
		}
	}
	if groups, ok := doc["dependency-groups"].(map[string]any); ok {
		for _, g := range sortedKeys(groups) {
			addReqs(dependencyGroup(groups, g, 0), inventory.ScopeDev, 0)
		}
	}
	if uv, ok := tool["uv"].(map[string]any); ok {
		dd, _ := uv["dev-dependencies"].([]any)
		addReqs(dd, inventory.ScopeDev, 0)
	}
	if pdm, ok := tool["pdm"].(map[string]any); ok {
		if dd, ok := pdm["dev-dependencies"].(map[string]any); ok {
			for _, g := range sortedKeys(dd) {
				l, _ := dd[g].([]any)
				addReqs(l, inventory.ScopeDev, 0)
			}
		}
	}
	if poetry != nil {
		pp.addPoetry(poetry["dependencies"], inventory.ScopeProd)
		pp.addPoetry(poetry["dev-dependencies"], inventory.ScopeDev)
		if groups, ok := poetry["group"].(map[string]any); ok {
			for _, g := range sortedKeys(groups) {
				gt, _ := groups[g].(map[string]any)
				scope := inventory.ScopeDev
				if g == "main" {
					scope = inventory.ScopeProd
				}
				pp.addPoetry(gt["dependencies"], scope)
			}
		}
	}
	return pp, nil
}

// dependencyGroup lists the requirements of a PEP 735 group, with the
// groups it includes.
func dependencyGroup(groups map[string]any, name string, depth int) []any {
	list, _ := groups[name].([]any)
	if depth > 8 {
		return nil
	}
	var out []any
	for _, x := range list {
		if t, ok := x.(map[string]any); ok {
			if inc, ok := t["include-group"].(string); ok {
				out = append(out, dependencyGroup(groups, inc, depth+1)...)
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// addPoetry reads a Poetry dependency table: name = "constraint", or a
// table (version, optional, extras, git, url, path), or a list of tables.
func (pp *pyproject) addPoetry(v any, scope inventory.Scope) {
	tbl, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, n := range sortedKeys(tbl) {
		if strings.EqualFold(n, "python") {
			continue
		}
		d := pyDep{rootDep: rootDep{lockDep{Name: normalizeName(n)}, scope}}
		if d.Name == "" {
			continue
		}
		forms := []any{tbl[n]}
		if l, ok := tbl[n].([]any); ok {
			forms = l
		}
		optional := len(forms) > 0
		local := false
		for _, f := range forms {
			switch t := f.(type) {
			case string:
				optional = false
				d.Version = poetryPinned(t)
			case map[string]any:
				if t["optional"] != true {
					optional = false
				}
				d.lockDep = d.lockDep.withExtras(t)
				if s, ok := t["version"].(string); ok {
					d.Version = poetryPinned(s)
				}
				if g, ok := t["git"].(string); ok {
					d.URL = "git+" + g
					for _, k := range []string{"rev", "tag", "branch"} {
						if r, ok := t[k].(string); ok && r != "" {
							d.URL += "@" + r
							break
						}
					}
				}
				if u, ok := t["url"].(string); ok {
					d.URL = u
				}
				if _, ok := t["path"]; ok {
					local = true
				}
			default:
				optional = false
			}
		}
		if local {
			// A path dependency is the project's own code.
			continue
		}
		if optional {
			d.Scope = inventory.ScopeOptional
		}
		pp.Deps = append(pp.Deps, d)
	}
}

// poetryPinned returns the version a Poetry constraint pins: "==1.2" or
// a bare "1.2" (which Poetry reads as exactly that version).
func poetryPinned(c string) string {
	c = strings.TrimSpace(c)
	if v := pinnedVersion(c); v != "" {
		return v
	}
	if c == "" || c[0] < '0' || c[0] > '9' || strings.ContainsAny(c, "*,<>=~^| ") {
		return ""
	}
	return c
}
