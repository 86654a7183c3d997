package fsread

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree makes a directory with the kinds of entries a scanned tree may
// hold, and a directory outside it.
func tree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	outside = filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "dir"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range map[string]string{
		filepath.Join(root, "ten"):       "0123456789",
		filepath.Join(root, "empty"):     "",
		filepath.Join(outside, "secret"): "outside",
	} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range map[string]string{
		"link-to-file":   "ten",
		"link-to-dir":    "dir",
		"link-out":       outside,
		"link-to-secret": filepath.Join(outside, "secret"),
		"dangling":       "gone",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	return root, outside
}

func TestReadBounded(t *testing.T) {
	root, _ := tree(t)
	tests := []struct {
		name    string
		limit   int64
		want    string
		wantErr error
	}{
		{name: "ten", limit: 10, want: "0123456789"},
		{name: "ten", limit: 100, want: "0123456789"},
		{name: "empty", limit: 0, want: ""},
		{name: "ten", limit: 9, wantErr: ErrTooLarge},
		{name: "link-to-file", limit: 100, wantErr: ErrSymlink},
		{name: "link-to-secret", limit: 100, wantErr: ErrSymlink},
		{name: "dir", limit: 100, wantErr: ErrNotRegular},
		{name: "dangling", limit: 100, wantErr: ErrSymlink},
		{name: "missing", limit: 100, wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		got, err := ReadBounded(filepath.Join(root, tt.name), tt.limit)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ReadBounded(%s, %d) = %q, %v; want %v", tt.name, tt.limit, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("ReadBounded(%s, %d) = %q, %v; want %q", tt.name, tt.limit, got, err, tt.want)
		}
	}
}

// TestTooLargeMessage: the message states the size and the limit, the
// limit in MiB when it is whole mebibytes.
func TestTooLargeMessage(t *testing.T) {
	root, _ := tree(t)
	big := filepath.Join(root, "big")
	if err := os.WriteFile(big, make([]byte, 1<<20+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path  string
		limit int64
		want  string
	}{
		{filepath.Join(root, "ten"), 9, "file too large: 10 bytes, over the limit of 9 bytes"},
		{big, 1 << 20, "file too large: 1048577 bytes, over the limit of 1 MiB"},
	} {
		_, err := ReadBounded(tt.path, tt.limit)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ReadBounded(%s, %d) error %v, want %q", filepath.Base(tt.path), tt.limit, err, tt.want)
		}
	}
}

func TestFifo(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pipe")
	if err := mkfifo(p); err != nil {
		t.Skip("no named pipes:", err)
	}
	// Opening the pipe would block the test forever.
	if _, err := ReadBounded(p, 100); !errors.Is(err, ErrNotRegular) {
		t.Errorf("ReadBounded(pipe) error %v, want %v", err, ErrNotRegular)
	}
	if IsFile(p) || IsDir(p) {
		t.Error("a named pipe taken for a file or a directory")
	}
}

func TestOpen(t *testing.T) {
	root, _ := tree(t)
	f, fi, err := Open(filepath.Join(root, "ten"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fi.Size() != 10 || fi.Name() != "ten" {
		t.Errorf("Open info = %s, %d bytes", fi.Name(), fi.Size())
	}
	if _, _, err := Open(filepath.Join(root, "link-to-file")); !errors.Is(err, ErrSymlink) {
		t.Errorf("Open(link) error %v, want %v", err, ErrSymlink)
	}
}

func TestIsFileIsDir(t *testing.T) {
	root, _ := tree(t)
	tests := []struct {
		name         string
		file, direct bool
	}{
		{name: "ten", file: true},
		{name: "dir", direct: true},
		{name: "link-to-file"},
		{name: "link-to-dir"},
		{name: "missing"},
	}
	for _, tt := range tests {
		p := filepath.Join(root, tt.name)
		if got := IsFile(p); got != tt.file {
			t.Errorf("IsFile(%s) = %v", tt.name, got)
		}
		if got := IsDir(p); got != tt.direct {
			t.Errorf("IsDir(%s) = %v", tt.name, got)
		}
	}
}

func TestWithin(t *testing.T) {
	sep := string(filepath.Separator)
	abs := func(s string) string { return filepath.FromSlash(s) }
	tests := []struct {
		path, root string
		want       bool
		rel        string // what RelWithin gives when want
	}{
		{abs("/a/b"), abs("/a/b"), true, "."},
		{abs("/a/b/c"), abs("/a/b"), true, "c"},
		{abs("/a/b/c/d"), abs("/a/b") + sep, true, abs("c/d")},
		{abs("/a/bc"), abs("/a/b"), false, ""},
		{abs("/a"), abs("/a/b"), false, ""},
		{abs("/x/y"), abs("/a/b"), false, ""},
		{abs("/a/b/..c"), abs("/a/b"), true, "..c"},
		{"a/b", "a", true, "b"},
		{"b", "a", false, ""},
	}
	for _, tt := range tests {
		if got := Within(tt.path, tt.root); got != tt.want {
			t.Errorf("Within(%q, %q) = %v, want %v", tt.path, tt.root, got, tt.want)
		}
		rel, ok := RelWithin(tt.path, tt.root)
		if ok != tt.want || rel != tt.rel {
			t.Errorf("RelWithin(%q, %q) = %q, %v; want %q, %v", tt.path, tt.root, rel, ok, tt.rel, tt.want)
		}
	}
	// RelWithin cleans: a ".." cannot walk out of the root.
	if rel, ok := RelWithin(abs("/a/b/../c"), abs("/a/b")); ok {
		t.Errorf("RelWithin of a path that climbs out = %q, true", rel)
	}
	if _, ok := RelWithin("a", abs("/a")); ok {
		t.Error("RelWithin of a relative path in an absolute root succeeded")
	}
}

func TestDirWithin(t *testing.T) {
	root, outside := tree(t)
	tests := []struct {
		name string
		want bool
	}{
		{"dir", true},
		{"link-to-dir", true},
		{"link-out", false},
		{"link-to-file", false},
		{"ten", false},
		{"dangling", false},
		{"missing", false},
	}
	for _, tt := range tests {
		p := filepath.Join(root, tt.name)
		got := DirWithin(p, root)
		if tt.want && got != p || !tt.want && got != "" {
			t.Errorf("DirWithin(%s) = %q, want it %v (the outside is %s)", tt.name, got, tt.want, outside)
		}
	}
}

func TestDescribe(t *testing.T) {
	_, err := os.Open(filepath.Join(t.TempDir(), "missing"))
	if got := Describe(err); got != "open: no such file or directory" || strings.Contains(got, string(filepath.Separator)) {
		t.Errorf("Describe(%v) = %q", err, got)
	}
	if got := Describe(ErrSymlink); got != ErrSymlink.Error() {
		t.Errorf("Describe(ErrSymlink) = %q", got)
	}
}
