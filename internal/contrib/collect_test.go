package contrib

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixture is a checkout built for one test: files copied from testdata,
// and optionally a git history whose commits are signed off or not.
type fixture struct {
	files   map[string]string // path in the checkout → path under testdata
	commits []bool            // nil: not a repository; else signed off or not, oldest first
	remote  string            // origin URL, when set
}

func requireGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// runGit runs git in dir, isolated from the machine's configuration.
func runGit(t *testing.T, dir, stdin string, args ...string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + filepath.Join(home, "gitconfig"), "LC_ALL=C",
	}
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (fx fixture) build(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for dst, src := range fx.files {
		data, err := os.ReadFile(filepath.Join("testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(dst))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if fx.commits == nil {
		return dir
	}
	requireGit(t)
	runGit(t, dir, "", "init", "-q", "-b", "main")
	if fx.remote != "" {
		runGit(t, dir, "", "remote", "add", "origin", fx.remote)
	}
	// One fast-import for the whole history: a git process per commit
	// would make these tests slow.
	var b strings.Builder
	for i, signed := range fx.commits {
		msg := fmt.Sprintf("Change %d\n", i)
		if signed {
			msg += "\nSigned-off-by: Ada Example <ada@example.org>\n"
		}
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter Ada Example <ada@example.org> %d +0000\ndata %d\n%s\n", 1704067200+i*60, len(msg), msg)
	}
	runGit(t, dir, b.String(), "fast-import", "--quiet")
	return dir
}

// collectSummary is what a test states about Facts.
type collectSummary struct {
	Project      string
	LicenseFiles []string // path (kind)
	Contributing []string
	Names        []string
	CLA          []string // path:line of signals that count
	DCO          []string
	Negated      []string
	History      *History
	Guides       []string
	Problems     []string // paths
}

func summarise(f Facts) collectSummary {
	s := collectSummary{Project: f.Project, History: f.History, Names: f.CLANames()}
	for _, lf := range f.LicenseFiles {
		s.LicenseFiles = append(s.LicenseFiles, lf.Path+" ("+lf.Kind+")")
	}
	for _, d := range f.Contributing {
		s.Contributing = append(s.Contributing, d.Path)
	}
	for _, sig := range f.Signals {
		where := fmt.Sprintf("%s:%d", sig.Path, sig.Line)
		switch {
		case sig.Negated:
			s.Negated = append(s.Negated, where)
		case sig.Kind == KindCLA:
			s.CLA = append(s.CLA, where)
		default:
			s.DCO = append(s.DCO, where)
		}
	}
	for _, g := range f.Guides {
		s.Guides = append(s.Guides, g.Text)
	}
	for _, p := range f.Problems {
		s.Problems = append(s.Problems, p.Path)
	}
	return s
}

func repeat(signed bool, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = signed
	}
	return out
}

func TestCollect(t *testing.T) {
	tests := []struct {
		name string
		fx   fixture
		opts Options
		want collectSummary
	}{
		{
			name: "Google CLA in a clone",
			fx: fixture{files: map[string]string{"CONTRIBUTING.md": "contributing/google-cla.go-cmp.md", "LICENSE": "license/BSD-3-Clause.go-cmp"},
				commits: repeat(false, 3), remote: "https://github.com/google/go-cmp.git"},
			want: collectSummary{Project: "github.com/google/go-cmp", LicenseFiles: []string{"LICENSE (license)"},
				Contributing: []string{"CONTRIBUTING.md"}, Names: []string{"Google CLA"},
				CLA:     []string{"CONTRIBUTING.md:6", "CONTRIBUTING.md:8", "CONTRIBUTING.md:11", "CONTRIBUTING.md:14"},
				History: &History{Commits: 3}},
		},
		{
			name: "DCO in the guide and in the history",
			fx:   fixture{files: map[string]string{"CONTRIBUTING.md": "contributing/dco.prometheus.md"}, commits: repeat(true, 12), remote: "git@github.com:prometheus/prometheus.git"},
			want: collectSummary{Project: "github.com/prometheus/prometheus", Contributing: []string{"CONTRIBUTING.md"},
				DCO: []string{"CONTRIBUTING.md:22", "git log:0"}, History: &History{Commits: 12, SignedOff: 12}},
		},
		{
			name: "CLA assistant workflow, guide under .github",
			fx: fixture{files: map[string]string{".github/CONTRIBUTING.md": "contributing/plain.ulid.md",
				".github/workflows/cla.yml": "workflows/cla-assistant.yml"}},
			want: collectSummary{Contributing: []string{".github/CONTRIBUTING.md"}, Names: []string{"cla-assistant"},
				CLA: []string{".github/workflows/cla.yml:20"}},
		},
		{
			name: "CLA assistant collecting DCO sign-offs",
			fx:   fixture{files: map[string]string{".github/workflows/dco.yml": "workflows/cla-assistant-for-dco.yml"}},
			want: collectSummary{DCO: []string{".github/workflows/dco.yml:16"}},
		},
		{
			name: "nothing asked, guide under docs",
			fx: fixture{files: map[string]string{"docs/CONTRIBUTING.md": "contributing/plain.ulid.md", "LICENSE.md": "license/BSD-3-Clause.go-cmp"},
				commits: repeat(false, 2)},
			want: collectSummary{LicenseFiles: []string{"LICENSE.md (license)"}, Contributing: []string{"docs/CONTRIBUTING.md"},
				History: &History{Commits: 2}},
		},
		{
			name: "agreement and bot files",
			fx: fixture{files: map[string]string{".clabot": "files/clabot", "CLA.md": "files/CLA.md", "DCO": "files/DCO",
				".github/dco.yml": "files/dco.yml", "NOTICE": "files/DCO", "COPYING": "license/BSD-3-Clause.go-cmp"}},
			want: collectSummary{LicenseFiles: []string{"COPYING (license)", "NOTICE (notice)"}, Names: []string{"cla-bot"},
				CLA: []string{".clabot:0", "CLA.md:0"}, DCO: []string{"DCO:0", ".github/dco.yml:0"}},
		},
		{
			name: "guide that says no CLA, only DCO",
			fx:   fixture{files: map[string]string{"CONTRIBUTING.md": "contributing/no-cla-but-dco.md"}},
			want: collectSummary{Contributing: []string{"CONTRIBUTING.md"},
				DCO:     []string{"CONTRIBUTING.md:16", "CONTRIBUTING.md:18", "CONTRIBUTING.md:19", "CONTRIBUTING.md:20"},
				Negated: []string{"CONTRIBUTING.md:7", "CONTRIBUTING.md:12", "CONTRIBUTING.md:14"}},
		},
		{
			// A feature list saying what the tool checks asks nothing of
			// the tool's own contributors.
			name: "README mentioning CLA and DCO outside a contributing section",
			fx:   fixture{files: map[string]string{"README.md": "readme/feature-list.md"}},
			want: collectSummary{},
		},
		{
			name: "README with a contributing section asking for the Google CLA",
			fx:   fixture{files: map[string]string{"README.md": "readme/contributing-section-google-cla.md"}},
			want: collectSummary{Names: []string{"Google CLA"}, CLA: []string{"README.md:11", "README.md:12"}},
		},
		{
			name: "history signed off at 85 %",
			fx:   fixture{commits: append(repeat(false, 3), repeat(true, 17)...)},
			want: collectSummary{DCO: []string{"git log:0"}, History: &History{Commits: 20, SignedOff: 17}},
		},
		{
			name: "history signed off at 75 % is no rule",
			fx:   fixture{commits: append(repeat(false, 5), repeat(true, 15)...)},
			want: collectSummary{History: &History{Commits: 20, SignedOff: 15}},
		},
		{
			name: "only the recent commits count",
			fx:   fixture{commits: append(repeat(false, 10), repeat(true, 10)...)},
			opts: Options{Commits: 10},
			want: collectSummary{DCO: []string{"git log:0"}, History: &History{Commits: 10, SignedOff: 10}},
		},
		{
			name: "too few commits to show a rule",
			fx:   fixture{commits: repeat(true, 5)},
			want: collectSummary{History: &History{Commits: 5, SignedOff: 5}},
		},
		{
			name: "history not read when told so",
			fx:   fixture{commits: repeat(true, 12)},
			opts: Options{Commits: -1},
			want: collectSummary{},
		},
		{
			name: "git missing is a problem, not a failure",
			fx:   fixture{files: map[string]string{"CONTRIBUTING.md": "contributing/dco.prometheus.md"}, commits: repeat(true, 12)},
			opts: Options{Git: "ospo-no-such-git"},
			want: collectSummary{Contributing: []string{"CONTRIBUTING.md"}, DCO: []string{"CONTRIBUTING.md:22"}, Problems: []string{"git log"}},
		},
		{
			name: "remote with credentials",
			fx:   fixture{commits: repeat(false, 1), remote: "https://bot:s3cret-token@git.example.org:8443/acme/widget.git"},
			want: collectSummary{Project: "git.example.org/acme/widget", History: &History{Commits: 1}},
		},
		{
			name: "name given",
			fx:   fixture{commits: repeat(false, 1), remote: "https://github.com/acme/widget"},
			opts: Options{Name: "Widget"},
			want: collectSummary{Project: "Widget", History: &History{Commits: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := tt.fx.build(t)
			f, err := Collect(t.Context(), dir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := summarise(f)
			if tt.fx.remote == "" && tt.opts.Name == "" {
				// The directory's own name, random in a test.
				if got.Project != filepath.Base(dir) {
					t.Errorf("Project = %q, want the directory's name %q", got.Project, filepath.Base(dir))
				}
				got.Project = ""
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCollectLicenseHash(t *testing.T) {
	dir := fixture{files: map[string]string{"LICENSE": "license/BSD-3-Clause.go-cmp"}}.build(t)
	f, err := Collect(t.Context(), dir, Options{Commits: -1})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "license", "BSD-3-Clause.go-cmp"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if len(f.LicenseFiles) != 1 {
		t.Fatalf("got %d license files", len(f.LicenseFiles))
	}
	lf := f.LicenseFiles[0]
	if lf.SHA256 != hex.EncodeToString(sum[:]) || lf.AbsPath() != filepath.Join(dir, "LICENSE") {
		t.Errorf("license file %+v (abs %s), want hash %x", lf, lf.AbsPath(), sum)
	}
}

// TestCollectStaysInside checks that links out of the checkout are not
// followed, and links inside it are.
func TestCollectStaysInside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(outside, []byte("Sign the Google CLA at https://cla.developers.google.com/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := fixture{files: map[string]string{"COPYING": "license/BSD-3-Clause.go-cmp"}}.build(t)
	if err := os.Symlink(outside, filepath.Join(dir, "CONTRIBUTING.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink("COPYING", filepath.Join(dir, "LICENSE")); err != nil {
		t.Fatal(err)
	}
	f, err := Collect(t.Context(), dir, Options{Commits: -1})
	if err != nil {
		t.Fatal(err)
	}
	got := summarise(f)
	got.Project = ""
	want := collectSummary{LicenseFiles: []string{"COPYING (license)", "LICENSE (license)"}, Problems: []string{"CONTRIBUTING.md"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
	}
}

func TestCollectBounds(t *testing.T) {
	dir := fixture{files: map[string]string{"CONTRIBUTING.md": "contributing/google-cla.go-cmp.md", "LICENSE": "license/BSD-3-Clause.go-cmp"}}.build(t)
	f, err := Collect(t.Context(), dir, Options{Commits: -1, MaxFileSize: 200})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Contributing) != 1 || !f.Contributing[0].Truncated || len(f.Contributing[0].Text) != 200 {
		t.Errorf("guide not cut at 200 bytes: %+v", f.Contributing)
	}
	// Lines past the bound are not read: the CLA heading (line 6) is, the
	// address (line 11) is not.
	got := summarise(f)
	if diff := cmp.Diff([]string{"CONTRIBUTING.md:6"}, got.CLA); diff != "" {
		t.Errorf("CLA signals mismatch (-want +got):\n%s", diff)
	}
	if len(f.LicenseFiles) != 1 || f.LicenseFiles[0].SHA256 != "" || len(f.Problems) != 1 {
		t.Errorf("an oversized license should be listed unhashed with a problem: %+v %+v", f.LicenseFiles, f.Problems)
	}
}

func TestCollectErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	if _, err := Collect(t.Context(), missing, Options{}); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing directory: err = %v, want one naming it and fs.ErrNotExist", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Collect(ctx, t.TempDir(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v, want context.Canceled", err)
	}
}

func TestDisplayURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://github.com/acme/widget.git", "github.com/acme/widget"},
		{"https://user:token@github.com/acme/widget", "github.com/acme/widget"},
		{"ssh://git@git.example.org:2222/acme/widget.git", "git.example.org/acme/widget"},
		{"git@github.com:acme/widget.git", "github.com/acme/widget"},
		{"/srv/git/widget.git", ""},
		{"../widget", ""},
		{"https://github.com/acme/widget/", "github.com/acme/widget"},
	}
	for _, tt := range tests {
		if got := displayURL(tt.in); got != tt.want {
			t.Errorf("displayURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestModulePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"module golang.org/x/text\n\ngo 1.24\n", "golang.org/x/text"},
		{"// a comment\nmodule \"example.org/quoted\" // trailing\n", "example.org/quoted"},
		{"modulex example.org/no\n", ""},
		{"go 1.22\n", ""},
	}
	for _, tt := range tests {
		if got := modulePath([]byte(tt.in)); got != tt.want {
			t.Errorf("modulePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOriginURL(t *testing.T) {
	config := `[core]
	bare = false
[remote "upstream"]
	url = https://github.com/upstream/widget.git
[remote "origin"]
	url = https://github.com/acme/widget.git
	fetch = +refs/heads/*:refs/remotes/origin/*
`
	if got := originURL([]byte(config)); got != "github.com/acme/widget" {
		t.Errorf("originURL = %q", got)
	}
}

// FuzzOriginURL: a clone's config is foreign input. No panic, and no
// password of an address survives.
func FuzzOriginURL(f *testing.F) {
	f.Add([]byte("[remote \"origin\"]\n\turl = https://u:p4ss@example.org/a/b.git\n"))
	f.Add([]byte("[remote \"origin\"]\nurl=git@example.org:a/b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := originURL(data)
		if strings.Contains(string(data), ":p4ss@") && strings.Contains(got, "p4ss") {
			t.Fatalf("password kept in %q", got)
		}
	})
}
