package sbom

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	packageurl "github.com/package-url/packageurl-go"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"

	"ospo/internal/inventory"
	"ospo/internal/license"
)

// SourceSupplied marks a license the supplied SBOM states as concluded.
const SourceSupplied = "supplied"

// ImportOptions say how a supplied SBOM enters the inventory.
type ImportOptions struct {
	// Path is the SBOM as the user named it: the project's path.
	Path string
	// Kind overrides the kind the document states (or vendor, when it
	// states none).
	Kind string
	// Supplier overrides the supplier the document names.
	Supplier string
}

// Import turns a parsed SBOM into inventory projects whose components
// carry the licenses the document states, already concluded. It never
// fails: what cannot be understood becomes a project note.
func Import(doc *Document, opts ImportOptions) []*inventory.Project {
	var ps []*inventory.Project
	if doc.CycloneDX != nil {
		ps = importCycloneDX(doc.CycloneDX, opts)
	} else if doc.SPDX != nil {
		ps = importSPDX(doc.SPDX, opts)
	}
	for _, p := range ps {
		if opts.Kind != "" {
			p.Kind = opts.Kind
		}
		if p.Kind == "" {
			p.Kind = inventory.KindVendor
		}
		if opts.Supplier != "" {
			p.Supplier = opts.Supplier
		}
		p.ComputePaths()
	}
	return ps
}

// node is one component of a supplied SBOM while its graph is rebuilt.
type node struct {
	ref  string
	c    *inventory.Component
	proj *inventory.Project // set for nodes that are projects (or the subject)
}

// assemble builds projects from nodes and the dependency graph: every
// project node owns what it reaches. Components reached from no project
// belong to the first project, as direct dependencies when the document
// has no graph at all.
func assemble(subject *inventory.Project, subjectRef string, nodes map[string]*node, order []string, deps map[string][]string, opts ImportOptions) []*inventory.Project {
	var projects []*inventory.Project
	for _, ref := range order {
		if n := nodes[ref]; n.proj != nil && n.proj != subject {
			projects = append(projects, n.proj)
		}
	}
	if len(projects) == 0 {
		projects = []*inventory.Project{subject}
	}
	startOf := map[*inventory.Project]string{subject: subjectRef}
	for ref, n := range nodes {
		if n.proj != nil && n.proj != subject {
			startOf[n.proj] = ref
		}
	}
	key := func(ref string) string {
		if n := nodes[ref]; n != nil && n.c != nil {
			return n.c.Key()
		}
		return ""
	}
	owned := map[string]bool{}
	for _, p := range projects {
		start := startOf[p]
		seen := map[string]bool{start: true}
		queue := []string{start}
		have := map[string]bool{}
		for len(queue) > 0 {
			from := queue[0]
			queue = queue[1:]
			fk := inventory.RootKey
			if from != start {
				fk = key(from)
			}
			for _, to := range deps[from] {
				n := nodes[to]
				if n == nil || n.c == nil {
					continue
				}
				p.AddEdge(fk, n.c.Key())
				if !have[to] {
					have[to] = true
					owned[to] = true
					cp := *n.c
					p.Components = append(p.Components, &cp)
				}
				if !seen[to] {
					seen[to] = true
					queue = append(queue, to)
				}
			}
		}
	}
	// Components no project reaches belong to the first project, with the
	// edges among them (a lockfile without direct dependencies still has a
	// graph below them).
	first := projects[0]
	inFirst := map[string]bool{}
	for _, c := range first.Components {
		inFirst[c.Key()] = true
	}
	var loose int
	for _, ref := range order {
		n := nodes[ref]
		if n.c == nil || owned[ref] {
			continue
		}
		loose++
		if !inFirst[n.c.Key()] {
			inFirst[n.c.Key()] = true
			cp := *n.c
			first.Components = append(first.Components, &cp)
		}
		if len(deps) == 0 {
			first.AddEdge(inventory.RootKey, n.c.Key())
		}
		for _, to := range deps[ref] {
			t := nodes[to]
			if t == nil || t.c == nil {
				continue
			}
			first.AddEdge(n.c.Key(), t.c.Key())
			if !inFirst[t.c.Key()] {
				inFirst[t.c.Key()] = true
				cp := *t.c
				first.Components = append(first.Components, &cp)
			}
		}
	}
	switch {
	case len(deps) == 0 && loose > 0:
		first.Notes = append(first.Notes, "the SBOM has no dependency relationships: every component is listed as a direct dependency")
	case loose > 0:
		first.Notes = append(first.Notes, fmt.Sprintf("%d components are not reachable from the SBOM's main component in its dependency graph", loose))
	}
	for _, p := range projects {
		if p.Path == "" {
			p.Path = opts.Path
		}
		if p.Kind == "" {
			p.Kind = subject.Kind
		}
		if p.Supplier == "" {
			p.Supplier = subject.Supplier
		}
		sort.SliceStable(p.Components, func(i, j int) bool { return p.Components[i].Key() < p.Components[j].Key() })
	}
	return projects
}

