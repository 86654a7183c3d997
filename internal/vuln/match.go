package vuln

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"ospo/internal/vuln/osv"
)

// ErrNoVersion is returned when a record names the component's package
// but the component has no version, so whether it is affected cannot be
// checked.
var ErrNoVersion = errors.New("the component has no version, so it cannot be checked")

// Match says why one affected entry of a record covers a version.
type Match struct {
	// AffectedIndex is the entry's index in the record's affected list.
	AffectedIndex int
	// Ecosystem and Name are the entry's package, as the record writes it.
	Ecosystem, Name string
	// Why is a sentence saying which rule matched.
	Why string
	// Range is the first matching range; nil when only the versions list
	// matched.
	Range *osv.Range
	// Fixed and LastAffected are the fixed and last_affected events of the
	// matching ranges, in version order; empty for a versions-list match.
	Fixed        []string
	LastAffected []string
}

// Affects evaluates a record for one package version, following the OSV
// schema's evaluation algorithm: a version is affected by an entry that
// names its package when it is in the entry's versions list, or when a
// SEMVER or ECOSYSTEM range covers it (its events sorted by version, with
// introduced "0" first) and it is below one of the range's limits, if any.
//
// eco, name and version are as OSV records write them (see OSVPackage).
// A record for an ecosystem without a suffix ("Debian") matches every
// release; one with a suffix ("Debian:12") matches only that release.
// GIT ranges are skipped: they name commits, not versions. Withdrawn
// records match nothing.
//
// Affects returns one Match per affected entry that covers the version.
// The error is not nil when something could not be evaluated: an empty
// version (ErrNoVersion), or a version or event the ecosystem's order
// cannot read (ErrInvalidVersion; that range is skipped). Matches found
// elsewhere in the record are still returned with such an error, and a
// range error is only reported for entries that did not match otherwise.
// A version that cannot be read is never taken as affected.
func Affects(rec *osv.Record, eco, name, version string) ([]Match, error) {
	if rec == nil || rec.Withdrawn != nil {
		return nil, nil
	}
	m := matcher{eco: eco, base: baseEcosystem(eco), version: version}
	m.name = name
	if m.base == "PyPI" {
		m.name = normalizePyPI(name)
	}
	var (
		matches   []Match
		errs      []error
		noVersion bool
	)
	for i := range rec.Affected {
		a := &rec.Affected[i]
		if !ecosystemMatches(a.Package.Ecosystem, eco) || !m.nameMatches(a.Package.Name) {
			continue
		}
		if version == "" {
			noVersion = true
			continue
		}
		var (
			match     *Match
			rangeErrs []error
		)
		for j := range a.Ranges {
			r := &a.Ranges[j]
			if r.Type != osv.RangeSemver && r.Type != osv.RangeEcosystem {
				continue
			}
			res, err := m.evalRange(a.Package.Ecosystem, r)
			if err != nil {
				rangeErrs = append(rangeErrs, fmt.Errorf("%s affected[%d].ranges[%d] (%s) skipped: %w", rec.ID, i, j, r.Type, err))
				continue
			}
			if !res.hit {
				continue
			}
			if match == nil {
				match = &Match{AffectedIndex: i, Ecosystem: a.Package.Ecosystem, Name: a.Package.Name, Why: res.why, Range: r}
			} else {
				match.Why += "; " + res.why
			}
			match.Fixed = appendNew(match.Fixed, res.fixed)
			match.LastAffected = appendNew(match.LastAffected, res.last)
		}
		if match == nil && slices.Contains(a.Versions, version) {
			match = &Match{AffectedIndex: i, Ecosystem: a.Package.Ecosystem, Name: a.Package.Name,
				Why: fmt.Sprintf("version %s is in the versions list", version)}
		}
		if match != nil {
			matches = append(matches, *match)
			continue
		}
		errs = append(errs, rangeErrs...)
	}
	if noVersion {
		errs = append(errs, fmt.Errorf("%s names %s %s: %w", rec.ID, eco, name, ErrNoVersion))
	}
	return matches, errors.Join(errs...)
}

