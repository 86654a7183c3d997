package npm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxTextLockSize bounds how much of a yarn.lock or pnpm-lock.yaml is read.
// The largest real lockfiles are a few tens of MiB; anything past this is
// not a lockfile we should hold in memory.
const maxTextLockSize = 256 << 20

// errLockfileTooLarge and errLockfileEmpty are returned for input that is
// not worth parsing at all.
var (
	errLockfileTooLarge = errors.New("lockfile too large")
	errLockfileEmpty    = errors.New("lockfile is empty")
)

// readLockBytes reads a whole text lockfile, refusing oversized input
// instead of silently truncating it.
func readLockBytes(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w (limit %d bytes)", errLockfileTooLarge, limit)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errLockfileEmpty
	}
	return data, nil
}

// parseYarnLock reads a yarn.lock of either generation: the classic v1
// format, which only looks like YAML, or a berry (v2+) lockfile, which is
// YAML with a __metadata entry.
func parseYarnLock(r io.Reader) (*lockGraph, error) {
	data, err := readLockBytes(r, maxTextLockSize)
	if err != nil {
		return nil, err
	}
	if isBerryLock(data) {
		return parseBerryLock(data)
	}
	return parseYarnV1Lock(data)
}

// isBerryLock tells a berry lockfile by its top-level __metadata key, which
// v1 files never have.
func isBerryLock(data []byte) bool {
	return bytes.HasPrefix(data, []byte("__metadata:")) || bytes.Contains(data, []byte("\n__metadata:"))
}

// yarnEntry is one block of a lockfile, in either generation, reduced to
// what the graph needs.
type yarnEntry struct {
	patterns   []string // "name@spec" descriptors that resolved to this entry
	version    string
	resolved   string
	integrity  string
	deps       []yarnDep // dependencies and optionalDependencies
	line       int       // where the block starts, for error messages
	resolution string    // berry only: the locator ("ms@npm:2.1.3")
}

type yarnDep struct{ name, spec string }

// parseYarnV1Lock parses the classic format line by line. It is not YAML
// (no colons after scalar keys, several keys per block), so a YAML decoder
// would reject real files.
func parseYarnV1Lock(data []byte) (*lockGraph, error) {
	text := string(data)
	var (
		entries []*yarnEntry
		cur     *yarnEntry
		section string // the indent-2 map we are inside, if any
	)
	lineNo := 0
	for len(text) > 0 {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		lineNo++
		line = strings.TrimSuffix(line, "\r")
		body := strings.TrimLeft(line, " ")
		if body == "" || body[0] == '#' {
			continue
		}
		if strings.HasPrefix(body, "\t") {
			return nil, fmt.Errorf("line %d: tab indentation", lineNo)
		}
		indent := len(line) - len(body)
		switch {
		case indent == 0:
			if !strings.HasSuffix(body, ":") {
				return nil, fmt.Errorf("line %d: expected an entry key ending in ':'", lineNo)
			}
			patterns, err := splitYarnPatterns(body[:len(body)-1])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			cur = &yarnEntry{patterns: patterns, line: lineNo}
			entries = append(entries, cur)
			section = ""
		case cur == nil:
			return nil, fmt.Errorf("line %d: indented line outside an entry", lineNo)
		case indent <= 2:
			key, value, err := splitYarnField(body)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			section = ""
			if value == "" && strings.HasSuffix(body, ":") {
				section = key
				continue
			}
			switch key {
			case "version":
				cur.version = value
			case "resolved":
				cur.resolved = value
			case "integrity":
				cur.integrity = value
			}
		default:
			if section != "dependencies" && section != "optionalDependencies" {
				continue // other nested maps carry nothing the graph needs
			}
			name, spec, err := splitYarnField(body)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			cur.deps = append(cur.deps, yarnDep{name, spec})
		}
	}

	g := &lockGraph{
		Format:    "yarn.lock v1",
		Packages:  make(map[string]*lockPackage, len(entries)),
		Importers: map[string]*lockImporter{},
	}
	byPattern := make(map[string]*lockPackage, len(entries)*2)
	pkgOf := make([]*lockPackage, len(entries))
	for i, e := range entries {
		name := yarnV1Name(e.patterns[0])
		p := addYarnPackage(g, name, e.version, e.resolved, e.integrity)
		pkgOf[i] = p
		for _, pat := range e.patterns {
			byPattern[pat] = p
		}
	}
	for i, e := range entries {
		p := pkgOf[i]
		for _, d := range e.deps {
			if dep := byPattern[d.name+"@"+d.spec]; dep != nil {
				p.Deps = appendUnique(p.Deps, dep.ID)
			}
		}
	}
	return g, nil
}

