package notice

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/license"
	"ospo/internal/policy"
	"ospo/internal/scan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// decisionDay fixes when the policy is evaluated.
var decisionDay = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// The fixture npm-app is a real npm install, trimmed to the package
// manifests and the license, NOTICE and README files: MIT under two
// different texts (escape-string-regexp and has-flag share one), ISC,
// Apache-2.0 with a NOTICE file (bare-path), a choice (expand-template,
// MIT OR WTFPL), a license without a shipped text (isarray declares MIT,
// indexof names it in its README), a package that says nothing
// (component-bind), and a development-only dependency (has-flag).
// identifier is shared by the tests: it builds its engines once.
var identifier = sync.OnceValue(license.NewIdentifier)

func scanFixture(t *testing.T, dir string, filter scan.Filter, pol *policy.Policy) *scan.Result {
	t.Helper()
	res, err := scan.Run(context.Background(), scan.Config{
		Roots: []string{filepath.Join("testdata", dir)}, Filter: filter, Policy: pol, Now: decisionDay,
		Identifier: identifier(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestGolden(t *testing.T) {
	tests := []struct {
		golden string
		filter scan.Filter
		format Format
	}{
		{"production.txt", scan.Filter{Production: true}, Text},
		{"production.md", scan.Filter{Production: true}, Markdown},
		{"include-dev.txt", scan.Filter{}, Text},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			res := scanFixture(t, "npm-app", tt.filter, policy.Default())
			n, problems, err := Build(context.Background(), res, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) > 0 {
				t.Errorf("problems: %v", problems)
			}
			var buf bytes.Buffer
			if err := Render(&buf, n, tt.format); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, diff)
			}
			if s := Diff(want, buf.Bytes(), tt.format); !s.Same() {
				t.Errorf("Diff of identical documents = %+v", s)
			}
		})
	}
}