// appendNew appends the values of add not already in list.
func appendNew(list, add []string) []string {
	for _, s := range add {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// matcher holds one query and the component version parsed at most once
// per order (SemVer for SEMVER ranges, the ecosystem's for ECOSYSTEM).
type matcher struct {
	eco, base, name, version string

	semver, native       Version
	semverErr, nativeErr error
	semverOK, nativeOK   bool // parsed (successfully or not)
}

func (m *matcher) nameMatches(recName string) bool {
	if recName == m.name {
		return true
	}
	switch m.base {
	case "PyPI":
		return normalizePyPI(recName) == m.name
	case "NuGet", "Packagist":
		// Both registries treat names case-insensitively.
		return strings.EqualFold(recName, m.name)
	}
	return false
}

// componentVersion parses the component's version for a range type.
func (m *matcher) componentVersion(rangeType, recEco string) (Version, error) {
	if rangeType == osv.RangeSemver {
		if !m.semverOK {
			m.semver, m.semverErr = ParseSemver(m.version)
			m.semverOK = true
		}
		return m.semver, m.semverErr
	}
	if !m.nativeOK {
		if err := plausibleVersion(m.version); err != nil {
			m.nativeErr = fmt.Errorf("%w: %q is not a %s version: %s", ErrInvalidVersion, m.version, baseEcosystem(recEco), err)
		} else {
			m.native, m.nativeErr = ParseVersion(recEco, m.version)
		}
		m.nativeOK = true
	}
	return m.native, m.nativeErr
}

// plausibleVersion rejects component versions that some ecosystem orders
// would still read but that are not versions of anything installed: an
// unresolved build property, or a word without a digit ("latest").
func plausibleVersion(v string) error {
	if strings.Contains(v, "${") {
		return errors.New("it is an unresolved property")
	}
	if !strings.ContainsAny(v, "0123456789") {
		return errors.New("it has no digit")
	}
	return nil
}

type eventKind uint8

const (
	evIntroduced eventKind = iota
	evFixed
	evLastAffected
	evLimit
)

var eventNames = [...]string{"introduced", "fixed", "last_affected", "limit"}

// event is one range event, parsed, with the component version's order
// against it.
type event struct {
	kind eventKind
	raw  string
	// inf is -1 for introduced "0" (before every version), +1 for limit
	// "*" (after every version), 0 for a real version.
	inf int
	v   Version
	// cmp is the component version compared with the event: -1, 0, +1.
	cmp int
}

func kindOf(e osv.Event) (eventKind, string) {
	switch {
	case e.Introduced != "":
		return evIntroduced, e.Introduced
	case e.Fixed != "":
		return evFixed, e.Fixed
	case e.LastAffected != "":
		return evLastAffected, e.LastAffected
	}
	return evLimit, e.Limit
}

type rangeResult struct {
	hit         bool
	why         string
	fixed, last []string
}

// evalRange applies the schema's BeforeLimits and InRange to one range.
func (m *matcher) evalRange(recEco string, r *osv.Range) (rangeResult, error) {
	cv, err := m.componentVersion(r.Type, recEco)
	if err != nil {
		return rangeResult{}, err
	}
	var buf [4]event
	evs := buf[:0]
	for _, e := range r.Events {
		k, raw := kindOf(e)
		ev := event{kind: k, raw: raw}
		switch {
		case raw == "":
			// Check rejects such records; a hand-built one is skipped.
			return rangeResult{}, fmt.Errorf("%w: an event has no version", ErrInvalidVersion)
		case k == evIntroduced && raw == "0":
			ev.inf, ev.cmp = -1, 1
		case k == evLimit && raw == "*":
			ev.inf, ev.cmp = 1, -1
		default:
			if r.Type == osv.RangeSemver {
				ev.v, err = ParseSemver(raw)
			} else {
				ev.v, err = ParseVersion(recEco, raw)
			}
			if err != nil {
				return rangeResult{}, fmt.Errorf("%s event: %w", eventNames[k], err)
			}
			if ev.cmp, err = cv.Compare(ev.v); err != nil {
				return rangeResult{}, err
			}
		}
		evs = append(evs, ev)
	}

	// BeforeLimits: without limit events every version is before them;
	// otherwise the version must be below at least one.
	limited, below, limitRaw := false, false, ""
	for _, e := range evs {
		if e.kind != evLimit {
			continue
		}
		limited = true
		if e.cmp < 0 {
			below = true
			if e.inf == 0 && limitRaw == "" {
				limitRaw = e.raw
			}
		}
	}
	if limited && !below {
		return rangeResult{}, nil
	}

	// InRange: walk the events in version order.
	evs = slices.DeleteFunc(evs, func(e event) bool { return e.kind == evLimit })
	var sortErr error
	slices.SortStableFunc(evs, func(a, b event) int {
		if a.inf != 0 || b.inf != 0 {
			return a.inf - b.inf
		}
		c, err := a.v.Compare(b.v)
		if err != nil && sortErr == nil {
			sortErr = err
		}
		return c
	})
	if sortErr != nil {
		return rangeResult{}, sortErr
	}
	vulnerable, start := false, -1
	for i, e := range evs {
		switch e.kind {
		case evIntroduced:
			if e.cmp >= 0 {
				vulnerable, start = true, i
			}
		case evFixed:
			if e.cmp >= 0 {
				vulnerable = false
			}
		case evLastAffected:
			if e.cmp > 0 {
				vulnerable = false
			}
		}
	}
	if !vulnerable {
		return rangeResult{}, nil
	}
	res := rangeResult{hit: true}
	for _, e := range evs {
		switch e.kind {
		case evFixed:
			res.fixed = append(res.fixed, e.raw)
		case evLastAffected:
			res.last = append(res.last, e.raw)
		}
	}
	res.why = explain(r.Type, m.version, evs, start, limitRaw)
	return res, nil
}

// explain writes why a range matched: the introduced event that opened
// the affected interval, the event that closes it and the limit.
func explain(rangeType, version string, evs []event, start int, limit string) string {
	intro := evs[start].raw
	var head, cond strings.Builder
	fmt.Fprintf(&head, "%s range introduced %s", rangeType, intro)
	fmt.Fprintf(&cond, "%s ≥ %s", version, intro)
	closed := false
	for _, e := range evs[start+1:] {
		switch e.kind {
		case evFixed:
			fmt.Fprintf(&head, ", fixed %s", e.raw)
			fmt.Fprintf(&cond, " and < %s", e.raw)
			closed = true
		case evLastAffected:
			fmt.Fprintf(&head, ", last_affected %s", e.raw)
			fmt.Fprintf(&cond, " and ≤ %s", e.raw)
			closed = true
		}
		if closed {
			break
		}
	}
	if !closed {
		head.WriteString(", no fix")
	}
	if limit != "" {
		fmt.Fprintf(&head, ", limit %s", limit)
		fmt.Fprintf(&cond, " and < %s", limit)
	}
	return head.String() + ": " + cond.String()
}

// ecosystemMatches compares a record's ecosystem with a component's. The
// base names must be equal; a record without a release suffix matches
// every release, one with a suffix only the same release, compared in a
// normal form (Alpine "v3.20" and "3.20.1", Debian "12" and "bookworm",
// Ubuntu "22.04:LTS" and "22.04").
func ecosystemMatches(rec, comp string) bool {
	if rec == comp {
		return true
	}
	rb, rs, _ := strings.Cut(rec, ":")
	cb, cs, _ := strings.Cut(comp, ":")
	if !strings.EqualFold(rb, cb) {
		return false
	}
	if rs == "" {
		return true
	}
	if cs == "" {
		return false
	}
	return normalizeRelease(rb, rs) == normalizeRelease(cb, cs)
}

func normalizeRelease(base, s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch strings.ToLower(base) {
	case "alpine":
		if b := alpineBranch(s); b != "" {
			return b
		}
	case "debian":
		if n, ok := debianCodenames[s]; ok {
			return n
		}
		major, _, _ := strings.Cut(s, ".")
		return major
	case "ubuntu":
		// Ubuntu records mark long-term releases ("22.04:LTS"); Pro
		// (extended maintenance) records keep their "pro:" prefix and
		// so only match components that say Pro too.
		return strings.TrimSuffix(s, ":lts")
	}
	return strings.TrimSuffix(s, "/")
}

// FixedVersions gathers the fixed versions of matches, without repeats,
// in version order where the ecosystem's order can read them (others
// follow in the order met).
func FixedVersions(matches []Match) []string {
	var out []string
	for _, m := range matches {
		out = appendNew(out, m.Fixed)
	}
	if len(out) < 2 {
		return out
	}
	eco := matches[0].Ecosystem
	parsed := make(map[string]Version, len(out))
	for _, s := range out {
		if v, err := ParseVersion(eco, s); err == nil {
			parsed[s] = v
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		va, okA := parsed[a]
		vb, okB := parsed[b]
		switch {
		case okA && okB:
			c, _ := va.Compare(vb)
			return c
		case okA:
			return -1
		case okB:
			return 1
		}
		return 0
	})
	return out
}

// SmallestFix is the smallest version above current that fixes every
// finding, where each finding is the list of its fixed versions: the
// largest, over the findings, of each finding's smallest fixed version
// above current. It returns false when a finding has no fixed version
// above current (or none can be read), when current cannot be read, or
// when there are no findings. Versions are in OSV form (Go without "v").
//
// It looks only at fixed versions: a version that fixes one finding and
// lies where another finding was introduced again is not detected.
func SmallestFix(ecosystem, current string, findings [][]string) (string, bool) {
	cur, err := ParseVersion(ecosystem, current)
	if err != nil || len(findings) == 0 {
		return "", false
	}
	var best Version
	have := false
	for _, fixes := range findings {
		var low Version
		found := false
		for _, f := range fixes {
			v, err := ParseVersion(ecosystem, f)
			if err != nil {
				continue
			}
			if c, err := v.Compare(cur); err != nil || c <= 0 {
				continue
			}
			if !found {
				low, found = v, true
			} else if c, err := v.Compare(low); err == nil && c < 0 {
				low = v
			}
		}
		if !found {
			return "", false
		}
		if !have {
			best, have = low, true
		} else if c, err := low.Compare(best); err == nil && c > 0 {
			best = low
		}
	}
	return best.String(), true
}
