// Package composer finds the PHP packages a project depends on, from
// Composer's lockfile (composer.lock), from what Composer installed
// (vendor/composer/installed.json, in its Composer 1 and Composer 2
// forms) and from composer.json, and turns them into inventory projects.
package composer

import (
	"context"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// Extractor reads Composer projects. It holds no state.
type Extractor struct{}

// New returns the Composer extractor.
func New() *Extractor { return &Extractor{} }

// Name is "composer".
func (*Extractor) Name() string { return ecosystem }

// Wants composer.json and composer.lock files, and installed.json files
// in a directory named composer (Composer's record of a vendor
// directory). Files inside an installed package (vendor/<vendor>/<name>/…)
// belong to that package, not to a project.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	if !d.Type().IsRegular() {
		return false
	}
	switch d.Name() {
	case "composer.json", "composer.lock":
		return !inVendorPackage(rel)
	case "installed.json":
		return path.Base(path.Dir(rel)) == "composer" && !inVendorPackage(rel)
	}
	return false
}

// inVendorPackage reports whether rel lies inside a package directory of
// a vendor directory: vendor/<vendor>/<name>/….
func inVendorPackage(rel string) bool {
	segs := strings.Split(rel, "/")
	for i := 0; i+3 < len(segs); i++ {
		if segs[i] == "vendor" {
			return true
		}
	}
	return false
}

// projectFiles is one Composer project: a directory with composer.json,
// composer.lock or both, and the vendor directory that belongs to it.
type projectFiles struct {
	dir                                   string
	manifestPath, lockPath, installedPath string // "" when absent
	manifest                              *manifest
	vendorDir                             string
}

// extraction is one call of Extract.
type extraction struct {
	opts     inventory.Options
	problems []inventory.Problem
}

func (x *extraction) problem(file, msg string) {
	x.problems = append(x.problems, inventory.Problem{Path: x.opts.Rel(file), Message: msg})
}

// Extract groups the wanted files by project directory and reads each
// project: the lockfile when there is one, enriched from installed.json;
// installed.json alone; or the declared requirements of composer.json.
func (*Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	if opts.Root == "" {
		opts.Root = root
	}
	x := &extraction{opts: opts}
	dirSet := map[string]bool{}
	var installed []string
	for _, f := range files {
		f = filepath.Clean(f)
		if filepath.Base(f) == "installed.json" {
			installed = append(installed, f)
			continue
		}
		dirSet[filepath.Dir(f)] = true
	}
	dirs := make([]string, 0, len(dirSet))
	for d := range dirSet {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	sort.Strings(installed)

	var pfs []*projectFiles
	for _, d := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		pfs = append(pfs, x.locate(d))
	}
	pfs = dropVendored(pfs)

	claimed := map[string]bool{}
	for _, pf := range pfs {
		if pf.installedPath != "" {
			claimed[pf.installedPath] = true
		}
	}
	for _, f := range installed {
		if claimed[f] || insideVendor(f, pfs) {
			continue
		}
		// A vendor directory without its project files beside it (a
		// deployed application): the installed packages are the project.
		vendor := filepath.Dir(filepath.Dir(f))
		pfs = append(pfs, &projectFiles{dir: filepath.Dir(vendor), vendorDir: vendor, installedPath: f})
	}

	var projects []*inventory.Project
	for _, pf := range pfs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if p := x.project(pf); p != nil {
			projects = append(projects, p)
		}
	}
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Path < projects[j].Path })
	sort.SliceStable(x.problems, func(i, j int) bool { return x.problems[i].Path < x.problems[j].Path })
	return projects, x.problems, nil
}

// locate finds the project files in dir and reads composer.json, which
// says where the vendor directory is.
func (x *extraction) locate(dir string) *projectFiles {
	pf := &projectFiles{dir: dir}
	if p := filepath.Join(dir, "composer.json"); fsread.IsFile(p) {
		pf.manifestPath = p
		data, err := fsread.ReadBounded(p, maxManifestSize)
		if err == nil {
			pf.manifest, err = parseManifest(data)
		}
		if err != nil {
			x.problem(p, "cannot read composer.json: "+err.Error())
		}
	}
	if p := filepath.Join(dir, "composer.lock"); fsread.IsFile(p) {
		pf.lockPath = p
	}
	vendor := "vendor"
	if pf.manifest != nil && pf.manifest.VendorDir != "" {
		vendor = filepath.FromSlash(pf.manifest.VendorDir)
	}
	if filepath.IsAbs(vendor) {
		pf.vendorDir = filepath.Clean(vendor)
	} else {
		pf.vendorDir = filepath.Join(dir, vendor)
	}
	if p := filepath.Join(pf.vendorDir, "composer", "installed.json"); fsread.IsFile(p) {
		pf.installedPath = p
	}
	return pf
}

