package risk

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"ospo/internal/vuln"
)

// Release is one published version of a component.
type Release struct {
	Version string `json:"version"`
	// Time is when the version was published; the zero Time when not
	// known.
	Time time.Time `json:"time,omitzero"`
}

// Releases gives the release history of a component from data held
// offline. It returns nil, nil when it knows nothing of the component
// (another ecosystem, a package it has never seen); an error means data
// was there but could not be read, and may come with the releases that
// could.
type Releases interface {
	Releases(ecosystem, name string) ([]Release, error)
}

// KnownVersions are the versions of each component seen anywhere in the
// organisation, keyed by KnownKey(ecosystem, name). They stand in for a
// release history when none is held: the newest version used somewhere
// is a version the others could move to, though without dates.
type KnownVersions map[string][]string

// KnownKey is the key of a component in KnownVersions:
// ecosystem + "\x00" + name.
func KnownKey(ecosystem, name string) string { return ecosystem + "\x00" + name }

// Add records that version of the component is used somewhere; empty
// versions and repeats are ignored.
func (k KnownVersions) Add(ecosystem, name, version string) {
	if version == "" {
		return
	}
	key := KnownKey(ecosystem, name)
	if !slices.Contains(k[key], version) {
		k[key] = append(k[key], version)
	}
}

// Versions lists the versions of a component seen, nil when none.
func (k KnownVersions) Versions(ecosystem, name string) []string {
	return k[KnownKey(ecosystem, name)]
}

// StalenessFrom gathers what src (which may be nil) and known hold about
// a component and measures it with StalenessOf. A source that fails
// leaves its error in Why; what it could read is still used.
func StalenessFrom(src Releases, known KnownVersions, ecosystem, name, version string) Staleness {
	var (
		rels []Release
		err  error
	)
	if src != nil {
		rels, err = src.Releases(ecosystem, name)
	}
	s := StalenessOf(ecosystem, name, version, rels, known.Versions(ecosystem, name))
	if err != nil {
		s.Why += fmt.Sprintf(" (the release history was not fully read: %v)", err)
	}
	return s
}

// osvNames maps ospo's ecosystem names to the OSV names whose version
// order package vuln knows. OSV names themselves pass through.
var osvNames = map[string]string{
	"npm": "npm", "go": "Go", "golang": "Go", "pypi": "PyPI", "maven": "Maven",
	"cargo": "crates.io", "gem": "RubyGems", "nuget": "NuGet", "composer": "Packagist",
	"deb": "Debian", "apk": "Alpine",
}

// orderOf is the OSV ecosystem whose version order applies to ecosystem.
func orderOf(ecosystem string) string {
	if vuln.SupportsEcosystem(ecosystem) {
		return ecosystem
	}
	if n, ok := osvNames[strings.ToLower(ecosystem)]; ok {
		return n
	}
	return ecosystem
}

// parseVersion reads v by the order of the OSV ecosystem eco. Like the
// vulnerability matcher it refuses what some orders would still read but
// no release is called: an unresolved build property, a word without a
// digit ("latest").
func parseVersion(eco, v string) (vuln.Version, error) {
	if strings.Contains(v, "${") {
		return vuln.Version{}, fmt.Errorf("%w: %q is an unresolved property", vuln.ErrInvalidVersion, v)
	}
	if !strings.ContainsAny(v, "0123456789") {
		return vuln.Version{}, fmt.Errorf("%w: %q has no digit", vuln.ErrInvalidVersion, v)
	}
	return vuln.ParseVersion(eco, v)
}

// semverOrders are the OSV ecosystems whose versions follow SemVer, where
// a "-" before any "+" marks a pre-release (Go pseudo-versions included).
var semverOrders = map[string]bool{
	"npm": true, "Go": true, "crates.io": true, "NuGet": true, "Hex": true, "Pub": true,
	"SwiftURL": true, "Bitnami": true, "Julia": true,
}

