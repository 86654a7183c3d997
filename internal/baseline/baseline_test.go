package baseline

import (
	"errors"
	"strings"
	"testing"
)

const doc = `{"schemaVersion":"1.1","components":[
 {"ecosystem":"npm","name":"a","version":"1.0.0","license":"MIT","verdict":"allow"},
 {"ecosystem":"npm","name":"b","version":"2.0.0","license":"GPL-3.0-only","verdict":"deny"},
 {"ecosystem":"npm","name":"c","version":"1.0.0","license":"MIT"}]}`

func TestCompare(t *testing.T) {
	b, err := Parse(strings.NewReader(doc), "old.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, version, license, verdict string
		want                            Change
	}{
		{"a", "1.0.0", "MIT", "allow", Same},
		{"a", "1.0.1", "MIT", "allow", New},
		{"b", "2.0.0", "GPL-3.0-only", "deny", Same},
		{"b", "2.0.0", "GPL-3.0-only", "allow", VerdictChanged},
		{"a", "1.0.0", "ISC", "allow", LicenseChanged},
		{"c", "1.0.0", "MIT", "", Same},                // neither run had a policy
		{"c", "1.0.0", "MIT", "allow", VerdictChanged}, // the old run had none
	}
	for _, tt := range tests {
		if got := b.Compare("npm", tt.name, tt.version, tt.license, tt.verdict); got != tt.want {
			t.Errorf("Compare(%s@%s, %s, %s) = %q, want %q", tt.name, tt.version, tt.license, tt.verdict, got, tt.want)
		}
	}
	if got := b.Compare("go", "a", "1.0.0", "MIT", "allow"); got != New {
		t.Errorf("other ecosystem = %q, want new", got)
	}
}

func TestParseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":   "hello",
		"no version": `{"components":[]}`,
		"version 2":  `{"schemaVersion":"2.0","components":[]}`,
		"no name":    `{"schemaVersion":"1.0","components":[{"ecosystem":"npm"}]}`,
	} {
		_, err := Parse(strings.NewReader(in), "x.json")
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "x.json") {
			t.Errorf("%s: err = %v, want ErrInvalid naming the file", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(doc)
	f.Add(`{"schemaVersion":"1.0","components":null}`)
	f.Fuzz(func(t *testing.T, in string) {
		b, err := Parse(strings.NewReader(in), "f.json")
		if err == nil && b.Len() < 0 {
			t.Fatal("negative length")
		}
	})
}