// addYarnPackage adds a package under name@version, reusing an existing
// one when it is the same artifact (an alias and its target often get
// separate blocks) and otherwise disambiguating the ID with a "#n" suffix.
func addYarnPackage(g *lockGraph, name, version, resolved, integrity string) *lockPackage {
	return addYarnPackageID(g, name+"@"+version, name, version, resolved, integrity)
}

func addYarnPackageID(g *lockGraph, base, name, version, resolved, integrity string) *lockPackage {
	id := base
	for n := 2; ; n++ {
		old, ok := g.Packages[id]
		if !ok {
			break
		}
		if old.Name == name && old.Resolved == resolved && old.Integrity == integrity {
			return old
		}
		id = base + "#" + strconv.Itoa(n)
	}
	p := &lockPackage{ID: id, Name: name, Version: version, Resolved: resolved, Integrity: integrity}
	g.Packages[id] = p
	return p
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// splitYarnPatterns splits an entry key such as
// `"js-tokens@^3.0.0 || ^4.0.0", js-tokens@^4.0.0` into its patterns.
func splitYarnPatterns(s string) ([]string, error) {
	var out []string
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		var tok string
		if s[0] == '"' {
			q, rest, err := cutYarnQuoted(s)
			if err != nil {
				return nil, err
			}
			tok, s = q, rest
		} else {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				i = len(s)
			}
			tok, s = strings.TrimRight(s[:i], " "), s[i:]
		}
		if tok == "" {
			return nil, errors.New("empty pattern in entry key")
		}
		out = append(out, tok)
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		if s[0] != ',' {
			return nil, fmt.Errorf("unexpected %q in entry key", s)
		}
		s = s[1:]
	}
	if len(out) == 0 {
		return nil, errors.New("empty entry key")
	}
	return out, nil
}

// splitYarnField splits `key value`, `key: value`, `"key" "value"` and a
// bare `key:` (a nested map follows) into key and unquoted value.
func splitYarnField(s string) (key, value string, err error) {
	if s[0] == '"' {
		key, s, err = cutYarnQuoted(s)
		if err != nil {
			return "", "", err
		}
	} else {
		i := strings.IndexAny(s, " :")
		if i < 0 {
			return s, "", nil
		}
		key, s = s[:i], s[i:]
	}
	s = strings.TrimPrefix(s, ":")
	s = strings.TrimLeft(s, " ")
	if s == "" {
		return key, "", nil
	}
	if s[0] == '"' {
		value, rest, err := cutYarnQuoted(s)
		if err != nil {
			return "", "", err
		}
		if strings.TrimSpace(rest) != "" {
			return "", "", fmt.Errorf("text after quoted value: %q", rest)
		}
		return key, value, nil
	}
	return key, strings.TrimRight(s, " "), nil
}

