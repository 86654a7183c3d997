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
		"fd::3", "https://h/r\n", "HTTPS://h/r", "ftp://h/r", "%", "://", "a://b::c", "",
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
		if strings.HasPrefix(s, "-") || strings.Contains(s, "::") || strings.ContainsAny(s, "\x00\n\r\t\x7f") {
			t.Fatalf("%q accepted", s)
		}
	})
}
