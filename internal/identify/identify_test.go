package identify

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
	"ospo/internal/license"
)

// one Identifier for the whole test binary: its engines take seconds.
var ident = license.NewIdentifier()

func testdata(t *testing.T, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// rel shows paths below testdata as "testdata/…", like the CLI shows
// paths below the scan root.
func rel(t *testing.T) func(string) string {
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return func(abs string) string {
		r, err := filepath.Rel(root, abs)
		if err != nil || strings.HasPrefix(r, "..") {
			return filepath.ToSlash(abs)
		}
		return filepath.ToSlash(r)
	}
}

func TestRun(t *testing.T) {
	curations, err := license.ParseCurations("curations.yaml", []byte(`curations:
  - package: npm:through
    versions: 2.x
    license: MIT
    reason: the README says MIT; LICENSE.APACHE2 is left from an older release
`))
	if err != nil {
		t.Fatal(err)
	}
	comp := func(name, version, dir string, declared ...string) *inventory.Component {
		c := &inventory.Component{Ecosystem: "npm", Name: name, Version: version, DeclaredLicenses: declared}
		if dir != "" {
			c.Dir = testdata(t, dir)
		}
		return c
	}
	rc := comp("rc", "1.2.8", "rc", "(BSD-2-Clause OR MIT OR Apache-2.0)")
	rcAgain := comp("rc", "1.2.8", "rc", "(BSD-2-Clause OR MIT OR Apache-2.0)")
	through := comp("through", "2.3.8", "through", "MIT")
	throughOld := comp("through", "1.0.0", "through", "MIT")
	isarray := comp("isarray", "1.0.0", "isarray")
	mitt := comp("mitt", "3.0.1", "mitt")
	see := comp("terms", "1.0.0", "see-license-in", "SEE LICENSE IN TERMS.md")
	missing := comp("gone", "1.0.0", "see-license-missing", "SEE LICENSE IN LICENSE.txt")
	xnet := &inventory.Component{Ecosystem: "go", Name: "golang.org/x/net", Version: "v0.61.0", Dir: testdata(t, "x-net")}
	notice := comp("aws-sdk", "2.1.0", "notice-only", "Apache-2.0")
	lockOnly := comp("left-pad", "1.3.0", "", "WTFPL")
	nowhere := comp("nowhere", "1.0.0", "does-not-exist", "ISC")

	problems := Run(context.Background(), []*inventory.Component{
		rc, rcAgain, through, throughOld, isarray, mitt, see, missing, xnet, notice, lockOnly, nowhere, nil,
	}, Options{Curations: curations, Identifier: ident, Rel: rel(t), Workers: 3})

	tests := []struct {
		c      *inventory.Component
		want   inventory.License
		reason string
		files  []string // "path kind expression"
	}{
		{rc, inventory.License{Expression: "BSD-2-Clause OR MIT OR Apache-2.0", Source: "declared+detected",
			Declared: "BSD-2-Clause OR MIT OR Apache-2.0", Detected: "Apache-2.0 AND BSD-2-Clause-Views AND MIT"}, "variant",
			[]string{"testdata/rc/LICENSE.APACHE2 license Apache-2.0", "testdata/rc/LICENSE.BSD license BSD-2-Clause-Views", "testdata/rc/LICENSE.MIT license MIT"}},
		{rcAgain, inventory.License{Expression: "BSD-2-Clause OR MIT OR Apache-2.0", Source: "declared+detected",
			Declared: "BSD-2-Clause OR MIT OR Apache-2.0", Detected: "Apache-2.0 AND BSD-2-Clause-Views AND MIT"}, "",
			[]string{"testdata/rc/LICENSE.APACHE2 license Apache-2.0", "testdata/rc/LICENSE.BSD license BSD-2-Clause-Views", "testdata/rc/LICENSE.MIT license MIT"}},
		// The curation covers 2.x only.
		{through, inventory.License{Expression: "MIT", Source: "curated", Declared: "MIT", Detected: "Apache-2.0 AND MIT"}, "curated as MIT",
			[]string{"testdata/through/LICENSE.APACHE2 license Apache-2.0", "testdata/through/LICENSE.MIT license MIT"}},
		{throughOld, inventory.License{Expression: "MIT", Source: "declared", NeedsReview: true, Declared: "MIT", Detected: "Apache-2.0 AND MIT"}, "read as Apache-2.0 AND MIT",
			[]string{"testdata/through/LICENSE.APACHE2 license Apache-2.0", "testdata/through/LICENSE.MIT license MIT"}},
		{isarray, inventory.License{Expression: "MIT", Source: "detected", Detected: "MIT"}, "License section of README.md holds the text of MIT",
			[]string{"testdata/isarray/README.md readme MIT"}},
		{mitt, inventory.License{Expression: "MIT", Source: "detected", Detected: "MIT"}, "names MIT",
			[]string{"testdata/mitt/README.md readme MIT"}},
		{see, inventory.License{Expression: "BlueOak-1.0.0", Source: "detected", Detected: "BlueOak-1.0.0"}, `declared "SEE LICENSE IN TERMS.md"`,
			[]string{"testdata/see-license-in/TERMS.md license BlueOak-1.0.0"}},
		{missing, inventory.License{Expression: "NOASSERTION", Source: "none", NeedsReview: true}, "no license file", nil},
		{xnet, inventory.License{Expression: "BSD-3-Clause", Source: "detected", Detected: "BSD-3-Clause"}, "nothing declared",
			[]string{"testdata/x-net/LICENSE license BSD-3-Clause", "testdata/x-net/PATENTS notice NOASSERTION"}},
		{notice, inventory.License{Expression: "Apache-2.0", Source: "declared", Declared: "Apache-2.0"}, "no license text shipped (only NOTICE.txt)",
			[]string{"testdata/notice-only/NOTICE.txt notice NOASSERTION"}},
		{lockOnly, inventory.License{Expression: "WTFPL", Source: "declared", Declared: "WTFPL"}, "not on disk", nil},
		{nowhere, inventory.License{Expression: "ISC", Source: "declared", Declared: "ISC"}, "could not be read", nil},
	}
	for _, tt := range tests {
		t.Run(tt.c.Name+"@"+tt.c.Version, func(t *testing.T) {
			if !strings.Contains(tt.c.License.Reason, tt.reason) {
				t.Errorf("Reason %q does not contain %q", tt.c.License.Reason, tt.reason)
			}
			if diff := cmp.Diff(tt.want, tt.c.License, cmpopts.IgnoreFields(inventory.License{}, "Reason")); diff != "" {
				t.Errorf("License mismatch (-want +got):\n%s\nReason: %s", diff, tt.c.License.Reason)
			}
			var files []string
			for _, f := range tt.c.LicenseFiles {
				files = append(files, f.Path+" "+f.Kind+" "+f.Expression)
				if len(f.SHA256) != 64 || f.AbsPath() == "" || f.Engine == "" {
					t.Errorf("file %s: sha %q abs %q engine %q", f.Path, f.SHA256, f.AbsPath(), f.Engine)
				}
			}
			if diff := cmp.Diff(tt.files, files); diff != "" {
				t.Errorf("LicenseFiles mismatch (-want +got):\n%s", diff)
			}
		})
	}

	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, p.Path+": "+p.Message)
	}
	wantProblems := []string{
		"testdata/does-not-exist: read testdata/does-not-exist: no such file or directory",
		"testdata/see-license-missing/LICENSE.txt: read testdata/see-license-missing/LICENSE.txt: no such file or directory",
	}
	if diff := cmp.Diff(wantProblems, msgs); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
}

