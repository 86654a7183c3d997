package deb

import (
	"bytes"
	"sort"
	"strings"
)

// Debian records the license of a package in usr/share/doc/<package>/
// copyright. Files in the machine-readable format (DEP-5, "Format:" in the
// first paragraph) name the license of each group of files with a short
// name; older files are free text that only the license identifier can
// read.
//
// The short names of one Files paragraph keep their structure ("GPL-1+ or
// Artistic" stays a choice), and the paragraphs are joined with AND: every
// group of files brings its own license. Paragraphs that only cover the
// packaging (Files: debian/*) are left out when others exist, because the
// packaging scripts are not part of what the binary package ships; their
// license would otherwise add a copyleft term to most permissive packages.

// copyrightInfo is what a copyright file says of the license.
type copyrightInfo struct {
	// DEP5 is set for a machine-readable file.
	DEP5 bool
	// Expression is the SPDX expression of its Files paragraphs, "" when
	// the file is not machine-readable or names no license.
	Expression string
}

// maxCopyright bounds a copyright file read. The largest in Debian (the
// Boost libraries) are about 2 MB.
const maxCopyright = 16 << 20

// parseCopyright reads a copyright file.
func parseCopyright(data []byte) copyrightInfo {
	pr := newParagraphReader(bytes.NewReader(data), int64(len(data))+1)
	var info copyrightInfo
	var files, packaging []*lexpr
	var header *lexpr
	first := true
	for {
		p, err := pr.next()
		if err != nil {
			break // io.EOF, or the end of what could be read
		}
		if len(p.fields) == 0 {
			continue
		}
		if first {
			first = false
			if _, ok := p.get("Format"); !ok {
				return copyrightInfo{}
			}
			info.DEP5 = true
			header = parseLicenseLine(p.firstLine("License"))
			continue
		}
		pattern, isFiles := p.get("Files")
		if !isFiles {
			continue // a stand-alone License paragraph: the text of a name used above
		}
		e := parseLicenseLine(p.firstLine("License"))
		if e == nil {
			continue
		}
		if onlyPackaging(pattern) {
			packaging = append(packaging, e)
		} else {
			files = append(files, e)
		}
	}
	if !info.DEP5 {
		return info
	}
	switch {
	case len(files) > 0:
	case len(packaging) > 0:
		files = packaging
	case header != nil:
		files = []*lexpr{header}
	}
	if all := andAll(files); all != nil {
		info.Expression = all.String()
	}
	return info
}

// andAll joins exprs with AND like combine, in one pass: the Boost
// libraries' files have thousands of paragraphs.
func andAll(exprs []*lexpr) *lexpr {
	out := &lexpr{op: "AND"}
	seen := map[string]bool{}
	for _, e := range exprs {
		parts := []*lexpr{e}
		if e.op == "AND" {
			parts = e.kids
		}
		for _, k := range parts {
			if key := k.key(); !seen[key] {
				seen[key] = true
				out.kids = append(out.kids, k)
			}
		}
	}
	switch len(out.kids) {
	case 0:
		return nil
	case 1:
		return out.kids[0]
	}
	return out
}

// onlyPackaging reports whether every pattern of a Files field is below
// debian/.
func onlyPackaging(pattern string) bool {
	pats := strings.Fields(pattern)
	if len(pats) == 0 {
		return false
	}
	for _, p := range pats {
		p = strings.TrimPrefix(p, "./")
		if p != "debian" && !strings.HasPrefix(p, "debian/") {
			return false
		}
	}
	return true
}

// lexpr is a license expression: a leaf (an SPDX id, "id WITH exception"
// or a LicenseRef) or an AND or OR of expressions.
type lexpr struct {
	op   string // "AND", "OR"; "" for a leaf
	leaf string
	kids []*lexpr
}

func leaf(s string) *lexpr { return &lexpr{leaf: s} }

// combine joins a and b with op, flattening nested terms of the same
// operator and dropping repeated terms (in any order: "A or B" repeats "B
// or A"); a nil side is the other side.
func combine(op string, a, b *lexpr) *lexpr {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := &lexpr{op: op}
	seen := map[string]bool{}
	add := func(e *lexpr) {
		parts := []*lexpr{e}
		if e.op == op {
			parts = e.kids
		}
		for _, k := range parts {
			if key := k.key(); !seen[key] {
				seen[key] = true
				out.kids = append(out.kids, k)
			}
		}
	}
	add(a)
	add(b)
	if len(out.kids) == 1 {
		return out.kids[0]
	}
	return out
}

// key is the same for expressions that differ only in the order of their
// terms.
func (e *lexpr) key() string {
	if e.op == "" {
		return e.leaf
	}
	keys := make([]string, len(e.kids))
	for i, k := range e.kids {
		keys[i] = k.key()
	}
	sort.Strings(keys)
	return e.op + "(" + strings.Join(keys, ",") + ")"
}

// String renders the expression in SPDX syntax, with parentheses around
// every compound term whose operator differs from its parent's.
func (e *lexpr) String() string {
	if e.op == "" {
		return e.leaf
	}
	parts := make([]string, len(e.kids))
	for i, k := range e.kids {
		s := k.String()
		if k.op != "" && k.op != e.op {
			s = "(" + s + ")"
		}
		parts[i] = s
	}
	return strings.Join(parts, " "+e.op+" ")
}

