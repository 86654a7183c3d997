package npm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// lockEntry is one entry of the "packages" section of lockfile v2 and
// v3. Only the names of dependencies matter: where they were installed
// is what resolves them.
type lockEntry struct {
	name, version, resolved, integrity, license      string
	dev, optional, devOptional, peer, inBundle, link bool
	deps, optDeps, peerDeps, devDeps                 []string
}

type rawV1Entry struct {
	Version      string                 `json:"version"`
	Resolved     string                 `json:"resolved"`
	Integrity    string                 `json:"integrity"`
	Dev          bool                   `json:"dev"`
	Optional     bool                   `json:"optional"`
	Bundled      bool                   `json:"bundled"`
	Requires     json.RawMessage        `json:"requires"`
	Dependencies map[string]*rawV1Entry `json:"dependencies"`
}

// errNotPackageLock is returned for JSON that has none of the sections of
// a package-lock.json.
var errNotPackageLock = errors.New("not a package-lock.json: no lockfileVersion, packages or dependencies")

// parsePackageLock reads package-lock.json or npm-shrinkwrap.json, any
// lockfile version: v1 nests "dependencies" the way node_modules nests;
// v2 and v3 key "packages" by install path (v2 keeps the v1 tree too, for
// old npm, and it is then ignored). Package IDs are install paths
// ("node_modules/a/node_modules/b"), so resolution is the node_modules
// walk up the path.
func parsePackageLock(r io.Reader) (*lockGraph, error) {
	var data []byte
	if b, ok := r.(*bytes.Buffer); ok {
		data = b.Bytes() // already read whole, as readLockfile does
	} else {
		var err error
		if data, err = io.ReadAll(r); err != nil {
			return nil, err
		}
	}
	var version int
	var versionSeen bool
	var packages, v1 []byte
	err := topLevel(data, func(k, v []byte) {
		switch string(k) {
		case "lockfileVersion":
			versionSeen = json.Unmarshal(v, &version) == nil
		case "packages":
			packages = v
		case "dependencies":
			v1 = v
		}
	})
	if err != nil {
		return nil, err
	}
	if !versionSeen && packages == nil && v1 == nil {
		return nil, errNotPackageLock
	}
	if len(packages) > 0 && packages[0] == '{' {
		return lockFromPackages(version, packages), nil
	}
	var deps map[string]*rawV1Entry
	if len(v1) > 0 {
		if err := json.Unmarshal(v1, &deps); err != nil {
			return nil, fmt.Errorf("dependencies: %w", err)
		}
	}
	return lockFromV1(version, deps), nil
}

// parseLockEntry reads one entry of "packages"; values of unexpected
// types are ignored.
func parseLockEntry(raw []byte) *lockEntry {
	e := &lockEntry{}
	if len(raw) == 0 || raw[0] != '{' {
		return e
	}
	_ = topLevel(raw, func(k, v []byte) {
		switch string(k) {
		case "name":
			e.name, _ = rawString(v)
		case "version":
			e.version, _ = rawString(v)
		case "resolved":
			e.resolved, _ = rawString(v)
		case "integrity":
			e.integrity, _ = rawString(v)
		case "license":
			e.license = firstLicense(v)
		case "dev":
			e.dev = string(v) == "true"
		case "optional":
			e.optional = string(v) == "true"
		case "devOptional":
			e.devOptional = string(v) == "true"
		case "peer":
			e.peer = string(v) == "true"
		case "inBundle":
			e.inBundle = string(v) == "true"
		case "link":
			e.link = string(v) == "true"
		case "dependencies":
			e.deps = objectKeys(v)
		case "optionalDependencies":
			e.optDeps = objectKeys(v)
		case "peerDependencies":
			e.peerDeps = objectKeys(v)
		case "devDependencies":
			e.devDeps = objectKeys(v)
		}
	})
	return e
}

