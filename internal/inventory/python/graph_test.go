package python

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

func comp(name, version string, scope inventory.Scope) *inventory.Component {
	return &inventory.Component{Ecosystem: ecosystem, Name: name, Version: version, PURL: purl(name, version), Scope: scope}
}

// TestLinkOrphans checks that what nobody requires is direct, and that a
// cycle nobody enters still gets one way in, so every component has a
// path.
func TestLinkOrphans(t *testing.T) {
	p := &inventory.Project{}
	g := newGraphBuilder(p)
	for _, n := range []string{"app", "lib", "a", "b"} {
		g.add(comp(n, "1", ""))
	}
	g.add(comp("tool", "1", inventory.ScopeDev))
	g.edge(key("app", "1"), key("lib", "1"))
	g.edge(key("a", "1"), key("b", "1"))
	g.edge(key("b", "1"), key("a", "1"))
	g.edge(key("lib", "1"), key("lib", "1"))
	g.linkOrphans()
	g.finish()
	want := []string{"a@1 prod direct", "app@1 prod direct", "b@1 prod", "lib@1 prod", "tool@1 dev direct"}
	var got []string
	for _, c := range p.Components {
		s := c.Ref() + " " + string(c.Scope)
		if c.Direct {
			s += " direct"
		}
		if len(c.Paths) == 0 {
			s += " unreachable"
		}
		got = append(got, s)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestScopeStrongestPath checks that a component reached from production
// and from development is production, and one reached only through a
// development dependency is development.
func TestScopeStrongestPath(t *testing.T) {
	p := &inventory.Project{}
	g := newGraphBuilder(p)
	for _, n := range []string{"web", "pytest", "shared", "pluggy"} {
		g.add(comp(n, "1", ""))
	}
	g.rootEdge(key("web", "1"), inventory.ScopeProd)
	g.rootEdge(key("pytest", "1"), inventory.ScopeDev)
	g.edge(key("web", "1"), key("shared", "1"))
	g.edge(key("pytest", "1"), key("shared", "1"))
	g.edge(key("pytest", "1"), key("pluggy", "1"))
	g.finish()
	got := map[string]inventory.Scope{}
	for _, c := range p.Components {
		got[c.Name] = c.Scope
	}
	want := map[string]inventory.Scope{"web": "prod", "pytest": "dev", "shared": "prod", "pluggy": "dev"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
