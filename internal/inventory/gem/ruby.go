package gem

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file reads the few Ruby literals that gemspecs and Gemfiles write
// as values: strings in their common spellings and arrays of them. It
// never evaluates anything; a value that is not a literal is not read.

// rubyString reads a string literal at the start of s (after blanks):
// "…" with escapes, '…', or %q/%Q with a delimiter. A trailing .freeze is
// consumed. rest is what follows.
func rubyString(s string) (val, rest string, ok bool) {
	s = strings.TrimLeft(s, " \t")
	if s == "" {
		return "", s, false
	}
	switch {
	case s[0] == '"':
		val, rest, ok = doubleQuoted(s[1:])
	case s[0] == '\'':
		val, rest, ok = singleQuoted(s[1:])
	case len(s) > 2 && s[0] == '%' && (s[1] == 'q' || s[1] == 'Q'):
		val, rest, ok = percentQuoted(s[2:])
	default:
		return "", s, false
	}
	if !ok {
		return "", s, false
	}
	rest = strings.TrimPrefix(rest, ".freeze")
	return val, rest, true
}

// doubleQuoted reads up to the closing quote, decoding the escapes that
// RubyGems writes (\uXXXX, \u{…}, \n, \", \\, \#, octal and hex bytes).
// Interpolation cannot be evaluated: a string with #{…} is refused.
func doubleQuoted(s string) (string, string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), s[i+1:], true
		case '#':
			if i+1 < len(s) && s[i+1] == '{' {
				return "", s, false
			}
			b.WriteByte(c)
		case '\\':
			if i+1 >= len(s) {
				return "", s, false
			}
			i++
			switch e := s[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'e':
				b.WriteByte(0x1b)
			case 's':
				b.WriteByte(' ')
			case '0':
				b.WriteByte(0)
			case 'u':
				r, n := unicodeEscape(s[i+1:])
				if n == 0 {
					return "", s, false
				}
				b.WriteRune(r)
				i += n
			case 'x':
				j := i + 1
				for j < len(s) && j < i+3 && isHex(s[j]) {
					j++
				}
				if j == i+1 {
					return "", s, false
				}
				v, _ := strconv.ParseUint(s[i+1:j], 16, 8)
				b.WriteByte(byte(v))
				i = j - 1
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}

// unicodeEscape decodes what follows \u: four hex digits or {hex}. n is
// how many bytes it used, 0 when malformed.
func unicodeEscape(s string) (rune, int) {
	if strings.HasPrefix(s, "{") {
		end := strings.IndexByte(s, '}')
		if end < 2 || end > 7 {
			return 0, 0
		}
		v, err := strconv.ParseUint(s[1:end], 16, 32)
		if err != nil || !utf8.ValidRune(rune(v)) {
			return 0, 0
		}
		return rune(v), end + 1
	}
	if len(s) < 4 {
		return 0, 0
	}
	v, err := strconv.ParseUint(s[:4], 16, 32)
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, 0
	}
	return rune(v), 4
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// singleQuoted reads up to the closing quote; only \' and \\ are escapes.
func singleQuoted(s string) (string, string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			return b.String(), s[i+1:], true
		case c == '\\' && i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '\\'):
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}

// closing gives the closing delimiter of a bracketed %-literal.
var closing = map[byte]byte{'<': '>', '(': ')', '[': ']', '{': '}'}

// percentQuoted reads %q<…> and its kin: s starts at the delimiter.
func percentQuoted(s string) (string, string, bool) {
	if s == "" {
		return "", s, false
	}
	open := s[0]
	end, ok := closing[open]
	if !ok {
		if open == ' ' || open >= 0x80 || isWordByte(open) {
			return "", s, false
		}
		end = open
	}
	i := strings.IndexByte(s[1:], end)
	if i < 0 {
		return "", s, false
	}
	return s[1 : 1+i], s[2+i:], true
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// rubyStrings reads a value that is one string literal, an array of
// string literals, or %w[…]. Elements that are not literals are skipped.
func rubyStrings(s string) []string {
	s = strings.TrimSpace(s)
	if v, _, ok := rubyString(s); ok {
		return []string{v}
	}
	if strings.HasPrefix(s, "%w") || strings.HasPrefix(s, "%W") {
		if v, _, ok := percentQuoted(s[2:]); ok {
			return strings.Fields(v)
		}
		return nil
	}
	if !strings.HasPrefix(s, "[") {
		return nil
	}
	s = s[1:]
	var out []string
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" || s[0] == ']' {
			return out
		}
		v, rest, ok := rubyString(s)
		if !ok {
			// Not a literal: skip to the next element.
			i := strings.IndexAny(s, ",]")
			if i < 0 {
				return out
			}
			s = s[i:]
			if s[0] == ']' {
				return out
			}
			continue
		}
		out = append(out, v)
		s = rest
	}
}

// stripComment removes a # comment that is outside string literals.
func stripComment(line string) string {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return line[:i]
		}
	}
	return line
}
