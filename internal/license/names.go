package license

import (
	"fmt"
	"strings"
	"sync"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
	"github.com/google/licensecheck"
)

// This file reads license *names* as people write them in package
// metadata. A name is reduced to a key (lower case, punctuation and filler
// words dropped, "v3" → "3.0", "or later" → "+"), and the key is looked up
// among the keys of every SPDX id, then in a small table of names that
// are not derived from an id. The same reduction is applied to both sides,
// so "Apache License, Version 2.0", "apache2" and "Apache-2.0" meet.

// aliasNames maps names that no SPDX id reduces to onto an expression.
// Every entry names one license without doubt; names that could mean
// several licenses belong in ambiguousNames instead.
var aliasNames = map[string]string{
	"ASL 2.0":                      "Apache-2.0",
	"ASL2":                         "Apache-2.0",
	"ASF 2.0":                      "Apache-2.0",
	"AL2":                          "Apache-2.0",
	"MIT/X11":                      "MIT",
	"X11/MIT":                      "MIT",
	"Expat":                        "MIT",
	"MIT Expat":                    "MIT",
	"MIT/Expat":                    "MIT",
	"CC0":                          "CC0-1.0",
	"CC-0":                         "CC0-1.0",
	"CC0 1.0 Universal":            "CC0-1.0",
	"Creative Commons 0":           "CC0-1.0",
	"Creative Commons Zero":        "CC0-1.0",
	"CC Zero":                      "CC0-1.0",
	"Public Domain (CC0)":          "CC0-1.0",
	"BlueOak":                      "BlueOak-1.0.0",
	"Blue Oak":                     "BlueOak-1.0.0",
	"Blue Oak Model":               "BlueOak-1.0.0",
	"Blue Oak Model License 1.0.0": "BlueOak-1.0.0",
	"BlueOak-1.0":                  "BlueOak-1.0.0",
	"New BSD":                      "BSD-3-Clause",
	"BSD New":                      "BSD-3-Clause",
	"Modified BSD":                 "BSD-3-Clause",
	"Revised BSD":                  "BSD-3-Clause",
	"3-clause BSD":                 "BSD-3-Clause",
	"BSD three clause":             "BSD-3-Clause",
	"BSD 3":                        "BSD-3-Clause",
	"BSD3":                         "BSD-3-Clause",
	"BSD-3-Clause New":             "BSD-3-Clause",
	"Simplified BSD":               "BSD-2-Clause",
	"BSD Simplified":               "BSD-2-Clause",
	"FreeBSD":                      "BSD-2-Clause",
	"2-clause BSD":                 "BSD-2-Clause",
	"BSD two clause":               "BSD-2-Clause",
	"BSD 2":                        "BSD-2-Clause",
	"BSD2":                         "BSD-2-Clause",
	"Zero-Clause BSD":              "0BSD",
	"BSD Zero Clause":              "0BSD",
	"0-clause BSD":                 "0BSD",
	"BSD-0-Clause":                 "0BSD",
	"BSD 0":                        "0BSD",
	"ISCL":                         "ISC",
	"ISC License (ISCL)":           "ISC",
	"WTFPL 2":                      "WTFPL",
	"Do What The Fuck You Want To Public License": "WTFPL",
	"Do What The F*ck You Want To Public License": "WTFPL",
	"Boost":                                 "BSL-1.0",
	"Boost Software License":                "BSL-1.0",
	"PSF":                                   "PSF-2.0",
	"Python Software Foundation":            "PSF-2.0",
	"Python Software Foundation License":    "PSF-2.0",
	"UPL":                                   "UPL-1.0",
	"Universal Permissive License":          "UPL-1.0",
	"zlib/libpng":                           "Zlib",
	"Zlib/libpng License":                   "Zlib",
	"Unlicense (Unlicense)":                 "Unlicense",
	"JSON License":                          "JSON",
	"Eclipse Public License v1.0 (EPL-1.0)": "EPL-1.0",
	"EPL v10":                               "EPL-1.0",
	"EPL v20":                               "EPL-2.0",
	"Hippocratic":                           "Hippocratic-2.1",
}

