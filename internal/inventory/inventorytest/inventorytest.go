// Package inventorytest holds what the tests of the extractor packages
// share: a scan with one extractor, a summary of what it found that a
// golden file can hold, the golden file comparison itself, and a fake
// directory entry for Wants. Only tests import it.
package inventorytest

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

// Scan runs a whole scan of root with the one extractor ext, as the user
// would, with root shown as display. A scan error ends the test.
func Scan(t testing.TB, ext inventory.Extractor, root, display string, opts inventory.Options) *inventory.Inventory {
	t.Helper()
	inv, err := inventory.Scan(context.Background(), root, display, []inventory.Extractor{ext}, opts)
	if err != nil {
		t.Fatalf("scan %s: %v", root, err)
	}
	return inv
}

// Summary is what a golden file holds: everything an extractor decides,
// in a stable order, with no path of the machine that ran the test.
type Summary struct {
	Projects []Project           `json:"projects"`
	Problems []inventory.Problem `json:"problems,omitempty"`
}

// Project is the summary of one inventory.Project. Edges are keyed by
// component key, the project itself shown as "(root)".
type Project struct {
	Name, Version, Path, Source string
	Notes                       []string            `json:",omitempty"`
	Components                  []Component         `json:",omitempty"`
	Edges                       map[string][]string `json:",omitempty"`
}

// Component is the summary of one inventory.Component: paths from the
// project joined with " > ", hashes as "algorithm:value", Dir relative to
// the summary's base.
type Component struct {
	Ref              string
	PURL             string
	Scope            inventory.Scope
	Direct           bool     `json:",omitempty"`
	Installed        bool     `json:",omitempty"`
	Paths            []string `json:",omitempty"`
	Locations        []string `json:",omitempty"`
	DeclaredLicenses []string `json:",omitempty"`
	LicenseFiles     []string `json:",omitempty"`
	Supplier         string   `json:",omitempty"`
	Homepage         string   `json:",omitempty"`
	Repository       string   `json:",omitempty"`
	Funding          []string `json:",omitempty"`
	Hashes           []string `json:",omitempty"`
	Resolved         string   `json:",omitempty"`
	Dir              string   `json:",omitempty"`
}

// Options says how an extractor's summary differs from the plain one.
type Options struct {
	// Base is the directory that Dir is shown relative to; "" is the
	// package's testdata directory.
	Base string
	// ShortHashes cuts hash values to their first 12 characters, for
	// ecosystems whose long hashes would drown the golden file.
	ShortHashes bool
	// LicenseFile words one license file of a component; nil leaves
	// license files out of the summary.
	LicenseFile func(inventory.LicenseFile) string
}

// Summarize makes inv comparable with a golden file. Problems are sorted
// by path, keeping the extractor's order within one path.
func Summarize(t testing.TB, inv *inventory.Inventory, o Options) Summary {
	t.Helper()
	base := o.Base
	if base == "" {
		base = Testdata(t)
	}
	var s Summary
	for _, p := range inv.Projects {
		ps := Project{Name: p.Name, Version: p.Version, Path: p.Path, Source: p.Source, Notes: p.Notes}
		if len(p.Edges) > 0 {
			ps.Edges = map[string][]string{}
			for from, tos := range p.Edges {
				if from == inventory.RootKey {
					from = "(root)"
				}
				ps.Edges[from] = tos
			}
		}
		for _, c := range p.Components {
			cs := Component{
				Ref: c.Ref(), PURL: c.PURL, Scope: c.Scope, Direct: c.Direct, Installed: c.Installed,
				Locations: c.Locations, DeclaredLicenses: c.DeclaredLicenses,
				Supplier: c.Supplier, Homepage: c.Homepage, Repository: c.Repository, Funding: c.Funding,
				Resolved: c.Resolved,
			}
			for _, path := range c.Paths {
				cs.Paths = append(cs.Paths, strings.Join(path, " > "))
			}
			for _, h := range c.Hashes {
				v := h.Value
				if o.ShortHashes {
					v = v[:min(len(v), 12)] + "…"
				}
				cs.Hashes = append(cs.Hashes, h.Algorithm+":"+v)
			}
			if o.LicenseFile != nil {
				for _, f := range c.LicenseFiles {
					cs.LicenseFiles = append(cs.LicenseFiles, o.LicenseFile(f))
				}
			}
			if c.Dir != "" {
				cs.Dir = RelTo(base, c.Dir)
			}
			ps.Components = append(ps.Components, cs)
		}
		s.Projects = append(s.Projects, ps)
	}
	s.Problems = append(s.Problems, inv.Problems...)
	sort.SliceStable(s.Problems, func(i, j int) bool { return s.Problems[i].Path < s.Problems[j].Path })
	return s
}

// Testdata is the absolute path of the testdata directory of the package
// under test, made absolute the way inventory.Scan makes its root.
func Testdata(t testing.TB) string {
	t.Helper()
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// RelTo shows path relative to base, with slashes, when it lies below
// base; any other path is returned as it is.
func RelTo(base, path string) string {
	r, err := filepath.Rel(base, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return path
	}
	return filepath.ToSlash(r)
}

// Golden compares got with the JSON golden file at path, or rewrites the
// file from got when update is set (the -update flag of the package's
// tests). Empty and missing lists compare equal.
func Golden[T any](t testing.TB, path string, got T, update bool) {
	t.Helper()
	if update {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(got); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	var want T
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("golden %s: %v", path, err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s: mismatch (-golden +got):\n%s", path, diff)
	}
}

// Entry is a directory entry named name, of the given type, for Wants.
// Its Info fails: Wants must decide from the name and the type.
func Entry(name string, mode fs.FileMode) fs.DirEntry {
	return entry{name: name, mode: mode}
}

type entry struct {
	name string
	mode fs.FileMode
}

func (e entry) Name() string               { return e.name }
func (e entry) IsDir() bool                { return e.mode.IsDir() }
func (e entry) Type() fs.FileMode          { return e.mode.Type() }
func (e entry) Info() (fs.FileInfo, error) { return nil, fs.ErrNotExist }
