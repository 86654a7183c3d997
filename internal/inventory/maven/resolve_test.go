package maven

import (
	"testing"

	"ospo/internal/inventory"
)

// Maven's table of the scope a transitive dependency takes, and how the
// inventory names it.
func TestDeriveScope(t *testing.T) {
	tests := []struct {
		parent mscope
		child  string
		want   string
		inv    inventory.Scope
	}{
		{mscope{scope: "compile", set: true}, "compile", "compile", inventory.ScopeProd},
		{mscope{scope: "compile", set: true}, "runtime", "runtime", inventory.ScopeProd},
		{mscope{scope: "runtime", set: true}, "compile", "runtime", inventory.ScopeProd},
		{mscope{scope: "provided", set: true}, "compile", "provided", inventory.ScopeOptional},
		{mscope{scope: "provided", set: true}, "runtime", "provided", inventory.ScopeOptional},
		{mscope{scope: "test", set: true}, "compile", "test", inventory.ScopeDev},
		{mscope{scope: "test", set: true}, "runtime", "test", inventory.ScopeDev},
		{mscope{scope: "compile", opt: true, set: true}, "compile", "compile", inventory.ScopeOptional},
		{mscope{scope: "test", opt: true, set: true}, "compile", "test", inventory.ScopeDev},
	}
	for _, tt := range tests {
		got := derive(tt.parent, tt.child)
		if got.scope != tt.want || got.inventoryScope() != tt.inv {
			t.Errorf("derive(%+v, %s) = %+v (%s), want %s (%s)", tt.parent, tt.child, got, got.inventoryScope(), tt.want, tt.inv)
		}
	}
	prod, opt, dev := mscope{scope: "runtime", set: true}, mscope{scope: "compile", opt: true, set: true}, mscope{scope: "test", set: true}
	if !prod.wider(opt) || !opt.wider(dev) || dev.wider(prod) || !dev.wider(mscope{}) {
		t.Error("wider does not order prod > optional > dev > unset")
	}
	if !(mscope{scope: "compile", set: true}).wider(prod) {
		t.Error("compile is not wider than runtime")
	}
}

func TestPinnedVersion(t *testing.T) {
	for in, want := range map[string]string{"[1.2.3]": "1.2.3", "[1.0,2.0)": "[1.0,2.0)", "1.0": "1.0", "[]": "[]"} {
		if got := pinnedVersion(in); got != want {
			t.Errorf("pinnedVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
