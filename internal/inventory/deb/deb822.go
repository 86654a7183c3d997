package deb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Both files this package reads, the dpkg status database and the
// machine-readable copyright file, are deb822 documents: paragraphs of
// "Name: value" fields separated by blank lines, a value continued on the
// lines that start with a space or a tab.

// paragraph is one deb822 paragraph, its fields in file order.
type paragraph struct {
	line   int // line number of its first field
	fields []field
	// problems are lines of the paragraph that are not deb822; the
	// paragraph is kept without them.
	problems []string
}

// field is one field of a paragraph. value holds the first line and then
// each continuation line after a "\n", all trimmed of surrounding space.
type field struct {
	name, value string
}

// get returns the value of the field called name (field names are not case
// sensitive), and whether the paragraph has it.
func (p *paragraph) get(name string) (string, bool) {
	for _, f := range p.fields {
		if strings.EqualFold(f.name, name) {
			return f.value, true
		}
	}
	return "", false
}

// value returns the field's value, "" when absent.
func (p *paragraph) value(name string) string {
	v, _ := p.get(name)
	return v
}

// firstLine returns the first line of the field's value: the short name of
// a License field, the text of a one-line field.
func (p *paragraph) firstLine(name string) string {
	v, _ := p.get(name)
	first, _, _ := strings.Cut(v, "\n")
	return first
}

// joined returns the field's value with its lines joined by spaces: the
// form of a relation field (Depends) folded over several lines.
func (p *paragraph) joined(name string) string {
	v, _ := p.get(name)
	return strings.ReplaceAll(v, "\n", " ")
}

// Bounds of one deb822 document. The longest lines in practice are the
// Provides fields of Rust library packages, tens of kilobytes.
const (
	maxLine   = 4 << 20
	maxFields = 1 << 12
)

// errTooLarge is returned when a document is longer than the limit its
// reader was given.
var errTooLarge = errors.New("file too large")

// paragraphReader reads the paragraphs of a deb822 document one at a time,
// so that a status database of many megabytes is never held whole.
type paragraphReader struct {
	r       *bufio.Reader
	line    int
	limit   int64 // bytes left before the document counts as too large
	pending []byte
}

func newParagraphReader(r io.Reader, limit int64) *paragraphReader {
	return &paragraphReader{r: bufio.NewReaderSize(r, 64<<10), limit: limit}
}

// readLine returns the next line without its line ending (LF or CRLF). A
// line longer than maxLine is returned cut, with long set.
func (pr *paragraphReader) readLine() (line []byte, long bool, err error) {
	pr.pending = pr.pending[:0]
	for {
		chunk, err := pr.r.ReadSlice('\n')
		pr.limit -= int64(len(chunk))
		if pr.limit < 0 {
			return nil, false, errTooLarge
		}
		if len(pr.pending)+len(chunk) <= maxLine {
			pr.pending = append(pr.pending, chunk...)
		} else {
			long = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (err != io.EOF || len(pr.pending) == 0 && !long) {
			return nil, false, err
		}
		pr.line++
		b := bytes.TrimSuffix(pr.pending, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
		return b, long, nil
	}
}

// next returns the next paragraph, or io.EOF after the last one. Lines that
// are not deb822 become problems of their paragraph; only a read error or
// errTooLarge ends the document early.
func (pr *paragraphReader) next() (*paragraph, error) {
	var p *paragraph
	// The value of the last field is gathered here, so that a license
	// text of thousands of lines is not copied once per line.
	var name string
	var value []byte
	open := false
	flush := func() {
		if open {
			p.fields = append(p.fields, field{name: name, value: string(value)})
			open = false
		}
	}
	done := func() bool {
		flush()
		return p != nil && (len(p.fields) > 0 || len(p.problems) > 0)
	}
	for {
		b, long, err := pr.readLine()
		if err == io.EOF {
			if done() {
				return p, nil
			}
			return nil, io.EOF
		}
		if err != nil {
			flush()
			return p, err
		}
		if isBlank(b) {
			if done() {
				return p, nil
			}
			continue
		}
		if p == nil {
			p = &paragraph{line: pr.line}
		}
		if long {
			p.problems = append(p.problems, fmt.Sprintf("line %d is longer than %d bytes", pr.line, maxLine))
			continue
		}
		if b[0] == '#' {
			continue // a comment, as debian/control allows
		}
		if b[0] == ' ' || b[0] == '\t' {
			if !open {
				p.problems = append(p.problems, fmt.Sprintf("line %d continues a field but no field precedes it", pr.line))
				continue
			}
			value = append(value, '\n')
			value = append(value, bytes.TrimSpace(b)...)
			continue
		}
		flush()
		n, v, ok := bytes.Cut(b, []byte(":"))
		if !ok || len(bytes.TrimSpace(n)) == 0 || bytes.ContainsAny(n, " \t") {
			p.problems = append(p.problems, fmt.Sprintf("line %d is not a field (%q)", pr.line, clip(string(b), 40)))
			continue
		}
		if len(p.fields) >= maxFields {
			p.problems = append(p.problems, fmt.Sprintf("more than %d fields; line %d dropped", maxFields, pr.line))
			continue
		}
		if len(p.fields) == 0 {
			p.line = pr.line
		}
		name = string(n)
		value = append(value[:0], bytes.TrimSpace(v)...)
		open = true
	}
}

func isBlank(b []byte) bool {
	return len(bytes.TrimSpace(b)) == 0
}

// clip shortens s for a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
