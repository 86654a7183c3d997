package golang

import (
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// parseSummaryFast reads the go and require lines of a plain go.mod
// without building modfile's syntax tree, which is where a scan of a large
// module graph spends most of its parsing time. It accepts only the
// common shape: ASCII tokens without quotes, require lines or blocks, and
// directives a dependency's go.mod may carry but the graph ignores. For
// anything else (quoted strings, retract or ignore directives, odd
// punctuation, a version to canonicalise that modfile would reject) it
// returns ok=false and the caller uses modfile.ParseLax, whose answer it
// must equal whenever it answers: a fuzz test holds it to that.
func parseSummaryFast(data []byte) (s *summary, ok bool) {
	text := string(data)
	s = &summary{}
	var (
		haveGo, haveModule bool
		block              string // the verb of the open block, "" outside
	)
	for len(text) > 0 {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		if !plainLine(line) {
			return nil, false
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if block != "" {
			if f[0] == ")" {
				if len(f) != 1 {
					return nil, false
				}
				block = ""
				continue
			}
			if hasParen(f) {
				return nil, false
			}
			if block == "require" {
				if !addRequire(s, f) {
					return nil, false
				}
			}
			continue
		}
		verb, args := f[0], f[1:]
		if len(f) == 2 && f[1] == "(" {
			if hasParen(f[:1]) {
				return nil, false
			}
			switch verb {
			case "require":
			case "module", "go", "retract", "ignore", "(", ")":
				return nil, false
			}
			block = verb
			continue
		}
		if hasParen(f) {
			return nil, false
		}
		switch verb {
		case "module":
			if haveModule || len(args) != 1 {
				return nil, false
			}
			haveModule = true
		case "go":
			if haveGo || len(args) != 1 || !modfile.GoVersionRE.MatchString(args[0]) {
				return nil, false
			}
			haveGo = true
			s.goVersion = args[0]
		case "require":
			if !addRequire(s, args) {
				return nil, false
			}
		case "retract", "ignore":
			return nil, false
		}
	}
	if block != "" {
		return nil, false
	}
	return s, true
}

// plainLine reports whether a line (comment removed) holds only the
// characters the fast path understands.
func plainLine(line string) bool {
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
		case c < 0x21 || c > 0x7e:
			return false
		case c == '"' || c == '`' || c == '\'' || c == '\\' || c == '[' || c == ']' || c == '{' || c == '}' || c == ',':
			return false
		case c == '/' && i+1 < len(line) && line[i+1] == '*':
			return false
		}
	}
	return true
}

// hasParen reports whether any token holds a parenthesis; the fast path
// leaves such lines to modfile, which splits tokens at them.
func hasParen(f []string) bool {
	for _, t := range f {
		if strings.ContainsAny(t, "()") {
			return true
		}
	}
	return false
}

// addRequire validates a requirement as modfile does and records it.
func addRequire(s *summary, args []string) bool {
	if len(args) != 2 {
		return false
	}
	path, v := args[0], module.CanonicalVersion(args[1])
	if v == "" {
		return false
	}
	_, major, ok := module.SplitPathVersion(path)
	if !ok || module.CheckPathMajor(v, major) != nil {
		return false
	}
	s.require = append(s.require, module.Version{Path: path, Version: v})
	return true
}
