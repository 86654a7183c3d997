package apk

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolveIn(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	if err := os.MkdirAll(filepath.Join(root, "usr/lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "usr/lib/os-release"), []byte("ID=alpine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "os-release"), []byte("ID=host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"etc/os-release": "/usr/lib/os-release",
		"etc/escape":     "../../os-release",
		"etc/loop":       "loop",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := resolveIn(root, "etc/os-release"); err != nil || got != filepath.Join(root, "usr/lib/os-release") {
		t.Errorf("absolute link: %q, %v", got, err)
	}
	if got, err := resolveIn(root, "etc/escape"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a link above the root: %q, %v; want not-exist inside the root", got, err)
	}
	if _, err := resolveIn(root, "etc/loop"); !errors.Is(err, errLinkLoop) {
		t.Errorf("loop: %v", err)
	}
	r, err := readOSRelease(root)
	if err != nil || r.ID != "alpine" {
		t.Errorf("readOSRelease = %+v, %v", r, err)
	}
}

func TestParseOSRelease(t *testing.T) {
	data, err := os.ReadFile("testdata/alpine320/etc/os-release")
	if err != nil {
		t.Fatal(err)
	}
	want := osRelease{ID: "alpine", VersionID: "3.20.2", PrettyName: "Alpine Linux v3.20"}
	if diff := cmp.Diff(want, parseOSRelease(string(data))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := want.distro(); got != "alpine-3.20.2" {
		t.Errorf("distro = %q", got)
	}
}
