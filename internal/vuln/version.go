// Package vuln decides whether a component is affected by a vulnerability
// record in the OSV format: it maps ospo's components to OSV package
// coordinates, orders versions by each ecosystem's own rules and applies
// the OSV schema's evaluation algorithm to a record's ranges.
package vuln

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

// ErrUnsupportedEcosystem is returned for an ecosystem whose version
// order is not known.
var ErrUnsupportedEcosystem = errors.New("unsupported ecosystem")

// ErrInvalidVersion is wrapped by every error about a version string that
// cannot be ordered.
var ErrInvalidVersion = errors.New("invalid version")

// Version is a version string parsed by the rules of one ecosystem. The
// zero Version is not valid.
type Version struct {
	eco string // base ecosystem, or semverKind for SEMVER ranges
	raw string
	v   semantic.Version // the ecosystem's order
	sem semverParts      // SemVer 2.0 order, when eco is semverKind
}

// semverKind marks versions parsed for SEMVER ranges, which follow SemVer
// 2.0 whatever the package's ecosystem.
const semverKind = "SEMVER"

// String returns the version as it was written.
func (v Version) String() string { return v.raw }

// Ecosystem is the ecosystem whose rules ordered the version ("SEMVER"
// for a version parsed for a SEMVER range).
func (v Version) Ecosystem() string { return v.eco }

// ParseVersion parses v by the version rules of ecosystem (an OSV
// ecosystem name; a ":suffix" is ignored). It returns an error wrapping
// ErrUnsupportedEcosystem when the ecosystem's order is not known, and one
// wrapping ErrInvalidVersion when v is not a version of that ecosystem.
func ParseVersion(ecosystem, v string) (Version, error) {
	base := baseEcosystem(ecosystem)
	fam, ok := families[base]
	if !ok {
		return Version{}, fmt.Errorf("%w: no version order is known for %q", ErrUnsupportedEcosystem, base)
	}
	if err := fam.check(v); err != nil {
		return Version{}, fmt.Errorf("%w: %q is not a %s version: %s", ErrInvalidVersion, v, base, err)
	}
	sv, err := safeParse(v, base)
	if err != nil {
		return Version{}, fmt.Errorf("%w: %q is not a %s version: %v", ErrInvalidVersion, v, base, unwrapScalibr(err))
	}
	return Version{eco: base, raw: v, v: sv}, nil
}

// ParseSemver parses v as a SemVer 2.0 version, as SEMVER ranges require:
// MAJOR.MINOR.PATCH with optional pre-release and build parts. A leading
// "v" and leading zeros in numbers are tolerated; they occur in real
// records and do not make the order ambiguous.
func ParseSemver(v string) (Version, error) {
	p, err := parseSemver(v)
	if err != nil {
		return Version{}, fmt.Errorf("%w: %q is not a SemVer version: %s", ErrInvalidVersion, v, err)
	}
	return Version{eco: semverKind, raw: v, sem: p}, nil
}

// Compare orders v against w: -1 when v < w, 0 when equal, +1 when v > w.
// Both must come from the same ecosystem's parser.
func (v Version) Compare(w Version) (c int, err error) {
	if v.eco == "" || w.eco == "" {
		return 0, fmt.Errorf("%w: comparing an unparsed version", ErrInvalidVersion)
	}
	if v.eco != w.eco {
		return 0, fmt.Errorf("%w: cannot order a %s version against a %s one", ErrInvalidVersion, v.eco, w.eco)
	}
	if v.eco == semverKind {
		return v.sem.compare(w.sem), nil
	}
	defer func() {
		if r := recover(); r != nil {
			c, err = 0, fmt.Errorf("%w: the %s version order failed on %q and %q: %v", ErrInvalidVersion, v.eco, v.raw, w.raw, r)
		}
	}()
	c, err = v.v.Compare(w.v)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrInvalidVersion, err)
	}
	return sign(c), nil
}

// Compare orders two version strings of ecosystem: -1 when a < b, 0 when
// they are equal, +1 when a > b.
func Compare(ecosystem, a, b string) (int, error) {
	va, err := ParseVersion(ecosystem, a)
	if err != nil {
		return 0, err
	}
	vb, err := ParseVersion(ecosystem, b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb)
}

