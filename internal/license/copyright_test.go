package license

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCopyrightStatement(t *testing.T) {
	tests := []struct {
		line string
		want string // "" when the line is not a statement
	}{
		{"Copyright (c) 2018 Lars-Magnus Skog", "Copyright (c) 2018 Lars-Magnus Skog"},
		{"  * Copyright 2023 Holepunch Inc */", "Copyright 2023 Holepunch Inc"},
		{"// Copyright 2009 The Go Authors. All rights reserved.", "Copyright 2009 The Go Authors. All rights reserved."},
		{"© 2021 Jane Doe", "© 2021 Jane Doe"},
		{"(c) 2015 Acme\r", "(c) 2015 Acme"},
		{"(C) 1999-2004 Example Org", "(C) 1999-2004 Example Org"},
		{"Portions Copyright (C) 2001 Someone", "Portions Copyright (C) 2001 Someone"},
		{"Copyright Joyent, Inc. and other Node contributors.", "Copyright Joyent, Inc. and other Node contributors."},
		{"- Copyright (c) Sindre Sorhus", "Copyright (c) Sindre Sorhus"},
		// License prose that begins with the word.
		{"copyright notice and this permission notice appear in all copies.", ""},
		{"Copyright holders be liable for any claim", ""},
		{"copyright--then that use is not regulated by the license. Our", ""},
		{"copyright 2019 lower-case holder", "copyright 2019 lower-case holder"},
		{"(c) You must retain, in the Source form of any Derivative Works", ""},
		// Templates of license texts.
		{"   Copyright [yyyy] [name of copyright owner]", ""},
		{"Copyright (C) <year>  <name of author>", ""},
		{"Copyright {{ year }} {{ owner }}", ""},
		// A mark and nothing named.
		{"Copyright", ""},
		{"Copyright (c)", ""},
		{"©", ""},
		{"", ""},
		{"Permission is hereby granted", ""},
		{"Copyright 2020 " + strings.Repeat("word ", 60), ""},
	}
	for _, tt := range tests {
		got, ok := CopyrightStatement([]byte(tt.line))
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("CopyrightStatement(%q) = %q, %v; want %q", tt.line, got, ok, tt.want)
		}
	}
}

func TestCopyrights(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"deduplicated", "Copyright (c) 2020 A\n\nsome text\nCopyright (c) 2020 A\n  Copyright (c) 2021 B\n",
			[]string{"Copyright (c) 2020 A", "Copyright (c) 2021 B"}},
		{"mit", "The MIT License\n\nCopyright (c) 2014 Jane Doe <jane@example.com>\nCopyright (c) 2018 John\n\nPermission is hereby granted, provided that the above\ncopyright notice and this permission notice appear in all copies.\n",
			[]string{"Copyright (c) 2014 Jane Doe <jane@example.com>", "Copyright (c) 2018 John"}},
		{"symbol and comment", "/*\n * © 2020 Acme Corp.\n */\n", []string{"© 2020 Acme Corp."}},
		{"prose left out", "copyright holders and contributors \"as is\"\nCopyright law protects it.\n", nil},
		{"fsf kept", "Copyright (C) 2007 Free Software Foundation, Inc.\n", []string{"Copyright (C) 2007 Free Software Foundation, Inc."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Copyrights([]byte(tt.text))); diff != "" {
				t.Errorf("Copyrights mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDetectionCopyrights: a detection leaves out the templates and the
// FSF's notice on the GNU texts, and keeps at most maxCopyrights lines.
func TestDetectionCopyrights(t *testing.T) {
	var many strings.Builder
	var first []string
	for i := range maxCopyrights + 5 {
		line := "Copyright " + strings.Repeat("1", i+1) + " Holder"
		many.WriteString(line + "\n")
		if i < maxCopyrights {
			first = append(first, line)
		}
	}
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"templates and fsf left out", "Copyright [yyyy] [name of copyright owner]\nCopyright (C) 1989, 1991 Free Software Foundation, Inc.\nCopyright (C) <year>  <name of author>\n", nil},
		{"fsf among others", "Copyright (C) 2007 Free Software Foundation, Inc.\nCopyright 2020 Jane\n", []string{"Copyright 2020 Jane"}},
		{"capped", many.String(), first},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, detectionCopyrights([]byte(tt.text))); diff != "" {
				t.Errorf("detectionCopyrights mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzCopyrights: no panic; every statement is a valid, bounded, trimmed
// part of one line of the input, and is itself a statement.
func FuzzCopyrights(f *testing.F) {
	seedDir(f, "texts")
	seedDir(f, "readme")
	f.Add([]byte("(c) 2\n©\xff\n Copyright \x00 2020\r\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		got := Copyrights(text)
		for _, s := range got {
			if !utf8.ValidString(s) || len(s) > maxCopyrightLen || s == "" {
				t.Fatalf("bad statement %q", s)
			}
			if strings.Contains(s, "\n") {
				t.Fatalf("statement %q spans lines", s)
			}
			if utf8.Valid(text) && !strings.Contains(string(text), s) {
				t.Fatalf("statement %q is not in the text", s)
			}
			if again, ok := CopyrightStatement([]byte(s)); utf8.Valid(text) && (!ok || again != s) {
				t.Fatalf("statement %q is not stable: %q, %v", s, again, ok)
			}
		}
		if d := detectionCopyrights(text); len(d) > maxCopyrights || len(d) > len(got) {
			t.Fatalf("detection keeps %d of %d statements", len(d), len(got))
		}
	})
}
