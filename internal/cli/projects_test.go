package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies a test fixture directory (regular files only).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case info.IsDir():
			return os.MkdirAll(target, 0o755)
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestProjectsImportAndScan registers a directory of clones and a list
// file, runs the queued scans here, and lists what was stored.
func TestProjectsImportAndScan(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is needed")
	}
	dir := t.TempDir()
	clones := filepath.Join(dir, "clones")
	copyTree(t, filepath.Join("testdata", "app"), filepath.Join(clones, "web"))
	copyTree(t, filepath.Join("testdata", "vulnerable"), filepath.Join(clones, "api"))
	gitRepo(t, filepath.Join(clones, "web"), nil)
	gitRepo(t, filepath.Join(clones, "api"), nil)
	other := filepath.Join(dir, "elsewhere", "tools.git")
	copyTree(t, filepath.Join("testdata", "vulnerable"), other)
	list := filepath.Join(dir, "repos.txt")
	os.WriteFile(list, []byte("# more repositories\n"+other+"\n\n"), 0o644)
	db := filepath.Join(dir, "ospo.db")

	if code, out, errb := run(t, "projects", "import", "--db", db, "--owner", "team-a", clones); code != 0 || !strings.Contains(out, "registered 2 new of 2") {
		t.Fatalf("import dir: %d %s %s", code, out, errb)
	}
	if code, out, errb := run(t, "projects", "import", "--db", db, "--list", list); code != 0 || !strings.Contains(out, "registered 1 new of 1") {
		t.Fatalf("import list: %d %s %s", code, out, errb)
	}
	if code, out, _ := run(t, "projects", "import", "--db", db, clones); code != 0 || !strings.Contains(out, "registered 0 new of 2") {
		t.Errorf("import again: %d %s", code, out)
	}
	if code, _, errb := run(t, "projects", "add", "--db", db, "bad name!", "--source", clones); code != ExitError || !strings.Contains(errb, "project name") {
		t.Errorf("bad name: %d %s", code, errb)
	}
	code, out, errb := run(t, "projects", "scan", "--db", db, "--all", "--wait")
	if code != 0 || !strings.Contains(out, "queued 3 scans") || !strings.Contains(out, "ran 3 scans, 0 failed") {
		t.Fatalf("scan --all --wait: %d\n%s\n%s", code, out, errb)
	}
	code, out, _ = run(t, "projects", "list", "--db", db, "-f", "json")
	var ps []struct {
		Name   string `json:"name"`
		Owner  string `json:"owner"`
		Latest *struct {
			Components int     `json:"components"`
			Health     float64 `json:"health"`
		} `json:"latest"`
	}
	if err := json.Unmarshal([]byte(out), &ps); err != nil || code != 0 {
		t.Fatalf("list: %d %v\n%s", code, err, out)
	}
	got := map[string]int{}
	for _, p := range ps {
		if p.Latest == nil {
			t.Errorf("%s was not scanned", p.Name)
			continue
		}
		got[p.Name] = p.Latest.Components
	}
	if got["web"] != 12 || got["api"] != 1 || got["tools"] != 1 {
		t.Errorf("components per project: %v", got)
	}
	if code, out, _ := run(t, "projects", "list", "--db", db); code != 0 || !strings.Contains(out, "team-a") {
		t.Errorf("table: %s", out)
	}
}

func TestReadSourceList(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "repos.txt")
	os.WriteFile(file, []byte("# repositories\nhttps://git.example.org/team/web.git\n\n  git@git.example.org:team/api.git  # the API\n/srv/clones/tools/\n"), 0o644)
	got, err := readSourceList(file)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"web", "https://git.example.org/team/web.git"}, {"api", "git@git.example.org:team/api.git"}, {"tools", "/srv/clones/tools"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i][0] != want[i][0] || !strings.HasPrefix(got[i][1], strings.TrimSuffix(want[i][1], "/")) {
			t.Errorf("line %d: %v, want %v", i, got[i], want[i])
		}
	}
	os.WriteFile(file, []byte("ok\nnot ok\n"), 0o644)
	if _, err := readSourceList(file); err == nil || !strings.Contains(err.Error(), "repos.txt:2") {
		t.Errorf("a line with a space: %v", err)
	}
}

func FuzzReadSourceList(f *testing.F) {
	f.Add("# c\nhttps://x/y.git\n/a/b\n")
	f.Add("/\n")
	f.Add(".git\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string) {
		file := filepath.Join(dir, "list.txt")
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readSourceList(file)
		if err != nil {
			if !strings.Contains(err.Error(), file) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, s := range got {
			if s[0] == "" || s[1] == "" || strings.ContainsAny(s[0], "/ \t") {
				t.Fatalf("%q gave project %q from %q", content, s[0], s[1])
			}
		}
	})
}

// TestProjectsImportNameClash: two sources that would get one name are
// refused, naming both, before anything is registered; a source whose
// name is registered with another source is reported and fails the
// command, while the others are registered.
func TestProjectsImportNameClash(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ospo.db")
	list := filepath.Join(dir, "repos.txt")
	os.WriteFile(list, []byte("https://git.example.org/team-a/web.git\nhttps://git.example.org/team-a/api.git\n"+
		"https://ci:s3cret@git.example.org/team-b/web.git\nhttps://git.example.org/team-a/web.git\n"), 0o644)
	code, out, errb := run(t, "projects", "import", "--db", db, "--list", list)
	if code != ExitError || strings.Contains(out, "registered") ||
		!strings.Contains(errb, "web from both https://git.example.org/team-a/web.git and https://ci:xxxxx@git.example.org/team-b/web.git") ||
		strings.Contains(errb, "s3cret") {
		t.Errorf("clash in the list: exit %d\nstdout %s\nstderr %s\nwant exit %d naming both sources (without the password)", code, out, errb, ExitError)
	}
	if _, out, _ := run(t, "projects", "list", "--db", db, "-f", "json"); strings.TrimSpace(out) != "null" {
		t.Errorf("projects after a refused import: %s, want none", out)
	}

	if code, _, errb := run(t, "projects", "add", "--db", db, "web", "--source", "https://git.example.org/team-c/web.git"); code != ExitOK {
		t.Fatalf("add: %d %s", code, errb)
	}
	os.WriteFile(list, []byte("https://git.example.org/team-a/web.git\nhttps://git.example.org/team-a/api.git\n"), 0o644)
	code, out, errb = run(t, "projects", "import", "--db", db, "--list", list)
	if code != ExitError || !strings.Contains(out, "registered 1 new of 2") ||
		!strings.Contains(errb, "https://git.example.org/team-a/web.git not registered: project web is registered with source https://git.example.org/team-c/web.git") {
		t.Errorf("name taken: exit %d\nstdout %s\nstderr %s\nwant api registered and web reported", code, out, errb)
	}
}