// SupportsEcosystem reports whether versions of ecosystem can be ordered.
func SupportsEcosystem(ecosystem string) bool {
	_, ok := families[baseEcosystem(ecosystem)]
	return ok
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// safeParse calls the ecosystem parser, turning a panic into an error: a
// version string comes from untrusted files and records.
func safeParse(v, eco string) (sv semantic.Version, err error) {
	defer func() {
		if r := recover(); r != nil {
			sv, err = nil, fmt.Errorf("the %s version parser failed: %v", eco, r)
		}
	}()
	return semantic.Parse(v, eco)
}

// unwrapScalibr drops the parser's own "invalid version:" prefix so the
// message does not repeat it.
func unwrapScalibr(err error) string {
	s := err.Error()
	if rest, ok := strings.CutPrefix(s, semantic.ErrInvalidVersion.Error()); ok {
		return strings.TrimLeft(rest, ": ")
	}
	return s
}

func baseEcosystem(eco string) string {
	if i := strings.IndexByte(eco, ':'); i >= 0 {
		return eco[:i]
	}
	return eco
}

// family is how strictly an ecosystem's version strings are checked
// before they reach the parser. The semver-like parser reads any string
// ("latest" becomes 0.0.0-latest), so those versions must start with a
// number; the other parsers get what their own vectors allow, which
// includes words ("trunk", "stable", "dev-main"). The matcher is stricter
// with component versions (see plausibleVersion).
type family struct {
	check func(string) error
}

var (
	semverLike = family{check: checkSemverLike}
	plain      = family{check: checkPlain}
)

// families lists the ecosystems whose order is known, by OSV name.
var families = map[string]family{
	"npm":          semverLike,
	"Go":           semverLike,
	"crates.io":    semverLike,
	"Hex":          semverLike,
	"Bitnami":      semverLike,
	"ConanCenter":  semverLike,
	"SwiftURL":     semverLike,
	"Julia":        semverLike,
	"GHC":          semverLike,
	"Bioconductor": semverLike,
	"Pub":          plain,
	"Maven":        plain,
	"NuGet":        plain,
	"RubyGems":     plain,
	"Packagist":    plain,
	"Red Hat":      plain,
	"AlmaLinux":    plain,
	"Rocky Linux":  plain,
	"SUSE":         plain,
	"openSUSE":     plain,
	"Mageia":       plain,
	"openEuler":    plain,
	"PyPI":         plain,
	"Debian":       plain,
	"Ubuntu":       plain,
	"Alpine":       plain,
	"Wolfi":        plain,
	"Chainguard":   plain,
	"MinimOS":      plain,
	"Alpaquita":    plain,
	"CRAN":         plain,
	"Hackage":      plain,
}

// maxVersionLen bounds a version string; real ones are far shorter, and
// the parsers' cost grows with the length.
const maxVersionLen = 256

func checkPlain(v string) error {
	if v == "" {
		return errors.New("it is empty")
	}
	if len(v) > maxVersionLen {
		return fmt.Errorf("it is longer than %d bytes", maxVersionLen)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c == 0x7f {
			return errors.New("it contains a space or control character")
		}
	}
	return nil
}

func checkSemverLike(v string) error {
	if err := checkPlain(v); err != nil {
		return err
	}
	s := strings.TrimPrefix(v, "v")
	if s == "" || s[0] < '0' || s[0] > '9' {
		return errors.New("it does not start with a number")
	}
	return nil
}

// semverParts is a SemVer 2.0 version as substrings of its text, so
// that parsing and ordering allocate nothing (SEMVER ranges are the most
// common kind, and the hot path of matching).
type semverParts struct {
	major, minor, patch string // digits
	pre                 string // dot-separated identifiers, "" for a release
}

// parseSemver reads the SemVer 2.0 grammar, tolerating a leading "v" and
// leading zeros; build metadata is checked and dropped, as it takes no
// part in precedence.
func parseSemver(v string) (semverParts, error) {
	if err := checkPlain(v); err != nil {
		return semverParts{}, err
	}
	s := strings.TrimPrefix(v, "v")
	core, rest := s, ""
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		core, rest = s[:i], s[i:]
	}
	var p semverParts
	var ok bool
	if p.major, core, ok = strings.Cut(core, "."); !ok || !allDigits(p.major) {
		return semverParts{}, errors.New("MAJOR.MINOR.PATCH must be three numbers")
	}
	if p.minor, p.patch, ok = strings.Cut(core, "."); !ok || !allDigits(p.minor) || !allDigits(p.patch) {
		return semverParts{}, errors.New("MAJOR.MINOR.PATCH must be three numbers")
	}
	build := ""
	if strings.HasPrefix(rest, "-") {
		p.pre = rest[1:]
		if i := strings.IndexByte(p.pre, '+'); i >= 0 {
			p.pre, build = p.pre[:i], p.pre[i+1:]
			if !validIdentifiers(build) {
				return semverParts{}, errors.New("bad build metadata")
			}
		}
		if !validIdentifiers(p.pre) {
			return semverParts{}, errors.New("bad pre-release")
		}
	} else if strings.HasPrefix(rest, "+") {
		if !validIdentifiers(rest[1:]) {
			return semverParts{}, errors.New("bad build metadata")
		}
	}
	return p, nil
}

// compare applies SemVer 2.0 precedence (its item 11).
func (a semverParts) compare(b semverParts) int {
	if c := compareNumeric(a.major, b.major); c != 0 {
		return c
	}
	if c := compareNumeric(a.minor, b.minor); c != 0 {
		return c
	}
	if c := compareNumeric(a.patch, b.patch); c != 0 {
		return c
	}
	switch {
	case a.pre == b.pre:
		return 0
	case a.pre == "":
		return 1 // a release follows its pre-releases
	case b.pre == "":
		return -1
	}
	x, y := a.pre, b.pre
	for x != "" && y != "" {
		var ix, iy string
		ix, x, _ = strings.Cut(x, ".")
		iy, y, _ = strings.Cut(y, ".")
		nx, ny := allDigits(ix), allDigits(iy)
		var c int
		switch {
		case nx && ny:
			c = compareNumeric(ix, iy)
		case nx:
			c = -1 // numeric identifiers come before alphanumeric ones
		case ny:
			c = 1
		default:
			c = strings.Compare(ix, iy)
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case x == "" && y == "":
		return 0
	case x == "":
		return -1 // fewer identifiers, all equal so far: lower
	}
	return 1
}

// compareNumeric orders two digit strings of any length by value.
func compareNumeric(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validIdentifiers checks dot-separated, non-empty [0-9A-Za-z-] runs.
func validIdentifiers(s string) bool {
	if s == "" {
		return false
	}
	for id := range strings.SplitSeq(s, ".") {
		if id == "" {
			return false
		}
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
				return false
			}
		}
	}
	return true
}
