package license

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		raw  string
		want Declared
		note string // a part of the note, when it matters
	}{
		{raw: "MIT", want: Declared{Expression: "MIT", Valid: true}},
		{raw: "mit", want: Declared{Expression: "MIT", Valid: true}},
		{raw: " 'MIT' ", want: Declared{Expression: "MIT", Valid: true}},
		{raw: "GPL-2.0", want: Declared{Expression: "GPL-2.0-only", Valid: true}, note: "deprecated"},
		{raw: "GPL-2.0+", want: Declared{Expression: "GPL-2.0-or-later", Valid: true}},
		{raw: "LGPL-2.1+", want: Declared{Expression: "LGPL-2.1-or-later", Valid: true}},
		{raw: "GPL-3.0-or-later", want: Declared{Expression: "GPL-3.0-or-later", Valid: true}},
		{raw: "AGPL-3.0", want: Declared{Expression: "AGPL-3.0-only", Valid: true}},
		{raw: "Apache-2.0+", want: Declared{Expression: "Apache-2.0+", Valid: true}},
		{raw: "(MIT OR Apache-2.0)", want: Declared{Expression: "MIT OR Apache-2.0", Valid: true}},
		{raw: "(MIT AND CC-BY-3.0)", want: Declared{Expression: "MIT AND CC-BY-3.0", Valid: true}},
		{raw: "(BSD-3-Clause OR GPL-2.0)", want: Declared{Expression: "BSD-3-Clause OR GPL-2.0-only", Valid: true}},
		{raw: "MIT AND (ISC OR 0BSD)", want: Declared{Expression: "MIT AND (ISC OR 0BSD)", Valid: true}},
		{raw: "mit or apache-2.0", want: Declared{Expression: "MIT OR Apache-2.0", Valid: true}},
		{raw: "Apache-2.0 WITH LLVM-exception", want: Declared{Expression: "Apache-2.0 WITH LLVM-exception", Valid: true}},
		{raw: "GPL-2.0-with-classpath-exception", want: Declared{Expression: "GPL-2.0-only WITH Classpath-exception-2.0", Valid: true}},
		{raw: "LicenseRef-acme", want: Declared{Expression: "LicenseRef-acme", Valid: true}},
		{raw: "Apache 2.0", want: Declared{Expression: "Apache-2.0", Valid: true}, note: `read "Apache 2.0" as Apache-2.0`},
		{raw: "Apache2", want: Declared{Expression: "Apache-2.0", Valid: true}},
		{raw: "Apache License, Version 2.0", want: Declared{Expression: "Apache-2.0", Valid: true}},
		{raw: "Apache License 2.0", want: Declared{Expression: "Apache-2.0", Valid: true}},
		{raw: "ASL 2.0", want: Declared{Expression: "Apache-2.0", Valid: true}},
		{raw: "MIT/X11", want: Declared{Expression: "MIT", Valid: true}},
		{raw: "MIT License", want: Declared{Expression: "MIT", Valid: true}},
		{raw: "The MIT License (MIT)", want: Declared{Expression: "MIT", Valid: true}},
		{raw: "GPLv3", want: Declared{Expression: "GPL-3.0-only", Valid: true}, note: `no "or later" stated`},
		{raw: "GPL v2", want: Declared{Expression: "GPL-2.0-only", Valid: true}},
		{raw: "GPLv2 or later", want: Declared{Expression: "GPL-2.0-or-later", Valid: true}},
		{raw: "LGPLv2.1+", want: Declared{Expression: "LGPL-2.1-or-later", Valid: true}},
		{raw: "GNU General Public License v3.0", want: Declared{Expression: "GPL-3.0-only", Valid: true}},
		{raw: "GNU Lesser General Public License v2.1 or later", want: Declared{Expression: "LGPL-2.1-or-later", Valid: true}},
		{raw: "Mozilla Public License 2.0", want: Declared{Expression: "MPL-2.0", Valid: true}},
		{raw: "Creative Commons Attribution 4.0 International", want: Declared{Expression: "CC-BY-4.0", Valid: true}},
		{raw: "WTFPL", want: Declared{Expression: "WTFPL", Valid: true}},
		{raw: "ISC License", want: Declared{Expression: "ISC", Valid: true}},
		{raw: "CC0", want: Declared{Expression: "CC0-1.0", Valid: true}},
		{raw: "Python-2.0", want: Declared{Expression: "Python-2.0", Valid: true}},
		{raw: "BlueOak", want: Declared{Expression: "BlueOak-1.0.0", Valid: true}},
		{raw: "AFLv2.1", want: Declared{Expression: "AFL-2.1", Valid: true}},
		{raw: "new BSD license", want: Declared{Expression: "BSD-3-Clause", Valid: true}},
		{raw: "BSD 3-Clause License", want: Declared{Expression: "BSD-3-Clause", Valid: true}},
		{raw: "zlib/libpng", want: Declared{Expression: "Zlib", Valid: true}},
		{raw: "MIT/Apache-2.0", want: Declared{Expression: "MIT OR Apache-2.0", Valid: true}},
		{raw: "MIT or Apache 2", want: Declared{Expression: "MIT OR Apache-2.0", Valid: true}},
		{raw: "https://opensource.org/licenses/MIT", want: Declared{Expression: "MIT", Valid: true}, note: "URL"},
		{raw: "http://www.apache.org/licenses/LICENSE-2.0", want: Declared{Expression: "Apache-2.0", Valid: true}},
		{raw: "http://www.apache.org/licenses/LICENSE-2.0.html", want: Declared{Expression: "Apache-2.0", Valid: true}},
		{raw: "https://spdx.org/licenses/BSD-2-Clause.html", want: Declared{Expression: "BSD-2-Clause", Valid: true}},
		{raw: "http://www.gnu.org/licenses/old-licenses/lgpl-2.1.html", want: Declared{Expression: "LGPL-2.1-only", Valid: true}},
		{raw: "http://creativecommons.org/licenses/MIT/", want: Declared{Expression: "MIT", Valid: true}},
		{raw: "https://creativecommons.org/publicdomain/zero/1.0/", want: Declared{Expression: "CC0-1.0", Valid: true}},
		{raw: "http://www.eclipse.org/legal/epl-v10.html", want: Declared{Expression: "EPL-1.0", Valid: true}},

		// Not a definite answer.
		{raw: "BSD", want: Declared{}, note: "BSD-2-Clause, BSD-3-Clause"},
		{raw: "BSD-like", want: Declared{}, note: "no variant"},
		{raw: "BSD-style", want: Declared{}, note: "no variant"},
		{raw: "Public Domain", want: Declared{}, note: "not an SPDX license"},
		{raw: "GPL", want: Declared{}, note: "without a version"},
		{raw: "Apache", want: Declared{}, note: "without a version"},
		{raw: "LGPL", want: Declared{}, note: "without a version"},
		{raw: "Unlicensed", want: Declared{}, note: "ambiguous"},
		{raw: "MIT*", want: Declared{}, note: "suggests MIT"},
		{raw: "BSD-3-Clause, MIT", want: Declared{}, note: "comma-separated"},
		{raw: "https://github.com/x/y/blob/master/LICENSE", want: Declared{}, note: "URL"},
		{raw: "Apahce-2.0", want: Declared{}, note: "did you mean Apache-2.0"},
		{raw: "MIT AND", want: Declared{}},
		{raw: "", want: Declared{}, note: "no license declared"},
		{raw: strings.Repeat("Permission is hereby granted ", 40), want: Declared{}, note: "too long"},

		// npm keywords.
		{raw: "UNLICENSED", want: Declared{Expression: ProprietaryRef, Valid: true, Proprietary: true}},
		{raw: "SEE LICENSE IN LICENSE.md", want: Declared{SeeFile: "LICENSE.md"}},
		{raw: "SEE LICENSE IN <license.txt>", want: Declared{SeeFile: "<license.txt>"}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got := Normalize(tt.raw)
			tt.want.Raw = tt.raw
			if !strings.Contains(got.Note, tt.note) {
				t.Errorf("Normalize(%q).Note = %q, want it to mention %q", tt.raw, got.Note, tt.note)
			}
			got.Note = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Normalize(%q) mismatch (-want +got):\n%s", tt.raw, diff)
			}
			if got.Valid {
				if norm, err := Check(got.Expression); err != nil || norm != got.Expression {
					t.Errorf("Normalize(%q) = %q, which Check reads as %q, %v", tt.raw, got.Expression, norm, err)
				}
			}
		})
	}
}

