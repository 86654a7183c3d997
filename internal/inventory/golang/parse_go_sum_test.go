package golang

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/module"
)

func TestParseGoSum(t *testing.T) {
	data, err := os.ReadFile("testdata/go-sum/malformed-lines.sum")
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseGoSum(data)
	if err == nil || err.Error() != "2 malformed line(s), the first at line 5" {
		t.Errorf("error = %v, want the two malformed lines named", err)
	}
	want := &goSum{
		zip: map[module.Version]string{
			{Path: "github.com/davecgh/go-spew", Version: "v1.1.1"}: "h1:vj9j/u1bqnvCEfJOwUhtlOARqs3+rkHYY13jYWTU97c=",
			{Path: "github.com/kr/pretty", Version: "v0.2.1"}:       "h1:Fmg33tUaq4/8ym9TJN1x7sLJnHVwhP33CNkpYV/7rwI=",
			{Path: "github.com/kr/text", Version: "v0.1.0"}:         "h1:45sCR5RtlFHMR4UwH9sdQ5TC8v0qDQCHnXt+kaKSTVE=",
		},
		mod: map[module.Version]string{
			{Path: "github.com/davecgh/go-spew", Version: "v1.1.1"}: "h1:J7Y8YcW2NihsgmVo/mv3lAwl/skON4iLHjSsI+c5H38=",
			{Path: "github.com/kr/pretty", Version: "v0.2.1"}:       "h1:ipq/a2n7PKx3OHsz4KJII5eveXtPO4qwEXGdVfWzfnI=",
			{Path: "github.com/kr/pty", Version: "v1.1.1"}:          "h1:pFQYn66WHrOpPYNljwOMqo10TkYh1fy3cYio2l3bCsQ=",
		},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(goSum{})); diff != "" {
		t.Errorf("go.sum (-want +got):\n%s", diff)
	}
}

func TestParseGoSumReal(t *testing.T) {
	data, err := os.ReadFile("testdata/unpruned/go.sum")
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseGoSum(data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(data), "\n")
	if got := len(s.zip) + len(s.mod); got != lines {
		t.Errorf("parsed %d entries from %d lines", got, lines)
	}
}

func FuzzParseGoSum(f *testing.F) {
	addSeeds(f, "testdata/*/go.sum", "testdata/*/*/go.sum", "testdata/*/go.work.sum", "testdata/go-sum/*.sum")
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _ := parseGoSum(data)
		for _, m := range []map[module.Version]string{s.zip, s.mod} {
			for k, h := range m {
				if k.Path == "" || k.Version == "" || !strings.Contains(h, ":") {
					t.Errorf("bad entry %v %q", k, h)
				}
				if strings.HasSuffix(k.Version, "/go.mod") {
					t.Errorf("go.mod suffix kept in %v", k)
				}
			}
		}
	})
}