// dropVendored leaves out the projects that lie inside another project's
// vendor directory: with a custom vendor-dir the walk cannot tell them
// from projects by their path alone.
func dropVendored(pfs []*projectFiles) []*projectFiles {
	out := pfs[:0]
	for _, pf := range pfs {
		inside := false
		for _, o := range pfs {
			if o != pf && o.dir != pf.dir && fsread.Within(pf.dir, o.vendorDir) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, pf)
		}
	}
	return out
}

// insideVendor reports whether file lies in some project's vendor
// directory (a package that ships its own vendor directory).
func insideVendor(file string, pfs []*projectFiles) bool {
	for _, pf := range pfs {
		if fsread.Within(file, pf.vendorDir) {
			return true
		}
	}
	return false
}

// project reads one project. It returns nil when none of its files could
// be read; the problems say why.
func (x *extraction) project(pf *projectFiles) *inventory.Project {
	var lock *lockFile
	if pf.lockPath != "" {
		data, err := fsread.ReadBounded(pf.lockPath, maxLockfileSize)
		if err == nil {
			lock, err = parseLock(data)
		}
		if err != nil {
			x.problem(pf.lockPath, "cannot read composer.lock: "+err.Error())
			lock = nil
		} else if lock.Skipped > 0 {
			x.problem(pf.lockPath, plural(lock.Skipped, "package entry", "package entries")+" without a name skipped")
		}
	}
	var inst *installedFile
	if pf.installedPath != "" {
		data, err := fsread.ReadBounded(pf.installedPath, maxLockfileSize)
		if err == nil {
			inst, err = parseInstalled(data)
		}
		if err != nil {
			x.problem(pf.installedPath, "cannot read installed.json: "+err.Error())
			inst = nil
		} else if inst.Skipped > 0 {
			x.problem(pf.installedPath, plural(inst.Skipped, "package entry", "package entries")+" without a name skipped")
		}
	}
	if lock == nil && inst == nil && pf.manifest == nil {
		return nil
	}

	p := &inventory.Project{Ecosystem: ecosystem, Name: filepath.Base(pf.dir)}
	if pf.manifest != nil {
		if pf.manifest.Name != "" {
			p.Name = pf.manifest.Name
		}
		p.Version = pf.manifest.Version
	}
	switch {
	case pf.manifestPath != "":
		p.Path = x.opts.Rel(pf.manifestPath)
	case pf.lockPath != "":
		p.Path = x.opts.Rel(pf.lockPath)
	default:
		p.Path = x.opts.Rel(pf.installedPath)
	}

	b := newBuilder(p, x.opts)
	switch {
	case lock != nil:
		p.Source = "lockfile"
		b.addLock(lock, x.opts.Rel(pf.lockPath))
		b.link()
		b.linkRoot(pf.manifest, "composer.lock")
		if inst != nil {
			p.Source = "installed+lockfile"
			b.enrich(inst, pf.vendorDir)
		}
	case inst != nil:
		p.Source = "installed"
		if pf.lockPath != "" {
			p.Notes = append(p.Notes, "composer.lock could not be read: components come from installed.json")
		}
		b.addInstalled(inst, pf.vendorDir, x.opts.Rel(pf.installedPath))
		b.link()
		b.linkRoot(pf.manifest, "installed.json")
		b.installedScopes(inst, pf.manifest)
	default:
		p.Source = "manifest"
		why := "no composer.lock and no installed packages"
		if pf.lockPath != "" {
			why = "composer.lock could not be read"
		}
		b.addDeclared(pf.manifest, x.opts.Rel(pf.manifestPath), why)
	}
	b.finish()
	p.ComputePaths()
	return p
}

// Supports lists what the Composer extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{
			Files:    "composer.lock (with composer.json beside it)",
			Gives:    "components, graph, prod/dev scopes, direct dependencies, SHA-1 dist checksums, download URLs, authors, funding",
			Licenses: "lockfile `license` (a list means a choice: joined with OR); license files of installed packages",
		},
		{
			Files:    "vendor/composer/installed.json (Composer 1 and 2, custom vendor-dir)",
			Gives:    "installed components and their directories, graph, dev packages (Composer 2)",
			Licenses: "`license` of the installed packages, license files in their directories",
		},
		{
			Files:    "composer.json alone",
			Gives:    "direct requirements without versions (constraints in a note)",
			Licenses: "none",
		},
	}
}
