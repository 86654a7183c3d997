package python

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

// TestSymlinkedMetadataRefused checks that a metadata file that is a link
// is not followed: it could lead out of the scanned tree.
func TestSymlinkedMetadataRefused(t *testing.T) {
	root := t.TempDir()
	env := filepath.Join(root, "lib", "python3.12", "site-packages")
	dist := filepath.Join(env, "six-1.16.0.dist-info")
	if err := os.MkdirAll(dist, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(root, "elsewhere")
	if err := os.WriteFile(target, []byte("Name: six\nVersion: 1.16.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dist, "METADATA")); err != nil {
		t.Skip(err)
	}
	// The walk offers no link; offer it directly, as a caller might.
	ps, probs, err := New().Extract(context.Background(), root, []string{filepath.Join(dist, "METADATA")}, inventory.Options{Root: root, Display: "."})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 0 || len(probs) != 1 || !strings.Contains(probs[0].Message, "symbolic link; not followed") {
		t.Errorf("projects %v, problems %v; want one problem about the symlink", ps, probs)
	}
}

// writeFiles lays out files (path relative to root → content).
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestInstalledForms covers what the fixtures do not show: two versions of
// one name in an environment, an easy_install egg, pip's record of where a
// distribution came from, and a requirement that only an extra needs.
func TestInstalledForms(t *testing.T) {
	root := t.TempDir()
	sp := "lib/python3.12/site-packages/"
	writeFiles(t, root, map[string]string{
		sp + "attrs-22.0.0.dist-info/METADATA":          "Name: attrs\nVersion: 22.0.0\n",
		sp + "attrs-23.0.0.dist-info/METADATA":          "Name: attrs\nVersion: 23.0.0\n",
		sp + "app-1.0.dist-info/METADATA":               "Name: app\nVersion: 1.0\nRequires-Dist: attrs>=22\nRequires-Dist: rich; extra == 'pretty'\nRequires-Dist: missing-dep\nProject-URL: Funding, https://fund.example/app\n",
		sp + "rich-13.0.dist-info/METADATA":             "Name: rich\nVersion: 13.0\n",
		sp + "rich-13.0.dist-info/direct_url.json":      `{"url": "https://github.com/Textualize/rich", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}`,
		sp + "old-0.1-py3.12.egg/EGG-INFO/PKG-INFO":     "Metadata-Version: 1.1\nName: old\nVersion: 0.1\nLicense: BSD\n",
		sp + "old-0.1-py3.12.egg/EGG-INFO/requires.txt": "app\n\n[docs]\nsphinx\n",
	})
	inv := inventorytest.Scan(t, New(), root, ".", inventory.Options{})
	if len(inv.Problems) > 0 || len(inv.Projects) != 1 {
		t.Fatalf("projects %d, problems %v", len(inv.Projects), inv.Problems)
	}
	p := inv.Projects[0]
	var got []string
	for _, c := range p.Components {
		s := c.Ref() + " paths=" + strings.Join(func() []string {
			var ps []string
			for _, path := range c.Paths {
				ps = append(ps, strings.Join(path, ">"))
			}
			return ps
		}(), ",")
		if c.Resolved != "" {
			s += " resolved=" + c.Resolved
		}
		if len(c.Funding) > 0 {
			s += " funding=" + strings.Join(c.Funding, ",")
		}
		got = append(got, s)
	}
	want := []string{
		"app@1.0 paths=old@0.1>app@1.0 funding=https://fund.example/app",
		"attrs@22.0.0 paths=old@0.1>app@1.0>attrs@22.0.0",
		"attrs@23.0.0 paths=old@0.1>app@1.0>attrs@23.0.0",
		"old@0.1 paths=old@0.1",
		"rich@13.0 paths=rich@13.0 resolved=git+https://github.com/Textualize/rich@abc123",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	wantNotes := []string{"attrs is installed in 2 versions: 22.0.0 (lib/python3.12/site-packages/attrs-22.0.0.dist-info), 23.0.0 (lib/python3.12/site-packages/attrs-23.0.0.dist-info)"}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if p.Name != "lib/python3.12/site-packages" {
		t.Errorf("project name %q", p.Name)
	}
}
