package golang

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
)

// The corpus checks compare the extractor with the go command itself on
// real projects. They run only when OSPO_CORPUS names the corpus
// directory, and they are the only place where a test runs `go`.

func corpusDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("OSPO_CORPUS")
	if dir == "" {
		tb.Skip("OSPO_CORPUS is not set")
	}
	return dir
}

// goListAll runs `go list -m all` offline against the corpus module cache
// and returns the modules as the components they become (replacements
// applied), main modules left out.
func goListAll(t *testing.T, dir, cache string) []string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to compare with")
	}
	out := filepath.Join(t.TempDir(), "go-list-m-all.txt")
	cmd := exec.Command(gobin, "list", "-m", "all")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOMODCACHE="+cache, "GOWORK=off", "GOTOOLCHAIN=local", "GOSUMDB=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -m all in %s: %v\n%s", dir, err, stderr.String())
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return parseGoList(data)
}

// parseGoList reads `go list -m all` output into name@version strings.
func parseGoList(data []byte) []string {
	var mods []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2:
			mods = append(mods, f[0]+"@"+f[1])
		case len(f) == 4 && f[2] == "=>": // directory replacement
			mods = append(mods, f[0]+"@")
		case len(f) == 5 && f[2] == "=>":
			mods = append(mods, f[3]+"@"+f[4])
		}
	}
	sort.Strings(mods)
	return mods
}

func moduleRefs(p *inventory.Project) []string {
	var out []string
	for _, c := range p.Components {
		if c.Name != stdlibName {
			out = append(out, c.Ref())
		}
	}
	sort.Strings(out)
	return out
}

func TestCorpusMatchesGoList(t *testing.T) {
	corpus := corpusDir(t)
	cache := filepath.Join(corpus, "gomodcache")
	for _, name := range []string{"go-big", "go-vuln"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(corpus, name)
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
				t.Skipf("corpus %s not there: %v", name, err)
			}
			want := goListAll(t, dir, cache)
			ps, probs, err := New().Extract(context.Background(), dir, []string{filepath.Join(dir, "go.mod")}, inventory.Options{Root: dir, GoModCache: cache})
			if err != nil {
				t.Fatal(err)
			}
			if len(probs) > 0 {
				t.Errorf("problems: %v", probs)
			}
			if len(ps) != 1 {
				t.Fatalf("got %d projects, want 1", len(ps))
			}
			got := moduleRefs(ps[0])
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("modules (-go list -m all +extractor):\n%s", diff)
			}
			t.Logf("%s: %d modules, notes %q", name, len(got), ps[0].Notes)

			// Without a module cache the list comes from go.mod and go.sum.
			ps, _, err = New().Extract(context.Background(), dir, []string{filepath.Join(dir, "go.mod")}, inventory.Options{Root: dir, GoModCache: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, moduleRefs(ps[0])); diff != "" {
				t.Errorf("modules without a module cache (-go list -m all +extractor):\n%s", diff)
			}
		})
	}
}

func BenchmarkExtractGoBig(b *testing.B) {
	corpus := corpusDir(b)
	dir := filepath.Join(corpus, "go-big")
	opts := inventory.Options{Root: dir, GoModCache: filepath.Join(corpus, "gomodcache")}
	files := []string{filepath.Join(dir, "go.mod")}
	for b.Loop() {
		if _, _, err := New().Extract(context.Background(), dir, files, opts); err != nil {
			b.Fatal(err)
		}
	}
}
