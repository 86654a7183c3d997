package python

import (
	"net/url"
	"path"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
)

// ecosystem is the PURL type of Python packages, used as the ecosystem name.
const ecosystem = "pypi"

// normalizeName is the PEP 503 form of a distribution name: lower case,
// with every run of "-", "_" and "." turned into one "-". Installers treat
// names that normalise alike as the same distribution.
func normalizeName(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			sep = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteByte(c)
	}
	return b.String()
}

// purl is the package URL of a distribution; name is already normalised.
func purl(name, version string) string {
	if name == "" {
		return ""
	}
	return packageurl.NewPackageURL(packageurl.TypePyPi, "", name, version, nil, "").ToString()
}

func key(name, version string) string { return inventory.Key(ecosystem, name, version) }

// requirement is one PEP 508 dependency specification.
type requirement struct {
	Name      string // normalised
	Extras    []string
	Specifier string // version specifier as written, parentheses removed
	URL       string // a direct reference (name @ url)
	Marker    string // environment marker, "" when none
}

// isNameByte reports whether c may appear in a distribution name.
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// parseRequirement reads a PEP 508 requirement ("name[extra]>=1; marker",
// "name (>=1)", "name @ url ; marker"). It reports false when s does not
// start with a distribution name.
func parseRequirement(s string) (requirement, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == 0 || !isAlnum(s[0]) {
		return requirement{}, false
	}
	r := requirement{Name: normalizeName(s[:i])}
	if r.Name == "" {
		return requirement{}, false
	}
	rest := strings.TrimLeft(s[i:], " \t")
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return requirement{}, false
		}
		for _, e := range strings.Split(rest[1:end], ",") {
			if e = strings.TrimSpace(e); e != "" {
				r.Extras = append(r.Extras, normalizeName(e))
			}
		}
		rest = strings.TrimLeft(rest[end+1:], " \t")
	}
	if strings.HasPrefix(rest, "@") {
		rest = strings.TrimSpace(rest[1:])
		// A marker after a URL must follow whitespace: ";" may be part of
		// the URL itself.
		if j := markerSplit(rest); j >= 0 {
			r.URL, r.Marker = strings.TrimSpace(rest[:j]), strings.TrimSpace(rest[j+1:])
		} else {
			r.URL = rest
		}
		return r, r.URL != ""
	}
	spec := rest
	if j := strings.IndexByte(rest, ';'); j >= 0 {
		spec, r.Marker = rest[:j], strings.TrimSpace(rest[j+1:])
	}
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "(") && strings.HasSuffix(spec, ")") {
		spec = strings.TrimSpace(spec[1 : len(spec)-1])
	}
	r.Specifier = spec
	return r, true
}

// markerSplit finds the ";" that starts a marker after a URL: one preceded
// by whitespace.
func markerSplit(s string) int {
	for i := 1; i < len(s); i++ {
		if s[i] == ';' && (s[i-1] == ' ' || s[i-1] == '\t') {
			return i
		}
	}
	return -1
}

// markerNamesExtra reports whether an environment marker tests "extra":
// such a requirement only applies when an optional feature is asked for.
// Quoted strings are skipped, so a value that happens to read "extra" does
// not count.
func markerNamesExtra(m string) bool {
	for i := 0; i < len(m); {
		c := m[i]
		switch {
		case c == '"' || c == '\'':
			end := strings.IndexByte(m[i+1:], c)
			if end < 0 {
				return false
			}
			i += end + 2
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			j := i
			for j < len(m) && (m[j] == '_' || m[j] == '.' || isAlnum(m[j])) {
				j++
			}
			if m[i:j] == "extra" {
				return true
			}
			i = j
		default:
			i++
		}
	}
	return false
}

// pinnedVersion returns the version a specifier pins exactly ("==1.2",
// "===1.2"), or "" when it allows more than one.
func pinnedVersion(spec string) string {
	spec = strings.TrimSpace(spec)
	if strings.ContainsAny(spec, ",*") {
		return ""
	}
	switch {
	case strings.HasPrefix(spec, "==="):
		return strings.TrimSpace(spec[3:])
	case strings.HasPrefix(spec, "=="):
		return strings.TrimSpace(spec[2:])
	}
	return ""
}

// artifactNameVersion reads the distribution name and version from the
// file name at the end of a wheel or source archive URL or path, as the
// installers name them (name-version-tags.whl, name-version.tar.gz).
func artifactNameVersion(ref string) (name, version string) {
	p := ref
	if u, err := url.Parse(ref); err == nil && u.Scheme != "" {
		p = u.Path
	}
	base := path.Base(strings.ReplaceAll(p, "\\", "/"))
	if strings.HasSuffix(base, ".whl") {
		parts := strings.Split(strings.TrimSuffix(base, ".whl"), "-")
		if len(parts) >= 5 {
			return normalizeName(parts[0]), parts[1]
		}
		return "", ""
	}
	for _, ext := range []string{".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip"} {
		if strings.HasSuffix(base, ext) {
			stem := strings.TrimSuffix(base, ext)
			// The version starts at the last "-" followed by a digit.
			for i := len(stem) - 1; i > 0; i-- {
				if stem[i-1] == '-' && '0' <= stem[i] && stem[i] <= '9' {
					return normalizeName(stem[:i-1]), stem[i:]
				}
			}
		}
	}
	return "", ""
}

// hashOf turns an "algorithm:value" digest as Python tools write it into
// an inventory hash with the algorithm's usual name.
func hashOf(s string) (inventory.Hash, bool) {
	alg, val, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || val == "" {
		return inventory.Hash{}, false
	}
	switch strings.ToLower(alg) {
	case "sha256":
		alg = "SHA-256"
	case "sha384":
		alg = "SHA-384"
	case "sha512":
		alg = "SHA-512"
	case "sha1":
		alg = "SHA-1"
	case "md5":
		alg = "MD5"
	default:
		return inventory.Hash{}, false
	}
	return inventory.Hash{Algorithm: alg, Value: val}, true
}

func addHash(hs []inventory.Hash, h inventory.Hash) []inventory.Hash {
	for _, x := range hs {
		if x == h {
			return hs
		}
	}
	return append(hs, h)
}

func appendUnique(list []string, vs ...string) []string {
	for _, v := range vs {
		found := false
		for _, x := range list {
			if x == v {
				found = true
				break
			}
		}
		if !found {
			list = append(list, v)
		}
	}
	return list
}
