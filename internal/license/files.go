package license

import (
	"bytes"
	"path"
	"strings"
)

// The kinds of license files IsLicenseFile reports.
const (
	// KindLicense is a file whose purpose is the license text (LICENSE,
	// COPYING, UNLICENSE, LICENSE-MIT …).
	KindLicense = "license"
	// KindNotice is a file that accompanies a license (NOTICE, PATENTS,
	// COPYRIGHT, third-party notices). It contributes to the concluded
	// license only when it holds a license text that is identified.
	KindNotice = "notice"
	// KindReadme marks a README whose License section was read.
	KindReadme = "readme"
)

// licenseWords name a license file; noticeWords name a file that goes
// with one.
var (
	licenseWords = map[string]bool{
		"license": true, "licence": true, "licenses": true, "licences": true,
		"copying": true, "unlicense": true, "unlicence": true,
	}
	noticeWords = map[string]bool{
		"notice": true, "notices": true, "patents": true, "copyright": true,
		"copyrights": true, "copyrightnotice": true, "thirdpartynotices": true,
		"thirdpartynotice": true, "legal": true,
	}
	// thirdPartyWords turn a license file into a notice: it lists the
	// licenses of code bundled from elsewhere.
	thirdPartyWords = map[string]bool{
		"third": true, "3rd": true, "thirdparty": true, "bundle": true, "bundled": true,
		"vendor": true, "vendored": true, "dependencies": true, "deps": true,
	}
	// codeExts end names that are code or data, never license texts,
	// even when the name mentions a license (license.go, licenses.json).
	codeExts = map[string]bool{
		"js": true, "mjs": true, "cjs": true, "ts": true, "tsx": true, "jsx": true,
		"mts": true, "cts": true, "json": true, "go": true, "py": true, "rb": true,
		"java": true, "kt": true, "c": true, "h": true, "cc": true, "cpp": true,
		"hpp": true, "rs": true, "cs": true, "php": true, "pl": true, "pm": true,
		"sh": true, "bat": true, "ps1": true, "css": true, "scss": true, "less": true,
		"map": true, "yml": true, "yaml": true, "xml": true, "toml": true, "lock": true,
		"png": true, "jpg": true, "gif": true, "svg": true, "ico": true, "pdf": true,
		"zip": true, "gz": true, "tgz": true, "wasm": true, "node": true, "so": true,
		"dll": true, "exe": true, "class": true, "jar": true, "swift": true, "m": true,
		"sql": true, "vue": true, "svelte": true, "flow": true, "snap": true, "tmpl": true,
		"gotmpl": true, "proto": true, "bin": true, "dat": true, "csv": true,
	}
)

// IsLicenseFile reports whether a file name (any directory part is
// ignored) is a license file, and of which kind: LICENSE, LICENCE,
// COPYING, UNLICENSE in any case, with any extension that is not code,
// with suffixes or prefixes (LICENSE-MIT, LICENSE.APACHE2, MIT-LICENSE,
// license.md, COPYING.LESSER) are KindLicense; NOTICE, PATENTS, COPYRIGHT
// and third-party license lists are KindNotice.
func IsLicenseFile(name string) (kind string, ok bool) {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	if base == "" || base == "." || base == "/" || len(base) > 100 {
		return "", false
	}
	parts := strings.FieldsFunc(base, func(r rune) bool {
		return r == '.' || r == '-' || r == '_' || r == ' '
	})
	if len(parts) == 0 || len(parts) > 5 {
		return "", false
	}
	if i := strings.LastIndexByte(base, '.'); i >= 0 && codeExts[base[i+1:]] {
		return "", false
	}
	lic, notice, third := false, false, false
	for i, p := range parts {
		switch {
		case licenseWords[p]:
			lic = true
		case noticeWords[p]:
			// "legal" alone is too common a word to count unless first.
			if p != "legal" || i == 0 {
				notice = true
			}
		case thirdPartyWords[p]:
			third = true
		}
	}
	switch {
	case lic && !third:
		return KindLicense, true
	case lic || notice:
		return KindNotice, true
	}
	return "", false
}

// IsReadme reports whether a file name is a README.
func IsReadme(name string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	stem, ext, _ := strings.Cut(base, ".")
	if stem != "readme" {
		return false
	}
	switch ext {
	case "", "md", "markdown", "mdown", "mkdn", "rst", "txt", "text", "adoc", "org":
		return true
	}
	return false
}

// maxSection bounds the README section returned; a License section longer
// than this is a pasted license text, and its start is enough.
const maxSection = 64 << 10

