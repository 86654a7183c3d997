package notice

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ospo/internal/policy"
	"ospo/internal/scan"
)

// TestCorpusApacheNotices runs on a real installed npm tree, named by
// OSPO_CORPUS (a directory holding npm-big): the notice must carry the
// NOTICE file of every installed Apache-2.0 package that ships one. The
// packages are found here by walking node_modules, not from the scan.
func TestCorpusApacheNotices(t *testing.T) {
	root := os.Getenv("OSPO_CORPUS")
	if root == "" {
		t.Skip("OSPO_CORPUS is not set")
	}
	dir := filepath.Join(root, "npm-big")
	want := apacheNotices(t, filepath.Join(dir, "node_modules"))
	if len(want) == 0 {
		t.Fatalf("no Apache-2.0 package with a NOTICE file under %s", dir)
	}
	start := time.Now()
	res, err := scan.Run(context.Background(), scan.Config{Roots: []string{dir}, Policy: policy.Default()})
	if err != nil {
		t.Fatal(err)
	}
	scanned := time.Since(start)
	n, problems, err := Build(context.Background(), res, Options{})
	if err != nil {
		t.Fatal(err)
	}
	built := time.Since(start) - scanned
	for _, p := range problems {
		t.Logf("problem: %v", p)
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Render(&buf, n, f); err != nil {
			t.Fatal(err)
		}
		for pkg, text := range want {
			if !strings.Contains(buf.String(), text) {
				t.Errorf("%s: the NOTICE of %s is missing", f, pkg)
			}
		}
	}
	t.Logf("%d components, %d Apache-2.0 packages with a NOTICE file; scan %v, notice %v",
		len(res.Components), len(want), scanned, built)
}

// apacheNotices maps each installed package declaring Apache-2.0 that
// ships a NOTICE file to that file's text, trimmed.
func apacheNotices(t *testing.T, nodeModules string) map[string]string {
	out := map[string]string{}
	var walk func(nm string)
	pkg := func(d string) {
		raw, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			return
		}
		var m struct {
			Name, Version string
			License       any
		}
		if json.Unmarshal(raw, &m) != nil {
			return
		}
		lic, _ := json.Marshal(m.License)
		if strings.Contains(string(lic), "Apache-2.0") {
			ents, _ := os.ReadDir(d)
			for _, e := range ents {
				if e.Type().IsRegular() && strings.HasPrefix(strings.ToUpper(e.Name()), "NOTICE") {
					b, err := os.ReadFile(filepath.Join(d, e.Name()))
					if err != nil {
						t.Fatal(err)
					}
					out[m.Name+"@"+m.Version] = strings.TrimSpace(strings.ReplaceAll(string(b), "\r\n", "\n"))
				}
			}
		}
		walk(filepath.Join(d, "node_modules"))
	}
	walk = func(nm string) {
		ents, err := os.ReadDir(nm)
		if err != nil {
			return
		}
		for _, e := range ents {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if strings.HasPrefix(e.Name(), "@") {
				scoped, _ := os.ReadDir(filepath.Join(nm, e.Name()))
				for _, s := range scoped {
					if s.IsDir() {
						pkg(filepath.Join(nm, e.Name(), s.Name()))
					}
				}
				continue
			}
			pkg(filepath.Join(nm, e.Name()))
		}
	}
	walk(nodeModules)
	return out
}
