package license

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// textKey reduces a license text to what decides its meaning and hashes
// it: words in lower case, punctuation and layout dropped, and the lines
// that state a copyright left out (they name holders and years, which vary
// between copies of the same license). Two texts with the same key are the
// same license text. The hash is 64-bit FNV-1a over the words.
//
// The copyright rule is deliberately narrow (see isCopyrightLine): a line
// that merely mentions "copyright notice" stays part of the text.
func textKey(text []byte) uint64 {
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	h := uint64(offset64)
	started, inWord := false, false
	// startWord separates words by one space in the hashed stream.
	startWord := func() {
		if started {
			h ^= ' '
			h *= prime64
		}
		started, inWord = true, true
	}
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		if isCopyrightLine(line) {
			continue
		}
		inWord = false
		for i := 0; i < len(line); {
			c := line[i]
			if c < utf8.RuneSelf {
				i++
				if lc := asciiWordByte[c]; lc != 0 {
					if !inWord {
						startWord()
					}
					h ^= uint64(lc)
					h *= prime64
				} else {
					inWord = false
				}
				continue
			}
			r, size := utf8.DecodeRune(line[i:])
			i += size
			switch {
			case r == '©':
				startWord()
				for _, c := range []byte("copyright") {
					h ^= uint64(c)
					h *= prime64
				}
				inWord = false
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				if !inWord {
					startWord()
				}
				var buf [utf8.UTFMax]byte
				for _, c := range utf8.AppendRune(buf[:0], unicode.ToLower(r)) {
					h ^= uint64(c)
					h *= prime64
				}
			default:
				inWord = false
			}
		}
	}
	return h
}

// asciiWordByte maps ASCII letters and digits to their lower-case form
// and everything else to 0.
var asciiWordByte = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c] = c
		t[c-'a'+'A'] = c
	}
	return t
}()

func forEachLine(text []byte, f func([]byte)) {
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

// forEachWord calls f with each run of letters and digits of line, in
// lower case. The buffer passed to f is reused.
func forEachWord(line []byte, f func([]byte)) {
	var buf [64]byte
	w := buf[:0]
	flush := func() {
		if len(w) > 0 {
			f(w)
			w = w[:0]
		}
	}
	for i := 0; i < len(line); {
		c := line[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				w = append(w, c)
			case c >= 'A' && c <= 'Z':
				w = append(w, c+'a'-'A')
			default:
				flush()
			}
			continue
		}
		r, size := utf8.DecodeRune(line[i:])
		i += size
		if r == '©' {
			flush()
			f([]byte("copyright"))
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			w = utf8.AppendRune(w, unicode.ToLower(r))
			continue
		}
		flush()
	}
	flush()
}

// notCopyrightStatement lists words that, right after "copyright", show
// the line is license prose ("copyright notice and this permission
// notice …") rather than a statement of who holds the copyright.
var notCopyrightStatement = map[string]bool{
	"notice": true, "notices": true, "holder": true, "holders": true, "owner": true,
	"owners": true, "and": true, "law": true, "laws": true, "license": true,
	"licence": true, "statement": true, "statements": true, "protection": true,
	"is": true, "of": true, "to": true, "in": true, "the": true, "or": true,
	"on": true, "for": true, "treaty": true, "treaties": true, "infringement": true,
	"permission": true, "interest": true, "disclaimer": true, "text": true,
	"information": true, "header": true, "file": true, "work": true, "works": true,
	"act": true, "under": true, "that": true, "this": true, "shall": true, "may": true,
	"claim": true, "claims": true, "rights": true, "policy": true, "status": true,
}

// maxCopyrightLineWords bounds a copyright statement: a longer "line" is a
// paragraph that happens to begin with the word.
const maxCopyrightLineWords = 40

// isCopyrightLine reports whether line states a copyright ("Copyright (c)
// 2015 Jane Doe", "© Acme", "(c) 2020 Foo"), after comment markers.
func isCopyrightLine(line []byte) bool {
	t := bytes.TrimLeft(line, " \t*#/;-!<>|\"'`")
	if len(t) == 0 {
		return false
	}
	// Most lines fail on their first byte; only then count words.
	switch t[0] {
	case 'c', 'C', 'p', 'P', '(', 0xC2: // 0xC2 starts "©" in UTF-8
	default:
		return false
	}
	var words []string
	n := 0
	forEachWord(t, func(w []byte) {
		n++
		if len(words) < 3 {
			words = append(words, string(w))
		}
	})
	if n == 0 || n > maxCopyrightLineWords {
		return false
	}
	switch {
	case bytes.HasPrefix(t, []byte("©")):
		return true
	case len(t) >= 3 && (t[0] == '(' && (t[1] == 'c' || t[1] == 'C') && t[2] == ')'):
		return true
	}
	if words[0] == "portions" && len(words) > 1 {
		words = words[1:]
	}
	if words[0] != "copyright" && words[0] != "copyrights" {
		return false
	}
	if len(words) == 1 {
		return true
	}
	return !notCopyrightStatement[words[1]]
}
