package golang

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/mod/modfile"
)

// slowSummary is the reference: what modfile.ParseLax makes of the file.
func slowSummary(data []byte) (*summary, error) {
	f, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		return nil, err
	}
	s := &summary{}
	if f.Go != nil {
		s.goVersion = f.Go.Version
	}
	for _, r := range f.Require {
		s.require = append(s.require, r.Mod)
	}
	return s, nil
}

// Every go.mod of the fixture module cache is read the same by both
// parsers, and most take the fast path.
func TestSummaryFastMatchesModfile(t *testing.T) {
	files, err := filepath.Glob("testdata/modcache/cache/download/*/*/*/@v/*.mod")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("testdata/modcache/cache/download/*/*/@v/*.mod")
	files = append(files, more...)
	fast := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want, err := slowSummary(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		got, ok := parseSummaryFast(data)
		if !ok {
			continue
		}
		fast++
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(summary{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-modfile +fast):\n%s", file, diff)
		}
	}
	if fast*2 < len(files) {
		t.Errorf("fast path took %d of %d files; want most", fast, len(files))
	}
}

func TestSummaryFastDeclines(t *testing.T) {
	for _, in := range []string{
		"module \"gopkg.in/yaml.v3\"\n",
		"module m\n\nretract v1.0.0\n",
		"module m\nrequire(\n\tgolang.org/x/mod v0.8.0\n)\n",
		"module m\nrequire golang.org/x/mod master\n",
		"module m\ngo 1.21 // ok\ngo 1.22\n",
		"module m\nrequire (\n\tgolang.org/x/mod v0.8.0\n",
		"module m /* no */\n",
	} {
		if _, ok := parseSummaryFast([]byte(in)); ok {
			t.Errorf("fast path took %q; want it left to modfile", in)
		}
	}
}

func FuzzSummaryFastMatchesModfile(f *testing.F) {
	addSeeds(f, "testdata/modcache/cache/download/*/*/*/@v/*.mod", "testdata/*/go.mod", "testdata/*/*/go.mod")
	f.Add([]byte("module m\nrequire(\n\tgolang.org/x/mod v0.8.0\n)\n"))
	f.Add([]byte("module m\nrequire (\n\tgolang.org/x/mod v0.8\n\tgopkg.in/yaml.v3 v3.0.1\n\tgithub.com/a/b/v2 v2.0.0+incompatible\n)\nreplace (\n\ta => ../a\n)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := parseSummaryFast(data)
		if !ok {
			return
		}
		want, err := slowSummary(data)
		if err != nil {
			t.Fatalf("fast path accepted what modfile rejects (%v)", err)
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(summary{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("(-modfile +fast):\n%s", diff)
		}
	})
}
