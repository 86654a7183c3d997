package npm

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// pnpmLock is pnpm-lock.yaml in every generation we read. Lockfiles 5.x
// and 6.x of a single project put the root's dependencies at the top
// level; workspaces (and every 9.x file) list them under importers.
type pnpmLock struct {
	LockfileVersion  yamlScalar `yaml:"lockfileVersion"`
	pnpmImporterDeps `yaml:",inline"`
	Importers        map[string]pnpmImporterDeps `yaml:"importers"`
	Packages         map[string]pnpmPackage      `yaml:"packages"`
	// Snapshots (9.x) holds each package once per peer set, with the
	// resolved dependencies; Packages then holds only metadata.
	Snapshots map[string]pnpmSnapshot `yaml:"snapshots"`
}

type pnpmImporterDeps struct {
	Dependencies         map[string]pnpmRef `yaml:"dependencies"`
	DevDependencies      map[string]pnpmRef `yaml:"devDependencies"`
	OptionalDependencies map[string]pnpmRef `yaml:"optionalDependencies"`
}

// pnpmRef is an importer's dependency: a bare version (5.x) or a
// {specifier, version} map (6.x and later); only the version matters.
type pnpmRef string

func (r *pnpmRef) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*r = pnpmRef(n.Value)
		return nil
	case yaml.MappingNode:
		var v struct {
			Version yamlScalar `yaml:"version"`
		}
		if err := n.Decode(&v); err != nil {
			return err
		}
		*r = pnpmRef(v.Version)
		return nil
	}
	return fmt.Errorf("line %d: expected a version or a map", n.Line)
}

type pnpmPackage struct {
	Resolution struct {
		Integrity yamlScalar `yaml:"integrity"`
		Tarball   yamlScalar `yaml:"tarball"`
		Directory yamlScalar `yaml:"directory"`
		Repo      yamlScalar `yaml:"repo"`
		Commit    yamlScalar `yaml:"commit"`
	} `yaml:"resolution"`
	// Name and Version are written for packages whose key does not carry
	// them (directories, tarballs, git).
	Name         yamlScalar `yaml:"name"`
	Version      yamlScalar `yaml:"version"`
	pnpmSnapshot `yaml:",inline"`
	// Dev is absent when the package is needed by both prod and dev.
	Dev *bool `yaml:"dev"`
}

type pnpmSnapshot struct {
	Dependencies         map[string]yamlScalar `yaml:"dependencies"`
	OptionalDependencies map[string]yamlScalar `yaml:"optionalDependencies"`
	Optional             bool                  `yaml:"optional"`
}

// pnpmKeyStyle is how a generation spells package keys.
type pnpmKeyStyle int

const (
	pnpmKeysV5 pnpmKeyStyle = iota // /name/1.0.0_peer@2.0.0
	pnpmKeysV6                     // /name@1.0.0(peer@2.0.0)
	pnpmKeysV9                     // name@1.0.0(peer@2.0.0), no slash
)

