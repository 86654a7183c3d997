package composer

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
)

// ecosystem is the PURL type and the inventory ecosystem name.
const ecosystem = "composer"

// purl is pkg:composer/<vendor>/<name>@<version>. Composer compares names
// without case and writes them in lower case; the version stays as the
// lockfile writes it (v1.2.3 and 1.2.3 are different tags).
func purl(name, version string) string {
	name = strings.ToLower(name)
	ns, n, ok := strings.Cut(name, "/")
	if !ok {
		ns, n = "", name
	}
	return packageurl.NewPackageURL(packageurl.TypeComposer, ns, n, version, nil, "").ToString()
}

// declaredLicense turns Composer's license list into one declared value.
// Composer documents a list as a choice: the package may be used under any
// one of them. So ["MIT", "GPL-2.0-only"] becomes "MIT OR GPL-2.0-only",
// which the license normaliser reads as the alternative it is; an entry
// that is itself an expression is parenthesised so that the choice keeps
// its meaning.
func declaredLicense(list []string) string {
	if len(list) == 1 {
		return list[0]
	}
	parts := make([]string, 0, len(list))
	for _, l := range list {
		if strings.ContainsAny(l, " ()") && !(strings.HasPrefix(l, "(") && strings.HasSuffix(l, ")")) {
			l = "(" + l + ")"
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, " OR ")
}

// newComponent builds the component of one package.
func newComponent(m *pkgMeta, scope inventory.Scope) *inventory.Component {
	c := &inventory.Component{
		Ecosystem: ecosystem,
		Name:      m.Name,
		Version:   m.Version,
		PURL:      purl(m.Name, m.Version),
		Scope:     scope,
		Homepage:  m.Homepage,
		Funding:   m.Funding,
		Supplier:  strings.Join(m.Authors, ", "),
		Resolved:  resolved(m),
	}
	if len(m.Licenses) > 0 {
		c.DeclaredLicenses = []string{declaredLicense(m.Licenses)}
	}
	c.Repository = m.SupportSource
	if c.Repository == "" && m.Source.Type == "git" {
		c.Repository = m.Source.URL
	}
	if s := strings.TrimSpace(m.Dist.Shasum); s != "" {
		c.Hashes = []inventory.Hash{{Algorithm: "SHA-1", Value: s}}
	}
	return c
}

// resolved is where Composer fetches the package from: the dist archive
// when there is one, else the VCS checkout in the git+URL@ref form SBOM
// download locations use. A path repository is the project's own
// directory and has no download location.
func resolved(m *pkgMeta) string {
	if m.Dist.URL != "" && m.Dist.Type != "path" {
		return m.Dist.URL
	}
	if m.Source.URL == "" || m.Source.Type == "path" {
		return ""
	}
	loc := m.Source.URL
	if m.Source.Type == "git" && !strings.HasPrefix(loc, "git+") && !strings.HasPrefix(loc, "git@") {
		loc = "git+" + loc
	}
	if m.Source.Reference != "" {
		loc += "@" + m.Source.Reference
	}
	return loc
}
