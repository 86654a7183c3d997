package notice

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxCopyrightLen bounds one copyright statement: a longer line is prose
// that happens to begin with the word.
const maxCopyrightLen = 300

// maxCopyrightWords is the same bound counted in words.
const maxCopyrightWords = 40

// commentMarks are stripped from the start of a line before it is judged,
// so that statements inside source headers and Markdown lists are found.
const commentMarks = " \t*#/;-!<>|\"'`"

// proseAfterCopyright are words that, right after "copyright", show the
// line is license prose ("copyright notice and this permission notice …",
// "copyright holders be liable") rather than a statement of ownership.
var proseAfterCopyright = map[string]bool{
	"notice": true, "notices": true, "holder": true, "holders": true, "owner": true,
	"owners": true, "and": true, "law": true, "laws": true, "license": true,
	"licence": true, "statement": true, "statements": true, "protection": true,
	"is": true, "of": true, "to": true, "in": true, "the": true, "or": true,
	"on": true, "for": true, "treaty": true, "treaties": true, "infringement": true,
	"permission": true, "interest": true, "disclaimer": true, "text": true,
	"information": true, "header": true, "file": true, "work": true, "works": true,
	"act": true, "under": true, "that": true, "this": true, "shall": true, "may": true,
	"claim": true, "claims": true, "rights": true, "policy": true, "status": true,
	"owned": true, "remains": true, "will": true, "must": true, "are": true,
}

// placeholders mark the template line of a license text ("Copyright
// [yyyy] [name of copyright owner]"): it is part of the text, not a
// statement anybody made.
var placeholders = []string{
	"yyyy", "<year>", "[year]", "{year}", "<name", "[name", "{name", "[fullname]",
	"<owner", "<copyright holder", "{{", "<author", "[author", "[owner",
}

// copyrightStatement returns the copyright statement line states, trimmed
// of comment marks, and whether it is one. A statement begins with
// "Copyright", "©" or "(c)" and names at least a year or a holder.
// Template lines of license texts are not statements.
func copyrightStatement(line []byte) (string, bool) {
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
		if len(rest) > 0 && proseAfterCopyright[rest[0]] {
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

// copyrights returns the copyright statements of text in order, each once.
func copyrights(text []byte) []string {
	var out []string
	seen := map[string]bool{}
	forEachLine(text, func(line []byte) {
		if s, ok := copyrightStatement(line); ok && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	})
	return out
}

// licenseBody is text without its copyright statements, with line ends
// normalised, trailing blanks dropped and runs of empty lines folded: the
// part of a license file that is the same for every holder.
func licenseBody(text []byte) string {
	var b strings.Builder
	blank := 0
	forEachLine(text, func(line []byte) {
		if _, ok := copyrightStatement(line); ok {
			return
		}
		line = bytes.TrimRight(line, " \t\r")
		if len(line) == 0 {
			blank++
			return
		}
		if b.Len() > 0 {
			if blank > 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.Write(line)
	})
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// textHash identifies a license body by its words, lower-cased, without
// punctuation or layout: two copies of a license that differ only in
// wrapping, quotes or holders hash alike.
func textHash(body string) string {
	words := make([]byte, 0, len(body))
	inWord := false
	for _, r := range body {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			r = unicode.ToLower(r)
		default:
			inWord = false
			continue
		}
		if !inWord && len(words) > 0 {
			words = append(words, ' ')
		}
		inWord = true
		words = utf8.AppendRune(words, r)
	}
	sum := sha256.Sum256(words)
	return hex.EncodeToString(sum[:])
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// verbatim is a shipped file as it is shown: line ends normalised and
// surrounding blank lines dropped, nothing else changed.
func verbatim(text []byte) string {
	s := strings.ReplaceAll(string(text), "\r\n", "\n")
	s = strings.Trim(s, "\n")
	return strings.ToValidUTF8(s, "\uFFFD")
}

func forEachLine(text []byte, f func(line []byte)) {
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			f(text)
			return
		}
		f(text[:i])
		text = text[i+1:]
	}
}
