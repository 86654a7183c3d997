package deb

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

// scan runs a whole scan with the deb extractor on one fixture root.
func scan(t *testing.T, dir string) *inventory.Inventory {
	t.Helper()
	return inventorytest.Scan(t, New(), dir, filepath.Base(dir), inventory.Options{})
}

// comp is what a test checks of a component.
type comp struct {
	Name, Version, PURL string
	Direct              bool
	Licenses            []string
	Dir                 string // relative to the root, "" when none
	Supplier, Homepage  string
}

func summarize(t *testing.T, root string, p *inventory.Project) []comp {
	t.Helper()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []comp
	for _, c := range p.Components {
		dir := ""
		if c.Dir != "" {
			rel, err := filepath.Rel(abs, c.Dir)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s: Dir %s is outside the root", c.Name, c.Dir)
			}
			dir = filepath.ToSlash(rel)
		}
		if c.Scope != inventory.ScopeProd || !c.Installed || c.Ecosystem != "deb" {
			t.Errorf("%s: scope %q, installed %v, ecosystem %q", c.Name, c.Scope, c.Installed, c.Ecosystem)
		}
		out = append(out, comp{c.Name, c.Version, c.PURL, c.Direct, c.DeclaredLicenses, dir, c.Supplier, c.Homepage})
	}
	return out
}

