package deb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ospo/internal/license"
)

func TestParseLicenseLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"GPL-2+", "GPL-2.0-or-later"},
		{"GPL-2", "GPL-2.0-only"},
		{"Expat", "MIT"},
		// A choice stays a choice: Perl's dual license.
		{"GPL-1+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0-Perl"},
		{"Artistic or GPL-1+", "Artistic-1.0-Perl OR GPL-1.0-or-later"},
		{"MIT | Apache-2.0", "MIT OR Apache-2.0"},
		{"BSD-3-clause and Expat", "BSD-3-Clause AND MIT"},
		{"Zlib & ISC", "Zlib AND ISC"},
		// "and" binds tighter than "or"; a comma closes the group before it.
		{"LGPL-3+ or GPL-2+ and MIT", "LGPL-3.0-or-later OR (GPL-2.0-or-later AND MIT)"},
		{"GPL-2+ or Artistic-2.0, and BSD-3-clause", "(GPL-2.0-or-later OR Artistic-2.0) AND BSD-3-Clause"},
		{"MIT, or Apache-2.0", "MIT OR Apache-2.0"},
		{"MIT, BSD-2-clause", "MIT AND BSD-2-Clause"},
		{"GPL-2+ and (LGPL-2.1+ or MPL-1.1)", "GPL-2.0-or-later AND (LGPL-2.1-or-later OR MPL-1.1)"},
		{"MIT or MIT", "MIT"},
		{"(MIT", "LicenseRef-deb-unnamed"},
		// Exceptions.
		{"GPL-2+ with Autoconf exception", "GPL-2.0-or-later WITH Autoconf-exception-2.0"},
		{"GPL-3+ with Bison exception", "GPL-3.0-or-later WITH Bison-exception-2.2"},
		{"GPL-3+-with-bison-exception", "GPL-3.0-or-later WITH Bison-exception-2.2"},
		{"GPL-2 with Linux-syscall-note exception", "GPL-2.0-only WITH Linux-syscall-note"},
		{"Apache-2.0 with LLVM exception", "Apache-2.0 WITH LLVM-exception"},
		{"GPL-3 with OpenSSL-xxhash exception", "LicenseRef-deb-GPL-3-with-OpenSSL-xxhash-exception"},
		{"GPL with Classpath exception", "LicenseRef-deb-GPL-with-Classpath-exception"},
		// Prose pasted where a name belongs.
		{"Permission to use, copy, modify, and distribute this software and its", "LicenseRef-deb-unnamed"},
		{"This software is provided 'as-is', without any express or implied", "LicenseRef-deb-unnamed"},
	}
	for _, tt := range tests {
		got := ""
		if e := parseLicenseLine(tt.in); e != nil {
			got = e.String()
		}
		if got != tt.want {
			t.Errorf("parseLicenseLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMapShortName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GPL-2+", "GPL-2.0-or-later"},
		{"GPL-2.0+", "GPL-2.0-or-later"},
		{"GPLv3+", "GPL-3.0-or-later"},
		{"GPLv2", "GPL-2.0-only"},
		{"GPL-3.0-or-later", "GPL-3.0-or-later"},
		{"GPL-2.0-only", "GPL-2.0-only"},
		{"LGPL-2.1+", "LGPL-2.1-or-later"},
		{"LGPL-2", "LGPL-2.0-only"},
		{"LGPLv2.1+", "LGPL-2.1-or-later"},
		{"AGPL-3+", "AGPL-3.0-or-later"},
		{"GFDL-1.3+", "GFDL-1.3-or-later"},
		{"GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later"},
		{"GPL-4", "LicenseRef-deb-GPL-4"},
		{"GPL", "LicenseRef-deb-GPL"},
		{"LGPL", "LicenseRef-deb-LGPL"},
		{"BSD-3-clause", "BSD-3-Clause"},
		{"BSD-2-clause", "BSD-2-Clause"},
		{"BSD-3", "BSD-3-Clause"},
		{"BSD", "LicenseRef-deb-BSD"},
		{"Expat", "MIT"},
		{"MIT/X11", "MIT"},
		{"X11", "X11"},
		{"zlib", "Zlib"},
		{"zlib/libpng", "Zlib"},
		{"Apache-2", "Apache-2.0"},
		{"Apache-2.0", "Apache-2.0"},
		{"Apache", "LicenseRef-deb-Apache"},
		{"MPL-2.0", "MPL-2.0"},
		{"MPL-1.1+", "MPL-1.1+"},
		{"PSF-2", "PSF-2.0"},
		{"Python", "Python-2.0"},
		{"Artistic", "Artistic-1.0-Perl"},
		{"Artistic-2.0", "Artistic-2.0"},
		{"Perl", "GPL-1.0-or-later OR Artistic-1.0-Perl"},
		{"public-domain", "LicenseRef-public-domain"},
		{"Public Domain", "LicenseRef-public-domain"},
		{"PD", "LicenseRef-public-domain"},
		{"CC0", "CC0-1.0"},
		{"CC-BY-SA-3.0", "CC-BY-SA-3.0"},
		{"OpenLDAP-2.8", "OLDAP-2.8"},
		{"BSL-1.0", "BSL-1.0"},
		{"curl", "curl"},
		{"ISC", "ISC"},
		{"FSFULLR", "FSFULLR"},
		{"BSD-2-Clause-netbsd", "BSD-2-Clause-NetBSD"},
		{"APACHE-2-LLVM-EXCEPTIONS", "Apache-2.0 WITH LLVM-exception"},
		{"permissive", "LicenseRef-deb-permissive"},
		{"BSD-3-clause-with-weird numbering", "LicenseRef-deb-BSD-3-clause-with-weird-numbering"},
		{"GPL-2+_or_foo", "LicenseRef-deb-GPL-2-plus-or-foo"},
	}
	for _, tt := range tests {
		if got := mapShortName(tt.in).String(); got != tt.want {
			t.Errorf("mapShortName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLicenseRef(t *testing.T) {
	long := strings.Repeat("word-", 40)
	got := licenseRef(long)
	if len(got) > len("LicenseRef-deb-")+maxRefLen || strings.HasSuffix(got, "-") {
		t.Errorf("licenseRef of a long name = %q", got)
	}
	if got := licenseRef("!!!"); got != unnamedRef {
		t.Errorf("licenseRef of punctuation = %q, want %q", got, unnamedRef)
	}
}

// The expressions below come from real copyright files of Debian 12.
func TestParseCopyrightReal(t *testing.T) {
	tests := []struct {
		pkg  string
		dep5 bool
		want string
	}{
		{"zlib1g", true, "Zlib"},
		// debian/* (Expat) is the packaging and is left out; BSD or GPL
		// stays a choice; the zlib and Expat files are added.
		{"libzstd1", true, "(BSD-3-Clause OR GPL-2.0-only) AND Zlib AND MIT"},
		// "Files:" with its patterns on the continuation lines.
		{"tar", true, "GPL-3.0-or-later AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LGPL-3.0-or-later"},
		{"libtext-iconv-perl", true, "Artistic-1.0-Perl OR GPL-1.0-or-later"},
		{"readline-common", true, "GPL-3.0-or-later AND GPL-2.0-or-later AND GFDL-1.3-no-invariants-or-later AND LicenseRef-deb-ISC-no-attribution"},
		{"perl-base", true, "(GPL-1.0-or-later OR Artistic-1.0-Perl) AND MIT AND LicenseRef-deb-REGCOMP AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LicenseRef-deb-Unicode AND LicenseRef-deb-BZIP AND Zlib AND Artistic-1.0-Perl AND (GPL-2.0-or-later OR Artistic-1.0-Perl) AND (MIT OR GPL-1.0-or-later OR Artistic-1.0-Perl) AND LicenseRef-deb-RRA-KEEP-THIS-NOTICE AND LicenseRef-deb-BSD-3-clause-with-weird-numbering-exception AND CC0-1.0 AND LicenseRef-deb-TEXT-TABS AND LicenseRef-deb-BSD-4-clause-POWERDOG AND LicenseRef-deb-BSD-3-clause-GENERIC AND BSD-3-Clause AND LicenseRef-deb-SDBM-PUBLIC-DOMAIN AND LicenseRef-deb-DONT-CHANGE-THE-GPL AND (GPL-1.0-or-later OR Artistic-1.0-Perl OR Artistic-dist) AND Artistic-dist"},
		// Free text: the license identifier reads these.
		{"gcc-12-base", false, ""},
		{"libc6", false, ""},
		{"python3", false, ""},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join("testdata/root/usr/share/doc", tt.pkg, "copyright"))
		if err != nil {
			t.Fatal(err)
		}
		got := parseCopyright(data)
		if got.DEP5 != tt.dep5 || got.Expression != tt.want {
			t.Errorf("%s: got %+v, want DEP5 %v, %q", tt.pkg, got, tt.dep5, tt.want)
		}
	}
}

func TestParseCopyright(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{
			name: "paragraphs join with AND, repeats dropped",
			doc: "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n" +
				"Files: *\nCopyright: 2000 A\nLicense: GPL-2+ or MIT\n\n" +
				"Files: lib/*\nLicense: MIT or GPL-2+\n\n" +
				"Files: contrib/*\nLicense: BSD-3-clause\n\n" +
				"License: GPL-2+\n On Debian systems, the full text is in /usr/share/common-licenses/GPL-2.\n",
			want: "(GPL-2.0-or-later OR MIT) AND BSD-3-Clause",
		},
		{
			name: "only packaging paragraphs: they are all there is",
			doc:  "Format: x\n\nFiles: debian/*\nLicense: GPL-2+\n",
			want: "GPL-2.0-or-later",
		},
		{
			name: "header license when no Files paragraph names one",
			doc:  "Format: x\nLicense: Apache-2.0\n\nFiles: *\nCopyright: someone\n",
			want: "Apache-2.0",
		},
		{
			name: "header without license and no files",
			doc:  "Format: x\nUpstream-Name: y\n",
			want: "",
		},
		{
			name: "CRLF and an indented license text",
			doc:  "Format: x\r\n\r\nFiles: *\r\nLicense: ISC\r\n Permission to use, copy, modify.\r\n .\r\n THE SOFTWARE IS PROVIDED AS IS.\r\n",
			want: "ISC",
		},
	}
	for _, tt := range tests {
		got := parseCopyright([]byte(tt.doc))
		if !got.DEP5 || got.Expression != tt.want {
			t.Errorf("%s: got %+v, want %q", tt.name, got, tt.want)
		}
	}
	if got := parseCopyright([]byte("This package was debianized by someone.\n\nLicense: GPL\n")); got.DEP5 || got.Expression != "" {
		t.Errorf("free text read as machine-readable: %+v", got)
	}
}

// The identify stage reads the files of a component's directory that
// license.IsLicenseFile accepts; the doc directory is given as Dir on the
// strength of "copyright" being one of them.
func TestCopyrightIsALicenseFile(t *testing.T) {
	if kind, ok := license.IsLicenseFile("copyright"); !ok || kind != license.KindNotice {
		t.Errorf("IsLicenseFile(copyright) = %q, %v; the deb extractor relies on it being a notice", kind, ok)
	}
}

func FuzzParseCopyright(f *testing.F) {
	paths, err := filepath.Glob("testdata/*/usr/share/doc/*/copyright")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Format: x\n\nFiles: *\nLicense: (GPL-2+ or (MIT and BSD-3-clause)), or Perl | GPL-3 with Font exception\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := parseCopyright(data)
		if !got.DEP5 && got.Expression != "" {
			t.Fatalf("an expression from a file that is not machine-readable: %q", got.Expression)
		}
		if got.Expression == "" {
			return
		}
		// Whatever the file says, the result is a valid SPDX expression.
		if _, err := license.Check(got.Expression); err != nil {
			t.Fatalf("%q is not a valid SPDX expression: %v", got.Expression, err)
		}
	})
}
