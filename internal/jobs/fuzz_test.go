package jobs

import (
	"errors"
	"strings"
	"testing"
)

// FuzzCheckCloneURL: whatever a user types as a repository address, the
// check never panics, and what it lets through cannot be taken by git
// as an option or a transport helper.
func FuzzCheckCloneURL(f *testing.F) {
	for _, s := range []string{
		"https://github.com/org/repo.git", "git@github.com:org/repo.git", "file:///srv/r", "/srv/r", "-u", "ext::sh",
		"fd::3", "https://[2001:db8::1]/r.git", "ext::ssh://h/r", "https://h/r\n", "HTTPS://h/r", "ftp://h/r", "%", "://", "a://b::c", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := checkCloneURL(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidArgs) {
				t.Fatalf("%q: error %v is not ErrInvalidArgs", s, err)
			}
			return
		}
		// git takes <transport>::<address> from the start of an address;
		// a "::" after "://" belongs to a URL (an IPv6 host).
		helper, _, _ := strings.Cut(s, "://")
		if strings.HasPrefix(s, "-") || strings.Contains(helper, "::") || strings.ContainsAny(s, "\x00\n\r\t\x7f") {
			t.Fatalf("%q accepted", s)
		}
	})
}
