package license

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxCopyrightLen bounds one copyright statement: a longer line is prose
// that happens to begin with the word.
const maxCopyrightLen = 300

// maxCopyrightWords is the same bound counted in words.
const maxCopyrightWords = 40

// maxCopyrights bounds how many copyright lines one detection carries.
const maxCopyrights = 20

// commentMarks are stripped from the start of a line before it is judged,
// so that statements inside source headers and Markdown lists are found.
const commentMarks = " \t*#/;-!<>|\"'`"

// moreProseAfterCopyright extends notCopyrightStatement (the words that
// text hashing relies on, which must not change) with words that, right
// after "copyright", also show license prose ("copyright remains with",
// "copyright will").
var moreProseAfterCopyright = map[string]bool{
	"owned": true, "remains": true, "will": true, "must": true, "are": true,
}

// placeholders mark the template line of a license text ("Copyright
// [yyyy] [name of copyright owner]"): it is part of the text, not a
// statement anybody made.
var placeholders = []string{
	"yyyy", "<year>", "[year]", "{year}", "<name", "[name", "{name", "[fullname]",
	"<owner", "<copyright holder", "{{", "<author", "[author", "[owner",
}

// CopyrightStatement returns the copyright statement line states, trimmed
// of comment marks, and whether it is one. A statement begins with
// "Copyright", "©" or "(c)" and names at least a year or a holder.
// Template lines of license texts are not statements.
func CopyrightStatement(line []byte) (string, bool) {
	t := bytes.TrimLeft(line, commentMarks)
	t = bytes.TrimRight(t, " \t\r*/#")
	if len(t) == 0 || len(t) > maxCopyrightLen {
		return "", false
	}
	// Most lines fail on their first bytes.
	if !hasPrefixFold(t, "copyright") && !hasPrefixFold(t, "portions") &&
		!hasPrefixFold(t, "(c)") && !bytes.HasPrefix(t, []byte("©")) {
		return "", false
	}
	words := strings.FieldsFunc(strings.ToLower(string(t)), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '©' || r == '(' || r == ')')
	})
	if len(words) == 0 || len(words) > maxCopyrightWords {
		return "", false
	}
	if words[0] == "portions" {
		words = words[1:]
	}
	rest := words
	switch {
	case len(rest) > 0 && (rest[0] == "copyright" || rest[0] == "copyrights"):
		rest = rest[1:]
		if len(rest) > 0 && (notCopyrightStatement[rest[0]] || moreProseAfterCopyright[rest[0]]) {
			return "", false
		}
	case len(rest) > 0 && strings.HasPrefix(rest[0], "©"):
	case len(rest) > 1 && rest[0] == "(c)":
		// "(c)" also numbers list items ("(c) You must retain …"): only
		// a year after it makes a statement.
		if r := rest[1][0]; r < '0' || r > '9' {
			return "", false
		}
	default:
		return "", false
	}
	// Something must follow the marks: a year or a holder.
	named := false
	for _, w := range rest {
		if w = strings.Trim(w, "©()"); w != "" && w != "c" {
			named = true
			break
		}
	}
	if !named {
		return "", false
	}
	s := string(t)
	if t[0] == 'c' && !strings.ContainsAny(s, "0123456789©") {
		// "copyright" in lower case without a year is prose wrapped onto
		// a new line ("copyright--then that use is not regulated").
		return "", false
	}
	low := strings.ToLower(s)
	for _, p := range placeholders {
		if strings.Contains(low, p) {
			return "", false
		}
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	return s, true
}

// Copyrights returns the copyright statements of text in order, each once.
func Copyrights(text []byte) []string {
	var out []string
	seen := map[string]bool{}
	forEachLine(text, func(line []byte) {
		if s, ok := CopyrightStatement(line); ok && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	})
	return out
}

// detectionCopyrights are the statements a Detection reports: those of
// Copyrights, at most maxCopyrights of them, without the Free Software
// Foundation's notice that the GNU license texts carry about themselves.
func detectionCopyrights(text []byte) []string {
	all := Copyrights(text)
	out := all[:0]
	for _, s := range all {
		if len(out) == maxCopyrights {
			break
		}
		if strings.Contains(strings.ToLower(s), "free software foundation") {
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}
