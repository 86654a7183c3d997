package cargo

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// lockfile is a parsed Cargo.lock: every locked package and, for each, the
// packages it depends on.
type lockfile struct {
	// Version is the format version: 1 for the first format (checksums in
	// [metadata], dependencies always written in full), then 2, 3 and 4 as
	// the file's version field says. A file without a version field and
	// without [metadata] is version 2 when it records checksums inline.
	Version  int
	Packages []*lockPackage
	// Issues are entries the parser could not use, in words for a note.
	Issues []string
}

// lockPackage is one [[package]] (or the [root] of the oldest lockfiles).
type lockPackage struct {
	Name, Version string
	// Source is where the package comes from (registry+URL, sparse+URL,
	// git+URL?ref#commit), "" for path packages: the workspace's own
	// crates and their path dependencies.
	Source   string
	Checksum string
	// Deps are indices into lockfile.Packages.
	Deps []int
}

// own reports whether the package is built from a local path rather than
// fetched: the project's own code.
func (p *lockPackage) own() bool { return p.Source == "" }

// maxLockVersion is the newest Cargo.lock format this reader knows.
const maxLockVersion = 4

// rawLock is Cargo.lock as TOML. Fields whose form has varied are read
// as any so that an odd value is reported, not a decode failure.
type rawLock struct {
	Version  any              `toml:"version"`
	Package  []rawLockPackage `toml:"package"`
	Root     *rawLockPackage  `toml:"root"`
	Metadata map[string]any   `toml:"metadata"`
}

type rawLockPackage struct {
	Name         string   `toml:"name"`
	Version      string   `toml:"version"`
	Source       string   `toml:"source"`
	Checksum     string   `toml:"checksum"`
	Dependencies []string `toml:"dependencies"`
}

// errNotLockfile is returned for TOML that has nothing of a Cargo.lock.
var errNotLockfile = errors.New("no [[package]] entries and no version: not a Cargo.lock")

// parseCargoLock reads a Cargo.lock of any format version.
func parseCargoLock(data []byte) (l *lockfile, err error) {
	defer func() {
		// The TOML decoder is third-party code fed with foreign input; a
		// bug in it must cost one file, not the scan.
		if r := recover(); r != nil {
			l, err = nil, fmt.Errorf("TOML decoder failed: %v", r)
		}
	}()
	raw, fast := fastLock(data)
	if !fast {
		raw = rawLock{}
		if err := toml.Unmarshal(data, &raw); err != nil {
			return nil, tomlError(err)
		}
	}
	l = &lockfile{}
	hasVersion := false
	switch v := raw.Version.(type) {
	case nil:
	case int64:
		if v < 1 || v > 1<<20 {
			return nil, fmt.Errorf("version = %d is not a Cargo.lock format version", v)
		}
		l.Version, hasVersion = int(v), true
	default:
		return nil, fmt.Errorf("version is %T, not a number", raw.Version)
	}
	if raw.Root != nil {
		l.add(*raw.Root)
	}
	for _, rp := range raw.Package {
		l.add(rp)
	}
	if len(l.Packages) == 0 && !hasVersion && len(raw.Metadata) == 0 {
		return nil, errNotLockfile
	}
	idx := newLockIndex(l.Packages)
	l.applyMetadata(raw.Metadata, idx)
	if !hasVersion {
		l.Version = 2
		if raw.Root != nil || hasChecksumKeys(raw.Metadata) || writesFullIDs(raw.Package) {
			l.Version = 1
		}
	}
	for i, rp := range l.rawDeps(raw) {
		p := l.Packages[i]
		for _, d := range rp {
			j, ok := idx.resolve(d)
			if !ok {
				l.Issues = append(l.Issues, fmt.Sprintf("dependency %q of %s %s names no locked package", d, p.Name, p.Version))
				continue
			}
			if !containsInt(p.Deps, j) {
				p.Deps = append(p.Deps, j)
			}
		}
	}
	return l, nil
}

// add appends a package, skipping (and noting) one without a name.
func (l *lockfile) add(rp rawLockPackage) {
	if strings.TrimSpace(rp.Name) == "" {
		l.Issues = append(l.Issues, fmt.Sprintf("a package entry without a name (version %q) was skipped", rp.Version))
		return
	}
	l.Packages = append(l.Packages, &lockPackage{Name: rp.Name, Version: rp.Version, Source: rp.Source, Checksum: rp.Checksum})
}

