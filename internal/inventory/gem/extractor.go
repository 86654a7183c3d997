// Package gem finds the Ruby gems a project depends on: from Bundler's
// lockfile (Gemfile.lock, gems.locked) and Gemfile, and from the
// directories RubyGems installs gems into (a GEM_HOME, Bundler's
// vendor/bundle, Ruby's own gem directory, Debian's rubygems-integration
// directories). Gemfiles and gemspecs are Ruby code: they are read with
// line scanners that pick out literal values, never evaluated.
package gem

import (
	"bytes"
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

// Extractor reads Bundler projects and installed gems.
type Extractor struct {
	// getenv reads GEM_HOME, the gem cache used when no other is
	// configured; tests replace it.
	getenv func(string) string
}

// New returns the gem extractor.
func New() *Extractor { return &Extractor{getenv: os.Getenv} }

// Name is "gem".
func (*Extractor) Name() string { return ecosystem }

// lockNames pairs each lockfile name with its Gemfile.
var lockNames = [...][2]string{{"Gemfile.lock", "Gemfile"}, {"gems.locked", "gems.rb"}}

// Wants Bundler's files (Gemfile, gems.rb and their lockfiles) and the
// gemspecs of a specifications directory, where RubyGems records each
// installed gem. A project's own foo.gemspec is not wanted: it is code,
// not a record of something installed.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	if !d.Type().IsRegular() {
		return false
	}
	name := d.Name()
	switch name {
	case "Gemfile.lock", "gems.locked", "Gemfile", "gems.rb":
		return true
	}
	if !strings.HasSuffix(name, ".gemspec") {
		return false
	}
	dir := path.Dir(rel)
	if path.Base(dir) == "default" {
		dir = path.Dir(dir)
	}
	return path.Base(dir) == "specifications"
}

// extraction is one call of Extract.
type extraction struct {
	opts     inventory.Options
	getenv   func(string) string
	problems []inventory.Problem
	// cache holds the homes of the gem cache, read on first use.
	cache     []*gemHome
	cacheRead bool
}

func (x *extraction) problem(file, msg string) {
	x.problems = append(x.problems, inventory.Problem{Path: x.opts.Rel(file), Message: msg})
}

// projectFiles is one Bundler project: a directory with a lockfile, a
// Gemfile or both, and the gem homes Bundler installs it into.
type projectFiles struct {
	dir, lockPath, manifestPath string
	homes                       []string
}

// Extract makes a project of every directory with Bundler files and of
// every gem home the walk found that no such project owns.
func (e *Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	if opts.Root == "" {
		opts.Root = root
	}
	getenv := e.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	x := &extraction{opts: opts, getenv: getenv}
	dirSet := map[string]bool{}
	specsByHome := map[string][]string{}
	for _, f := range files {
		f = filepath.Clean(f)
		if strings.HasSuffix(f, ".gemspec") {
			home, _ := homeOf(f)
			specsByHome[home] = append(specsByHome[home], f)
			continue
		}
		if x.inGemSources(f) {
			continue
		}
		dirSet[filepath.Dir(f)] = true
	}
	dirs := sortedKeys(dirSet)

	// A gem home that a lockfile project read (its vendor/bundle) is part
	// of that project; any other is a project of its own.
	claimed := map[string]bool{}
	var projects []*inventory.Project
	for _, d := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		pf := x.locate(d)
		p := x.lockProject(pf)
		if p == nil {
			continue
		}
		projects = append(projects, p)
		if p.Source != "manifest" {
			for _, h := range pf.homes {
				claimed[h] = true
			}
		}
	}
	homes := make([]string, 0, len(specsByHome))
	for h := range specsByHome {
		homes = append(homes, h)
	}
	sort.Strings(homes)
	for _, h := range homes {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if claimed[h] {
			continue
		}
		files := specsByHome[h]
		sort.Strings(files)
		if p := x.homeProject(h, files); p != nil {
			projects = append(projects, p)
		}
	}
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Path < projects[j].Path })
	sort.SliceStable(x.problems, func(i, j int) bool { return x.problems[i].Path < x.problems[j].Path })
	return projects, x.problems, nil
}

// inGemSources reports whether a Bundler file lies inside an installed
// gem's own files (gems/<full name>/ of a gem home, or a git checkout in
// bundler/gems/): it belongs to that gem, not to a project.
func (x *extraction) inGemSources(file string) bool {
	dir := filepath.Dir(file)
	for {
		parent := filepath.Dir(dir)
		if parent == dir || !fsread.Within(parent, x.opts.Root) {
			return false
		}
		if filepath.Base(dir) == "gems" && (fsread.IsDir(filepath.Join(parent, "specifications")) || filepath.Base(parent) == "bundler") {
			return true
		}
		dir = parent
	}
}

