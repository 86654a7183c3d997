package npm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

// corpusDir returns a corpus directory below OSPO_CORPUS, skipping the
// test or benchmark when it is unset: the corpora are real installs too
// large to commit.
func corpusDir(tb testing.TB, name string) string {
	tb.Helper()
	base := os.Getenv("OSPO_CORPUS")
	if base == "" {
		tb.Skip("OSPO_CORPUS is not set")
	}
	dir := filepath.Join(base, name)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("corpus %s: %v", name, err)
	}
	return dir
}

func scanOne(t *testing.T, dir string) *inventory.Project {
	t.Helper()
	inv := inventorytest.Scan(t, New(), dir, ".", inventory.Options{})
	if len(inv.Problems) > 0 {
		t.Errorf("problems: %v", inv.Problems)
	}
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects, want 1", len(inv.Projects))
	}
	return inv.Projects[0]
}

type corpusCounts struct {
	Source                string
	Components, Locations int
	Notes                 []string
}

func countsOf(p *inventory.Project) corpusCounts {
	c := corpusCounts{Source: p.Source, Components: len(p.Components), Notes: p.Notes}
	for _, x := range p.Components {
		c.Locations += len(x.Locations)
	}
	return c
}

// TestCorpusNpm checks the extractor against real installs: the counts
// npm itself reports, and the scopes npm wrote into the lockfile.
func TestCorpusNpm(t *testing.T) {
	t.Run("npm-small", func(t *testing.T) {
		p := scanOne(t, corpusDir(t, "npm-small"))
		if diff := cmp.Diff(corpusCounts{Source: "installed+lockfile", Components: 72, Locations: 72}, countsOf(p)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("npm-big", func(t *testing.T) {
		dir := corpusDir(t, "npm-big")
		p := scanOne(t, dir)
		// 1,884 installed package directories hold 1,631 distinct
		// name@version.
		if diff := cmp.Diff(corpusCounts{Source: "installed+lockfile", Components: 1631, Locations: 1884}, countsOf(p)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		// The scopes derived from the installed tree are those npm
		// recorded in the lockfile.
		g, err := readLockfile(filepath.Join(dir, "package-lock.json"))
		if err != nil {
			t.Fatal(err)
		}
		scopes := lockScopes(g, nil)
		want := map[string]inventory.Scope{}
		for id, lp := range g.Packages {
			k, s := key(lp.Name, lp.Version), scopeOf[scopes[id]]
			if w, ok := want[k]; !ok || s.Rank() < w.Rank() {
				want[k] = s
			}
		}
		for _, c := range p.Components {
			if want[c.Key()] != c.Scope {
				t.Errorf("%s: scope %s, the lockfile says %s", c.Key(), c.Scope, want[c.Key()])
			}
			if len(c.Hashes) == 0 {
				t.Errorf("%s: no integrity taken from the lockfile", c.Key())
			}
		}

		// The lockfile alone: the installed packages plus the 35
		// optional packages for other platforms that were not installed.
		tmp := t.TempDir()
		for _, n := range []string{"package.json", "package-lock.json"} {
			data, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tmp, n), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		lp := scanOne(t, tmp)
		if diff := cmp.Diff(corpusCounts{Source: "lockfile", Components: 1666, Locations: 1666}, countsOf(lp)); diff != "" {
			t.Errorf("lockfile alone (-want +got):\n%s", diff)
		}
		installed := map[string]bool{}
		for _, c := range p.Components {
			installed[c.Key()] = true
		}
		for _, c := range lp.Components {
			if !installed[c.Key()] && c.Scope != inventory.ScopeOptional {
				t.Errorf("%s: only in the lockfile, scope %s, want optional", c.Key(), c.Scope)
			}
		}
	})
}