func TestNormalizeAll(t *testing.T) {
	tests := []struct {
		name string
		raws []string
		want Declared
	}{
		{"none", nil, Declared{}},
		{"one", []string{"MIT"}, Declared{Raw: "MIT", Expression: "MIT", Valid: true}},
		{"choice", []string{"MIT", "Apache2"}, Declared{Raw: "MIT; Apache2", Expression: "MIT OR Apache-2.0", Valid: true}},
		{"duplicates", []string{"MIT", "MIT License"}, Declared{Raw: "MIT; MIT License", Expression: "MIT", Valid: true}},
		{"compound parts", []string{"MIT AND ISC", "Apache-2.0"}, Declared{Raw: "MIT AND ISC; Apache-2.0", Expression: "(MIT AND ISC) OR Apache-2.0", Valid: true}},
		{"one unusable", []string{"AFLv2.1", "BSD"}, Declared{Raw: "AFLv2.1; BSD"}},
		{"blank entries", []string{"", " ", "ISC"}, Declared{Raw: "ISC", Expression: "ISC", Valid: true}},
		{"all proprietary", []string{"UNLICENSED", "UNLICENSED"}, Declared{Raw: "UNLICENSED; UNLICENSED", Expression: ProprietaryRef, Valid: true, Proprietary: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NormalizeAll(tt.raws)
			got.Note = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NormalizeAll(%q) mismatch (-want +got):\n%s", tt.raws, diff)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "MIT", want: "MIT"},
		{in: "mit or apache-2.0", want: "MIT OR Apache-2.0"},
		{in: "(MIT OR Apache-2.0) AND BSD-3-Clause", want: "(MIT OR Apache-2.0) AND BSD-3-Clause"},
		{in: "MIT OR (Apache-2.0 AND BSD-3-Clause)", want: "MIT OR (Apache-2.0 AND BSD-3-Clause)"},
		{in: "MIT OR Apache-2.0 AND BSD-3-Clause", want: "MIT OR (Apache-2.0 AND BSD-3-Clause)"},
		{in: "GPL-2.0+", want: "GPL-2.0-or-later"},
		{in: "GPL-2.0-only WITH Classpath-exception-2.0", want: "GPL-2.0-only WITH Classpath-exception-2.0"},
		{in: "LicenseRef-foo AND MIT", want: "LicenseRef-foo AND MIT"},
		{in: "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", want: "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2"},
		{in: "", wantErr: "empty"},
		{in: "Apahce-2.0", wantErr: `unknown license id "Apahce-2.0"; did you mean Apache-2.0?`},
		{in: "BSD-3-Claus", wantErr: "did you mean BSD-3-Clause?"},
		{in: "Apache 2.0", wantErr: `did you mean "Apache-2.0"?`},
		{in: "GPLv3", wantErr: `did you mean "GPL-3.0-only"?`},
		{in: "BSD", wantErr: "BSD without a variant"},
		{in: "MIT AND (", wantErr: "license id is expected"},
		{in: "MIT OR", wantErr: "license id is expected"},
		{in: "(MIT", wantErr: "missing closing parenthesis"},
		{in: "MIT)", wantErr: `unexpected ")"`},
		{in: "MIT WITH", wantErr: "WITH must be followed"},
		{in: "MIT WITH Foo-exception", wantErr: `unknown license exception "Foo-exception"`},
		{in: "GPL-2.0 WITH Classpath-exception", wantErr: "did you mean"},
		{in: "MIT AND AND ISC", wantErr: `unexpected "AND"`},
		{in: "MIT ! ISC", wantErr: "unexpected character"},
		{in: "LicenseRef-", wantErr: "unknown license id"},
		{in: "xyzzy-nothing-like-it", wantErr: `unknown license id "xyzzy-nothing-like-it"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Check(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Check(%q) = %q, %v; want an error with %q", tt.in, got, err, tt.wantErr)
				}
				if !errors.Is(err, ErrInvalidExpression) {
					t.Errorf("Check(%q) error %v is not ErrInvalidExpression", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Check(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
