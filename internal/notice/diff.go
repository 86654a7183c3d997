package notice

import (
	"bytes"
	"sort"
	"strings"
)

// Summary says how a committed notice differs from a fresh one, by
// component (name@version).
type Summary struct {
	Added, Removed, Changed []string
	// Other is set when the documents differ outside any component (the
	// title, the introduction, the layout).
	Other bool
}

// Same reports whether the documents are identical.
func (s Summary) Same() bool {
	return len(s.Added) == 0 && len(s.Removed) == 0 && len(s.Changed) == 0 && !s.Other
}

// Diff compares a committed notice with a fresh one written in format f.
// Each component's part of a document is what is written under it, with
// the heading and text of every group it appears in: a component whose
// license text changed moves to another group and counts as changed.
func Diff(old, fresh []byte, f Format) Summary {
	if bytes.Equal(old, fresh) {
		return Summary{}
	}
	a, b := components(old, f), components(fresh, f)
	var s Summary
	for ref, part := range b {
		switch have, ok := a[ref]; {
		case !ok:
			s.Added = append(s.Added, ref)
		case have != part:
			s.Changed = append(s.Changed, ref)
		}
	}
	for ref := range a {
		if _, ok := b[ref]; !ok {
			s.Removed = append(s.Removed, ref)
		}
	}
	sort.Strings(s.Added)
	sort.Strings(s.Removed)
	sort.Strings(s.Changed)
	s.Other = len(s.Added)+len(s.Removed)+len(s.Changed) == 0
	return s
}

// components splits a rendered notice into the part of each component.
func components(doc []byte, f Format) map[string]string {
	type group struct {
		text    strings.Builder
		entries []string
	}
	var (
		groups  []*group
		cur     *group
		entry   string
		parts   = map[string]*strings.Builder{}
		inGroup bool // after the group's components: its license text
	)
	target := func() *strings.Builder {
		if cur == nil {
			return nil
		}
		if entry == "" || inGroup {
			return &cur.text
		}
		return parts[entry]
	}
	startGroup := func(title string) {
		cur = &group{}
		cur.text.WriteString(title + "\n")
		groups = append(groups, cur)
		entry, inGroup = "", false
	}
	startEntry := func(ref string) {
		entry, inGroup = ref, false
		if parts[ref] == nil {
			parts[ref] = &strings.Builder{}
		}
		cur.entries = append(cur.entries, ref)
	}
	lines := strings.Split(strings.ReplaceAll(string(doc), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch f {
		case Markdown:
			if fence := leadingBackticks(line); fence >= 3 {
				// A verbatim block: copied whole, never read for headings.
				w := target()
				for i++; i < len(lines); i++ {
					if t := strings.TrimSpace(lines[i]); leadingBackticks(t) >= fence && len(strings.Trim(t, "`")) == 0 {
						break
					}
					if w != nil {
						w.WriteString(lines[i] + "\n")
					}
				}
				continue
			}
			switch {
			case strings.HasPrefix(line, mdGroup):
				startGroup(strings.TrimPrefix(line, mdGroup))
				continue
			case strings.HasPrefix(line, mdComponent) && cur != nil:
				startEntry(strings.Trim(strings.TrimPrefix(line, mdComponent), "` "))
				continue
			case strings.HasPrefix(line, mdDetails):
				inGroup = true
			}
		default:
			if strings.HasPrefix(line, textBegin) {
				w := target()
				if strings.HasPrefix(line, textBegin+textLicenseText) {
					inGroup = true
					w = target()
				}
				for i++; i < len(lines) && !strings.HasPrefix(lines[i], textEnd); i++ {
					if w != nil {
						w.WriteString(lines[i] + "\n")
					}
				}
				continue
			}
			switch {
			case line == textRule && i+2 < len(lines) && lines[i+2] == textRule:
				startGroup(lines[i+1])
				i += 2
				continue
			case strings.HasPrefix(line, textComponent) && cur != nil:
				startEntry(strings.TrimSpace(strings.TrimPrefix(line, textComponent)))
				continue
			}
		}
		if w := target(); w != nil {
			w.WriteString(line + "\n")
		}
	}
	out := map[string]string{}
	for _, g := range groups {
		for _, ref := range g.entries {
			out[ref] += g.text.String()
		}
	}
	for ref, p := range parts {
		out[ref] += p.String()
	}
	return out
}

func leadingBackticks(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}