// parseLicenseLine reads the first line of a License field: short names
// joined by "or" (also "|") and "and" (also "&"), "and" binding tighter,
// parentheses grouping, and a comma closing what precedes it ("A or B, and
// C" is "(A or B) and C"; a bare comma list means every name applies). A
// line that is prose rather than names (a license text pasted into the
// first line) reads as one LicenseRef, so that it is not lost.
func parseLicenseLine(s string) *lexpr {
	p := &licenseParser{toks: tokenizeLicense(s), ok: true}
	if len(p.toks) == 0 {
		return nil
	}
	acc := p.or(0)
	for p.i < len(p.toks) {
		if p.toks[p.i] != "," {
			p.ok = false // an unmatched ")"
			p.i++
			continue
		}
		p.i++
		op := "AND"
		switch {
		case p.at("and", "&"):
			p.i++
		case p.at("or", "|"):
			op = "OR"
			p.i++
		}
		acc = combine(op, acc, p.or(0))
	}
	if !p.ok {
		return leaf(unnamedRef)
	}
	return acc
}

// unnamedRef stands for a license given as text instead of a short name.
const unnamedRef = "LicenseRef-deb-unnamed"

// maxNesting bounds the parentheses of one License line.
const maxNesting = 16

// licenseParser is a recursive-descent reader of License lines.
type licenseParser struct {
	toks []string
	i    int
	ok   bool // false once something that is not a short name was read
}

// tokenizeLicense splits a License line into words and the punctuation
// that joins them.
func tokenizeLicense(s string) []string {
	for _, c := range []string{"(", ")", ",", "|", "&"} {
		s = strings.ReplaceAll(s, c, " "+c+" ")
	}
	return strings.Fields(s)
}

// at reports whether the next token is one of the operators ops, in any
// case.
func (p *licenseParser) at(ops ...string) bool {
	if p.i >= len(p.toks) {
		return false
	}
	for _, op := range ops {
		if strings.EqualFold(p.toks[p.i], op) {
			return true
		}
	}
	return false
}

func (p *licenseParser) or(depth int) *lexpr {
	e := p.and(depth)
	for p.at("or", "|") {
		p.i++
		e = combine("OR", e, p.and(depth))
	}
	return e
}

func (p *licenseParser) and(depth int) *lexpr {
	e := p.primary(depth)
	for p.at("and", "&") {
		p.i++
		e = combine("AND", e, p.primary(depth))
	}
	return e
}

func (p *licenseParser) primary(depth int) *lexpr {
	if p.at("(") {
		p.i++
		if depth >= maxNesting {
			p.ok = false
			p.i = len(p.toks)
			return nil
		}
		e := p.or(depth + 1)
		if p.at(")") {
			p.i++
		} else {
			p.ok = false
		}
		return e
	}
	var words []string
	for p.i < len(p.toks) && !p.at("(", ")", ",", "|", "&", "or", "and") {
		words = append(words, p.toks[p.i])
		p.i++
	}
	if len(words) == 0 {
		return nil
	}
	e, ok := termExpr(words)
	p.ok = p.ok && ok
	return e
}

// termExpr reads one license term: a short name, optionally followed by
// "with <name> exception".
func termExpr(words []string) (*lexpr, bool) {
	if len(words) == 1 {
		// "GPL-3+-with-Bison-exception" written as one word.
		low := strings.ToLower(words[0])
		if i := strings.Index(low, "-with-"); i > 0 {
			words = []string{words[0][:i], "with", words[0][i+len("-with-"):]}
		}
	}
	base, exc := words, []string(nil)
	for i, w := range words {
		if i > 0 && strings.EqualFold(w, "with") {
			base, exc = words[:i], words[i+1:]
			break
		}
	}
	if n := len(exc); n > 0 && (strings.EqualFold(exc[n-1], "exception") || strings.EqualFold(exc[n-1], "exceptions")) {
		exc = exc[:n-1]
	}
	if len(exc) == 1 {
		low := strings.ToLower(exc[0])
		if t, ok := strings.CutSuffix(low, "-exception"); ok {
			exc = []string{exc[0][:len(t)]}
		}
	}
	if !isShortName(base, 2) || exc != nil && !isShortName(exc, 3) {
		return nil, false
	}
	name := strings.Join(base, " ")
	e := mapShortName(name)
	if exc == nil {
		return e, true
	}
	excName := strings.Join(exc, " ")
	if e.op == "" && !strings.HasPrefix(e.leaf, "LicenseRef-") && !strings.Contains(e.leaf, " WITH ") {
		if id, ok := mapException(excName, e.leaf); ok {
			return leaf(e.leaf + " WITH " + id), true
		}
	}
	return leaf(licenseRef(name + " with " + excName + " exception")), true
}

// isShortName reports whether words look like a license short name rather
// than prose: a few words of the characters names are made of.
func isShortName(words []string, maxWords int) bool {
	if len(words) == 0 || len(words) > maxWords {
		return false
	}
	n := 0
	for _, w := range words {
		n += len(w)
		for i := 0; i < len(w); i++ {
			c := w[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".+-_/'", c) >= 0) {
				return false
			}
		}
	}
	return n <= 64
}
