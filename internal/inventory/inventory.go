// Package inventory holds the shared noun of ospo: the components a project
// depends on, the dependency graph between them, and the extractor plugins
// that discover them. Every extractor produces an Inventory; every assessor
// reads one; SBOM import and export convert to and from it.
package inventory

import (
	"sort"
	"strings"
)

// Scope says when a component is needed.
type Scope string

// The scopes a component can have. A component reachable through a
// production edge is prod, whatever other edges reach it.
const (
	ScopeProd     Scope = "prod"
	ScopeDev      Scope = "dev"
	ScopeOptional Scope = "optional"
	ScopePeer     Scope = "peer"
)

// Rank orders scopes from the strongest need (prod) to the weakest, so that
// merging two sightings of one component keeps the strongest.
func (s Scope) Rank() int {
	switch s {
	case ScopeProd:
		return 0
	case ScopeOptional:
		return 1
	case ScopePeer:
		return 2
	case ScopeDev:
		return 3
	}
	return 4
}

// Hash is an integrity digest of a component's artifact.
type Hash struct {
	Algorithm string `json:"alg"`   // SHA-1, SHA-256, SHA-512, h1 (Go dirhash)
	Value     string `json:"value"` // as written by the ecosystem (hex or base64)
}

// LicenseFile is a license text found with a component.
type LicenseFile struct {
	Path       string  `json:"path"`               // relative to the scan root where possible
	Expression string  `json:"expression"`         // SPDX expression identified, or NOASSERTION
	Coverage   float64 `json:"coverage,omitempty"` // share of the text the matches cover, 0..100
	Engine     string  `json:"engine,omitempty"`   // which identifier answered
	SHA256     string  `json:"sha256,omitempty"`   // of the file as read
	Kind       string  `json:"kind,omitempty"`     // license, notice, readme
	abs        string  // absolute path, for reading; never serialised
}

// AbsPath is where the file can be read on this machine.
func (f LicenseFile) AbsPath() string { return f.abs }

// NewLicenseFile records a license file at abs, shown as rel.
func NewLicenseFile(abs, rel, kind string) LicenseFile {
	return LicenseFile{Path: rel, Kind: kind, abs: abs}
}

// License is the concluded license of a component and how it was reached.
type License struct {
	// Expression is one SPDX expression, or NOASSERTION when nothing usable
	// was found.
	Expression string `json:"expression"`
	// Source says where Expression comes from: declared, detected,
	// declared+detected, curated or none.
	Source string `json:"source"`
	// NeedsReview is set when the answers disagree, when only a second
	// opinion matched, or when nothing was found.
	NeedsReview bool `json:"needsReview"`
	// Reason is a sentence a developer understands.
	Reason string `json:"reason,omitempty"`
	// Declared is the normalised declared expression ("" when none).
	Declared string `json:"declared,omitempty"`
	// Detected is the expression read from the license files ("" when none).
	Detected string `json:"detected,omitempty"`
}

// Component is one package at one version, as found in one ecosystem.
type Component struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	PURL      string `json:"purl"`
	Scope     Scope  `json:"scope"`
	Direct    bool   `json:"direct"`
	// Paths are dependency paths from the project root, each a list of
	// name@version from the direct dependency down to this component.
	Paths [][]string `json:"paths,omitempty"`
	// Locations are where the component was found (installed directory,
	// lockfile, go.sum), relative to the scan root.
	Locations []string `json:"locations,omitempty"`
	// DeclaredLicenses are the license values the package metadata states,
	// as written (several when an old-style list is used).
	DeclaredLicenses []string      `json:"declaredLicenses,omitempty"`
	LicenseFiles     []LicenseFile `json:"licenseFiles,omitempty"`
	License          License       `json:"license"`
	Supplier         string        `json:"supplier,omitempty"`
	Homepage         string        `json:"homepage,omitempty"`
	Repository       string        `json:"repository,omitempty"`
	Funding          []string      `json:"funding,omitempty"`
	Hashes           []Hash        `json:"hashes,omitempty"`
	// Resolved is where the package manager fetched the artifact from (a
	// tarball address, a git locator), as the lockfile or install records
	// it; SBOMs give it as the download location.
	Resolved string `json:"resolved,omitempty"`
	// Dir is the directory holding the component's files on this machine
	// (installed package, module cache entry, vendor directory), "" when
	// only a lockfile entry was seen. Never serialised.
	Dir string `json:"-"`
	// Installed is false for components known only from a lockfile or a
	// module list whose sources are not on disk.
	Installed bool `json:"installed"`
}

// Key identifies a component within its ecosystem.
func (c *Component) Key() string { return Key(c.Ecosystem, c.Name, c.Version) }

// Key identifies a component within its ecosystem.
func Key(ecosystem, name, version string) string {
	return ecosystem + ":" + name + "@" + version
}