// preWords are the qualifiers that make a version a pre-release in
// PyPI (PEP 440: a, b, c, rc, alpha, beta, pre, preview, dev), Maven
// (alpha, beta, milestone, rc, cr, snapshot, and a1, b1, m1), Composer
// (dev, alpha, beta, RC) and the distributions (_alpha, _beta, _pre,
// _rc in Alpine). Post-releases, service packs and "Final" are releases.
var preWords = map[string]bool{
	"alpha": true, "beta": true, "milestone": true, "rc": true, "cr": true, "snapshot": true,
	"pre": true, "preview": true, "dev": true, "ea": true,
}

// prerelease reports whether v is a pre-release by the conventions of
// the OSV ecosystem eco.
func prerelease(eco, v string) bool {
	base, _, _ := strings.Cut(eco, ":")
	switch {
	case semverOrders[base]:
		core, _, _ := strings.Cut(strings.TrimPrefix(v, "v"), "+")
		return strings.Contains(core, "-")
	case base == "RubyGems":
		// Gem::Version: any letter makes a pre-release.
		return strings.ContainsFunc(v, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
	case base == "Debian" || base == "Ubuntu":
		// A tilde sorts before everything: 1.0~rc1 < 1.0.
		return strings.Contains(v, "~")
	case base == "PyPI":
		v, _, _ = strings.Cut(v, "+") // the local version label is not part of it
	}
	toks := versionTokens(strings.ToLower(v))
	for i, t := range toks {
		if preWords[t] {
			return true
		}
		// A single letter a, b, c or m followed by a number (or ending
		// the version): 1.0a1, 1.0b, 2.0-M3.
		if len(t) == 1 && strings.Contains("abcm", t) && i > 0 && (i+1 == len(toks) || isDigits(toks[i+1])) {
			return true
		}
	}
	return false
}

// versionTokens splits a version at separators and at every change
// between digits and letters, as Maven's and PEP 440's orders do:
// "1.0rc1" → 1, 0, rc, 1.
func versionTokens(v string) []string {
	var toks []string
	start := -1
	kind := 0 // 1 digits, 2 letters
	for i := 0; i <= len(v); i++ {
		k := 0
		if i < len(v) {
			switch c := v[i]; {
			case c >= '0' && c <= '9':
				k = 1
			case c >= 'a' && c <= 'z':
				k = 2
			}
		}
		if k != kind || k == 0 {
			if start >= 0 {
				toks = append(toks, v[start:i])
			}
			start = -1
			if k != 0 {
				start = i
			}
			kind = k
		}
	}
	return toks
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// candidate is one version a component could be at.
type candidate struct {
	v vuln.Version
	t time.Time // zero when unknown
}

// dateOf is when a version was released: the time given, else, for a Go
// pseudo-version, the commit time it carries.
func dateOf(eco, v string, t time.Time) time.Time {
	if !t.IsZero() || eco != "Go" {
		return t
	}
	gv := v
	if !strings.HasPrefix(gv, "v") {
		gv = "v" + gv
	}
	if module.IsPseudoVersion(gv) {
		if pt, err := module.PseudoVersionTime(gv); err == nil {
			return pt
		}
	}
	return t
}

// yearLength is the length of the Julian year libyears are counted in.
const yearLength = 365.25 * 24 * time.Hour

// StalenessOf measures how far version lags the newest release, in
// libyears (the time between the release used and the newest release)
// and in newer releases. releases is a release history with dates (from
// a Releases source); known are versions without dates (seen in the
// organisation); either may be empty.
//
// Versions are ordered by the ecosystem's rules (ospo's names, such as
// "go" or "pypi", or OSV's, such as "Go" or "PyPI"). A pre-release is
// never the newest unless the used version is a pre-release too, and
// versions that cannot be read are left out. Libyears is nil, and Why
// says why, when a date is missing: always when only known versions were
// given, since those carry no dates. Behind is -1 when nothing newer or
// older could be compared.
func StalenessOf(ecosystem, name, version string, releases []Release, known []string) Staleness {
	unknown := func(format string, args ...any) Staleness {
		return Staleness{Behind: -1, Why: fmt.Sprintf(format, args...)}
	}
	label := orNone(name)
	if version == "" {
		return unknown("%s has no version, so its lag cannot be told", label)
	}
	eco := orderOf(ecosystem)
	if !vuln.SupportsEcosystem(eco) {
		return unknown("versions of the %s ecosystem cannot be ordered", orNone(ecosystem))
	}
	used, err := parseVersion(eco, version)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), vuln.ErrInvalidVersion.Error()+": ")
		return unknown("the version of %s cannot be read, so its lag cannot be told: %s", label, msg)
	}
	if len(releases) == 0 && len(known) == 0 {
		return unknown("no release history of %s is known", label)
	}
	usedPre := prerelease(eco, version)

	cands := make([]candidate, 0, len(releases)+len(known))
	unreadable, pres := 0, 0
	add := func(v string, t time.Time) {
		pv, err := parseVersion(eco, v)
		switch {
		case err != nil:
			unreadable++
		case !usedPre && prerelease(eco, v):
			pres++
		default:
			cands = append(cands, candidate{v: pv, t: dateOf(eco, v, t)})
		}
	}
	for _, r := range releases {
		add(r.Version, r.Time)
	}
	for _, k := range known {
		add(k, time.Time{})
	}
	if len(cands) == 0 {
		if unreadable == 0 {
			return unknown("only pre-releases of %s are known", label)
		}
		return unknown("none of the %d known versions of %s is a release that can be read", unreadable+pres, label)
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		c, _ := a.v.Compare(b.v) // same ecosystem: cannot fail
		return c
	})
	// Merge equal versions ("v1.2.0" and "1.2.0"), keeping a known date.
	merged := cands[:1]
	for _, c := range cands[1:] {
		last := &merged[len(merged)-1]
		if eq, _ := c.v.Compare(last.v); eq == 0 {
			if last.t.IsZero() {
				last.t = c.t
			}
			continue
		}
		merged = append(merged, c)
	}
	cands = merged

	newest := cands[len(cands)-1]
	usedTime := dateOf(eco, version, time.Time{})
	behind := 0
	for _, c := range cands {
		switch cmp, _ := c.v.Compare(used); {
		case cmp > 0:
			behind++
		case cmp == 0 && !c.t.IsZero():
			usedTime = c.t
		}
	}
	dated := len(releases) > 0

	var newestAt *time.Time
	if !newest.t.IsZero() {
		t := newest.t.UTC()
		newestAt = &t
	}
	if behind == 0 {
		s := Staleness{Behind: 0, Newest: newest.v.String(), NewestAt: newestAt}
		if c, _ := newest.v.Compare(used); c < 0 {
			s.Newest = version
		}
		if !dated {
			s.Why = fmt.Sprintf("no newer version of %s is used in the organisation, but release dates are unknown", label)
			return s
		}
		zero := 0.0
		s.Libyears = &zero
		s.Why = fmt.Sprintf("%s %s is the newest release known", label, version)
		return s
	}

	s := Staleness{Behind: behind, Newest: newest.v.String(), NewestAt: newestAt}
	switch {
	case !dated:
		s.Why = fmt.Sprintf("release dates are unknown; %s of %s used in the organisation, the newest %s", plural(behind, "newer version"), label, s.Newest)
	case usedTime.IsZero() && newest.t.IsZero():
		s.Why = fmt.Sprintf("the release dates of %s %s and of the newest, %s, are unknown", label, version, s.Newest)
	case usedTime.IsZero():
		s.Why = fmt.Sprintf("the release date of %s %s is unknown", label, version)
	case newest.t.IsZero():
		s.Why = fmt.Sprintf("the release date of the newest %s, %s, is unknown", label, s.Newest)
	default:
		years := float64(newest.t.Sub(usedTime)) / float64(yearLength)
		s.Why = fmt.Sprintf("%s released %s, newest %s released %s", version, usedTime.UTC().Format(time.DateOnly), s.Newest, newest.t.UTC().Format(time.DateOnly))
		if years < 0 {
			// A fix released on an older branch after the newest line.
			years = 0
			s.Why += " (earlier; counted as 0)"
		}
		years = math.Round(years*100) / 100
		s.Libyears = &years
	}
	return s
}