// ambiguousNames are names that do not settle one license. Normalize
// reports them as not valid, with this note; the license text decides.
var ambiguousNames = map[string]string{
	"BSD":              "BSD without a variant could be BSD-2-Clause, BSD-3-Clause, BSD-4-Clause or 0BSD; the license text decides",
	"BSD-like":         "BSD-like names no variant: BSD-2-Clause, BSD-3-Clause, BSD-4-Clause or 0BSD; the license text decides",
	"BSD-style":        "BSD-style names no variant: BSD-2-Clause, BSD-3-Clause, BSD-4-Clause or 0BSD; the license text decides",
	"Berkeley":         "Berkeley names no BSD variant: BSD-2-Clause, BSD-3-Clause or BSD-4-Clause; the license text decides",
	"MIT-like":         "MIT-like is not necessarily MIT (MIT, X11, ISC, MIT-0 …); the license text decides",
	"MIT-style":        "MIT-style is not necessarily MIT (MIT, X11, ISC, MIT-0 …); the license text decides",
	"GPL":              "GPL without a version could be GPL-2.0 or GPL-3.0, -only or -or-later; the license text decides",
	"GNU":              "GNU names no license: GPL, LGPL, AGPL or GFDL in some version; the license text decides",
	"LGPL":             "LGPL without a version could be LGPL-2.0, LGPL-2.1 or LGPL-3.0; the license text decides",
	"AGPL":             "AGPL without a version could be AGPL-1.0 or AGPL-3.0; the license text decides",
	"GFDL":             "GFDL without a version could be GFDL-1.1, GFDL-1.2 or GFDL-1.3; the license text decides",
	"Apache":           "Apache without a version could be Apache-1.0, Apache-1.1 or Apache-2.0; the license text decides",
	"MPL":              "MPL without a version could be MPL-1.0, MPL-1.1 or MPL-2.0; the license text decides",
	"EPL":              "EPL without a version could be EPL-1.0 or EPL-2.0; the license text decides",
	"CDDL":             "CDDL without a version could be CDDL-1.0 or CDDL-1.1; the license text decides",
	"EUPL":             "EUPL without a version could be EUPL-1.0, EUPL-1.1 or EUPL-1.2; the license text decides",
	"Artistic":         "Artistic without a version could be Artistic-1.0, Artistic-1.0-Perl or Artistic-2.0; the license text decides",
	"Perl":             "Perl usually means Artistic-1.0-Perl OR GPL-1.0-or-later, but the license text decides",
	"OFL":              "OFL without a version could be OFL-1.0 or OFL-1.1; the license text decides",
	"CC-BY":            "CC-BY without a version could be CC-BY-1.0 … CC-BY-4.0; the license text decides",
	"CC-BY-SA":         "CC-BY-SA without a version could be CC-BY-SA-1.0 … CC-BY-SA-4.0; the license text decides",
	"Creative Commons": "Creative Commons names a family of licenses, some non-commercial; the license text decides",
	"Public Domain":    "public domain is not an SPDX license: it could be Unlicense, CC0-1.0 or a plain dedication whose legal effect varies; the license text decides",
	"PD":               "PD (public domain) is not an SPDX license: it could be Unlicense, CC0-1.0 or a plain dedication; the license text decides",
	"Unlicensed":       "ambiguous: upper-case UNLICENSED means proprietary in npm, while Unlicense is a public-domain dedication; the license text decides",
	"Proprietary":      "proprietary: no open source license is granted; write UNLICENSED or a LicenseRef if that is meant",
	"Commercial":       "commercial: no open source license is named; the license text decides",
	"Custom":           "custom license: the license text decides",
	"Other":            "other: no license is named; the license text decides",
	"None":             "none: no license is named; without one, no use is granted",
	"Unknown":          "unknown: no license is named; the license text decides",
	"Undefined":        "undefined: no license is named; the license text decides",
	"Dual":             "dual license without names; the license text decides",
	"Freeware":         "freeware names no license terms; the license text decides",
	"OSI Approved":     "OSI Approved names no license; the license text decides",
	"See LICENSE":      "points at a license file; the license text decides",
	"See LICENSE file": "points at a license file; the license text decides",
	"LICENSE":          "points at a license file; the license text decides",
}

// namePhrases rewrite long license names to the short stem of their ids,
// applied to keys before filler words are dropped.
var namePhrases = []struct{ from, to string }{
	{"gnu lesser general public", "lgpl"},
	{"gnu library general public", "lgpl"},
	{"gnu library or lesser general public", "lgpl"},
	{"lesser general public", "lgpl"},
	{"library general public", "lgpl"},
	{"gnu affero general public", "agpl"},
	{"affero general public", "agpl"},
	{"gnu general public", "gpl"},
	{"general public", "gpl"},
	{"gnu free documentation", "gfdl"},
	{"gnu gpl", "gpl"},
	{"gnu lgpl", "lgpl"},
	{"gnu agpl", "agpl"},
	{"affero gpl", "agpl"},
	{"mozilla public", "mpl"},
	{"eclipse public", "epl"},
	{"common development and distribution", "cddl"},
	{"academic free", "afl"},
	{"european union public", "eupl"},
	{"sil open font", "ofl"},
	{"open font", "ofl"},
	{"creative commons", "cc"},
	{"attribution noncommercial", "by nc"},
	{"attribution non commercial", "by nc"},
	{"attribution sharealike", "by sa"},
	{"attribution share alike", "by sa"},
	{"attribution noderivatives", "by nd"},
	{"attribution no derivatives", "by nd"},
	{"attribution noderivs", "by nd"},
	{"attribution", "by"},
}

