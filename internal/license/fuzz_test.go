package license

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// seedDir adds every file of testdata/dir to the corpus of f.
func seedDir(f *testing.F, dir string) {
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"MIT", "(MIT OR Apache-2.0)", "GPL-2.0+", "Apache License, Version 2.0", "BSD",
		"Public Domain", "SEE LICENSE IN LICENSE.md", "UNLICENSED", "MIT*", "MIT/X11",
		"https://opensource.org/licenses/MIT", "LGPLv2.1+", "MIT AND (", "DocumentRef-a:LicenseRef-b",
		"GPL-2.0-only WITH Classpath-exception-2.0", "a or b or c or d or e / f | g & h",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d := Normalize(raw)
		if d.Raw != raw {
			t.Fatalf("Raw = %q, want %q", d.Raw, raw)
		}
		if !d.Valid {
			if d.Expression != "" {
				t.Fatalf("invalid value %q has expression %q", raw, d.Expression)
			}
			return
		}
		norm, err := Check(d.Expression)
		if err != nil || norm != d.Expression {
			t.Fatalf("Normalize(%q) = %q, which Check reads as %q, %v", raw, d.Expression, norm, err)
		}
	})
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"MIT", "mit or apache-2.0", "(A", "MIT WITH", "LicenseRef-x AND GPL-3.0+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, err := Check(s)
		if err != nil {
			return
		}
		again, err := Check(norm)
		if err != nil || again != norm {
			t.Fatalf("Check(%q) = %q, but Check of that = %q, %v", s, norm, again, err)
		}
	})
}

func FuzzIdentify(f *testing.F) {
	seedDir(f, "texts")
	seedDir(f, "readme")
	f.Add([]byte("\xff\xfe\x00garbage © (c)"))
	id := NewIdentifier()
	f.Fuzz(func(t *testing.T, text []byte) {
		d := id.Identify("LICENSE", text)
		if d.Expression == "" {
			t.Fatal("empty expression; want NOASSERTION when nothing is found")
		}
		if d.Coverage < 0 || d.Coverage > 100 {
			t.Fatalf("coverage %v out of range", d.Coverage)
		}
		if d.Definite() {
			if d.Coverage < MinCoverage && d.Engine != EngineExact {
				t.Fatalf("definite %q with coverage %v", d.Expression, d.Coverage)
			}
			if _, err := Check(d.Expression); err != nil {
				t.Fatalf("expression %q is not SPDX: %v", d.Expression, err)
			}
		}
		if d.SecondOpinionOnly && d.Expression != NoAssertion {
			t.Fatalf("second opinion with an answer %q", d.Expression)
		}
	})
}

func FuzzReadmeLicenseSection(f *testing.F) {
	seedDir(f, "readme")
	f.Add([]byte("## License\n\nMIT\n## Next\n"))
	f.Add([]byte("License\n=======\n\n```\n## x\n```\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		sec := ReadmeLicenseSection(text)
		if sec == nil {
			return
		}
		if len(sec) > maxSection {
			t.Fatalf("section of %d bytes, more than %d", len(sec), maxSection)
		}
		if !bytes.Contains(text, sec) {
			t.Fatalf("section %q is not part of the text", sec)
		}
	})
}

func FuzzParseCurations(f *testing.F) {
	seedDir(f, "curations")
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseCurations("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, c := range cs.entries {
			if _, err := Check(c.License); err != nil {
				t.Fatalf("accepted curation with license %q: %v", c.License, err)
			}
			cs.Find(c.ecosystem, c.name, "1.2.3")
			cs.Find("npm", c.name, "v0.0.0-20200101000000-abcdefabcdef")
		}
	})
}

func FuzzIsLicenseFile(f *testing.F) {
	for _, s := range []string{"LICENSE", "license.go", "MIT-LICENSE.txt", "NOTICE", "a/b\\c/COPYING.LESSER"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		kind, ok := IsLicenseFile(name)
		if ok != (kind != "") || (ok && kind != KindLicense && kind != KindNotice) {
			t.Fatalf("IsLicenseFile(%q) = %q, %v", name, kind, ok)
		}
	})
}
