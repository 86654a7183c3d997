package apk

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

func scan(t *testing.T, dir string) *inventory.Inventory {
	t.Helper()
	return inventorytest.Scan(t, New(), dir, filepath.Base(dir), inventory.Options{})
}

// comp is what a test checks of a component.
type comp struct {
	Name, Version, PURL string
	Direct              bool
	Licenses            []string
	SHA1                string
	Supplier, Homepage  string
}

func summarize(t *testing.T, p *inventory.Project) []comp {
	t.Helper()
	var out []comp
	for _, c := range p.Components {
		if c.Scope != inventory.ScopeProd || !c.Installed || c.Ecosystem != "apk" || !cmp.Equal(c.Locations, []string{p.Path}) {
			t.Errorf("%s: scope %q, installed %v, ecosystem %q, locations %v", c.Name, c.Scope, c.Installed, c.Ecosystem, c.Locations)
		}
		if len(c.Paths) == 0 {
			t.Errorf("%s has no dependency path", c.Name)
		}
		sha := ""
		for _, h := range c.Hashes {
			if h.Algorithm == "SHA-1" {
				sha = h.Value
			}
		}
		out = append(out, comp{c.Name, c.Version, c.PURL, c.Direct, c.DeclaredLicenses, sha, c.Supplier, c.Homepage})
	}
	return out
}

