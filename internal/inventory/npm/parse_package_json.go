package npm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// maxManifestSize bounds a package.json read: real ones stay far below
// it, and a larger file is not one the extractor should trust.
const maxManifestSize = 16 << 20

// depKind is the kind of a dependency edge, ordered like inventory.Scope
// ranks: a smaller kind is a stronger need.
type depKind uint8

const (
	kindProd depKind = iota
	kindOptional
	kindPeer
	kindDev
)

// dep is one declared dependency.
type dep struct {
	Name  string
	Range string
	Kind  depKind
}

// manifest is what the extractor keeps of one package.json.
type manifest struct {
	Name, Version string
	// Deps are dependencies, optionalDependencies and peerDependencies
	// (and devDependencies and ranges when asked for), one per name,
	// sorted by name.
	Deps []dep
	// Bundled names the dependencies shipped inside the package's tarball.
	Bundled []string
	// Workspaces are the member globs of a workspace root.
	Workspaces []string
	// Licenses are the declared license values as written; objects give
	// their type.
	Licenses   []string
	Supplier   string
	Homepage   string
	Repository string
	Funding    []string
	Integrity  string
	Resolved   string
}

// rawManifest holds the fields read from package.json, as raw JSON.
// Everything whose form varies between eras of npm is read leniently, so
// that only a package.json that is not JSON at all, or whose name or
// version is not a string, counts as broken.
type rawManifest struct {
	Name, Version                                            json.RawMessage
	License, Licenses, Author, Maintainers                   json.RawMessage
	Homepage, Repository, Funding                            json.RawMessage
	Dependencies, OptionalDependencies, PeerDependencies     json.RawMessage
	DevDependencies, BundleDependencies, BundledDependencies json.RawMessage
	Workspaces, Integrity, Resolved                          json.RawMessage
}

var errNotObject = errors.New("not a JSON object")

// parseManifest reads a package.json. withDev adds devDependencies. The
// result holds no reference to data, so callers may reuse it.
func parseManifest(data []byte, withDev bool) (*manifest, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM is common on Windows-edited files
	var raw rawManifest
	err := topLevel(data, func(k, v []byte) {
		// The last of duplicate keys wins, as in encoding/json.
		switch string(k) {
		case "name":
			raw.Name = v
		case "version":
			raw.Version = v
		case "license":
			raw.License = v
		case "licenses":
			raw.Licenses = v
		case "author":
			raw.Author = v
		case "maintainers":
			raw.Maintainers = v
		case "homepage":
			raw.Homepage = v
		case "repository":
			raw.Repository = v
		case "funding":
			raw.Funding = v
		case "dependencies":
			raw.Dependencies = v
		case "optionalDependencies":
			raw.OptionalDependencies = v
		case "peerDependencies":
			raw.PeerDependencies = v
		case "devDependencies":
			raw.DevDependencies = v
		case "bundleDependencies":
			raw.BundleDependencies = v
		case "bundledDependencies":
			raw.BundledDependencies = v
		case "workspaces":
			raw.Workspaces = v
		case "_integrity":
			raw.Integrity = v
		case "_resolved":
			raw.Resolved = v
		}
	})
	if err != nil {
		return nil, err
	}
	m := &manifest{
		Licenses:   appendLicenses(appendLicenses(nil, raw.License), raw.Licenses),
		Supplier:   personName(raw.Author),
		Homepage:   jsonString(raw.Homepage),
		Repository: normalizeRepository(repositoryURL(raw.Repository)),
		Funding:    fundingURLs(raw.Funding),
		Integrity:  jsonString(raw.Integrity),
		Resolved:   jsonString(raw.Resolved),
		Workspaces: workspaceGlobs(raw.Workspaces),
	}
	for _, f := range []struct {
		raw  json.RawMessage
		dst  *string
		name string
	}{{raw.Name, &m.Name, "name"}, {raw.Version, &m.Version, "version"}} {
		if len(f.raw) == 0 || string(f.raw) == "null" {
			continue
		}
		s, ok := rawString(f.raw)
		if !ok {
			return nil, fmt.Errorf("%s is not a string", f.name)
		}
		*f.dst = strings.TrimSpace(s)
	}
	if m.Supplier == "" {
		m.Supplier = firstPersonName(raw.Maintainers)
	}
	// Ranges matter only for a project's own dependencies; an installed
	// package's are left out, which spares a string per dependency.
	var deps []dep
	deps = addDeps(deps, raw.PeerDependencies, kindPeer, withDev)
	deps = addDeps(deps, raw.Dependencies, kindProd, withDev)
	deps = addDeps(deps, raw.OptionalDependencies, kindOptional, withDev)
	if withDev {
		deps = addDeps(deps, raw.DevDependencies, kindDev, true)
	}
	m.Deps = dedupeDeps(deps)
	m.Bundled = bundledNames(raw.BundleDependencies, m.Deps)
	if m.Bundled == nil {
		m.Bundled = bundledNames(raw.BundledDependencies, m.Deps)
	}
	return m, nil
}

