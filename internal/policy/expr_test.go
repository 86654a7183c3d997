package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseExpr(t *testing.T) {
	tests := []struct {
		in   string
		want string // canonical form; "" when the input must be refused
	}{
		{"MIT", "MIT"},
		{"mit", "MIT"},
		{"  Apache-2.0  ", "Apache-2.0"},
		{"MIT OR Apache-2.0", "MIT OR Apache-2.0"},
		{"(MIT OR Apache-2.0)", "MIT OR Apache-2.0"},
		{"MIT AND (BSD-2-Clause OR ISC)", "MIT AND (BSD-2-Clause OR ISC)"},
		{"(MIT AND BSD-2-Clause) OR ISC", "MIT AND BSD-2-Clause OR ISC"},
		{"MIT AND BSD-2-Clause OR ISC", "MIT AND BSD-2-Clause OR ISC"},
		{"MIT OR BSD-2-Clause AND ISC", "MIT OR BSD-2-Clause AND ISC"},
		{"((MIT))", "MIT"},
		{"(MIT AND ISC) AND 0BSD", "MIT AND ISC AND 0BSD"},
		{"mit or apache-2.0", "MIT OR Apache-2.0"},
		{"GPL-2.0+", "GPL-2.0-or-later"},
		{"GPL-2.0", "GPL-2.0-only"},
		{"GPL-2.0-or-later", "GPL-2.0-or-later"},
		{"LGPL-2.1+ OR MIT", "LGPL-2.1-or-later OR MIT"},
		{"Apache-2.0+", "Apache-2.0+"},
		{"GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"},
		{"gpl-2.0-only with classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"},
		{"GPL-2.0-with-classpath-exception", "GPL-2.0-only WITH Classpath-exception-2.0"},
		{"GPL-2.0-with-bison-exception", "GPL-2.0-or-later WITH Bison-exception-2.2"},
		{"Net-SNMP", "MIT-CMU AND BSD-3-Clause"},
		{"Net-SNMP OR MIT", "MIT-CMU AND BSD-3-Clause OR MIT"},
		{"LicenseRef-acme-1", "LicenseRef-acme-1"},
		{"DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2"},
		{"Unknown-License", "Unknown-License"},
		{"MIT WITH Unknown-exception", "MIT WITH Unknown-exception"},
		{"", ""},
		{"   ", ""},
		{"MIT OR", ""},
		{"OR MIT", ""},
		{"MIT AND AND ISC", ""},
		{"(MIT", ""},
		{"MIT)", ""},
		{"MIT ISC", ""},
		{"MIT WITH", ""},
		{"MIT WITH (ISC)", ""},
		{"BSD style", ""},
		{"MIT/X11", ""},
		{"+", ""},
		{strings.Repeat("(", 100) + "MIT" + strings.Repeat(")", 100), ""},
	}
	for _, tt := range tests {
		e, err := parseExpr(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("parseExpr(%q) = %s, want an error", tt.in, e)
			} else if !errors.Is(err, errSyntax) {
				t.Errorf("parseExpr(%q) error %v is not errSyntax", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseExpr(%q): %v", tt.in, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("parseExpr(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseEntry(t *testing.T) {
	tests := []struct {
		in, key string // key "" when refused
	}{
		{"MIT", "MIT"},
		{"gpl-3.0", "GPL-3.0-ONLY"},
		{"GPL-2.0-or-later", "GPL-2.0-OR-LATER"},
		{"GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-ONLY WITH CLASSPATH-EXCEPTION-2.0"},
		{"LicenseRef-x", "LICENSEREF-X"},
		{"category:permissive", "CATEGORY:permissive"},
		{"Category: strong-copyleft", "CATEGORY:strong-copyleft"},
		{"category:copyleft", ""},
		{"MIT OR ISC", ""},
		{"Apache 2", ""},
		{"Made-Up-1.0", ""},
	}
	for _, tt := range tests {
		e, err := parseEntry(tt.in)
		if tt.key == "" {
			if err == nil {
				t.Errorf("parseEntry(%q) = %+v, want an error", tt.in, e)
			}
			continue
		}
		if err != nil || e.key() != tt.key {
			t.Errorf("parseEntry(%q) = %q, %v; want %q", tt.in, e.key(), err, tt.key)
		}
	}
}
