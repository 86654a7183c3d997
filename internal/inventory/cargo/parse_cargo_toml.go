package cargo

import (
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// manifest is what is read from a Cargo.toml: the package, the workspace
// it may define, and its declared dependencies.
type manifest struct {
	// Package is nil for a virtual manifest (a workspace root without a
	// package of its own).
	Package   *pkgMeta
	Workspace *workspaceMeta
	Deps      []dependency
}

// pkgMeta is a [package] table (or [workspace.package], which holds the
// values members inherit).
type pkgMeta struct {
	Name, Version string
	// License is an SPDX expression; Cargo once allowed "/" for OR.
	License     string
	LicenseFile string
	Repository  string
	Homepage    string
	Authors     []string
	// Inherited names the fields written `field.workspace = true`.
	Inherited map[string]bool
	// WorkspacePath is package.workspace: where the workspace root is,
	// when it is not the nearest enclosing one.
	WorkspacePath string
}

// workspaceMeta is a [workspace] table.
type workspaceMeta struct {
	Members, Exclude []string
	Package          pkgMeta
	// Deps are [workspace.dependencies], by the key members inherit them
	// with.
	Deps map[string]dependency
}

// depKind is the table a dependency is declared in.
type depKind int

const (
	kindNormal depKind = iota
	kindBuild
	kindDev
)

func (k depKind) String() string {
	switch k {
	case kindBuild:
		return "build"
	case kindDev:
		return "dev"
	}
	return "normal"
}

// dependency is one declared dependency.
type dependency struct {
	// Key is the name in the table; Name is the crate's real name, which
	// differs when the table renames it with `package = "..."`.
	Key, Name string
	Kind      depKind
	// Target is the cfg() or triple of a [target.X.dependencies] table.
	Target string
	// Req is the version requirement, "" when none is written.
	Req               string
	Optional          bool
	Path              string
	Git               string
	Branch, Tag, Rev  string
	Registry          string
	InheritsWorkspace bool
}

// depTables are the table names Cargo reads dependencies from, with the
// underscore spellings it still accepts.
var depTables = []struct {
	name string
	kind depKind
}{
	{"dependencies", kindNormal},
	{"build-dependencies", kindBuild},
	{"build_dependencies", kindBuild},
	{"dev-dependencies", kindDev},
	{"dev_dependencies", kindDev},
}

// parseCargoToml reads a Cargo.toml. Values of an unexpected type are
// ignored rather than failing the file: only TOML that does not parse is
// an error.
func parseCargoToml(data []byte) (m *manifest, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("TOML decoder failed: %v", r)
		}
	}()
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		return nil, tomlError(err)
	}
	m = &manifest{}
	pkg, ok := raw["package"].(map[string]any)
	if !ok {
		// The name before Cargo 1.0 settled on [package].
		pkg, ok = raw["project"].(map[string]any)
	}
	if ok {
		p := readPkgMeta(pkg)
		p.WorkspacePath, _ = pkg["workspace"].(string)
		m.Package = &p
	}
	if ws, ok := raw["workspace"].(map[string]any); ok {
		w := &workspaceMeta{
			Members: stringList(ws["members"]),
			Exclude: stringList(ws["exclude"]),
		}
		if wp, ok := ws["package"].(map[string]any); ok {
			w.Package = readPkgMeta(wp)
		}
		if wd, ok := ws["dependencies"].(map[string]any); ok {
			w.Deps = map[string]dependency{}
			for _, d := range readDeps(wd, kindNormal, "") {
				w.Deps[d.Key] = d
			}
		}
		m.Workspace = w
	}
	for _, t := range depTables {
		if tbl, ok := raw[t.name].(map[string]any); ok {
			m.Deps = append(m.Deps, readDeps(tbl, t.kind, "")...)
		}
	}
	if targets, ok := raw["target"].(map[string]any); ok {
		for _, target := range sortedKeys(targets) {
			tt, ok := targets[target].(map[string]any)
			if !ok {
				continue
			}
			for _, t := range depTables {
				if tbl, ok := tt[t.name].(map[string]any); ok {
					m.Deps = append(m.Deps, readDeps(tbl, t.kind, target)...)
				}
			}
		}
	}
	return m, nil
}

