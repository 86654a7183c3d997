package golang

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"ospo/internal/inventory"
)

// FuzzParseGoMod feeds arbitrary go.mod files through the whole module
// extraction, against the fixture module cache, and checks that nothing
// panics and that what comes out is well formed.
func FuzzParseGoMod(f *testing.F) {
	addSeeds(f, "testdata/*/go.mod", "testdata/*/*/go.mod", "testdata/modcache/cache/download/golang.org/x/*/@v/*.mod")
	cache, err := filepath.Abs("testdata/modcache")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		gomod := filepath.Join(root, "go.mod")
		if err := os.WriteFile(gomod, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ps, probs, err := New().Extract(context.Background(), root, []string{gomod}, inventory.Options{Root: root, GoModCache: cache})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps)+len(probs) == 0 {
			t.Fatal("neither a project nor a problem")
		}
		for _, p := range ps {
			if p.Name == "" {
				t.Error("project without a name")
			}
			for _, c := range p.Components {
				if c.Ecosystem != "go" || c.Name == "" || c.PURL == "" {
					t.Errorf("malformed component %+v", c)
				}
			}
		}
		for _, pr := range probs {
			if pr.Path == "" || pr.Message == "" {
				t.Errorf("problem without a path or message: %+v", pr)
			}
		}
		// The dependency parser must cope with the same input.
		if s, err := parseSummary("go.mod", data); err == nil {
			for _, r := range s.require {
				if r.Path == "" {
					t.Error("requirement without a path")
				}
			}
		}
	})
}

// FuzzParseGoWork does the same for go.work files, with the workspace
// fixture's members beside them.
func FuzzParseGoWork(f *testing.F) {
	addSeeds(f, "testdata/*/go.work")
	f.Add([]byte("go 1.22\n\nuse ./api\nuse ./api\nreplace example.com/ws/api => ./tool\n"))
	root, err := filepath.Abs("testdata/workspace")
	if err != nil {
		f.Fatal(err)
	}
	cache, err := filepath.Abs("testdata/modcache")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		work := filepath.Join(dir, "go.work")
		if err := os.WriteFile(work, data, 0o644); err != nil {
			t.Fatal(err)
		}
		x := &extraction{ctx: context.Background(), opts: inventory.Options{Root: root}, files: newFileReader(root), cache: cache}
		defer x.files.close()
		x.sums = newSummaryCache(x.files, cache)
		wf, members, probs := x.readWork(work)
		if wf == nil {
			if len(probs) == 0 {
				t.Fatal("unreadable go.work without a problem")
			}
			return
		}
		// Resolve members inside the fixture, whatever the file says.
		for i := range members {
			members[i] = filepath.Join(root, filepath.Base(filepath.Dir(members[i])), "go.mod")
		}
		ps, _, err := x.workspaceProject(work, wf, members)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			for _, c := range p.Components {
				if c.Name == "" || c.PURL == "" {
					t.Errorf("malformed component %+v", c)
				}
			}
		}
	})
}
