package gem

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// gemfile is what a line scan of a Gemfile can tell for sure: the gems it
// declares and the groups they are declared in.
type gemfile struct {
	// Gems by name, in the order first declared.
	Gems  map[string]*gemfileGem
	Order []string
	// Gemspec is set when the Gemfile pulls in a gemspec: Bundler then
	// adds the gemspec's development dependencies, which the Gemfile
	// itself does not name.
	Gemspec bool
	// Confused is set when the block structure could not be followed (an
	// `end` without a block): the groups read are then not trusted.
	Confused bool
}

// gemfileGem is one gem of the Gemfile.
type gemfileGem struct {
	Name string
	// Dev is set when every declaration of the gem is in development
	// groups only.
	Dev bool
	// Constraints are the version requirements of its first
	// declaration.
	Constraints []string
}

// devGroups are the Bundler groups taken as development only: the ones
// projects customarily leave out of deployments. Any other group,
// default included, counts as production.
var devGroups = map[string]bool{
	"development": true, "dev": true, "test": true, "ci": true,
	"lint": true, "rubocop": true, "doc": true, "docs": true,
}

// blockOpeners start a Ruby statement that is closed by `end` without a
// `do`.
var blockOpeners = map[string]bool{
	"if": true, "unless": true, "case": true, "while": true, "until": true,
	"begin": true, "def": true, "class": true, "module": true, "for": true,
}

var (
	// endsWithDo matches a line that opens a do … end block, with or
	// without block parameters.
	endsWithDo = regexp.MustCompile(`(^|[\s)])do(\s*\|[^|]*\|)?$`)
	// symbolRE finds :symbols (not hash keys like `optional:`).
	symbolRE = regexp.MustCompile(`(?:^|[\s,(\[])\s*:([A-Za-z_][A-Za-z0-9_]*)`)
	// inlineGroupRE finds a gem's group: / groups: option, in the new
	// and the hash-rocket spelling.
	inlineGroupRE = regexp.MustCompile(`(?:\bgroups?:|:groups?\s*=>)\s*(\[[^\]]*\]|:[A-Za-z_][A-Za-z0-9_]*|"[^"]*"|'[^']*')`)
	// optionKeyRE finds the start of a gem's keyword options.
	optionKeyRE = regexp.MustCompile(`^(?:[A-Za-z_][A-Za-z0-9_]*:\s|:[A-Za-z_][A-Za-z0-9_]*\s*=>)`)
)

// parseGemfile scans a Gemfile line by line. It follows group blocks
// (group :development, :test do … end), the gem options group: and
// groups:, and the nesting of other blocks and conditionals, so that a
// gem inside `platforms :mri do` keeps the groups around it. It does not
// evaluate Ruby: gems added by code (eval_gemfile, loops) are not seen.
func parseGemfile(r io.Reader) (*gemfile, error) {
	gf := &gemfile{Gems: map[string]*gemfileGem{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineLength)
	type frame struct{ groups []string }
	var stack []frame
	var pending string
	for sc.Scan() {
		line := strings.TrimSpace(stripComment(sc.Text()))
		if pending != "" {
			line = pending + " " + line
			pending = ""
		}
		if line == "" {
			continue
		}
		// A call continued on the next line.
		if strings.HasSuffix(line, ",") || strings.HasSuffix(line, "\\") || strings.HasSuffix(line, "(") {
			pending = strings.TrimSuffix(line, "\\")
			continue
		}
		word := leadingWord(line)
		switch {
		case word == "end":
			if len(stack) == 0 {
				gf.Confused = true
				continue
			}
			stack = stack[:len(stack)-1]
		case word == "gem":
			name, rest, ok := rubyString(strings.TrimPrefix(strings.TrimSpace(line[3:]), "("))
			if !ok || !validName(name) {
				continue
			}
			var groups []string
			for _, f := range stack {
				groups = append(groups, f.groups...)
			}
			groups = append(groups, inlineGroups(rest)...)
			gf.add(name, isDev(groups), constraints(rest))
			if endsWithDo.MatchString(line) {
				stack = append(stack, frame{})
			}
		case word == "group":
			if endsWithDo.MatchString(line) {
				stack = append(stack, frame{groups: groupNames(line[len("group"):])})
			}
		case word == "gemspec":
			gf.Gemspec = true
		case blockOpeners[word]:
			// A one-line conditional closes itself.
			if !strings.HasSuffix(line, " end") && !strings.HasSuffix(line, ";end") {
				stack = append(stack, frame{})
			}
		case endsWithDo.MatchString(line):
			stack = append(stack, frame{})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return gf, nil
}

// add records one declaration of a gem: it stays development-only while
// every declaration is.
func (gf *gemfile) add(name string, dev bool, cons []string) {
	if g, ok := gf.Gems[name]; ok {
		g.Dev = g.Dev && dev
		return
	}
	gf.Gems[name] = &gemfileGem{Name: name, Dev: dev, Constraints: cons}
	gf.Order = append(gf.Order, name)
}

// isDev reports whether a gem in these groups is for development only.
func isDev(groups []string) bool {
	if len(groups) == 0 {
		return false
	}
	for _, g := range groups {
		if !devGroups[g] {
			return false
		}
	}
	return true
}

// leadingWord is the identifier a line starts with.
func leadingWord(line string) string {
	i := 0
	for i < len(line) && isWordByte(line[i]) {
		i++
	}
	if i < len(line) && line[i] != ' ' && line[i] != '(' && line[i] != '\t' && line[i] != ';' && line[i] != '.' {
		return ""
	}
	return line[:i]
}

// groupNames reads the group names of `group :a, "b" do`.
func groupNames(args string) []string {
	args = strings.TrimSpace(args)
	if i := strings.LastIndex(args, " do"); i >= 0 {
		args = args[:i]
	}
	return symbolsAndStrings(args)
}

// symbolsAndStrings collects :symbols and string literals of s.
func symbolsAndStrings(s string) []string {
	var out []string
	for _, m := range symbolRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '"' && s[i] != '\'' {
			continue
		}
		v, rest, ok := rubyString(s[i:])
		if !ok {
			break
		}
		out = append(out, v)
		i = len(s) - len(rest) - 1
	}
	return out
}

// inlineGroups reads the group: or groups: option of a gem line.
func inlineGroups(rest string) []string {
	var out []string
	for _, m := range inlineGroupRE.FindAllStringSubmatch(rest, -1) {
		out = append(out, symbolsAndStrings(" "+m[1])...)
	}
	return out
}

// constraints reads the version requirements after a gem's name: the
// string literals before its options.
func constraints(rest string) []string {
	var out []string
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" || optionKeyRE.MatchString(rest) {
			return out
		}
		v, r, ok := rubyString(rest)
		if !ok {
			return out
		}
		out = append(out, v)
		rest = r
	}
}
