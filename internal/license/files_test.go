package license

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsLicenseFile(t *testing.T) {
	tests := []struct {
		name string
		kind string // "" when not a license file
	}{
		{"LICENSE", KindLicense},
		{"license", KindLicense},
		{"License", KindLicense},
		{"LICENCE", KindLicense},
		{"LICENSE.md", KindLicense},
		{"license.md", KindLicense},
		{"LICENSE.txt", KindLicense},
		{"LICENSE-MIT", KindLicense},
		{"LICENSE-MIT.txt", KindLicense},
		{"LICENSE.APACHE2", KindLicense},
		{"LICENSE.BSD", KindLicense},
		{"LICENSE.esprima", KindLicense},
		{"LICENSE-W3C.html", KindLicense},
		{"MIT-LICENSE", KindLicense},
		{"MIT-LICENSE.txt", KindLicense},
		{"COPYING", KindLicense},
		{"COPYING.LESSER", KindLicense},
		{"UNLICENSE", KindLicense},
		{"some/dir/LICENSE", KindLicense},
		{`some\dir\LICENSE`, KindLicense},
		{"NOTICE", KindNotice},
		{"NOTICE.txt", KindNotice},
		{"PATENTS", KindNotice},
		{"COPYRIGHT", KindNotice},
		{"CopyrightNotice.txt", KindNotice},
		{"ThirdPartyNotices.txt", KindNotice},
		{"LICENSE-3RD-PARTY.txt", KindNotice},
		{"BUNDLE_LICENSE.txt", KindNotice},
		{"THIRD_PARTY_LICENSES", KindNotice},
		{"license.go", ""},
		{"license_test.go", ""},
		{"licenses.json", ""},
		{"licensemanager.js", ""},
		{"licensemanager.d.ts", ""},
		{"license-manager-2018-08-01.min.json", ""},
		{"README.md", ""},
		{"index.js", ""},
		{"", ""},
		{"legal-notes.md", KindNotice},
		{"check-legal.sh", ""},
	}
	for _, tt := range tests {
		kind, ok := IsLicenseFile(tt.name)
		if kind != tt.kind || ok != (tt.kind != "") {
			t.Errorf("IsLicenseFile(%q) = %q, %v; want %q", tt.name, kind, ok, tt.kind)
		}
	}
}

func TestIsReadme(t *testing.T) {
	for name, want := range map[string]bool{
		"README": true, "README.md": true, "readme.markdown": true, "Readme.md": true,
		"README.rst": true, "README.txt": true, "readme.js": false, "READMEFIRST": false,
		"docs/README.md": true, "README.md.bak": false,
	} {
		if got := IsReadme(name); got != want {
			t.Errorf("IsReadme(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestReadmeLicenseSection(t *testing.T) {
	tests := []struct {
		file      string
		wantStart string // the section starts with this
		wantEnd   string // and ends with this
	}{
		// isarray: "## License" with the whole MIT text, last section.
		{"full-text-in-section.md", "(MIT)", "THE USE OR OTHER DEALINGS IN THE\nSOFTWARE."},
		// natural-compare: "Licence" underlined with dashes.
		{"setext-licence-link.md", "Copyright (c) 2012-2015 Lauri Rooden", "(http://lauri.rooden.ee/mit-license.txt)"},
		// mitt: "## License" with a one-line reference.
		{"reference-with-holder.md", "[MIT License](https://opensource.org/licenses/MIT)", "(https://jasonformat.com/)"},
		// imurmurhash: "License (MIT)" setext heading.
		{"setext-license-mit-title.md", "Copyright (c) 2013 Gary Court, Jens Taylor", "OTHER DEALINGS IN THE SOFTWARE."},
		// cachetools: reStructuredText, "License" underlined with dashes.
		{"rst-underline.rst", "Copyright (c) 2014-2024 Thomas Kemmer.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join("testdata", "readme", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := string(ReadmeLicenseSection(text))
			if !strings.HasPrefix(got, tt.wantStart) || !strings.HasSuffix(got, tt.wantEnd) {
				t.Errorf("section = %q\nwant it to start with %q and end with %q", got, tt.wantStart, tt.wantEnd)
			}
		})
	}
}

func TestReadmeLicenseSectionInline(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"none", "# Title\n\nNo license here.\n", ""},
		{"stops at same level", "# T\n\n## License\n\nMIT\n\n## Contributing\n\nPRs\n", "MIT"},
		{"keeps deeper levels", "## License\n\nMIT\n\n### Third party\n\nBSD bits\n\n## Other\n", "MIT\n\n### Third party\n\nBSD bits"},
		{"heading in code fence ignored", "```\n## License\n```\n\n## Licence\n\nISC\n", "ISC"},
		{"not a license heading", "## Licensed features and pricing plans for teams\n\ntext\n", ""},
		{"emoji heading", "## 📝 License\n\nCopyright © 2020 A.\nThis project is [MIT](LICENSE) licensed.\n", "Copyright © 2020 A.\nThis project is [MIT](LICENSE) licensed."},
		{"empty section", "## License\n\n## Next\n", ""},
		{"rst overline", "=====\nTitle\n=====\n\nLicense\n=======\n\nBSD-3-Clause\n", "BSD-3-Clause"},
		{"hash without space is no heading", "#License\n\nMIT\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(ReadmeLicenseSection([]byte(tt.text))); got != tt.want {
				t.Errorf("ReadmeLicenseSection(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestTextKey checks that copies of one license differing only in their
// copyright lines and layout share a key, and that a changed word does
// not.
func TestTextKey(t *testing.T) {
	base := "Copyright (c) 2014 Jane\n\nPermission is hereby granted, free of charge.\n"
	same := []string{
		"Copyright (c) 2020 Someone Else <x@y.z>\nCopyright 2021 More People\n\nPermission is   hereby\ngranted, free of charge.\n",
		"  Permission is hereby granted -- free of charge!\r\n",
		"© 1999 Old Holder\nPERMISSION IS HEREBY GRANTED, FREE OF CHARGE.\n",
	}
	different := []string{
		"Permission is hereby granted, for a charge.\n",
		"Copyright notice and permission are hereby granted, free of charge.\n",
	}
	k := textKey([]byte(base))
	for _, s := range same {
		if textKey([]byte(s)) != k {
			t.Errorf("textKey(%q) differs from textKey(%q)", s, base)
		}
	}
	for _, s := range different {
		if textKey([]byte(s)) == k {
			t.Errorf("textKey(%q) equals textKey(%q)", s, base)
		}
	}
}
