package license

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// identifyCase is a real license text and what it must be identified as.
type identifyCase struct {
	file   string
	want   string // Expression
	second bool   // SecondOpinionOnly
	// resembles lists licenses the Matches must name when the answer is
	// not definite.
	resembles []string
}

var identifyCases = []identifyCase{
	{file: "mit.txt", want: "MIT"},
	{file: "isc.txt", want: "ISC"},
	{file: "apache-2.0-with-appendix.txt", want: "Apache-2.0"},
	{file: "apache-2.0-without-appendix.txt", want: "Apache-2.0"},
	{file: "apache-2.0-header-notice.txt", want: "Apache-2.0"},
	{file: "bsd-2-clause.txt", want: "BSD-2-Clause"},
	{file: "bsd-2-clause-views.txt", want: "BSD-2-Clause-Views"},
	{file: "bsd-3-clause.txt", want: "BSD-3-Clause"},
	{file: "0bsd.txt", want: "0BSD"},
	{file: "copyright-notice-0bsd.txt", want: "0BSD"},
	{file: "unlicense.txt", want: "Unlicense"},
	{file: "cc0-1.0.txt", want: "CC0-1.0"},
	{file: "mpl-2.0.txt", want: "MPL-2.0"},
	{file: "gpl-2.0.txt", want: "GPL-2.0-only"},
	{file: "gpl-3.0.txt", want: "GPL-3.0-only"},
	{file: "lgpl-2.1.txt", want: "LGPL-2.1-only"},
	{file: "lgpl-3.0.txt", want: "LGPL-3.0-only"},
	// One file, two licenses, and the text offers the choice.
	{file: "dual-isc-or-mit-one-file.txt", want: "ISC OR MIT"},
	{file: "dual-unlicense-or-apache-one-file.txt", want: "Apache-2.0 OR Unlicense"},
	// One file, two licenses for different parts: both apply.
	{file: "mit-and-apache-by-file.txt", want: "Apache-2.0 AND MIT"},
	// An inserted restriction must not pass as MIT.
	{file: "mit-non-commercial.txt", want: NoAssertion, second: true, resembles: []string{"MIT"}},
	// A copy missing words of the warranty disclaimer: only the second
	// opinion recognises it.
	{file: "mit-missing-words.txt", want: NoAssertion, second: true, resembles: []string{"MIT"}},
	// lodash: MIT and CC0 with explanations around them, under 75%.
	{file: "mit-and-cc0-with-prose.txt", want: NoAssertion, resembles: []string{"MIT", "CC0-1.0"}},
	{file: "go-patents.txt", want: NoAssertion},
	{file: "notice-without-license.txt", want: NoAssertion},
	{file: "empty.txt", want: NoAssertion},
}

// sharedIdentifiers are built once per test binary: the engines take
// seconds to build.
var (
	sharedOnce              sync.Once
	sharedFull, sharedBlind *Identifier
)

func identifiers() (withTable, enginesOnly *Identifier) {
	sharedOnce.Do(func() {
		sharedFull = NewIdentifier()
		sharedBlind = NewIdentifier()
		sharedBlind.skipExact = true
	})
	return sharedFull, sharedBlind
}