// ReadmeLicenseSection returns the body of the section of a Markdown or
// reStructuredText README whose heading names the license ("License",
// "Licence", "Licensing", "License and copyright" …), without the
// heading, up to the next heading of the same or a higher level. It
// returns nil when there is no such section.
func ReadmeLicenseSection(text []byte) []byte {
	lines := bytes.SplitAfter(text, []byte("\n"))
	starts := make([]int, len(lines)+1)
	for i, l := range lines {
		starts[i+1] = starts[i] + len(l)
	}
	var (
		inFence    bool
		bodyStart  = -1 // byte offset of the section body
		startLevel int
		rstStyles  []string // RST underline styles in order of first use
	)
	for i := 0; i < len(lines); i++ {
		trim := bytes.TrimSpace(lines[i])
		if bytes.HasPrefix(trim, []byte("```")) || bytes.HasPrefix(trim, []byte("~~~")) {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		title, level, consumed := heading(lines, i, &rstStyles)
		if level == 0 {
			continue
		}
		if bodyStart >= 0 {
			if level <= startLevel {
				return clip(text[bodyStart:starts[i]])
			}
		} else if isLicenseTitle(title) {
			bodyStart, startLevel = starts[i+consumed+1], level
		}
		i += consumed
	}
	if bodyStart >= 0 {
		return clip(text[bodyStart:])
	}
	return nil
}

func clip(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if len(b) > maxSection {
		b = b[:maxSection]
	}
	out := make([]byte, len(b))
	copy(out, b)
	return out
}

// heading recognises a heading starting at lines[i]. It returns the title,
// the level (1 is highest, 0 when not a heading) and how many following
// lines belong to the heading (underlines).
func heading(lines [][]byte, i int, rstStyles *[]string) (title string, level, consumed int) {
	trim := bytes.TrimSpace(lines[i])
	// ATX: "## License", at most three spaces of indent.
	if n := leadingHashes(lines[i]); n > 0 {
		t := strings.TrimSpace(string(trim[n:]))
		t = strings.TrimSpace(strings.TrimRight(t, "#"))
		return t, n, 0
	}
	if len(trim) == 0 || i+1 >= len(lines) {
		return "", 0, 0
	}
	// RST with overline: "=====\nLicense\n=====".
	if isAdornment(trim) && i+2 < len(lines) {
		next := bytes.TrimSpace(lines[i+1])
		under := bytes.TrimSpace(lines[i+2])
		if len(next) > 0 && !isAdornment(next) && isAdornment(under) && under[0] == trim[0] {
			return string(next), rstLevel(rstStyles, "over"+string(trim[0])), 2
		}
		return "", 0, 0
	}
	// Setext (Markdown) or RST underline: "License\n=======".
	under := bytes.TrimSpace(lines[i+1])
	if isAdornment(under) && len(under) >= 3 && !isAdornment(trim) {
		// A Markdown list item or table row followed by dashes is not a
		// heading of interest; a title is short.
		if len(trim) > 80 {
			return "", 0, 0
		}
		c := under[0]
		if c == '=' || c == '-' {
			// Setext levels; also how RST documents usually start.
			lvl := rstLevel(rstStyles, string(c))
			return string(trim), lvl, 1
		}
		return string(trim), rstLevel(rstStyles, string(c)), 1
	}
	return "", 0, 0
}

func leadingHashes(line []byte) int {
	i := 0
	for i < len(line) && i < 3 && line[i] == ' ' {
		i++
	}
	n := 0
	for i+n < len(line) && line[i+n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0
	}
	rest := line[i+n:]
	if len(bytes.TrimSpace(rest)) == 0 {
		return 0
	}
	if rest[0] != ' ' && rest[0] != '\t' {
		return 0
	}
	return n
}

// isAdornment reports a line made of one repeated punctuation character,
// as RST and Setext underline headings.
func isAdornment(b []byte) bool {
	if len(b) < 3 {
		return false
	}
	c := b[0]
	if !strings.ContainsRune("=-~^\"'`#*+_:.", rune(c)) {
		return false
	}
	for _, x := range b {
		if x != c {
			return false
		}
	}
	return true
}

// rstLevel gives the level of an RST adornment style: styles rank in the
// order a document first uses them.
func rstLevel(styles *[]string, style string) int {
	for i, s := range *styles {
		if s == style {
			return i + 1
		}
	}
	*styles = append(*styles, style)
	return len(*styles)
}

// isLicenseTitle accepts short headings that name the license.
func isLicenseTitle(t string) bool {
	t = strings.ToLower(t)
	words := strings.FieldsFunc(t, func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	})
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	for _, w := range words {
		switch w {
		case "license", "licence", "licensing", "licenses", "licences", "copying":
			return true
		}
	}
	return false
}
