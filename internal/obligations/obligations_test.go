package obligations

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
)

var day = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// comp makes a component whose concluded license is expr.
func comp(name, expr string) *inventory.Component {
	return &inventory.Component{
		Ecosystem: "npm", Name: name, Version: "1.0.0", PURL: "pkg:npm/" + name + "@1.0.0",
		License: inventory.License{Expression: expr, Source: "declared"},
	}
}

// brief is what a case compares: each list as name|license|offer|triggered,
// and the categories that count something.
type brief struct {
	Attribution, SourceOffer, Network, Unknown []string
	NetworkPresent                             bool
	Categories                                 map[knowledge.Category]int
	Distribution                               knowledge.DistributionModel
}

func briefOf(s Summary) brief {
	line := func(items []Item) []string {
		var out []string
		for _, it := range items {
			x := it.Name + "|" + it.License
			if it.Offer != "" {
				x += "|" + string(it.Offer)
			}
			if !it.Triggered {
				x += "|not triggered"
			}
			out = append(out, x)
		}
		return out
	}
	b := brief{
		Attribution: line(s.Attribution), SourceOffer: line(s.SourceOffer),
		Network: line(s.NetworkCopyleft.Components), Unknown: line(s.Unknown),
		NetworkPresent: s.NetworkCopyleft.Present, Distribution: s.Distribution,
		Categories: map[knowledge.Category]int{},
	}
	for c, n := range s.ByCategory {
		if n > 0 {
			b.Categories[c] = n
		}
	}
	return b
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		// exprs are name=expression pairs.
		exprs []string
		// policy is a policy file's text; "none" leaves the scan without
		// decisions.
		policy string
		want   brief
	}{
		{
			name:   "permissive needs its notice",
			exprs:  []string{"a=MIT", "b=Apache-2.0"},
			policy: "project: {distribution: distributed}",
			want: brief{
				Attribution:  []string{"a|MIT", "b|Apache-2.0"},
				Categories:   map[knowledge.Category]int{knowledge.Permissive: 2},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "licenses without a notice clause ask for nothing",
			exprs:  []string{"a=0BSD", "b=CC0-1.0", "c=Unlicense"},
			policy: "none",
			want: brief{
				Categories:   map[knowledge.Category]int{knowledge.Permissive: 1, knowledge.PublicDomain: 2},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "the policy's OR choice drops the copyleft branch",
			exprs:  []string{"jszip=MIT OR GPL-3.0-or-later"},
			policy: "project: {distribution: distributed}",
			want: brief{
				Attribution:  []string{"jszip|MIT"},
				Categories:   map[knowledge.Category]int{knowledge.Permissive: 1},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "without decisions every alternative counts",
			exprs:  []string{"jszip=MIT OR GPL-3.0-or-later"},
			policy: "none",
			want: brief{
				Attribution:  []string{"jszip|MIT AND GPL-3.0-or-later"},
				SourceOffer:  []string{"jszip|GPL-3.0-or-later|program"},
				Categories:   map[knowledge.Category]int{knowledge.StrongCopyleft: 1},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "weak copyleft offers the component's source",
			exprs:  []string{"libvips=LGPL-3.0-or-later", "go-version=MPL-2.0", "jdk=GPL-2.0-only WITH Classpath-exception-2.0"},
			policy: "project: {distribution: library}",
			want: brief{
				Attribution: []string{"libvips|LGPL-3.0-or-later", "go-version|MPL-2.0", "jdk|GPL-2.0-only WITH Classpath-exception-2.0"},
				SourceOffer: []string{
					"libvips|LGPL-3.0-or-later|component", "go-version|MPL-2.0|component",
					"jdk|GPL-2.0-only WITH Classpath-exception-2.0|component",
				},
				Categories:   map[knowledge.Category]int{knowledge.WeakCopyleft: 3},
				Distribution: knowledge.Library,
			},
		},
		{
			name:   "strong copyleft offers the whole program's source when distributed",
			exprs:  []string{"ckeditor5=GPL-2.0-or-later"},
			policy: "project: {distribution: distributed}",
			want: brief{
				Attribution:  []string{"ckeditor5|GPL-2.0-or-later"},
				SourceOffer:  []string{"ckeditor5|GPL-2.0-or-later|program"},
				Categories:   map[knowledge.Category]int{knowledge.StrongCopyleft: 1},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "an internal tool triggers nothing",
			exprs:  []string{"ckeditor5=GPL-2.0-or-later", "minio=AGPL-3.0-only"},
			policy: "project: {distribution: internal}",
			want: brief{
				Attribution:    []string{"ckeditor5|GPL-2.0-or-later|not triggered", "minio|AGPL-3.0-only|not triggered"},
				SourceOffer:    []string{"ckeditor5|GPL-2.0-or-later|program|not triggered", "minio|AGPL-3.0-only|program|not triggered"},
				Network:        []string{"minio|AGPL-3.0-only|not triggered"},
				NetworkPresent: true,
				Categories:     map[knowledge.Category]int{knowledge.StrongCopyleft: 1, knowledge.NetworkCopyleft: 1},
				Distribution:   knowledge.Internal,
			},
		},
		{
			name:   "a service triggers only the network clause",
			exprs:  []string{"ckeditor5=GPL-2.0-or-later", "minio=AGPL-3.0-only", "a=MIT"},
			policy: "project: {distribution: saas}",
			want: brief{
				Attribution: []string{
					"ckeditor5|GPL-2.0-or-later|not triggered", "minio|AGPL-3.0-only|not triggered",
					"a|MIT|not triggered",
				},
				SourceOffer:    []string{"ckeditor5|GPL-2.0-or-later|program|not triggered", "minio|AGPL-3.0-only|program"},
				Network:        []string{"minio|AGPL-3.0-only"},
				NetworkPresent: true,
				Categories: map[knowledge.Category]int{
					knowledge.StrongCopyleft: 1, knowledge.NetworkCopyleft: 1, knowledge.Permissive: 1,
				},
				Distribution: knowledge.SaaS,
			},
		},
		{
			name:   "a strong copyleft with a network clause is network copyleft too",
			exprs:  []string{"eupl=EUPL-1.2"},
			policy: "project: {distribution: distributed}",
			want: brief{
				Attribution:    []string{"eupl|EUPL-1.2"},
				SourceOffer:    []string{"eupl|EUPL-1.2|program"},
				Network:        []string{"eupl|EUPL-1.2"},
				NetworkPresent: true,
				Categories:     map[knowledge.Category]int{knowledge.StrongCopyleft: 1},
				Distribution:   knowledge.Distributed,
			},
		},
		{
			name:   "share-alike content asks for no source",
			exprs:  []string{"docs=CC-BY-SA-4.0"},
			policy: "none",
			want: brief{
				Attribution:  []string{"docs|CC-BY-SA-4.0"},
				Categories:   map[knowledge.Category]int{knowledge.StrongCopyleft: 1},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "no license, NONE, a LicenseRef and text that is not SPDX are unknown",
			exprs:  []string{"a=NOASSERTION", "b=", "c=NONE", "d=LicenseRef-acme-eula", "e=Apache 2.0"},
			policy: "project: {distribution: distributed}",
			want: brief{
				Unknown: []string{
					"a|NOASSERTION", "b|NOASSERTION", "c|NONE", "d|LicenseRef-acme-eula", "e|Apache 2.0",
				},
				Categories:   map[knowledge.Category]int{knowledge.Unknown: 5},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "an unknown term makes the whole component unknown but keeps the known notices",
			exprs:  []string{"mixed=MIT AND LicenseRef-acme-eula"},
			policy: "none",
			want: brief{
				Attribution:  []string{"mixed|MIT"},
				Unknown:      []string{"mixed|LicenseRef-acme-eula"},
				Categories:   map[knowledge.Category]int{knowledge.Unknown: 1},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "proprietary terms are to be read",
			exprs:  []string{"own=LicenseRef-ospo-proprietary", "db=BUSL-1.1"},
			policy: "project: {distribution: distributed}",
			want: brief{
				Unknown:      []string{"own|LicenseRef-ospo-proprietary", "db|BUSL-1.1"},
				Categories:   map[knowledge.Category]int{knowledge.Proprietary: 2},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "the default model is distributed",
			exprs:  []string{"lgpl=LGPL-2.1-only"},
			policy: "",
			want: brief{
				Attribution:  []string{"lgpl|LGPL-2.1-only"},
				SourceOffer:  []string{"lgpl|LGPL-2.1-only|component"},
				Categories:   map[knowledge.Category]int{knowledge.WeakCopyleft: 1},
				Distribution: knowledge.Distributed,
			},
		},
		{
			name:   "AND of weak and strong copyleft offers the program",
			exprs:  []string{"both=MPL-2.0 AND GPL-3.0-only"},
			policy: "none",
			want: brief{
				Attribution:  []string{"both|MPL-2.0 AND GPL-3.0-only"},
				SourceOffer:  []string{"both|GPL-3.0-only|program"},
				Categories:   map[knowledge.Category]int{knowledge.StrongCopyleft: 1},
				Distribution: knowledge.Distributed,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var comps []*inventory.Component
			for _, e := range tc.exprs {
				name, expr, _ := strings.Cut(e, "=")
				comps = append(comps, comp(name, expr))
			}
			var decisions *policy.Result
			if tc.policy != "none" {
				p, err := policy.Parse([]byte(tc.policy), "test.yaml")
				if err != nil {
					t.Fatal(err)
				}
				r := policy.Evaluate(comps, policy.Context{}, p, day)
				decisions = &r
			}
			s := Summarize(comps, decisions)
			if diff := cmp.Diff(tc.want, briefOf(s)); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			total := 0
			for _, c := range knowledge.Categories() {
				n, ok := s.ByCategory[c]
				if !ok {
					t.Errorf("category %s missing from ByCategory", c)
				}
				total += n
			}
			if total != len(comps) {
				t.Errorf("categories count %d components, want %d", total, len(comps))
			}
			for _, list := range [][]Item{s.Attribution, s.SourceOffer, s.NetworkCopyleft.Components, s.Unknown} {
				for _, it := range list {
					if it.Reason == "" || it.Component == nil {
						t.Errorf("item %s@%s has no reason or component", it.Name, it.Version)
					}
				}
			}
		})
	}
}

func TestReasons(t *testing.T) {
	tests := []struct {
		expr  string
		model string
		// pick says which list's first item's reason to read.
		pick func(Summary) []Item
		want string
	}{
		{
			expr: "MIT", model: "distributed",
			pick: func(s Summary) []Item { return s.Attribution },
			want: "MIT asks that its copyright and license notice ship with every copy of the program, in source or binary form.",
		},
		{
			expr: "MIT AND BSD-3-Clause", model: "internal",
			pick: func(s Summary) []Item { return s.Attribution },
			want: "MIT and BSD-3-Clause ask that their copyright and license notices ship with every copy of the program, in source or binary form. " +
				"It applies once the program leaves the organisation; used only inside it, nothing is passed on.",
		},
		{
			expr: "LGPL-2.1-only", model: "distributed",
			pick: func(s Summary) []Item { return s.SourceOffer },
			want: "LGPL-2.1-only keeps the library open: whoever receives the program must be offered this component's source, " +
				"with any changes made to it, and be able to replace it; code that only uses it keeps its own license.",
		},
		{
			expr: "MPL-2.0", model: "saas",
			pick: func(s Summary) []Item { return s.SourceOffer },
			want: "MPL-2.0 keeps its files open: whoever receives the program must be able to get the source of this component's files, " +
				"with any changes made to them; other files keep their own license. " +
				"It applies once copies of the program are handed out; run as a service, none are.",
		},
		{
			expr: "AGPL-3.0-only", model: "saas",
			pick: func(s Summary) []Item { return s.NetworkCopyleft.Components },
			want: "AGPL-3.0-only has a network clause: users who interact with the program over a network are owed its complete source, even if it is never distributed.",
		},
		{
			expr: "GPL-3.0-only", model: "distributed",
			pick: func(s Summary) []Item { return s.SourceOffer },
			want: "GPL-3.0-only covers the whole program the component is part of: whoever receives it must be offered the source of all of it, under that license.",
		},
		{
			expr: "NOASSERTION", model: "distributed",
			pick: func(s Summary) []Item { return s.Unknown },
			want: "No license was found for this component, so what it asks is unknown; find its license first.",
		},
		{
			expr: "LicenseRef-a AND LicenseRef-b", model: "distributed",
			pick: func(s Summary) []Item { return s.Unknown },
			want: "LicenseRef-a and LicenseRef-b are not licenses whose terms ospo knows; read their texts to learn what they ask.",
		},
	}
	for _, tc := range tests {
		t.Run(tc.expr+" "+tc.model, func(t *testing.T) {
			comps := []*inventory.Component{comp("x", tc.expr)}
			p, err := policy.Parse([]byte(fmt.Sprintf("project: {distribution: %s}", tc.model)), "test.yaml")
			if err != nil {
				t.Fatal(err)
			}
			r := policy.Evaluate(comps, policy.Context{}, p, day)
			items := tc.pick(Summarize(comps, &r))
			if len(items) != 1 {
				t.Fatalf("got %d items, want 1", len(items))
			}
			if diff := cmp.Diff(tc.want, items[0].Reason); diff != "" {
				t.Errorf("reason (-want +got):\n%s", diff)
			}
		})
	}
}

// A result whose decisions do not line up with the components (a caller's
// mistake) falls back to the components' own licenses rather than
// misattributing.
func TestMismatchedDecisions(t *testing.T) {
	comps := []*inventory.Component{comp("a", "GPL-3.0-only"), comp("b", "MIT")}
	r := policy.Result{Distribution: knowledge.Internal, Decisions: []policy.Decision{{Licenses: []string{"MIT"}}}}
	got := briefOf(Summarize(comps, &r))
	want := brief{
		Attribution:  []string{"a|GPL-3.0-only|not triggered", "b|MIT|not triggered"},
		SourceOffer:  []string{"a|GPL-3.0-only|program|not triggered"},
		Categories:   map[knowledge.Category]int{knowledge.StrongCopyleft: 1, knowledge.Permissive: 1},
		Distribution: knowledge.Internal,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func BenchmarkSummarize(b *testing.B) {
	exprs := []string{"MIT", "ISC", "Apache-2.0", "BSD-3-Clause", "MIT OR Apache-2.0", "LGPL-3.0-or-later", "NOASSERTION"}
	var comps []*inventory.Component
	for i := range 2000 {
		comps = append(comps, comp(fmt.Sprintf("p%d", i), exprs[i%len(exprs)]))
	}
	r := policy.Evaluate(comps, policy.Context{}, nil, day)
	b.ResetTimer()
	for b.Loop() {
		Summarize(comps, &r)
	}
}

func TestSplitTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"MIT", []string{"MIT"}, true},
		{"MIT OR Apache-2.0", []string{"MIT", "Apache-2.0"}, true},
		{"(MIT AND BSD-3-Clause) or ISC", []string{"MIT", "BSD-3-Clause", "ISC"}, true},
		{"GPL-2.0-only WITH Classpath-exception-2.0 OR MIT", []string{"GPL-2.0-only WITH Classpath-exception-2.0", "MIT"}, true},
		{"MIT AND (MIT OR ISC)", []string{"MIT", "ISC"}, true},
		{"((Zlib))", []string{"Zlib"}, true},
		{"Apache 2.0", nil, false},
		{"MIT AND", nil, false},
		{"(MIT", nil, false},
		{"MIT)", nil, false},
		{"WITH Classpath-exception-2.0", nil, false},
		{"(MIT) WITH x", nil, false},
		{"MIT WITH", nil, false},
		{"", nil, false},
	}
	for _, tc := range tests {
		got, ok := splitTerms(tc.in)
		if ok != tc.ok || !cmp.Equal(got, tc.want) {
			t.Errorf("splitTerms(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// License expressions come from package metadata; whatever they hold,
// reading them must not panic and must say something about each one.
func FuzzSummarize(f *testing.F) {
	for _, s := range []string{"MIT", "MIT OR (GPL-2.0-only WITH Classpath-exception-2.0)", "Apache 2.0", "((", "NOASSERTION", "a WITH b WITH c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		s := Summarize([]*inventory.Component{comp("x", expr)}, nil)
		total := 0
		for _, n := range s.ByCategory {
			total += n
		}
		if total != 1 {
			t.Fatalf("%q counted %d times", expr, total)
		}
		if terms, ok := splitTerms(expr); ok && len(terms) == 0 {
			t.Fatalf("%q parsed to no terms", expr)
		}
	})
}
