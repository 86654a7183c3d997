package cargo

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// fastLock reads Cargo.lock as Cargo writes it, line by line: a version
// line, [[package]] and [root] tables of plain strings and one-entry-a-line
// dependency arrays, and a [metadata] table of quoted keys. It is many
// times faster than a general TOML decoder on large lockfiles. Anything
// else (a hand edit, CRLF line ends, an escape, a comment after a value,
// a key it does not know) makes it give up with ok false, and the caller
// decodes the file as TOML instead; so it only has to be right about
// what it accepts, which a fuzz test checks against the TOML decoder.
func fastLock(data []byte) (raw rawLock, ok bool) {
	if !utf8.Valid(data) {
		return raw, false
	}
	const (
		stTop = iota
		stPackage
		stRoot
		stMeta
	)
	state := stTop
	var cur rawLockPackage
	keys := map[string]bool{}
	inArray := false
	flush := func() {
		switch state {
		case stPackage:
			raw.Package = append(raw.Package, cur)
		case stRoot:
			r := cur
			raw.Root = &r
		}
		cur = rawLockPackage{}
		clear(keys)
	}
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		if hasControl(line) {
			return raw, false
		}
		if inArray {
			if len(line) == 1 && line[0] == ']' {
				inArray = false
				continue
			}
			item, ok := bytes.CutPrefix(line, []byte(" "))
			if !ok {
				return raw, false
			}
			item, ok = bytes.CutSuffix(item, []byte(","))
			if !ok {
				return raw, false
			}
			s, ok := plainString(item)
			if !ok {
				return raw, false
			}
			cur.Dependencies = append(cur.Dependencies, s)
			continue
		}
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			flush()
			switch string(line) {
			case "[[package]]":
				state = stPackage
			case "[root]":
				if raw.Root != nil {
					return raw, false
				}
				state = stRoot
			case "[metadata]":
				if raw.Metadata != nil {
					return raw, false
				}
				raw.Metadata = map[string]any{}
				state = stMeta
			default:
				return raw, false
			}
			continue
		}
		if state == stMeta {
			k, v, ok := bytes.Cut(line, []byte(`" = "`))
			if !ok || len(k) == 0 || k[0] != '"' {
				return raw, false
			}
			key, ok1 := plainString(append(k[:len(k):len(k)], '"'))
			val, ok2 := plainString(append([]byte{'"'}, v...))
			if !ok1 || !ok2 {
				return raw, false
			}
			if _, dup := raw.Metadata[key]; dup {
				return raw, false
			}
			raw.Metadata[key] = val
			continue
		}
		k, v, ok := bytes.Cut(line, []byte(" = "))
		if !ok {
			return raw, false
		}
		key := string(k)
		if keys[key] {
			return raw, false
		}
		keys[key] = true
		if state == stTop {
			if key != "version" || len(v) == 0 || len(v) > 9 || (v[0] == '0' && len(v) > 1) {
				return raw, false
			}
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || v[0] == '+' || v[0] == '-' {
				return raw, false
			}
			raw.Version = n
			continue
		}
		if key == "dependencies" {
			switch string(v) {
			case "[":
				inArray = true
			case "[]":
			default:
				return raw, false
			}
			if cur.Dependencies == nil {
				cur.Dependencies = []string{}
			}
			continue
		}
		s, ok := plainString(v)
		if !ok {
			return raw, false
		}
		switch key {
		case "name":
			cur.Name = s
		case "version":
			cur.Version = s
		case "source":
			cur.Source = s
		case "checksum":
			cur.Checksum = s
		case "replace":
			// Format 1's [replace] record; the replacement is locked
			// too, and nothing here needs the link.
		default:
			return raw, false
		}
	}
	if inArray {
		return raw, false
	}
	flush()
	return raw, true
}

// plainString reads a TOML basic string without escapes: `"..."` with no
// quote or backslash inside.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	inner := b[1 : len(b)-1]
	if bytes.IndexByte(inner, '"') >= 0 || bytes.IndexByte(inner, '\\') >= 0 {
		return "", false
	}
	return string(inner), true
}

// hasControl reports control characters, tabs and carriage returns
// included: Cargo writes none, and TOML forbids most of them.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}