// readManifest reads and parses the package.json at path, bounded in size.
// buf may be reused between calls.
func readManifest(path string, buf *[]byte, withDev bool) (*manifest, error) {
	data, err := readBounded(path, maxManifestSize, buf)
	if err != nil {
		return nil, err
	}
	m, err := parseManifest(data, withDev)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return m, nil
}

var (
	errTooLarge   = errors.New("file too large")
	errNotRegular = errors.New("not a regular file")
	// errSymlinkedFile refuses a file that is a symlink.
	errSymlinkedFile = errors.New("is a symlink; not followed")
)

func tooLarge(size, limit int64) error {
	return fmt.Errorf("%w (%d bytes, limit %d)", errTooLarge, size, limit)
}

// readBounded reads a whole regular file of at most limit bytes. A
// non-nil buf is reused and grown, so that many small reads share one
// buffer; the result is then only valid until the next call.
func readBounded(path string, limit int64, buf *[]byte) ([]byte, error) {
	if buf == nil {
		buf = new([]byte)
	}
	b, err := openRead(path, limit, buf)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// grow returns (*buf)[:size], reallocating when it is too small. A
// buffer in use gets room to spare for the next, larger file.
func grow(buf *[]byte, size int64) []byte {
	switch {
	case cap(*buf) == 0:
		*buf = make([]byte, size)
	case int64(cap(*buf)) < size:
		*buf = make([]byte, size, size+size/4)
	}
	*buf = (*buf)[:size]
	return *buf
}

// jsonString returns raw as a string when it is one, "" otherwise.
func jsonString(raw json.RawMessage) string {
	v, _ := rawString(raw)
	return strings.TrimSpace(v)
}

// appendLicenses adds the license values of a license or licenses field in
// any of the forms npm has accepted: "MIT", {"type": "MIT", "url": …}, or
// a list of either.
func appendLicenses(out []string, raw json.RawMessage) []string {
	if len(raw) == 0 {
		return out
	}
	switch raw[0] {
	case '"':
		if s := jsonString(raw); s != "" {
			out = appendUniq(out, s)
		}
	case '{':
		if s := jsonString(field(raw, "type")); s != "" {
			out = appendUniq(out, s)
		}
	case '[':
		elements(raw, func(item []byte) {
			if item[0] != '[' {
				out = appendLicenses(out, item)
			}
		})
	}
	return out
}

func appendUniq(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// personName reads an author: "Name <email> (url)" or {"name": …}.
func personName(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		s := jsonString(raw)
		if i := strings.IndexAny(s, "<("); i >= 0 {
			s = s[:i]
		}
		return strings.TrimSpace(s)
	case '{':
		return jsonString(field(raw, "name"))
	}
	return ""
}

// firstPersonName reads the first named person of a maintainers list.
func firstPersonName(raw json.RawMessage) string {
	if len(raw) == 0 || raw[0] != '[' {
		return personName(raw)
	}
	name := ""
	elements(raw, func(item []byte) {
		if name == "" {
			name = personName(item)
		}
	})
	return name
}

// repositoryURL reads repository as a string or {"url": …}.
func repositoryURL(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '{' {
		return jsonString(field(raw, "url"))
	}
	return jsonString(raw)
}

// normalizeRepository turns the forms npm accepts for a repository into a
// browsable https address: git+https://host/o/r.git, git://host/o/r,
// git@host:o/r.git, ssh://git@host/o/r, and the shorthands o/r,
// github:o/r, gitlab:o/r, bitbucket:o/r and gist:id.
func normalizeRepository(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	shorthands := []struct{ prefix, host string }{
		{"github:", "github.com/"},
		{"gitlab:", "gitlab.com/"},
		{"bitbucket:", "bitbucket.org/"},
		{"gist:", "gist.github.com/"},
	}
	for _, sh := range shorthands {
		if strings.HasPrefix(s, sh.prefix) {
			return "https://" + sh.host + trimGitSuffix(strings.TrimPrefix(s, sh.prefix))
		}
	}
	s = strings.TrimPrefix(s, "git+")
	switch {
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"):
	case strings.HasPrefix(s, "git://"):
		s = "https://" + strings.TrimPrefix(s, "git://")
	case strings.HasPrefix(s, "ssh://"):
		s = strings.TrimPrefix(s, "ssh://")
		if i := strings.IndexByte(s, '@'); i >= 0 && i < strings.IndexByte(s+"/", '/') {
			s = s[i+1:]
		}
		// ssh://host:port/path: drop the port, which is no web port.
		if i, j := strings.IndexByte(s, ':'), strings.IndexByte(s, '/'); i >= 0 && (j < 0 || i < j) {
			if j < 0 {
				s = s[:i]
			} else {
				s = s[:i] + s[j:]
			}
		}
		s = "https://" + s
	case strings.Contains(s, "://"):
		// Some other scheme: keep as written.
		return trimGitSuffix(s)
	default:
		// scp-like git@host:owner/repo, or the owner/repo shorthand.
		if at := strings.IndexByte(s, '@'); at >= 0 {
			if colon := strings.IndexByte(s[at:], ':'); colon > 0 {
				s = "https://" + s[at+1:at+colon] + "/" + s[at+colon+1:]
				break
			}
		}
		if strings.Count(s, "/") == 1 && !strings.ContainsAny(s, ": ") && !strings.HasPrefix(s, ".") && !strings.HasPrefix(s, "/") {
			s = "https://github.com/" + s
		}
	}
	return trimGitSuffix(s)
}

func trimGitSuffix(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, "/")
	s = strings.TrimSuffix(s, ".git")
	return strings.TrimSuffix(s, "/")
}

