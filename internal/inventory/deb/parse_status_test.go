package deb

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRelations(t *testing.T) {
	tests := []struct {
		in   string
		want [][]relation
	}{
		{"", nil},
		{"libc6 (>= 2.34), libpcre2-8-0 (>= 10.22)", [][]relation{{{Name: "libc6"}}, {{Name: "libpcre2-8-0"}}}},
		{"dpkg (>= 1.15.4) | install-info", [][]relation{{{Name: "dpkg"}, {Name: "install-info"}}}},
		{"perl:any, python3:any (>= 3.10.8-0~)", [][]relation{{{Name: "perl", Arch: "any"}}, {{Name: "python3", Arch: "any"}}}},
		{"gawk (>= 1:4)|mawk:amd64", [][]relation{{{Name: "gawk"}, {Name: "mawk", Arch: "amd64"}}}},
		{"foo [amd64 i386] <!nocheck>, bar<stage1>", [][]relation{{{Name: "foo"}}, {{Name: "bar"}}}},
		{"libgcc1 (= 1:12.2.0-14+deb12u1), ,", [][]relation{{{Name: "libgcc1"}}}},
		{"Libc6", [][]relation{{{Name: "libc6"}}}},
		{" | , :any", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseRelations(tt.in)); diff != "" {
			t.Errorf("parseRelations(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// realStanza is perl-base as dpkg recorded it on a Debian 12 system.
const realStanza = `Package: perl-base
Essential: yes
Status: install ok installed
Priority: required
Section: perl
Installed-Size: 7643
Maintainer: Niko Tyni <ntyni@debian.org>
Architecture: amd64
Source: perl
Version: 5.36.0-7+deb12u4
Replaces: libfile-path-perl (<< 2.18), libfile-temp-perl (<< 0.2311), libio-socket-ip-perl (<< 0.41), libscalar-list-utils-perl (<< 1:1.62), libsocket-perl (<< 2.033), libxsloader-perl (<< 0.31), perl (<< 5.36.0-2), perl-modules (<< 5.22.0~)
Provides: libfile-path-perl (= 2.18), libfile-temp-perl (= 0.2311), libio-socket-ip-perl (= 0.41), libscalar-list-utils-perl (= 1:1.62), libsocket-perl (= 2.033), libxsloader-perl (= 0.31), perlapi-5.36.0
Pre-Depends: libc6 (>= 2.35), libcrypt1 (>= 1:4.1.0), dpkg (>= 1.17.17)
Suggests: perl
Breaks: amanda-common (<< 1:3.3.9-2), libfile-spec-perl (<< 3.8400), perl (<< 5.36.0-2), perl-modules (<< 5.22.0~)
Conflicts: defoma (<< 0.11.12), doc-base (<< 0.10.3), mono-gac (<< 2.10.8.1-3), safe-rm (<< 0.8), update-inetd (<< 4.41)
Description: minimal Perl system
 Perl is a scripting language used in many system scripts and utilities.
 .
 This package provides a Perl interpreter and the small subset of the
 standard run-time library required to perform basic tasks.
Homepage: http://dev.perl.org/perl5/
`

func TestPackageOf(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want *dpkgPackage
		msg  string
	}{
		{
			name: "real perl-base",
			doc:  realStanza,
			want: &dpkgPackage{
				Name: "perl-base", Version: "5.36.0-7+deb12u4", Arch: "amd64", Source: "perl",
				Maintainer: "Niko Tyni <ntyni@debian.org>", Homepage: "http://dev.perl.org/perl5/",
				Priority: "required", Essential: true, Want: "install", State: "installed",
				Depends: [][]relation{{{Name: "libc6"}}, {{Name: "libcrypt1"}}, {{Name: "dpkg"}}},
				Provides: []string{"libfile-path-perl", "libfile-temp-perl", "libio-socket-ip-perl",
					"libscalar-list-utils-perl", "libsocket-perl", "libxsloader-perl", "perlapi-5.36.0"},
				Line: 1,
			},
		},
		{
			name: "source with its version, epoch in the version",
			doc:  "Package: libbz2-1.0\nStatus: install ok installed\nVersion: 1:1.0.8-5+b1\nSource: bzip2 (1.0.8-5)\nMulti-Arch: same\nArchitecture: amd64\nDepends: libc6 (>= 2.4)\n",
			want: &dpkgPackage{
				Name: "libbz2-1.0", Version: "1:1.0.8-5+b1", Arch: "amd64", Source: "bzip2", SourceVersion: "1.0.8-5",
				MultiArch: "same", Want: "install", State: "installed",
				Depends: [][]relation{{{Name: "libc6"}}}, Line: 1,
			},
		},
		{
			name: "control file without Status, as distroless keeps it",
			doc:  "Package: netbase\nVersion: 6.4\nArchitecture: all\n",
			want: &dpkgPackage{Name: "netbase", Version: "6.4", Arch: "all", Line: 1},
		},
		{
			name: "Depends folded over lines",
			doc:  "Package: a\nVersion: 1\nDepends: b,\n c | d\n",
			want: &dpkgPackage{Name: "a", Version: "1", Depends: [][]relation{{{Name: "b"}}, {{Name: "c"}, {Name: "d"}}}, Line: 1},
		},
		{name: "no name", doc: "Version: 1\n", msg: "paragraph at line 1 has no Package field"},
		{name: "no version", doc: "Package: a\n", msg: "package a (line 1) has no Version field"},
		{name: "short status", doc: "Package: a\nVersion: 1\nStatus: installed\n", msg: `package a (line 1) has a Status of 1 words, not 3: "installed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*dpkgPackage
			msgs, err := parseStatus(strings.NewReader(tt.doc), 1<<20, func(p *dpkgPackage) { got = append(got, p) })
			if err != nil {
				t.Fatal(err)
			}
			if tt.msg != "" {
				if len(got) != 0 || len(msgs) != 1 || msgs[0] != tt.msg {
					t.Fatalf("got packages %v, messages %q; want only %q", got, msgs, tt.msg)
				}
				return
			}
			if len(msgs) != 0 || len(got) != 1 {
				t.Fatalf("got %d packages, messages %q", len(got), msgs)
			}
			if diff := cmp.Diff(tt.want, got[0]); diff != "" {
				t.Errorf("package (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOnDisk(t *testing.T) {
	for state, want := range map[string]bool{
		"installed": true, "triggers-pending": true, "triggers-awaited": true, "half-configured": true,
		"unpacked": true, "half-installed": true, "": true,
		"config-files": false, "not-installed": false,
	} {
		if got := (&dpkgPackage{State: state}).onDisk(); got != want {
			t.Errorf("onDisk(%q) = %v, want %v", state, got, want)
		}
	}
}

func statusSeeds(f *testing.F) {
	for _, p := range []string{"testdata/root/var/lib/dpkg/status", "testdata/states/var/lib/dpkg/status"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	more, _ := filepath.Glob("testdata/distroless/var/lib/dpkg/status.d/*")
	for _, p := range more {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(realStanza))
	f.Add([]byte("Package: a\nVersion: 1\nDepends: b:any (>= 1) | c [amd64], d\nProvides: e (= 1)\n\n\nPackage: b\n"))
}

func FuzzParseStatus(f *testing.F) {
	statusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		_, err := parseStatus(bytes.NewReader(data), int64(len(data)), func(p *dpkgPackage) {
			n++
			if p.Name == "" || p.Version == "" {
				t.Fatalf("package without name or version: %+v", p)
			}
			if p.Name != strings.ToLower(p.Name) {
				t.Fatalf("name %q not lower case", p.Name)
			}
			for _, alts := range p.Depends {
				if len(alts) == 0 {
					t.Fatal("empty alternative list")
				}
				for _, r := range alts {
					if r.Name == "" || strings.ContainsAny(r.Name, " \t,|(") {
						t.Fatalf("bad relation name %q", r.Name)
					}
				}
			}
		})
		if err != nil {
			t.Fatalf("a document within its limit failed: %v", err)
		}
		if n > bytes.Count(data, []byte(":"))+1 {
			t.Fatalf("%d packages from %d colons", n, bytes.Count(data, []byte(":")))
		}
	})
}
