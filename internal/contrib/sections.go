package contrib

import (
	"strings"
)

// A README is mostly about the product: a feature list may well say that
// the tool "checks whether a project asks for a CLA or a DCO sign-off".
// Only what it says under a heading about contributing is addressed to
// contributors, so scanReadme keeps the signals of those sections alone.
// Links to contribution guides count anywhere: an address that names a
// contributing guide points to one wherever it stands.
func scanReadme(name string, data []byte) (signals []Signal, guides []Evidence) {
	lines := splitLines(data)
	in := contributingLines(name, lines)
	all, guides := scanLines(name, lines)
	for _, s := range all {
		if in[s.Line-1] {
			signals = append(signals, s)
		}
	}
	for _, k := range []Kind{KindCLA, KindDCO} {
		overrideUnnamed(signals, k)
	}
	return signals, guides
}

// Words of a heading that opens a section addressed to contributors,
// matched on the lower-cased heading: "Contributing", "Contributors",
// "How to contribute", "Pull requests", "Submitting patches", "Developing",
// "Development", "Hacking on x", "Get involved", "Signing your work",
// "Sign-off", "CLA", "DCO". Whole words only for the short ones, so
// "Design" or "Declaration" never open one.
var sectionPrefixes = []string{"contribut", "pull request", "patches", "developing", "development", "hacking", "get involved", "getting involved"}

var sectionWords = []string{"cla", "clas", "dco", "sign", "signing", "signed", "sign-off", "signoff", "sign-offs", "signoffs", "patch"}

func isContributingHeading(title string) bool {
	lower := asciiLower(title)
	for _, p := range sectionPrefixes {
		if strings.Contains(lower, p) {
			return true
		}
	}
	return hasAnyWord(lower, sectionWords...)
}

// contributingLines marks the lines that lie in a section about
// contributing: from such a heading (itself included) to the next heading
// of the same or a higher level; its subsections stay inside it. Headings
// are Markdown's (ATX "## x", setext underlines, HTML <h2>), reStructured
// Text's (under- and overlines, ranked by first appearance as RST does),
// AsciiDoc's "== x" and Org's "** x" in files of those kinds. Lines in
// fenced code blocks are never headings: "# sign your commits" in a shell
// example does not end a section.
func contributingLines(name string, lines []string) []bool {
	in := make([]bool, len(lines))
	hs := headingStyle{ext: extOf(name), ranks: map[string]int{}}
	fence := ""
	inSection, level := false, 0
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			in[i] = inSection
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			in[i] = inSection
			continue
		}
		title, lv, span := hs.heading(lines, i)
		if lv > 0 {
			switch {
			case isContributingHeading(title):
				inSection, level = true, lv
			case inSection && lv <= level:
				inSection = false
			}
		}
		for j := i; j < i+span; j++ {
			in[j] = inSection
		}
		i += span - 1
	}
	return in
}

// extOf returns a file name's extension, lower-cased, with its dot.
func extOf(name string) string {
	i := strings.LastIndexAny(name, "./")
	if i < 0 || name[i] != '.' {
		return ""
	}
	return asciiLower(name[i:])
}

// headingStyle reads the headings of one file.
type headingStyle struct {
	ext string
	// ranks holds the level of each underline style (character, with or
	// without overline) in the order first seen.
	ranks map[string]int
}

func (h headingStyle) markdown() bool { return h.ext == ".md" || h.ext == ".markdown" }

// heading reports whether line i starts a heading: its title, its level
// (1 the highest; 0 when it is no heading) and how many lines it spans.
func (h headingStyle) heading(lines []string, i int) (title string, level, span int) {
	line := lines[i]
	t := strings.TrimSpace(line)
	if t == "" {
		return "", 0, 1
	}
	indent := len(line) - len(strings.TrimLeft(line, " \t"))
	if indent < 4 {
		marker := byte('#')
		switch h.ext {
		case ".adoc", ".asciidoc":
			marker = '='
		case ".org":
			marker = '*'
		}
		if n := countLeading(t, marker); n > 0 && (n == len(t) || t[n] == ' ' || t[n] == '\t') && (n <= 6 || marker == '*') {
			return strings.Trim(t[n:], " \t#="), n, 1
		}
		if lower := asciiLower(t); len(lower) > 3 && lower[0] == '<' && lower[1] == 'h' && lower[2] >= '1' && lower[2] <= '6' {
			return t, int(lower[2] - '0'), 1
		}
	}
	if isAdornment(t) {
		// An RST overline: adornment, title, the same adornment.
		if i+2 < len(lines) && strings.TrimSpace(lines[i+2]) == t && !h.markdown() {
			if title := strings.TrimSpace(lines[i+1]); title != "" && !isAdornment(title) {
				return title, h.rank("over" + t[:1]), 3
			}
		}
		return "", 0, 1
	}
	if i+1 >= len(lines) || indent >= 4 {
		return "", 0, 1
	}
	u := strings.TrimSpace(lines[i+1])
	if !isAdornment(u) || (len(u) < 3 && len(u) < len(t)) {
		return "", 0, 1
	}
	if h.markdown() {
		// CommonMark's setext headings: "=" is level 1, "-" level 2.
		switch u[0] {
		case '=':
			return t, 1, 2
		case '-':
			return t, 2, 2
		}
		return "", 0, 1
	}
	return t, h.rank(u[:1]), 2
}

func (h headingStyle) rank(style string) int {
	if r, ok := h.ranks[style]; ok {
		return r
	}
	h.ranks[style] = len(h.ranks) + 1
	return h.ranks[style]
}

func countLeading(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

// isAdornment reports whether s is a run of one punctuation character, as
// under (and over) a setext or RST heading.
func isAdornment(s string) bool {
	if len(s) < 2 {
		return false
	}
	c := s[0]
	if !strings.ContainsRune("=-~^\"'`#*+:._<>!$%&(),/;?@[\\]{|}", rune(c)) {
		return false
	}
	return countLeading(s, c) == len(s)
}
