package gem

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
)

// ecosystem is the PURL type and the inventory ecosystem name.
const ecosystem = "gem"

// purl is pkg:gem/<name>@<version>, with the platform as a qualifier when
// the gem is built for one (nokogiri 1.16.7 for x86_64-linux).
func purl(name, version, platform string) string {
	var q packageurl.Qualifiers
	if platform != "" && platform != "ruby" {
		q = packageurl.QualifiersFromMap(map[string]string{"platform": platform})
	}
	return packageurl.NewPackageURL(packageurl.TypeGem, "", name, version, q, "").ToString()
}

// fillFromSpec copies what an installed gemspec states into c.
func fillFromSpec(c *inventory.Component, spec *gemspec) {
	if spec == nil {
		return
	}
	for _, l := range spec.Licenses {
		if !contains(c.DeclaredLicenses, l) {
			c.DeclaredLicenses = append(c.DeclaredLicenses, l)
		}
	}
	if c.Supplier == "" {
		c.Supplier = strings.Join(spec.Authors, ", ")
	}
	if c.Homepage == "" {
		c.Homepage = spec.Homepage
	}
	if c.Repository == "" {
		c.Repository = spec.SourceCodeURI
	}
}

// compareVersions orders gem versions the way RubyGems does for the
// common cases: numeric segments by value, a segment with letters (a
// pre-release) before any number.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y string
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		if x == y {
			continue
		}
		xn, xerr := strconv.Atoi(x)
		yn, yerr := strconv.Atoi(y)
		switch {
		case x == "":
			if yerr != nil {
				return 1 // 1.0 > 1.0.pre
			}
			return -1
		case y == "":
			if xerr != nil {
				return -1
			}
			return 1
		case xerr == nil && yerr == nil:
			if xn < yn {
				return -1
			}
			return 1
		case xerr == nil:
			return 1
		case yerr == nil:
			return -1
		}
		return strings.Compare(x, y)
	}
	return 0
}

// maxNoteItems bounds how many names a note lists.
const maxNoteItems = 20

// listNote joins items after prefix, sorted, naming at most maxNoteItems.
func listNote(prefix string, items []string) string {
	items = append([]string(nil), items...)
	sort.Strings(items)
	if len(items) > maxNoteItems {
		return prefix + strings.Join(items[:maxNoteItems], ", ") + fmt.Sprintf(" and %d more", len(items)-maxNoteItems)
	}
	return prefix + strings.Join(items, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sortProject orders components and edges so that output is stable.
func sortProject(p *inventory.Project) {
	for _, c := range p.Components {
		sort.Strings(c.Locations)
	}
	sort.SliceStable(p.Components, func(i, j int) bool {
		x, y := p.Components[i], p.Components[j]
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.Version < y.Version
	})
	for k := range p.Edges {
		sort.Strings(p.Edges[k])
	}
}
