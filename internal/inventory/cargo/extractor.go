// Package cargo finds the Rust crates a project depends on, from its
// Cargo.lock and Cargo.toml files, and the licenses those crates declare,
// read offline from crate sources already on the machine.
//
// A workspace is one project: the directory holding Cargo.lock is its
// root, and its members and path dependencies are the project's own
// crates. Own crates are the roots of the dependency graph, not
// components; a crate is direct when an own crate depends on it.
//
// Scopes follow what gets built. A crate reached only through
// dev-dependencies is dev: it is compiled for tests, examples and
// benchmarks only. Build-dependencies are prod: they are compiled and run
// on the build machine for every build, and what they generate ends up in
// the artifact. Target-specific dependencies are prod too (they are built
// for that target). A crate reached only through optional dependencies is
// optional: Cargo.lock resolves every feature, enabled or not.
//
// Licenses come from the crates' own Cargo.toml (license, license-file),
// found unpacked in a vendor directory beside Cargo.lock, in Cargo's
// registry cache ($CARGO_HOME/registry/src) or in a distribution's crate
// registry. Nothing is fetched.
//
// Without a Cargo.lock, a Cargo.toml (or a workspace of them) is a project
// whose declared dependencies are listed without versions. A directory of
// unpacked crates that no Cargo.lock owns (a distribution's registry, a
// registry cache, a lone vendor directory) is one project listing every
// crate in it as present.
package cargo

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// systemRegistry is where Debian and its derivatives install crate
// sources (the librust-*-dev packages): one <name>-<version>/ directory
// per crate, as vendored.
const systemRegistry = "/usr/share/cargo/registry"

// Extractor is the Cargo plugin.
type Extractor struct {
	// systemRegistries are flat directories of unpacked crates that a
	// distribution installs.
	systemRegistries []string
	// getenv reads CARGO_HOME and HOME.
	getenv func(string) string
}

// New returns the Cargo extractor.
func New() *Extractor {
	return &Extractor{systemRegistries: []string{systemRegistry}, getenv: os.Getenv}
}

// Name is "cargo".
func (*Extractor) Name() string { return "cargo" }

// Wants takes every Cargo.lock and Cargo.toml, except the copies Cargo
// writes into its target directory (`cargo package` output, build
// scripts' outputs).
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	name := d.Name()
	if name != "Cargo.lock" && name != "Cargo.toml" {
		return false
	}
	if !d.Type().IsRegular() {
		return false
	}
	return !inTargetDir(rel)
}

// inTargetDir reports whether rel lies in a Cargo build directory.
func inTargetDir(rel string) bool {
	els := strings.Split(path.Dir(rel), "/")
	for i := 0; i+1 < len(els); i++ {
		if els[i] == "target" {
			switch els[i+1] {
			case "package", "debug", "release", "doc":
				return true
			}
		}
	}
	return false
}

// extraction is one call of Extract.
type extraction struct {
	ctx    context.Context
	opts   inventory.Options
	finder *crateFinder
	// wanted are the Cargo.toml files the walk handed over; claimed are
	// those a project has taken, claimedDirs the directories a project
	// owns wholesale (vendor/, target/).
	wanted      []string
	claimed     map[string]bool
	claimedDirs []string
	manifests   map[string]*manifest
	problems    []inventory.Problem
}

