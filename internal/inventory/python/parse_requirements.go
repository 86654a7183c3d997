package python

import (
	"bytes"
	"errors"
	"net/url"
	"strings"

	"ospo/internal/inventory"
)

// reqEntry is one requirement line of a requirements file.
type reqEntry struct {
	Name      string // normalised
	Version   string // the pinned version, "" when not pinned
	Specifier string
	Extras    []string
	URL       string // a direct reference or VCS URL
	Hashes    []inventory.Hash
	// Via are pip-compile's annotations of why the entry is there:
	// normalised names of the packages that need it, or "" for the
	// project itself (a -r input file, a pyproject.toml).
	Via  []string
	Line int
}

// reqInclude is a -r (requirements) or -c (constraints) line.
type reqInclude struct {
	Path       string
	Constraint bool
	Line       int
}

// reqFile is what one requirements file says.
type reqFile struct {
	Entries  []*reqEntry
	Includes []reqInclude
	// Skipped are requirements naming no package that could be told (a
	// local path, an archive URL without a name).
	Skipped []string
	// Annotated is set when pip-compile's "# via" comments are present:
	// the entries without one are then the direct dependencies.
	Annotated bool
}

var errBinaryRequirements = errors.New("not a requirements file: binary content")

// parseRequirements reads a pip requirements file: requirement lines
// (pinned or not, with extras, markers, hashes and direct references),
// -r/-c includes, -e editable lines, line continuations, comments, and
// the "# via" annotations pip-compile and uv write.
func parseRequirements(data []byte) (*reqFile, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, errBinaryRequirements
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	rf := &reqFile{}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var last *reqEntry
	inVia := false
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			// A comment line: pip-compile's annotation of the entry above.
			text := strings.TrimPrefix(trimmed, "#")
			t := strings.TrimSpace(text)
			switch {
			case last != nil && (t == "via" || strings.HasPrefix(t, "via ")):
				rf.Annotated = true
				last.addVia(strings.TrimPrefix(t, "via"))
				inVia = t == "via"
			case inVia && last != nil && strings.HasPrefix(text, "  ") && t != "":
				last.addVia(t)
			default:
				inVia = false
			}
			continue
		}
		inVia = false
		// Join continuation lines.
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			next := lines[i]
			if strings.HasPrefix(strings.TrimSpace(next), "#") {
				i--
				break
			}
			line = strings.TrimSuffix(line, "\\") + " " + next
		}
		line = strings.TrimSuffix(line, "\\")
		body, comment := splitComment(line)
		body = strings.TrimSpace(body)
		if body == "" {
			continue
		}
		if strings.HasPrefix(body, "-") {
			last = rf.option(body, lineNo)
			if last != nil && comment != "" {
				last.inlineVia(comment, rf)
			}
			continue
		}
		e, ok := parseReqLine(body)
		if !ok {
			rf.Skipped = append(rf.Skipped, body)
			last = nil
			continue
		}
		e.Line = lineNo
		if comment != "" {
			e.inlineVia(comment, rf)
		}
		rf.Entries = append(rf.Entries, e)
		last = e
	}
	return rf, nil
}

// splitComment separates a line from its comment: "#" at the start or
// after whitespace starts one, so a URL fragment does not.
func splitComment(line string) (body, comment string) {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return line[:i], strings.TrimSpace(line[i+1:])
		}
	}
	return line, ""
}

func (e *reqEntry) inlineVia(comment string, rf *reqFile) {
	if strings.HasPrefix(comment, "via ") {
		rf.Annotated = true
		e.addVia(strings.TrimPrefix(comment, "via "))
	}
}

// addVia records the packages (or the project, as "") a via annotation
// names.
func (e *reqEntry) addVia(s string) {
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
		case strings.HasPrefix(item, "-c") || strings.HasPrefix(item, "--constraint") || strings.HasPrefix(item, "--override"):
			// Constrained, not required, by that file.
		case strings.HasPrefix(item, "-"), strings.Contains(item, "("):
			// "-r requirements.in", "project (pyproject.toml)": the
			// project's own input.
			e.Via = appendUnique(e.Via, "")
		default:
			if n := normalizeName(strings.Fields(item)[0]); n != "" {
				e.Via = appendUnique(e.Via, n)
			}
		}
	}
}