func TestExtractAlpine320(t *testing.T) {
	inv := scan(t, "testdata/alpine320")
	if len(inv.Problems) != 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects", len(inv.Projects))
	}
	p := inv.Projects[0]
	type head struct{ Eco, Name, Version, Path, Source string }
	if diff := cmp.Diff(head{"apk", "alpine", "3.20.2", "alpine320/lib/apk/db/installed", "apk"}, head{p.Ecosystem, p.Name, p.Version, p.Path, p.Source}); diff != "" {
		t.Errorf("project (-want +got):\n%s", diff)
	}
	// ssl_client came in through install_if: it is a root, but not a
	// package installed without a reason.
	if diff := cmp.Diff([]string{"operating system: Alpine Linux v3.20"}, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	const q = "?arch=x86_64&distro=alpine-3.20.2"
	const copa, tempel = "Natanael Copa", "Sören Tempel"
	bl := "https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout"
	mozilla := "https://www.mozilla.org/en-US/about/governance/policies/security-group/certs/"
	want := []comp{
		{"alpine-baselayout", "3.6.5-r0", "pkg:apk/alpine/alpine-baselayout@3.6.5-r0" + q, true, []string{"GPL-2.0-only"}, "a8a719fa3db7c6cb005e681086438ef1d1e76d6c", copa, bl},
		{"alpine-baselayout-data", "3.6.5-r0", "pkg:apk/alpine/alpine-baselayout-data@3.6.5-r0" + q + "&upstream=alpine-baselayout", false, []string{"GPL-2.0-only"}, "ee68a6fb02f7e62304b428b0404a2fc1e2fc353d", copa, bl},
		{"alpine-keys", "2.4-r1", "pkg:apk/alpine/alpine-keys@2.4-r1" + q, true, []string{"MIT"}, "78ab5150a3919e474204e0f91972d1cf0a344f9d", copa, "https://alpinelinux.org"},
		{"apk-tools", "2.14.4-r0", "pkg:apk/alpine/apk-tools@2.14.4-r0" + q, true, []string{"GPL-2.0-only"}, "a8c5ec2451b123ac57e39b0cb6ceccdaf26d5099", copa, "https://gitlab.alpinelinux.org/alpine/apk-tools"},
		{"brotli-libs", "1.1.0-r2", "pkg:apk/alpine/brotli-libs@1.1.0-r2" + q + "&upstream=brotli", false, []string{"MIT"}, "bc58ba1128a8703ca7ab3d7097a07bf095d9ddcd", "prspkt", "https://github.com/google/brotli"},
		{"busybox", "1.36.1-r29", "pkg:apk/alpine/busybox@1.36.1-r29" + q, true, []string{"GPL-2.0-only"}, "c98f2584c17556181e8098247177ea68d69b0c9c", tempel, "https://busybox.net/"},
		{"busybox-binsh", "1.36.1-r29", "pkg:apk/alpine/busybox-binsh@1.36.1-r29" + q + "&upstream=busybox", false, []string{"GPL-2.0-only"}, "8758e1e06605e5818449aff862e105b80b6f34bf", tempel, "https://busybox.net/"},
		{"c-ares", "1.28.1-r0", "pkg:apk/alpine/c-ares@1.28.1-r0" + q, false, []string{"MIT"}, "a128e26b902d098af3e7987ffa97c879916b9a0d", "Carlo Landmeter", "https://c-ares.org/"},
		{"ca-certificates", "20240705-r0", "pkg:apk/alpine/ca-certificates@20240705-r0" + q, true, []string{"MPL-2.0 AND MIT"}, "f87752f100dc5cd7cd220fb0acc7ef2a8dce64ec", copa, mozilla},
		{"ca-certificates-bundle", "20240705-r0", "pkg:apk/alpine/ca-certificates-bundle@20240705-r0" + q + "&upstream=ca-certificates", false, []string{"MPL-2.0 AND MIT"}, "a927e8d0fd49c6cff7692a115ce237ed1bd62894", copa, mozilla},
		{"curl", "8.9.0-r0", "pkg:apk/alpine/curl@8.9.0-r0" + q, true, []string{"curl"}, "b75291652a2b1a60ee5f23ed2dba157c39a93106", copa, "https://curl.se/"},
		{"libcrypto3", "3.3.1-r3", "pkg:apk/alpine/libcrypto3@3.3.1-r3" + q + "&upstream=openssl", false, []string{"Apache-2.0"}, "69abef45b0db70589f5e1460abb21e4c71d45925", copa, "https://www.openssl.org/"},
		{"libcurl", "8.9.0-r0", "pkg:apk/alpine/libcurl@8.9.0-r0" + q + "&upstream=curl", false, []string{"curl"}, "7c1d705e16d5063029b9136b539deaf8b0ba3607", copa, "https://curl.se/"},
		{"libidn2", "2.3.7-r0", "pkg:apk/alpine/libidn2@2.3.7-r0" + q, false, []string{"GPL-2.0-or-later OR LGPL-3.0-or-later"}, "02629e610eec8b3f8fc422bec27b3b2359d5c962", copa, "https://www.gnu.org/software/libidn#libidn2"},
		{"libpsl", "0.21.5-r1", "pkg:apk/alpine/libpsl@0.21.5-r1" + q, false, []string{"MIT"}, "1f1e660c761dadb2614c0f573ea6ef2be8649206", copa, "https://rockdaboot.github.io/libpsl"},
		{"libssl3", "3.3.1-r3", "pkg:apk/alpine/libssl3@3.3.1-r3" + q + "&upstream=openssl", false, []string{"Apache-2.0"}, "f6d84ef155d365a7694e5d72cc9912d18e255f78", copa, "https://www.openssl.org/"},
		{"libunistring", "1.2-r0", "pkg:apk/alpine/libunistring@1.2-r0" + q, false, []string{"GPL-2.0-or-later OR LGPL-3.0-or-later"}, "1ff86ed40752102a6c84ece085ae89ac88c74c5a", copa, "https://www.gnu.org/software/libunistring/"},
		{"musl", "1.2.5-r0", "pkg:apk/alpine/musl@1.2.5-r0" + q, false, []string{"MIT"}, "3d2da235e1c31f7045e9382a48cbbfa5c7375c86", copa, "https://musl.libc.org/"},
		// Direct: the world file asks for libc-utils, which it provides.
		{"musl-utils", "1.2.5-r0", "pkg:apk/alpine/musl-utils@1.2.5-r0" + q + "&upstream=musl", true, []string{"MIT AND BSD-2-Clause AND GPL-2.0-or-later"}, "e11671e426dc2d8189155906d007c39be1eb1367", copa, "https://musl.libc.org/"},
		{"nghttp2-libs", "1.62.1-r0", "pkg:apk/alpine/nghttp2-libs@1.62.1-r0" + q + "&upstream=nghttp2", false, []string{"MIT"}, "2c38b5b57527b4b61a9e954543ade9367c9663f9", "Francesco Colista", "https://nghttp2.org"},
		{"openssl", "3.3.1-r3", "pkg:apk/alpine/openssl@3.3.1-r3" + q, true, []string{"Apache-2.0"}, "f2d72d5e3c8326c8cf790416c2732adb8a1dc97c", copa, "https://www.openssl.org/"},
		{"scanelf", "1.3.7-r2", "pkg:apk/alpine/scanelf@1.3.7-r2" + q + "&upstream=pax-utils", false, []string{"GPL-2.0-only"}, "c84b0b49111485cb08744822f9b34a9fa9524fcc", copa, "https://wiki.gentoo.org/wiki/Hardened/PaX_Utilities"},
		{"ssl_client", "1.36.1-r29", "pkg:apk/alpine/ssl_client@1.36.1-r29" + q + "&upstream=busybox", true, []string{"GPL-2.0-only"}, "7e2867092a0edee7436f70e4430b6b7dde363094", tempel, "https://busybox.net/"},
		{"tzdata", "2024a-r1", "pkg:apk/alpine/tzdata@2024a-r1" + q, true, []string{"Public-Domain"}, "3c53c05bdeba46bdd52ec917d9b7cbdf174d1d59", copa, "https://www.iana.org/time-zones"},
		{"zlib", "1.3.1-r1", "pkg:apk/alpine/zlib@1.3.1-r1" + q, false, []string{"Zlib"}, "9ba6f253e2982e0e6e71cb4187e3d6b6c4bbae99", copa, "https://zlib.net/"},
		{"zstd-libs", "1.5.6-r0", "pkg:apk/alpine/zstd-libs@1.5.6-r0" + q + "&upstream=zstd", false, []string{"BSD-3-Clause OR GPL-2.0-or-later"}, "4d60614645192deddc80e6e568fe535b38c315c1", copa, "https://www.zstd.net/"},
	}
	if diff := cmp.Diff(want, summarize(t, p)); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	k := func(n, v string) string { return inventory.Key("apk", n, v) }
	musl, crypto, ssl, z := k("musl", "1.2.5-r0"), k("libcrypto3", "3.3.1-r3"), k("libssl3", "3.3.1-r3"), k("zlib", "1.3.1-r1")
	binsh, idn, uni := k("busybox-binsh", "1.36.1-r29"), k("libidn2", "2.3.7-r0"), k("libunistring", "1.2-r0")
	wantEdges := map[string][]string{
		// The world file, in its order, then ssl_client, which nothing needs.
		"": {k("alpine-baselayout", "3.6.5-r0"), k("alpine-keys", "2.4-r1"), k("apk-tools", "2.14.4-r0"), k("busybox", "1.36.1-r29"),
			k("ca-certificates", "20240705-r0"), k("curl", "8.9.0-r0"), k("musl-utils", "1.2.5-r0"), k("openssl", "3.3.1-r3"),
			k("tzdata", "2024a-r1"), k("ssl_client", "1.36.1-r29")},
		// /bin/sh is provided by busybox-binsh.
		k("alpine-baselayout", "3.6.5-r0"):  {k("alpine-baselayout-data", "3.6.5-r0"), binsh},
		k("apk-tools", "2.14.4-r0"):         {musl, k("ca-certificates-bundle", "20240705-r0"), crypto, ssl, z},
		k("brotli-libs", "1.1.0-r2"):        {musl},
		binsh:                               {k("busybox", "1.36.1-r29")},
		k("busybox", "1.36.1-r29"):          {musl},
		k("c-ares", "1.28.1-r0"):            {musl},
		k("ca-certificates", "20240705-r0"): {binsh, musl, crypto},
		k("curl", "8.9.0-r0"):               {k("libcurl", "8.9.0-r0"), musl, z},
		crypto:                              {musl},
		k("libcurl", "8.9.0-r0"): {k("ca-certificates", "20240705-r0"), k("brotli-libs", "1.1.0-r2"), musl, k("c-ares", "1.28.1-r0"),
			crypto, idn, k("nghttp2-libs", "1.62.1-r0"), k("libpsl", "0.21.5-r1"), ssl, z, k("zstd-libs", "1.5.6-r0")},
		idn:                            {musl, uni},
		k("libpsl", "0.21.5-r1"):       {musl, idn, uni},
		ssl:                            {crypto, musl},
		uni:                            {musl},
		k("musl-utils", "1.2.5-r0"):    {k("scanelf", "1.3.7-r2"), musl},
		k("nghttp2-libs", "1.62.1-r0"): {musl},
		k("openssl", "3.3.1-r3"):       {ssl, crypto, musl},
		k("scanelf", "1.3.7-r2"):       {musl},
		k("ssl_client", "1.36.1-r29"):  {musl, crypto, ssl},
		z:                              {musl},
		k("zstd-libs", "1.5.6-r0"):     {musl},
	}
	if diff := cmp.Diff(wantEdges, p.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestExtractAlpine314(t *testing.T) {
	inv := scan(t, "testdata/alpine314")
	if len(inv.Problems) != 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	p := inv.Projects[0]
	wantNotes := []string{
		"no os-release found in the root; the distribution is taken to be alpine",
		"1 dependency is not satisfied by any installed package: ssl_client needs so:libtls.so.2",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	var got []string
	for _, c := range p.Components {
		got = append(got, c.PURL+" "+strings.Join(c.DeclaredLicenses, ";"))
	}
	want := []string{
		"pkg:apk/alpine/musl@1.2.2-r3?arch=armv7 MIT",
		"pkg:apk/alpine/scanelf@1.3.2-r0?arch=armv7&upstream=pax-utils GPL-2.0-only",
		// Kept as written; the license package reads it.
		"pkg:apk/alpine/musl-utils@1.2.2-r3?arch=armv7&upstream=musl MIT BSD GPL2+",
		"pkg:apk/alpine/libc-utils@0.7.2-r3?arch=armv7&upstream=libc-dev BSD-2-Clause AND BSD-3-Clause",
		"pkg:apk/alpine/busybox@1.33.1-r3?arch=armv7 GPL-2.0-only",
		"pkg:apk/alpine/alpine-baselayout@3.2.0-r16?arch=armv7 GPL-2.0-only",
		"pkg:apk/alpine/ssl_client@1.33.1-r3?arch=armv7&upstream=busybox GPL-2.0-only",
		"pkg:apk/alpine/ifupdown-ng@0.11.3-r0?arch=armv7 ISC",
		"pkg:apk/alpine/openrc@0.43.3-r1?arch=armv7 BSD-2-Clause",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	k := func(n, v string) string { return inventory.Key("apk", n, v) }
	musl := k("musl", "1.2.2-r3")
	wantEdges := map[string][]string{
		// Without a world file, the roots are what nothing needs.
		"":                                  {k("libc-utils", "0.7.2-r3"), k("alpine-baselayout", "3.2.0-r16"), k("ssl_client", "1.33.1-r3"), k("openrc", "0.43.3-r1")},
		k("alpine-baselayout", "3.2.0-r16"): {k("busybox", "1.33.1-r3"), musl},
		k("busybox", "1.33.1-r3"):           {musl},
		// "!vlan" is a conflict, not a dependency.
		k("ifupdown-ng", "0.11.3-r0"): {musl},
		k("libc-utils", "0.7.2-r3"):   {k("musl-utils", "1.2.2-r3")},
		k("musl-utils", "1.2.2-r3"):   {k("scanelf", "1.3.2-r0"), musl},
		// ifupdown-any is provided by ifupdown-ng.
		k("openrc", "0.43.3-r1"):     {k("ifupdown-ng", "0.11.3-r0"), k("busybox", "1.33.1-r3"), musl},
		k("scanelf", "1.3.2-r0"):     {musl},
		k("ssl_client", "1.33.1-r3"): {musl},
	}
	if diff := cmp.Diff(wantEdges, p.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestExtractBroken(t *testing.T) {
	inv := scan(t, "testdata/broken")
	wantProblems := []inventory.Problem{
		{Path: "broken/lib/apk/db/installed", Message: "package noversion (line 9) has no version (V:)"},
		{Path: "broken/lib/apk/db/installed", Message: "record at line 12 has no package name (P:)"},
		{Path: "broken/lib/apk/db/installed", Message: `line 15 is not a field ("this is not a field")`},
	}
	if diff := cmp.Diff(wantProblems, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	p := inv.Projects[0]
	wantNotes := []string{
		"no os-release found in the root; the distribution is taken to be alpine",
		"1 package is recorded twice; the first record was used: zlib",
		"1 dependency is not satisfied by any installed package: zlib needs so:libc.musl-x86_64.so.1",
		"etc/apk/world asks for 1 name that no installed package provides: missing-pkg",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	abs, _ := filepath.Abs("testdata/broken/usr/share/licenses/zlib")
	type got struct {
		Name, Version, Dir string
		Hashes             []inventory.Hash
	}
	var gs []got
	for _, c := range p.Components {
		gs = append(gs, got{c.Name, c.Version, c.Dir, c.Hashes})
	}
	want := []got{
		// A checksum that is not base64 is left out; the license texts
		// of the -doc package are the component's directory.
		{"zlib", "1.3.1-r1", abs, nil},
		{"old-md5", "1.0-r0", "", []inventory.Hash{{Algorithm: "MD5", Value: "d41d8cd98f00b204e9800998ecf8427e"}}},
	}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
}

// Problem lines are bounded per file.
func TestExtractManyProblems(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "lib/apk/db"), 0o755); err != nil {
		t.Fatal(err)
	}
	garbage := strings.Repeat("garbage line\n", 1000) + "P:a\nV:1\n"
	if err := os.WriteFile(filepath.Join(root, installedRel), []byte(garbage), 0o644); err != nil {
		t.Fatal(err)
	}
	inv := scan(t, root)
	if len(inv.Problems) != maxProblems+1 || inv.Problems[maxProblems].Message != "980 more lines or records could not be read" {
		t.Errorf("%d problems, last %v", len(inv.Problems), inv.Problems[len(inv.Problems)-1])
	}
	if len(inv.Projects) != 1 || len(inv.Projects[0].Components) != 1 {
		t.Errorf("the package after the garbage was not read")
	}
}

// A license directory that links out of the root is read inside it.
func TestLicenseDirStaysInRoot(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{root + "/usr/share/licenses/real", outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{"abs": "/usr/share/licenses/real", "escape": "../../../../outside", "absout": outside}
	for n, target := range links {
		if err := os.Symlink(target, filepath.Join(root, "usr/share/licenses", n)); err != nil {
			t.Fatal(err)
		}
	}
	real := filepath.Join(root, "usr/share/licenses/real")
	for name, want := range map[string]string{"real": real, "abs": real, "escape": "", "absout": "", "none": "", "..": ""} {
		if got := licenseDir(root, &apkPackage{Name: name}); got != want {
			t.Errorf("licenseDir(%s) = %q, want %q", name, got, want)
		}
	}
	// The origin's directory first: abuild installs the texts of every
	// subpackage under the aport's name.
	if got := licenseDir(root, &apkPackage{Name: "real-libs", Origin: "real"}); got != real {
		t.Errorf("licenseDir by origin = %q", got)
	}
}

func TestWants(t *testing.T) {
	for rel, want := range map[string]bool{
		"lib/apk/db/installed":       true,
		"image/lib/apk/db/installed": false,
		"lib/apk/db/installed.new":   false,
		"installed":                  false,
		"lib/apk/db/triggers":        false,
	} {
		if got := New().Wants(rel, inventorytest.Entry(filepath.Base(rel), 0)); got != want {
			t.Errorf("Wants(%q) = %v, want %v", rel, got, want)
		}
	}
	if New().Wants(installedRel, inventorytest.Entry("installed", fs.ModeSymlink)) {
		t.Error("Wants a symlinked database")
	}
}

func TestSupports(t *testing.T) {
	s := New().Supports()
	if len(s) == 0 || s[0].Files == "" || s[0].Gives == "" || s[0].Licenses == "" {
		t.Errorf("Supports() = %+v", s)
	}
}