// Extract groups the files into projects: each Cargo.lock with its
// workspace first, then each Cargo.toml no lockfile owns, then the
// directories of unpacked crates.
func (e *Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	if opts.Root == "" {
		opts.Root = root
	}
	x := &extraction{
		ctx:       ctx,
		opts:      opts,
		finder:    newCrateFinder(e.cargoHome(opts), e.systemRegistries, opts),
		claimed:   map[string]bool{},
		manifests: map[string]*manifest{},
	}
	var locks []string
	for _, f := range files {
		f = filepath.Clean(f)
		switch filepath.Base(f) {
		case "Cargo.lock":
			locks = append(locks, f)
		case "Cargo.toml":
			x.wanted = append(x.wanted, f)
		}
	}
	byDepth(locks)
	byDepth(x.wanted)

	var projects []*inventory.Project
	scanRoot := filepath.Clean(x.opts.Root)
	for _, l := range locks {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		// A lockfile shipped inside an unpacked crate (a vendored or
		// cached binary crate) is that crate's, not a project here.
		if dir := filepath.Dir(l); x.isClaimed(l) || (dir != scanRoot && isPackagedCrate(dir)) {
			continue
		}
		if p := x.lockProject(l); p != nil {
			projects = append(projects, p)
		}
	}
	registries := map[string][]string{}
	for _, m := range x.wanted {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if x.isClaimed(m) {
			continue
		}
		dir := filepath.Dir(m)
		if parent := filepath.Dir(dir); dir != scanRoot && fsread.Within(parent, scanRoot) && isPackagedCrate(dir) {
			registries[parent] = append(registries[parent], dir)
			x.claimed[m] = true
			continue
		}
		if p := x.manifestProject(m); p != nil {
			projects = append(projects, p)
		}
	}
	for _, dir := range sortedMapKeys(registries) {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		projects = append(projects, x.registryProject(dir, registries[dir]))
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	problems := append(x.problems, x.finder.problems...)
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Path < projects[j].Path })
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	return projects, problems, nil
}

// cargoHome is where Cargo keeps its registry cache: the configured
// cache, else $CARGO_HOME, else ~/.cargo.
func (e *Extractor) cargoHome(opts inventory.Options) string {
	if c := opts.Cache("cargo"); c != "" {
		return c
	}
	getenv := e.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if h := getenv("CARGO_HOME"); h != "" {
		return h
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cargo")
	}
	return ""
}

func (x *extraction) isClaimed(path string) bool {
	if x.claimed[path] {
		return true
	}
	for _, d := range x.claimedDirs {
		if fsread.Within(path, d) {
			return true
		}
	}
	return false
}

func (x *extraction) claimDir(dir string) {
	dir = filepath.Clean(dir)
	if !containsString(x.claimedDirs, dir) {
		x.claimedDirs = append(x.claimedDirs, dir)
	}
}

func (x *extraction) problem(path, msg string) {
	x.problems = append(x.problems, inventory.Problem{Path: x.opts.Rel(path), Message: msg})
}

// manifest reads a Cargo.toml once; a file that cannot be read is a
// problem, reported once, and nil.
func (x *extraction) manifest(path string) *manifest {
	if m, ok := x.manifests[path]; ok {
		return m
	}
	m, msg := readManifestFile(path)
	if m == nil {
		x.problem(path, msg)
	}
	x.manifests[path] = m
	return m
}

// byDepth sorts paths parents first, then by name.
func byDepth(paths []string) {
	sort.Slice(paths, func(i, j int) bool {
		di, dj := depth(paths[i]), depth(paths[j])
		if di != dj {
			return di < dj
		}
		return paths[i] < paths[j]
	})
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Supports lists what the Cargo extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{
			Files:    "Cargo.lock (formats 1–4) with Cargo.toml and its workspace",
			Gives:    "components, graph (workspace members and path dependencies are roots), direct, scopes (dev-only → dev, optional-only → optional, build → prod), SHA-256 checksums, sources",
			Licenses: "`license`/`license-file` and license files of the crate sources in vendor/, $CARGO_HOME/registry/src or the distribution's crate registry",
		},
		{
			Files:    "Cargo.toml without Cargo.lock (package or workspace)",
			Gives:    "declared dependencies without versions, scopes",
			Licenses: "none: without versions no crate sources are looked up",
		},
		{
			Files:    "directories of unpacked crates (a distribution's crate registry such as Debian's librust-*-dev, Cargo's registry cache, cargo vendor output)",
			Gives:    "each crate present, with its checksum",
			Licenses: "the crate's `license`/`license-file` and its license files",
		},
	}
}
