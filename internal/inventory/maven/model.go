package maven

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// Bounds on what one POM may pull in. Real parent chains are a handful
// deep and BOM imports nest two or three levels.
const (
	maxParents     = 32
	maxImportDepth = 8
	maxRelocations = 4
	maxExpanded    = 64 << 10 // longest interpolated value
)

// coord is a Maven artifact's coordinates.
type coord struct{ G, A, V string }

func (c coord) String() string { return c.G + ":" + c.A + ":" + c.V }

// dependency is a <dependency> after interpolation.
type dependency struct {
	G, A, V, Type, Classifier, Scope string
	Optional                         bool
	Exclusions                       []exclusion
}

// exclusion names a group and artifact, either of which may be "*".
type exclusion struct{ G, A string }

func (d dependency) ga() string { return d.G + ":" + d.A }

// mgmtKey identifies a dependency in Maven's management and merging:
// the same group and artifact with another type or classifier is another
// dependency.
func (d dependency) mgmtKey() string {
	t := d.Type
	if t == "" {
		t = "jar"
	}
	return d.G + ":" + d.A + ":" + t + ":" + d.Classifier
}

// model is an effective POM: parents merged, properties interpolated,
// managed versions applied, BOMs imported.
type model struct {
	coord
	Packaging  string
	Properties map[string]string
	Managed    []dependency
	Deps       []dependency
	Modules    []string
	Licenses   []string
	Supplier   string
	URL        string
	SCM        string
	Relocation *coord

	path  string   // the POM read
	loc   *located // where in a repository, nil for a project's own POM
	notes []string // what could not be found while building it
}

// managed returns the managed entry for d, or nil.
func (m *model) managed(d dependency) *dependency {
	k := d.mgmtKey()
	for i := range m.Managed {
		if m.Managed[i].mgmtKey() == k {
			return &m.Managed[i]
		}
	}
	return nil
}

// builder builds effective models, reading each POM once. It is used by
// one goroutine at a time.
type builder struct {
	repo     *repository
	realRoot string // project parents are read only below it
	rel      func(string) string
	files    map[string]parsed
	models   map[string]*model // by coordinates; nil while building or when missing
	problems []inventory.Problem
	reported map[string]bool
}

type parsed struct {
	pom *rawPOM
	err error
}

func newBuilder(repo *repository, realRoot string, rel func(string) string) *builder {
	return &builder{
		repo: repo, realRoot: realRoot, rel: rel,
		files: map[string]parsed{}, models: map[string]*model{}, reported: map[string]bool{},
	}
}

// read parses the POM at path, once.
func (b *builder) read(path string) (*rawPOM, error) {
	if p, ok := b.files[path]; ok {
		return p.pom, p.err
	}
	f, err := os.Open(path)
	var pom *rawPOM
	if err == nil {
		pom, err = parsePOM(f)
		f.Close()
	}
	b.files[path] = parsed{pom, err}
	return pom, err
}

// problem records a repository file that could not be read, once.
func (b *builder) problem(path string, err error) {
	if b.reported[path] {
		return
	}
	b.reported[path] = true
	b.problems = append(b.problems, inventory.Problem{Path: b.rel(path), Message: err.Error()})
}

// link is one POM of a parent chain.
type link struct {
	raw  *rawPOM
	path string
	loc  *located
}

// projectModel builds the effective model of a POM in the scanned tree.
func (b *builder) projectModel(path string, raw *rawPOM) *model {
	links, notes := b.chain(link{raw: raw, path: path})
	m := b.effective(links, 0)
	m.notes = append(notes, m.notes...)
	return m
}

// repoModel builds the effective model of g:a:v from the repositories,
// following relocations. It returns nil when the POM is not there.
func (b *builder) repoModel(c coord) *model {
	return b.repoModelDepth(c, 0, 0)
}

