package deb

import (
	"strings"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// Debian short names are close to SPDX ids but not the same: "GPL-2+" is
// GPL-2.0-or-later, "GPL-2" is GPL-2.0-only, "Expat" is MIT, "BSD-3-clause"
// differs only in case. The rules, in order:
//
//  1. the names Debian gives a meaning of its own (aliases below);
//  2. the GNU families with a version, in any of the spellings seen in
//     real files (GPL-2+, GPLv2+, GPL-2.0+, LGPL-2.1, GFDL-NIV-1.3+);
//  3. any SPDX id, without regard to case, a trailing "+" kept as SPDX's
//     or-later operator, and "Apache-2" read as "Apache-2.0";
//  4. anything else is kept as LicenseRef-deb-<name>, never guessed: "GPL"
//     or "BSD" without a version do not settle one license, and the
//     license text (read by the identify stage) decides.

// publicDomainRef stands for Debian's public-domain short name. SPDX has no
// id for a dedication to the public domain, whose legal effect varies by
// country; a LicenseRef keeps it visible to policy, which can allow it by
// name.
const publicDomainRef = "LicenseRef-public-domain"

// aliases maps short-name keys (see nameKey) to their SPDX expression.
var aliases = map[string]string{
	"expat":         "MIT",
	"mit/x11":       "MIT",
	"mit-x11":       "MIT",
	"zlib/libpng":   "Zlib",
	"bsd-2":         "BSD-2-Clause",
	"bsd-3":         "BSD-3-Clause",
	"bsd-4":         "BSD-4-Clause",
	"cc0":           "CC0-1.0",
	"public-domain": publicDomainRef,
	"publicdomain":  publicDomainRef,
	"pd":            publicDomainRef,
	// Debian's Artistic is the text in common-licenses, the Artistic
	// License that comes with Perl.
	"artistic":   "Artistic-1.0-Perl",
	"artistic-1": "Artistic-1.0-Perl",
	// "Perl" is DEP-5's name for Perl's own dual license.
	"perl":         "GPL-1.0-or-later OR Artistic-1.0-Perl",
	"python":       "Python-2.0",
	"openldap-2.8": "OLDAP-2.8",
	"sleepycat":    "Sleepycat",
	"boost-1.0":    "BSL-1.0",
	"sil-1.1":      "OFL-1.1",
	"sil-ofl-1.1":  "OFL-1.1",
	// LLVM's packages name the license and its exception as one.
	"apache-2-llvm-exceptions": "Apache-2.0 WITH LLVM-exception",
}

// nameKey folds a short name for lookup: lower case, spaces and
// underscores as dashes.
func nameKey(s string) string {
	return keyReplacer.Replace(strings.ToLower(strings.TrimSpace(s)))
}

var keyReplacer = strings.NewReplacer(" ", "-", "_", "-")

// mapShortName turns one Debian short name into an SPDX expression.
func mapShortName(name string) *lexpr {
	k := nameKey(name)
	if a, ok := aliases[k]; ok {
		if l, r, ok := strings.Cut(a, " OR "); ok {
			return combine("OR", leaf(l), leaf(r))
		}
		return leaf(a)
	}
	if id, ok := gnuID(k); ok {
		return leaf(id)
	}
	base, plus := strings.CutSuffix(k, "+")
	suffix := ""
	if plus {
		suffix = "+"
	}
	if id, ok := spdxID(base); ok {
		return leaf(id + suffix)
	}
	// "Apache-2", "MPL-2", "PSF-2": a major version written without ".0".
	if i := strings.LastIndexByte(base, '-'); i >= 0 && isDigits(base[i+1:]) {
		if id, ok := spdxID(base + ".0"); ok {
			return leaf(id + suffix)
		}
	}
	return leaf(licenseRef(name))
}

// spdxID returns the canonical spelling of an SPDX license id, current or
// deprecated (the license package replaces deprecated ids later).
func spdxID(s string) (string, bool) {
	if ok, id := spdxlicenses.IsActiveLicense(s); ok {
		return id, true
	}
	if ok, id := spdxlicenses.IsDeprecatedLicense(s); ok {
		return id, true
	}
	return "", false
}

// gnuFamilies are the GNU license families whose Debian names carry a
// version, longest prefix first.
var gnuFamilies = []struct{ prefix, id, variant string }{
	{"gfdl-niv", "GFDL", "-no-invariants"},
	{"lgpl", "LGPL", ""},
	{"agpl", "AGPL", ""},
	{"gfdl", "GFDL", ""},
	{"gpl", "GPL", ""},
}

// gnuID reads a GNU license name with a version ("gpl-2+", "gplv3",
// "lgpl-2.1", "gpl-2.0-or-later") as its SPDX id. A name without a version
// is not read: it does not say which license applies.
func gnuID(k string) (string, bool) {
	for _, f := range gnuFamilies {
		rest, ok := strings.CutPrefix(k, f.prefix)
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, "-")
		rest = strings.TrimPrefix(rest, "v")
		orLater := false
		switch {
		case strings.HasSuffix(rest, "+"):
			rest, orLater = strings.TrimSuffix(rest, "+"), true
		case strings.HasSuffix(rest, "-or-later"):
			rest, orLater = strings.TrimSuffix(rest, "-or-later"), true
		default:
			rest = strings.TrimSuffix(rest, "-only")
		}
		if !isVersion(rest) {
			return "", false
		}
		if !strings.Contains(rest, ".") {
			rest += ".0"
		}
		id := f.id + "-" + rest + f.variant
		if orLater {
			id += "-or-later"
		} else {
			id += "-only"
		}
		if ok, canon := spdxlicenses.IsActiveLicense(id); ok {
			return canon, true
		}
		return "", false
	}
	return "", false
}