// objectKeys lists the keys of a JSON object, sorted; nil for anything
// else.
func objectKeys(raw []byte) []string {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var out []string
	_ = topLevel(raw, func(k, _ []byte) {
		if s, ok := keyString(k); ok && s != "" {
			out = append(out, s)
		}
	})
	sort.Strings(out)
	return out
}

// lockFromPackages reads the "packages" section of v2 and v3.
func lockFromPackages(version int, packages []byte) *lockGraph {
	g := &lockGraph{
		Format:    fmt.Sprintf("package-lock.json v%d", version),
		Packages:  map[string]*lockPackage{},
		Importers: map[string]*lockImporter{},
	}
	entries := map[string]*lockEntry{}
	var keys []string
	_ = topLevel(packages, func(k, v []byte) {
		key, ok := keyString(k)
		if !ok {
			return
		}
		if _, dup := entries[key]; !dup {
			keys = append(keys, key)
		}
		entries[key] = parseLockEntry(v)
	})
	sort.Strings(keys)
	for _, k := range keys {
		if !isInstallPath(k) {
			// The project root and workspace folders are importers.
			g.Importers[k] = &lockImporter{Path: k, Name: entries[k].name}
		}
	}
	for _, k := range keys {
		e := entries[k]
		if !isInstallPath(k) {
			continue
		}
		p := &lockPackage{
			ID:          k,
			Name:        e.name,
			Version:     e.version,
			Resolved:    e.resolved,
			Integrity:   e.integrity,
			License:     e.license,
			Dev:         e.dev,
			Optional:    e.optional || e.devOptional,
			Peer:        e.peer,
			ScopeKnown:  true,
			InstallPath: k,
			Bundled:     e.inBundle,
		}
		// devOptional is needed by the dev tree and by the optional tree
		// of production: the stronger need (optional) wins.
		if e.devOptional {
			p.Dev = false
		}
		if p.Name == "" {
			p.Name = nameFromInstallPath(k)
		}
		if e.link {
			// A link to a folder of this repository: a workspace member
			// (or a file: dependency), whose entry holds its details.
			p.Workspace = true
			target := path.Clean(e.resolved)
			if t := entries[target]; t != nil {
				if t.name != "" {
					p.Name = t.name
				}
				p.Version = t.version
			}
			// npm leaves the name off a workspace folder's entry; the
			// link that points to it has it.
			if imp := g.Importers[target]; imp != nil && imp.Name == "" {
				imp.Name = p.Name
			}
		}
		g.Packages[k] = p
	}
	// The IDs are the keys of Packages: returning the stored one saves
	// building a new string for every edge.
	lookup := func(id string) (string, bool) {
		if p, ok := g.Packages[id]; ok {
			return p.ID, true
		}
		return "", false
	}
	for _, k := range keys {
		e := entries[k]
		if imp, ok := g.Importers[k]; ok {
			imp.Prod, imp.Optional, imp.Peer, imp.Dev = resolveKinds(k, e, lookup, true)
			continue
		}
		p := g.Packages[k]
		if p.Workspace {
			continue
		}
		prod, opt, peer, _ := resolveKinds(k, e, lookup, false)
		p.Deps = append(append(append(p.Deps, prod...), opt...), peer...)
	}
	return g
}

// resolveKinds resolves an entry's dependency lists from its path. A name
// listed as optional is only optional, as npm reads it; a name listed as
// a dependency is not also a peer or dev dependency.
func resolveKinds(from string, e *lockEntry, lookup func(string) (string, bool), withDev bool) (prod, opt, peer, dev []string) {
	res := func(names []string, skip ...[]string) []string {
		var out []string
		for _, n := range names {
			skipped := false
			for _, s := range skip {
				if _, ok := sort.Find(len(s), func(i int) int { return strings.Compare(n, s[i]) }); ok {
					skipped = true
				}
			}
			if skipped {
				continue
			}
			if id, ok := resolveInstallPath(from, n, lookup); ok && id != from {
				out = append(out, id)
			}
		}
		return out
	}
	prod = res(e.deps, e.optDeps)
	opt = res(e.optDeps)
	peer = res(e.peerDeps, e.deps, e.optDeps)
	if withDev {
		dev = res(e.devDeps, e.deps, e.optDeps)
	}
	return prod, opt, peer, dev
}

