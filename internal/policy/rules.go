package policy

import (
	"fmt"
	"strings"

	"ospo/internal/license/knowledge"
)

// entry is one item of a license list: a license term or a category.
type entry struct {
	text     string
	category knowledge.Category // set for "category:NAME"
	term     term
}

func (e entry) key() string {
	if e.category != "" {
		return "CATEGORY:" + string(e.category)
	}
	return e.term.key()
}

// parseEntry reads one list item: "category:NAME", or one license id
// (SPDX or LicenseRef), optionally or-later, optionally WITH an exception.
func parseEntry(s string) (entry, error) {
	s = strings.TrimSpace(s)
	if rest, ok := cutPrefixFold(s, "category:"); ok {
		c := knowledge.Category(strings.TrimSpace(rest))
		if !c.Valid() {
			return entry{}, fmt.Errorf("%q is not a category (want %s)", rest, categoryNames())
		}
		return entry{text: s, category: c}, nil
	}
	e, err := parseExpr(s)
	if err != nil {
		if t := tokenize(s); len(t) == 3 && isOperator(t[1]) {
			return entry{}, fmt.Errorf("%q is an expression; list one license per entry", s)
		}
		return entry{}, fmt.Errorf("%q is not an SPDX license id", s)
	}
	if e.op != opLeaf {
		return entry{}, fmt.Errorf("%q is an expression; list one license per entry", s)
	}
	if !e.term.known && !isRef(e.term.id) {
		return entry{}, fmt.Errorf("%q is not an SPDX license id", e.term.id)
	}
	return entry{text: s, term: e.term}, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if hasPrefixFold(s, prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// rule is one compiled list entry.
type rule struct {
	verdict Verdict
	source  string // "licenses.deny", "--fail-on", ...
	text    string // the entry as written
	// exact is false when the rule reaches this version only through
	// -or-later; an exact entry for the same license wins over it.
	exact bool
}

// name is how the rule is cited in a decision.
func (r rule) name() string { return r.source + ": " + r.text }

// ruleSet is a compiled set of lists: concrete license keys and
// categories to rules.
type ruleSet struct {
	byKey map[string]rule
	cats  map[knowledge.Category]rule
}

func newRuleSet() *ruleSet {
	return &ruleSet{byKey: map[string]rule{}, cats: map[knowledge.Category]rule{}}
}

// add compiles the entries of one list. Entries that do not parse are
// skipped: Load reports them, and a hand-built policy must not stop the
// evaluation.
func (rs *ruleSet) add(entries []string, v Verdict, source string) {
	for _, s := range entries {
		e, err := parseEntry(s)
		if err != nil {
			// Under --allow-only and --fail-on a non-SPDX name still
			// matches itself literally.
			if strings.TrimSpace(s) == "" {
				continue
			}
			t := term{id: strings.TrimSpace(s)}
			rs.put(t.key(), rule{verdict: v, source: source, text: t.id, exact: true})
			continue
		}
		if e.category != "" {
			rs.cats[e.category] = rule{verdict: v, source: source, text: e.text, exact: true}
			continue
		}
		r := rule{verdict: v, source: source, text: strings.TrimSpace(s), exact: true}
		cands := candidates(e.term)
		if len(cands) == 1 {
			rs.put(cands[0].key(), r)
			continue
		}
		for i, c := range cands {
			r := r
			r.exact = i == 0 && !e.term.orLater
			rs.put(c.key(), r)
		}
	}
}

// put keeps, for one key, the exact rule over an or-later one, and
// between equals the worse verdict.
func (rs *ruleSet) put(k string, r rule) {
	have, ok := rs.byKey[k]
	switch {
	case !ok, r.exact && !have.exact:
		rs.byKey[k] = r
	case r.exact == have.exact && r.verdict.rank() > have.verdict.rank():
		rs.byKey[k] = r
	}
}

// matchID finds the rule for a concrete term by id. A term with an
// exception matches entries with that exception; an allow entry for the
// bare license also covers it, since an exception only adds permissions.
func (rs *ruleSet) matchID(t term) (rule, bool, bool) {
	if r, ok := rs.byKey[t.key()]; ok {
		return r, true, false
	}
	if t.exception != "" {
		if r, ok := rs.byKey[ruleKey(t.id, "")]; ok && r.verdict == Allow {
			return r, true, true
		}
	}
	return rule{}, false, false
}

// candidates lists the concrete licenses a term may be used under: the
// versions from its own on for -or-later, else the term itself.
func candidates(t term) []term {
	if !t.orLater {
		return []term{t}
	}
	info, ok := knowledge.Lookup(t.id)
	if !ok || len(info.OrLater) == 0 {
		// No known later versions: the license itself is the only one.
		c := t
		c.orLater = false
		if base, ok := knowledge.Lookup(strings.TrimSuffix(t.id, "-or-later")); ok {
			c.id = base.ID
		}
		return []term{c}
	}
	out := make([]term, 0, len(info.OrLater))
	for _, v := range info.OrLater {
		out = append(out, term{id: v, exception: t.exception, known: true})
	}
	return out
}
