package notice

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"ospo/internal/license"
)

// licenseBody is text without its copyright statements, with line ends
// normalised, trailing blanks dropped and runs of empty lines folded: the
// part of a license file that is the same for every holder.
func licenseBody(text []byte) string {
	var b strings.Builder
	blank := 0
	forEachLine(text, func(line []byte) {
		if _, ok := license.CopyrightStatement(line); ok {
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
