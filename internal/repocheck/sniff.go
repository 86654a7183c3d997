package repocheck

import (
	"encoding/binary"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sniffLen is how much of a file's start the sniffer needs: enough for
// every magic number below and for the PE header offset of a small
// executable.
const sniffLen = 512

// Binary kinds the sniffer recognises. A file of any of these kinds is a
// binary artifact whatever its name.
const (
	kindELF   = "elf"
	kindMachO = "macho"
	kindPE    = "pe"
	kindClass = "class"
	kindWasm  = "wasm"
	kindPyc   = "pyc"
	kindAr    = "ar"
	kindDeb   = "deb"
	kindRPM   = "rpm"
	kindDex   = "dex"
	kindCrx   = "crx"
	// kindZip is recognised but not a binary by itself: source archives
	// are common test data. A .jar or .whl is caught by its extension.
	kindZip = "zip"
)

// binaryExts are the extensions Scorecard treats as binary artifacts when
// the content is not text.
var binaryExts = map[string]bool{
	"crx": true, "deb": true, "dex": true, "dey": true, "elf": true, "o": true,
	"a": true, "so": true, "macho": true, "iso": true, "class": true, "jar": true,
	"bundle": true, "dylib": true, "lib": true, "msi": true, "dll": true,
	"drv": true, "efi": true, "exe": true, "ocx": true, "pyc": true, "pyo": true,
	"par": true, "rpm": true, "wasm": true, "whl": true,
}

// sniff names the binary kind of a file from its first bytes, or "".
func sniff(head []byte) string {
	if len(head) < 4 {
		return ""
	}
	b4 := string(head[:4])
	switch {
	case b4 == "\x7fELF":
		return kindELF
	case b4 == "\xfe\xed\xfa\xce", b4 == "\xfe\xed\xfa\xcf",
		b4 == "\xce\xfa\xed\xfe", b4 == "\xcf\xfa\xed\xfe", b4 == "\xca\xfe\xba\xbf":
		return kindMachO
	case b4 == "\xca\xfe\xba\xbe":
		// Java classes and universal Mach-O binaries share this magic. A
		// class file then holds its version (major ≥ 45 in the low
		// half); a universal binary the number of its architectures.
		if len(head) >= 8 && binary.BigEndian.Uint32(head[4:8]) < 45 {
			return kindMachO
		}
		return kindClass
	case b4 == "\x00asm":
		return kindWasm
	case b4 == "PK\x03\x04", b4 == "PK\x05\x06", b4 == "PK\x07\x08":
		return kindZip
	case b4 == "\xed\xab\xee\xdb":
		return kindRPM
	case b4 == "Cr24":
		return kindCrx
	case b4 == "dex\n":
		return kindDex
	case strings.HasPrefix(string(head), "!<arch>\n"):
		if len(head) >= 8+16 && strings.HasPrefix(string(head[8:]), "debian-binary") {
			return kindDeb
		}
		return kindAr
	case head[0] == 'M' && head[1] == 'Z':
		if isPE(head) {
			return kindPE
		}
	case head[2] == '\r' && head[3] == '\n':
		// Python bytecode: a two-byte little-endian version number then
		// CR LF. Python 3 numbers lie in 3000–3999, Python 2 ones near
		// 20000–62211.
		m := binary.LittleEndian.Uint16(head[:2])
		if (m >= 3000 && m < 4000) || (m >= 20000 && m <= 62211) {
			return kindPyc
		}
	}
	return ""
}

// isPE checks the MZ header's pointer to a "PE\0\0" signature when the
// header fits in what was read, and otherwise accepts an MZ start that is
// followed by non-text bytes (an old DOS executable).
func isPE(head []byte) bool {
	if len(head) >= 0x40 {
		off := int(binary.LittleEndian.Uint32(head[0x3c:0x40]))
		if off >= 0x40 && off+4 <= len(head) {
			return string(head[off:off+4]) == "PE\x00\x00"
		}
	}
	return !isText(head)
}

// isText applies Scorecard's test for text: every rune printable, or a
// tab, newline or carriage return.
func isText(content []byte) bool {
	for len(content) > 0 {
		r, n := utf8.DecodeRune(content)
		content = content[n:]
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// extOf is the lower-case extension of a file name, without the dot.
func extOf(name string) string {
	return strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")
}

// isTestdataPath reports whether Scorecard leaves the file out of content
// checks: test data and Maven test sources.
func isTestdataPath(p string) bool {
	return strings.HasPrefix(p, "testdata/") || strings.Contains(p, "/testdata/") ||
		strings.HasPrefix(p, "src/test/") || strings.Contains(p, "/src/test/")
}
