package vuln

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
)

// Package is a component as OSV records name it: the OSV ecosystem (with
// its release suffix for distributions), the package name and the version
// in the form the records use.
type Package struct {
	Ecosystem string
	Name      string
	Version   string
}

// OSVEcosystem returns the OSV ecosystem of a component ("PyPI",
// "Debian:12", "Alpine:v3.20"), and false when ospo's ecosystem has no
// OSV counterpart.
func OSVEcosystem(c *inventory.Component) (string, bool) {
	p, ok := OSVPackage(c)
	return p.Ecosystem, ok
}

// OSVPackage maps a component to the coordinates OSV records use, and
// false when its ecosystem (or its distribution) has no OSV counterpart.
//
//   - Go: the leading "v" of versions is dropped (OSV Go records write
//     "1.2.3"); the standard library is "stdlib" and the go command
//     "toolchain", as in the Go vulnerability database.
//   - PyPI: names are normalised as PEP 503 says.
//   - Maven: "group:artifact".
//   - Debian and Ubuntu: records name source packages, so the source
//     package (the PURL's upstream qualifier) and its version are used;
//     the release comes from the distro qualifier (debian-12 → Debian:12,
//     ubuntu-22.04 → Ubuntu:22.04). Without a known release the ecosystem
//     is bare ("Debian") and only matches records for every release.
//   - Alpine: records name origin packages (the upstream qualifier) and
//     the release branch (alpine-3.20.1 → Alpine:v3.20).
func OSVPackage(c *inventory.Component) (Package, bool) {
	p := Package{Name: c.Name, Version: c.Version}
	switch c.Ecosystem {
	case "npm":
		p.Ecosystem = "npm"
	case "go":
		p.Ecosystem = "Go"
		p.Version = strings.TrimPrefix(c.Version, "v")
	case "pypi":
		p.Ecosystem = "PyPI"
		p.Name = normalizePyPI(c.Name)
	case "maven":
		p.Ecosystem = "Maven"
	case "cargo":
		p.Ecosystem = "crates.io"
	case "gem":
		p.Ecosystem = "RubyGems"
	case "nuget":
		p.Ecosystem = "NuGet"
	case "composer":
		p.Ecosystem = "Packagist"
	case "deb":
		return debPackage(c)
	case "apk":
		return apkPackage(c)
	default:
		return Package{}, false
	}
	return p, true
}

// purlParts reads the namespace and qualifiers of a component's package
// URL; a missing or broken URL gives empty values.
func purlParts(c *inventory.Component) (namespace string, q map[string]string) {
	if c.PURL == "" {
		return "", nil
	}
	u, err := packageurl.FromString(c.PURL)
	if err != nil {
		return "", nil
	}
	return u.Namespace, u.Qualifiers.Map()
}

// splitDistro splits a distro qualifier, "debian-12" → ("debian", "12").
// A value without a dash is a release only when it starts with a digit
// or "v" and a digit ("12", "v3.20"); otherwise it names the distribution.
func splitDistro(d string) (id, release string) {
	if i := strings.IndexByte(d, '-'); i >= 0 {
		return strings.ToLower(d[:i]), d[i+1:]
	}
	t := strings.TrimPrefix(d, "v")
	if t != "" && t[0] >= '0' && t[0] <= '9' {
		return "", d
	}
	return strings.ToLower(d), ""
}

// debianCodenames maps release code names to numbers, for systems whose
// os-release gives only the code name.
var debianCodenames = map[string]string{
	"wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10",
	"bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14",
}

// upstream reads an upstream qualifier: "glibc" or "glibc@2.36-9".
func upstream(q map[string]string) (name, version string) {
	up := q["upstream"]
	if up == "" {
		return "", ""
	}
	if i := strings.IndexByte(up, '@'); i >= 0 {
		return up[:i], up[i+1:]
	}
	return up, ""
}

func debPackage(c *inventory.Component) (Package, bool) {
	ns, q := purlParts(c)
	id, release := splitDistro(q["distro"])
	if id == "" {
		id = strings.ToLower(ns)
	}
	p := Package{Name: c.Name, Version: c.Version}
	if n, v := upstream(q); n != "" {
		p.Name = n
		if v != "" {
			p.Version = v
		}
	}
	switch id {
	case "debian":
		p.Ecosystem = "Debian"
		if n, ok := debianCodenames[strings.ToLower(release)]; ok {
			release = n
		}
		if major, _, _ := strings.Cut(release, "."); allDigits(major) {
			p.Ecosystem += ":" + major
		}
	case "ubuntu":
		p.Ecosystem = "Ubuntu"
		if release != "" && release[0] >= '0' && release[0] <= '9' {
			p.Ecosystem += ":" + release
		}
	default:
		return Package{}, false
	}
	return p, true
}

func apkPackage(c *inventory.Component) (Package, bool) {
	ns, q := purlParts(c)
	id, release := splitDistro(q["distro"])
	if id == "" {
		id = strings.ToLower(ns)
	}
	p := Package{Name: c.Name, Version: c.Version}
	if n, _ := upstream(q); n != "" {
		p.Name = n
	}
	switch id {
	case "alpine":
		p.Ecosystem = "Alpine"
		if branch := alpineBranch(release); branch != "" {
			p.Ecosystem += ":" + branch
		}
	case "wolfi":
		p.Ecosystem = "Wolfi"
	case "chainguard":
		p.Ecosystem = "Chainguard"
	default:
		return Package{}, false
	}
	return p, true
}

// alpineBranch turns a release ("3.20.1", "v3.20", "3.21.0_alpha2024")
// into the branch OSV names, "v3.20"; "" when it has no major.minor.
func alpineBranch(release string) string {
	r := strings.TrimPrefix(release, "v")
	major, rest, ok := strings.Cut(r, ".")
	if !ok || !allDigits(major) {
		return ""
	}
	minor := rest
	if i := strings.IndexFunc(rest, func(c rune) bool { return c < '0' || c > '9' }); i >= 0 {
		minor = rest[:i]
	}
	if minor == "" {
		return ""
	}
	return "v" + major + "." + minor
}

// normalizePyPI is the PEP 503 normal form of a project name: lower case,
// every run of "-", "_" and "." replaced by one "-".
func normalizePyPI(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			sep = true
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep {
			b.WriteByte('-')
		}
		sep = false
		b.WriteByte(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}
