package apk

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func parseAll(t *testing.T, doc string, limit int64) ([]*apkPackage, []string, error) {
	t.Helper()
	var got []*apkPackage
	msgs, err := parseInstalled(strings.NewReader(doc), limit, func(p *apkPackage) { got = append(got, p) })
	return got, msgs, err
}

func TestParseInstalled(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []*apkPackage
		msgs []string
	}{
		{
			name: "a real record with its files",
			doc: "C:Q1fihnCSoO3udDb3DkQwtrfd42MJQ=\nP:ssl_client\nV:1.36.1-r29\nA:x86_64\nS:4693\nI:28672\n" +
				"T:EXternal ssl_client for busybox wget\nU:https://busybox.net/\nL:GPL-2.0-only\no:busybox\n" +
				"m:Sören Tempel <soeren+alpine@soeren-tempel.net>\nt:1718003507\nc:1747c01fb96905f101c25609011589d28e01cbb8\n" +
				"D:so:libc.musl-x86_64.so.1 so:libcrypto.so.3 so:libssl.so.3\np:cmd:ssl_client=1.36.1-r29\ni:busybox=1.36.1-r29 libssl3\n" +
				"r:busybox-initscripts\nF:usr\nF:usr/bin\nR:ssl_client\na:0:0:755\nZ:Q17ea2B/9nv4u5qrlFzAiV6pOG9VA=\n",
			want: []*apkPackage{{
				Name: "ssl_client", Version: "1.36.1-r29", Arch: "x86_64", License: "GPL-2.0-only",
				URL: "https://busybox.net/", Maintainer: "Sören Tempel <soeren+alpine@soeren-tempel.net>",
				Origin: "busybox", Checksum: "Q1fihnCSoO3udDb3DkQwtrfd42MJQ=",
				Depends:  []string{"so:libc.musl-x86_64.so.1", "so:libcrypto.so.3", "so:libssl.so.3"},
				Provides: []string{"cmd:ssl_client"}, InstallIf: true, Line: 1,
			}},
		},
		{
			name: "versions, conflicts, provider priority, paths",
			doc:  "P:a\nV:1\nk:900\nD:musl>=1.2.3_git20230424 libcurl=8.9.0-r0 !vlan /bin/sh b<2 c~3\np:/bin/sh cmd:sh=1 ifupdown-any\n",
			want: []*apkPackage{{
				Name: "a", Version: "1", Priority: 900,
				Depends:  []string{"musl", "libcurl", "/bin/sh", "b", "c"},
				Provides: []string{"/bin/sh", "cmd:sh", "ifupdown-any"}, Line: 1,
			}},
		},
		{
			name: "several records, blank lines, CRLF, no final newline",
			doc:  "\n\nP:a\r\nV:1\r\n\r\n\r\nP:b\r\nV:2",
			want: []*apkPackage{{Name: "a", Version: "1", Line: 3}, {Name: "b", Version: "2", Line: 7}},
		},
		{
			name: "the first value of a field counts",
			doc:  "P:a\nV:1\nF:usr\nR:x\nZ:Q1aaa\nR:y\nZ:Q1bbb\nP:b\n",
			want: []*apkPackage{{Name: "a", Version: "1", Line: 1}},
		},
		{
			name: "records that are not packages",
			doc:  "P:a\nA:x86_64\n\nV:1\n\nnot a field\nX\nP:c\nV:3\n",
			want: []*apkPackage{{Name: "c", Version: "3", Line: 8}},
			msgs: []string{
				"package a (line 1) has no version (V:)",
				"record at line 4 has no package name (P:)",
				`line 6 is not a field ("not a field")`,
				`line 7 is not a field ("X")`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msgs, err := parseAll(t, tt.doc, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.msgs, msgs); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseInstalledBounds(t *testing.T) {
	doc := "P:a\nV:1\n\nP:b\nV:2\n\nP:c\nV:3\n"
	got, _, err := parseAll(t, doc, 12)
	if !errors.Is(err, errTooLarge) || len(got) != 1 || got[0].Name != "a" {
		t.Errorf("over the limit: %d packages, err %v", len(got), err)
	}
	if got, _, err := parseAll(t, doc, int64(len(doc))); err != nil || len(got) != 3 {
		t.Errorf("exactly the limit: %d packages, err %v", len(got), err)
	}
	long := "P:a\nV:1\np:" + strings.Repeat("x", maxLine) + "\n"
	got, msgs, err := parseAll(t, long, 1<<30)
	if err != nil || len(got) != 1 || len(got[0].Provides) != 0 {
		t.Errorf("long line: %v, %v", got, err)
	}
	if want := []string{"line 3 is longer than 4194304 bytes"}; !cmp.Equal(want, msgs) {
		t.Errorf("long line messages: %q", msgs)
	}
}

func TestChecksum(t *testing.T) {
	tests := []struct{ in, alg, hex string }{
		// Decoded independently of this code (base64 → hex).
		{"Q1PS2iNeHDH3BF6TgqSMu/pcc3XIY=", "SHA-1", "3d2da235e1c31f7045e9382a48cbbfa5c7375c86"},
		{"Q1m6byU+KYLg5ucctBh+PWtsS7rpk=", "SHA-1", "9ba6f253e2982e0e6e71cb4187e3d6b6c4bbae99"},
		{"D41D8CD98F00B204E9800998ECF8427E", "MD5", "d41d8cd98f00b204e9800998ecf8427e"},
		{"Q1notbase64!!", "", ""},
		{"Q1AAAA", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if alg, h := checksum(tt.in); alg != tt.alg || h != tt.hex {
			t.Errorf("checksum(%q) = %q %q, want %q %q", tt.in, alg, h, tt.alg, tt.hex)
		}
	}
}

func TestDepName(t *testing.T) {
	for in, want := range map[string]string{
		"musl>=1.2.3_git20230424":  "musl",
		"so:libc.musl-x86_64.so.1": "so:libc.musl-x86_64.so.1",
		"libcurl=8.9.0-r0":         "libcurl",
		"foo@edge":                 "foo",
		"foo@edge>1":               "foo",
		"cmd:apk":                  "cmd:apk",
		"/bin/sh":                  "/bin/sh",
		"=1":                       "",
	} {
		if got := depName(in); got != want {
			t.Errorf("depName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseInstalled(f *testing.F) {
	paths, err := filepath.Glob("testdata/*/lib/apk/db/installed")
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
	f.Add([]byte("P:a\nV:1\nD:!b c>=1 so:d\np:e=1 /bin/sh\nk:x\n\n\nP:\nV:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		_, err := parseInstalled(bytes.NewReader(data), int64(len(data)), func(p *apkPackage) {
			n++
			if p.Name == "" || p.Version == "" {
				t.Fatalf("package without name or version: %+v", p)
			}
			for _, d := range p.Depends {
				if d == "" || strings.HasPrefix(d, "!") || strings.ContainsAny(d, "<>=~ \t") {
					t.Fatalf("bad dependency name %q", d)
				}
			}
		})
		if err != nil {
			t.Fatalf("a database within its limit failed: %v", err)
		}
		if n > bytes.Count(data, []byte("P:")) {
			t.Fatalf("%d packages from %d P: fields", n, bytes.Count(data, []byte("P:")))
		}
	})
}
