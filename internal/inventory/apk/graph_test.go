package apk

import "testing"

func TestResolve(t *testing.T) {
	var (
		busybox = &apkPackage{Name: "busybox-binsh", Priority: 100, Provides: []string{"/bin/sh", "cmd:sh"}}
		bash    = &apkPackage{Name: "bash-binsh", Priority: 200, Provides: []string{"/bin/sh"}}
		dash    = &apkPackage{Name: "dash-binsh", Priority: 200, Provides: []string{"/bin/sh"}}
		musl    = &apkPackage{Name: "musl", Provides: []string{"so:libc.musl-x86_64.so.1"}}
		openssl = &apkPackage{Name: "openssl", Provides: []string{"openssl3"}}
		shim    = &apkPackage{Name: "openssl3-shim", Provides: []string{"openssl"}}
	)
	g := newGraph([]*apkPackage{busybox, bash, dash, musl, openssl, shim})
	tests := []struct {
		name string
		want *apkPackage
	}{
		{"so:libc.musl-x86_64.so.1", musl},
		// The highest provider priority, then the name.
		{"/bin/sh", bash},
		{"cmd:sh", busybox},
		// A package of that name before any provider.
		{"openssl", openssl},
		{"openssl3", openssl},
		{"so:libtls.so.2", nil},
	}
	for _, tt := range tests {
		if got := g.resolve(tt.name); got != tt.want {
			t.Errorf("resolve(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