// fillerWords carry no meaning in a license name.
var fillerWords = map[string]bool{
	"the": true, "license": true, "licence": true, "licenses": true, "licences": true,
	"licensed": true, "version": true, "ver": true, "v": true, "software": true,
	"international": true, "unported": true, "generic": true,
}

// laterPhrases mean "this version or any later one".
var laterPhrases = []string{
	"or any later", "or later", "or newer", "or greater", "or above", "and later", "or higher", "and above",
}

// nameKey reduces a license name to the form names are compared in.
func nameKey(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.':
			b.WriteRune(r)
		case r == '+':
			b.WriteString(" + ")
		default:
			b.WriteByte(' ')
		}
	}
	var toks []string
	for _, f := range strings.Fields(b.String()) {
		f = strings.Trim(f, ".")
		if f == "" {
			continue
		}
		toks = append(toks, splitLetterDigit(f)...)
	}
	joined := " " + strings.Join(toks, " ") + " "
	for _, p := range namePhrases {
		joined = strings.ReplaceAll(joined, " "+p.from+" ", " "+p.to+" ")
	}
	toks = toks[:0]
	for _, f := range strings.Fields(joined) {
		if !fillerWords[f] {
			toks = append(toks, f)
		}
	}
	joined = " " + strings.Join(toks, " ") + " "
	for _, p := range laterPhrases {
		joined = strings.ReplaceAll(joined, " "+p+" ", " + ")
	}
	toks = strings.Fields(joined)
	for i, t := range toks {
		if isDigits(t) && (i == len(toks)-1 || toks[i+1] == "+" || toks[i+1] == "only") {
			toks[i] = t + ".0"
		}
	}
	out := toks[:0]
	for i, t := range toks {
		if i > 0 && toks[i-1] == t {
			continue
		}
		out = append(out, t)
	}
	return strings.Join(out, " ")
}

// splitLetterDigit splits "gplv3" into "gpl", "3" and "cc0" into "cc",
// "0"; a "v" right before a version number is dropped.
func splitLetterDigit(f string) []string {
	var out []string
	start := 0
	for i := 1; i < len(f); i++ {
		a, c := f[i-1], f[i]
		if isLetter(a) && isDigitByte(c) || isDigitByte(a) && isLetter(c) {
			out = append(out, f[start:i])
			start = i
		}
	}
	out = append(out, f[start:])
	for i := 0; i+1 < len(out); i++ {
		if len(out[i]) > 1 && strings.HasSuffix(out[i], "v") && isDigitByte(out[i+1][0]) {
			out[i] = strings.TrimSuffix(out[i], "v")
		}
	}
	return out
}

func isLetter(c byte) bool    { return c >= 'a' && c <= 'z' }
func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) {
			return false
		}
	}
	return true
}

// nameTables holds the key maps, built once from the SPDX list and the
// tables above; they are never changed afterwards.
type nameTables struct {
	ids       map[string]string // key → canonical expression of an SPDX id
	aliases   map[string]string // key → expression
	ambiguous map[string]string // key → note
	urls      map[string]string // lower-case URL without scheme → expression
}

var tables = sync.OnceValue(buildNameTables)

func buildNameTables() *nameTables {
	t := &nameTables{
		ids:       map[string]string{},
		aliases:   map[string]string{},
		ambiguous: map[string]string{},
		urls:      map[string]string{},
	}
	clash := map[string]bool{}
	add := func(id string) {
		e, err := parseExpr(id, nil)
		if err != nil {
			return
		}
		k := nameKey(id)
		if have, ok := t.ids[k]; ok && have != e.String() {
			clash[k] = true
		}
		t.ids[k] = e.String()
	}
	for _, id := range spdxlicenses.GetLicenses() {
		add(id)
	}
	for _, id := range spdxlicenses.GetDeprecated() {
		// Active ids win over deprecated spellings with the same key.
		if _, ok := t.ids[nameKey(id)]; !ok {
			add(id)
		}
	}
	for k := range clash {
		delete(t.ids, k)
	}
	for name, e := range aliasNames {
		t.aliases[nameKey(name)] = e
	}
	for name, n := range ambiguousNames {
		t.ambiguous[nameKey(name)] = n
	}
	for _, l := range licensecheck.BuiltinLicenses() {
		if l.URL == "" {
			continue
		}
		if e, err := parseExpr(l.ID, nil); err == nil {
			t.urls[strings.ToLower(l.URL)] = e.String()
		}
	}
	return t
}