// --- CycloneDX ---

func importCycloneDX(bom *cdx.BOM, opts ImportOptions) []*inventory.Project {
	subject := &inventory.Project{Ecosystem: "sbom", Path: opts.Path, Source: "sbom"}
	nodes := map[string]*node{}
	var order []string
	subjectRef := ""
	if md := bom.Metadata; md != nil {
		subject.Kind = cdxProp(md.Properties, propKind)
		if md.Supplier != nil {
			subject.Supplier = md.Supplier.Name
		} else if md.Manufacturer != nil {
			subject.Supplier = md.Manufacturer.Name
		}
		if mc := md.Component; mc != nil {
			subject.Name, subject.Version = mc.Name, mc.Version
			if subject.Supplier == "" && mc.Supplier != nil {
				subject.Supplier = mc.Supplier.Name
			}
			applyProjectProps(subject, mc.Properties)
			ref := mc.BOMRef
			if ref == "" {
				ref = rootRef
			}
			nodes[ref] = &node{ref: ref, proj: subject}
			subjectRef = ref
		}
	}
	if subject.Name == "" {
		subject.Name = strings.TrimSuffix(filepath.Base(opts.Path), filepath.Ext(opts.Path))
	}
	var walk func([]cdx.Component)
	walk = func(cs []cdx.Component) {
		for i := range cs {
			c := &cs[i]
			ref := c.BOMRef
			if ref == "" {
				ref = fmt.Sprintf("\x00anon%d", len(order))
			}
			if _, dup := nodes[ref]; dup {
				continue
			}
			if path := cdxProp(c.Properties, propProject); path != "" {
				p := &inventory.Project{Name: c.Name, Version: c.Version, Source: "sbom"}
				applyProjectProps(p, c.Properties)
				nodes[ref] = &node{ref: ref, proj: p}
			} else {
				nodes[ref] = &node{ref: ref, c: cdxToComponent(c)}
			}
			order = append(order, ref)
			if c.Components != nil {
				walk(*c.Components)
			}
		}
	}
	if bom.Components != nil {
		walk(*bom.Components)
	}
	deps := map[string][]string{}
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			if d.Dependencies != nil {
				deps[d.Ref] = append(deps[d.Ref], *d.Dependencies...)
			}
		}
	}
	return assemble(subject, subjectRef, nodes, order, deps, opts)
}

func applyProjectProps(p *inventory.Project, props *[]cdx.Property) {
	if v := cdxProp(props, propProject); v != "" {
		p.Path = v
	}
	if v := cdxProp(props, propEcosystem); v != "" {
		p.Ecosystem = v
	}
	if v := cdxProp(props, propProjectSource); v != "" {
		p.Source = v
	}
	if v := cdxProp(props, propKind); v != "" {
		p.Kind = v
	}
}