// option reads a line that starts with "-": includes, editables and the
// global options pip accepts (which say nothing about what is installed).
func (rf *reqFile) option(body string, line int) *reqEntry {
	opt, arg := body, ""
	if i := strings.IndexAny(body, " \t="); i >= 0 {
		opt, arg = body[:i], strings.TrimSpace(body[i+1:])
	}
	// The short forms may be glued to their argument: -rfile.txt.
	for _, short := range []string{"-r", "-c", "-e"} {
		if len(opt) > 2 && strings.HasPrefix(opt, short) && !strings.HasPrefix(opt, "--") {
			opt, arg = short, strings.TrimSpace(body[2:])
		}
	}
	switch opt {
	case "-r", "--requirement", "-c", "--constraint":
		if arg != "" {
			rf.Includes = append(rf.Includes, reqInclude{Path: arg, Constraint: opt == "-c" || opt == "--constraint", Line: line})
		}
	case "-e", "--editable":
		e, ok := editableEntry(arg)
		if !ok {
			rf.Skipped = append(rf.Skipped, body)
			return nil
		}
		e.Line = line
		rf.Entries = append(rf.Entries, e)
		return e
	}
	return nil
}

// editableEntry reads an editable requirement. Only one from version
// control names a package of its own; a local directory is the project's
// own code.
func editableEntry(arg string) (*reqEntry, bool) {
	arg = strings.Trim(strings.TrimSpace(arg), `"'`)
	if !strings.Contains(arg, "://") {
		return nil, false
	}
	name := eggName(arg)
	if name == "" {
		return nil, false
	}
	return &reqEntry{Name: name, URL: arg}, true
}

// eggName reads the name from a URL's "#egg=name" fragment.
func eggName(ref string) string {
	_, frag, ok := strings.Cut(ref, "#")
	if !ok {
		return ""
	}
	vals, err := url.ParseQuery(frag)
	if err != nil {
		return ""
	}
	egg := vals.Get("egg")
	if r, ok := parseRequirement(egg); ok {
		return r.Name
	}
	return ""
}

// parseReqLine reads one requirement with its per-requirement options.
func parseReqLine(body string) (*reqEntry, bool) {
	spec, opts := body, ""
	if i := indexOption(body); i >= 0 {
		spec, opts = strings.TrimSpace(body[:i]), body[i:]
	}
	e := &reqEntry{}
	fields := strings.Fields(opts)
	for j := 0; j < len(fields); j++ {
		f := fields[j]
		var v string
		switch {
		case strings.HasPrefix(f, "--hash="):
			v = strings.TrimPrefix(f, "--hash=")
		case f == "--hash" && j+1 < len(fields):
			j++
			v = fields[j]
		default:
			continue
		}
		if h, ok := hashOf(v); ok {
			e.Hashes = addHash(e.Hashes, h)
		}
	}
	if isPathOrURL(spec) {
		ref := strings.Trim(spec, `"'`)
		name := eggName(ref)
		n, v := artifactNameVersion(ref)
		if name == "" {
			name = n
		}
		if name == "" {
			return nil, false
		}
		e.Name, e.URL = name, ref
		if n == name {
			e.Version = v
		}
		return e, true
	}
	r, ok := parseRequirement(spec)
	if !ok {
		return nil, false
	}
	e.Name, e.Extras, e.Specifier = r.Name, r.Extras, r.Specifier
	if r.URL != "" {
		e.URL = r.URL
		if n, v := artifactNameVersion(r.URL); n == r.Name {
			e.Version = v
		}
		return e, true
	}
	e.Version = pinnedVersion(r.Specifier)
	return e, true
}

// indexOption finds where the per-requirement options (--hash, ...) start.
func indexOption(s string) int {
	for i := 1; i+2 < len(s); i++ {
		if (s[i-1] == ' ' || s[i-1] == '\t') && s[i] == '-' && s[i+1] == '-' {
			return i
		}
	}
	return -1
}

// isPathOrURL reports whether a requirement is a bare path or URL rather
// than a name: pip accepts both on a line of their own.
func isPathOrURL(s string) bool {
	s = strings.Trim(s, `"'`)
	if s == "" {
		return false
	}
	if i := strings.Index(s, "://"); i > 0 && !strings.ContainsAny(s[:i], " @;[") {
		return true
	}
	switch s[0] {
	case '.', '/', '~', '\\':
		return true
	}
	if len(s) > 2 && s[1] == ':' && (s[2] == '\\' || s[2] == '/') {
		return true
	}
	low := strings.ToLower(s)
	return !strings.ContainsAny(s, " ;@") && (strings.HasSuffix(low, ".whl") || strings.HasSuffix(low, ".tar.gz") || strings.HasSuffix(low, ".zip"))
}