// resolveName reads s as a license name.
func resolveName(s string) (resolved, bool) {
	t := tables()
	k := nameKey(s)
	if k == "" {
		return resolved{}, false
	}
	if _, ok := t.ambiguous[k]; ok {
		return resolved{}, false
	}
	e, ok := lookupKey(t, k)
	if !ok {
		return resolved{}, false
	}
	note := fmt.Sprintf("read %q as %s", s, e)
	if strings.HasSuffix(e, "-only") && !strings.Contains(strings.ToLower(s), "only") {
		note += " (no \"or later\" stated)"
	}
	return resolved{expr: e, note: note}, true
}

func lookupKey(t *nameTables, k string) (string, bool) {
	if e, ok := t.aliases[k]; ok {
		return e, true
	}
	if e, ok := t.ids[k]; ok {
		return e, true
	}
	base, plus := strings.CutSuffix(k, " +")
	if !plus {
		return "", false
	}
	e, ok := t.aliases[base]
	if !ok {
		e, ok = t.ids[base]
	}
	if !ok || strings.ContainsAny(e, " ") {
		return "", false
	}
	base = strings.TrimSuffix(e, "-only")
	x, err := parseExpr(base+"+", nil)
	if err != nil {
		return "", false
	}
	return x.String(), true
}

// ambiguousNote returns the ambiguity note for s, if any.
func ambiguousNote(s string) (string, bool) {
	n, ok := tables().ambiguous[nameKey(s)]
	return n, ok
}

func isURL(s string) bool {
	low := strings.ToLower(s)
	return strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "https://") ||
		strings.HasPrefix(low, "www.")
}

// licenseURL maps the URL of a well-known license page to its id.
func licenseURL(raw string) (string, bool) {
	u := strings.ToLower(strings.TrimSpace(raw))
	u = strings.TrimPrefix(u, "http://")
	u = strings.TrimPrefix(u, "https://")
	u = strings.TrimPrefix(u, "www.")
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimRight(u, "/")
	for _, suf := range []string{".html", ".htm", ".txt", ".php", ".json", ".md", ".en"} {
		u = strings.TrimSuffix(u, suf)
	}
	u = strings.TrimSuffix(u, "/legalcode")
	u = strings.TrimRight(u, "/")
	t := tables()
	if e, ok := t.urls[u]; ok {
		return e, true
	}
	host, path, _ := strings.Cut(u, "/")
	segs := strings.Split(path, "/")
	last := segs[len(segs)-1]
	switch {
	case host == "opensource.org" || host == "spdx.org" || host == "choosealicense.com":
		if len(segs) >= 2 && (segs[0] == "licenses" || segs[0] == "license") {
			return resolveSegment(last)
		}
	case host == "apache.org":
		switch path {
		case "licenses/license-2.0":
			return "Apache-2.0", true
		case "licenses/license-1.1":
			return "Apache-1.1", true
		}
	case host == "gnu.org":
		if len(segs) >= 2 && (segs[0] == "licenses" || segs[0] == "copyleft") {
			return resolveSegment(last)
		}
	case host == "creativecommons.org":
		if len(segs) >= 3 && segs[0] == "publicdomain" && segs[1] == "zero" && segs[2] == "1.0" {
			return "CC0-1.0", true
		}
		if len(segs) >= 3 && segs[0] == "licenses" {
			return resolveSegment("cc-" + segs[1] + "-" + segs[2])
		}
		if len(segs) == 2 && segs[0] == "licenses" {
			return resolveSegment(segs[1])
		}
	case host == "mit-license.org" || strings.HasSuffix(host, ".mit-license.org"):
		return "MIT", true
	case host == "unlicense.org":
		return "Unlicense", true
	case host == "wtfpl.net" || host == "sam.zoy.org":
		return "WTFPL", true
	case host == "mozilla.org":
		if len(segs) >= 2 && segs[0] == "mpl" {
			return resolveSegment("mpl-" + segs[1])
		}
	case host == "eclipse.org":
		if len(segs) >= 2 && segs[0] == "legal" {
			return resolveSegment(last)
		}
	case host == "blueoakcouncil.org":
		return "BlueOak-1.0.0", true
	}
	return "", false
}

func resolveSegment(seg string) (string, bool) {
	if seg == "" {
		return "", false
	}
	if e, _, err := normalizeExpr(seg); err == nil {
		return e, true
	}
	if r, ok := resolveName(seg); ok {
		return r.expr, true
	}
	return "", false
}
