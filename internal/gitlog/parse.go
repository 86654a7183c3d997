package gitlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// maxField bounds one field of a record. Subjects and trailer blocks are
// short; a longer one (a commit made to break tools) is cut, not allowed
// to grow memory without bound.
const maxField = 64 << 10

// errTruncated means the output ended inside a record: git stopped early.
var errTruncated = fmt.Errorf("%w: output ends inside a record", ErrMalformed)

// parser reads the records of `git log -z --format=<format>` one at a time.
type parser struct {
	r *bufio.Reader
	n int // records read, for error messages
}

func newParser(r io.Reader) *parser {
	return &parser{r: bufio.NewReaderSize(r, maxField)}
}

// field returns the bytes up to the next NUL as a string. A field longer
// than maxField is cut there and the rest of it skipped. At the end of the
// input it returns what was left and io.EOF.
func (p *parser) field() (string, error) {
	b, err := p.r.ReadSlice(0)
	switch {
	case err == nil:
		return string(b[:len(b)-1]), nil
	case !errors.Is(err, bufio.ErrBufferFull):
		return string(b), err
	}
	kept := string(trimPartialRune(b))
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = p.r.ReadSlice(0)
	}
	return kept, err
}

// next returns the next commit, or io.EOF after the last one.
func (p *parser) next() (Commit, error) {
	var f [fieldsPerRecord]string
	for i := range f {
		s, err := p.field()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if i == 0 && s == "" {
					return Commit{}, io.EOF
				}
				return Commit{}, fmt.Errorf("record %d: %w", p.n+1, errTruncated)
			}
			return Commit{}, err
		}
		f[i] = s
	}
	p.n++
	return parseRecord(p.n, f)
}

// parseRecord checks and converts the fields of record n.
func parseRecord(n int, f [fieldsPerRecord]string) (Commit, error) {
	if !isHash(f[0]) {
		return Commit{}, fmt.Errorf("%w: record %d: %q is not a commit hash", ErrMalformed, n, clip(f[0]))
	}
	at, err := time.Parse(time.RFC3339, f[3])
	if err != nil {
		return Commit{}, fmt.Errorf("%w: record %d (%s): author date %q", ErrMalformed, n, f[0], clip(f[3]))
	}
	ct, err := time.Parse(time.RFC3339, f[6])
	if err != nil {
		return Commit{}, fmt.Errorf("%w: record %d (%s): committer date %q", ErrMalformed, n, f[0], clip(f[6]))
	}
	return Commit{
		Hash:       f[0],
		Author:     Person{Name: f[1], Email: f[2]},
		Time:       at,
		Committer:  Person{Name: f[4], Email: f[5]},
		CommitTime: ct,
		Subject:    f[7],
		Trailers:   parseTrailers(f[8]),
	}, nil
}

// parseTrailers reads the lines git printed for %(trailers:only,unfold):
// one "Key: value" per line. Git has already decided which lines form the
// trailer block, so a "Signed-off-by:" quoted in the body is not here.
func parseTrailers(s string) []Trailer {
	var out []Trailer
	for line := range strings.Lines(s) {
		key, value, ok := strings.Cut(line, ":")
		key = strings.TrimSpace(key)
		if !ok || !isTrailerKey(key) {
			continue
		}
		out = append(out, Trailer{Key: key, Value: strings.TrimSpace(value)})
	}
	return out
}

// isTrailerKey accepts what git accepts as a trailer token: letters,
// digits and dashes.
func isTrailerKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// isHash accepts a full SHA-1 or SHA-256 object name in lower-case hex.
func isHash(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return string(trimPartialRune([]byte(s[:80]))) + "…"
	}
	return s
}

// trimPartialRune drops an incomplete UTF-8 sequence left at the end of b
// by cutting it at a byte count.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}
