package contrib

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phrases that ask for a contributor agreement without naming it. Matched
// on the lower-cased line.
var claPhrases = []string{
	"contributor license agreement",
	"contributor licence agreement",
	"contribution license agreement",
	"contributor agreement",
}

// Upper-case words that mean a contributor agreement. Matched as whole
// words on the line as written, so "class" or "declare" never count.
var claWords = []string{"CLA", "CLAs", "ICLA", "CCLA"}

// Phrases of the Developer Certificate of Origin, matched lower-cased.
var dcoPhrases = []string{
	// "Developer Certificate of Origin", "Developer's Certificate…",
	// "Developer’s Certificate…" and a heading "Certificate of Origin".
	"certificate of origin",
	"developercertificate.org",
	"signed-off-by",
	"git commit -s",
	"--signoff",
}

// Sign-off wording is a DCO sign only beside a commit or patch: release
// managers also "sign off".
var signOffWords = []string{"sign-off", "signoff", "sign off", "signed off", "sign-offs", "signoffs"}

// Cues before a mention that turn it around ("we do not require a CLA",
// "use the DCO instead of a CLA").
var negationsBefore = []string{
	"not require", "n't require", "not need", "n't need", "no need",
	"not ask", "n't ask", "not have to", "n't have to", "not use", "n't use",
	"without", "instead of", "rather than", "no longer",
}

// Cues after a mention that turn it around ("a CLA is not required").
var negationsAfter = []string{"not required", "n't required", "not needed", "n't needed", "not necessary"}

// negationWindow is how far (bytes) a cue may sit from the mention.
const negationWindow = 40

// maxEvidenceText bounds the line kept as evidence.
const maxEvidenceText = 200

// maxGuides bounds the external guides kept from one file.
const maxGuides = 20

// match is one mention found on a line.
type match struct {
	start, end int
	name, note string
}

// lookahead is how much of the next line is read with a line, so that a
// phrase wrapped across two lines ("sign the Contributor / License
// Agreement") is still found.
const lookahead = 60

// scanText reads a text file (a contributing guide, a pull request
// template, an agreement; a README goes through scanReadme) line by line
// for CLA and DCO signals and for links to contribution guides kept
// elsewhere. A line gives at most one
// signal of each kind; it is negated only when every mention on it is. A
// file that says plainly that an agreement is not needed ("We do not
// require a CLA at this time") overrides its own unnamed mentions of one
// (a heading "Contributor License Agreements" above that sentence).
func scanText(path string, data []byte) (signals []Signal, guides []Evidence) {
	signals, guides = scanLines(path, splitLines(data))
	for _, k := range []Kind{KindCLA, KindDCO} {
		overrideUnnamed(signals, k)
	}
	return signals, guides
}

// scanLines finds the signals and guide links of each line, before any
// override.
func scanLines(path string, lines []string) (signals []Signal, guides []Evidence) {
	seenGuide := map[string]bool{}
	for i, line := range lines {
		ext := line
		if i+1 < len(lines) {
			if next := strings.TrimSpace(lines[i+1]); next != "" && !strings.HasPrefix(next, "#") {
				ext = line + " " + clipBytes(next, lookahead)
			}
		}
		lower := asciiLower(ext)
		ev := Evidence{Path: path, Line: i + 1, Text: clipText(line)}
		if s, ok := lineSignal(KindCLA, lower, startingIn(len(line), claMatches(ext, lower))); ok {
			s.Evidence = ev
			signals = append(signals, s)
		}
		if s, ok := lineSignal(KindDCO, lower, startingIn(len(line), dcoMatches(lower))); ok {
			s.Evidence = ev
			signals = append(signals, s)
		}
		for _, u := range guideLinks(line) {
			if !seenGuide[u] && len(guides) < maxGuides {
				seenGuide[u] = true
				guides = append(guides, Evidence{Path: path, Line: i + 1, Text: u})
			}
		}
	}
	return signals, guides
}

// overrideUnnamed negates the unnamed signals of kind k when the same file
// says that k is not needed. Named agreements stay: a file that names one
// asks for it.
func overrideUnnamed(signals []Signal, k Kind) {
	at := -1
	for _, s := range signals {
		if s.Kind == k && s.Negated {
			at = s.Line
			break
		}
	}
	if at < 0 {
		return
	}
	for i := range signals {
		s := &signals[i]
		if s.Kind == k && !s.Negated && s.Name == "" {
			s.Negated = true
			s.Note = fmt.Sprintf("line %d says it is not needed", at)
		}
	}
}

// splitLines splits text at newlines, dropping carriage returns and
// replacing bytes that are not UTF-8.
func splitLines(data []byte) []string {
	var out []string
	for len(data) > 0 {
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		out = append(out, strings.ToValidUTF8(string(bytes.TrimRight(raw, "\r")), "\uFFFD"))
	}
	return out
}

// startingIn keeps the mentions that start on the line itself (the first n
// bytes), not in the lookahead.
func startingIn(n int, ms []match) []match {
	out := ms[:0]
	for _, m := range ms {
		if m.start < n {
			out = append(out, m)
		}
	}
	return out
}

// lineSignal folds the mentions on one line into one signal.
func lineSignal(k Kind, lower string, ms []match) (Signal, bool) {
	if len(ms) == 0 {
		return Signal{}, false
	}
	s := Signal{Kind: k, Negated: true}
	for _, m := range ms {
		if negated(lower, m) {
			continue
		}
		s.Negated = false
		if s.Name == "" && m.name != "" {
			s.Name, s.Note = m.name, m.note
		}
	}
	return s, true
}

