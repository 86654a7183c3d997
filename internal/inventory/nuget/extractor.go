// Package nuget finds the NuGet packages .NET projects depend on: from the
// lock files restore writes (packages.lock.json), from the runtime
// manifests beside built and published applications (*.deps.json), and,
// where neither is present, from what project files and packages.config
// state. Licenses and suppliers come from the nuspec files of the packages
// restore extracted into NuGet's global packages folder, read offline.
package nuget

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
)

// Extractor is the NuGet plugin. It holds no state: everything one scan
// needs lives in an extraction.
type Extractor struct{}

// New returns the NuGet extractor.
func New() *Extractor { return &Extractor{} }

// Name implements inventory.Extractor.
func (*Extractor) Name() string { return "nuget" }

// fileKind says what a wanted file is.
type fileKind int

const (
	kindNone fileKind = iota
	kindLock
	kindConfig
	kindDeps
	kindProject
)

// classify tells a file's kind from its name. Lock files and
// packages.config may be named for one project of a directory holding
// several (packages.<project>.lock.json, packages.<project>.config); the
// second result is that project's name.
func classify(name string) (fileKind, string) {
	lower := strings.ToLower(name)
	switch {
	case lower == "packages.lock.json":
		return kindLock, ""
	case lower == "packages.config":
		return kindConfig, ""
	case strings.HasSuffix(lower, ".deps.json") && len(lower) > len(".deps.json"):
		return kindDeps, ""
	}
	const prefix, lockSuffix, configSuffix = "packages.", ".lock.json", ".config"
	if strings.HasPrefix(lower, prefix) {
		if strings.HasSuffix(lower, lockSuffix) && len(lower) > len(prefix)+len(lockSuffix) {
			return kindLock, name[len(prefix) : len(name)-len(lockSuffix)]
		}
		if strings.HasSuffix(lower, configSuffix) && len(lower) > len(prefix)+len(configSuffix) {
			return kindConfig, name[len(prefix) : len(name)-len(configSuffix)]
		}
	}
	switch path.Ext(lower) {
	case ".csproj", ".fsproj", ".vbproj":
		return kindProject, ""
	}
	return kindNone, ""
}

// Wants takes lock files, packages.config files, *.deps.json and project
// files, but nothing inside a NuGet packages folder (.nuget/packages): the
// packages there are dependencies, not projects.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	if !d.Type().IsRegular() {
		return false
	}
	if k, _ := classify(d.Name()); k == kindNone {
		return false
	}
	for _, el := range strings.Split(path.Dir(rel), "/") {
		if el == ".nuget" {
			return false
		}
	}
	return true
}

// unit is one project to build: the file its components come from and
// the project file it belongs to.
type unit struct {
	kind    fileKind
	file    string // lock file, packages.config, deps.json or project file
	project string // the project file, "" when none was found
	name    string
	notes   []string
}

// extraction is one call of Extract.
type extraction struct {
	opts     inventory.Options
	files    *fileReader
	cache    *packageCache
	problems []inventory.Problem
	msbuild  map[string]*projectFile // parsed project and props files, nil when unreadable
	found    map[string]string       // findUp answers
}

// Extract implements inventory.Extractor. Each lock file, packages.config
// and deps.json is a project, and so is each project file that has
// neither a lock file nor a packages.config beside it.
func (*Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	if opts.Root == "" {
		opts.Root = root
	}
	x := &extraction{
		opts:    opts,
		files:   newFileReader(opts.Root),
		msbuild: map[string]*projectFile{},
		found:   map[string]string{},
	}
	defer x.files.close()
	x.cache = newPackageCache(cacheDir(opts.Cache("nuget"), os.Getenv), opts)

	var projects []*inventory.Project
	for _, u := range plan(files, x.besideOnly(files)) {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		var p *inventory.Project
		switch u.kind {
		case kindLock:
			p = x.lockProject(u)
		case kindConfig:
			p = x.configProject(u)
		case kindDeps:
			p = x.depsProject(u)
		case kindProject:
			p = x.projectFileProject(u)
		}
		if p != nil {
			projects = append(projects, p)
		}
	}
	problems := append(x.problems, x.cache.problems...)
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Path < projects[j].Path })
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	return projects, problems, nil
}

// besideOnly finds the project files beside lock files and
// packages.config files that came without them, as when a single lock
// file is scanned: they name the project, but are not projects to read of
// their own.
func (x *extraction) besideOnly(files []string) []string {
	hasProject := map[string]bool{}
	for _, f := range files {
		if k, _ := classify(filepath.Base(f)); k == kindProject {
			hasProject[filepath.Dir(filepath.Clean(f))] = true
		}
	}
	looked := map[string]bool{}
	var out []string
	for _, f := range files {
		dir := filepath.Dir(filepath.Clean(f))
		if k, _ := classify(filepath.Base(f)); (k != kindLock && k != kindConfig) || hasProject[dir] || looked[dir] {
			continue
		}
		looked[dir] = true
		for _, name := range x.files.names(dir) {
			if k, _ := classify(name); k == kindProject && x.files.isFile(filepath.Join(dir, name)) {
				out = append(out, filepath.Join(dir, name))
			}
		}
	}
	return out
}