// TestRunSymlinks checks that license files reached through a symlink are
// not read: the link may lead out of the scanned tree.
func TestRunSymlinks(t *testing.T) {
	dir := t.TempDir()
	outside := testdata(t, "x-net/LICENSE")
	if err := os.Symlink(outside, filepath.Join(dir, "LICENSE")); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	c := &inventory.Component{Ecosystem: "npm", Name: "linked", Version: "1.0.0", Dir: dir, DeclaredLicenses: []string{"SEE LICENSE IN LICENSE"}}
	problems := Run(context.Background(), []*inventory.Component{c}, Options{Identifier: ident})
	if len(c.LicenseFiles) != 0 {
		t.Errorf("read %v through a symlink", c.LicenseFiles)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "not a regular file") {
		t.Errorf("problems = %v, want one saying the declared file is not a regular file", problems)
	}
	if c.License.Expression != license.NoAssertion || !c.License.NeedsReview {
		t.Errorf("License = %+v, want NOASSERTION for review", c.License)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &inventory.Component{Ecosystem: "go", Name: "golang.org/x/net", Version: "v0.61.0", Dir: testdata(t, "x-net")}
	problems := Run(ctx, []*inventory.Component{c}, Options{Identifier: ident})
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "context canceled") {
		t.Errorf("problems = %v, want the cancellation", problems)
	}
	if c.License.Expression != "" {
		t.Errorf("a cancelled run concluded %+v", c.License)
	}
}

func TestListDir(t *testing.T) {
	got, err := listDir(testdata(t, "rc"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	if diff := cmp.Diff([]string{"LICENSE.APACHE2", "LICENSE.BSD", "LICENSE.MIT"}, got); diff != "" {
		t.Errorf("listDir mismatch (-want +got):\n%s", diff)
	}
	if _, err := listDir(testdata(t, "rc/LICENSE.MIT")); err == nil {
		t.Error("listDir of a file succeeded")
	}
}

// License files an extractor listed (a PEP 639 licenses/ file below the
// package directory, a distribution's copyright file with no package
// directory) are identified like the ones found in the directory.
func TestRunListedFiles(t *testing.T) {
	root := t.TempDir()
	text, err := os.ReadFile(filepath.Join("..", "..", "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"pkg/licenses/LICENSE.txt", "doc/copyright"} {
		abs := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, text, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(root, "pkg", "licenses", "LICENSE.txt")
	copyright := filepath.Join(root, "doc", "copyright")
	inDir := &inventory.Component{Ecosystem: "pypi", Name: "a", Version: "1", Dir: filepath.Join(root, "pkg"),
		LicenseFiles: []inventory.LicenseFile{inventory.NewLicenseFile(sub, "pkg/licenses/LICENSE.txt", "license")}}
	noDir := &inventory.Component{Ecosystem: "gem", Name: "b", Version: "2",
		LicenseFiles: []inventory.LicenseFile{inventory.NewLicenseFile(copyright, "doc/copyright", "license")}}
	nothing := &inventory.Component{Ecosystem: "gem", Name: "c", Version: "3"}
	if probs := Run(context.Background(), []*inventory.Component{inDir, noDir, nothing}, Options{}); len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	for _, c := range []*inventory.Component{inDir, noDir} {
		if c.License.Expression != "Apache-2.0" || c.License.Source != "detected" {
			t.Errorf("%s: license %+v; want Apache-2.0 detected from the listed file", c.Name, c.License)
		}
		if len(c.LicenseFiles) != 1 || c.LicenseFiles[0].Expression != "Apache-2.0" {
			t.Errorf("%s: license files %+v; want the listed file, identified once", c.Name, c.LicenseFiles)
		}
	}
	if nothing.License.Expression != "NOASSERTION" {
		t.Errorf("c: %+v", nothing.License)
	}
}
