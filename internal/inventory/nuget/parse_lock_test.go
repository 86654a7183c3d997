package nuget

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLockFile(t *testing.T) {
	data, err := os.ReadFile("testdata/lockfile/packages.lock.json")
	if err != nil {
		t.Fatal(err)
	}
	lf, err := parseLockFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if lf.Version != 1 || len(lf.Targets) != 2 || lf.Targets[0].Name != ".NETStandard,Version=v2.0" || lf.Targets[1].Name != "net6.0" {
		t.Fatalf("version %d, targets %+v", lf.Version, lf.Targets)
	}
	if n := len(lf.Targets[0].Entries); n != 17 {
		t.Errorf(".NETStandard target has %d entries, want 17", n)
	}
	entry := func(tfm int, name string) lockEntry {
		for _, e := range lf.Targets[tfm].Entries {
			if e.Name == name {
				return e
			}
		}
		t.Fatalf("no %s in %s", name, lf.Targets[tfm].Name)
		return lockEntry{}
	}
	want := lockEntry{
		Name: "SixLabors.ImageSharp", Type: "Direct", Requested: "[2.1.3, )", Resolved: "2.1.3",
		ContentHash: "8yonNRWX3vUE9k29ta0Hbfa0AEc0hbDjSH/nZ3vOTJEXmY6hLnGsjDKoz96Z+AgOsrdkAu6PdL/Ebaf70aitzw==",
		Deps: []lockDep{
			{"System.Runtime.CompilerServices.Unsafe", "5.0.0"},
			{"System.Text.Encoding.CodePages", "5.0.0"},
		},
	}
	if diff := cmp.Diff(want, entry(1, "SixLabors.ImageSharp")); diff != "" {
		t.Errorf("net6.0 ImageSharp (-want +got):\n%s", diff)
	}
	project := entry(1, "arknightsresources.operators.models")
	if !project.isProject() || project.Resolved != "" || !cmp.Equal(project.Deps, []lockDep{{"System.Text.Json", "[7.0.0, )"}}) {
		t.Errorf("project entry %+v", project)
	}
}

func TestParseLockFileCases(t *testing.T) {
	tests := []struct {
		name, data string
		want       *lockFile
		err        string
	}{
		{
			name: "v2 with central transitive pins, BOM",
			data: "\xef\xbb\xbf" + `{"version": 2, "dependencies": {"net8.0": {
				"Pinned": {"type": "CentralTransitive", "requested": "[3.0.0, )", "resolved": "3.0.0", "contentHash": "AwQF"},
				"lib": {"type": "Project", "dependencies": {"Pinned": "[3.0.0, )"}}}}}`,
			want: &lockFile{Version: 2, Targets: []lockTarget{{Name: "net8.0", Entries: []lockEntry{
				{Name: "lib", Type: "Project", Deps: []lockDep{{"Pinned", "[3.0.0, )"}}},
				{Name: "Pinned", Type: "CentralTransitive", Requested: "[3.0.0, )", Resolved: "3.0.0", ContentHash: "AwQF"},
			}}}},
		},
		{name: "empty", data: `{"version": 1, "dependencies": {}}`, want: &lockFile{Version: 1}},
		{name: "not JSON", data: `version: 1`, err: "invalid JSON at byte 1"},
		{name: "array", data: `[]`, err: "unexpected array at the top level"},
		{name: "no version", data: `{"dependencies": {}}`, err: `no "version": not a NuGet lock file`},
		{name: "future version", data: `{"version": 3, "dependencies": {}}`, err: "lock file version 3 is newer than the versions read (1 and 2)"},
		{name: "version zero", data: `{"version": 0, "dependencies": {}}`, err: "lock file version 0 is not a version NuGet writes"},
		{name: "no dependencies", data: `{"version": 1}`, err: `no "dependencies" object: not a NuGet lock file`},
		{name: "entry of the wrong type", data: `{"version": 1, "dependencies": {"net8.0": {"A": []}}}`, err: "unexpected array at dependencies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLockFile([]byte(tt.data))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// addSeeds adds the files matching the patterns as fuzz seeds.
func addSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pat := range patterns {
		paths, err := filepath.Glob(pat)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

func FuzzParseLockFile(f *testing.F) {
	addSeeds(f, "testdata/*/packages.lock.json", "testdata/*/*/packages.lock.json")
	f.Add([]byte(`{"version": 2, "dependencies": {"net8.0": {"a": {"type": "Project", "dependencies": {"a": "1.0"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := parseLockFile(data)
		if err != nil {
			return
		}
		if lf.Version < oldestLockVersion || lf.Version > newestLockVersion {
			t.Fatalf("accepted version %d", lf.Version)
		}
		if !sort.SliceIsSorted(lf.Targets, func(i, j int) bool { return lf.Targets[i].Name < lf.Targets[j].Name }) {
			t.Fatal("targets not sorted")
		}
		for _, tg := range lf.Targets {
			for _, e := range tg.Entries {
				if e.Name == "" {
					t.Fatalf("entry without a name in %q", tg.Name)
				}
				for _, d := range e.Deps {
					if d.Name == "" {
						t.Fatalf("dependency without a name in %q", e.Name)
					}
				}
			}
		}
	})
}