// Ref is name@version, the form used in dependency paths.
func (c *Component) Ref() string { return c.Name + "@" + c.Version }

// Project is one manifest and everything it depends on.
type Project struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version,omitempty"`
	// Path is the project's manifest, relative to the scan root.
	Path string `json:"path"`
	// Source says what the components were read from: installed,
	// lockfile, installed+lockfile, go.mod, binary.
	Source     string       `json:"source"`
	Components []*Component `json:"-"`
	// Edges maps a component key to the keys of its dependencies. The
	// project itself is RootKey.
	Edges map[string][]string `json:"-"`
	// Notes are differences and remarks found while extracting (an
	// installed package missing from the lockfile, a replaced module, ...).
	Notes []string `json:"notes,omitempty"`
	// Kind says whose software this is: own (the default, scanned from
	// source), vendor, legacy or proprietary (usually a supplied SBOM).
	Kind string `json:"kind,omitempty"`
	// Supplier is who delivered the software, when known (a vendor's SBOM
	// names it).
	Supplier string `json:"supplier,omitempty"`
}

// The kinds of project an organisation's inventory holds.
const (
	KindOwn         = "own"
	KindVendor      = "vendor"
	KindLegacy      = "legacy"
	KindProprietary = "proprietary"
)

// Kinds lists the valid project kinds.
var Kinds = []string{KindOwn, KindVendor, KindLegacy, KindProprietary}

// RootKey stands for the project itself in Project.Edges.
const RootKey = ""

// Problem is one input that could not be read or understood. Problems never
// stop a scan; they are reported with the results.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Inventory is everything one scan found.
type Inventory struct {
	Root     string     `json:"-"`
	Projects []*Project `json:"projects"`
	Problems []Problem  `json:"problems,omitempty"`
}

// Components returns every component of every project once per
// ecosystem:name@version, merging what the projects know of it, sorted by
// ecosystem, name and version.
func (inv *Inventory) Components() []*Component {
	byKey := map[string]*Component{}
	var out []*Component
	for _, p := range inv.Projects {
		for _, c := range p.Components {
			k := c.Key()
			if have, ok := byKey[k]; ok {
				Merge(have, c)
				continue
			}
			cp := *c
			byKey[k] = &cp
			out = append(out, &cp)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Ecosystem != b.Ecosystem {
			return a.Ecosystem < b.Ecosystem
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	return out
}

// MaxPaths bounds how many dependency paths are kept per component: enough
// to explain why it is there, without exploding on diamond-shaped graphs.
const MaxPaths = 3

// Merge folds what other knows of the same component into c: the strongest
// scope, direct if either is, the union of paths, locations and metadata.
func Merge(c, other *Component) {
	if other.Scope != "" && (c.Scope == "" || other.Scope.Rank() < c.Scope.Rank()) {
		c.Scope = other.Scope
	}
	c.Direct = c.Direct || other.Direct
	c.Installed = c.Installed || other.Installed
	for _, p := range other.Paths {
		if len(c.Paths) >= MaxPaths {
			break
		}
		if !containsPath(c.Paths, p) {
			c.Paths = append(c.Paths, p)
		}
	}
	c.Locations = appendUnique(c.Locations, other.Locations...)
	c.DeclaredLicenses = appendUnique(c.DeclaredLicenses, other.DeclaredLicenses...)
	for _, f := range other.LicenseFiles {
		if !hasLicenseFile(c.LicenseFiles, f.Path) {
			c.LicenseFiles = append(c.LicenseFiles, f)
		}
	}
	if c.License.Expression == "" {
		c.License = other.License
	}
	if c.Dir == "" {
		c.Dir = other.Dir
	}
	if c.PURL == "" {
		c.PURL = other.PURL
	}
	fill(&c.Supplier, other.Supplier)
	fill(&c.Homepage, other.Homepage)
	fill(&c.Repository, other.Repository)
	fill(&c.Resolved, other.Resolved)
	c.Funding = appendUnique(c.Funding, other.Funding...)
	for _, h := range other.Hashes {
		if !hasHash(c.Hashes, h) {
			c.Hashes = append(c.Hashes, h)
		}
	}
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func appendUnique(list []string, vs ...string) []string {
	for _, v := range vs {
		found := false
		for _, x := range list {
			if x == v {
				found = true
				break
			}
		}
		if !found {
			list = append(list, v)
		}
	}
	return list
}

func containsPath(paths [][]string, p []string) bool {
	for _, q := range paths {
		if strings.Join(q, "\x00") == strings.Join(p, "\x00") {
			return true
		}
	}
	return false
}

func hasLicenseFile(fs []LicenseFile, path string) bool {
	for _, f := range fs {
		if f.Path == path {
			return true
		}
	}
	return false
}

func hasHash(hs []Hash, h Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}
