package cargo

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	packageurl "github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// newProject starts the project of a workspace; path is shown when the
// workspace has no root manifest.
func (x *extraction) newProject(ws *workspace, path string) *inventory.Project {
	p := &inventory.Project{Ecosystem: "cargo", Path: x.opts.Rel(path)}
	if ws.rootPath != "" {
		p.Path = x.opts.Rel(ws.rootPath)
	}
	if rp := ws.rootPackage(); rp != nil {
		p.Name, p.Version = rp.name, rp.version
	}
	if p.Name == "" {
		p.Name = filepath.Base(ws.dir)
	}
	return p
}

// lockProject builds the project of a Cargo.lock and its workspace. A
// lockfile that cannot be read leaves the workspace's declared
// dependencies.
func (x *extraction) lockProject(lockPath string) *inventory.Project {
	dir := filepath.Dir(lockPath)
	ws := x.loadWorkspace(dir)
	vendors := vendorDirs(dir)
	for _, vd := range vendors {
		x.claimDir(vd)
	}
	x.claimDir(filepath.Join(dir, "target"))

	data, err := fsread.ReadBounded(lockPath, maxLockfile)
	msg := ""
	var lock *lockfile
	if err != nil {
		msg = fileError(err)
	} else if lock, err = parseCargoLock(data); err != nil {
		msg = err.Error()
	}
	if lock == nil {
		x.problem(lockPath, msg)
		return x.declaredProject(ws, lockPath, "Cargo.lock could not be read")
	}

	p := x.newProject(ws, lockPath)
	p.Source = "Cargo.lock"
	b := &lockBuild{x: x, p: p, ws: ws, lock: lock, lockRel: x.opts.Rel(lockPath), vendors: vendors}
	b.build()
	if ws.root == nil && len(ws.crates) == 0 {
		// Without a manifest, the root is the own package no other own
		// package depends on.
		if name, version := lockRoot(lock); name != "" {
			p.Name, p.Version = name, version
		}
	}
	return p
}

// lockRoot names the only own package of a lockfile that no other own
// package depends on, "" when there is not exactly one.
func lockRoot(l *lockfile) (string, string) {
	depended := map[int]bool{}
	for _, p := range l.Packages {
		if p.own() {
			for _, d := range p.Deps {
				depended[d] = true
			}
		}
	}
	found := -1
	for i, p := range l.Packages {
		if p.own() && !depended[i] {
			if found >= 0 {
				return "", ""
			}
			found = i
		}
	}
	if found < 0 {
		return "", ""
	}
	return l.Packages[found].Name, l.Packages[found].Version
}

// lockBuild turns a parsed lockfile into a project's components and
// graph.
type lockBuild struct {
	x       *extraction
	p       *inventory.Project
	ws      *workspace
	lock    *lockfile
	lockRel string
	vendors []string
}

