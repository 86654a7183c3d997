package nuget

import (
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// testProjectNote explains why a test project's packages are all
// development scope.
const testProjectNote = "a test project (it references Microsoft.NET.Test.Sdk, uses MSTest.Sdk or sets IsTestProject): its packages count as development dependencies"

// lockProject builds the project of a packages.lock.json. The lock file
// has a section per target framework; the sections are merged, as the
// project ships for all of them. Project entries are the solution's own
// projects: their dependencies are the project's, and they are not
// components.
func (x *extraction) lockProject(u unit) *inventory.Project {
	data, err := x.files.read(u.file, maxLockFileSize)
	if err != nil {
		x.problem(u.file, "read: "+fsread.Describe(err))
		return nil
	}
	lf, err := parseLockFile(data)
	if err != nil {
		x.problem(u.file, "parse "+filepath.Base(u.file)+": "+err.Error())
		return nil
	}
	p := x.newProject(u, "lockfile")
	b := x.newBuilder(p, u)
	b.direct = map[string]bool{}
	info := x.projectInfo(u.project)
	p.Version = info.version
	if b.test = info.test; b.test {
		p.Notes = append(p.Notes, testProjectNote)
	}
	devNames := map[string]bool{}
	for _, r := range info.refs {
		if r.dev {
			devNames[strings.ToLower(r.name)] = true
		}
	}
	lt := &lockTargets{b: b, loc: x.opts.Rel(u.file), devNames: devNames, unresolved: map[string]bool{}}
	for _, t := range lf.Targets {
		lt.add(t)
	}
	if len(lt.unresolved) > 0 {
		p.Notes = append(p.Notes, "entries without a resolved version were left out: "+joinSorted(lt.unresolved))
	}
	b.finish()
	return p
}

// lockTargets adds the target sections of a lock file to a project.
type lockTargets struct {
	b          *builder
	loc        string
	devNames   map[string]bool // lower-case names of development references
	unresolved map[string]bool // names of entries without a version
}

// add adds the packages of one target and the edges between them. A
// dependency's range names the lowest acceptable version; the edge goes
// to the version the target resolved.
func (lt *lockTargets) add(t lockTarget) {
	b, p := lt.b, lt.b.p
	idx := make(map[string]*lockEntry, len(t.Entries))
	keys := make(map[string]string, len(t.Entries))
	for i := range t.Entries {
		e := &t.Entries[i]
		ln := strings.ToLower(e.Name)
		if _, dup := idx[ln]; !dup {
			idx[ln] = e
		}
		if e.isProject() {
			continue
		}
		if e.Resolved == "" {
			lt.unresolved[e.Name] = true
			continue
		}
		c, k := b.component(e.Name, e.Resolved, lt.loc)
		addHash(c, "SHA-512", e.ContentHash)
		if _, dup := keys[ln]; !dup {
			keys[ln] = k
		}
		if strings.EqualFold(e.Type, lockDirect) {
			p.AddEdge(inventory.RootKey, k)
			b.direct[k] = true
			if lt.devNames[ln] {
				b.dev[k] = true
			}
		}
	}
	// resolve maps a dependency name to the packages it stands for: the
	// package restore chose, or, for one of the solution's projects, that
	// project's own dependencies.
	var resolve func(name string, seen map[string]bool) []string
	resolve = func(name string, seen map[string]bool) []string {
		ln := strings.ToLower(name)
		e := idx[ln]
		if e == nil {
			return nil
		}
		if !e.isProject() {
			if k := keys[ln]; k != "" {
				return []string{k}
			}
			return nil
		}
		if seen[ln] {
			return nil
		}
		seen[ln] = true
		var out []string
		for _, d := range e.Deps {
			out = append(out, resolve(d.Name, seen)...)
		}
		return out
	}
	for i := range t.Entries {
		e := &t.Entries[i]
		ln := strings.ToLower(e.Name)
		from := keys[ln]
		switch {
		case e.isProject():
			// A project the root references: what it needs, the root
			// needs.
			from = inventory.RootKey
		case from == "" || idx[ln] != e:
			continue
		}
		seen := map[string]bool{ln: true}
		for _, d := range e.Deps {
			for _, to := range resolve(d.Name, seen) {
				if to != from {
					p.AddEdge(from, to)
				}
			}
		}
	}
}

// configProject builds the project of a packages.config. The file lists
// every installed package, direct or not, without the graph between them,
// so all are taken as the project's own dependencies.
func (x *extraction) configProject(u unit) *inventory.Project {
	data, err := x.files.read(u.file, maxPackagesConfigSize)
	if err != nil {
		x.problem(u.file, "read: "+fsread.Describe(err))
		return nil
	}
	pkgs, err := parsePackagesConfig(data)
	if err != nil {
		x.problem(u.file, "parse "+filepath.Base(u.file)+": "+err.Error())
		return nil
	}
	p := x.newProject(u, "packages.config")
	p.Notes = append(p.Notes, "packages.config lists every installed package without the graph between them: all count as direct")
	b := x.newBuilder(p, u)
	info := x.projectInfo(u.project)
	p.Version = info.version
	if b.test = info.test; b.test {
		p.Notes = append(p.Notes, testProjectNote)
	}
	loc := x.opts.Rel(u.file)
	for _, pkg := range pkgs {
		_, k := b.component(pkg.ID, pkg.Version, loc)
		p.AddEdge(inventory.RootKey, k)
		if pkg.Development {
			b.dev[k] = true
		}
	}
	b.finish()
	return p
}

// projectFileProject builds the project of a project file that has no
// lock file: its package references, at the versions it states.
func (x *extraction) projectFileProject(u unit) *inventory.Project {
	if x.readMSBuild(u.file) == nil {
		return nil
	}
	info := x.projectInfo(u.file)
	p := x.newProject(u, "project file")
	p.Version = info.version
	b := x.newBuilder(p, u)
	if b.test = info.test; b.test {
		p.Notes = append(p.Notes, testProjectNote)
	}
	ranges, missing, unexpanded := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range info.refs {
		version := r.version
		switch {
		case r.unexpanded:
			unexpanded[r.name+" "+r.version] = true
		case version == "":
			missing[r.name] = true
		default:
			var exact bool
			if version, exact = statedVersion(version); !exact {
				ranges[r.name+" "+version] = true
			}
		}
		_, k := b.component(r.name, version, x.opts.Rel(r.from))
		p.AddEdge(inventory.RootKey, k)
		if r.dev {
			b.dev[k] = true
		}
	}
	if len(ranges) > 0 {
		p.Notes = append(p.Notes, "version ranges are kept as written, not resolved: "+joinSorted(ranges))
	}
	if len(missing) > 0 {
		p.Notes = append(p.Notes, "no version stated for: "+joinSorted(missing))
	}
	if len(unexpanded) > 0 {
		p.Notes = append(p.Notes, "MSBuild properties this scan cannot evaluate are kept as written: "+joinSorted(unexpanded))
	}
	b.finish()
	return p
}

// statedVersion reads a PackageReference version. A bare version is the
// lowest acceptable one, which restore picks when it exists, and
// "[1.2.3]" asks for exactly 1.2.3: both give the version. Ranges and
// floating versions ("[1.0,2.0)", "1.*") are returned as written, and
// exact is false.
func statedVersion(v string) (version string, exact bool) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") && !strings.Contains(v, ",") {
		if inner := strings.TrimSpace(v[1 : len(v)-1]); inner != "" && !strings.ContainsAny(inner, "[]()*") {
			return inner, true
		}
	}
	if strings.ContainsAny(v, "[](),*") {
		return v, false
	}
	return v, true
}

