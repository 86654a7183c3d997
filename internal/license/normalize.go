package license

import (
	"fmt"
	"strings"
)

// Declared is a license value from package metadata, normalised.
type Declared struct {
	// Raw is the value as written.
	Raw string `json:"raw"`
	// Expression is the canonical SPDX expression when Valid, "" otherwise.
	// An invalid value never carries a guess here: suggestions go to Note.
	Expression string `json:"expression,omitempty"`
	// Valid is true when Expression is a usable SPDX expression.
	Valid bool `json:"valid"`
	// Note explains a rewrite (deprecated id, license name, URL) or why the
	// value could not be used.
	Note string `json:"note,omitempty"`
	// SeeFile is the file named by "SEE LICENSE IN <file>".
	SeeFile string `json:"seeFile,omitempty"`
	// Proprietary is set for npm's UNLICENSED: the author grants no
	// license. Expression is then ProprietaryRef.
	Proprietary bool `json:"proprietary,omitempty"`
}

// Normalize turns a declared license value (a package.json "license", a
// PKG-INFO "License", a pom <license><name>) into one SPDX expression.
// It accepts SPDX expressions in any case, deprecated ids, common license
// names ("Apache 2.0", "GPLv3", "MIT License"), lists joined by "/" or "or",
// and the URLs of well-known license pages. Names that do not settle one
// license ("BSD", "Public Domain", "GPL" without a version) are not valid:
// their Note says what they could mean, and the license text decides.
func Normalize(raw string) Declared {
	d := Declared{Raw: raw}
	s := strings.TrimSpace(raw)
	s = strings.Trim(s, "\"'`")
	s = strings.TrimSpace(s)
	if s == "" {
		d.Note = "no license declared"
		return d
	}
	if len(s) > maxDeclaredLen {
		// Long values are pasted license texts, unless they are a valid
		// SPDX expression (Debian's copyright files of large packages
		// combine dozens of licenses).
		if len(s) <= maxExpressionLen {
			if norm, _, err := normalizeExpr(s); err == nil {
				d.Expression, d.Valid = norm, true
				return d
			}
		}
		d.Note = fmt.Sprintf("declared value too long (%d bytes) to be a license", len(s))
		return d
	}
	// npm: "UNLICENSED" (and its common misspelling) means all rights
	// reserved. Only the upper-case form is the npm keyword; other spellings
	// are too close to "Unlicense" to decide.
	if s == "UNLICENSED" || s == "UNLICENCED" {
		d.Expression, d.Valid, d.Proprietary = ProprietaryRef, true, true
		d.Note = "UNLICENSED: the author grants no license to use the package"
		return d
	}
	if f, ok := seeLicenseIn(s); ok {
		d.SeeFile = f
		d.Note = "license text is in " + f
		return d
	}
	if strings.HasSuffix(s, "*") && len(s) > 1 {
		d.Note = fmt.Sprintf("%q is another tool's guess from a license text, not a declaration", s)
		if r, ok := resolve(strings.TrimSuffix(s, "*"), 0); ok {
			d.Note += "; it suggests " + r.expr
		}
		return d
	}
	if r, ok := resolve(s, 0); ok {
		d.Expression, d.Valid = r.expr, true
		d.Note = r.note
		return d
	}
	d.Note = explain(s)
	return d
}

// maxDeclaredLen bounds the declared values Normalize works on; longer
// values are license texts pasted into a metadata field.
const maxDeclaredLen = 512

// maxExpressionLen bounds the long values still tried as strict SPDX
// expressions.
const maxExpressionLen = 16 << 10