func (b *lockBuild) build() {
	pkgs := b.lock.Packages
	p := b.p
	if b.lock.Version > maxLockVersion {
		p.Notes = append(p.Notes, fmt.Sprintf("Cargo.lock format version %d is newer than the formats this reader knows (1 to %d); it was read as format %d", b.lock.Version, maxLockVersion, maxLockVersion))
	}
	p.Notes = append(p.Notes, b.ws.notes...)
	const maxIssues = 10
	for i, is := range b.lock.Issues {
		if i == maxIssues {
			p.Notes = append(p.Notes, fmt.Sprintf("Cargo.lock: %d more entries could not be used", len(b.lock.Issues)-maxIssues))
			break
		}
		p.Notes = append(p.Notes, "Cargo.lock: "+is)
	}

	// Own packages (path packages) are matched to their manifests by
	// name, and by version when a name is there twice.
	byName := map[string][]*ownCrate{}
	for _, c := range b.ws.crates {
		byName[c.name] = append(byName[c.name], c)
	}
	crateOf := map[int]*ownCrate{}
	var own, noManifest []string
	anyOwn := false
	for i, pkg := range pkgs {
		if !pkg.own() {
			continue
		}
		anyOwn = true
		own = append(own, pkg.Name+" "+pkg.Version)
		cands := byName[pkg.Name]
		for _, c := range cands {
			if c.version == pkg.Version {
				crateOf[i] = c
			}
		}
		if crateOf[i] == nil && len(cands) == 1 {
			crateOf[i] = cands[0]
		}
		if crateOf[i] == nil {
			noManifest = append(noManifest, pkg.Name)
		}
	}
	if len(own) > 0 {
		p.Notes = append(p.Notes, listNote("the project's own crates (roots of the graph, not components): ", own))
	}
	switch {
	case b.ws.rootPath == "":
		p.Notes = append(p.Notes, "no Cargo.toml beside Cargo.lock: dev-dependencies cannot be told apart, so every crate counts as prod")
	case len(noManifest) > 0 && b.ws.root != nil:
		p.Notes = append(p.Notes, listNote("no Cargo.toml was read for these own crates, so their dependencies count as prod: ", noManifest))
	}

	// What the own crates depend on seeds the scopes; own-to-own edges
	// disappear, since all own crates are roots.
	seed := map[int]inventory.Scope{}
	var undeclared []string
	for i, pkg := range pkgs {
		if !pkg.own() {
			continue
		}
		c := crateOf[i]
		for _, j := range pkg.Deps {
			if pkgs[j].own() {
				continue
			}
			s := inventory.ScopeProd
			if c != nil {
				var declared bool
				if s, declared = c.ownScope(pkgs[j].Name); !declared {
					s = inventory.ScopeProd
					undeclared = append(undeclared, pkg.Name+" → "+pkgs[j].Name)
				}
			}
			seed[j] = stronger(seed[j], s)
		}
	}
	if !anyOwn {
		// A lockfile without path packages: its roots are the packages
		// nothing depends on.
		depended := map[int]bool{}
		for _, pkg := range pkgs {
			for _, d := range pkg.Deps {
				depended[d] = true
			}
		}
		for i := range pkgs {
			if !depended[i] {
				seed[i] = inventory.ScopeProd
			}
		}
	}
	if len(undeclared) > 0 {
		p.Notes = append(p.Notes, listNote("Cargo.lock lists dependencies that the Cargo.toml files do not declare (the lockfile may be out of date), counted as prod: ", undeclared))
	}

	scopes := propagate(pkgs, seed)

	// Components, one per name@version.
	keys := make([]string, len(pkgs))
	byKey := map[string]*inventory.Component{}
	var twice, unreached []string
	for i, pkg := range pkgs {
		if pkg.own() {
			continue
		}
		k := inventory.Key("cargo", pkg.Name, pkg.Version)
		keys[i] = k
		s := scopes[i]
		if s == "" {
			s = inventory.ScopeProd
			if anyOwn {
				unreached = append(unreached, pkg.Name+" "+pkg.Version)
			}
		}
		c, ok := byKey[k]
		if ok {
			twice = appendUnique(twice, pkg.Name+" "+pkg.Version)
			c.Scope = stronger(c.Scope, s)
			addHash(c, pkg.Checksum)
			continue
		}
		c = &inventory.Component{
			Ecosystem: "cargo",
			Name:      pkg.Name,
			Version:   pkg.Version,
			PURL:      purl(pkg.Name, pkg.Version),
			Scope:     s,
			Locations: []string{b.lockRel},
			Resolved:  pkg.Source,
		}
		addHash(c, pkg.Checksum)
		byKey[k] = c
		p.Components = append(p.Components, c)
	}
	if len(twice) > 0 {
		p.Notes = append(p.Notes, listNote("locked from more than one source, listed once: ", twice))
	}
	if len(unreached) > 0 {
		p.Notes = append(p.Notes, listNote("locked but not reachable from the project's own crates: ", unreached))
	}
	for _, j := range sortedInts(seed) {
		if keys[j] != "" {
			p.AddEdge(inventory.RootKey, keys[j])
		}
	}
	for i, pkg := range pkgs {
		if keys[i] == "" {
			continue
		}
		for _, j := range pkg.Deps {
			if keys[j] != "" && keys[j] != keys[i] {
				p.AddEdge(keys[i], keys[j])
			}
		}
	}

	b.addSources(pkgs, keys, byKey)
	sortComponents(p.Components)
	p.ComputePaths()
}

