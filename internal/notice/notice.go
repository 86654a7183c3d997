// Package notice writes the third-party attribution document a product
// ships: every component grouped under the license text it came with, each
// with its own copyright statements and NOTICE files, and the license
// choice stated where there was one. It only reads what the components
// ship; a license text that was not shipped is named, never made up.
package notice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"

	"ospo/internal/inventory"
	"ospo/internal/license"
	"ospo/internal/policy"
	"ospo/internal/scan"
)

// MaxFileBytes bounds how much of one license or NOTICE file is read.
const MaxFileBytes = 1 << 20

// Options tune the document.
type Options struct {
	// Title heads the document; "" means "Third-party notices".
	Title string
}

// Notice is the attribution document, before rendering.
type Notice struct {
	Title string
	// Groups are sorted by license, then by their first component.
	Groups []Group
	// Undetermined are the components whose license is NOASSERTION.
	Undetermined []Entry
}

// Group is one license text and the components that ship it.
type Group struct {
	// License is the SPDX expression of the text (of the components' chosen
	// license when the text itself was not identified).
	License string
	// Text is the shared text without copyright statements; "" when
	// Standard.
	Text string
	// Standard is set when no component of the group shipped a text: the
	// standard text of License applies and is not reproduced.
	Standard bool
	Entries  []Entry
}

// Entry is one component under one license text.
type Entry struct {
	Ecosystem, Name, Version string
	// License is the concluded expression; Choice the branch used when it
	// offers one (OR), "" otherwise.
	License, Choice string
	Copyrights      []string
	// Notices are the NOTICE files the component ships, verbatim.
	Notices []File
	// Texts are the license files of a component whose license was not
	// determined, verbatim (only in Notice.Undetermined).
	Texts []File
}

// Ref is name@version.
func (e Entry) Ref() string { return e.Name + "@" + e.Version }

// File is a shipped file: its name in the component and its text.
type File struct {
	Name, Text string
}

// shipped is what one component's files say, read once.
type shipped struct {
	texts      []licenseText
	notices    []File
	copyrights []string
	problems   []inventory.Problem
}

type licenseText struct {
	expr, name, raw, body, hash string
}

// Build reads the license and NOTICE files of every component of res and
// groups the components by license text. Files that cannot be read are
// Problems; the document is built from the rest.
func Build(ctx context.Context, res *scan.Result, opts Options) (*Notice, []inventory.Problem, error) {
	decided := map[*inventory.Component]*policy.Decision{}
	if res.Decisions != nil {
		for i := range res.Decisions.Decisions {
			d := &res.Decisions.Decisions[i]
			c := d.Component
			if c == nil && i < len(res.Components) {
				c = res.Components[i]
			}
			decided[c] = d
		}
	}
	comps := append([]*inventory.Component(nil), res.Components...)
	sort.Slice(comps, func(i, j int) bool { return lessComponent(comps[i], comps[j]) })

	files, err := readAll(ctx, comps)
	if err != nil {
		return nil, nil, err
	}

	n := &Notice{Title: opts.Title}
	if n.Title == "" {
		n.Title = "Third-party notices"
	}
	var problems []inventory.Problem
	groups := map[string]*Group{}
	add := func(key string, g Group, e Entry) {
		if have, ok := groups[key]; ok {
			have.Entries = append(have.Entries, e)
			return
		}
		g.Entries = []Entry{e}
		groups[key] = &g
	}
	for i, c := range comps {
		sh := files[i]
		problems = append(problems, sh.problems...)
		e := Entry{Ecosystem: c.Ecosystem, Name: c.Name, Version: c.Version, License: c.License.Expression,
			Copyrights: sh.copyrights, Notices: sh.notices}
		expr := c.License.Expression
		if expr == "" || expr == license.NoAssertion {
			e.License = license.NoAssertion
			for _, t := range sh.texts {
				e.Texts = append(e.Texts, File{Name: t.name, Text: t.raw})
			}
			n.Undetermined = append(n.Undetermined, e)
			continue
		}
		if d := decided[c]; d != nil && d.Choice != "" {
			e.Choice = d.Choice
		} else if branches := orBranches(expr); len(branches) > 1 {
			e.Choice = branches[0]
		}
		used := expr
		texts := sh.texts
		if e.Choice != "" {
			used = e.Choice
			texts = textsFor(sh.texts, e.Choice)
		}
		if len(texts) == 0 {
			add("standard\x00"+used, Group{License: used, Standard: true}, e)
			continue
		}
		added := map[string]bool{}
		for _, t := range texts {
			if added[t.hash] {
				continue // the same text twice (LICENSE and LICENSE.md)
			}
			added[t.hash] = true
			title := t.expr
			if title == "" || title == license.NoAssertion {
				title = used
			}
			add("text\x00"+t.hash, Group{License: title, Text: t.body}, e)
		}
	}
	for _, g := range groups {
		n.Groups = append(n.Groups, *g)
	}
	sort.Slice(n.Groups, func(i, j int) bool {
		a, b := n.Groups[i], n.Groups[j]
		if a.License != b.License {
			return a.License < b.License
		}
		if a.Standard != b.Standard {
			return !a.Standard
		}
		return lessEntry(a.Entries[0], b.Entries[0])
	})
	return n, problems, nil
}

// readAll reads every component's files, several components at a time:
// the work is small reads from many directories.
func readAll(ctx context.Context, comps []*inventory.Component) ([]shipped, error) {
	out := make([]shipped, len(comps))
	rd := &reader{seen: map[string]*parsed{}}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), 8); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = rd.component(comps[i])
			}
		}()
	}
	var err error
	for i := range comps {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out, err
}

