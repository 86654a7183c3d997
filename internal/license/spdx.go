package license

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// NoAssertion is the SPDX word for "nothing usable was found".
const NoAssertion = "NOASSERTION"

// ProprietaryRef stands for a package its author marks as not licensed for
// reuse (npm's "UNLICENSED"). SPDX has no id for that, so ospo uses one
// documented LicenseRef everywhere.
const ProprietaryRef = "LicenseRef-ospo-proprietary"

// expr is a parsed SPDX license expression. A leaf has id set; an inner
// node has op set to "AND" or "OR".
type expr struct {
	op          string
	left, right *expr
	id          string // canonical license id, LicenseRef-… or DocumentRef-…:LicenseRef-…
	plus        bool   // "+": this version or any later one
	exception   string // canonical exception id after WITH
}

// errUnknownID is wrapped by parse errors about ids not on the SPDX list.
var errUnknownID = errors.New("unknown license id")

// unknownIDError names an id that is not on the SPDX list.
type unknownIDError struct {
	id        string
	exception bool
}

func (e *unknownIDError) Error() string {
	if e.exception {
		return fmt.Sprintf("unknown license exception %q", e.id)
	}
	return fmt.Sprintf("unknown license id %q", e.id)
}

func (e *unknownIDError) Unwrap() error { return errUnknownID }

// parseExpr parses s as an SPDX expression. Ids are matched without regard
// to case and deprecated ids are rewritten to their current form (GPL-2.0 →
// GPL-2.0-only, GPL-2.0+ → GPL-2.0-or-later). Operators may be written in
// any case, as many package authors do. notes collects remarks about such
// rewrites.
func parseExpr(s string, notes *[]string) (*expr, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errors.New("empty expression")
	}
	p := &parser{toks: toks, notes: notes}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q after a complete expression", p.toks[p.pos])
	}
	return e, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, s[i:i+1])
			i++
		case isIDByte(c):
			j := i
			for j < len(s) && isIDByte(s[j]) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q", rune(c))
		}
	}
	return toks, nil
}

func isIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '+' || c == ':'
}

type parser struct {
	toks  []string
	pos   int
	notes *[]string
}

func (p *parser) peekOp(op string) bool {
	return p.pos < len(p.toks) && strings.EqualFold(p.toks[p.pos], op)
}

func (p *parser) or() (*expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peekOp("OR") {
		p.pos++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &expr{op: "OR", left: l, right: r}
	}
	return l, nil
}

func (p *parser) and() (*expr, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.peekOp("AND") {
		p.pos++
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = &expr{op: "AND", left: l, right: r}
	}
	return l, nil
}

func (p *parser) primary() (*expr, error) {
	if p.pos >= len(p.toks) {
		return nil, errors.New("expression ends where a license id is expected")
	}
	t := p.toks[p.pos]
	if t == "(" {
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.toks) || p.toks[p.pos] != ")" {
			return nil, errors.New("missing closing parenthesis")
		}
		p.pos++
		return e, nil
	}
	if t == ")" || isOperator(t) {
		return nil, fmt.Errorf("unexpected %q where a license id is expected", t)
	}
	p.pos++
	leaf, err := canonicalLeaf(t, p.notes)
	if err != nil {
		return nil, err
	}
	if p.peekOp("WITH") {
		p.pos++
		if p.pos >= len(p.toks) || p.toks[p.pos] == "(" || p.toks[p.pos] == ")" || isOperator(p.toks[p.pos]) {
			return nil, errors.New("WITH must be followed by an exception id")
		}
		exc := p.toks[p.pos]
		p.pos++
		ok, canon := spdxlicenses.IsException(exc)
		if !ok {
			return nil, &unknownIDError{id: exc, exception: true}
		}
		if leaf.op != "" || leaf.exception != "" {
			return nil, fmt.Errorf("%q cannot take an exception", t)
		}
		leaf.exception = canon
	}
	return leaf, nil
}

func isOperator(t string) bool {
	return strings.EqualFold(t, "AND") || strings.EqualFold(t, "OR") || strings.EqualFold(t, "WITH")
}

