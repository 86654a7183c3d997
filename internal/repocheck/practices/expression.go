package practices

import "strings"

// exprTokens splits an SPDX expression into ids, operators and
// parentheses.
func exprTokens(expr string) []string {
	expr = strings.NewReplacer("(", " ( ", ")", " ) ").Replace(expr)
	return strings.Fields(expr)
}

func isOperator(tok string) bool {
	switch strings.ToUpper(tok) {
	case "AND", "OR", "WITH", "(", ")":
		return true
	}
	return false
}

// licenseIDs returns the license ids of an SPDX expression (exception
// ids after WITH left out).
func licenseIDs(expr string) []string {
	var ids []string
	toks := exprTokens(expr)
	for i, t := range toks {
		if isOperator(t) || (i > 0 && strings.EqualFold(toks[i-1], "WITH")) {
			continue
		}
		ids = append(ids, t)
	}
	return ids
}

// approvedExpr reports whether an SPDX expression is allowed by the
// allow-list: every license an AND requires must be allowed, one
// alternative of an OR is enough, and an exception (WITH) only adds
// permissions, so the license it qualifies decides. A malformed
// expression is not allowed.
func approvedExpr(expr string, allowed map[string]bool) bool {
	p := &exprParser{toks: exprTokens(expr), allowed: allowed}
	ok := p.or()
	return p.pos == len(p.toks) && !p.bad && ok
}

type exprParser struct {
	toks    []string
	pos     int
	bad     bool
	allowed map[string]bool
	depth   int
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) or() bool {
	ok := p.and()
	for strings.EqualFold(p.peek(), "OR") {
		p.pos++
		right := p.and()
		ok = ok || right
	}
	return ok
}

func (p *exprParser) and() bool {
	ok := p.atom()
	for strings.EqualFold(p.peek(), "AND") {
		p.pos++
		right := p.atom()
		ok = ok && right
	}
	return ok
}

func (p *exprParser) atom() bool {
	tok := p.peek()
	switch {
	case tok == "(":
		p.depth++
		if p.depth > 50 {
			p.bad = true
			return false
		}
		p.pos++
		ok := p.or()
		if p.peek() != ")" {
			p.bad = true
			return false
		}
		p.pos++
		p.depth--
		return ok
	case tok == "" || isOperator(tok):
		p.bad = true
		return false
	}
	p.pos++
	if strings.EqualFold(p.peek(), "WITH") {
		p.pos++
		if exc := p.peek(); exc == "" || isOperator(exc) {
			p.bad = true
			return false
		}
		p.pos++
	}
	return p.allowed[strings.ToUpper(tok)]
}