// readPkgMeta reads the fields of a [package] or [workspace.package]
// table that ospo uses.
func readPkgMeta(t map[string]any) pkgMeta {
	p := pkgMeta{Inherited: map[string]bool{}}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"name", &p.Name}, {"version", &p.Version}, {"license", &p.License},
		{"license-file", &p.LicenseFile}, {"repository", &p.Repository}, {"homepage", &p.Homepage},
	} {
		switch v := t[f.key].(type) {
		case string:
			*f.dst = strings.TrimSpace(v)
		case map[string]any:
			if inherits(v) {
				p.Inherited[f.key] = true
			}
		}
	}
	switch v := t["authors"].(type) {
	case []any:
		p.Authors = stringList(v)
	case map[string]any:
		if inherits(v) {
			p.Inherited["authors"] = true
		}
	}
	return p
}

// inherits reports whether a value is `{ workspace = true }`.
func inherits(t map[string]any) bool {
	b, _ := t["workspace"].(bool)
	return b
}

// readDeps reads one dependency table. A plain string is a version
// requirement; a table may add a path, a git source, a rename, and so on.
func readDeps(tbl map[string]any, kind depKind, target string) []dependency {
	var out []dependency
	for _, key := range sortedKeys(tbl) {
		d := dependency{Key: key, Name: key, Kind: kind, Target: target}
		switch v := tbl[key].(type) {
		case string:
			d.Req = strings.TrimSpace(v)
		case map[string]any:
			str := func(k string) string {
				s, _ := v[k].(string)
				return strings.TrimSpace(s)
			}
			d.Req = str("version")
			d.Path = str("path")
			d.Git = str("git")
			d.Branch, d.Tag, d.Rev = str("branch"), str("tag"), str("rev")
			d.Registry = str("registry")
			if pkg := str("package"); pkg != "" {
				d.Name = pkg
			}
			d.Optional, _ = v["optional"].(bool)
			d.InheritsWorkspace = inherits(v)
		default:
			continue
		}
		out = append(out, d)
	}
	return out
}

// inherit completes a member's `{ workspace = true }` dependency from the
// workspace's [workspace.dependencies]. The member keeps its own kind,
// target and optional flag, as Cargo does.
func (d dependency) inherit(ws *workspaceMeta) (dependency, bool) {
	if !d.InheritsWorkspace {
		return d, true
	}
	if ws == nil {
		return d, false
	}
	w, ok := ws.Deps[d.Key]
	if !ok {
		return d, false
	}
	out := w
	out.Key, out.Kind, out.Target = d.Key, d.Kind, d.Target
	out.InheritsWorkspace = true
	// Cargo takes optional from the member only.
	out.Optional = d.Optional
	return out, true
}

// gitSource writes a git dependency the way Cargo.lock names git sources,
// without the commit a lockfile would add.
func (d dependency) gitSource() string {
	if d.Git == "" {
		return ""
	}
	s := "git+" + d.Git
	switch {
	case d.Rev != "":
		s += "?rev=" + d.Rev
	case d.Tag != "":
		s += "?tag=" + d.Tag
	case d.Branch != "":
		s += "?branch=" + d.Branch
	}
	return s
}

// stringList keeps the strings of a TOML array.
func stringList(v any) []string {
	arr, _ := v.([]any)
	var out []string
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// declaredLicenses states a crate's license as its Cargo.toml does.
// Cargo once separated alternatives with "/" ("MIT/Apache-2.0"), which
// crates.io reads as OR; SPDX ids never contain "/", so the value is
// rewritten with OR. A crate with only `license-file` points at a file
// of its own; that is said the way other ecosystems say it, "SEE LICENSE
// IN <file>", so that the license stage reads that file.
func declaredLicenses(p *pkgMeta) []string {
	if p == nil {
		return nil
	}
	if l := strings.TrimSpace(p.License); l != "" {
		return []string{slashToOr(l)}
	}
	if f := strings.TrimSpace(p.LicenseFile); f != "" {
		return []string{"SEE LICENSE IN " + f}
	}
	return nil
}

func slashToOr(l string) string {
	if !strings.Contains(l, "/") || strings.Contains(l, "://") {
		return l
	}
	parts := strings.Split(l, "/")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return l
		}
	}
	return strings.Join(parts, " OR ")
}

// supplier names a crate's authors, without their e-mail addresses.
func supplier(authors []string) string {
	var names []string
	for _, a := range authors {
		if i := strings.IndexAny(a, "<("); i >= 0 {
			a = a[:i]
		}
		a = strings.TrimSpace(a)
		if a != "" && !containsString(names, a) {
			names = append(names, a)
		}
	}
	return strings.Join(names, ", ")
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
