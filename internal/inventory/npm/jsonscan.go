package npm

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// topLevel walks the members of a JSON object, validating the whole
// document as it goes, and calls visit with each member's key (raw, as
// written between the quotes) and value (raw JSON). It exists because
// package.json files carry large fields the extractor never reads (readme,
// scripts, keywords): skipping them in one tight pass costs a fraction of
// decoding the document, and the few values kept are then decoded with
// encoding/json.
func topLevel(data []byte, visit func(key, value []byte)) error {
	s := scanner{data: data}
	s.ws()
	if s.i >= len(s.data) || s.data[s.i] != '{' {
		if s.i < len(s.data) {
			if err := s.value(0); err == nil {
				s.ws()
				if s.i == len(s.data) {
					return errNotObject
				}
			}
		}
		return s.errorf("expected a JSON object")
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
		return s.end()
	}
	for {
		s.ws()
		ks := s.i
		if err := s.str(); err != nil {
			return err
		}
		key := s.data[ks+1 : s.i-1]
		s.ws()
		if s.peek() != ':' {
			return s.errorf("expected ':' after object key")
		}
		s.i++
		s.ws()
		vs := s.i
		if err := s.value(1); err != nil {
			return err
		}
		visit(key, s.data[vs:s.i])
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return s.end()
		default:
			return s.errorf("expected ',' or '}' after object value")
		}
	}
}

// maxDepth matches the nesting limit of encoding/json.
const maxDepth = 10000

type scanner struct {
	data []byte
	i    int
}

// syntaxError reports where a document stops being JSON.
type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.offset, e.msg)
}

var errUnexpectedEnd = errors.New("unexpected end of JSON input")

func (s *scanner) errorf(msg string) error {
	if s.i >= len(s.data) {
		return errUnexpectedEnd
	}
	return &syntaxError{msg: msg, offset: s.i}
}

func (s *scanner) peek() byte {
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) end() error {
	s.ws()
	if s.i != len(s.data) {
		return s.errorf("data after the top-level value")
	}
	return nil
}

func (s *scanner) value(depth int) error {
	if depth > maxDepth {
		return s.errorf("nested too deeply")
	}
	switch c := s.peek(); {
	case c == '"':
		return s.str()
	case c == '{':
		s.i++
		s.ws()
		if s.peek() == '}' {
			s.i++
			return nil
		}
		for {
			s.ws()
			if err := s.str(); err != nil {
				return err
			}
			s.ws()
			if s.peek() != ':' {
				return s.errorf("expected ':' after object key")
			}
			s.i++
			s.ws()
			if err := s.value(depth + 1); err != nil {
				return err
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.i++
			case '}':
				s.i++
				return nil
			default:
				return s.errorf("expected ',' or '}' after object value")
			}
		}
	case c == '[':
		s.i++
		s.ws()
		if s.peek() == ']' {
			s.i++
			return nil
		}
		for {
			s.ws()
			if err := s.value(depth + 1); err != nil {
				return err
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return nil
			default:
				return s.errorf("expected ',' or ']' after array element")
			}
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	}
	return s.errorf("expected a value")
}

func (s *scanner) literal(lit string) error {
	if len(s.data)-s.i < len(lit) || string(s.data[s.i:s.i+len(lit)]) != lit {
		return s.errorf("invalid literal")
	}
	s.i += len(lit)
	return nil
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.data) && '0' <= s.data[s.i] && s.data[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// number follows the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case '1' <= c && c <= '9':
		s.digits()
	default:
		return s.errorf("invalid number")
	}
	if s.peek() == '.' {
		s.i++
		if s.digits() == 0 {
			return s.errorf("invalid number")
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if s.digits() == 0 {
			return s.errorf("invalid number")
		}
	}
	return nil
}

// plainByte marks the bytes a string may hold without a closer look:
// not a quote, not a backslash, not a control character. It is filled
// once and only read.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str scans a string, the quotes included.
func (s *scanner) str() error {
	if s.peek() != '"' {
		return s.errorf("expected a string")
	}
	s.i++
	data := s.data
	for s.i < len(data) {
		// Most of a package.json is plain text: skip it in a tight loop.
		for s.i < len(data) && plainByte[data[s.i]] {
			s.i++
		}
		if s.i >= len(data) {
			break
		}
		switch c := data[s.i]; {
		case c == '"':
			s.i++
			return nil
		case c == '\\':
			s.i++
			switch s.peek() {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				s.i++
				for k := 0; k < 4; k++ {
					if !isHexByte(s.peek()) {
						return s.errorf("invalid \\u escape")
					}
					s.i++
				}
			default:
				return s.errorf("invalid escape")
			}
		default:
			return s.errorf("control character in string")
		}
	}
	return errUnexpectedEnd
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// rawString returns a JSON string value as Go text; ok is false when raw
// is not a string. Strings without escapes, nearly all of them, are
// copied without decoding.
func rawString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	plain := true
	for _, c := range body {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(body), true
	}
	var out string
	if json.Unmarshal(raw, &out) != nil {
		return "", false
	}
	return out, true
}

// keyString returns an object key as scanned by topLevel (without its
// quotes) as Go text.
func keyString(k []byte) (string, bool) {
	for _, c := range k {
		if c == '\\' || c >= utf8.RuneSelf {
			return rawString(append(append([]byte{'"'}, k...), '"'))
		}
	}
	return string(k), true
}

// field returns the raw value of the member name of a JSON object (the
// last one, as encoding/json does), nil when raw is not an object or has
// no such member.
func field(raw []byte, name string) []byte {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var out []byte
	_ = topLevel(raw, func(k, v []byte) {
		if string(k) == name {
			out = v
		}
	})
	return out
}

// elements calls fn with each raw element of a JSON array; nothing
// happens when raw is not an array or not valid.
func elements(raw []byte, fn func(v []byte)) {
	if len(raw) == 0 || raw[0] != '[' {
		return
	}
	s := scanner{data: raw}
	var items [][]byte
	s.i++
	s.ws()
	if s.peek() == ']' {
		return
	}
	for {
		s.ws()
		start := s.i
		if s.value(1) != nil {
			return
		}
		items = append(items, raw[start:s.i])
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			for _, it := range items {
				fn(it)
			}
			return
		default:
			return
		}
	}
}
