package deb

import "testing"

func TestResolve(t *testing.T) {
	mk := func(name, arch string, provides ...string) *dpkgPackage {
		return &dpkgPackage{Name: name, Version: "1", Arch: arch, Provides: provides}
	}
	var (
		libc64   = mk("libc6", "amd64")
		libc32   = mk("libc6", "i386")
		mawk     = mk("mawk", "amd64", "awk")
		gawk     = mk("gawk", "amd64", "awk")
		perlBase = mk("perl-base", "amd64", "perlapi-5.36.0", "perl")
		perl     = mk("perl", "amd64")
		pyAll    = mk("python3-six", "all")
		wine     = mk("wine32", "i386")
		self     = mk("selfish", "amd64", "selfish-virtual")
		rustDev  = mk("librust-libc-dev", "amd64", "librust-libc-0.2-dev")
		extra64  = mk("extra", "amd64")
		native64 = mk("zz-native", "amd64")
		zz32     = mk("zz-foreign", "i386")
	)
	g := newGraph([]*dpkgPackage{libc64, libc32, mawk, gawk, perlBase, perl, pyAll, wine, self, rustDev, extra64, native64, zz32})
	if g.native != "amd64" {
		t.Fatalf("native = %q", g.native)
	}
	tests := []struct {
		name string
		from *dpkgPackage
		rel  relation
		want *dpkgPackage
	}{
		{"the package's own architecture", wine, relation{Name: "libc6"}, libc32},
		{"the native one for an arch-independent package", pyAll, relation{Name: "libc6"}, libc64},
		{":any takes the same preference", wine, relation{Name: "libc6", Arch: "any"}, libc32},
		{"an architecture qualifier keeps only that one", wine, relation{Name: "libc6", Arch: "amd64"}, libc64},
		{"a qualifier no package has", wine, relation{Name: "libc6", Arch: "arm64"}, nil},
		{"a real package before a provider", pyAll, relation{Name: "perl"}, perl},
		{"a virtual package through Provides", pyAll, relation{Name: "perlapi-5.36.0"}, perlBase},
		{"of several providers, the first by name", pyAll, relation{Name: "awk"}, gawk},
		{"a versioned virtual name", extra64, relation{Name: "librust-libc-0.2-dev"}, rustDev},
		{"never itself", self, relation{Name: "selfish-virtual"}, nil},
		{"nothing installed", pyAll, relation{Name: "python3.11"}, nil},
	}
	for _, tt := range tests {
		if got := g.resolve(tt.from, tt.rel); got != tt.want {
			t.Errorf("%s: resolve(%s, %s) = %v, want %v", tt.name, tt.from.Name, tt.rel, got, tt.want)
		}
	}
	if got := g.componentName(zz32); got != "zz-foreign:i386" {
		t.Errorf("foreign name = %q", got)
	}
	if got := g.componentName(pyAll); got != "python3-six" {
		t.Errorf("arch-independent name = %q", got)
	}
}
