package notice

import (
	"os"
	"path/filepath"
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
		got, ok := copyrightStatement([]byte(tt.line))
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("copyrightStatement(%q) = %q, %v; want %q", tt.line, got, ok, tt.want)
		}
	}
}

func TestCopyrightsDeduplicated(t *testing.T) {
	text := "Copyright (c) 2020 A\n\nsome text\nCopyright (c) 2020 A\n  Copyright (c) 2021 B\n"
	if diff := cmp.Diff([]string{"Copyright (c) 2020 A", "Copyright (c) 2021 B"}, copyrights([]byte(text))); diff != "" {
		t.Error(diff)
	}
}

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

// FuzzCopyrights: no panic; every statement is a trimmed part of one line
// of the input; the license body holds no statement and is stable.
func FuzzCopyrights(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/npm-app/node_modules/*/*")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("(c) 2\n©\xff\n Copyright \x00 2020\r\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		for _, s := range copyrights(text) {
			if !utf8.ValidString(s) || len(s) > maxCopyrightLen || s == "" {
				t.Fatalf("bad statement %q", s)
			}
			if utf8.Valid(text) && !strings.Contains(string(text), s) {
				t.Fatalf("statement %q is not in the text", s)
			}
		}
		body := licenseBody(text)
		if !utf8.ValidString(body) {
			t.Fatalf("body is not UTF-8")
		}
		if got := copyrights([]byte(body)); len(got) > 0 {
			t.Fatalf("body keeps statements %q", got)
		}
		if again := licenseBody([]byte(body)); again != body {
			t.Fatalf("licenseBody is not stable: %q then %q", body, again)
		}
	})
}
