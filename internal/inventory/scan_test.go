package inventory

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recorder is an extractor that keeps the files the walk hands it.
type recorder struct {
	name string
	want func(rel string) bool
	got  []string
}

func (r *recorder) Name() string                         { return r.name }
func (r *recorder) Wants(rel string, d fs.DirEntry) bool { return r.want(rel) }
func (r *recorder) Supports() []Support                  { return nil }
func (r *recorder) Extract(ctx context.Context, root string, files []string, o Options) ([]*Project, []Problem, error) {
	for _, f := range files {
		r.got = append(r.got, o.Rel(f))
	}
	return []*Project{{Ecosystem: r.name, Path: o.Rel(root)}}, nil, nil
}

func write(t *testing.T, root string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScanWalk(t *testing.T) {
	root := t.TempDir()
	write(t, root,
		"package.json",
		"node_modules/dep/package.json", // read by the npm extractor itself
		".git/package.json",
		"app/package.json",
		"svc/go.mod",
		"svc/vendor/example.com/m/go.mod", // vendored: belongs to svc
		"lib/vendor/package.json",         // not beside a go.mod: walked
	)
	outside := t.TempDir()
	write(t, outside, "package.json")
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	npm := &recorder{name: "npm", want: func(rel string) bool { return filepath.Base(rel) == "package.json" }}
	gomod := &recorder{name: "go", want: func(rel string) bool { return filepath.Base(rel) == "go.mod" }}
	inv, err := Scan(context.Background(), root, "repo", []Extractor{npm, gomod}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(npm.got)
	if diff := cmp.Diff([]string{"repo/app/package.json", "repo/lib/vendor/package.json", "repo/package.json"}, npm.got); diff != "" {
		t.Errorf("npm files (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"repo/svc/go.mod"}, gomod.got); diff != "" {
		t.Errorf("go files (-want +got):\n%s", diff)
	}
	if len(inv.Projects) != 2 {
		t.Errorf("got %d projects, want 2", len(inv.Projects))
	}
}

func TestScanMissingRoot(t *testing.T) {
	_, err := Scan(context.Background(), filepath.Join(t.TempDir(), "nope"), "nope", nil, Options{})
	if err == nil {
		t.Fatal("scan of a missing directory succeeded")
	}
}

func TestScanSingleFile(t *testing.T) {
	root := t.TempDir()
	write(t, root, "bin/tool")
	r := &recorder{name: "go", want: func(rel string) bool { return rel == "tool" }}
	if _, err := Scan(context.Background(), filepath.Join(root, "bin/tool"), "bin/tool", []Extractor{r}, Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bin/tool"}, r.got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestScanCancelled(t *testing.T) {
	root := t.TempDir()
	write(t, root, "a/package.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, root, ".", nil, Options{}); err == nil {
		t.Fatal("cancelled scan succeeded")
	}
}

// An operating system's root is walked without its pseudo file systems;
// a directory that merely has a proc folder is walked whole.
func TestScanOSRootSkipsVirtualDirs(t *testing.T) {
	for _, tt := range []struct {
		osRelease bool
		want      []string
	}{
		{true, []string{"img/srv/package.json"}},
		{false, []string{"img/proc/package.json", "img/srv/package.json", "img/sys/package.json"}},
	} {
		root := t.TempDir()
		write(t, root, "proc/package.json", "sys/package.json", "srv/package.json")
		if tt.osRelease {
			write(t, root, "etc/os-release")
		}
		npm := &recorder{name: "npm", want: func(rel string) bool { return filepath.Base(rel) == "package.json" }}
		if _, err := Scan(context.Background(), root, "img", []Extractor{npm}, Options{}); err != nil {
			t.Fatal(err)
		}
		sort.Strings(npm.got)
		if diff := cmp.Diff(tt.want, npm.got); diff != "" {
			t.Errorf("os-release=%v (-want +got):\n%s", tt.osRelease, diff)
		}
	}
}
