package deb

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	links := map[string]string{
		"usr/share/doc/relative": "real",
		"usr/share/doc/absolute": "/usr/share/doc/real",
		"usr/share/doc/escape":   "../../../../secret",
		"usr/share/doc/abs-out":  outside,
		"usr/share/doc/loop":     "loop",
		"usr/share/doc/dangling": "gone",
		"usr/share/doc/file":     "real/copyright",
		"etc/os-release":         "../usr/lib/os-release",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

func TestResolveIn(t *testing.T) {
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
		// ".." stops at the root; the link lands on a missing path inside.
		{rel: "usr/share/doc/escape/copyright", notExist: true},
		{rel: "usr/share/doc/abs-out/copyright", notExist: true},
		{rel: "usr/share/doc/dangling/copyright", notExist: true},
		// Through a file.
		{rel: "usr/share/doc/file/copyright", notExist: true},
		{rel: "usr/share/doc/loop/copyright"},
		{rel: "etc/os-release", want: "usr/lib/os-release"},
	}
	for _, tt := range tests {
		got, err := resolveIn(root, tt.rel)
		switch {
		case tt.want != "":
			if err != nil || got != filepath.Join(root, tt.want) {
				t.Errorf("resolveIn(%s) = %q, %v; want %s", tt.rel, got, err, tt.want)
			}
		case tt.notExist:
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("resolveIn(%s) = %q, %v; want a not-exist error", tt.rel, got, err)
			}
		default:
			if !errors.Is(err, errLinkLoop) {
				t.Errorf("resolveIn(%s) = %q, %v; want a link loop", tt.rel, got, err)
			}
		}
		if err == nil && !within(got, root) {
			t.Errorf("resolveIn(%s) = %q, outside the root (the secret is at %s)", tt.rel, got, outside)
		}
	}
}

func within(p, root string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && (len(rel) < 3 || rel[:3] != "../")
}

func TestParseOSRelease(t *testing.T) {
	real, err := os.ReadFile("testdata/root/usr/lib/os-release")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want osRelease
	}{
		{string(real), osRelease{ID: "debian", VersionID: "12", VersionCodename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)"}},
		{"ID=\"Ubuntu\"\nVERSION_ID='22.04'\n# comment\nPRETTY_NAME=\"A \\\"quoted\\\" name\"\n", osRelease{ID: "ubuntu", VersionID: "22.04", PrettyName: `A "quoted" name`}},
		{"PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nID=debian\nVERSION_CODENAME=trixie\n", osRelease{ID: "debian", VersionCodename: "trixie", PrettyName: "Debian GNU/Linux trixie/sid"}},
		{"garbage\n=\n", osRelease{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseOSRelease(tt.in)); diff != "" {
			t.Errorf("parseOSRelease(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	for r, want := range map[osRelease]string{
		{ID: "debian", VersionID: "12"}:           "debian-12",
		{ID: "debian", VersionCodename: "trixie"}: "debian-trixie",
		{ID: "debian"}: "debian",
		{}:             "",
	} {
		if got := r.distro(); got != want {
			t.Errorf("%+v.distro() = %q, want %q", r, got, want)
		}
	}
}

func TestReadOSRelease(t *testing.T) {
	root, _ := mkroot(t)
	got, err := readOSRelease(root)
	if err != nil || got.ID != "debian" || got.Path != filepath.Join(root, "usr/lib/os-release") {
		t.Errorf("readOSRelease through the etc link = %+v, %v", got, err)
	}
	empty := t.TempDir()
	if got, err := readOSRelease(empty); err != nil || got != (osRelease{}) {
		t.Errorf("readOSRelease of an empty root = %+v, %v", got, err)
	}
}
