package golang

import "testing"

func TestCompareGo(t *testing.T) {
	// Each version sorts before the next, as the go command orders them.
	order := []string{"1.9", "1.16", "1.17", "1.20", "1.21", "1.21rc1", "1.21rc2", "1.21.0", "1.21.3", "1.22", "1.22.0"}
	for i := range order {
		for j := range order {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := compareGo(order[i], order[j]); got != want {
				t.Errorf("compareGo(%q, %q) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}

func TestGoSemver(t *testing.T) {
	tests := map[string]string{
		"1.16":    "v1.16.0",
		"1.21":    "v1.21.0",
		"1.21rc1": "v1.21.0-rc.1",
		"1.22.5":  "v1.22.5",
		"1":       "v1.0.0",
		"1.02":    "",
		"go1.22":  "",
		"":        "",
	}
	for in, want := range tests {
		if got := goSemver(in); got != want {
			t.Errorf("goSemver(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrunesGraph(t *testing.T) {
	for v, want := range map[string]bool{"": false, "1.16": false, "1.17": true, "1.21": true, "1.9": false, "2.0": true} {
		if got := prunesGraph(v); got != want {
			t.Errorf("prunesGraph(%q) = %v, want %v", v, got, want)
		}
	}
}

func FuzzParseGoVersion(f *testing.F) {
	for _, s := range []string{"1.21", "1.21rc1", "1.22.5", "1.9", "0", "1..2", "1.21.3rc1"} {
		f.Add(s, "1.22.0")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if compareGo(a, b) != -compareGo(b, a) {
			t.Errorf("compareGo(%q, %q) is not antisymmetric", a, b)
		}
		if compareGo(a, a) != 0 {
			t.Errorf("compareGo(%q, itself) != 0", a)
		}
		if s := goSemver(a); s != "" && s[0] != 'v' {
			t.Errorf("goSemver(%q) = %q", a, s)
		}
	})
}