// cutYarnQuoted unquotes the JSON-style string at the start of s and
// returns the rest. Yarn writes these with JSON.stringify, whose escapes
// Go's strconv understands except `\/`, which yarn never emits.
func cutYarnQuoted(s string) (value, rest string, err error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			raw := s[:i+1]
			if !strings.Contains(raw, `\`) {
				return raw[1:i], s[i+1:], nil
			}
			v, err := strconv.Unquote(raw)
			if err != nil {
				return "", "", fmt.Errorf("bad quoted string %s", raw)
			}
			return v, s[i+1:], nil
		}
	}
	return "", "", errors.New("unterminated quoted string")
}

// splitNameSpec splits "name@spec" where name may be scoped ("@a/b@^1").
func splitNameSpec(s string) (name, spec string) {
	if len(s) > 1 {
		if i := strings.IndexByte(s[1:], '@'); i >= 0 {
			return s[:i+1], s[i+2:]
		}
	}
	return s, ""
}

// yarnV1Name is the real package name behind a pattern: the pattern's own
// name, or the target of an npm alias ("my-ms@npm:ms@2.1.2" installs ms).
func yarnV1Name(pattern string) string {
	name, spec := splitNameSpec(pattern)
	if target, ok := strings.CutPrefix(spec, "npm:"); ok {
		if n, _ := splitNameSpec(target); n != "" {
			return n
		}
	}
	return name
}

// yamlScalar accepts any YAML scalar as text, so that an unquoted 1.0 or
// 10 does not fail to decode into a string.
type yamlScalar string

func (s *yamlScalar) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a scalar", n.Line)
	}
	*s = yamlScalar(n.Value)
	return nil
}

// berryEntry is one entry of a berry lockfile; __metadata decodes into the
// same shape, its version being the lockfile version.
type berryEntry struct {
	Version          yamlScalar            `yaml:"version"`
	Resolution       yamlScalar            `yaml:"resolution"`
	Dependencies     map[string]yamlScalar `yaml:"dependencies"`
	PeerDependencies map[string]yamlScalar `yaml:"peerDependencies"`
	DependenciesMeta map[string]struct {
		Optional bool `yaml:"optional"`
	} `yaml:"dependenciesMeta"`
	Checksum yamlScalar `yaml:"checksum"`
}

// berryPlaceholderVersion is what berry writes for packages it takes from
// a directory (workspaces, link:, portal:): not a version anyone published.
const berryPlaceholderVersion = "0.0.0-use.local"

// parseBerryLock parses a berry lockfile. Dependencies name descriptors
// ("ms@npm:^2.1.3"); each entry key lists the descriptors it satisfies.
func parseBerryLock(data []byte) (*lockGraph, error) {
	var doc map[string]berryEntry
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	meta, ok := doc["__metadata"]
	if !ok {
		return nil, errors.New("no __metadata entry")
	}
	delete(doc, "__metadata")
	format := "yarn.lock berry"
	if meta.Version != "" {
		format += " v" + string(meta.Version)
	}
	g := &lockGraph{
		Format:    format,
		Packages:  make(map[string]*lockPackage, len(doc)),
		Importers: map[string]*lockImporter{},
	}

	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	entries := make([]*berryEntry, len(keys))
	byResolution := make(map[string]int, len(keys))
	for i, k := range keys {
		e := doc[k]
		entries[i] = &e
		byResolution[string(e.Resolution)] = i
	}

	// Packages first, patches last so that each patch can fold into the
	// package it modifies: both are the same name@version to an inventory,
	// and which one yarn installs is the patched one.
	pkgOf := make([]*lockPackage, len(keys))
	var patches []int
	for i, e := range entries {
		res := string(e.Resolution)
		name, ref := splitNameSpec(res)
		switch {
		case res == "":
			return nil, fmt.Errorf("entry %q has no resolution", keys[i])
		case strings.HasPrefix(ref, "patch:"):
			patches = append(patches, i)
		case strings.HasPrefix(ref, "workspace:"):
			path := strings.TrimPrefix(ref, "workspace:")
			if path == "." {
				continue // the root project is an importer, not a package
			}
			p := &lockPackage{ID: res, Name: name, Resolved: res, Workspace: true}
			g.Packages[p.ID] = p
			pkgOf[i] = p
		default:
			pkgOf[i] = addBerryPackage(g, name, e, res)
		}
	}
	for _, i := range patches {
		e := entries[i]
		res := string(e.Resolution)
		name, ref := splitNameSpec(res)
		if base, ok := byResolution[patchBase(ref)]; ok && pkgOf[base] != nil && entries[base].Version == e.Version {
			p := pkgOf[base]
			p.Resolved = res // keep the evidence that what is installed is patched
			pkgOf[i] = p
			continue
		}
		pkgOf[i] = addBerryPackage(g, name, e, res)
	}

	idx := newBerryIndex(keys)
	for i, e := range entries {
		res := string(e.Resolution)
		names := sortedKeys(e.Dependencies)
		if name, ref := splitNameSpec(res); strings.HasPrefix(ref, "workspace:") {
			path := strings.TrimPrefix(ref, "workspace:")
			if path == "." {
				path = ""
			}
			imp := &lockImporter{Path: path, Name: name}
			for _, dn := range names {
				j, ok := idx.resolve(dn, string(e.Dependencies[dn]), res)
				if !ok || pkgOf[j] == nil {
					continue
				}
				if e.DependenciesMeta[dn].Optional {
					imp.Optional = appendUnique(imp.Optional, pkgOf[j].ID)
				} else {
					imp.Prod = appendUnique(imp.Prod, pkgOf[j].ID)
				}
			}
			for _, dn := range sortedKeys(e.PeerDependencies) {
				if j, ok := idx.resolve(dn, string(e.PeerDependencies[dn]), res); ok && pkgOf[j] != nil {
					imp.Peer = appendUnique(imp.Peer, pkgOf[j].ID)
				}
			}
			g.Importers[path] = imp
		}
		p := pkgOf[i]
		if p == nil {
			continue
		}
		for _, dn := range names {
			if j, ok := idx.resolve(dn, string(e.Dependencies[dn]), res); ok && pkgOf[j] != nil && pkgOf[j] != p {
				p.Deps = appendUnique(p.Deps, pkgOf[j].ID)
			}
		}
	}
	return g, nil
}

func addBerryPackage(g *lockGraph, name string, e *berryEntry, res string) *lockPackage {
	version := string(e.Version)
	if version == berryPlaceholderVersion {
		// A directory (link:, portal:) has no version of its own; its
		// locator, without the binding to the declaring workspace, is the
		// best name for it.
		id, _, _ := strings.Cut(res, "::")
		return addYarnPackageID(g, id, name, "", res, string(e.Checksum))
	}
	return addYarnPackage(g, name, version, res, string(e.Checksum))
}

// patchBase returns the locator a patch: reference modifies:
// "patch:fsevents@npm%3A2.3.3#optional!builtin<compat/fsevents>::version=…"
// gives "fsevents@npm:2.3.3".
func patchBase(ref string) string {
	s := strings.TrimPrefix(ref, "patch:")
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// berryIndex finds the entry a dependency descriptor resolved to.
type berryIndex struct {
	exact map[string]int
	// bare maps descriptors with their "::locator=" parameter removed:
	// berry binds relative protocols (link:, portal:, file:, patch: with a
	// relative path) to the workspace that declared them, but dependency
	// lists write them without that binding.
	bare map[string][]berryBound
}

type berryBound struct {
	locator string // decoded locator of the declaring package
	entry   int
}

func newBerryIndex(keys []string) *berryIndex {
	idx := &berryIndex{exact: make(map[string]int, len(keys)*2), bare: map[string][]berryBound{}}
	for i, k := range keys {
		for _, d := range strings.Split(k, ",") {
			d = strings.TrimSpace(d)
			if d == "" {
				continue
			}
			idx.exact[d] = i
			if before, params, ok := strings.Cut(d, "::"); ok {
				loc := ""
				if q, err := url.ParseQuery(params); err == nil {
					loc = q.Get("locator")
				}
				idx.bare[before] = append(idx.bare[before], berryBound{loc, i})
			}
		}
	}
	return idx
}

// resolve finds the entry for dependency name@spec declared by the package
// whose locator is parent.
func (idx *berryIndex) resolve(name, spec, parent string) (int, bool) {
	desc := name + "@" + spec
	if i, ok := idx.exact[desc]; ok {
		return i, true
	}
	if !hasProtocol(spec) {
		// Lockfiles before v6 write npm ranges without their protocol.
		if i, ok := idx.exact[name+"@npm:"+spec]; ok {
			return i, true
		}
	}
	cands := idx.bare[desc]
	for _, c := range cands {
		if c.locator == parent {
			return c.entry, true
		}
	}
	if len(cands) == 1 {
		return cands[0].entry, true
	}
	return 0, false
}

// hasProtocol reports whether a spec starts with "protocol:" (npm:,
// workspace:, https:, ...) rather than being a bare semver range.
func hasProtocol(spec string) bool {
	for i := 0; i < len(spec); i++ {
		c := spec[i]
		switch {
		case c == ':':
			return i > 0
		case c >= 'a' && c <= 'z', c == '+', c == '-', c == '.':
		default:
			return false
		}
	}
	return false
}