func readText(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "texts", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIdentify(t *testing.T) {
	withTable, enginesOnly := identifiers()
	for _, tt := range identifyCases {
		t.Run(tt.file, func(t *testing.T) {
			text := readText(t, tt.file)
			modes := []*Identifier{withTable}
			if !testing.Short() {
				// The table must answer as the engines do.
				modes = append(modes, enginesOnly)
			}
			for _, id := range modes {
				d := id.Identify(tt.file, text)
				if d.Expression != tt.want || d.SecondOpinionOnly != tt.second {
					t.Errorf("Identify (exact layer %v) = %q second=%v (engine %s, coverage %.1f, matches %v); want %q second=%v",
						!id.skipExact, d.Expression, d.SecondOpinionOnly, d.Engine, d.Coverage, matchIDs(d), tt.want, tt.second)
				}
				if d.Definite() && d.Coverage < MinCoverage {
					t.Errorf("definite answer with coverage %.1f", d.Coverage)
				}
				got := map[string]bool{}
				for _, m := range d.Matches {
					got[m.ID] = true
				}
				for _, r := range tt.resembles {
					if !got[r] {
						t.Errorf("matches %v do not name %s", matchIDs(d), r)
					}
				}
			}
		})
	}
}

func matchIDs(d Detection) []string {
	var ids []string
	for _, m := range d.Matches {
		ids = append(ids, m.Engine+":"+m.ID)
	}
	return ids
}

func TestIdentifyKindAndCopyrights(t *testing.T) {
	id, _ := identifiers()
	tests := []struct {
		name, file string
		want       Detection
	}{
		{"LICENSE-MIT", "mit.txt", Detection{File: "LICENSE-MIT", Kind: KindLicense, Expression: "MIT", Engine: EngineExact,
			Copyrights: []string{"Copyright (c) 2014-2017 TJ Holowaychuk <tj@vision-media.ca>", "Copyright (c) 2018-2021 Josh Junon"}}},
		{"NOTICE", "notice-without-license.txt", Detection{File: "NOTICE", Kind: KindNotice, Expression: NoAssertion, Engine: EngineExact,
			Copyrights: []string{"Copyright 2012-2017 Amazon.com, Inc. or its affiliates. All Rights Reserved."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := id.Identify(tt.name, readText(t, tt.file))
			got.Coverage, got.Matches = 0, nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Identify mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestIdentifyCommonLayer checks that the small scanner answers the usual
// texts and stays out of the way of the others.
func TestIdentifyCommonLayer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the engines")
	}
	_, enginesOnly := identifiers()
	for file, engine := range map[string]string{
		"mit.txt":                               EngineCommon,
		"apache-2.0-with-appendix.txt":          EngineCommon,
		"bsd-3-clause.txt":                      EngineCommon,
		"gpl-2.0.txt":                           EngineLicensecheck, // not in the small set
		"mit-and-apache-by-file.txt":            EngineLicensecheck, // too much text outside the matches
		"dual-isc-or-mit-one-file.txt":          EngineLicensecheck,
		"mit-and-cc0-with-prose.txt":            EngineClassifier,
		"notice-without-license.txt":            EngineLicensecheck,
		"apache-2.0-header-notice.txt":          EngineCommon,
		"bsd-2-clause-views.txt":                EngineCommon,
		"dual-unlicense-or-apache-one-file.txt": EngineLicensecheck,
	} {
		if d := enginesOnly.Identify(file, readText(t, file)); d.Engine != engine {
			t.Errorf("%s answered by %s (%s), want %s", file, d.Engine, d.Expression, engine)
		}
	}
}

func TestIdentifyReadmeSection(t *testing.T) {
	id, _ := identifiers()
	tests := []struct {
		file   string
		want   string
		engine string
	}{
		{"full-text-in-section.md", "MIT", ""},
		{"setext-license-mit-title.md", "MIT", ""},
		{"reference-with-holder.md", "MIT", EngineReadmeReference},
		{"rst-underline.rst", "MIT", EngineReadmeReference},
		// "[The MIT License](http://…)": a link text is a reference too.
		{"setext-licence-link.md", "MIT", EngineReadmeReference},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join("testdata", "readme", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			sec := ReadmeLicenseSection(text)
			d := id.IdentifyReadmeSection("README", sec)
			if d.Expression != tt.want || d.Kind != KindReadme || (tt.engine != "" && d.Engine != tt.engine) {
				t.Errorf("IdentifyReadmeSection = %q kind %s engine %s; want %q (engine %q)", d.Expression, d.Kind, d.Engine, tt.want, tt.engine)
			}
		})
	}
}

func TestReadmeReference(t *testing.T) {
	tests := []struct {
		section string
		want    string
	}{
		{"MIT", "MIT"},
		{"MIT © Sindre Sorhus", "MIT"},
		{"[MIT](LICENSE) © Jane", "MIT"},
		{"Released under the MIT license.", "MIT"},
		{"Licensed under the Apache License, Version 2.0.", "Apache-2.0"},
		{"This project is licensed under the terms of the BSD-3-Clause license. See LICENSE.", "BSD-3-Clause"},
		{"ISC\n\n[1]: https://example.com/license", "ISC"},
		// Several licenses, or none: a person reads it.
		{"MIT or Apache-2.0, at your option.", ""},
		{"Code under MIT, docs under CC-BY-4.0.", ""},
		{"BSD", ""},
		{"See the LICENSE file.", ""},
		{"Licensed under the GPL.", ""},
		{strings.Repeat("word ", 61) + "MIT", ""},
	}
	for _, tt := range tests {
		got, _ := readmeReference([]byte(tt.section))
		if got != tt.want {
			t.Errorf("readmeReference(%q) = %q, want %q", tt.section, got, tt.want)
		}
	}
}

func TestLayerStats(t *testing.T) {
	id := NewIdentifier()
	id.Identify("LICENSE", readText(t, "mit.txt"))
	id.Identify("LICENSE", nil)
	s := id.Stats()
	if s.Exact != 1 || s.None != 1 || s.Common+s.Full+s.Classifier != 0 {
		t.Errorf("Stats = %+v, want one exact and one empty text", s)
	}
	if s.FullBuild != 0 || s.ClassifierBuild != 0 {
		t.Errorf("engines were built for texts the table knows: %+v", s)
	}
}
