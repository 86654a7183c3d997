package license

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/semver"
)

// Curation corrects the license of packages whose metadata and files do
// not give the right answer, after a person looked.
type Curation struct {
	// Package is "pkg:npm/foo" (a package URL without version), "npm:foo"
	// or "foo" (any ecosystem).
	Package string `yaml:"package"`
	// Versions is a range such as ">=1.0.0 <2", "^1.2", "1.x || 2.x"; empty
	// or "*" for every version.
	Versions string `yaml:"versions,omitempty"`
	// License is the SPDX expression that applies.
	License string `yaml:"license"`
	// Reason says why, for the next person.
	Reason string `yaml:"reason"`
	// TextSHA256, when set, is the SHA-256 of the license file the person
	// read. A package whose license files no longer include that text is
	// not curated, but flagged for review.
	TextSHA256 string `yaml:"textSha256,omitempty"`

	ecosystem, name string
	rng             versionRange
}

// Curations are the entries of one curations file, in file order.
type Curations struct {
	path    string
	entries []*Curation
}

// maxCurationsFile bounds the curations file read.
const maxCurationsFile = 8 << 20

// ErrCurations is wrapped by every error about a curations file.
var ErrCurations = errors.New("bad curations file")

// LoadCurations reads a curations file:
//
//	curations:
//	  - package: pkg:npm/foo
//	    versions: ">=1.0.0 <2"
//	    license: MIT
//	    reason: LICENSE added upstream in 2.0; 1.x ships the same text in README
//	    textSha256: 9b2c…
func LoadCurations(path string) (*Curations, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCurationsFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxCurationsFile {
		return nil, fmt.Errorf("read %s: %w: larger than %d bytes", path, ErrCurations, maxCurationsFile)
	}
	return ParseCurations(path, data)
}