// canonicalLeaf turns one id token into a leaf (or, for deprecated ids that
// carry an exception in their name, a leaf with that exception).
func canonicalLeaf(tok string, notes *[]string) (*expr, error) {
	if ref, ok := canonicalRef(tok); ok {
		return &expr{id: ref}, nil
	}
	if strings.Contains(tok, ":") {
		return nil, &unknownIDError{id: tok}
	}
	id, plus := tok, false
	if strings.HasSuffix(id, "+") {
		id, plus = strings.TrimSuffix(id, "+"), true
	}
	if strings.Contains(id, "+") || id == "" {
		return nil, &unknownIDError{id: tok}
	}
	// A deprecated id whose name already says "+" (GPL-2.0+) is looked up
	// whole first.
	if r, ok := deprecatedReplacement[strings.ToUpper(tok)]; ok {
		addNote(notes, fmt.Sprintf("deprecated id %s read as %s", tok, r.String()))
		c := *r
		return &c, nil
	}
	if ok, canon := spdxlicenses.IsActiveLicense(id); ok {
		leaf := &expr{id: canon, plus: plus}
		return leaf.foldPlus(), nil
	}
	if r, ok := deprecatedReplacement[strings.ToUpper(id)]; ok {
		c := *r
		if plus {
			c.plus = true
			c = *c.foldPlus()
		}
		addNote(notes, fmt.Sprintf("deprecated id %s read as %s", tok, c.String()))
		return &c, nil
	}
	if ok, canon := spdxlicenses.IsDeprecatedLicense(id); ok {
		// Deprecated without a clear successor: still valid SPDX.
		addNote(notes, fmt.Sprintf("%s is a deprecated SPDX id", canon))
		return &expr{id: canon, plus: plus}, nil
	}
	return nil, &unknownIDError{id: tok}
}

// foldPlus rewrites "X-only+" and "X+" for the GNU families, whose current
// ids spell the later-versions choice out.
func (e *expr) foldPlus() *expr {
	if !e.plus {
		return e
	}
	base := strings.TrimSuffix(e.id, "-only")
	base = strings.TrimSuffix(base, "-or-later")
	if ok, canon := spdxlicenses.IsActiveLicense(base + "-or-later"); ok {
		return &expr{id: canon, exception: e.exception}
	}
	return e
}

func addNote(notes *[]string, n string) {
	if notes == nil {
		return
	}
	for _, x := range *notes {
		if x == n {
			return
		}
	}
	*notes = append(*notes, n)
}

// canonicalRef accepts LicenseRef-x and DocumentRef-x:LicenseRef-y with any
// case of the prefixes, returning the canonical spelling.
func canonicalRef(tok string) (string, bool) {
	const lr, dr = "licenseref-", "documentref-"
	low := strings.ToLower(tok)
	if strings.HasPrefix(low, lr) {
		rest := tok[len(lr):]
		if validRefIDString(rest) {
			return "LicenseRef-" + rest, true
		}
		return "", false
	}
	if strings.HasPrefix(low, dr) {
		i := strings.Index(tok, ":")
		if i < 0 {
			return "", false
		}
		doc, ref := tok[len(dr):i], tok[i+1:]
		if !validRefIDString(doc) || !strings.HasPrefix(strings.ToLower(ref), lr) || !validRefIDString(ref[len(lr):]) {
			return "", false
		}
		return "DocumentRef-" + doc + ":LicenseRef-" + ref[len(lr):], true
	}
	return "", false
}

