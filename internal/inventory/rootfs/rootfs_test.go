package rootfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory/fsread"
)

// mkroot builds a small system root with the links an untrusted image may
// hold, and a file outside it that no link may reach.
func mkroot(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	outside = filepath.Join(base, "secret")
	for _, d := range []string{"usr/share/doc/real", "usr/lib", "etc"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "usr/share/doc/real/copyright"), "inside")
	write(filepath.Join(root, "usr/lib/os-release"), "ID=debian\n")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(outside, "copyright"), "outside")
	write(filepath.Join(base, "os-release"), "ID=host\n")
	links := map[string]string{
		"usr/share/doc/relative": "real",
		"usr/share/doc/absolute": "/usr/share/doc/real",
		"usr/share/doc/escape":   "../../../../secret",
		"usr/share/doc/abs-out":  outside,
		"usr/share/doc/loop":     "loop",
		"usr/share/doc/dangling": "gone",
		"usr/share/doc/file":     "real/copyright",
		"etc/os-release":         "../usr/lib/os-release",
		"etc/os-release-abs":     "/usr/lib/os-release",
		"etc/escape":             "../../os-release",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	return root, outside
}

func TestResolve(t *testing.T) {
	root, outside := mkroot(t)
	tests := []struct {
		rel, want string // want is relative to root; "" when an error is expected
		notExist  bool
	}{
		{rel: "usr/share/doc/real/copyright", want: "usr/share/doc/real/copyright"},
		{rel: "usr/share/doc/relative/copyright", want: "usr/share/doc/real/copyright"},
		// An absolute link is read from the root, as the image's own
		// system reads it.
		{rel: "usr/share/doc/absolute/copyright", want: "usr/share/doc/real/copyright"},
		{rel: "etc/os-release-abs", want: "usr/lib/os-release"},
		// ".." stops at the root; the link lands on a missing path inside.
		{rel: "usr/share/doc/escape/copyright", notExist: true},
		{rel: "etc/escape", notExist: true},
		{rel: "usr/share/doc/abs-out/copyright", notExist: true},
		{rel: "usr/share/doc/dangling/copyright", notExist: true},
		// Through a file.
		{rel: "usr/share/doc/file/copyright", notExist: true},
		{rel: "usr/share/doc/loop/copyright"},
		{rel: "etc/os-release", want: "usr/lib/os-release"},
	}
	for _, tt := range tests {
		got, err := Resolve(root, tt.rel)
		switch {
		case tt.want != "":
			if err != nil || got != filepath.Join(root, tt.want) {
				t.Errorf("Resolve(%s) = %q, %v; want %s", tt.rel, got, err, tt.want)
			}
		case tt.notExist:
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Resolve(%s) = %q, %v; want a not-exist error", tt.rel, got, err)
			}
		default:
			if !errors.Is(err, ErrLinkLoop) {
				t.Errorf("Resolve(%s) = %q, %v; want a link loop", tt.rel, got, err)
			}
		}
		if err == nil && !fsread.Within(got, root) {
			t.Errorf("Resolve(%s) = %q, outside the root (the secret is at %s)", tt.rel, got, outside)
		}
	}
}

func TestParseOSRelease(t *testing.T) {
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	tests := []struct {
		in   string
		want Release
	}{
		{read("debian-12.os-release"), Release{ID: "debian", VersionID: "12", VersionCodename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)"}},
		{read("alpine-3.20.os-release"), Release{ID: "alpine", VersionID: "3.20.2", PrettyName: "Alpine Linux v3.20"}},
		{"ID=\"Ubuntu\"\nVERSION_ID='22.04'\n# comment\nPRETTY_NAME=\"A \\\"quoted\\\" name\"\n", Release{ID: "ubuntu", VersionID: "22.04", PrettyName: `A "quoted" name`}},
		{"PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nID=debian\nVERSION_CODENAME=trixie\n", Release{ID: "debian", VersionCodename: "trixie", PrettyName: "Debian GNU/Linux trixie/sid"}},
		{"garbage\n=\n", Release{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseOSRelease(tt.in)); diff != "" {
			t.Errorf("parseOSRelease(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestDistro(t *testing.T) {
	for r, want := range map[Release]string{
		{ID: "debian", VersionID: "12"}:           "debian-12",
		{ID: "alpine", VersionID: "3.20.2"}:       "alpine-3.20.2",
		{ID: "debian", VersionCodename: "trixie"}: "debian-trixie",
		{ID: "debian"}: "debian",
		{}:             "",
	} {
		if got := r.Distro(); got != want {
			t.Errorf("%+v.Distro() = %q, want %q", r, got, want)
		}
	}
}

func TestOSRelease(t *testing.T) {
	root, _ := mkroot(t)
	got, err := OSRelease(root)
	if err != nil || got.ID != "debian" || got.Path != filepath.Join(root, "usr/lib/os-release") {
		t.Errorf("OSRelease through the etc link = %+v, %v", got, err)
	}
	empty := t.TempDir()
	if got, err := OSRelease(empty); err != nil || got != (Release{}) {
		t.Errorf("OSRelease of an empty root = %+v, %v", got, err)
	}
	// A directory where the file should be is an error, not a silent
	// unknown system.
	dirRoot := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dirRoot, "etc", "os-release"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := OSRelease(dirRoot); !errors.Is(err, fsread.ErrNotRegular) {
		t.Errorf("OSRelease with a directory for a file: %v, want %v", err, fsread.ErrNotRegular)
	}
}

// FuzzParseOSRelease: any input parses without panic, and the distro
// qualifier is there exactly when the id is.
func FuzzParseOSRelease(f *testing.F) {
	for _, name := range []string{"debian-12.os-release", "alpine-3.20.os-release"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("ID='x'\nVERSION_ID=\"1\\\\\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		r := parseOSRelease(s)
		if r.Path != "" {
			t.Errorf("Path %q set by the parser", r.Path)
		}
		if (r.ID == "") != (r.Distro() == "") {
			t.Errorf("id %q, distro %q", r.ID, r.Distro())
		}
	})
}