// ParseCurations parses the contents of a curations file named path.
func ParseCurations(path string, data []byte) (*Curations, error) {
	var doc struct {
		Curations []*Curation `yaml:"curations"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrCurations, err)
	}
	cs := &Curations{path: path}
	for i, c := range doc.Curations {
		if c == nil {
			return nil, fmt.Errorf("%s: %w: curation %d is empty", path, ErrCurations, i+1)
		}
		if err := c.prepare(); err != nil {
			return nil, fmt.Errorf("%s: %w: curation %d (%s): %v", path, ErrCurations, i+1, c.Package, err)
		}
		cs.entries = append(cs.entries, c)
	}
	return cs, nil
}

func (c *Curation) prepare() error {
	eco, name, err := parsePackageRef(c.Package)
	if err != nil {
		return err
	}
	c.ecosystem, c.name = eco, name
	if c.rng, err = parseRange(c.Versions); err != nil {
		return fmt.Errorf("versions %q: %v", c.Versions, err)
	}
	if strings.TrimSpace(c.License) == "" {
		return errors.New("license is missing")
	}
	norm, err := Check(c.License)
	if err != nil {
		return fmt.Errorf("license: %v", err)
	}
	c.License = norm
	if strings.TrimSpace(c.Reason) == "" {
		return errors.New("reason is missing: say why, for the next person")
	}
	if c.TextSHA256 != "" {
		h := strings.ToLower(strings.TrimSpace(c.TextSHA256))
		if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			return fmt.Errorf("textSha256 %q is not a SHA-256 in hex", c.TextSHA256)
		}
		c.TextSHA256 = h
	}
	return nil
}

// purlTypes maps package URL types to ospo's ecosystem names.
var purlTypes = map[string]string{"golang": "go"}

// parsePackageRef reads "pkg:npm/%40scope/foo", "npm:foo" or "foo".
func parsePackageRef(s string) (ecosystem, name string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", errors.New("package is missing")
	}
	if rest, ok := strings.CutPrefix(s, "pkg:"); ok {
		typ, path, ok := strings.Cut(rest, "/")
		if !ok || typ == "" || path == "" {
			return "", "", fmt.Errorf("package URL %q has no name", s)
		}
		if strings.ContainsAny(path, "?#") {
			return "", "", fmt.Errorf("package URL %q: qualifiers and subpaths are not supported", s)
		}
		last := path[strings.LastIndex(path, "/")+1:]
		if strings.LastIndex(last, "@") > 0 || strings.Contains(last, "%40") && !strings.HasPrefix(last, "%40") {
			return "", "", fmt.Errorf("package URL %q: write the version range in versions, not in the URL", s)
		}
		name, err := url.PathUnescape(path)
		if err != nil {
			return "", "", fmt.Errorf("package URL %q: %v", s, err)
		}
		typ = strings.ToLower(typ)
		if e, ok := purlTypes[typ]; ok {
			typ = e
		}
		return typ, name, nil
	}
	// "npm:foo", but not a scoped "@scope/foo" or a Go path.
	if eco, name, ok := strings.Cut(s, ":"); ok && !strings.ContainsAny(eco, "/@.") && name != "" {
		return strings.ToLower(eco), name, nil
	}
	return "", s, nil
}

// Find returns the first curation for the package, or false.
func (cs *Curations) Find(ecosystem, name, version string) (*Curation, bool) {
	if cs == nil {
		return nil, false
	}
	for _, c := range cs.entries {
		if c.name != name || (c.ecosystem != "" && c.ecosystem != ecosystem) {
			continue
		}
		if c.rng.contains(version) {
			return c, true
		}
	}
	return nil, false
}

// Len is the number of curations.
func (cs *Curations) Len() int {
	if cs == nil {
		return 0
	}
	return len(cs.entries)
}

// Apply overrides a conclusion with the curation. When the curation pins
// a license text and none of the component's license files (given by
// their SHA-256) is that text any more, the curation is not applied and
// the conclusion is marked for review.
func (c *Curation) Apply(con Conclusion, textSHA256s []string) Conclusion {
	if c.TextSHA256 != "" {
		found := false
		for _, h := range textSHA256s {
			if strings.EqualFold(h, c.TextSHA256) {
				found = true
				break
			}
		}
		if !found {
			con.NeedsReview = true
			con.Reason = fmt.Sprintf("license text changed since curation (curated as %s: %s); %s", c.License, c.Reason, con.Reason)
			return con
		}
	}
	was := con.Expression
	con.Expression, con.Source, con.NeedsReview = c.License, SourceCurated, false
	con.Reason = fmt.Sprintf("curated as %s: %s (found: %s)", c.License, c.Reason, was)
	return con
}

// versionRange is a union of intervals, each an intersection of
// comparisons. It follows npm's range syntax, which covers Go's versions
// too; pre-releases compare by semver order.
type versionRange struct {
	any  bool
	alts [][]comparison
}

type comparison struct {
	op string // ">=", ">", "<=", "<", "="
	v  string // canonical semver with "v"
}

func (r versionRange) contains(version string) bool {
	if r.any {
		return true
	}
	v := canonicalVersion(version)
	if v == "" {
		return false
	}
	for _, alt := range r.alts {
		ok := true
		for _, c := range alt {
			if !c.holds(v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (c comparison) holds(v string) bool {
	d := semver.Compare(v, c.v)
	switch c.op {
	case ">=":
		return d >= 0
	case ">":
		return d > 0
	case "<=":
		return d <= 0
	case "<":
		return d < 0
	}
	return d == 0
}

// canonicalVersion turns "1.2.3", "v1.2.3+incompatible" into a semver
// string golang.org/x/mod/semver accepts, or "" when it is not one.
func canonicalVersion(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if s[0] != 'v' {
		s = "v" + s
	}
	if !semver.IsValid(s) {
		return ""
	}
	return s
}

func parseRange(s string) (versionRange, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" || s == "x" || s == "X" {
		return versionRange{any: true}, nil
	}
	var r versionRange
	for _, alt := range strings.Split(s, "||") {
		cs, err := parseAlternative(strings.TrimSpace(alt))
		if err != nil {
			return r, err
		}
		if cs == nil {
			return versionRange{any: true}, nil
		}
		r.alts = append(r.alts, cs)
	}
	return r, nil
}

// parseAlternative parses one "||"-free part; nil means any version.
func parseAlternative(s string) ([]comparison, error) {
	if s == "" {
		return nil, errors.New("empty alternative")
	}
	f := strings.Fields(s)
	// Hyphen range "1.2.3 - 2.3.4".
	if len(f) == 3 && f[1] == "-" {
		lo, err := parsePartial(f[0])
		if err != nil {
			return nil, err
		}
		hi, err := parsePartial(f[2])
		if err != nil {
			return nil, err
		}
		out := []comparison{{">=", lo.floor()}}
		if hi.n == 3 {
			return append(out, comparison{"<=", hi.floor()}), nil
		}
		return append(out, comparison{"<", hi.next()}), nil
	}
	// Join operators written apart from their version: ">= 1.0".
	var toks []string
	for i := 0; i < len(f); i++ {
		t := f[i]
		if isOpOnly(t) && i+1 < len(f) {
			t += f[i+1]
			i++
		}
		toks = append(toks, t)
	}
	var out []comparison
	for _, t := range toks {
		cs, err := parseComparator(t)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func isOpOnly(t string) bool {
	switch t {
	case ">=", ">", "<=", "<", "=", "^", "~", "~>":
		return true
	}
	return false
}

func parseComparator(t string) ([]comparison, error) {
	op := ""
	for _, p := range []string{">=", "<=", "~>", ">", "<", "=", "^", "~"} {
		if strings.HasPrefix(t, p) {
			op, t = p, t[len(p):]
			break
		}
	}
	if t == "" {
		return nil, fmt.Errorf("operator %q without a version", op)
	}
	p, err := parsePartial(t)
	if err != nil {
		return nil, err
	}
	if p.n == 0 {
		// "*", "x": no constraint, whatever the operator.
		return nil, nil
	}
	switch op {
	case "", "=":
		if p.n == 3 {
			return []comparison{{"=", p.floor()}}, nil
		}
		return []comparison{{">=", p.floor()}, {"<", p.next()}}, nil
	case ">=":
		return []comparison{{">=", p.floor()}}, nil
	case ">":
		if p.n == 3 {
			return []comparison{{">", p.floor()}}, nil
		}
		return []comparison{{">=", p.next()}}, nil
	case "<":
		if p.n < 3 {
			return []comparison{{"<", p.floor() + "-0"}}, nil
		}
		return []comparison{{"<", p.floor()}}, nil
	case "<=":
		if p.n == 3 {
			return []comparison{{"<=", p.floor()}}, nil
		}
		return []comparison{{"<", p.next()}}, nil
	case "~", "~>":
		up := partial{nums: p.nums, n: min(p.n, 2)}
		if p.n == 1 {
			up.n = 1
		}
		return []comparison{{">=", p.floor()}, {"<", up.next()}}, nil
	case "^":
		// The first non-zero part may not change.
		n := 1
		switch {
		case p.nums[0] != 0 || p.n == 1:
			n = 1
		case p.nums[1] != 0 || p.n == 2:
			n = 2
		default:
			n = 3
		}
		up := partial{nums: p.nums, n: n}
		return []comparison{{">=", p.floor()}, {"<", up.next()}}, nil
	}
	return nil, fmt.Errorf("unknown operator %q", op)
}

// partial is a version with n (0..3) numeric parts given; pre is a
// pre-release and build suffix ("-rc.1") on a full version.
type partial struct {
	nums [3]int
	n    int
	pre  string
}

func parsePartial(s string) (partial, error) {
	var p partial
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if s == "" {
		return p, errors.New("empty version")
	}
	core, pre := s, ""
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		core, pre = s[:i], s[i:]
	}
	parts := strings.Split(core, ".")
	if len(parts) > 3 {
		return p, fmt.Errorf("version %q has more than three parts", s)
	}
	for i, x := range parts {
		if x == "x" || x == "X" || x == "*" {
			if pre != "" {
				return p, fmt.Errorf("version %q: wildcard with a suffix", s)
			}
			return p, nil
		}
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 || len(x) > 9 {
			return p, fmt.Errorf("version %q: %q is not a number", s, x)
		}
		p.nums[i] = n
		p.n = i + 1
	}
	if pre != "" {
		if p.n != 3 {
			return p, fmt.Errorf("version %q: a pre-release needs all three parts", s)
		}
		p.pre = pre
		if !semver.IsValid(p.floor()) {
			return p, fmt.Errorf("version %q is not semver", s)
		}
	}
	return p, nil
}

// floor is the lowest version the partial stands for.
func (p partial) floor() string {
	return fmt.Sprintf("v%d.%d.%d%s", p.nums[0], p.nums[1], p.nums[2], p.pre)
}

// next is the first version after everything the partial stands for:
// 1 → 2.0.0, 1.2 → 1.3.0, 1.2.3 → 1.2.4. Pre-releases of it sort below,
// as "-0" makes explicit.
func (p partial) next() string {
	n := p.nums
	switch p.n {
	case 1:
		return fmt.Sprintf("v%d.0.0-0", n[0]+1)
	case 2:
		return fmt.Sprintf("v%d.%d.0-0", n[0], n[1]+1)
	}
	return fmt.Sprintf("v%d.%d.%d-0", n[0], n[1], n[2]+1)
}