func validRefIDString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// deprecatedReplacement maps deprecated SPDX ids (upper case) to the
// expression that replaces them, following the SPDX list's own notes.
// Deprecated ids without a clear successor (Net-SNMP, wxWindows) stay as
// they are.
var deprecatedReplacement = map[string]*expr{
	"AGPL-1.0":                         {id: "AGPL-1.0-only"},
	"AGPL-3.0":                         {id: "AGPL-3.0-only"},
	"BSD-2-CLAUSE-FREEBSD":             {id: "BSD-2-Clause-Views"},
	"BSD-2-CLAUSE-NETBSD":              {id: "BSD-2-Clause"},
	"BZIP2-1.0.5":                      {id: "bzip2-1.0.6"},
	"ECOS-2.0":                         {id: "GPL-2.0-or-later", exception: "eCos-exception-2.0"},
	"GFDL-1.1":                         {id: "GFDL-1.1-only"},
	"GFDL-1.2":                         {id: "GFDL-1.2-only"},
	"GFDL-1.3":                         {id: "GFDL-1.3-only"},
	"GPL-1.0":                          {id: "GPL-1.0-only"},
	"GPL-1.0+":                         {id: "GPL-1.0-or-later"},
	"GPL-2.0":                          {id: "GPL-2.0-only"},
	"GPL-2.0+":                         {id: "GPL-2.0-or-later"},
	"GPL-2.0-WITH-AUTOCONF-EXCEPTION":  {id: "GPL-2.0-only", exception: "Autoconf-exception-2.0"},
	"GPL-2.0-WITH-BISON-EXCEPTION":     {id: "GPL-2.0-only", exception: "Bison-exception-2.2"},
	"GPL-2.0-WITH-CLASSPATH-EXCEPTION": {id: "GPL-2.0-only", exception: "Classpath-exception-2.0"},
	"GPL-2.0-WITH-FONT-EXCEPTION":      {id: "GPL-2.0-only", exception: "Font-exception-2.0"},
	"GPL-2.0-WITH-GCC-EXCEPTION":       {id: "GPL-2.0-only", exception: "GCC-exception-2.0"},
	"GPL-3.0":                          {id: "GPL-3.0-only"},
	"GPL-3.0+":                         {id: "GPL-3.0-or-later"},
	"GPL-3.0-WITH-AUTOCONF-EXCEPTION":  {id: "GPL-3.0-only", exception: "Autoconf-exception-3.0"},
	"GPL-3.0-WITH-GCC-EXCEPTION":       {id: "GPL-3.0-only", exception: "GCC-exception-3.1"},
	"LGPL-2.0":                         {id: "LGPL-2.0-only"},
	"LGPL-2.0+":                        {id: "LGPL-2.0-or-later"},
	"LGPL-2.1":                         {id: "LGPL-2.1-only"},
	"LGPL-2.1+":                        {id: "LGPL-2.1-or-later"},
	"LGPL-3.0":                         {id: "LGPL-3.0-only"},
	"LGPL-3.0+":                        {id: "LGPL-3.0-or-later"},
	"NUNIT":                            {id: "zlib-acknowledgement"},
	"STANDARDML-NJ":                    {id: "SMLNJ"},
}

// String renders e in canonical form: upper-case operators, parentheses
// around every compound term whose operator differs from its parent's.
func (e *expr) String() string {
	var b strings.Builder
	e.write(&b, "")
	return b.String()
}

func (e *expr) write(b *strings.Builder, parent string) {
	if e.op == "" {
		b.WriteString(e.id)
		if e.plus {
			b.WriteByte('+')
		}
		if e.exception != "" {
			b.WriteString(" WITH ")
			b.WriteString(e.exception)
		}
		return
	}
	// AND binds tighter than OR, but a reader should not need to know.
	paren := parent != "" && parent != e.op
	if paren {
		b.WriteByte('(')
	}
	e.left.write(b, e.op)
	b.WriteByte(' ')
	b.WriteString(e.op)
	b.WriteByte(' ')
	e.right.write(b, e.op)
	if paren {
		b.WriteByte(')')
	}
}

// leaves returns the leaf terms of e as written ("GPL-2.0-only WITH
// Classpath-exception-2.0" is one term).
func (e *expr) leaves() []string {
	if e.op == "" {
		return []string{e.String()}
	}
	return append(e.left.leaves(), e.right.leaves()...)
}

// andOnly reports whether e is a single term or terms joined by AND.
func (e *expr) andOnly() bool {
	if e.op == "" {
		return true
	}
	return e.op == "AND" && e.left.andOnly() && e.right.andOnly()
}

// orOnly reports whether e is terms joined by OR (at least two).
func (e *expr) orOnly() bool {
	var walk func(*expr) bool
	walk = func(x *expr) bool {
		if x.op == "" {
			return true
		}
		return x.op == "OR" && walk(x.left) && walk(x.right)
	}
	return e.op == "OR" && walk(e)
}

// normalizeExpr parses s and returns its canonical form, with notes about
// rewrites.
func normalizeExpr(s string) (string, []string, error) {
	var notes []string
	e, err := parseExpr(s, &notes)
	if err != nil {
		return "", nil, err
	}
	return e.String(), notes, nil
}

// joinExprs combines canonical expressions with op, deduplicating terms
// and parenthesising compound ones.
func joinExprs(op string, parts []string) string {
	seen := map[string]bool{}
	var out []string
	for _, p := range parts {
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	if len(out) == 1 {
		return out[0]
	}
	for i, p := range out {
		if strings.Contains(p, " AND ") || strings.Contains(p, " OR ") {
			out[i] = "(" + p + ")"
		}
	}
	return strings.Join(out, " "+op+" ")
}

// licenseSet returns the sorted distinct leaf terms of a canonical
// expression, or nil when it does not parse.
func licenseSet(s string) []string {
	e, err := parseExpr(s, nil)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, l := range e.leaves() {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}
