package portfolio

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
	"ospo/internal/vuln"
)

// ParsedUsage is a where-used question read from its text form.
type ParsedUsage struct {
	// Name is the package name asked for ("" for a package URL).
	Name string
	// PURLBase is the versionless package URL asked for, if one was given.
	PURLBase string
	// Version is an exact version, "" for any.
	Version string
	// Range holds version constraints, all of which must hold.
	Range Range
}

// Constraint is one comparison, such as ">= 1.2.0".
type Constraint struct {
	Op      string // <, <=, >, >=, =, !=
	Version string
}

// Range is a set of constraints that must all hold.
type Range []Constraint

// Contains tells whether version of the package satisfies every
// constraint in its ecosystem's ordering. A version that cannot be
// ordered satisfies nothing.
func (r Range) Contains(ecosystem, name, version string) bool {
	c := &inventory.Component{Ecosystem: ecosystem, Name: name, Version: version}
	pkg, ok := vuln.OSVPackage(c)
	if !ok {
		return false
	}
	for _, k := range r {
		bound := k.Version
		if ecosystem == "go" {
			bound = strings.TrimPrefix(bound, "v")
		}
		cmp, err := vuln.Compare(pkg.Ecosystem, pkg.Version, bound)
		if err != nil {
			return false
		}
		var ok bool
		switch k.Op {
		case "<":
			ok = cmp < 0
		case "<=":
			ok = cmp <= 0
		case ">":
			ok = cmp > 0
		case ">=":
			ok = cmp >= 0
		case "=":
			ok = cmp == 0
		case "!=":
			ok = cmp != 0
		}
		if !ok {
			return false
		}
	}
	return true
}

// maxQuery bounds a where-used question's length.
const maxQuery = 500

// ParseUsageQuery reads a where-used question: a package name
// ("lodash", "@babel/core", "golang.org/x/net"), a name with a version
// ("lodash@4.17.20") or a range ("lodash@<4.17.21",
// "golang.org/x/net@>=0.1.0 <0.23.0", constraints separated by spaces or
// commas), or a package URL ("pkg:npm/lodash@4.17.20"; without version,
// every version).
func ParseUsageQuery(text string) (ParsedUsage, error) {
	var q ParsedUsage
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return q, invalidf("where used: give a package name, name@version, name@range or package URL")
	case len(text) > maxQuery:
		return q, invalidf("where used: the question is longer than %d characters", maxQuery)
	}
	if strings.HasPrefix(text, "pkg:") {
		u, err := packageurl.FromString(text)
		if err != nil {
			return q, invalidf("where used: package URL %q: %v", text, err)
		}
		q.Version = u.Version
		u.Version, u.Qualifiers, u.Subpath = "", nil, ""
		q.PURLBase = u.ToString()
		return q, nil
	}
	// The version part starts at the last "@" that does not open a
	// scoped npm name.
	at := strings.LastIndex(text, "@")
	if at <= 0 {
		q.Name = text
		return q, validName(q.Name)
	}
	q.Name, text = strings.TrimSpace(text[:at]), strings.TrimSpace(text[at+1:])
	if err := validName(q.Name); err != nil {
		return q, err
	}
	if text == "" {
		return q, invalidf("where used: nothing after %q@", q.Name)
	}
	if !strings.ContainsAny(text[:1], "<>=!") {
		if strings.ContainsAny(text[:1], "~^*") || strings.ContainsAny(text, " ,") {
			return q, invalidf("where used: %q: write a range with operators, such as >=1.0.0 <2.0.0", text)
		}
		q.Version = text
		return q, nil
	}
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' })
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		// ">= 1.2": an operator alone takes the next field as its version.
		if strings.Trim(f, "<>=!") == "" && i+1 < len(fields) {
			i++
			f += fields[i]
		}
		c, err := parseConstraint(f)
		if err != nil {
			return q, err
		}
		q.Range = append(q.Range, c)
	}
	return q, nil
}

// parseConstraint reads one constraint such as "<1.2" or ">=1.2.0".
func parseConstraint(s string) (Constraint, error) {
	for _, op := range []string{"<=", ">=", "!=", "==", "<", ">", "="} {
		if strings.HasPrefix(s, op) {
			v := strings.TrimSpace(s[len(op):])
			if v == "" || strings.ContainsAny(v, "<>=!") {
				return Constraint{}, invalidf("where used: constraint %q has no version after %s (write %s1.2.3)", s, op, op)
			}
			if op == "==" {
				op = "="
			}
			return Constraint{Op: op, Version: v}, nil
		}
	}
	return Constraint{}, invalidf("where used: constraint %q does not start with <, <=, >, >=, = or !=", s)
}

func validName(n string) error {
	if n == "" || strings.ContainsAny(n, " \t\r\n") {
		return invalidf("where used: %q is not a package name", n)
	}
	return nil
}