// depsProject builds the project of a .deps.json: the application is the
// project, the packages it loads are its components. Other libraries of
// type project are the solution's own assemblies; like project entries of
// lock files they pass their dependencies on and are not components.
func (x *extraction) depsProject(u unit) *inventory.Project {
	data, err := x.files.read(u.file, maxDepsJSONSize)
	if err != nil {
		x.problem(u.file, "read: "+fsread.Describe(err))
		return nil
	}
	df, err := parseDepsJSON(data)
	if err != nil {
		x.problem(u.file, "parse "+filepath.Base(u.file)+": "+err.Error())
		return nil
	}
	p := x.newProject(u, "deps.json")
	b := x.newBuilder(p, u)
	b.direct = map[string]bool{}
	loc := x.opts.Rel(u.file)

	libs := map[string]*depsLibrary{}
	keys := map[string]string{}
	var projects []string
	others := 0
	for i := range df.Libraries {
		l := &df.Libraries[i]
		libs[l.ID()] = l
		switch l.Type {
		case "project":
			projects = append(projects, l.ID())
		case "package", "runtimepack":
			c, k := b.component(l.Name, l.Version, loc)
			if l.SHA512 != "" {
				addHash(c, "SHA-512", l.SHA512)
			}
			keys[l.ID()] = k
		default:
			others++
		}
	}
	roots := depsRoots(df, projects, libs, u.name)
	if len(roots) == 1 {
		p.Name, p.Version = libs[roots[0]].Name, libs[roots[0]].Version
	}
	isRoot := map[string]bool{}
	for _, r := range roots {
		isRoot[r] = true
	}

	var resolve func(id string, seen map[string]bool) []string
	resolve = func(id string, seen map[string]bool) []string {
		l := libs[id]
		if l == nil {
			return nil
		}
		if l.Type != "project" {
			if k := keys[id]; k != "" {
				return []string{k}
			}
			return nil
		}
		if seen[id] {
			return nil
		}
		seen[id] = true
		var out []string
		for _, to := range df.Deps[id] {
			out = append(out, resolve(to, seen)...)
		}
		return out
	}
	froms := make([]string, 0, len(df.Deps))
	for from := range df.Deps {
		froms = append(froms, from)
	}
	sort.Strings(froms)
	for _, from := range froms {
		fromKey := keys[from]
		switch {
		case isRoot[from]:
			fromKey = inventory.RootKey
			for _, to := range df.Deps[from] {
				if k := keys[to]; k != "" {
					b.direct[k] = true
				}
			}
		case fromKey == "":
			continue // another project, reached through the ones using it
		}
		seen := map[string]bool{from: true}
		for _, to := range df.Deps[from] {
			for _, k := range resolve(to, seen) {
				if k != fromKey {
					p.AddEdge(fromKey, k)
				}
			}
		}
	}
	if len(roots) == 0 {
		// No application entry: what nothing depends on is taken as what
		// the application uses.
		used := map[string]bool{}
		for _, tos := range df.Deps {
			for _, to := range tos {
				used[to] = true
			}
		}
		for id, k := range keys {
			if !used[id] {
				p.AddEdge(inventory.RootKey, k)
				b.direct[k] = true
			}
		}
	}
	// A runtime pack is the .NET runtime a self-contained application
	// carries: it ships whether or not an entry names it.
	for id, k := range keys {
		if libs[id].Type == "runtimepack" {
			p.AddEdge(inventory.RootKey, k)
		}
	}
	if others > 0 {
		p.Notes = append(p.Notes, "libraries that are not NuGet packages (reference assemblies, plain assembly references) were left out")
	}
	b.finish()
	return p
}

// depsRoots finds the application among the project libraries of a
// deps.json: the one named like the file, or else the projects no other
// library depends on.
func depsRoots(df *depsFile, projects []string, libs map[string]*depsLibrary, fileStem string) []string {
	for _, id := range projects {
		if strings.EqualFold(libs[id].Name, fileStem) {
			return []string{id}
		}
	}
	used := map[string]bool{}
	for _, tos := range df.Deps {
		for _, to := range tos {
			used[to] = true
		}
	}
	var roots []string
	for _, id := range projects {
		if !used[id] {
			roots = append(roots, id)
		}
	}
	return roots
}

func joinSorted(set map[string]bool) string {
	list := make([]string, 0, len(set))
	for s := range set {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool { return lessFold(list[i], list[j]) })
	return strings.Join(list, ", ")
}
