package golang

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

// testdata/binaries:
//   - hello was built by Go 1.26.8 from a main package that calls
//     golang.org/x/mod/semver.IsValid, in a module requiring
//     golang.org/x/mod v0.20.0 replaced by v0.21.0, with
//     CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags='-s -w'.
//   - not-go is a 129-byte ELF program that only exits: an executable the
//     Go linker did not write.
//   - script is a shell script with the execute bit.

func TestReadBinary(t *testing.T) {
	root := testdataDir(t, "binaries")
	tests := []struct {
		name  string
		file  string
		want  []*inventory.Project
		probs []inventory.Problem
	}{
		{
			name: "go binary with a replaced module",
			file: "hello",
			want: []*inventory.Project{{
				Ecosystem: "go", Name: "example.com/hello", Path: "proj/hello", Source: "binary",
				Notes: []string{
					"golang.org/x/mod v0.20.0 was replaced by golang.org/x/mod v0.21.0",
					"a binary records the modules it links but not who requires whom: no component is marked direct",
				},
				Components: []*inventory.Component{
					{
						Ecosystem: "go", Name: "golang.org/x/mod", Version: "v0.21.0",
						PURL: "pkg:golang/golang.org/x/mod@v0.21.0", Scope: inventory.ScopeProd,
						Locations:  []string{"proj/hello"},
						Repository: "https://go.googlesource.com/mod",
						Hashes:     []inventory.Hash{{Algorithm: "h1", Value: "vvrHzRwRfVKSiLrG+d4FMl/Qi4ukBCE6kZlTUkDYRT0="}},
					},
					{
						Ecosystem: "go", Name: "stdlib", Version: "v1.26.8",
						PURL: "pkg:golang/stdlib@v1.26.8", Scope: inventory.ScopeProd,
						Locations:        []string{"proj/hello"},
						DeclaredLicenses: []string{"BSD-3-Clause"},
						Repository:       "https://go.googlesource.com/go",
					},
				},
			}},
		},
		{name: "executable not built by Go", file: "not-go"},
		{name: "script with the execute bit", file: "script"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, probs := extract(t, root, t.TempDir(), tt.file)
			if diff := cmp.Diff(tt.want, ps, cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(inventory.LicenseFile{})); diff != "" {
				t.Errorf("projects (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.probs, probs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// An executable above the size limit is reported, not read. The file is
// sparse, so the test costs no disk space where sparse files exist.
func TestReadBinaryTooLarge(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "huge")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("\x7fELF")); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxBinarySize + 1); err != nil {
		t.Skipf("cannot make a sparse file: %v", err)
	}
	f.Close()
	ps, probs := extract(t, root, t.TempDir(), "huge")
	if len(ps) != 0 {
		t.Errorf("got %d projects, want none", len(ps))
	}
	want := []inventory.Problem{{Path: "proj/huge", Message: "executable of 1073741825 bytes skipped (limit 1073741824)"}}
	if diff := cmp.Diff(want, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