// isVersion reports whether s is a dotted version number ("2", "2.1").
func isVersion(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !isDigits(part) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// exceptionAliases maps the exception names of Debian files (folded with
// nameKey, without the word "exception") to SPDX exception ids. An entry
// with two ids gives the one for the version 3 licenses second.
var exceptionAliases = map[string][2]string{
	"autoconf":            {"Autoconf-exception-2.0", "Autoconf-exception-3.0"},
	"bison":               {"Bison-exception-2.2", "Bison-exception-2.2"},
	"libtool":             {"Libtool-exception", "Libtool-exception"},
	"linux-syscall-note":  {"Linux-syscall-note", "Linux-syscall-note"},
	"linux-syscall":       {"Linux-syscall-note", "Linux-syscall-note"},
	"classpath":           {"Classpath-exception-2.0", "Classpath-exception-2.0"},
	"font":                {"Font-exception-2.0", "Font-exception-2.0"},
	"gcc":                 {"GCC-exception-2.0", "GCC-exception-3.1"},
	"gcc-runtime":         {"GCC-exception-2.0", "GCC-exception-3.1"},
	"gcc-runtime-library": {"GCC-exception-2.0", "GCC-exception-3.1"},
	"llvm":                {"LLVM-exception", "LLVM-exception"},
	"texinfo":             {"Texinfo-exception", "Texinfo-exception"},
	"ocaml":               {"OCaml-LGPL-linking-exception", "OCaml-LGPL-linking-exception"},
}

// mapException returns the SPDX exception id for an exception named in a
// Debian file, added to the license id base.
func mapException(name, base string) (string, bool) {
	k := nameKey(name)
	if ids, ok := exceptionAliases[k]; ok {
		if strings.Contains(base, "-3.0") {
			return ids[1], true
		}
		return ids[0], true
	}
	for _, cand := range []string{k, k + "-exception", k + "-exception-2.0"} {
		if ok, id := spdxlicenses.IsException(cand); ok {
			return id, true
		}
	}
	return "", false
}

// maxRefLen bounds the LicenseRef made of an unknown name; a longer name
// is cut at a dash.
const maxRefLen = 96

// licenseRef makes a LicenseRef of an unknown Debian name, keeping the
// characters an SPDX id may hold.
func licenseRef(name string) string {
	var b strings.Builder
	dash := false
	for i := 0; i < len(name) && b.Len() < maxRefLen; i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.':
			b.WriteByte(c)
			dash = false
		case c == '+':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteString("plus")
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := b.String()
	if b.Len() >= maxRefLen {
		if i := strings.LastIndexByte(s, '-'); i > 0 {
			s = s[:i]
		}
	}
	s = strings.TrimRight(s, "-")
	if s == "" {
		return unnamedRef
	}
	return "LicenseRef-deb-" + s
}
