package yamlpos

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func TestLines(t *testing.T) {
	src := `severity:
  critical: 10
licenses:
  allow:
    - MIT
    - Apache-2.0
exceptions:
  - package: lodash
    expires: 2027-01-01
`
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"severity": 1, "severity.critical": 2,
		"licenses": 3, "licenses.allow": 4, "licenses.allow[0]": 5, "licenses.allow[1]": 6,
		"exceptions": 7, "exceptions[0]": 8, "exceptions[0].package": 8, "exceptions[0].expires": 9,
	}
	if diff := cmp.Diff(want, Lines(&root)); diff != "" {
		t.Errorf("Lines (-want +got):\n%s", diff)
	}
	if got := Lines(&yaml.Node{}); len(got) != 0 {
		t.Errorf("empty node: %v", got)
	}
}

func FuzzLines(f *testing.F) {
	f.Add("a: [1, {b: c}]\n")
	f.Add("- - - x\n")
	f.Fuzz(func(t *testing.T, src string) {
		var root yaml.Node
		if yaml.Unmarshal([]byte(src), &root) != nil {
			return
		}
		for p, line := range Lines(&root) {
			if line < 1 {
				t.Fatalf("%q: path %q at line %d", src, p, line)
			}
		}
	})
}
