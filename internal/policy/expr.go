package policy

import (
	"errors"
	"fmt"
	"strings"

	"ospo/internal/license/knowledge"
)

// The parser below keeps the tree of an SPDX expression, which the
// evaluation needs (AND takes the worst term, OR the best branch, and the
// choice is recorded); go-spdx's spdxexp validates and answers Satisfies
// but does not expose its tree. License ids are made canonical through the
// knowledge table, which is generated from the same SPDX list go-spdx
// carries.

type opKind uint8

const (
	opLeaf opKind = iota
	opAnd
	opOr
)

// expr is a parsed SPDX expression. AND and OR nodes are n-ary: a chain of
// the same operator is one node, which keeps the choice readable.
type expr struct {
	op   opKind
	kids []*expr
	term term // for leaves
}

// term is one license of an expression: an id, optionally "or later", and
// optionally with an exception.
type term struct {
	// id is the canonical SPDX id (GPL-2.0-only, MIT) or the LicenseRef
	// as written. For -or-later ids it is the -or-later id itself.
	id        string
	orLater   bool   // "+" or an -or-later id
	exception string // canonical exception id, "" when none
	known     bool   // id is in the SPDX list (or is ospo's proprietary ref)
}

// String renders the term in canonical SPDX form.
func (t term) String() string {
	s := t.id
	if t.orLater && !strings.HasSuffix(s, "-or-later") {
		s += "+"
	}
	if t.exception != "" {
		s += " WITH " + t.exception
	}
	return s
}

// key identifies the term for rule lookup, without regard to case.
func (t term) key() string {
	return ruleKey(t.id, t.exception)
}

func ruleKey(id, exception string) string {
	if exception == "" {
		return strings.ToUpper(id)
	}
	return strings.ToUpper(id) + " WITH " + strings.ToUpper(exception)
}

// errSyntax is returned for text that is not an SPDX expression.
var errSyntax = errors.New("not an SPDX expression")

// maxExprLen bounds what is parsed; real expressions are a few dozen
// bytes, and the recursion must stay shallow on hostile input.
const maxExprLen = 4096

// parseExpr parses an SPDX license expression. Operators are accepted in
// any case, as package metadata writes "mit or apache-2.0" too. Deprecated
// ids are replaced by what replaces them (GPL-2.0+ → GPL-2.0-or-later,
// GPL-2.0-with-classpath-exception → GPL-2.0-only WITH
// Classpath-exception-2.0).
func parseExpr(s string) (*expr, error) {
	if len(s) > maxExprLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", errSyntax, maxExprLen)
	}
	p := &parser{toks: tokenize(s)}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("%w: empty", errSyntax)
	}
	e, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("%w: unexpected %q", errSyntax, p.toks[p.pos])
	}
	return e, nil
}

func tokenize(s string) []string {
	var toks []string
	start := -1
	flush := func(i int) {
		if start >= 0 {
			toks = append(toks, s[start:i])
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
			flush(i)
		case '(', ')':
			flush(i)
			toks = append(toks, s[i:i+1])
		default:
			if start < 0 {
				start = i
			}
		}
	}
	flush(len(s))
	return toks
}

type parser struct {
	toks []string
	pos  int
}

// maxDepth bounds parentheses nesting.
const maxDepth = 64

func (p *parser) peekOp(op string) bool {
	return p.pos < len(p.toks) && strings.EqualFold(p.toks[p.pos], op)
}

func (p *parser) or(depth int) (*expr, error) {
	first, err := p.and(depth)
	if err != nil || !p.peekOp("OR") {
		return first, err
	}
	kids := appendFlat(nil, first, opOr)
	for p.peekOp("OR") {
		p.pos++
		next, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		kids = appendFlat(kids, next, opOr)
	}
	return &expr{op: opOr, kids: kids}, nil
}

func (p *parser) and(depth int) (*expr, error) {
	first, err := p.atom(depth)
	if err != nil || !p.peekOp("AND") {
		return first, err
	}
	kids := appendFlat(nil, first, opAnd)
	for p.peekOp("AND") {
		p.pos++
		next, err := p.atom(depth)
		if err != nil {
			return nil, err
		}
		kids = appendFlat(kids, next, opAnd)
	}
	return &expr{op: opAnd, kids: kids}, nil
}

// appendFlat adds e to kids, splicing in its children when it is the same
// operator (parenthesised chains of one operator mean the same thing).
func appendFlat(kids []*expr, e *expr, op opKind) []*expr {
	if e.op == op {
		return append(kids, e.kids...)
	}
	return append(kids, e)
}