// parsePnpmLock reads pnpm-lock.yaml 5.x, 6.x and 9.x.
func parsePnpmLock(r io.Reader) (*lockGraph, error) {
	data, err := readLockBytes(r, maxTextLockSize)
	if err != nil {
		return nil, err
	}
	var lf pnpmLock
	if err := yaml.Unmarshal(data, &lf); err != nil {
		return nil, err
	}
	ver := string(lf.LockfileVersion)
	if ver == "" {
		return nil, errors.New("no lockfileVersion")
	}
	major, err := strconv.ParseFloat(ver, 64)
	if err != nil {
		return nil, fmt.Errorf("lockfileVersion %q is not a number", ver)
	}
	style := pnpmKeysV9
	switch {
	case major < 6:
		style = pnpmKeysV5
	case major < 9:
		style = pnpmKeysV6
	}
	if !strings.Contains(ver, ".") {
		ver += ".0"
	}
	g := &lockGraph{
		Format:    "pnpm-lock.yaml v" + ver,
		Packages:  make(map[string]*lockPackage, len(lf.Packages)),
		Importers: map[string]*lockImporter{},
	}
	if len(lf.Importers) == 0 {
		lf.Importers = map[string]pnpmImporterDeps{".": lf.pnpmImporterDeps}
	}
	// Importers are made before any link is resolved, so that a link can
	// tell a workspace member from any other directory.
	for p := range lf.Importers {
		ip := pnpmImporterPath(p)
		g.Importers[ip] = &lockImporter{Path: ip}
	}
	b := pnpmBuilder{g: g, lf: &lf, style: style}
	b.addPackages()
	for _, p := range sortedKeys(lf.Importers) {
		deps := lf.Importers[p]
		imp := g.Importers[pnpmImporterPath(p)]
		imp.Prod = b.importerDeps(imp.Path, deps.Dependencies)
		imp.Dev = b.importerDeps(imp.Path, deps.DevDependencies)
		imp.Optional = b.importerDeps(imp.Path, deps.OptionalDependencies)
	}
	// A linked workspace member brings its own prod dependencies along.
	for _, p := range g.Packages {
		if p.Workspace && p.Deps == nil {
			if imp := g.Importers[strings.TrimPrefix(p.ID, "link:")]; imp != nil {
				p.Deps = append(append([]string(nil), imp.Prod...), imp.Optional...)
			}
		}
	}
	return g, nil
}

func pnpmImporterPath(p string) string {
	if p == "." {
		return ""
	}
	return strings.TrimPrefix(p, "./")
}

type pnpmBuilder struct {
	g     *lockGraph
	lf    *pnpmLock
	style pnpmKeyStyle
}

// pnpmID turns a package key into an ID: the key without the leading
// slash of 5.x/6.x, so that IDs read the same across generations.
func pnpmID(key string) string { return strings.TrimPrefix(key, "/") }

// addPackages makes a package per key. 5.x and 6.x state dev and optional
// for every package, so their scope is known; 9.x states only optional,
// so the extractor derives scope from the importers' edges.
func (b *pnpmBuilder) addPackages() {
	lf := b.lf
	if b.style == pnpmKeysV9 {
		seen := make(map[string]bool, len(lf.Packages))
		for _, key := range sortedKeys(lf.Snapshots) {
			meta := b.stripPeers(key)
			seen[meta] = true
			pkg := lf.Packages[meta]
			p := b.newPackage(key, meta, &pkg)
			p.Optional = lf.Snapshots[key].Optional
		}
		for _, key := range sortedKeys(lf.Packages) {
			if !seen[key] {
				pkg := lf.Packages[key]
				b.newPackage(key, key, &pkg)
			}
		}
		for _, key := range sortedKeys(lf.Snapshots) {
			s := lf.Snapshots[key]
			b.g.Packages[pnpmID(key)].Deps = b.packageDeps(&s)
		}
		return
	}
	for _, key := range sortedKeys(lf.Packages) {
		pkg := lf.Packages[key]
		p := b.newPackage(key, key, &pkg)
		p.ScopeKnown = true
		p.Dev = pkg.Dev != nil && *pkg.Dev
		p.Optional = pkg.Optional
	}
	for _, key := range sortedKeys(lf.Packages) {
		pkg := lf.Packages[key]
		b.g.Packages[pnpmID(key)].Deps = b.packageDeps(&pkg.pnpmSnapshot)
	}
}

