package cargo

import (
	"path/filepath"
	"strconv"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// workspace is a project's own crates: the root package, the workspace
// members, and the path dependencies they reach.
type workspace struct {
	dir string
	// rootPath is dir/Cargo.toml when it exists; root is nil when it does
	// not or cannot be read.
	rootPath string
	root     *manifest
	crates   []*ownCrate
	notes    []string
}

// ownCrate is one crate of the project's own code.
type ownCrate struct {
	path, dir     string
	name, version string
	// deps are the declared dependencies with workspace inheritance
	// resolved and Path made absolute.
	deps []dependency
}

// rootPackage returns the root manifest's package, nil for a virtual
// manifest or a missing one.
func (ws *workspace) rootPackage() *ownCrate {
	if ws.root == nil || ws.root.Package == nil {
		return nil
	}
	for _, c := range ws.crates {
		if c.path == ws.rootPath {
			return c
		}
	}
	return nil
}

// loadWorkspace reads the Cargo.toml in dir and every own crate it leads
// to, claiming their manifests for the project. Path dependencies are
// followed only inside the scanned tree.
func (x *extraction) loadWorkspace(dir string) *workspace {
	ws := &workspace{dir: dir}
	rootPath := filepath.Join(dir, "Cargo.toml")
	if !isFile(rootPath) {
		return ws
	}
	ws.rootPath = rootPath
	x.claimed[rootPath] = true
	ws.root = x.manifest(rootPath)
	if ws.root == nil {
		return ws
	}
	wsMeta := ws.root.Workspace
	queue := []string{}
	if ws.root.Package != nil {
		queue = append(queue, rootPath)
	}
	if wsMeta != nil {
		queue = append(queue, x.members(dir, wsMeta)...)
	}
	seen := map[string]bool{}
	var outside, missing []string
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		x.claimed[p] = true
		m := x.manifest(p)
		if m == nil || m.Package == nil {
			continue
		}
		c := &ownCrate{path: p, dir: filepath.Dir(p), name: m.Package.Name, version: m.Package.Version}
		if m.Package.Inherited["version"] && wsMeta != nil {
			c.version = wsMeta.Package.Version
		}
		for _, d := range m.Deps {
			base := c.dir
			if d.InheritsWorkspace {
				base = dir
			}
			d, ok := d.inherit(wsMeta)
			if !ok {
				ws.notes = appendUnique(ws.notes, c.name+" inherits dependency "+d.Key+", which the workspace does not declare")
			}
			if d.Path != "" {
				d.Path = filepath.Clean(filepath.Join(base, filepath.FromSlash(d.Path)))
				target := filepath.Join(d.Path, "Cargo.toml")
				switch {
				case !fsread.Within(d.Path, filepath.Clean(x.opts.Root)):
					outside = appendUnique(outside, x.opts.Rel(d.Path))
				case !isFile(target):
					missing = appendUnique(missing, x.opts.Rel(d.Path))
				default:
					queue = append(queue, target)
				}
			}
			c.deps = append(c.deps, d)
		}
		ws.crates = append(ws.crates, c)
	}
	if len(outside) > 0 {
		ws.notes = append(ws.notes, listNote("path dependencies outside the scanned directory were not read: ", outside))
	}
	if len(missing) > 0 {
		ws.notes = append(ws.notes, listNote("path dependencies without a Cargo.toml: ", missing))
	}
	return ws
}

// members expands [workspace] members to the members' manifests, less
// the excluded directories. Globs with "**" are matched against the
// manifests the walk found; others against the file system, since a
// member may lie outside the scanned tree's walk order.
func (x *extraction) members(dir string, ws *workspaceMeta) []string {
	var out []string
	add := func(memberDir string) {
		memberDir = filepath.Clean(memberDir)
		if x.excluded(dir, memberDir, ws.Exclude) {
			return
		}
		p := filepath.Join(memberDir, "Cargo.toml")
		if isFile(p) && !containsString(out, p) {
			out = append(out, p)
		}
	}
	for _, pat := range ws.Members {
		pat = strings.TrimSpace(pat)
		if pat == "" {
			continue
		}
		switch {
		case strings.Contains(pat, "**"):
			segs := strings.Split(strings.Trim(filepath.ToSlash(filepath.Clean(pat)), "/"), "/")
			for _, w := range x.wanted {
				md := filepath.Dir(w)
				rel, err := filepath.Rel(dir, md)
				if err != nil || strings.HasPrefix(rel, "..") {
					continue
				}
				if matchGlob(segs, strings.Split(filepath.ToSlash(rel), "/")) {
					add(md)
				}
			}
		case strings.ContainsAny(pat, "*?["):
			matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pat)))
			if err != nil {
				continue
			}
			for _, m := range matches {
				if isDir(m) {
					add(m)
				}
			}
		default:
			add(filepath.Join(dir, filepath.FromSlash(pat)))
		}
	}
	return out
}

// excluded reports whether memberDir is one of the workspace's excluded
// paths or lies below one.
func (x *extraction) excluded(dir, memberDir string, exclude []string) bool {
	for _, e := range exclude {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		ed := filepath.Clean(filepath.Join(dir, filepath.FromSlash(e)))
		if fsread.Within(memberDir, ed) {
			return true
		}
		if ok, _ := filepath.Match(ed, memberDir); ok {
			return true
		}
	}
	return false
}

// matchGlob matches path segments against glob segments, where "**"
// stands for any number of segments.
func matchGlob(glob, segs []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchGlob(glob[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, err := filepath.Match(glob[0], segs[0]); err != nil || !ok {
			return false
		}
		glob, segs = glob[1:], segs[1:]
	}
	return len(segs) == 0
}

// ownScope says what an own crate's declaration of the dependency name
// makes of it: prod when any normal or build declaration is not
// optional, optional when all of those are optional, dev when only
// dev-dependencies name it. declared is false when the crate does not
// declare the name at all.
func (c *ownCrate) ownScope(name string) (s inventory.Scope, declared bool) {
	for _, d := range c.deps {
		if d.Name != name {
			continue
		}
		declared = true
		switch {
		case d.Kind == kindDev:
			s = stronger(s, inventory.ScopeDev)
		case d.Optional:
			s = stronger(s, inventory.ScopeOptional)
		default:
			return inventory.ScopeProd, true
		}
	}
	return s, declared
}

func appendUnique(xs []string, x string) []string {
	if containsString(xs, x) {
		return xs
	}
	return append(xs, x)
}

// listNote joins items after prefix, naming at most ten.
func listNote(prefix string, items []string) string {
	const max = 10
	if len(items) <= max {
		return prefix + strings.Join(items, ", ")
	}
	return prefix + strings.Join(items[:max], ", ") + ", and " + strconv.Itoa(len(items)-max) + " more"
}