func (b *builder) repoModelDepth(c coord, importDepth, relocations int) *model {
	key := c.String()
	if m, ok := b.models[key]; ok {
		return m
	}
	b.models[key] = nil // building: a cycle back here finds nothing
	loc := b.repo.find(c.G, c.A, c.V)
	if loc == nil {
		return nil
	}
	raw, err := b.read(loc.pom)
	if err != nil {
		b.problem(loc.pom, err)
		return nil
	}
	links, notes := b.chain(link{raw: raw, path: loc.pom, loc: loc})
	m := b.effective(links, importDepth)
	m.notes = append(notes, m.notes...)
	m.loc = loc
	// A repository POM is the artifact asked for, whatever it says.
	if m.G == "" || strings.Contains(m.G, "${") {
		m.G = c.G
	}
	m.A = c.A
	if m.V == "" || strings.Contains(m.V, "${") {
		m.V = c.V
	}
	m.V = debianVersion(m.V, raw, loc)
	if r := m.Relocation; r != nil && relocations < maxRelocations {
		target := coord{G: or(r.G, c.G), A: or(r.A, c.A), V: or(r.V, c.V)}
		if target != c {
			if rm := b.repoModelDepth(target, importDepth, relocations+1); rm != nil {
				b.models[key] = rm
				return rm
			}
		}
	}
	b.models[key] = m
	return m
}

// debianVersion maps the version aliases of Debian's repository
// ("debian", "3.x") to the version the package ships: the POM records it
// as debian.originalVersion, or the jar is the same file as the one in a
// real version directory beside it.
func debianVersion(v string, raw *rawPOM, loc *located) string {
	if v != "debian" && !strings.HasSuffix(v, ".x") {
		return v
	}
	if ov := raw.Properties["debian.originalVersion"]; ov != "" && concreteVersion(ov) {
		return ov
	}
	if loc.jar == "" {
		return v
	}
	target, err := filepath.EvalSymlinks(loc.jar)
	if err != nil {
		return v
	}
	artifactDir := filepath.Dir(loc.dir)
	entries, err := os.ReadDir(artifactDir)
	if err != nil {
		return v
	}
	a := filepath.Base(artifactDir)
	for _, e := range entries {
		n := e.Name()
		if n == v || n == "debian" || strings.HasSuffix(n, ".x") || !e.IsDir() {
			continue
		}
		if t, err := filepath.EvalSymlinks(filepath.Join(artifactDir, n, a+"-"+n+filepath.Ext(loc.jar))); err == nil && t == target {
			return n
		}
	}
	return v
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// chain returns the POM and its parents, nearest first. A POM in the
// scanned tree looks for its parent at relativePath (../pom.xml unless
// said otherwise) and then in the repositories; a repository POM only in
// the repositories.
func (b *builder) chain(self link) ([]link, []string) {
	links := []link{self}
	seen := map[string]bool{}
	var notes []string
	cur := self
	for len(links) <= maxParents {
		p := cur.raw.Parent
		if p == nil {
			return links, notes
		}
		ref := coord{p.GroupID, p.ArtifactID, p.Version}
		if strings.Contains(ref.V, "${") {
			// CI-friendly versions: ${revision} and friends come from the
			// child's own properties.
			ref.V = newInterpolator(cur.raw.Properties).expand(ref.V)
		}
		if seen[ref.String()] {
			notes = append(notes, fmt.Sprintf("parent %s appears twice in its own ancestry: the chain was cut there", ref))
			return links, notes
		}
		seen[ref.String()] = true
		var next *link
		if cur.loc == nil {
			next = b.diskParent(cur, p, ref)
		}
		if next == nil {
			if loc := b.repo.find(ref.G, ref.A, ref.V); loc != nil {
				raw, err := b.read(loc.pom)
				if err != nil {
					b.problem(loc.pom, err)
				} else {
					next = &link{raw: raw, path: loc.pom, loc: loc}
				}
			}
		}
		if next == nil {
			notes = append(notes, fmt.Sprintf("parent POM %s is neither in the project nor in a local Maven repository: the properties, managed versions and licenses it declares are unknown", ref))
			return links, notes
		}
		links = append(links, *next)
		cur = *next
	}
	notes = append(notes, fmt.Sprintf("more than %d parent POMs: the chain was cut", maxParents))
	return links, notes
}

// diskParent finds a project POM's parent in the scanned tree, where
// relativePath points, when the POM there is the parent asked for.
func (b *builder) diskParent(cur link, p *pomParent, ref coord) *link {
	rp := "../pom.xml"
	if p.RelativePath != nil {
		rp = *p.RelativePath
	}
	if rp == "" || filepath.IsAbs(rp) {
		return nil
	}
	cand := filepath.Join(filepath.Dir(cur.path), filepath.FromSlash(rp))
	if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
		cand = filepath.Join(cand, "pom.xml")
	}
	real, err := filepath.EvalSymlinks(cand)
	if err != nil || !fsread.Within(real, b.realRoot) {
		return nil
	}
	raw, err := b.read(cand)
	if err != nil {
		return nil
	}
	g := raw.GroupID
	if g == "" && raw.Parent != nil {
		g = raw.Parent.GroupID
	}
	if g != ref.G || raw.ArtifactID != ref.A {
		return nil
	}
	return &link{raw: raw, path: cand}
}