func cdxProp(props *[]cdx.Property, name string) string {
	if props == nil {
		return ""
	}
	for _, p := range *props {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

func cdxProps(props *[]cdx.Property, name string) []string {
	if props == nil {
		return nil
	}
	var out []string
	for _, p := range *props {
		if p.Name == name {
			out = append(out, p.Value)
		}
	}
	return out
}

func cdxToComponent(c *cdx.Component) *inventory.Component {
	out := &inventory.Component{Version: c.Version, PURL: c.PackageURL}
	out.Ecosystem, out.Name = identity(c.PackageURL, c.Group, c.Name, cdxProp(c.Properties, propEcosystem))
	out.Scope = inventory.Scope(cdxProp(c.Properties, propScope))
	if out.Scope == "" {
		switch c.Scope {
		case cdx.ScopeExcluded:
			out.Scope = inventory.ScopeDev
		case cdx.ScopeOptional:
			out.Scope = inventory.ScopeOptional
		default:
			out.Scope = inventory.ScopeProd
		}
	}
	switch {
	case c.Supplier != nil && c.Supplier.Name != "":
		out.Supplier = c.Supplier.Name
	case c.Publisher != "":
		out.Supplier = c.Publisher
	case c.Author != "":
		out.Supplier = c.Author
	}
	if c.Hashes != nil {
		for _, h := range *c.Hashes {
			out.Hashes = append(out.Hashes, inventory.Hash{Algorithm: string(h.Algorithm), Value: h.Value})
		}
	}
	for _, v := range cdxProps(c.Properties, propHashH1) {
		out.Hashes = append(out.Hashes, inventory.Hash{Algorithm: "h1", Value: v})
	}
	if c.ExternalReferences != nil {
		for _, e := range *c.ExternalReferences {
			switch {
			case e.Type == cdx.ERTypeWebsite && out.Homepage == "":
				out.Homepage = e.URL
			case e.Type == cdx.ERTypeVCS && out.Repository == "":
				out.Repository = e.URL
			case e.Type == cdx.ERTypeDistribution && out.Resolved == "":
				out.Resolved = e.URL
			case e.Comment == "funding":
				out.Funding = append(out.Funding, e.URL)
			}
		}
	}
	out.Locations = cdxProps(c.Properties, propLocation)
	out.License = cdxLicense(c)
	if out.License.Declared != "" {
		out.DeclaredLicenses = []string{out.License.Declared}
	}
	return out
}

// cdxLicense reads a component's licenses: those acknowledged as concluded
// give the concluded license; declared ones (or unacknowledged ones, as
// most tools write them) the declared license.
func cdxLicense(c *cdx.Component) inventory.License {
	var con, dec []string
	var unknown []string
	if c.Licenses != nil {
		for _, lc := range *c.Licenses {
			var expr string
			ack := cdx.LicenseAcknowledgement("")
			switch {
			case lc.Expression != "":
				expr = lc.Expression
				if lc.Acknowledgement != nil {
					ack = *lc.Acknowledgement
				}
			case lc.License != nil:
				ack = lc.License.Acknowledgement
				switch {
				case lc.License.ID != "":
					expr = lc.License.ID
				case lc.License.Name != "":
					if d := license.Normalize(lc.License.Name); d.Valid {
						expr = d.Expression
					} else {
						unknown = append(unknown, lc.License.Name)
					}
				}
			}
			if expr == "" {
				continue
			}
			if ack == cdx.LicenseAcknowledgementConcluded {
				con = append(con, expr)
			} else {
				dec = append(dec, expr)
			}
		}
	}
	l := inventory.License{Declared: joinAnd(dec)}
	if v := cdxProp(c.Properties, propLicenseDeclared); v != "" {
		l.Declared = v
	}
	l.Detected = cdxProp(c.Properties, propLicenseDetected)
	l.Expression = joinAnd(con)
	l.Source = SourceSupplied
	if l.Expression == "" && l.Declared != "" {
		l.Expression, l.Source = l.Declared, license.SourceDeclared
	}
	finishLicense(&l, cdxProp(c.Properties, propLicenseSource), cdxProps(c.Properties, propLicenseReview), len(con)+len(dec) > 1 && cdxProp(c.Properties, propLicenseSource) == "", unknown)
	return l
}

// finishLicense completes an imported license: ospo's own annotations win;
// otherwise the reason says what the SBOM stated.
func finishLicense(l *inventory.License, source string, review []string, several bool, unknown []string) {
	switch {
	case source != "":
		l.Source = source
		if len(review) > 0 {
			l.NeedsReview, l.Reason = true, review[0]
		}
		if l.Expression == "" {
			l.Expression = "NOASSERTION"
		}
		return
	case l.Expression == "":
		l.Expression, l.Source, l.NeedsReview = "NOASSERTION", license.SourceNone, true
		l.Reason = "the supplied SBOM states no license"
		if len(unknown) > 0 {
			l.Reason = fmt.Sprintf("the supplied SBOM names a license ospo does not recognise (%s)", strings.Join(unknown, "; "))
		}
	case l.Source == SourceSupplied:
		l.Reason = "concluded by the supplier's SBOM"
	default:
		l.Reason = "declared in the supplied SBOM"
	}
	if several {
		l.NeedsReview = true
		l.Reason += "; it lists several licenses without saying how they combine (read as all applying)"
	}
	if len(unknown) > 0 && l.Expression != "NOASSERTION" {
		l.NeedsReview = true
		l.Reason += fmt.Sprintf("; it also names %s, not recognised", strings.Join(unknown, "; "))
	}
	if l.Expression != "NOASSERTION" {
		if _, err := license.Check(l.Expression); err != nil {
			l.NeedsReview = true
			l.Reason += "; the expression is not valid SPDX (" + err.Error() + ")"
		}
	}
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		if strings.ContainsAny(x, " ") {
			x = "(" + x + ")"
		}
		parts[i] = x
	}
	return strings.Join(parts, " AND ")
}

// identity derives ecosystem and name: ospo's own annotation first, then
// the package URL, then the SBOM's group and name.
func identity(purl, group, name, eco string) (string, string) {
	if purl != "" {
		if p, err := packageurl.FromString(purl); err == nil {
			e := ecosystemOfPURLType(p.Type)
			if eco == "" {
				eco = e
			}
			if eco == e {
				return eco, purlName(p)
			}
		}
	}
	if eco == "" {
		eco = "generic"
	}
	if group != "" {
		sep := "/"
		if eco == "maven" {
			sep = ":"
		}
		return eco, group + sep + name
	}
	return eco, name
}

// purlName is the package name as the ecosystem writes it.
func purlName(p packageurl.PackageURL) string {
	if p.Namespace == "" {
		return p.Name
	}
	switch p.Type {
	case "maven":
		return p.Namespace + ":" + p.Name
	case "npm", "golang", "composer", "generic", "github", "swift", "cocoapods", "hex":
		return p.Namespace + "/" + p.Name
	}
	// deb, apk, rpm: the namespace is the distribution, not part of the name.
	return p.Name
}

// --- SPDX ---

func importSPDX(doc *spdx.Document, opts ImportOptions) []*inventory.Project {
	subject := &inventory.Project{Ecosystem: "sbom", Path: opts.Path, Source: "sbom", Name: doc.DocumentName}
	if k, ok := strings.CutPrefix(doc.DocumentComment, kindPrefix); ok {
		subject.Kind = strings.TrimSpace(k)
	}
	described := map[common.ElementID]bool{}
	deps := map[string][]string{}
	for _, r := range doc.Relationships {
		if r == nil {
			continue
		}
		a, b := string(r.RefA.ElementRefID), string(r.RefB.ElementRefID)
		switch strings.ToUpper(r.Relationship) {
		case relDescribes:
			if a == "DOCUMENT" {
				described[r.RefB.ElementRefID] = true
			}
		case "DESCRIBED_BY":
			if b == "DOCUMENT" {
				described[r.RefA.ElementRefID] = true
			}
		case relDependsOn, "CONTAINS":
			deps[a] = append(deps[a], b)
		case relDevDepOf, relOptDepOf, "DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "PROVIDED_DEPENDENCY_OF", "CONTAINED_BY":
			deps[b] = append(deps[b], a)
		}
	}
	scopeOf := map[string]inventory.Scope{}
	for _, r := range doc.Relationships {
		if r == nil {
			continue
		}
		a := string(r.RefA.ElementRefID)
		var s inventory.Scope
		switch strings.ToUpper(r.Relationship) {
		case relDevDepOf, "TEST_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF":
			s = inventory.ScopeDev
		case relOptDepOf, "PROVIDED_DEPENDENCY_OF":
			s = inventory.ScopeOptional
		case relDependsOn, "DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF":
			b := string(r.RefB.ElementRefID)
			if strings.ToUpper(r.Relationship) == relDependsOn {
				a = b
			}
			s = inventory.ScopeProd
		default:
			continue
		}
		if have, ok := scopeOf[a]; !ok || s.Rank() < have.Rank() {
			scopeOf[a] = s
		}
	}
	nodes := map[string]*node{}
	var order []string
	subjectRef := ""
	for _, p := range doc.Packages {
		if p == nil {
			continue
		}
		ref := string(p.PackageSPDXIdentifier)
		if _, dup := nodes[ref]; dup {
			continue
		}
		if described[p.PackageSPDXIdentifier] && subjectRef == "" {
			subjectRef = ref
			if p.PackageName != "" {
				subject.Name, subject.Version = p.PackageName, p.PackageVersion
			}
			if path, ok := strings.CutPrefix(p.PackageSourceInfo, "project "); ok {
				subject.Path = path
			}
			if p.PackageSupplier != nil && p.PackageSupplier.Supplier != noAssertion {
				subject.Supplier = p.PackageSupplier.Supplier
			}
			nodes[ref] = &node{ref: ref, proj: subject}
			continue
		}
		if path, ok := strings.CutPrefix(p.PackageSourceInfo, "project "); ok && p.PrimaryPackagePurpose == "APPLICATION" {
			nodes[ref] = &node{ref: ref, proj: &inventory.Project{Name: p.PackageName, Version: p.PackageVersion, Path: path, Source: "sbom"}}
			order = append(order, ref)
			continue
		}
		c := spdxToComponent(p)
		if s, ok := strings.CutPrefix(p.PackageComment, scopePrefix); ok {
			c.Scope = inventory.Scope(s)
		} else if s, ok := scopeOf[ref]; ok {
			c.Scope = s
		}
		nodes[ref] = &node{ref: ref, c: c}
		order = append(order, ref)
	}
	return assemble(subject, subjectRef, nodes, order, deps, opts)
}

func spdxToComponent(p *spdx.Package) *inventory.Component {
	var purl string
	for _, r := range p.PackageExternalReferences {
		if r != nil && strings.EqualFold(r.RefType, "purl") {
			purl = r.Locator
			break
		}
	}
	out := &inventory.Component{Version: p.PackageVersion, PURL: purl, Scope: inventory.ScopeProd, Homepage: p.PackageHomePage}
	out.Ecosystem, out.Name = identity(purl, "", p.PackageName, "")
	if s := p.PackageSupplier; s != nil && s.Supplier != noAssertion {
		out.Supplier = s.Supplier
	} else if o := p.PackageOriginator; o != nil && o.Originator != noAssertion {
		out.Supplier = o.Originator
	}
	if p.PackageDownloadLocation != noAssertion && p.PackageDownloadLocation != "NONE" {
		out.Resolved = p.PackageDownloadLocation
	}
	for _, h := range p.PackageChecksums {
		out.Hashes = append(out.Hashes, inventory.Hash{Algorithm: normAlg(string(h.Algorithm)), Value: h.Value})
	}
	if locs, ok := strings.CutPrefix(p.PackageSourceInfo, "found at "); ok {
		out.Locations = strings.Split(locs, ", ")
	}
	l := inventory.License{}
	if d := p.PackageLicenseDeclared; d != noAssertion && d != "NONE" {
		l.Declared = d
	}
	if c := p.PackageLicenseConcluded; c != noAssertion && c != "NONE" && c != "" {
		l.Expression, l.Source = c, SourceSupplied
	} else if l.Declared != "" {
		l.Expression, l.Source = l.Declared, license.SourceDeclared
	}
	var source string
	var review []string
	for _, line := range strings.Split(p.PackageLicenseComments, "\n") {
		if v, ok := strings.CutPrefix(line, sourcePrefix); ok {
			source = v
		}
		if v, ok := strings.CutPrefix(line, reviewPrefix); ok {
			review = append(review, v)
		}
	}
	finishLicense(&l, source, review, false, nil)
	out.License = l
	if l.Declared != "" {
		out.DeclaredLicenses = []string{l.Declared}
	}
	return out
}