// addSources fills what the crates' own sources say, when they are on
// this machine.
func (b *lockBuild) addSources(pkgs []*lockPackage, keys []string, byKey map[string]*inventory.Component) {
	type job struct {
		c        *inventory.Component
		registry bool
	}
	var jobs []job
	done := map[string]bool{}
	for i, pkg := range pkgs {
		if keys[i] == "" || done[keys[i]] {
			continue
		}
		done[keys[i]] = true
		jobs = append(jobs, job{byKey[keys[i]], fromRegistry(pkg.Source)})
	}
	found := make([]*crateSource, len(jobs))
	parallel(len(jobs), func(i int) {
		if b.x.ctx.Err() != nil {
			return
		}
		found[i] = b.x.finder.find(b.vendors, jobs[i].c.Name, jobs[i].c.Version, jobs[i].registry)
	})
	n := 0
	for i, s := range found {
		if s == nil {
			continue
		}
		n++
		fillFromSource(jobs[i].c, s, b.x.opts)
	}
	if len(jobs) > 0 {
		b.p.Notes = append(b.p.Notes, fmt.Sprintf("crate sources found on this machine for %d of %d crates; the others have no declared license until their sources are fetched (cargo fetch or cargo vendor)", n, len(jobs)))
	}
}

// fillFromSource adds what a crate's unpacked sources say about it.
func fillFromSource(c *inventory.Component, s *crateSource, opts inventory.Options) {
	c.Dir, c.Installed = s.Dir, true
	c.DeclaredLicenses = declaredLicenses(s.Meta)
	c.Supplier = supplier(s.Meta.Authors)
	c.Homepage = s.Meta.Homepage
	c.Repository = s.Meta.Repository
	if len(c.Hashes) == 0 {
		addHash(c, s.Checksum)
	}
	if s.Vendored && fsread.Within(s.Dir, filepath.Clean(opts.Root)) {
		c.Locations = appendUnique(c.Locations, opts.Rel(s.Dir))
	}
}

// fromRegistry reports whether a lockfile source is a registry, whose
// crates Cargo unpacks into its registry cache.
func fromRegistry(source string) bool {
	return strings.HasPrefix(source, "registry+") || strings.HasPrefix(source, "sparse+")
}

// propagate gives every package reachable from the seeds the strongest
// scope of a seed it is reached from: prod first, then optional, then
// dev, each claiming only what a stronger scope did not reach. Own
// packages are not walked through.
func propagate(pkgs []*lockPackage, seed map[int]inventory.Scope) []inventory.Scope {
	scopes := make([]inventory.Scope, len(pkgs))
	for _, s := range []inventory.Scope{inventory.ScopeProd, inventory.ScopeOptional, inventory.ScopeDev} {
		var queue []int
		for _, i := range sortedInts(seed) {
			if seed[i] == s && scopes[i] == "" {
				scopes[i] = s
				queue = append(queue, i)
			}
		}
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for _, j := range pkgs[i].Deps {
				if scopes[j] == "" && !pkgs[j].own() {
					scopes[j] = s
					queue = append(queue, j)
				}
			}
		}
	}
	return scopes
}

// manifestProject builds the project of a Cargo.toml that no lockfile
// owns.
func (x *extraction) manifestProject(path string) *inventory.Project {
	dir := filepath.Dir(path)
	ws := x.loadWorkspace(dir)
	return x.declaredProject(ws, path, "no Cargo.lock")
}