// effective merges a parent chain into one model, as Maven's model
// builder does: inheritance first, then interpolation in the child's
// context, then management and BOM imports.
func (b *builder) effective(links []link, importDepth int) *model {
	self := links[0].raw
	m := &model{path: links[0].path}
	// Properties: the farthest ancestor first, each child overriding.
	props := map[string]string{}
	for i := len(links) - 1; i >= 0; i-- {
		for k, v := range links[i].raw.Properties {
			props[k] = v
		}
		for _, pr := range links[i].raw.activeProfiles() {
			for k, v := range pr.Properties {
				props[k] = v
			}
		}
	}
	g, v := self.GroupID, self.Version
	if self.Parent != nil {
		g, v = or(g, self.Parent.GroupID), or(v, self.Parent.Version)
	}
	builtins := map[string]string{
		"project.groupId": g, "project.artifactId": self.ArtifactID, "project.version": v,
		"project.packaging": or(self.Packaging, "jar"), "project.name": self.Name,
		"pom.groupId": g, "pom.artifactId": self.ArtifactID, "pom.version": v,
	}
	if self.Parent != nil {
		for _, pre := range []string{"project.parent.", "parent."} {
			builtins[pre+"groupId"] = self.Parent.GroupID
			builtins[pre+"artifactId"] = self.Parent.ArtifactID
			builtins[pre+"version"] = self.Parent.Version
		}
	}
	// Maven 3 still answers the old unprefixed forms, after the user's
	// own properties of the same name.
	for _, k := range []string{"groupId", "artifactId", "version"} {
		if _, ok := props[k]; !ok {
			builtins[k] = builtins["project."+k]
		}
	}
	for k, val := range builtins {
		props[k] = val
	}
	ip := newInterpolator(props)
	m.G, m.A, m.V = ip.expand(g), ip.expand(self.ArtifactID), ip.expand(v)
	m.Packaging = ip.expand(or(self.Packaging, "jar"))
	m.Properties = props

	// Management: the child's entries win over its parents'.
	seen := map[string]bool{}
	for _, l := range links {
		for _, list := range depLists(l.raw, true) {
			for _, pd := range list {
				d := ip.dep(pd)
				if k := d.mgmtKey(); !seen[k] {
					seen[k] = true
					m.Managed = append(m.Managed, d)
				}
			}
		}
	}
	m.importBOMs(b, importDepth)

	// Dependencies are inherited too, the child's winning.
	seen = map[string]bool{}
	for _, l := range links {
		for _, list := range depLists(l.raw, false) {
			for _, pd := range list {
				d := ip.dep(pd)
				if k := d.mgmtKey(); !seen[k] {
					seen[k] = true
					m.Deps = append(m.Deps, m.applyManagement(d))
				}
			}
		}
	}

	for _, mod := range self.Modules {
		m.Modules = append(m.Modules, ip.expand(mod))
	}
	for _, pr := range self.activeProfiles() {
		for _, mod := range pr.Modules {
			m.Modules = append(m.Modules, ip.expand(mod))
		}
	}

	// Licenses and organization are inherited; a child's url and scm are
	// not taken from a parent because Maven rewrites them on the way.
	for _, l := range links {
		if len(l.raw.Licenses) == 0 {
			continue
		}
		for _, lic := range l.raw.Licenses {
			if s := ip.expand(or(lic.Name, lic.URL)); s != "" {
				m.Licenses = append(m.Licenses, s)
			}
		}
		break
	}
	m.Supplier = supplier(links, ip)
	m.URL = resolvedOnly(ip.expand(self.URL))
	m.SCM = resolvedOnly(ip.expand(self.SCM.URL))
	if r := self.Relocation; r != nil {
		m.Relocation = &coord{ip.expand(r.GroupID), ip.expand(r.ArtifactID), ip.expand(r.Version)}
	}
	return m
}

// depLists returns the dependency lists of a POM and of its active
// profiles: the managed ones or the declared ones.
func depLists(p *rawPOM, managed bool) [][]pomDep {
	var out [][]pomDep
	if managed {
		out = append(out, p.Managed)
	} else {
		out = append(out, p.Dependencies)
	}
	for _, pr := range p.activeProfiles() {
		if managed {
			out = append(out, pr.Managed)
		} else {
			out = append(out, pr.Dependencies)
		}
	}
	return out
}