// NormalizeAll normalises an old-style list of declared licenses (npm's
// "licenses" array, several classifiers). A list is read as a choice, the
// way npm documents it: "MIT" and "Apache-2.0" become "MIT OR Apache-2.0".
// Duplicates are dropped. The result is valid only when every entry is.
func NormalizeAll(raws []string) Declared {
	var kept []string
	for _, r := range raws {
		if strings.TrimSpace(r) != "" {
			kept = append(kept, r)
		}
	}
	switch len(kept) {
	case 0:
		return Declared{Note: "no license declared"}
	case 1:
		return Normalize(kept[0])
	}
	d := Declared{Raw: strings.Join(kept, "; ")}
	var exprs, bad, notes []string
	allProprietary := true
	for _, r := range kept {
		n := Normalize(r)
		if !n.Proprietary {
			allProprietary = false
		}
		if n.SeeFile != "" && d.SeeFile == "" {
			d.SeeFile = n.SeeFile
		}
		if !n.Valid {
			bad = append(bad, fmt.Sprintf("%q (%s)", r, n.Note))
			continue
		}
		exprs = append(exprs, n.Expression)
		if n.Note != "" {
			notes = append(notes, n.Note)
		}
	}
	if len(bad) > 0 {
		d.Note = "not every listed license is usable: " + strings.Join(bad, ", ")
		return d
	}
	d.Expression = joinExprs("OR", exprs)
	d.Valid = true
	d.Proprietary = allProprietary
	notes = append(notes, "a list of licenses is read as a choice (OR)")
	d.Note = strings.Join(dedupe(notes), "; ")
	return d
}

func seeLicenseIn(s string) (string, bool) {
	low := asciiLower(s)
	for _, p := range []string{"see license in ", "see licence in ", "see license file ", "see licence file "} {
		if strings.HasPrefix(low, p) {
			f := strings.TrimSpace(s[len(p):])
			if f != "" {
				return f, true
			}
		}
	}
	return "", false
}

type resolved struct {
	expr string
	note string
}

// resolve turns s into a canonical expression: an SPDX expression, a
// known name, a license URL, or a list of those. depth stops runaway
// splitting.
func resolve(s string, depth int) (resolved, bool) {
	s = strings.TrimSpace(s)
	if s == "" || depth > 3 {
		return resolved{}, false
	}
	if e, notes, err := normalizeExpr(s); err == nil {
		return resolved{expr: e, note: strings.Join(notes, "; ")}, true
	}
	if isURL(s) {
		if id, ok := licenseURL(s); ok {
			return resolved{expr: id, note: "read the license page URL as " + id}, true
		}
		return resolved{}, false
	}
	if r, ok := resolveName(s); ok {
		return r, true
	}
	// Strip one pair of outer parentheses: "(MIT or Apache 2)".
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		if r, ok := resolve(s[1:len(s)-1], depth+1); ok {
			return r, true
		}
	}
	for _, sep := range []struct{ sep, op string }{
		{" or ", "OR"}, {"/", "OR"}, {"|", "OR"}, {" and ", "AND"}, {"&", "AND"},
	} {
		parts := splitFold(s, sep.sep)
		if len(parts) < 2 {
			continue
		}
		var exprs, notes []string
		ok := true
		for _, p := range parts {
			r, good := resolve(p, depth+1)
			if !good {
				ok = false
				break
			}
			exprs = append(exprs, r.expr)
			if r.note != "" {
				notes = append(notes, r.note)
			}
		}
		if ok {
			return resolved{expr: joinExprs(sep.op, exprs), note: strings.Join(dedupe(notes), "; ")}, true
		}
	}
	return resolved{}, false
}

// splitFold splits s at every occurrence of sep, ignoring ASCII case.
// Only ASCII is folded, so byte offsets in s and its folded copy agree.
func splitFold(s, sep string) []string {
	low := asciiLower(s)
	var parts []string
	for {
		i := strings.Index(low, sep)
		if i < 0 {
			break
		}
		parts = append(parts, s[:i])
		s, low = s[i+len(sep):], low[i+len(sep):]
	}
	return append(parts, s)
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// explain says why s could not be read, with what it might mean.
func explain(s string) string {
	if isURL(s) {
		return "a URL that is not a known license page; the license text decides"
	}
	if n, ok := ambiguousNote(s); ok {
		return n
	}
	if strings.Contains(s, ",") || strings.Contains(s, ";") {
		var ids []string
		for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
			if r, ok := resolve(p, 1); ok {
				ids = append(ids, r.expr)
			} else {
				ids = nil
				break
			}
		}
		if len(ids) > 1 {
			return fmt.Sprintf("a comma-separated list does not say whether all apply (AND) or one may be chosen (OR): %s", strings.Join(ids, ", "))
		}
	}
	// Report the first unknown id with a suggestion when the value looks
	// like an expression.
	if _, _, err := normalizeExpr(s); err != nil {
		if sug := suggest(s); sug != "" {
			return fmt.Sprintf("not an SPDX expression or known license name; did you mean %s?", sug)
		}
	}
	return "not an SPDX expression or known license name"
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