// declaredProject lists what the own crates declare, without versions:
// without a lockfile nothing says which versions Cargo would pick. It
// returns nil when there is no readable manifest either: the problem
// reported for it says all there is.
func (x *extraction) declaredProject(ws *workspace, path, why string) *inventory.Project {
	if ws.root == nil {
		return nil
	}
	p := x.newProject(ws, path)
	p.Source = "Cargo.toml"
	p.Notes = append(p.Notes, ws.notes...)
	ownNames := map[string]bool{}
	var own []string
	for _, c := range ws.crates {
		ownNames[c.name] = true
		own = append(own, strings.TrimSpace(c.name+" "+c.version))
	}
	if len(own) > 0 {
		p.Notes = append(p.Notes, listNote("the project's own crates (roots of the graph, not components): ", own))
	}
	byKey := map[string]*inventory.Component{}
	for _, c := range ws.crates {
		for _, d := range c.deps {
			if d.Path != "" || ownNames[d.Name] {
				continue
			}
			s := inventory.ScopeProd
			switch {
			case d.Kind == kindDev:
				s = inventory.ScopeDev
			case d.Optional:
				s = inventory.ScopeOptional
			}
			k := inventory.Key("cargo", d.Name, "")
			comp, ok := byKey[k]
			if !ok {
				comp = &inventory.Component{Ecosystem: "cargo", Name: d.Name, PURL: purl(d.Name, ""), Scope: s}
				byKey[k] = comp
				p.Components = append(p.Components, comp)
			}
			comp.Scope = stronger(comp.Scope, s)
			comp.Locations = appendUnique(comp.Locations, x.opts.Rel(c.path))
			if comp.Resolved == "" {
				comp.Resolved = d.gitSource()
			}
			p.AddEdge(inventory.RootKey, k)
		}
	}
	if len(p.Components) > 0 {
		p.Notes = append(p.Notes, why+": the declared dependencies are listed without versions")
	}
	sortComponents(p.Components)
	p.ComputePaths()
	return p
}

// registryProject lists the unpacked crates of a directory no lockfile
// owns: each is there in its own right, so each is direct.
func (x *extraction) registryProject(dir string, crateDirs []string) *inventory.Project {
	p := &inventory.Project{Ecosystem: "cargo", Name: filepath.Base(dir), Path: x.opts.Rel(dir), Source: "crate sources"}
	sort.Strings(crateDirs)
	srcs := make([]*crateSource, len(crateDirs))
	parallel(len(crateDirs), func(i int) {
		if x.ctx.Err() == nil {
			srcs[i] = x.finder.read(crateDirs[i], false)
		}
	})
	byKey := map[string]*inventory.Component{}
	for i, s := range srcs {
		if s == nil || s.Meta.Name == "" {
			continue
		}
		k := inventory.Key("cargo", s.Meta.Name, s.Meta.Version)
		if c, ok := byKey[k]; ok {
			c.Locations = appendUnique(c.Locations, x.opts.Rel(crateDirs[i]))
			continue
		}
		c := &inventory.Component{
			Ecosystem: "cargo",
			Name:      s.Meta.Name,
			Version:   s.Meta.Version,
			PURL:      purl(s.Meta.Name, s.Meta.Version),
			Scope:     inventory.ScopeProd,
			Locations: []string{x.opts.Rel(crateDirs[i])},
		}
		fillFromSource(c, s, x.opts)
		byKey[k] = c
		p.Components = append(p.Components, c)
		p.AddEdge(inventory.RootKey, k)
	}
	p.Notes = append(p.Notes, "unpacked crates without a Cargo.lock: each crate is listed as present; which of them depend on which is not resolved")
	sortComponents(p.Components)
	p.ComputePaths()
	return p
}

// purl is the package URL of a crate; crates have no namespace.
func purl(name, version string) string {
	return packageurl.NewPackageURL(packageurl.TypeCargo, "", name, version, nil, "").ToString()
}

// addHash records a lockfile or vendor checksum, the SHA-256 of the
// .crate file.
func addHash(c *inventory.Component, sum string) {
	if !isSHA256(sum) {
		return
	}
	h := inventory.Hash{Algorithm: "SHA-256", Value: strings.ToLower(sum)}
	for _, x := range c.Hashes {
		if x == h {
			return
		}
	}
	c.Hashes = append(c.Hashes, h)
}

// stronger returns the stronger of two scopes; "" is no scope yet.
func stronger(a, b inventory.Scope) inventory.Scope {
	if a == "" {
		return b
	}
	if b != "" && b.Rank() < a.Rank() {
		return b
	}
	return a
}

func sortComponents(cs []*inventory.Component) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Name != cs[j].Name {
			return cs[i].Name < cs[j].Name
		}
		return cs[i].Version < cs[j].Version
	})
}

func sortedInts[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// parallel calls fn for i in [0, n) on a few goroutines: looking crates
// up is waiting on the file system.
func parallel(n int, fn func(i int)) {
	workers := min(n, 2*runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
