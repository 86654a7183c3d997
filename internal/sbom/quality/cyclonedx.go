package quality

import (
	"fmt"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// cyclonedxFacts reads what the rating needs from a CycloneDX BOM.
func cyclonedxFacts(bom *cdx.BOM) *docFacts {
	f := &docFacts{timestampAt: "metadata.timestamp"}
	if bom.SpecVersion >= cdx.SpecVersion1_0 && bom.SpecVersion <= cdx.SpecVersion1_7 {
		f.specVersion = bom.SpecVersion.String()
		f.specCurrent = bom.SpecVersion >= cdx.SpecVersion1_4
		f.specDetail = "CycloneDX " + f.specVersion
		if !f.specCurrent {
			f.specDetail += " (1.4 or later carries more of what is rated here)"
		}
	}

	// The graph: every ref the dependencies section names, on either side.
	inGraph := map[string]bool{}
	direct := map[string]int{}
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			if d.Ref != "" {
				inGraph[d.Ref] = true
			}
			for _, list := range []*[]string{d.Dependencies, d.Provides} {
				if list == nil {
					continue
				}
				for _, to := range *list {
					if to == "" {
						continue
					}
					inGraph[to] = true
					f.edges++
					direct[d.Ref]++
				}
			}
		}
	}

	if md := bom.Metadata; md != nil {
		f.timestamp = md.Timestamp
		f.authors = cdxAuthors(md)
		if md.Component != nil {
			p := cdxComponent(md.Component, inGraph, 0)
			f.primaries = append(f.primaries, p)
			switch n := direct[md.Component.BOMRef]; {
			case md.Component.BOMRef == "":
				f.graphDetail = "the primary component has no bom-ref, so nothing can depend on it"
			case n == 0:
				f.graphDetail = "the primary component lists no direct dependencies"
			default:
				f.graphDetail = "the primary component lists " + plural(n, "direct dependency", "direct dependencies")
			}
			// Parts of the primary component are components like any other.
			f.components = cdxWalk(f.components, md.Component.Components, inGraph)
		}
	}
	f.components = cdxWalk(f.components, bom.Components, inGraph)
	return f
}

// cdxWalk appends the facts of comps and of every component nested in
// them, depth first, in document order.
func cdxWalk(out []componentFacts, comps *[]cdx.Component, inGraph map[string]bool) []componentFacts {
	if comps == nil {
		return out
	}
	for i := range *comps {
		c := &(*comps)[i]
		out = append(out, cdxComponent(c, inGraph, len(out)+1))
		out = cdxWalk(out, c.Components, inGraph)
	}
	return out
}

// cdxComponent judges one component; n numbers it for a ref of last resort.
func cdxComponent(c *cdx.Component, inGraph map[string]bool, n int) componentFacts {
	name := c.Name
	if c.Group != "" {
		name = c.Group + "/" + c.Name
	}
	cf := componentFacts{ref: cdxRef(c, n), name: name, version: c.Version}
	cf.status[critName] = present(c.Name)
	cf.status[critVersion] = present(c.Version)

	cf.status[critSupplier] = Missing
	if (c.Supplier != nil && !placeholder(c.Supplier.Name)) ||
		(c.Manufacturer != nil && !placeholder(c.Manufacturer.Name)) ||
		!placeholder(c.Publisher) {
		cf.status[critSupplier] = Met
	}

	cf.status[critIdentifier] = Missing
	if strings.TrimSpace(c.PackageURL) != "" {
		if p := purlProblem(c.PackageURL); p != "" {
			cf.notes = append(cf.notes, p)
		} else {
			cf.status[critIdentifier] = Met
		}
	}
	if cpeLike(c.CPE) || (c.SWID != nil && strings.TrimSpace(c.SWID.TagID) != "") ||
		nonEmpty(c.OmniborID) || nonEmpty(c.SWHID) {
		cf.status[critIdentifier] = Met
	}

	cf.status[critRelationships] = Missing
	if c.BOMRef != "" && inGraph[c.BOMRef] {
		cf.status[critRelationships] = Met
	}

	lic := newLicenseFinder()
	cdxLicenses(lic, c.Licenses)
	if c.Evidence != nil {
		cdxLicenses(lic, c.Evidence.Licenses)
	}
	cf.status[critLicense] = lic.status
	if n := lic.note(); n != "" {
		cf.notes = append(cf.notes, n)
	}

	var h hashFinder
	if c.Hashes != nil {
		for _, x := range *c.Hashes {
			h.add(string(x.Algorithm), x.Value)
		}
	}
	cf.status[critDownload] = Missing
	if c.ExternalReferences != nil {
		for _, r := range *c.ExternalReferences {
			switch r.Type {
			case cdx.ERTypeDistribution, cdx.ERTypeDistributionIntake:
				if r.Hashes != nil {
					for _, x := range *r.Hashes {
						h.add(string(x.Algorithm), x.Value)
					}
				}
			case cdx.ERTypeVCS:
			default:
				continue
			}
			if strings.TrimSpace(r.URL) != "" {
				cf.status[critDownload] = Met
			}
		}
	}
	cf.status[critHash] = h.status()
	cf.weakHash = h.weakOnly()
	if n := h.note(); n != "" {
		cf.notes = append(cf.notes, n)
	}
	return cf
}

