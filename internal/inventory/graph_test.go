package inventory

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func comp(name, version string) *Component {
	return &Component{Ecosystem: "npm", Name: name, Version: version}
}

func TestComputePaths(t *testing.T) {
	a, b, c, d := comp("a", "1"), comp("b", "1"), comp("c", "1"), comp("d", "1")
	orphan := comp("orphan", "1")
	orphan.Direct = true // set by an extractor that knows better than the graph
	p := &Project{Components: []*Component{a, b, c, d, orphan}}
	p.AddEdge(RootKey, a.Key())
	p.AddEdge(RootKey, b.Key())
	p.AddEdge(RootKey, b.Key()) // duplicate edges are ignored
	p.AddEdge(a.Key(), c.Key())
	p.AddEdge(b.Key(), c.Key())
	p.AddEdge(c.Key(), d.Key())
	p.AddEdge(d.Key(), a.Key()) // a cycle back to a direct dependency
	p.ComputePaths()

	type got struct {
		Direct bool
		Paths  [][]string
	}
	want := map[string]got{
		"a":      {true, [][]string{{"a@1"}}},
		"b":      {true, [][]string{{"b@1"}}},
		"c":      {false, [][]string{{"a@1", "c@1"}, {"b@1", "c@1"}}},
		"d":      {false, [][]string{{"a@1", "c@1", "d@1"}, {"b@1", "c@1", "d@1"}}},
		"orphan": {true, nil},
	}
	have := map[string]got{}
	for _, x := range p.Components {
		have[x.Name] = got{x.Direct, x.Paths}
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if n := len(p.Edges[RootKey]); n != 2 {
		t.Errorf("root has %d edges, want 2", n)
	}
}

func TestComputePathsBounded(t *testing.T) {
	// A diamond of width 10 gives the bottom 10 shortest paths; only
	// MaxPaths are kept.
	p := &Project{}
	bottom := comp("bottom", "1")
	p.Components = append(p.Components, bottom)
	for i := range 10 {
		mid := comp(string(rune('a'+i)), "1")
		p.Components = append(p.Components, mid)
		p.AddEdge(RootKey, mid.Key())
		p.AddEdge(mid.Key(), bottom.Key())
	}
	p.ComputePaths()
	if len(bottom.Paths) != MaxPaths {
		t.Fatalf("bottom has %d paths, want %d", len(bottom.Paths), MaxPaths)
	}
}

func TestMerge(t *testing.T) {
	x := &Component{Ecosystem: "npm", Name: "x", Version: "1", Scope: ScopeDev,
		Locations: []string{"a/node_modules/x"}, DeclaredLicenses: []string{"MIT"}}
	y := &Component{Ecosystem: "npm", Name: "x", Version: "1", Scope: ScopeProd, Direct: true,
		Locations: []string{"b/node_modules/x", "a/node_modules/x"}, DeclaredLicenses: []string{"MIT"},
		Homepage: "h", Hashes: []Hash{{"SHA-512", "abc"}}, Paths: [][]string{{"x@1"}}}
	Merge(x, y)
	want := &Component{Ecosystem: "npm", Name: "x", Version: "1", Scope: ScopeProd, Direct: true,
		Locations: []string{"a/node_modules/x", "b/node_modules/x"}, DeclaredLicenses: []string{"MIT"},
		Homepage: "h", Hashes: []Hash{{"SHA-512", "abc"}}, Paths: [][]string{{"x@1"}}}
	if diff := cmp.Diff(want, x, cmp.AllowUnexported(LicenseFile{})); diff != "" {
		t.Errorf("merge (-want +got):\n%s", diff)
	}
}

func TestInventoryComponentsDedupes(t *testing.T) {
	inv := &Inventory{Projects: []*Project{
		{Components: []*Component{comp("b", "1"), comp("a", "2")}},
		{Components: []*Component{comp("a", "2"), comp("a", "1")}},
	}}
	var got []string
	for _, c := range inv.Components() {
		got = append(got, c.Ref())
	}
	if diff := cmp.Diff([]string{"a@1", "a@2", "b@1"}, got); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
}

func TestOptionsRel(t *testing.T) {
	o := Options{Root: "/src/repo", Display: "repo"}
	tests := map[string]string{
		"/src/repo/node_modules/x": "repo/node_modules/x",
		"/src/repo":                "repo",
		"/elsewhere/cache/x@v1":    "/elsewhere/cache/x@v1",
		"/src/repository":          "/src/repository",
	}
	for in, want := range tests {
		if got := o.Rel(in); got != want {
			t.Errorf("Rel(%q) = %q, want %q", in, got, want)
		}
	}
	dot := Options{Root: "/src/repo", Display: "."}
	if got := dot.Rel("/src/repo/go.mod"); got != "go.mod" {
		t.Errorf("Rel with display . = %q", got)
	}
}