// resolveInstallPath finds where npm installed name for the package at
// from: from/node_modules/name, then each ancestor's node_modules.
func resolveInstallPath(from, name string, lookup func(string) (string, bool)) (string, bool) {
	var buf [256]byte
	d := from
	for {
		if path.Base(d) != "node_modules" {
			k := buf[:0]
			if d != "" {
				k = append(append(k, d...), '/')
			}
			k = append(append(k, "node_modules/"...), name...)
			if id, ok := lookup(string(k)); ok {
				return id, true
			}
		}
		if d == "" || d == "." {
			return "", false
		}
		d = path.Dir(d)
		if d == "." || d == "/" {
			d = ""
		}
	}
}

// isInstallPath reports whether a packages key is an installed package
// rather than the root or a workspace folder.
func isInstallPath(k string) bool {
	return strings.HasPrefix(k, "node_modules/") || strings.Contains(k, "/node_modules/")
}

// nameFromInstallPath is the package name an install path ends with:
// "node_modules/a/node_modules/@s/b" is "@s/b".
func nameFromInstallPath(k string) string {
	i := strings.LastIndex(k, "node_modules/")
	return k[i+len("node_modules/"):]
}

func firstLicense(raw json.RawMessage) string {
	if ls := appendLicenses(nil, raw); len(ls) > 0 {
		return strings.Join(ls, " OR ")
	}
	return ""
}

// lockFromV1 reads lockfile version 1, whose nesting is the install
// layout. It names no direct dependencies of the root: the extractor takes
// them from package.json.
func lockFromV1(v int, deps map[string]*rawV1Entry) *lockGraph {
	if v == 0 {
		v = 1
	}
	g := &lockGraph{
		Format:    fmt.Sprintf("package-lock.json v%d", v),
		Packages:  map[string]*lockPackage{},
		Importers: map[string]*lockImporter{"": {Path: ""}},
	}
	requires := map[string][]string{}
	var walk func(prefix string, deps map[string]*rawV1Entry, depth int)
	walk = func(prefix string, deps map[string]*rawV1Entry, depth int) {
		if depth > 256 {
			return // deeper than any real tree; guards against crafted input
		}
		for name, e := range deps {
			if e == nil || name == "" {
				continue
			}
			id := prefix + "node_modules/" + name
			p := &lockPackage{
				ID:          id,
				Name:        name,
				Version:     e.Version,
				Resolved:    e.Resolved,
				Integrity:   e.Integrity,
				Dev:         e.Dev,
				Optional:    e.Optional,
				ScopeKnown:  true,
				InstallPath: id,
				Bundled:     e.Bundled,
			}
			// An alias "a": {"version": "npm:b@1.0.0"} installs b as a.
			if rest, ok := strings.CutPrefix(e.Version, "npm:"); ok {
				if at := strings.LastIndex(rest, "@"); at > 0 {
					p.Name, p.Version = rest[:at], rest[at+1:]
				}
			}
			if strings.HasPrefix(e.Version, "file:") && e.Integrity == "" {
				p.Workspace = true // a linked folder of the repository
			}
			g.Packages[id] = p
			requires[id] = requireNames(e.Requires)
			walk(id+"/", e.Dependencies, depth+1)
		}
	}
	walk("", deps, 0)
	lookup := func(id string) (string, bool) {
		if p, ok := g.Packages[id]; ok {
			return p.ID, true
		}
		return "", false
	}
	for id, names := range requires {
		p := g.Packages[id]
		for _, n := range names {
			if to, ok := resolveInstallPath(id, n, lookup); ok && to != id {
				p.Deps = append(p.Deps, to)
			}
		}
	}
	return g
}

// requireNames reads v1 "requires": an object of name to range.
func requireNames(raw json.RawMessage) []string {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
