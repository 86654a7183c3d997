package policy

import (
	"fmt"
	"strings"
)

// Version ranges of exceptions are written in one small syntax for every
// ecosystem, close to npm's:
//
//	""  or "*"           every version
//	"1.2.3"  "=1.2.3"    exactly that version
//	">=1.0.0 <2.0.0"     every comparator must hold (space or comma separated)
//	"1.x"  "1.2.*"       a prefix
//	"<1.0.0 || >=3"      any alternative
//
// Versions compare by their dot-separated parts, numerically where both
// parts are numbers; a leading "v" is ignored, "+build" metadata too, and a
// pre-release ("-rc.1") sorts before its release, as semantic versioning
// says. That order is right for npm, Go modules, Cargo and most others; a
// range that needs an ecosystem's own quirks is better written as exact
// versions.

type comparator struct {
	op      string // "=", "!=", "<", "<=", ">", ">=", "prefix"
	version string
}

// versionRange is a list of alternatives, each a list of comparators that
// must all hold. A nil range matches everything.
type versionRange [][]comparator

func parseRange(s string) (versionRange, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" {
		return nil, nil
	}
	var out versionRange
	for _, alt := range strings.Split(s, "||") {
		fields := strings.FieldsFunc(alt, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
		if len(fields) == 0 {
			return nil, fmt.Errorf("%q has an empty alternative", s)
		}
		var cs []comparator
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			op := ""
			for _, o := range []string{">=", "<=", "!=", "==", ">", "<", "="} {
				if strings.HasPrefix(f, o) {
					op = o
					break
				}
			}
			v := strings.TrimSpace(f[len(op):])
			if v == "" && op != "" && i+1 < len(fields) {
				// ">= 1.0.0" written with a space.
				i++
				v = fields[i]
			}
			if v == "" {
				return nil, fmt.Errorf("%q: %q has no version", s, f)
			}
			if op == "==" || op == "" {
				op = "="
			}
			if op == "=" && (v == "*" || strings.HasSuffix(v, ".x") || strings.HasSuffix(v, ".*") || strings.HasSuffix(v, ".X")) {
				op = "prefix"
				v = strings.TrimRight(v, "xX*")
				v = strings.TrimSuffix(v, ".")
			}
			if !validVersion(v) && op != "prefix" {
				return nil, fmt.Errorf("%q: %q is not a version", s, v)
			}
			cs = append(cs, comparator{op: op, version: v})
		}
		out = append(out, cs)
	}
	return out, nil
}

func validVersion(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-' || c == '+' || c == '_' || c == '~' || c == '!') {
			return false
		}
	}
	return true
}

// contains reports whether version v is in the range.
func (r versionRange) contains(v string) bool {
	if r == nil {
		return true
	}
	for _, alt := range r {
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

func (c comparator) holds(v string) bool {
	if c.op == "prefix" {
		if c.version == "" {
			return true
		}
		v = strings.TrimPrefix(v, "v")
		p := strings.TrimPrefix(c.version, "v")
		return v == p || strings.HasPrefix(v, p+".") || strings.HasPrefix(v, p+"-")
	}
	n := compareVersions(v, c.version)
	switch c.op {
	case "=":
		return n == 0
	case "!=":
		return n != 0
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	case ">=":
		return n >= 0
	}
	return false
}

// compareVersions orders two versions: -1, 0 or 1.
func compareVersions(a, b string) int {
	a, b = strings.TrimPrefix(a, "v"), strings.TrimPrefix(b, "v")
	a, _, _ = strings.Cut(a, "+")
	b, _, _ = strings.Cut(b, "+")
	am, apre, _ := strings.Cut(a, "-")
	bm, bpre, _ := strings.Cut(b, "-")
	if n := compareParts(strings.Split(am, "."), strings.Split(bm, "."), true); n != 0 {
		return n
	}
	switch {
	case apre == "" && bpre == "":
		return 0
	case apre == "":
		return 1
	case bpre == "":
		return -1
	}
	return compareParts(strings.Split(apre, "."), strings.Split(bpre, "."), false)
}

// compareParts compares dot-separated parts; missing release parts count
// as 0 (1.2 == 1.2.0), missing pre-release parts sort first.
func compareParts(a, b []string, release bool) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		switch {
		case i >= len(a):
			if !release {
				return -1
			}
			x = "0"
		default:
			x = a[i]
		}
		switch {
		case i >= len(b):
			if !release {
				return 1
			}
			y = "0"
		default:
			y = b[i]
		}
		if n := comparePart(x, y); n != 0 {
			return n
		}
	}
	return 0
}

func comparePart(x, y string) int {
	xn, xok := number(x)
	yn, yok := number(y)
	switch {
	case xok && yok:
		switch {
		case len(xn) != len(yn):
			if len(xn) < len(yn) {
				return -1
			}
			return 1
		case xn < yn:
			return -1
		case xn > yn:
			return 1
		}
		return 0
	case xok:
		return -1 // numbers sort before words, as in semver pre-releases
	case yok:
		return 1
	}
	return strings.Compare(x, y)
}

// number returns the digits of s without leading zeros, so that numbers of
// any length compare as strings of equal length.
func number(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	s = strings.TrimLeft(s, "0")
	return s, true
}