// rawDeps returns the dependency entries of each kept package, in the
// order of l.Packages.
func (l *lockfile) rawDeps(raw rawLock) [][]string {
	out := make([][]string, 0, len(l.Packages))
	if raw.Root != nil && strings.TrimSpace(raw.Root.Name) != "" {
		out = append(out, raw.Root.Dependencies)
	}
	for _, rp := range raw.Package {
		if strings.TrimSpace(rp.Name) != "" {
			out = append(out, rp.Dependencies)
		}
	}
	return out
}

// applyMetadata takes the checksums of format 1, kept in [metadata] as
// "checksum <name> <version> (<source>)" = "<hex>", where "<none>" marks a
// package without one (git and path packages).
func (l *lockfile) applyMetadata(meta map[string]any, idx *lockIndex) {
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		id, ok := strings.CutPrefix(k, "checksum ")
		if !ok {
			continue
		}
		sum, _ := meta[k].(string)
		if sum == "" || sum == "<none>" {
			continue
		}
		j, ok := idx.resolve(id)
		if !ok {
			l.Issues = append(l.Issues, fmt.Sprintf("[metadata] has a checksum for %q, which is not locked", id))
			continue
		}
		if l.Packages[j].Checksum == "" {
			l.Packages[j].Checksum = sum
		}
	}
}

func hasChecksumKeys(meta map[string]any) bool {
	for k := range meta {
		if strings.HasPrefix(k, "checksum ") {
			return true
		}
	}
	return false
}

// writesFullIDs reports whether dependencies are written as "name version"
// throughout, as format 1 does; later formats write the name alone when
// it is unambiguous.
func writesFullIDs(pkgs []rawLockPackage) bool {
	seen := false
	for _, p := range pkgs {
		for _, d := range p.Dependencies {
			if !strings.Contains(strings.TrimSpace(d), " ") {
				return false
			}
			seen = true
		}
	}
	return seen
}

// lockIndex finds packages by the ids dependency lists use.
type lockIndex struct {
	pkgs   []*lockPackage
	byName map[string][]int
}

func newLockIndex(pkgs []*lockPackage) *lockIndex {
	idx := &lockIndex{pkgs: pkgs, byName: make(map[string][]int, len(pkgs))}
	for i, p := range pkgs {
		idx.byName[p.Name] = append(idx.byName[p.Name], i)
	}
	return idx
}

// resolve finds the package a dependency entry names: "name" when one
// version is locked, "name version" when several are, "name version
// (source)" when one version comes from several sources. Format 1 writes
// git sources without their "#commit" fragment, so sources are compared
// without it, and an exact match wins.
func (idx *lockIndex) resolve(entry string) (int, bool) {
	name, version, source := splitPackageID(entry)
	var cands []int
	for _, i := range idx.byName[name] {
		p := idx.pkgs[i]
		if version != "" && p.Version != version {
			continue
		}
		if source != "" && stripFragment(p.Source) != stripFragment(source) {
			continue
		}
		cands = append(cands, i)
	}
	switch len(cands) {
	case 0:
		return 0, false
	case 1:
		return cands[0], true
	}
	for _, i := range cands {
		if idx.pkgs[i].Source == source {
			return i, true
		}
	}
	// Ambiguous: Cargo never writes such an entry. The first is as good
	// a guess as any and keeps the graph connected.
	return cands[0], true
}

// splitPackageID splits "name version (source)" into its parts; version
// and source may be missing.
func splitPackageID(id string) (name, version, source string) {
	id = strings.TrimSpace(id)
	name, rest, _ := strings.Cut(id, " ")
	rest = strings.TrimSpace(rest)
	version, rest, _ = strings.Cut(rest, " ")
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		source = rest[1 : len(rest)-1]
	}
	return name, version, source
}

func stripFragment(source string) string {
	if i := strings.IndexByte(source, '#'); i >= 0 {
		return source[:i]
	}
	return source
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// tomlError shortens the decoder's error to its first line, which names
// the line and the problem.
func tomlError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("not valid TOML: line %d: %s", pe.Position.Line, pe.Message)
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return fmt.Errorf("not a valid Cargo TOML file: %s", msg)
}
