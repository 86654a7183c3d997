package notice

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/policy"
	"ospo/internal/scan"
)

func TestDiff(t *testing.T) {
	res := scanFixture(t, "npm-app", scan.Filter{}, policy.Default())
	fresh := func() *Notice {
		n, _, err := Build(context.Background(), res, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	find := func(n *Notice, name string) (gi, ei int) {
		for gi, g := range n.Groups {
			for ei, e := range g.Entries {
				if e.Name == name {
					return gi, ei
				}
			}
		}
		t.Fatalf("%s not in the notice", name)
		return 0, 0
	}
	drop := func(n *Notice, name string) {
		gi, ei := find(n, name)
		g := &n.Groups[gi]
		g.Entries = append(g.Entries[:ei:ei], g.Entries[ei+1:]...)
	}
	tests := []struct {
		name string
		// edit turns the fresh notice into the committed one.
		edit func(n *Notice)
		want Summary
	}{
		{"up to date", func(*Notice) {}, Summary{}},
		{"component added since", func(n *Notice) { drop(n, "ms") }, Summary{Added: []string{"ms@2.1.3"}}},
		{"component removed since", func(n *Notice) {
			gi, _ := find(n, "ms")
			e := n.Groups[gi].Entries[0]
			e.Name, e.Version = "left-pad", "1.3.0"
			n.Groups[gi].Entries = append(n.Groups[gi].Entries, e)
		}, Summary{Removed: []string{"left-pad@1.3.0"}}},
		{"copyright changed", func(n *Notice) {
			gi, ei := find(n, "inherits")
			n.Groups[gi].Entries[ei].Copyrights = []string{"Copyright (c) 2011 Someone Else"}
		}, Summary{Changed: []string{"inherits@2.0.4"}}},
		{"NOTICE file changed", func(n *Notice) {
			gi, ei := find(n, "bare-path")
			n.Groups[gi].Entries[ei].Notices[0].Text = "Copyright 2022 Holepunch Inc"
		}, Summary{Changed: []string{"bare-path@3.1.3"}}},
		{"license text changed", func(n *Notice) {
			// isarray shipped a text once; now the standard text applies.
			gi, ei := find(n, "isarray")
			e := n.Groups[gi].Entries[ei]
			drop(n, "isarray")
			n.Groups = append(n.Groups, Group{License: "MIT", Text: "MIT License\n\nPermission is granted.", Entries: []Entry{e}})
		}, Summary{Changed: []string{"isarray@1.0.0"}}},
		{"choice changed", func(n *Notice) {
			gi, ei := find(n, "expand-template")
			n.Groups[gi].Entries[ei].Choice = "WTFPL"
		}, Summary{Changed: []string{"expand-template@2.0.3"}}},
		{"title changed", func(n *Notice) { n.Title = "Notices" }, Summary{Other: true}},
	}
	for _, f := range Formats {
		for _, tt := range tests {
			t.Run(string(f)+"/"+tt.name, func(t *testing.T) {
				var a, b bytes.Buffer
				committed := fresh()
				tt.edit(committed)
				if err := Render(&a, committed, f); err != nil {
					t.Fatal(err)
				}
				if err := Render(&b, fresh(), f); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, Diff(a.Bytes(), b.Bytes(), f)); diff != "" {
					t.Errorf("Diff (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// FuzzDiff: a committed file may hold anything; Diff never panics, finds
// a document the same as itself, and finds it different from another.
func FuzzDiff(f *testing.F) {
	golden, _ := filepath.Glob("testdata/golden/*")
	for _, p := range golden {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, false)
			f.Add(b, true)
		}
	}
	f.Add([]byte("```\n## x\n### `a@1`\n"), true)
	f.Add([]byte("=\n----- BEGIN \nComponent: a@1\n"), false)
	f.Fuzz(func(t *testing.T, doc []byte, md bool) {
		format := Text
		if md {
			format = Markdown
		}
		if s := Diff(doc, doc, format); !s.Same() {
			t.Fatalf("a document differs from itself: %+v", s)
		}
		other := append(append([]byte(nil), doc...), "\nx"...)
		if s := Diff(doc, other, format); s.Same() {
			t.Fatal("different documents compare the same")
		}
	})
}
