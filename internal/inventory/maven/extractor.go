// Package maven finds the Java components a project depends on: from
// pom.xml files (parents, properties, dependency management and BOMs
// resolved, and the transitive tree rebuilt with Maven's mediation from
// the POMs in a local Maven repository, Debian's included), from Gradle
// lockfiles, and from jar, war and ear files met in the tree.
package maven

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// Extractor is the Maven plugin. It holds no state: everything one scan
// needs lives in an extraction.
type Extractor struct{}

// New returns the Maven extractor.
func New() *Extractor { return &Extractor{} }

// Name implements inventory.Extractor.
func (*Extractor) Name() string { return "maven" }

// ecosystem is the package URL type, used as the components' ecosystem.
const ecosystem = "maven"

// Wants takes pom.xml files, Gradle lockfiles and Java archives. POMs
// below META-INF (copies that the build packs into jars) and below
// src/test or src/it (fixtures of plugin tests) are not projects;
// source and javadoc jars are not components.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	if !d.Type().IsRegular() {
		return false
	}
	name := d.Name()
	switch name {
	case "pom.xml":
		return !fixturePath(rel)
	case "gradle.lockfile", "buildscript-gradle.lockfile", "settings-gradle.lockfile":
		return true
	}
	lower := strings.ToLower(name)
	switch path.Ext(lower) {
	case ".lockfile":
		return strings.HasSuffix(path.Dir(rel), "gradle/dependency-locks")
	case ".jar", ".war", ".ear":
		return !strings.HasSuffix(lower, "-sources.jar") && !strings.HasSuffix(lower, "-javadoc.jar")
	}
	return false
}

// fixturePath reports whether a pom.xml at rel is a packed copy or a
// test fixture rather than a project.
func fixturePath(rel string) bool {
	rel = "/" + rel
	return strings.Contains(rel, "/META-INF/") || strings.Contains(rel, "/src/test/") || strings.Contains(rel, "/src/it/")
}

// extraction is one call of Extract.
type extraction struct {
	opts     inventory.Options
	realRoot string
	root     string
	repo     *repository
	b        *builder
	problems []inventory.Problem
}

// Extract implements inventory.Extractor. A reactor POM (one with
// <modules>) owns its modules: they and it are one project whose own
// artifacts are not components. Every other pom.xml is a project; every
// directory of Gradle lockfiles is one; every directory holding jars is
// one project named "jars".
func (*Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	if opts.Root == "" {
		opts.Root = root
	}
	realRoot, err := filepath.EvalSymlinks(opts.Root)
	if err != nil {
		realRoot = opts.Root
	}
	x := &extraction{opts: opts, realRoot: realRoot, root: opts.Root, repo: newRepository(opts.Cache("maven"), os.Getenv)}
	x.b = newBuilder(x.repo, realRoot, x.show)

	var poms, locks, jars []string
	for _, f := range files {
		f = filepath.Clean(f)
		name := filepath.Base(f)
		switch {
		case name == "pom.xml":
			poms = append(poms, f)
		case strings.HasSuffix(name, ".lockfile"):
			locks = append(locks, f)
		default:
			jars = append(jars, f)
		}
	}
	var projects []*inventory.Project
	projects = append(projects, x.pomProjects(ctx, poms)...)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	projects = append(projects, x.gradleProjects(ctx, locks)...)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	projects = append(projects, x.jarProjects(ctx, jars)...)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Path < projects[j].Path })
	problems := append(x.problems, x.b.problems...)
	return projects, problems, nil
}

// show is how a path is shown to the user.
func (x *extraction) show(p string) string {
	if x.realRoot != x.root && fsread.Within(p, x.realRoot) {
		p = x.root + p[len(x.realRoot):]
	}
	return x.opts.Rel(p)
}

// fail records a file of the tree that could not be used.
func (x *extraction) fail(path string, err error) {
	x.problems = append(x.problems, inventory.Problem{Path: x.show(path), Message: fsread.Describe(err)})
}

// component makes the inventory component of g:a:v, with what its
// effective model m (nil when its POM was not found) declares. A version
// that is not one version (a range, an unresolved property) is left
// empty.
func (x *extraction) component(g, a, v string, m *model, location string) *inventory.Component {
	if m != nil {
		g, a, v = m.G, m.A, m.V
	}
	if !concreteVersion(v) {
		v = ""
	}
	c := &inventory.Component{
		Ecosystem: ecosystem,
		Name:      g + ":" + a,
		Version:   v,
		PURL:      purl(g, a, v),
	}
	if location != "" {
		c.Locations = []string{location}
	}
	if m != nil {
		describe(c, m)
	}
	return c
}

// describe fills c with what an effective model states and what lies
// beside it in the repository.
func describe(c *inventory.Component, m *model) {
	c.DeclaredLicenses = append(c.DeclaredLicenses, m.Licenses...)
	c.Supplier = or(c.Supplier, m.Supplier)
	c.Homepage = or(c.Homepage, m.URL)
	c.Repository = or(c.Repository, m.SCM)
	if m.loc != nil && m.loc.jar != "" {
		c.Installed = true
		c.Dir = m.loc.dir
		if h := readSHA1(m.loc.jar + ".sha1"); h != "" {
			c.Hashes = append(c.Hashes, inventory.Hash{Algorithm: "SHA-1", Value: h})
		}
	}
}

// purl is the package URL of a Maven artifact: the group is the
// namespace.
func purl(g, a, v string) string {
	if a == "" {
		return ""
	}
	return packageurl.NewPackageURL(packageurl.TypeMaven, g, a, v, nil, "").ToString()
}

// sortComponents orders a project's components by name and version.
func sortComponents(p *inventory.Project) {
	sort.Slice(p.Components, func(i, j int) bool {
		a, b := p.Components[i], p.Components[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
}

// Supports lists what the Maven extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{
			Files:    "pom.xml (parents, properties, dependencyManagement, import BOMs, modules, activeByDefault profiles)",
			Gives:    "components, transitive graph with Maven's nearest-wins mediation and exclusions (from POMs in ~/.m2/repository or Debian's /usr/share/maven-repo), scopes (test → dev, provided/system/optional → optional), SHA-1 from the repository",
			Licenses: "POM `<licenses>`, inherited from parent POMs in the local repository",
		},
		{
			Files:    "gradle.lockfile, buildscript-gradle.lockfile, gradle/dependency-locks/*.lockfile",
			Gives:    "components, scopes from the configurations (test → dev, compile-only → optional, build tools → dev); graph and metadata when the POMs are in a local Maven repository",
			Licenses: "POM `<licenses>` from the local Maven repository",
		},
		{
			Files:    "*.jar, *.war, *.ear (with WEB-INF/lib, BOOT-INF/lib and lib/ jars one level deep; shaded jars)",
			Gives:    "one component per archive and per embedded pom.properties, SHA-1 and SHA-256 of each archive",
			Licenses: "embedded pom.xml `<licenses>` (parents from the local repository), MANIFEST.MF Bundle-License",
		},
	}
}