// supplier is the organization, or else the first developer's
// organization or name, of the nearest POM that states one.
func supplier(links []link, ip *interpolator) string {
	for _, l := range links {
		if n := resolvedOnly(ip.expand(l.raw.Organization.Name)); n != "" {
			return n
		}
	}
	for _, l := range links {
		for _, d := range l.raw.Developers {
			if n := resolvedOnly(ip.expand(or(d.Organization, d.Name))); n != "" {
				return n
			}
		}
	}
	return ""
}

// resolvedOnly drops a value that still holds a property reference.
func resolvedOnly(s string) string {
	if strings.Contains(s, "${") {
		return ""
	}
	return s
}

// importBOMs replaces the import-scoped entries of the management by the
// entries of the BOMs they name, found in the repositories; entries
// already managed win.
func (m *model) importBOMs(b *builder, depth int) {
	var out []dependency
	var imports []dependency
	seen := map[string]bool{}
	for _, d := range m.Managed {
		if d.Scope == "import" && (d.Type == "pom") {
			imports = append(imports, d)
			continue
		}
		seen[d.mgmtKey()] = true
		out = append(out, d)
	}
	for _, imp := range imports {
		c := coord{imp.G, imp.A, imp.V}
		if depth >= maxImportDepth {
			m.notes = append(m.notes, fmt.Sprintf("BOM %s is imported more than %d levels deep: not read", c, maxImportDepth))
			continue
		}
		bom := b.repoModelDepth(c, depth+1, 0)
		if bom == nil {
			m.notes = append(m.notes, fmt.Sprintf("imported BOM %s is not in a local Maven repository: the versions it manages are unknown", c))
			continue
		}
		for _, d := range bom.Managed {
			if k := d.mgmtKey(); !seen[k] {
				seen[k] = true
				out = append(out, d)
			}
		}
	}
	m.Managed = out
}

// applyManagement fills what a dependency leaves out from its managed
// entry: version, scope, optional; managed exclusions are added.
func (m *model) applyManagement(d dependency) dependency {
	md := m.managed(d)
	if md != nil {
		if d.V == "" {
			d.V = md.V
		}
		if d.Scope == "" {
			d.Scope = md.Scope
		}
		if !d.Optional && md.Optional {
			d.Optional = true
		}
		d.Exclusions = append(append([]exclusion(nil), d.Exclusions...), md.Exclusions...)
	}
	if d.Scope == "" {
		d.Scope = "compile"
	}
	return d
}

// interpolator expands ${name} references, each property once, a cycle
// leaving the reference as written.
type interpolator struct {
	props map[string]string
	memo  map[string]string
	busy  map[string]bool
}

func newInterpolator(props map[string]string) *interpolator {
	return &interpolator{props: props, memo: map[string]string{}, busy: map[string]bool{}}
}

func (ip *interpolator) expand(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var out strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			out.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:i])
		name := s[i+2 : i+2+j]
		if v, ok := ip.lookup(name); ok {
			out.WriteString(v)
		} else {
			out.WriteString(s[i : i+3+j])
		}
		s = s[i+3+j:]
		if out.Len() > maxExpanded {
			break
		}
	}
	r := out.String()
	if len(r) > maxExpanded {
		r = r[:maxExpanded]
	}
	return r
}

func (ip *interpolator) lookup(name string) (string, bool) {
	if v, ok := ip.memo[name]; ok {
		return v, true
	}
	raw, ok := ip.props[name]
	if !ok || ip.busy[name] {
		return "", false
	}
	ip.busy[name] = true
	v := ip.expand(raw)
	delete(ip.busy, name)
	ip.memo[name] = v
	return v, true
}

func (ip *interpolator) dep(pd pomDep) dependency {
	d := dependency{
		G: ip.expand(pd.GroupID), A: ip.expand(pd.ArtifactID), V: ip.expand(pd.Version),
		Type: ip.expand(pd.Type), Classifier: ip.expand(pd.Classifier), Scope: ip.expand(pd.Scope),
		Optional: strings.EqualFold(ip.expand(pd.Optional), "true"),
	}
	for _, e := range pd.Exclusions {
		d.Exclusions = append(d.Exclusions, exclusion{ip.expand(e.GroupID), ip.expand(e.ArtifactID)})
	}
	return d
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
