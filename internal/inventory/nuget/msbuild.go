package nuget

import (
	"path/filepath"
	"strings"

	"ospo/internal/inventory/fsread"
)

// The files MSBuild imports into every project below them. Only the
// nearest of each applies, unless it imports its parent itself, which is
// not followed here.
const (
	directoryBuildProps    = "Directory.Build.props"
	directoryPackagesProps = "Directory.Packages.props"
)

// projectInfo is what a project file and the files MSBuild imports into it
// say about the project's packages.
type projectInfo struct {
	refs    []reference
	test    bool
	version string
}

// reference is a package reference with its properties expanded and its
// version taken from wherever MSBuild would take it.
type reference struct {
	name, version string
	dev           bool
	unexpanded    bool   // a property in the name or version could not be expanded
	from          string // the file that declares the reference
}

// projectInfo reads a project file with its Directory.Build.props and
// Directory.Packages.props. It returns an empty answer for "" or a file
// that cannot be read (the problem is recorded).
func (x *extraction) projectInfo(projectPath string) projectInfo {
	var info projectInfo
	if projectPath == "" {
		return info
	}
	pf := x.readMSBuild(projectPath)
	if pf == nil {
		return info
	}
	dir := filepath.Dir(projectPath)
	type source struct {
		path string
		pf   *projectFile
	}
	var sources []source
	for _, name := range []string{directoryBuildProps, directoryPackagesProps} {
		if p := x.findUp(dir, name); p != "" {
			if f := x.readMSBuild(p); f != nil {
				sources = append(sources, source{p, f})
			}
		}
	}
	sources = append(sources, source{projectPath, pf})

	// MSBuild evaluates every property before any item, so an item sees
	// the last definition of each property, wherever it stands.
	props := map[string]string{}
	central := map[string]string{}
	for _, s := range sources {
		for k, v := range s.pf.Properties {
			props[k] = v
		}
		for _, v := range s.pf.Versions {
			central[strings.ToLower(v.Name)] = v.Version
		}
	}

	type item struct {
		packageRef
		from string
	}
	var items []item
	for _, s := range sources {
		for _, r := range s.pf.References {
			items = append(items, item{r, s.path})
		}
		for _, r := range s.pf.Globals {
			// Global references are private to the project by definition.
			r.PrivateAssets = "all"
			items = append(items, item{r, s.path})
		}
	}
	for _, s := range sources {
		for _, u := range s.pf.Updates {
			for i := range items {
				if !strings.EqualFold(items[i].Name, u.Name) {
					continue
				}
				if u.Version != "" {
					items[i].Version = u.Version
				}
				if u.VersionOverride != "" {
					items[i].VersionOverride = u.VersionOverride
				}
				if u.PrivateAssets != "" {
					items[i].PrivateAssets = u.PrivateAssets
				}
			}
		}
	}

	seen := map[string]int{}
	for _, it := range items {
		name, okName := expand(it.Name, props)
		version := firstNonEmpty(it.VersionOverride, it.Version, central[strings.ToLower(name)])
		version, okVersion := expand(version, props)
		r := reference{
			name:       name,
			version:    version,
			dev:        it.development(),
			unexpanded: !okName || !okVersion,
			from:       it.from,
		}
		// A package referenced twice (NuGet warns, NU1504) is one
		// reference; the first declaration decides.
		if i, dup := seen[strings.ToLower(name)]; dup {
			if info.refs[i].version == "" {
				info.refs[i].version = r.version
			}
			continue
		}
		seen[strings.ToLower(name)] = len(info.refs)
		info.refs = append(info.refs, r)
		if strings.EqualFold(name, "Microsoft.NET.Test.Sdk") {
			info.test = true
		}
	}
	if strings.HasPrefix(strings.ToLower(pf.Sdk), "mstest.sdk") {
		info.test = true
	}
	// The property decides when it is set: helper libraries of test
	// projects reference the test SDK and turn it off.
	if v, ok := expand(props["istestproject"], props); ok && v != "" {
		info.test = strings.EqualFold(v, "true")
	}
	for _, k := range []string{"version", "versionprefix"} {
		if v, ok := expand(props[k], props); ok && v != "" {
			info.version = v
			break
		}
	}
	return info
}

// readMSBuild parses a project or props file once per extraction; nil when
// it cannot be read or parsed, which is recorded as a problem.
func (x *extraction) readMSBuild(path string) *projectFile {
	if pf, ok := x.msbuild[path]; ok {
		return pf
	}
	var pf *projectFile
	data, err := x.files.read(path, maxProjectFileSize)
	if err != nil {
		x.problem(path, "read: "+fsread.Describe(err))
	} else if pf, err = parseProjectFile(data); err != nil {
		x.problem(path, "parse "+filepath.Base(path)+": "+err.Error())
		pf = nil
	}
	x.msbuild[path] = pf
	return pf
}

// findUp returns the nearest file called name in dir or the directories
// above it, up to the scan root; "" when there is none.
func (x *extraction) findUp(dir, name string) string {
	key := dir + "\x00" + name
	if p, ok := x.found[key]; ok {
		return p
	}
	found := ""
	if _, ok := x.files.inRoot(dir); ok {
		if p := filepath.Join(dir, name); x.files.isFile(p) {
			found = p
		} else if parent := filepath.Dir(dir); parent != dir && !x.atRoot(dir) {
			found = x.findUp(parent, name)
		}
	}
	x.found[key] = found
	return found
}

func (x *extraction) atRoot(dir string) bool {
	rel, ok := x.files.inRoot(dir)
	return ok && rel == "."
}

// legacyFolders are the packages folders a packages.config project may
// have installed into: "packages" beside the solution, which is usually in
// the project's directory or one above it.
func (x *extraction) legacyFolders(dir string) []string {
	var out []string
	for {
		if _, ok := x.files.inRoot(dir); !ok {
			return out
		}
		if p := filepath.Join(dir, "packages"); x.files.isDir(p) {
			out = append(out, p)
		}
		parent := filepath.Dir(dir)
		if parent == dir || x.atRoot(dir) {
			return out
		}
		dir = parent
	}
}