// locate finds a project's lockfile and Gemfile, and the gem homes that
// Bundler installs it into: BUNDLE_PATH from .bundle/config, and
// vendor/bundle, each holding <ruby engine>/<ABI version>/ homes.
func (x *extraction) locate(dir string) *projectFiles {
	pf := &projectFiles{dir: dir}
	for _, names := range lockNames {
		lock, manifest := filepath.Join(dir, names[0]), filepath.Join(dir, names[1])
		if fsread.IsFile(lock) || fsread.IsFile(manifest) {
			if fsread.IsFile(lock) {
				pf.lockPath = lock
			}
			if fsread.IsFile(manifest) {
				pf.manifestPath = manifest
			}
			break
		}
	}
	var bases []string
	if bp := bundlePath(dir); bp != "" {
		bases = append(bases, bp)
	}
	bases = append(bases, filepath.Join(dir, "vendor", "bundle"))
	seen := map[string]bool{}
	for _, b := range bases {
		if seen[b] || fsread.DirWithin(b, x.opts.Root) == "" {
			continue
		}
		seen[b] = true
		for _, h := range homesUnder(b) {
			if !contains(pf.homes, h) {
				pf.homes = append(pf.homes, h)
			}
		}
	}
	return pf
}

// homesUnder returns dir when it is a gem home, else the homes one and
// two levels below it (vendor/bundle/ruby/3.1.0).
func homesUnder(dir string) []string {
	if fsread.IsDir(filepath.Join(dir, "specifications")) {
		return []string{dir}
	}
	var out []string
	level1, _ := os.ReadDir(dir)
	for _, e1 := range level1 {
		if !e1.IsDir() {
			continue
		}
		d1 := filepath.Join(dir, e1.Name())
		if fsread.IsDir(filepath.Join(d1, "specifications")) {
			out = append(out, d1)
			continue
		}
		level2, _ := os.ReadDir(d1)
		for _, e2 := range level2 {
			d2 := filepath.Join(d1, e2.Name())
			if e2.IsDir() && fsread.IsDir(filepath.Join(d2, "specifications")) {
				out = append(out, d2)
			}
		}
	}
	sort.Strings(out)
	return out
}

// bundlePath reads BUNDLE_PATH from the project's .bundle/config, made
// absolute against the project directory.
func bundlePath(dir string) string {
	data, err := fsread.ReadBounded(filepath.Join(dir, ".bundle", "config"), 1<<20)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || strings.TrimSpace(key) != "BUNDLE_PATH" {
			continue
		}
		val = strings.Trim(strings.TrimSpace(val), `"'`)
		if val == "" {
			return ""
		}
		if !filepath.IsAbs(val) {
			val = filepath.Join(dir, filepath.FromSlash(val))
		}
		return filepath.Clean(val)
	}
	return ""
}

// cacheHomes returns the homes of the gem cache: the configured one, or
// GEM_HOME. They serve as a source of licenses and files for lockfile
// gems that the project did not install itself.
func (x *extraction) cacheHomes() []*gemHome {
	if x.cacheRead {
		return x.cache
	}
	x.cacheRead = true
	dir := x.opts.Cache(ecosystem)
	if dir == "" {
		dir = x.getenv("GEM_HOME")
	}
	if dir == "" {
		return nil
	}
	for _, h := range homesUnder(dir) {
		x.cache = append(x.cache, readHome(h, specFiles(filepath.Join(h, "specifications"))))
	}
	return x.cache
}

// readText reads a Bundler file or reports why it could not.
func (x *extraction) readText(path string) []byte {
	data, err := fsread.ReadBounded(path, maxLockfileSize)
	if err != nil {
		x.problem(path, "cannot read "+filepath.Base(path)+": "+err.Error())
		return nil
	}
	return data
}

// readGemfile reads and scans a Gemfile, nil when it cannot be read.
func (x *extraction) readGemfile(path string) *gemfile {
	data, err := fsread.ReadBounded(path, maxManifestSize)
	if err == nil {
		var gf *gemfile
		if gf, err = parseGemfile(bytes.NewReader(data)); err == nil {
			return gf
		}
	}
	x.problem(path, "cannot read "+filepath.Base(path)+": "+err.Error())
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Supports lists what the gem extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{
			Files:    "Gemfile.lock, gems.locked (GEM, GIT, PATH, PLUGIN SOURCE sections, CHECKSUMS) with the Gemfile beside it",
			Gives:    "components, graph, platforms, dev scope from Gemfile groups, SHA-256 checksums, download and git locations; PATH gems are the project itself",
			Licenses: "gemspecs of the project's vendor/bundle, of the gem cache (configured, or GEM_HOME) and of git checkouts",
		},
		{
			Files:    "Gemfile, gems.rb alone",
			Gives:    "declared gems without versions (requirements in a note), dev scope from groups",
			Licenses: "none",
		},
		{
			Files:    "installed gems: specifications/*.gemspec of a gem home (GEM_HOME, vendor/bundle/ruby/<abi>, Ruby's own and default gems, Debian's rubygems-integration)",
			Gives:    "installed components, their directories, graph from runtime dependencies",
			Licenses: "gemspec `license`/`licenses`, license files in gems/<name>-<version>/, Debian copyright files",
		},
	}
}
