package repocheck

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestContributorOrgsFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "orgs.yaml")
	if err := os.WriteFile(p, []byte("Example.COM: Example Corp\n'@labs.example.io': Example Corp\nuniversity.edu: \"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadContributorOrgs(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"example.com": "Example Corp", "labs.example.io": "Example Corp", "university.edu": ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("orgs (-want +got):\n%s", diff)
	}
	tests := []struct{ email, org string }{
		{"a@example.com", "Example Corp"},
		{"a@mail.labs.example.io", "Example Corp"}, // subdomains match
		{"a@cs.university.edu", ""},                // ignored domain
		{"a@gmail.com", ""},                        // free mail
		{"a@eng.other.co.uk", "other.co.uk"},       // unmapped: the registrable domain
		{"not-an-address", ""},
	}
	for _, tt := range tests {
		if org := orgOf(tt.email, got); org != tt.org {
			t.Errorf("orgOf(%q) = %q, want %q", tt.email, org, tt.org)
		}
	}
	if _, err := ParseContributorOrgs("x", []byte("- a\n- b\n")); !errors.Is(err, ErrBadOrgs) {
		t.Errorf("a list: err = %v, want ErrBadOrgs", err)
	}
}

// FuzzParseContributorOrgs: any input is read or refused without a panic,
// and every domain read is non-empty without a dot at either end.
func FuzzParseContributorOrgs(f *testing.F) {
	f.Add([]byte("example.com: Example\n"))
	f.Add([]byte("{a: [1], b: {c: d}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseContributorOrgs("f", data)
		if err != nil {
			return
		}
		for d := range m {
			if d == "" || d[0] == '.' || d[len(d)-1] == '.' {
				t.Fatalf("domain %q", d)
			}
		}
	})
}