func cdxLicenses(l *licenseFinder, ls *cdx.Licenses) {
	if ls == nil {
		return
	}
	for _, choice := range *ls {
		l.expression(choice.Expression)
		if lic := choice.License; lic != nil {
			l.expression(lic.ID)
			l.freeText(lic.Name)
			l.freeText(lic.URL)
			if lic.Text != nil {
				l.freeText(lic.Text.Content)
			}
		}
	}
}

// cdxRef is how reports name a component: its bom-ref, else its package
// URL, else name@version, else its position.
func cdxRef(c *cdx.Component, n int) string {
	switch {
	case c.BOMRef != "":
		return c.BOMRef
	case c.PackageURL != "":
		return c.PackageURL
	case c.Name != "" && c.Version != "":
		return c.Name + "@" + c.Version
	case c.Name != "":
		return c.Name
	case n == 0:
		return "metadata.component"
	}
	return fmt.Sprintf("component #%d", n)
}

// cdxAuthors lists who made the BOM: authors, tools and the organisations
// the metadata names.
func cdxAuthors(md *cdx.Metadata) []string {
	var out []string
	var authors []string
	if md.Authors != nil {
		for _, a := range *md.Authors {
			switch {
			case !placeholder(a.Name):
				authors = append(authors, a.Name)
			case !placeholder(a.Email):
				authors = append(authors, a.Email)
			}
		}
	}
	if len(authors) > 0 {
		out = append(out, "authors: "+strings.Join(authors, ", "))
	}
	var tools []string
	if t := md.Tools; t != nil {
		if t.Tools != nil {
			for _, x := range *t.Tools {
				tools = appendTool(tools, x.Vendor, x.Name, x.Version)
			}
		}
		if t.Components != nil {
			for _, x := range *t.Components {
				tools = appendTool(tools, x.Group, x.Name, x.Version)
			}
		}
		if t.Services != nil {
			for _, x := range *t.Services {
				tools = appendTool(tools, x.Group, x.Name, x.Version)
			}
		}
	}
	if len(tools) > 0 {
		out = append(out, "tools: "+strings.Join(tools, ", "))
	}
	for _, o := range []struct {
		what string
		e    *cdx.OrganizationalEntity
	}{{"manufacturer", md.Manufacturer}, {"manufacture", md.Manufacture}, {"supplier", md.Supplier}} {
		if o.e != nil && !placeholder(o.e.Name) {
			out = append(out, o.what+": "+o.e.Name)
		}
	}
	return out
}

func appendTool(tools []string, vendor, name, version string) []string {
	if placeholder(name) {
		return tools
	}
	s := name
	if vendor != "" && !strings.HasPrefix(name, vendor) {
		s = vendor + "/" + name
	}
	if version != "" {
		s += " " + version
	}
	return append(tools, clip(s))
}

func nonEmpty(list *[]string) bool {
	if list == nil {
		return false
	}
	for _, s := range *list {
		if strings.TrimSpace(s) != "" {
			return true
		}
	}
	return false
}