// TestGroups checks the structure the renderers print: what is grouped
// with what, which choice is stated, where no text shipped.
func TestGroups(t *testing.T) {
	type group struct {
		License  string
		Standard bool
		Refs     []string
	}
	summarise := func(n *Notice) (gs []group, undetermined []string) {
		for _, g := range n.Groups {
			x := group{License: g.License, Standard: g.Standard}
			for _, e := range g.Entries {
				ref := e.Ref()
				if e.Choice != "" {
					ref += " used under " + e.Choice
				}
				x.Refs = append(x.Refs, ref)
			}
			gs = append(gs, x)
		}
		for _, e := range n.Undetermined {
			undetermined = append(undetermined, e.Ref())
		}
		return gs, undetermined
	}
	tests := []struct {
		name   string
		pol    *policy.Policy
		choose map[string]string // component → choice forced into its decision
		want   []group
	}{
		{
			name: "policy choice",
			pol:  policy.Default(),
			want: []group{
				{License: "Apache-2.0", Refs: []string{"bare-path@3.1.3"}},
				{License: "ISC", Refs: []string{"inherits@2.0.4"}},
				{License: "MIT", Refs: []string{"escape-string-regexp@4.0.0", "has-flag@4.0.0"}},
				{License: "MIT", Refs: []string{"expand-template@2.0.3 used under MIT", "ms@2.1.3"}},
				{License: "MIT", Standard: true, Refs: []string{"indexof@0.0.1", "isarray@1.0.0"}},
			},
		},
		{
			// Without a policy nothing chose: the first branch is used.
			name: "no policy takes the first branch",
			want: []group{
				{License: "Apache-2.0", Refs: []string{"bare-path@3.1.3"}},
				{License: "ISC", Refs: []string{"inherits@2.0.4"}},
				{License: "MIT", Refs: []string{"escape-string-regexp@4.0.0", "has-flag@4.0.0"}},
				{License: "MIT", Refs: []string{"expand-template@2.0.3 used under MIT", "ms@2.1.3"}},
				{License: "MIT", Standard: true, Refs: []string{"indexof@0.0.1", "isarray@1.0.0"}},
			},
		},
		{
			// expand-template ships only the MIT text: used under WTFPL,
			// it has no text of that license to show.
			name:   "choice without its text",
			pol:    policy.Default(),
			choose: map[string]string{"expand-template": "WTFPL"},
			want: []group{
				{License: "Apache-2.0", Refs: []string{"bare-path@3.1.3"}},
				{License: "ISC", Refs: []string{"inherits@2.0.4"}},
				{License: "MIT", Refs: []string{"escape-string-regexp@4.0.0", "has-flag@4.0.0"}},
				{License: "MIT", Refs: []string{"ms@2.1.3"}},
				{License: "MIT", Standard: true, Refs: []string{"indexof@0.0.1", "isarray@1.0.0"}},
				{License: "WTFPL", Standard: true, Refs: []string{"expand-template@2.0.3 used under WTFPL"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := scanFixture(t, "npm-app", scan.Filter{}, tt.pol)
			if res.Decisions != nil {
				for i := range res.Decisions.Decisions {
					d := &res.Decisions.Decisions[i]
					if c, ok := tt.choose[res.Components[i].Name]; ok {
						d.Choice = c
					}
				}
			}
			n, _, err := Build(context.Background(), res, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, undetermined := summarise(n)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"component-bind@1.0.0"}, undetermined); diff != "" {
				t.Errorf("undetermined (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNoticeFile checks that the Apache NOTICE file is carried verbatim
// and that its copyright statements join the component's.
func TestNoticeFile(t *testing.T) {
	res := scanFixture(t, "npm-app", scan.Filter{Production: true}, policy.Default())
	n, _, err := Build(context.Background(), res, Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/npm-app/node_modules/bare-path/NOTICE")
	if err != nil {
		t.Fatal(err)
	}
	e := n.Groups[0].Entries[0]
	want := Entry{Ecosystem: "npm", Name: "bare-path", Version: "3.1.3", License: "Apache-2.0",
		Copyrights: []string{"Copyright 2023 Holepunch Inc", "Copyright Joyent, Inc. and other Node contributors."},
		Notices:    []File{{Name: "NOTICE", Text: strings.TrimSpace(string(raw))}}}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("bare-path (-want +got):\n%s", diff)
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Render(&buf, n, f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), strings.TrimSpace(string(raw))) {
			t.Errorf("%s: the NOTICE file is not in the document verbatim", f)
		}
	}
}

func TestReadBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "LICENSE")
	if err := os.WriteFile(big, bytes.Repeat([]byte("MIT License\n"), MaxFileBytes/12+10), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "NOTICE.bin")
	if err := os.WriteFile(bin, []byte("Copyright 2020\x00\x01"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "COPYING")
	if err := os.Symlink(big, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path    string
		wantLen int
		wantErr string
	}{
		{big, MaxFileBytes, "larger than"},
		{bin, 0, "binary file"},
		{link, 0, "not a regular file"},
		{filepath.Join(dir, "missing"), 0, "no such file"},
	}
	for _, tt := range tests {
		text, err := readBounded(tt.path, filepath.Base(tt.path))
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), filepath.Base(tt.path)) {
			t.Errorf("%s: error %v, want one naming the file and saying %q", tt.path, err, tt.wantErr)
		}
		if len(text) != tt.wantLen {
			t.Errorf("%s: read %d bytes, want %d", tt.path, len(text), tt.wantLen)
		}
	}
}

// TestBuildProblems: a license file that went missing since the scan is a
// problem naming it; the component is still listed.
func TestBuildProblems(t *testing.T) {
	c := &inventory.Component{Ecosystem: "npm", Name: "gone", Version: "1.0.0",
		License: inventory.License{Expression: "MIT"},
		LicenseFiles: []inventory.LicenseFile{inventory.NewLicenseFile(filepath.Join(t.TempDir(), "LICENSE"),
			"node_modules/gone/LICENSE", "license")}}
	n, problems, err := Build(context.Background(), &scan.Result{Components: []*inventory.Component{c}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Path != "node_modules/gone/LICENSE" {
		t.Errorf("problems = %v, want one for node_modules/gone/LICENSE", problems)
	}
	if len(n.Groups) != 1 || !n.Groups[0].Standard || n.Groups[0].Entries[0].Ref() != "gone@1.0.0" {
		t.Errorf("groups = %+v, want gone@1.0.0 under the standard MIT text", n.Groups)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Build(ctx, &scan.Result{Components: []*inventory.Component{c}}, Options{}); err == nil {
		t.Error("Build with a cancelled context succeeded")
	}
}

func TestOrBranches(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{"MIT", []string{"MIT"}},
		{"MIT OR Apache-2.0", []string{"MIT", "Apache-2.0"}},
		{"(MIT OR WTFPL)", []string{"MIT", "WTFPL"}},
		{"BSD-2-Clause OR MIT OR Apache-2.0", []string{"BSD-2-Clause", "MIT", "Apache-2.0"}},
		{"(MIT AND BSD-3-Clause) OR GPL-2.0-only", []string{"MIT AND BSD-3-Clause", "GPL-2.0-only"}},
		{"MIT AND (BSD-3-Clause OR GPL-2.0-only)", []string{"MIT AND (BSD-3-Clause OR GPL-2.0-only)"}},
		{"(MIT) AND (ISC)", []string{"(MIT) AND (ISC)"}},
		{"GPL-2.0-only WITH Classpath-exception-2.0 or MIT", []string{"GPL-2.0-only WITH Classpath-exception-2.0", "MIT"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, orBranches(tt.expr)); diff != "" {
			t.Errorf("orBranches(%q) (-want +got):\n%s", tt.expr, diff)
		}
	}
}