func (p *parser) atom(depth int) (*expr, error) {
	if p.pos >= len(p.toks) {
		return nil, fmt.Errorf("%w: ends too early", errSyntax)
	}
	tok := p.toks[p.pos]
	if tok == "(" {
		if depth >= maxDepth {
			return nil, fmt.Errorf("%w: nested too deeply", errSyntax)
		}
		p.pos++
		e, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.toks) || p.toks[p.pos] != ")" {
			return nil, fmt.Errorf("%w: missing )", errSyntax)
		}
		p.pos++
		return e, nil
	}
	if tok == ")" || isOperator(tok) {
		return nil, fmt.Errorf("%w: unexpected %q", errSyntax, tok)
	}
	p.pos++
	var exc string
	if p.peekOp("WITH") {
		p.pos++
		if p.pos >= len(p.toks) || p.toks[p.pos] == "(" || p.toks[p.pos] == ")" || isOperator(p.toks[p.pos]) {
			return nil, fmt.Errorf("%w: WITH needs an exception", errSyntax)
		}
		exc = p.toks[p.pos]
		p.pos++
	}
	return leaf(tok, exc)
}

func isOperator(tok string) bool {
	return strings.EqualFold(tok, "AND") || strings.EqualFold(tok, "OR") || strings.EqualFold(tok, "WITH")
}

// leaf makes the node of one license id (with its exception), replacing a
// deprecated id by its replacement.
func leaf(id, exception string) (*expr, error) {
	if !validID(id) {
		return nil, fmt.Errorf("%w: %q is not a license id", errSyntax, id)
	}
	t := term{}
	if exception != "" {
		exc, ok := knowledge.LookupException(exception)
		if !ok {
			// An exception that is not on the SPDX list is kept as
			// written: it cannot lessen anything, and rules match it
			// literally.
			if !validID(exception) {
				return nil, fmt.Errorf("%w: %q is not an exception id", errSyntax, exception)
			}
			t.exception = exception
		} else {
			t.exception = exc.ID
		}
	}
	base, plus := strings.CutSuffix(id, "+")
	if plus && base == "" {
		return nil, fmt.Errorf("%w: lone +", errSyntax)
	}
	info, ok := knowledge.Lookup(id)
	if !ok && plus {
		info, ok = knowledge.Lookup(base)
	}
	if !ok {
		t.id = id
		if plus {
			t.id, t.orLater = base, true
		}
		return &expr{term: t}, nil
	}
	t.known = true
	if info.Deprecated && info.ReplacedBy != "" {
		r, err := parseExpr(info.ReplacedBy)
		if err == nil {
			if r.op == opLeaf {
				if t.exception != "" && r.term.exception == "" {
					r.term.exception = t.exception
				}
				return r, nil
			}
			if t.exception == "" {
				return r, nil
			}
		}
	}
	t.id = info.ID
	switch {
	case strings.HasSuffix(t.id, "-or-later"):
		t.orLater = true
	case plus:
		t.orLater = true
	}
	return &expr{term: t}, nil
}

// validID accepts the characters SPDX allows in ids (letters, digits,
// "-", ".", "+" at the end, and ":" for DocumentRef-x:LicenseRef-y).
func validID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.', c == ':', c == '_':
		case c == '+' && i == len(id)-1:
		default:
			return false
		}
	}
	return true
}

// String renders the expression in canonical SPDX form, with parentheses
// only where they are needed.
func (e *expr) String() string {
	var b strings.Builder
	e.write(&b, opOr)
	return b.String()
}

func (e *expr) write(b *strings.Builder, parent opKind) {
	if e.op == opLeaf {
		b.WriteString(e.term.String())
		return
	}
	// AND binds tighter than OR: an OR inside an AND needs parentheses.
	paren := e.op == opOr && parent == opAnd
	if paren {
		b.WriteByte('(')
	}
	sep := " AND "
	if e.op == opOr {
		sep = " OR "
	}
	for i, k := range e.kids {
		if i > 0 {
			b.WriteString(sep)
		}
		k.write(b, e.op)
	}
	if paren {
		b.WriteByte(')')
	}
}

// leaves lists the terms of the expression in order.
func (e *expr) leaves() []term {
	if e.op == opLeaf {
		return []term{e.term}
	}
	var out []term
	for _, k := range e.kids {
		out = append(out, k.leaves()...)
	}
	return out
}