// parsed is what one file says.
type parsed struct {
	copyrights []string
	// raw is the file as shown; body and hash are set for a license
	// text (body is "" when the file holds only copyright lines).
	raw, body, hash string
}

// reader reads files once per content: many packages ship the very same
// LICENSE file, and the scan already recorded each file's digest.
type reader struct {
	mu   sync.Mutex
	seen map[string]*parsed // by kind and SHA-256
}

func (rd *reader) file(f inventory.LicenseFile) (*parsed, error) {
	key := ""
	if f.SHA256 != "" {
		key = f.Kind + ":" + f.SHA256
		rd.mu.Lock()
		p := rd.seen[key]
		rd.mu.Unlock()
		if p != nil {
			return p, nil
		}
	}
	text, err := readBounded(f.AbsPath(), f.Path)
	if err != nil && !errors.Is(err, errTruncated) {
		return nil, err
	}
	p := &parsed{}
	switch f.Kind {
	case license.KindReadme:
		// A README's License section rarely holds the text; only its
		// copyright statements count.
		p.copyrights = license.Copyrights(license.ReadmeLicenseSection(text))
	case license.KindNotice:
		p.copyrights = license.Copyrights(text)
		p.raw = verbatim(text)
	default:
		p.copyrights = license.Copyrights(text)
		p.raw = verbatim(text)
		if p.body = licenseBody(text); strings.TrimSpace(p.body) != "" {
			p.hash = textHash(p.body)
		} else {
			p.body = "" // only copyright lines: a notice of ownership, not a text
		}
	}
	if key != "" {
		rd.mu.Lock()
		rd.seen[key] = p
		rd.mu.Unlock()
	}
	return p, err
}

// component reads one component's license, NOTICE and README files.
func (rd *reader) component(c *inventory.Component) shipped {
	var sh shipped
	seen := map[string]bool{}
	for _, f := range c.LicenseFiles {
		p, err := rd.file(f)
		if err != nil {
			sh.problems = append(sh.problems, inventory.Problem{Path: f.Path, Message: err.Error()})
			if p == nil {
				continue
			}
		}
		for _, s := range p.copyrights {
			if !seen[s] {
				seen[s] = true
				sh.copyrights = append(sh.copyrights, s)
			}
		}
		name := baseName(f.Path)
		switch {
		case f.Kind == license.KindNotice:
			sh.notices = append(sh.notices, File{Name: name, Text: p.raw})
		case p.body != "":
			sh.texts = append(sh.texts, licenseText{expr: f.Expression, name: name, raw: p.raw, body: p.body, hash: p.hash})
		}
	}
	return sh
}

var errTruncated = errors.New("truncated")

// readBounded reads at most MaxFileBytes of a regular file; a longer file
// gives its start and an error wrapping errTruncated. Symbolic links are
// not followed: they may lead out of the scanned tree.
// shown names the file in errors.
func readBounded(path, shown string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file", shown)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, err)
	}
	defer f.Close()
	text, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, err)
	}
	if bytes.IndexByte(text, 0) >= 0 {
		return nil, fmt.Errorf("read %s: binary file", shown)
	}
	if len(text) > MaxFileBytes {
		return text[:MaxFileBytes], fmt.Errorf("read %s: larger than %d bytes, only its start is included: %w", shown, MaxFileBytes, errTruncated)
	}
	return text, nil
}

// textsFor keeps the license texts that belong to the chosen branch of an
// OR: those whose identified licenses include one the choice names.
func textsFor(texts []licenseText, choice string) []licenseText {
	want := map[string]bool{}
	for _, id := range licenseIDs(choice) {
		want[id] = true
	}
	var out []licenseText
	for _, t := range texts {
		for _, id := range licenseIDs(t.expr) {
			if want[id] {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// licenseIDs are the license and exception ids of an expression.
func licenseIDs(expr string) []string {
	var ids []string
	for _, f := range strings.FieldsFunc(expr, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
		switch strings.ToUpper(f) {
		case "AND", "OR", "WITH", license.NoAssertion:
		default:
			ids = append(ids, f)
		}
	}
	return ids
}

// orBranches splits expr at its top-level ORs; one branch when there is
// no choice.
func orBranches(expr string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(expr); i++ {
		switch expr[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ' ':
			if depth == 0 && i+4 <= len(expr) && strings.EqualFold(expr[i:min(i+4, len(expr))], " OR ") {
				out = append(out, trimParens(expr[start:i]))
				start = i + 4
				i += 3
			}
		}
	}
	out = append(out, trimParens(expr[start:]))
	if len(out) == 1 && out[0] != strings.TrimSpace(expr) {
		// The whole expression was parenthesised: look inside.
		return orBranches(out[0])
	}
	return out
}

// trimParens drops the parentheses around a whole expression.
func trimParens(s string) string {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		depth := 0
		whole := true
		for i := 0; i < len(s)-1; i++ {
			if s[i] == '(' {
				depth++
			} else if s[i] == ')' {
				depth--
			}
			if depth == 0 {
				whole = false
				break
			}
		}
		if !whole {
			break
		}
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

func baseName(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

func lessComponent(a, b *inventory.Component) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Version != b.Version {
		return a.Version < b.Version
	}
	return a.Ecosystem < b.Ecosystem
}

func lessEntry(a, b Entry) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Version != b.Version {
		return a.Version < b.Version
	}
	return a.Ecosystem < b.Ecosystem
}