func TestExtractRoot(t *testing.T) {
	inv := scan(t, "testdata/root")
	if len(inv.Problems) != 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects, want 1", len(inv.Projects))
	}
	p := inv.Projects[0]
	head := struct{ Eco, Name, Version, Path, Source string }{p.Ecosystem, p.Name, p.Version, p.Path, p.Source}
	if diff := cmp.Diff(struct{ Eco, Name, Version, Path, Source string }{"deb", "debian", "12", "root/var/lib/dpkg/status", "dpkg"}, head); diff != "" {
		t.Errorf("project (-want +got):\n%s", diff)
	}
	wantNotes := []string{
		"operating system: Debian GNU/Linux 12 (bookworm)",
		"3 dependencies are not satisfied by any installed package: python3 needs python3.11, python3 needs libpython3-stdlib, python3-minimal needs python3.11-minimal",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	const q = "?arch=amd64&distro=debian-12"
	doc := func(n string) string { return "usr/share/doc/" + n }
	want := []comp{
		{"base-files", "12.4+deb12u11", "pkg:deb/debian/base-files@12.4%2Bdeb12u11" + q, true, nil, doc("base-files"), "Santiago Vila", ""},
		{"dpkg", "1.21.22", "pkg:deb/debian/dpkg@1.21.22" + q, false, []string{"GPL-2.0-or-later AND GPL-2.0-only AND BSD-2-Clause AND LicenseRef-deb-public-domain-s-s-d"}, doc("dpkg"), "Dpkg Developers", "https://wiki.debian.org/Teams/Dpkg"},
		{"gcc-12-base", "12.2.0-14+deb12u1", "pkg:deb/debian/gcc-12-base@12.2.0-14%2Bdeb12u1" + q + "&upstream=gcc-12", false, nil, doc("gcc-12-base"), "Debian GCC Maintainers", "http://gcc.gnu.org/"},
		{"libacl1", "2.3.1-3", "pkg:deb/debian/libacl1@2.3.1-3" + q + "&upstream=acl", false, []string{"GPL-2.0-or-later AND LGPL-2.0-or-later"}, doc("libacl1"), "Guillem Jover", "https://savannah.nongnu.org/projects/acl/"},
		{"libbz2-1.0", "1.0.8-5+b1", "pkg:deb/debian/libbz2-1.0@1.0.8-5%2Bb1" + q + "&upstream=bzip2%401.0.8-5", false, []string{"LicenseRef-deb-BSD-variant"}, doc("libbz2-1.0"), "Anibal Monsalve Salazar", "https://sourceware.org/bzip2/"},
		{"libc6", "2.36-9+deb12u14", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14" + q + "&upstream=glibc", false, nil, doc("libc6"), "GNU Libc Maintainers", "https://www.gnu.org/software/libc/libc.html"},
		{"libcrypt1", "1:4.4.33-2", "pkg:deb/debian/libcrypt1@1:4.4.33-2" + q + "&upstream=libxcrypt", false, nil, doc("libcrypt1"), "Marco d'Itri", ""},
		// Its doc directory is a link to gcc-12-base's.
		{"libgcc-s1", "12.2.0-14+deb12u1", "pkg:deb/debian/libgcc-s1@12.2.0-14%2Bdeb12u1" + q + "&upstream=gcc-12", false, nil, doc("gcc-12-base"), "Debian GCC Maintainers", "http://gcc.gnu.org/"},
		{"liblzma5", "5.4.1-1", "pkg:deb/debian/liblzma5@5.4.1-1" + q + "&upstream=xz-utils", false, []string{"LicenseRef-public-domain AND LicenseRef-deb-probably-PD AND GPL-2.0-or-later AND LGPL-2.1-or-later AND LicenseRef-deb-permissive-fsf AND LicenseRef-deb-Autoconf AND LicenseRef-deb-permissive-nowarranty AND GPL-2.0-only AND LicenseRef-deb-none AND LicenseRef-deb-config-h AND LicenseRef-deb-noderivs"}, doc("liblzma5"), "Sebastian Andrzej Siewior", "https://tukaani.org/xz/"},
		{"libmd0", "1.0.4-2", "pkg:deb/debian/libmd0@1.0.4-2" + q + "&upstream=libmd", false, []string{"BSD-3-Clause AND LicenseRef-deb-BSD-3-clause-Aaron-D-Gifford AND BSD-2-Clause AND BSD-2-Clause-NetBSD AND ISC AND Beerware AND LicenseRef-deb-public-domain-md4 AND LicenseRef-deb-public-domain-md5 AND LicenseRef-deb-public-domain-sha1"}, doc("libmd0"), "Guillem Jover", "https://www.hadrons.org/software/libmd/"},
		{"libpcre2-8-0", "10.42-1", "pkg:deb/debian/libpcre2-8-0@10.42-1" + q + "&upstream=pcre2", false, []string{"LicenseRef-deb-BSD-3-clause-Cambridge-with-BINARY-LIBRARY-LIKE-PACKAGES-exception AND BSD-3-Clause AND X11 AND BSD-2-Clause AND LicenseRef-public-domain"}, doc("libpcre2-8-0"), "Matthew Vernon", "https://pcre.org/"},
		{"libselinux1", "3.4-1+b6", "pkg:deb/debian/libselinux1@3.4-1%2Bb6" + q + "&upstream=libselinux%403.4-1", false, nil, doc("libselinux1"), "Debian SELinux maintainers", "https://selinuxproject.org"},
		{"libtext-iconv-perl", "1.7-8", "pkg:deb/debian/libtext-iconv-perl@1.7-8" + q, true, []string{"Artistic-1.0-Perl OR GPL-1.0-or-later"}, doc("libtext-iconv-perl"), "Debian Perl Group", "https://metacpan.org/release/Text-Iconv"},
		{"libzstd1", "1.5.4+dfsg2-5", "pkg:deb/debian/libzstd1@1.5.4%2Bdfsg2-5" + q + "&upstream=libzstd", false, []string{"(BSD-3-Clause OR GPL-2.0-only) AND Zlib AND MIT"}, doc("libzstd1"), "RPM packaging team", "https://github.com/facebook/zstd"},
		{"mawk", "1.3.4.20200120-3.1", "pkg:deb/debian/mawk@1.3.4.20200120-3.1" + q, false, []string{"GPL-2.0-only AND X11 AND CC-BY-3.0"}, doc("mawk"), "Boyuan Yang", "https://invisible-island.net/mawk/"},
		{"perl-base", "5.36.0-7+deb12u4", "pkg:deb/debian/perl-base@5.36.0-7%2Bdeb12u4" + q + "&upstream=perl", false, []string{"(GPL-1.0-or-later OR Artistic-1.0-Perl) AND MIT AND LicenseRef-deb-REGCOMP AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LicenseRef-deb-Unicode AND LicenseRef-deb-BZIP AND Zlib AND Artistic-1.0-Perl AND (GPL-2.0-or-later OR Artistic-1.0-Perl) AND (MIT OR GPL-1.0-or-later OR Artistic-1.0-Perl) AND LicenseRef-deb-RRA-KEEP-THIS-NOTICE AND LicenseRef-deb-BSD-3-clause-with-weird-numbering-exception AND CC0-1.0 AND LicenseRef-deb-TEXT-TABS AND LicenseRef-deb-BSD-4-clause-POWERDOG AND LicenseRef-deb-BSD-3-clause-GENERIC AND BSD-3-Clause AND LicenseRef-deb-SDBM-PUBLIC-DOMAIN AND LicenseRef-deb-DONT-CHANGE-THE-GPL AND (GPL-1.0-or-later OR Artistic-1.0-Perl OR Artistic-dist) AND Artistic-dist"}, doc("perl-base"), "Niko Tyni", "http://dev.perl.org/perl5/"},
		{"python3", "3.11.2-1+b1", "pkg:deb/debian/python3@3.11.2-1%2Bb1" + q + "&upstream=python3-defaults%403.11.2-1", false, nil, doc("python3"), "Matthias Klose", "https://www.python.org/"},
		{"python3-minimal", "3.11.2-1+b1", "pkg:deb/debian/python3-minimal@3.11.2-1%2Bb1" + q + "&upstream=python3-defaults%403.11.2-1", false, nil, doc("python3-minimal"), "Matthias Klose", "https://www.python.org/"},
		{"python3-six", "1.16.0-4", "pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12&upstream=six", true, []string{"MIT"}, doc("python3-six"), "Debian Python Team", "https://github.com/benjaminp/six"},
		{"readline-common", "8.2-1.3", "pkg:deb/debian/readline-common@8.2-1.3?arch=all&distro=debian-12&upstream=readline", true, []string{"GPL-3.0-or-later AND GPL-2.0-or-later AND GFDL-1.3-no-invariants-or-later AND LicenseRef-deb-ISC-no-attribution"}, doc("readline-common"), "Matthias Klose", ""},
		{"tar", "1.34+dfsg-1.2+deb12u1", "pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1" + q, false, []string{"GPL-3.0-or-later AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LGPL-3.0-or-later"}, doc("tar"), "Janos Lenart", "https://www.gnu.org/software/tar/"},
		{"zlib1g", "1:1.2.13.dfsg-1", "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1" + q + "&upstream=zlib", false, []string{"Zlib"}, doc("zlib1g"), "Mark Brown", "http://zlib.net/"},
	}
	if diff := cmp.Diff(want, summarize(t, "testdata/root", p)); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	k := func(n, v string) string { return inventory.Key("deb", n, v) }
	libc := k("libc6", "2.36-9+deb12u14")
	wantEdges := map[string][]string{
		// Roots: the packages nothing else depends on.
		"": {k("base-files", "12.4+deb12u11"), k("libtext-iconv-perl", "1.7-8"), k("python3-six", "1.16.0-4"), k("readline-common", "8.2-1.3")},
		// Pre-Depends: awk, a virtual package mawk provides.
		k("base-files", "12.4+deb12u11"): {k("mawk", "1.3.4.20200120-3.1")},
		k("dpkg", "1.21.22"): {k("libbz2-1.0", "1.0.8-5+b1"), libc, k("liblzma5", "5.4.1-1"), k("libmd0", "1.0.4-2"),
			k("libselinux1", "3.4-1+b6"), k("libzstd1", "1.5.4+dfsg2-5"), k("zlib1g", "1:1.2.13.dfsg-1"), k("tar", "1.34+dfsg-1.2+deb12u1")},
		k("libacl1", "2.3.1-3"):             {libc},
		k("libbz2-1.0", "1.0.8-5+b1"):       {libc},
		libc:                                {k("libgcc-s1", "12.2.0-14+deb12u1")},
		k("libcrypt1", "1:4.4.33-2"):        {libc},
		k("libgcc-s1", "12.2.0-14+deb12u1"): {k("gcc-12-base", "12.2.0-14+deb12u1"), libc},
		k("liblzma5", "5.4.1-1"):            {libc},
		k("libmd0", "1.0.4-2"):              {libc},
		k("libpcre2-8-0", "10.42-1"):        {libc},
		k("libselinux1", "3.4-1+b6"):        {libc, k("libpcre2-8-0", "10.42-1")},
		k("libtext-iconv-perl", "1.7-8"):    {libc, k("perl-base", "5.36.0-7+deb12u4")},
		k("libzstd1", "1.5.4+dfsg2-5"):      {libc},
		k("mawk", "1.3.4.20200120-3.1"):     {libc},
		k("perl-base", "5.36.0-7+deb12u4"):  {libc, k("libcrypt1", "1:4.4.33-2"), k("dpkg", "1.21.22")},
		k("python3-minimal", "3.11.2-1+b1"): {k("dpkg", "1.21.22")},
		k("python3-six", "1.16.0-4"):        {k("python3", "3.11.2-1+b1")},
		k("python3", "3.11.2-1+b1"):         {k("python3-minimal", "3.11.2-1+b1")},
		k("readline-common", "8.2-1.3"):     {k("dpkg", "1.21.22")},
		k("tar", "1.34+dfsg-1.2+deb12u1"):   {k("libacl1", "2.3.1-3"), libc, k("libselinux1", "3.4-1+b6")},
		k("zlib1g", "1:1.2.13.dfsg-1"):      {libc},
	}
	if diff := cmp.Diff(wantEdges, p.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	for _, c := range p.Components {
		if len(c.Paths) == 0 {
			t.Errorf("%s has no dependency path", c.Name)
		}
		if c.Name == "dpkg" && !cmp.Equal(c.Paths[0], []string{"libtext-iconv-perl@1.7-8", "perl-base@5.36.0-7+deb12u4", "dpkg@1.21.22"}) &&
			!cmp.Equal(c.Paths[0], []string{"readline-common@8.2-1.3", "dpkg@1.21.22"}) {
			t.Errorf("dpkg paths: %v", c.Paths)
		}
	}
}

func TestExtractDistroless(t *testing.T) {
	inv := scan(t, "testdata/distroless")
	if len(inv.Problems) != 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	p := inv.Projects[0]
	if p.Name != "debian" || p.Version != "" || p.Path != "distroless/var/lib/dpkg/status.d" {
		t.Errorf("project %s %s at %s", p.Name, p.Version, p.Path)
	}
	wantNotes := []string{
		"no os-release found in the root; the distribution is taken to be debian",
		"1 of 5 packages have no copyright file under usr/share/doc/ (documentation removed from the image?)",
		"2 dependencies are not satisfied by any installed package: base-files needs awk, libgcc-s1 needs gcc-12-base",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	want := []comp{
		{"base-files", "12.4+deb12u11", "pkg:deb/debian/base-files@12.4%2Bdeb12u11?arch=amd64", true, nil, "usr/share/doc/base-files", "Santiago Vila", ""},
		{"libc6", "2.36-9+deb12u14", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&upstream=glibc", false, nil, "usr/share/doc/libc6", "GNU Libc Maintainers", "https://www.gnu.org/software/libc/libc.html"},
		// Its doc link points to gcc-12-base, which the image lacks.
		{"libgcc-s1", "12.2.0-14+deb12u1", "pkg:deb/debian/libgcc-s1@12.2.0-14%2Bdeb12u1?arch=amd64&upstream=gcc-12", false, nil, "", "Debian GCC Maintainers", "http://gcc.gnu.org/"},
		{"libssl3", "3.0.19-1~deb12u2", "pkg:deb/debian/libssl3@3.0.19-1~deb12u2?arch=amd64&upstream=openssl", true, []string{"Apache-2.0 AND (Artistic-1.0-Perl OR GPL-1.0-or-later)"}, "usr/share/doc/libssl3", "Debian OpenSSL Team", "https://www.openssl.org/"},
		{"netbase", "6.4", "pkg:deb/debian/netbase@6.4?arch=all", true, []string{"GPL-2.0-only"}, "usr/share/doc/netbase", "Marco d'Itri", ""},
	}
	if diff := cmp.Diff(want, summarize(t, "testdata/distroless", p)); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	for _, c := range p.Components {
		if want := []string{"distroless/var/lib/dpkg/status.d/" + c.Name}; !cmp.Equal(c.Locations, want) {
			t.Errorf("%s locations %v, want %v", c.Name, c.Locations, want)
		}
	}
}

func TestExtractStates(t *testing.T) {
	inv := scan(t, "testdata/states")
	wantProblems := []inventory.Problem{
		{Path: "states/var/lib/dpkg/status", Message: "paragraph at line 74 has no Package field"},
		{Path: "states/var/lib/dpkg/status", Message: `package badstatus (line 77) has a Status of 2 words, not 3: "install installed"`},
		{Path: "states/var/lib/dpkg/status", Message: `line 85 is not a field ("this line is not a field")`},
	}
	if diff := cmp.Diff(wantProblems, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	p := inv.Projects[0]
	wantNotes := []string{
		"operating system: Ubuntu 22.04.4 LTS",
		"2 packages recorded but not installed were left out: gone (config-files), purged (not-installed)",
		"1 package is half-installed (files may be incomplete): half",
		"1 package is recorded twice; the first record was used: mawk",
		"9 of 9 packages have no copyright file under usr/share/doc/ (documentation removed from the image?)",
		"1 dependency is not satisfied by any installed package: base-files needs nothing-provides-this",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	var got []string
	for _, c := range p.Components {
		got = append(got, c.Name+" "+c.PURL)
	}
	const q = "&distro=ubuntu-22.04"
	want := []string{
		"libc6 pkg:deb/ubuntu/libc6@2.36-9%2Bdeb12u14?arch=amd64" + q,
		// Foreign-architecture builds are named as dpkg names them.
		"libc6:i386 pkg:deb/ubuntu/libc6@2.36-9%2Bdeb12u14?arch=i386" + q,
		"libgcc-s1 pkg:deb/ubuntu/libgcc-s1@12.2.0-14%2Bdeb12u1?arch=amd64" + q,
		"libgcc-s1:i386 pkg:deb/ubuntu/libgcc-s1@12.2.0-14%2Bdeb12u1?arch=i386" + q,
		"wine32:i386 pkg:deb/ubuntu/wine32@8.0~repack-4?arch=i386" + q,
		"mawk pkg:deb/ubuntu/mawk@1.3.4.20200120-3.1?arch=amd64" + q,
		"base-files pkg:deb/ubuntu/base-files@12.4%2Bdeb12u11?arch=amd64" + q,
		"half pkg:deb/ubuntu/half@1.0?arch=all" + q,
		"withbadline pkg:deb/ubuntu/withbadline@1.0?arch=all" + q,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	k := func(n, v string) string { return inventory.Key("deb", n, v) }
	libc, libc32 := k("libc6", "2.36-9+deb12u14"), k("libc6:i386", "2.36-9+deb12u14")
	gcc, gcc32 := k("libgcc-s1", "12.2.0-14+deb12u1"), k("libgcc-s1:i386", "12.2.0-14+deb12u1")
	wantEdges := map[string][]string{
		"": {k("wine32:i386", "8.0~repack-4"), k("base-files", "12.4+deb12u11"), k("half", "1.0"), k("withbadline", "1.0")},
		// An i386 package depends on the i386 libraries.
		k("wine32:i386", "8.0~repack-4"): {libc32, gcc32},
		libc:                             {gcc},
		libc32:                           {gcc32},
		gcc:                              {libc},
		gcc32:                            {libc32},
		k("mawk", "1.3.4.20200120-3.1"):  {libc},
		// awk through Provides; "gawk | mawk:any" to the installed
		// alternative.
		k("base-files", "12.4+deb12u11"): {k("mawk", "1.3.4.20200120-3.1")},
	}
	if diff := cmp.Diff(wantEdges, p.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

// linkedRoot builds a system root whose doc directories are links an
// untrusted image may hold: within the root, out of it, and in a loop.
func linkedRoot(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "secret")
	for _, d := range []string{filepath.Join(root, "usr/share/doc/real"), filepath.Join(root, "usr/lib"), filepath.Join(root, "etc"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for p, s := range map[string]string{
		filepath.Join(root, "usr/share/doc/real/copyright"): "inside",
		filepath.Join(root, "usr/lib/os-release"):           "ID=debian\n",
		filepath.Join(outside, "copyright"):                 "outside",
	} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range map[string]string{
		"usr/share/doc/absolute": "/usr/share/doc/real",
		"usr/share/doc/escape":   "../../../../secret",
		"usr/share/doc/abs-out":  outside,
		"usr/share/doc/loop":     "loop",
		"etc/os-release":         "../usr/lib/os-release",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	return root
}

// A doc directory that links out of the root must not lead the license
// reading there.
func TestExtractLinksStayInRoot(t *testing.T) {
	root := linkedRoot(t)
	status := "Package: real\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n" +
		"Package: absolute\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n" +
		"Package: escape\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n" +
		"Package: abs-out\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n" +
		"Package: loop\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n"
	if err := os.MkdirAll(filepath.Join(root, "var/lib/dpkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	inv := scan(t, root)
	dirs := map[string]string{}
	for _, c := range inv.Projects[0].Components {
		dirs[c.Name] = c.Dir
	}
	real := filepath.Join(root, "usr/share/doc/real")
	want := map[string]string{"real": real, "absolute": real, "escape": "", "abs-out": "", "loop": ""}
	if diff := cmp.Diff(want, dirs); diff != "" {
		t.Errorf("Dir by package (-want +got):\n%s", diff)
	}
	wantProblems := []inventory.Problem{{Path: "root/usr/share/doc/loop/copyright", Message: "find copyright file: resolve: too many levels of symbolic links"}}
	if diff := cmp.Diff(wantProblems, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestWants(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"var/lib/dpkg/status", true},
		{"var/lib/dpkg/status.d/libc6", true},
		{"var/lib/dpkg/status.d/libc6.md5sums", false},
		{"var/lib/dpkg/status.d/sub/x", false},
		{"var/lib/dpkg/status-old", false},
		{"image/var/lib/dpkg/status", false},
		{"status", false},
	}
	for _, tt := range tests {
		if got := New().Wants(tt.rel, inventorytest.Entry(filepath.Base(tt.rel), 0)); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
	if New().Wants("var/lib/dpkg/status", inventorytest.Entry("status", fs.ModeSymlink)) {
		t.Error("Wants a symlinked status file")
	}
}

func TestSupports(t *testing.T) {
	s := New().Supports()
	if len(s) == 0 || s[0].Files == "" || s[0].Gives == "" || s[0].Licenses == "" {
		t.Errorf("Supports() = %+v", s)
	}
}

// TestThisMachine scans the dpkg database of the machine running the test:
// every package dpkg has on disk is a component, and nothing is a problem.
func TestThisMachine(t *testing.T) {
	const status = "/var/lib/dpkg/status"
	f, err := os.Open(status)
	if err != nil {
		t.Skip("no dpkg database here")
	}
	// Count the packages independently of the parser: a Status line whose
	// last word is a state with the files on disk.
	want := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if st, ok := strings.CutPrefix(sc.Text(), "Status: "); ok {
			words := strings.Fields(st)
			switch words[len(words)-1] {
			case "config-files", "not-installed":
			default:
				want++
			}
		}
	}
	f.Close()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	ps, problems, err := New().Extract(context.Background(), "/", []string{status}, inventory.Options{Root: "/", Display: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Errorf("problems: %v", problems)
	}
	if len(ps) != 1 {
		t.Fatalf("%d projects", len(ps))
	}
	p := ps[0]
	if len(p.Components) != want {
		t.Errorf("%d components, want %d", len(p.Components), want)
	}
	keys := map[string]bool{}
	var noPath []string
	for _, c := range p.Components {
		if keys[c.Key()] {
			t.Errorf("key %s twice", c.Key())
		}
		keys[c.Key()] = true
		if len(c.Paths) == 0 {
			noPath = append(noPath, c.Name)
		}
		if c.Dir != "" && !strings.HasPrefix(c.Dir, "/usr/share/doc/") {
			t.Errorf("%s: Dir %s", c.Name, c.Dir)
		}
	}
	sort.Strings(noPath)
	if len(noPath) > 0 {
		t.Errorf("components without a path from the root: %v", noPath)
	}
	t.Logf("%d packages, %d roots, notes %q", len(p.Components), len(p.Edges[inventory.RootKey]), p.Notes)
}