// fundingURLs reads funding as a URL, {"type", "url"}, or a list of either.
func fundingURLs(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '"':
		if s := jsonString(raw); s != "" {
			return []string{s}
		}
	case '{':
		if s := jsonString(field(raw, "url")); s != "" {
			return []string{s}
		}
	case '[':
		var out []string
		elements(raw, func(item []byte) {
			if item[0] != '[' {
				for _, u := range fundingURLs(item) {
					out = appendUniq(out, u)
				}
			}
		})
		return out
	}
	return nil
}

// addDeps adds a dependencies-like field: normally an object of name to
// range; very old packages wrote a list of names. The value was validated
// by topLevel already.
func addDeps(into []dep, raw json.RawMessage, kind depKind, withRange bool) []dep {
	if len(raw) == 0 {
		return into
	}
	switch raw[0] {
	case '{':
		_ = topLevel(raw, func(k, v []byte) {
			name, ok := keyString(k)
			if !ok || name == "" {
				return
			}
			var rng string
			if withRange {
				rng, _ = rawString(v)
			}
			into = append(into, dep{Name: name, Range: rng, Kind: kind})
		})
	case '[':
		elements(raw, func(v []byte) {
			if name := jsonString(v); name != "" {
				into = append(into, dep{Name: name, Kind: kind})
			}
		})
	}
	return into
}

// precedence orders the kinds of one name listed in several fields: npm
// reads peer, then regular, then optional dependencies, each overriding
// the one before; a name in devDependencies and elsewhere is needed
// beyond development.
var precedence = [...]int{kindOptional: 3, kindProd: 2, kindPeer: 1, kindDev: 0}

// dedupeDeps keeps one dep per name, sorted by name.
func dedupeDeps(deps []dep) []dep {
	sort.SliceStable(deps, func(i, j int) bool {
		if deps[i].Name != deps[j].Name {
			return deps[i].Name < deps[j].Name
		}
		return precedence[deps[i].Kind] > precedence[deps[j].Kind]
	})
	out := deps[:0]
	for _, d := range deps {
		if len(out) > 0 && out[len(out)-1].Name == d.Name {
			continue // a weaker listing of the same name
		}
		out = append(out, d)
	}
	return out
}

// bundledNames reads bundleDependencies: a list of names, or true for all
// dependencies.
func bundledNames(raw json.RawMessage, deps []dep) []string {
	if len(raw) == 0 {
		return nil
	}
	var out []string
	switch raw[0] {
	case 't':
		for _, d := range deps {
			if d.Kind == kindProd || d.Kind == kindOptional {
				out = append(out, d.Name)
			}
		}
	case '[':
		elements(raw, func(v []byte) {
			if n := jsonString(v); n != "" {
				out = appendUniq(out, n)
			}
		})
	}
	sort.Strings(out)
	return out
}

// workspaceGlobs reads workspaces: a list of globs, or {"packages": […]}
// as yarn writes it.
func workspaceGlobs(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	if raw[0] == '{' {
		raw = field(raw, "packages")
	}
	var out []string
	elements(raw, func(v []byte) {
		if s := jsonString(v); s != "" {
			out = append(out, s)
		}
	})
	return out
}