// plan groups the wanted files by directory into units. A lock file or a
// packages.config belongs to the project file beside it: the one it is
// named for, or the only one there. The extra project files only name
// projects; they are not read as projects of their own.
func plan(files, extra []string) []unit {
	isExtra := map[string]bool{}
	for _, f := range extra {
		isExtra[filepath.Clean(f)] = true
	}
	files = append(append([]string(nil), files...), extra...)
	type dirFiles struct {
		projects, locks, configs, deps []string
		lockFor, configFor             map[string]string
	}
	byDir := map[string]*dirFiles{}
	projectDirs := map[string]bool{}
	for _, f := range files {
		f = filepath.Clean(f)
		dir := filepath.Dir(f)
		df := byDir[dir]
		if df == nil {
			df = &dirFiles{lockFor: map[string]string{}, configFor: map[string]string{}}
			byDir[dir] = df
		}
		k, forName := classify(filepath.Base(f))
		switch k {
		case kindLock:
			df.locks = append(df.locks, f)
			df.lockFor[f] = forName
		case kindConfig:
			df.configs = append(df.configs, f)
			df.configFor[f] = forName
		case kindDeps:
			df.deps = append(df.deps, f)
		case kindProject:
			df.projects = append(df.projects, f)
			projectDirs[dir] = true
		}
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)

	var units []unit
	for _, dir := range dirs {
		df := byDir[dir]
		for _, l := range [][]string{df.projects, df.locks, df.configs, df.deps} {
			sort.Strings(l)
		}
		used := map[string]bool{}
		// owner finds the project file a lock file or packages.config
		// belongs to, and the project's name.
		owner := func(forName string) (project, name string, notes []string) {
			if forName != "" {
				for _, p := range df.projects {
					if strings.EqualFold(stem(p), forName) {
						return p, stem(p), nil
					}
				}
				return "", forName, nil
			}
			switch len(df.projects) {
			case 0:
				return "", filepath.Base(dir), nil
			case 1:
				return df.projects[0], stem(df.projects[0]), nil
			}
			return "", filepath.Base(dir), []string{"several project files share this directory; the project is named after the directory"}
		}
		for _, l := range df.locks {
			project, name, notes := owner(df.lockFor[l])
			units = append(units, unit{kind: kindLock, file: l, project: project, name: name, notes: notes})
			used[project] = true
		}
		for _, c := range df.configs {
			project, name, notes := owner(df.configFor[c])
			if project != "" && used[project] {
				notes = append(notes, "the project also has a lock file, which is read as a project of its own")
			}
			units = append(units, unit{kind: kindConfig, file: c, project: project, name: name, notes: notes})
			used[project] = true
		}
		for _, p := range df.projects {
			if !used[p] && !isExtra[p] {
				units = append(units, unit{kind: kindProject, file: p, project: p, name: stem(p)})
			}
		}
		for _, d := range df.deps {
			if buildOutput(d, projectDirs) {
				continue
			}
			name := filepath.Base(d)
			units = append(units, unit{kind: kindDeps, file: d, name: name[:len(name)-len(".deps.json")]})
		}
	}
	return units
}

// buildOutput reports whether a deps.json lies in the bin or obj folder of
// a project that is scanned from its sources: the project's own files say
// more than a build left behind.
func buildOutput(file string, projectDirs map[string]bool) bool {
	for dir := filepath.Dir(file); ; {
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		if b := strings.ToLower(filepath.Base(dir)); (b == "bin" || b == "obj") && projectDirs[parent] {
			return true
		}
		dir = parent
	}
}

// stem is a project file's name without its extension: the project's
// name, as MSBuild gives it by default.
func stem(p string) string {
	b := filepath.Base(p)
	return b[:len(b)-len(filepath.Ext(b))]
}

// newProject starts the project of a unit. Its path is the project file
// when there is one, so that a project is known by its manifest.
func (x *extraction) newProject(u unit, source string) *inventory.Project {
	manifest := u.file
	if u.project != "" && u.kind != kindConfig {
		manifest = u.project
	}
	return &inventory.Project{
		Ecosystem: ecosystem,
		Name:      u.name,
		Path:      x.opts.Rel(manifest),
		Source:    source,
		Notes:     append([]string(nil), u.notes...),
	}
}

// newBuilder starts the components of a unit's project, looking packages
// up in the global packages folder and, for packages.config projects, in
// the solution's packages folder.
func (x *extraction) newBuilder(p *inventory.Project, u unit) *builder {
	var legacy []string
	if u.kind == kindConfig {
		legacy = x.legacyFolders(filepath.Dir(u.file))
	}
	return newBuilder(p, func(name, version string) *installedPackage {
		return x.cache.find(name, version, legacy)
	}, x.opts)
}

// problem records that a file could not be read or understood.
func (x *extraction) problem(file, message string) {
	x.problems = append(x.problems, inventory.Problem{Path: x.opts.Rel(file), Message: message})
}

// Supports lists what the NuGet extractor reads.
func (*Extractor) Supports() []inventory.Support {
	const cache = "nuspec in the NuGet global packages folder: license expression, license file or licenseUrl"
	return []inventory.Support{
		{Files: "packages.lock.json (v1, v2; packages.<project>.lock.json)", Gives: "components of every target framework merged, graph, direct/transitive, SHA-512 content hashes, development scope from PrivateAssets", Licenses: cache},
		{Files: "*.deps.json (built and published applications, self-contained runtime packs)", Gives: "runtime components, graph, SHA-512 hashes", Licenses: cache},
		{Files: "*.csproj, *.fsproj, *.vbproj with Directory.Build.props and Directory.Packages.props (when there is no lock file)", Gives: "direct PackageReferences at their stated versions (central versions, properties expanded, ranges kept), development scope", Licenses: cache},
		{Files: "packages.config", Gives: "installed packages, developmentDependency scope", Licenses: cache + ", or the solution's packages folder"},
	}
}
