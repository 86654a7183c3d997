package gem

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

func readLock(t *testing.T, dir string) *lockfile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", dir, "Gemfile.lock"))
	if err != nil {
		t.Fatal(err)
	}
	lf, err := parseLockfileBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	return lf
}

func TestParseLockfileGitPath(t *testing.T) {
	lf := readLock(t, "rails-git-path")
	if lf.Skipped != 0 {
		t.Errorf("skipped %d lines", lf.Skipped)
	}
	var kinds []string
	for _, s := range lf.Sources {
		kinds = append(kinds, s.Kind)
	}
	if diff := cmp.Diff([]string{"GIT", "GIT", "GIT", "PATH", "GEM"}, kinds); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	wantGit := lockSource{Kind: "GIT", Remote: "https://github.com/matthewd/websocket-client-simple.git",
		Revision: "e161305f1a466b9398d86df3b1731b03362da91b", Branch: "close-race"}
	if diff := cmp.Diff(wantGit, *lf.Sources[0]); diff != "" {
		t.Errorf("first GIT source (-want +got):\n%s", diff)
	}
	first := lf.Specs[0]
	if first.FullName() != "websocket-client-simple-0.3.0" || first.Source != lf.Sources[0] {
		t.Errorf("first spec = %s from %v", first.FullName(), first.Source)
	}
	if diff := cmp.Diff([]string{"event_emitter", "websocket"}, first.Deps); diff != "" {
		t.Errorf("deps (-want +got):\n%s", diff)
	}
	var ffi []string
	path := 0
	for _, s := range lf.Specs {
		if s.Name == "ffi" {
			ffi = append(ffi, s.FullName())
		}
		if s.Source.Kind == "PATH" {
			path++
		}
	}
	if diff := cmp.Diff([]string{"ffi-1.17.0", "ffi-1.17.0-x86_64-darwin", "ffi-1.17.0-x86_64-linux-gnu"}, ffi); diff != "" {
		t.Errorf("ffi variants (-want +got):\n%s", diff)
	}
	if path != 13 {
		t.Errorf("%d PATH specs, want 13", path)
	}
	if diff := cmp.Diff([]string{"ruby", "x86_64-darwin", "x86_64-linux"}, lf.Platforms); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
	deps := map[string]lockDep{}
	for _, d := range lf.Dependencies {
		deps[d.Name] = d
	}
	for name, want := range map[string]lockDep{
		"rails":      {Name: "rails", Pinned: true},
		"json":       {Name: "json", Constraint: ">= 2.0.0, != 2.7.0"},
		"httpclient": {Name: "httpclient", Pinned: true},
		"wdm":        {Name: "wdm", Constraint: ">= 0.1.0"},
	} {
		if diff := cmp.Diff(want, deps[name]); diff != "" {
			t.Errorf("dependency %s (-want +got):\n%s", name, diff)
		}
	}
	if lf.BundledWith != "2.5.16" || len(lf.Checksums) != 0 {
		t.Errorf("bundled with %q, %d checksums", lf.BundledWith, len(lf.Checksums))
	}
}

func TestParseLockfileChecksums(t *testing.T) {
	lf := readLock(t, "checksums")
	if len(lf.Checksums) != 13 {
		t.Errorf("%d checksums, want 13", len(lf.Checksums))
	}
	want := []inventory.Hash{{Algorithm: "SHA-256", Value: "f98171fb30e104950abe1e9fb97c177d8bb5643dd649bc2ed837864eb596a0c5"}}
	if diff := cmp.Diff(want, lf.Checksums["rack-2.0.8"]); diff != "" {
		t.Errorf("rack checksum (-want +got):\n%s", diff)
	}
	if lf.BundledWith != "2.6.0.dev" {
		t.Errorf("bundled with %q", lf.BundledWith)
	}
}

func TestParseLockfileShapes(t *testing.T) {
	// Bundler 2.5's pre-releases wrote sha256-<hex>; a gem without a
	// checksum (a path gem) has none; several algorithms are allowed.
	in := `GEM
  remote: https://rubygems.org/
  specs:
    addressable (2.8.4)
    nokogiri (1.16.0-x86_64-linux)
      racc (~> 1.4)
    Weird Name (1.0)

DEPENDENCIES
  addressable

CHECKSUMS
  addressable (2.8.4) sha256-40a88af5285625b7fb14070e550e667d5b0cc91f748068701b4d897cacda4897
  nokogiri (1.16.0-x86_64-linux) sha256=aa,sha512=bb,md5=cc
  myapp (0.1.0)

RUBY VERSION
   ruby 3.3.0p0

BUNDLED WITH
  4.0.13
`
	lf, err := parseLockfileBytes([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]inventory.Hash{
		"addressable-2.8.4":            {{Algorithm: "SHA-256", Value: "40a88af5285625b7fb14070e550e667d5b0cc91f748068701b4d897cacda4897"}},
		"nokogiri-1.16.0-x86_64-linux": {{Algorithm: "SHA-256", Value: "aa"}, {Algorithm: "SHA-512", Value: "bb"}},
	}
	if diff := cmp.Diff(want, lf.Checksums); diff != "" {
		t.Errorf("checksums (-want +got):\n%s", diff)
	}
	if len(lf.Specs) != 2 || lf.Specs[1].Platform != "x86_64-linux" || lf.Skipped != 1 {
		t.Errorf("specs %d, platform %q, skipped %d", len(lf.Specs), lf.Specs[1].Platform, lf.Skipped)
	}
	if lf.RubyVersion != "ruby 3.3.0p0" || lf.BundledWith != "4.0.13" {
		t.Errorf("ruby %q bundler %q", lf.RubyVersion, lf.BundledWith)
	}
}

func TestParseLockfileErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", errNotLockfile},
		{"hello\nworld\n", errNotLockfile},
		{"{\"packages\": []}", errNotLockfile},
		{"GEM\n  specs:\n<<<<<<< HEAD\n", errConflict},
	}
	for _, tt := range tests {
		if _, err := parseLockfileBytes([]byte(tt.in)); !errors.Is(err, tt.want) {
			t.Errorf("parseLockfile(%q): err = %v, want %v", tt.in, err, tt.want)
		}
	}
	long := "GEM\n  specs:\n    " + strings.Repeat("a", maxLineLength+1) + "\n"
	if _, err := parseLockfileBytes([]byte(long)); err == nil {
		t.Error("a line over the limit was accepted")
	}
}

// FuzzParseLockfile: never panic; every spec read has a valid name and a
// version; dependencies are valid names; checksums have values.
func FuzzParseLockfile(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/Gemfile.lock")
	more, _ := filepath.Glob("testdata/gemhome/gems/*/Gemfile.lock")
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := parseLockfileBytes(data)
		if err != nil {
			return
		}
		for _, s := range lf.Specs {
			if !validName(s.Name) || s.Version == "" || s.Source == nil {
				t.Fatalf("spec %+v", s)
			}
			for _, d := range s.Deps {
				if !validName(d) {
					t.Fatalf("dependency %q", d)
				}
			}
		}
		for _, d := range lf.Dependencies {
			if !validName(d.Name) {
				t.Fatalf("direct dependency %q", d.Name)
			}
		}
		for k, hs := range lf.Checksums {
			for _, h := range hs {
				if h.Value == "" || h.Algorithm == "" {
					t.Fatalf("checksum of %s: %+v", k, h)
				}
			}
		}
	})
}
