package notice

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"ospo/internal/license"
)

// TestTextHash: the same license under other holders, wrapping and line
// ends hashes alike; another license does not.
func TestTextHash(t *testing.T) {
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "npm-app", "node_modules", p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ms, expand := read("ms/license.md"), read("expand-template/LICENSE")
	sindre := read("escape-string-regexp/license")
	hash := func(s string) string { return textHash(licenseBody([]byte(s))) }
	if hash(ms) != hash(expand) {
		t.Error("ms and expand-template ship the same MIT text under other holders; hashes differ")
	}
	if hash(ms) != hash(strings.ReplaceAll(ms, "\n", "\r\n")) {
		t.Error("CRLF line ends change the hash")
	}
	if hash(ms) == hash(sindre) {
		t.Error("two different MIT texts hash alike")
	}
}

// FuzzLicenseBody: no panic; the license body is valid UTF-8, holds no
// copyright statement and is stable.
func FuzzLicenseBody(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/npm-app/node_modules/*/*")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("(c) 2\n©\xff\n Copyright \x00 2020\r\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		body := licenseBody(text)
		if !utf8.ValidString(body) {
			t.Fatalf("body is not UTF-8")
		}
		if got := license.Copyrights([]byte(body)); len(got) > 0 {
			t.Fatalf("body keeps statements %q", got)
		}
		if again := licenseBody([]byte(body)); again != body {
			t.Fatalf("licenseBody is not stable: %q then %q", body, again)
		}
	})
}