// claMatches finds agreement names and generic agreement wording.
func claMatches(line, lower string) []match {
	var ms []match
	for _, a := range agreements {
		for _, mk := range a.markers {
			for _, at := range indexAll(lower, mk.text) {
				ms = append(ms, match{start: at, end: at + len(mk.text), name: a.name, note: mk.note})
			}
		}
	}
	ms = append(ms, possessiveNames(line, lower)...)
	for _, p := range claPhrases {
		for _, at := range indexAll(lower, p) {
			ms = append(ms, match{start: at, end: at + len(p)})
		}
	}
	for _, w := range claWords {
		for _, at := range wordIndexAll(line, w) {
			ms = append(ms, match{start: at, end: at + len(w)})
		}
	}
	return ms
}

// dcoMatches finds the Developer Certificate of Origin and sign-off
// wording.
func dcoMatches(lower string) []match {
	var ms []match
	for _, p := range dcoPhrases {
		for _, at := range indexAll(lower, p) {
			ms = append(ms, match{start: at, end: at + len(p)})
		}
	}
	for _, at := range wordIndexAll(lower, "dco") {
		ms = append(ms, match{start: at, end: at + 3})
	}
	if hasAnyWord(lower, "commit", "commits", "patch", "patches", "git") {
		for _, w := range signOffWords {
			for _, at := range wordIndexAll(lower, w) {
				ms = append(ms, match{start: at, end: at + len(w)})
			}
		}
	}
	return ms
}

// negated reports whether a cue near the mention m, in the same sentence,
// says it is not asked for.
func negated(lower string, m match) bool {
	before := lower[max(0, m.start-negationWindow):m.start]
	if i := lastSentenceBreak(before); i >= 0 {
		before = before[i:]
	}
	for _, c := range negationsBefore {
		if strings.Contains(before, c) {
			return true
		}
	}
	// "no CLA", "not a CLA", "no separate CLA"
	words := strings.Fields(before)
	for len(words) > 0 {
		switch w := words[len(words)-1]; w {
		case "a", "an", "any", "the", "separate":
			words = words[:len(words)-1]
			continue
		case "no", "not":
			return true
		}
		break
	}
	after := lower[m.end:min(len(lower), m.end+negationWindow)]
	if i := firstSentenceBreak(after); i >= 0 {
		after = after[:i]
	}
	for _, c := range negationsAfter {
		if strings.Contains(after, c) {
			return true
		}
	}
	return false
}

// A sentence break is a full stop, semicolon, question or exclamation
// mark followed by a space; a dot inside an address is not one.
func lastSentenceBreak(s string) int {
	best := -1
	for _, p := range []string{". ", "; ", "? ", "! "} {
		if i := strings.LastIndex(s, p); i >= 0 && i+1 > best {
			best = i + 1
		}
	}
	return best
}

func firstSentenceBreak(s string) int {
	best := -1
	for _, p := range []string{". ", "; ", "? ", "! "} {
		if i := strings.Index(s, p); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// indexAll returns every offset of sub in s.
func indexAll(s, sub string) []int {
	var out []int
	for off := 0; ; {
		i := strings.Index(s[off:], sub)
		if i < 0 {
			return out
		}
		out = append(out, off+i)
		off += i + len(sub)
	}
}

// wordIndexAll returns the offsets of w in s where it is not part of a
// longer word (letters and digits around it, in any script).
func wordIndexAll(s, w string) []int {
	var out []int
	for _, at := range indexAll(s, w) {
		if prev, _ := utf8.DecodeLastRuneInString(s[:at]); at > 0 && isWordRune(prev) {
			continue
		}
		if next, _ := utf8.DecodeRuneInString(s[at+len(w):]); at+len(w) < len(s) && isWordRune(next) {
			continue
		}
		out = append(out, at)
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// guideLinks returns the web addresses on a line that point to
// contribution instructions.
func guideLinks(line string) []string {
	var out []string
	for off := 0; off < len(line); {
		i := strings.Index(line[off:], "http")
		if i < 0 {
			break
		}
		start := off + i
		rest := line[start:]
		if !strings.HasPrefix(rest, "https://") && !strings.HasPrefix(rest, "http://") {
			off = start + 4
			continue
		}
		end := strings.IndexAny(rest, " \t)]>\"'`")
		if end < 0 {
			end = len(rest)
		}
		u := strings.TrimRight(rest[:end], ".,;:")
		if isGuideURL(asciiLower(u)) {
			out = append(out, u)
		}
		off = start + max(end, 1)
	}
	return out
}

func hasAnyWord(s string, words ...string) bool {
	for _, w := range words {
		if len(wordIndexAll(s, w)) > 0 {
			return true
		}
	}
	return false
}

// clipBytes cuts s to at most n bytes at a rune boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Words of an address that leads to contribution instructions. Plain
// "contributor" is not one: it also names agreements' pages and
// encyclopaedia entries.
var guideWords = []string{"contributing", "contribute", "contribution", "contributors/guide", "contributor-guide", "contributor_guide", "contributors-guide"}

func isGuideURL(lower string) bool {
	for _, w := range guideWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// clipText trims a line for evidence and cuts it at a rune boundary.
func clipText(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= maxEvidenceText {
		return s
	}
	return clipBytes(s, maxEvidenceText) + "…"
}

// asciiLower lower-cases ASCII letters only: every phrase looked for is
// ASCII, and offsets in the result stay those of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
