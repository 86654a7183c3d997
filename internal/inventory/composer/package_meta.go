package composer

import (
	"encoding/json"
	"sort"
	"strings"
)

// pkgMeta is one package as composer.lock and installed.json record it.
// Both files write the same object per package; installed.json adds
// install-path.
type pkgMeta struct {
	Name, Version, Type string
	Source, Dist        origin
	// Require names the package's own requirements, platform ones
	// (php, ext-*) removed, with their constraints.
	Require []requirement
	// Replaces lists the names this package also stands for (its
	// "replace" and "provide" keys), lowercased.
	Replaces []string
	Licenses []string
	Authors  []string
	Homepage string
	// SupportSource is support.source: the browsable source address.
	SupportSource string
	Funding       []string
	// InstallPath is where installed.json says the package lies,
	// relative to the vendor/composer directory.
	InstallPath string
}

// origin is a package's source or dist entry.
type origin struct {
	Type, URL, Reference, Shasum string
}

// requirement is one entry of a require map.
type requirement struct {
	Name, Constraint string
}

// isPlatform reports whether a requirement names the platform rather than
// a package: php and its extensions, system libraries, Composer's own
// APIs. Every real package name has a vendor prefix.
func isPlatform(name string) bool {
	return !strings.Contains(name, "/")
}

// decodePackage reads one package object. Composer writes it from PHP,
// where an empty map becomes [] and several fields have had more than
// one shape over the years, so each field is read leniently: a value of
// an unexpected type is left out rather than failing the whole file.
// ok is false when the entry has no name.
func decodePackage(raw json.RawMessage) (m pkgMeta, ok bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return m, false
	}
	m.Name = strings.TrimSpace(jsonString(obj["name"]))
	if m.Name == "" {
		return m, false
	}
	m.Version = jsonString(obj["version"])
	m.Type = jsonString(obj["type"])
	m.Source = decodeOrigin(obj["source"])
	m.Dist = decodeOrigin(obj["dist"])
	m.Require = requirements(obj["require"])
	for _, key := range []string{"replace", "provide"} {
		for _, r := range requirements(obj[key]) {
			m.Replaces = append(m.Replaces, strings.ToLower(r.Name))
		}
	}
	m.Licenses = stringList(obj["license"])
	m.Authors = authorNames(obj["authors"])
	m.Homepage = jsonString(obj["homepage"])
	var support map[string]json.RawMessage
	if json.Unmarshal(obj["support"], &support) == nil {
		m.SupportSource = jsonString(support["source"])
	}
	m.Funding = fundingURLs(obj["funding"])
	m.InstallPath = jsonString(obj["install-path"])
	return m, true
}

func decodeOrigin(raw json.RawMessage) origin {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return origin{}
	}
	return origin{
		Type:      jsonString(obj["type"]),
		URL:       jsonString(obj["url"]),
		Reference: jsonString(obj["reference"]),
		Shasum:    jsonString(obj["shasum"]),
	}
}

// jsonString is the value of a JSON string, "" for anything else.
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// stringList reads a list of strings or a single string, keeping the
// non-empty strings in order.
func stringList(raw json.RawMessage) []string {
	if s := strings.TrimSpace(jsonString(raw)); s != "" {
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		if s := strings.TrimSpace(jsonString(item)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// requirements reads a require-like map of package name to constraint,
// sorted by name, platform requirements left out.
func requirements(raw json.RawMessage) []requirement {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	out := make([]requirement, 0, len(obj))
	for name, c := range obj {
		name = strings.TrimSpace(name)
		if name == "" || isPlatform(name) {
			continue
		}
		out = append(out, requirement{Name: name, Constraint: jsonString(c)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func authorNames(raw json.RawMessage) []string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		var a map[string]json.RawMessage
		if json.Unmarshal(item, &a) != nil {
			continue
		}
		if n := strings.TrimSpace(jsonString(a["name"])); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func fundingURLs(raw json.RawMessage) []string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		var f map[string]json.RawMessage
		if json.Unmarshal(item, &f) != nil {
			continue
		}
		if u := strings.TrimSpace(jsonString(f["url"])); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// decodePackages reads a JSON list of package objects. skipped counts
// the entries that had no name.
func decodePackages(raw json.RawMessage) (pkgs []pkgMeta, skipped int, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, 0, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, 0, errNotList
	}
	for _, item := range list {
		m, ok := decodePackage(item)
		if !ok {
			skipped++
			continue
		}
		pkgs = append(pkgs, m)
	}
	return pkgs, skipped, nil
}
