package gem

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// gemspec is what a gem specification states about the gem.
type gemspec struct {
	Name, Version, Platform string
	Licenses                []string
	Authors                 []string
	Homepage                string
	// SourceCodeURI is metadata["source_code_uri"].
	SourceCodeURI string
	// Runtime and Development name the gem's dependencies.
	Runtime, Development []string
}

// errNotGemspec is returned for a file with no gem specification in it.
var errNotGemspec = errors.New("no Gem::Specification found")

// parseGemspec reads a gemspec with a line scanner, never evaluating it.
// RubyGems writes installed specifications as Ruby code in one fixed
// shape (s.name = "rack".freeze, s.licenses = ["MIT".freeze],
// s.add_runtime_dependency(%q<x>.freeze, [...])); hand-written gemspecs
// (a git checkout's) mostly use the same assignments with literals, and
// whatever is not a literal (a VERSION constant, File.read) is left out.
//
// The generated shape lists dependencies twice, under
// `if s.respond_to? :add_runtime_dependency` and again with
// add_dependency under `else`; the first kind seen for a name wins.
func parseGemspec(r io.Reader) (*gemspec, error) {
	gs := &gemspec{}
	seen := map[string]bool{}
	found := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineLength)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.Contains(line, "Gem::Specification.new") {
			found = true
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		rest, ok := receiver(line)
		if !ok {
			continue
		}
		method, args := splitCall(rest)
		switch method {
		case "add_runtime_dependency", "add_dependency", "add_development_dependency":
			name, _, ok := rubyString(strings.TrimPrefix(strings.TrimSpace(args), "("))
			if !ok || !validName(name) || seen[name] {
				continue
			}
			seen[name] = true
			if method == "add_development_dependency" {
				gs.Development = append(gs.Development, name)
			} else {
				gs.Runtime = append(gs.Runtime, name)
			}
			continue
		case "metadata":
			gs.readMetadata(args)
			continue
		}
		attr, value, ok := assignment(rest)
		if !ok {
			continue
		}
		switch attr {
		case "name":
			gs.Name = firstString(value)
		case "version":
			gs.Version = firstString(value)
		case "platform":
			gs.Platform = firstString(value)
		case "license", "licenses":
			gs.Licenses = appendUnique(gs.Licenses, nonEmpty(rubyStrings(value))...)
		case "author", "authors":
			gs.Authors = appendUnique(gs.Authors, nonEmpty(rubyStrings(value))...)
		case "homepage":
			gs.Homepage = firstString(value)
		case "metadata":
			gs.readMetadata(value)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if !found {
		return nil, errNotGemspec
	}
	return gs, nil
}

// receiver drops the receiver of "s.name = …", returning "name = …".
// The receiver is a plain identifier, as in every gemspec (s, spec,
// gem, …).
func receiver(line string) (rest string, ok bool) {
	i := 0
	for i < len(line) && isWordByte(line[i]) {
		i++
	}
	if i == 0 || i >= len(line) || line[i] != '.' {
		return "", false
	}
	return line[i+1:], true
}

// splitCall splits "add_dependency(…)" or "metadata[\"k\"] = …" into the
// method name and what follows it.
func splitCall(rest string) (method, args string) {
	i := 0
	for i < len(rest) && isWordByte(rest[i]) {
		i++
	}
	return rest[:i], rest[i:]
}

// assignment reads "attr = value" where value may end with a
// `if s.respond_to? …` modifier, which is dropped.
func assignment(rest string) (attr, value string, ok bool) {
	attr, value, ok = strings.Cut(rest, "=")
	if !ok {
		return "", "", false
	}
	attr = strings.TrimSpace(attr)
	if attr == "" || strings.ContainsAny(attr, " [(") || strings.HasPrefix(value, "=") || strings.HasPrefix(value, "~") {
		return "", "", false
	}
	return attr, strings.TrimSpace(value), true
}

func firstString(value string) string {
	if v, _, ok := rubyString(value); ok {
		return strings.TrimSpace(v)
	}
	return ""
}

// readMetadata picks source_code_uri out of `= { "k" => "v", … }` or
// `["source_code_uri"] = "v"`.
func (gs *gemspec) readMetadata(s string) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		key, rest, ok := rubyString(s[1:])
		if !ok || key != "source_code_uri" {
			return
		}
		rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "]"))
		if !strings.HasPrefix(rest, "=") {
			return
		}
		gs.SourceCodeURI = firstString(rest[1:])
		return
	}
	for {
		i := strings.IndexAny(s, "\"'")
		if i < 0 {
			return
		}
		key, rest, ok := rubyString(s[i:])
		if !ok {
			return
		}
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, "=>") {
			s = rest
			continue
		}
		val, after, ok := rubyString(rest[2:])
		if !ok {
			return
		}
		if key == "source_code_uri" {
			gs.SourceCodeURI = strings.TrimSpace(val)
			return
		}
		s = after
	}
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func appendUnique(list []string, vs ...string) []string {
	for _, v := range vs {
		dup := false
		for _, x := range list {
			if x == v {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, v)
		}
	}
	return list
}