func (b *pnpmBuilder) newPackage(key, metaKey string, pkg *pnpmPackage) *lockPackage {
	name, version := b.splitKey(b.stripPeers(metaKey))
	if pkg.Name != "" {
		name = string(pkg.Name)
	}
	if pkg.Version != "" {
		version = string(pkg.Version)
	} else if !startsWithDigit(version) {
		version = "" // file:, git or tarball keys carry a source, not a version
	}
	p := &lockPackage{
		ID:        pnpmID(key),
		Name:      name,
		Version:   version,
		Integrity: string(pkg.Resolution.Integrity),
	}
	res := &pkg.Resolution
	switch {
	case res.Tarball != "":
		p.Resolved = string(res.Tarball)
	case res.Repo != "":
		p.Resolved = string(res.Repo) + "#" + string(res.Commit)
	case res.Directory != "":
		p.Resolved = "file:" + string(res.Directory)
	}
	b.g.Packages[p.ID] = p
	return p
}

// splitKey parses a package key without its peer suffix into name and
// version (or source, for non-registry keys).
func (b *pnpmBuilder) splitKey(key string) (name, version string) {
	key = strings.TrimPrefix(key, "/")
	if b.style != pnpmKeysV5 {
		return splitNameSpec(key)
	}
	// 5.x: @scope/name/version or name/version.
	first := strings.IndexByte(key, '/')
	if first < 0 {
		return key, ""
	}
	sep := first
	if key[0] == '@' {
		next := strings.IndexByte(key[first+1:], '/')
		if next < 0 {
			return key, ""
		}
		sep = first + 1 + next
	}
	return key[:sep], key[sep+1:]
}

// stripPeers removes the peer suffix from a key: "(…)" in 6.x and 9.x,
// "_…" after the version in 5.x (versions never contain '_').
func (b *pnpmBuilder) stripPeers(key string) string {
	if b.style != pnpmKeysV5 {
		if i := strings.IndexByte(key, '('); i > 0 {
			return key[:i]
		}
		return key
	}
	if !strings.HasPrefix(key, "/") {
		return key // a file:, git or tarball key has no peer suffix
	}
	name, rest := b.splitKey(key)
	if i := strings.IndexByte(rest, '_'); i >= 0 {
		return "/" + name + "/" + rest[:i]
	}
	return key
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func (b *pnpmBuilder) packageDeps(s *pnpmSnapshot) []string {
	var out []string
	for _, m := range []map[string]yamlScalar{s.Dependencies, s.OptionalDependencies} {
		for _, name := range sortedKeys(m) {
			if id := b.resolve("", name, string(m[name])); id != "" {
				out = appendUnique(out, id)
			}
		}
	}
	return out
}

func (b *pnpmBuilder) importerDeps(importer string, m map[string]pnpmRef) []string {
	var out []string
	for _, name := range sortedKeys(m) {
		if id := b.resolve(importer, name, string(m[name])); id != "" {
			out = appendUnique(out, id)
		}
	}
	return out
}

// resolve turns a dependency's version as written ("1.0.0",
// "18.3.1(react@18.3.1)", an alias "ms@2.1.2" or "/ms/2.1.2", "file:…",
// "link:…") into a package ID, adding a package for links.
func (b *pnpmBuilder) resolve(importer, name, ref string) string {
	if ref == "" {
		return ""
	}
	if target, ok := strings.CutPrefix(ref, "link:"); ok {
		return b.link(importer, name, target)
	}
	sep := "@"
	if b.style == pnpmKeysV5 {
		sep = "/"
	}
	// A plain version names the package under the dependency's own name;
	// anything else (an alias, file:, a tarball) is itself a key.
	if id := name + sep + ref; b.g.Packages[id] != nil {
		return id
	}
	if id := pnpmID(ref); b.g.Packages[id] != nil {
		return id
	}
	return ""
}

// link records a link: dependency as a package: a workspace member when the
// target is one of the importers, otherwise a local directory.
func (b *pnpmBuilder) link(importer, name, target string) string {
	dir := path.Join(importer, target)
	if dir == "." {
		dir = ""
	}
	id := "link:" + dir
	if p, ok := b.g.Packages[id]; ok {
		return p.ID
	}
	_, isImporter := b.g.Importers[dir]
	b.g.Packages[id] = &lockPackage{ID: id, Name: name, Resolved: id, Workspace: isImporter}
	return id
}
