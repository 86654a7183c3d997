package policy

import "testing"

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0.0", "1.0.0", 0},
		{"v1.0.0", "1.0.0", 0},
		{"1.2", "1.2.0", 0},
		{"1.10.0", "1.9.0", 1},
		{"1.0.0-rc.1", "1.0.0", -1},
		{"1.0.0-alpha", "1.0.0-alpha.1", -1},
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
		{"1.0.0-beta.2", "1.0.0-beta.11", -1},
		{"1.0.0+build.5", "1.0.0", 0},
		{"v0.0.0-20240101000000-abcdef123456", "v0.1.0", -1},
		{"2.0.0", "10.0.0", -1},
		{"1.0.007", "1.0.7", 0},
	}
	for _, tt := range tests {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := compareVersions(tt.b, tt.a); got != -tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestRange(t *testing.T) {
	tests := []struct {
		rng     string
		version string
		want    bool
	}{
		{"", "1.0.0", true},
		{"*", "0.0.1", true},
		{"1.2.3", "1.2.3", true},
		{"1.2.3", "1.2.4", false},
		{"=1.2.3", "v1.2.3", true},
		{">=1.0.0 <2.0.0", "1.9.9", true},
		{">=1.0.0 <2.0.0", "2.0.0", false},
		{">=1.0.0, <2.0.0", "0.9.0", false},
		{">= 1.0.0 < 2.0.0", "1.5.0", true},
		{"1.x", "1.4.0", true},
		{"1.x", "10.0.0", false},
		{"1.2.*", "1.2.9", true},
		{"1.2.*", "1.3.0", false},
		{"v1.x", "v1.0.0", true},
		{"<1.0.0 || >=3", "0.5.0", true},
		{"<1.0.0 || >=3", "2.0.0", false},
		{"<1.0.0 || >=3", "3.1.0", true},
		{"!=1.0.0", "1.0.0", false},
		{">1.0.0-rc.1", "1.0.0", true},
	}
	for _, tt := range tests {
		r, err := parseRange(tt.rng)
		if err != nil {
			t.Errorf("parseRange(%q): %v", tt.rng, err)
			continue
		}
		if got := r.contains(tt.version); got != tt.want {
			t.Errorf("%q contains %q = %v, want %v", tt.rng, tt.version, got, tt.want)
		}
	}
	for _, bad := range []string{">=", "1.0 ||", ">=1.0 <<2", "1.0.0 (beta)"} {
		if _, err := parseRange(bad); err == nil {
			t.Errorf("parseRange(%q) = nil error, want one", bad)
		}
	}
}
