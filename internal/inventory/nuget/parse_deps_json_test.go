package nuget

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDepsJSON(t *testing.T) {
	data, err := os.ReadFile("testdata/deps-json/TestLibrary.deps.json")
	if err != nil {
		t.Fatal(err)
	}
	df, err := parseDepsJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if df.Target != ".NETCoreApp,Version=v6.0" || len(df.Libraries) != 14 {
		t.Fatalf("target %q, %d libraries", df.Target, len(df.Libraries))
	}
	if got, want := df.Libraries[0], (depsLibrary{Name: "AWSSDK.Core", Version: "3.7.10.6", Type: "package", SHA512: "kHBB+QmosVaG6DpngXQ8OlLVVNMzltNITfsRr68Z90qO7dSqJ2EHNd8dtBU1u3AQQLqqFHOY0lfmbpexeH6Pew=="}); got != want {
		t.Errorf("first library %+v, want %+v", got, want)
	}
	wantDeps := map[string][]string{
		"testlibrary/1.0.0": {
			"microsoft.extensions.dependencyinjection/6.0.0", "microsoft.extensions.logging/6.0.0", "newtonsoft.json/13.0.1",
			"serilog.sinks.console/4.0.1", "serilog/2.10.0", "testcommon/1.0.0",
		},
		"testcommon/1.0.0":                               {"awssdk.core/3.7.10.6"},
		"serilog.sinks.console/4.0.1":                    {"serilog/2.10.0"},
		"system.diagnostics.diagnosticsource/6.0.0":      {"system.runtime.compilerservices.unsafe/6.0.0"},
		"microsoft.extensions.primitives/6.0.0":          {"system.runtime.compilerservices.unsafe/6.0.0"},
		"microsoft.extensions.options/6.0.0":             {"microsoft.extensions.dependencyinjection.abstractions/6.0.0", "microsoft.extensions.primitives/6.0.0"},
		"microsoft.extensions.dependencyinjection/6.0.0": {"microsoft.extensions.dependencyinjection.abstractions/6.0.0", "system.runtime.compilerservices.unsafe/6.0.0"},
		"microsoft.extensions.logging/6.0.0": {
			"microsoft.extensions.dependencyinjection.abstractions/6.0.0", "microsoft.extensions.dependencyinjection/6.0.0",
			"microsoft.extensions.logging.abstractions/6.0.0", "microsoft.extensions.options/6.0.0", "system.diagnostics.diagnosticsource/6.0.0",
		},
	}
	if diff := cmp.Diff(wantDeps, df.Deps); diff != "" {
		t.Errorf("deps (-want +got):\n%s", diff)
	}
}

func TestParseDepsJSONSelfContained(t *testing.T) {
	data, err := os.ReadFile("testdata/self-contained/selfcontained.deps.json")
	if err != nil {
		t.Fatal(err)
	}
	df, err := parseDepsJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []depsLibrary{
		{Name: "Microsoft.NETCore.App.Runtime.osx-arm64", Version: "9.0.1", Type: "runtimepack"},
		{Name: "selfcontained", Version: "1.0.0", Type: "project"},
		{Name: "YamlDotNet", Version: "16.3.0", Type: "package", SHA512: "SgMOdxbz8X65z8hraIs6hOEdnkH6hESTAIUa7viEngHOYaH+6q5XJmwr1+yb9vJpNQ19hCQY69xbFsLtXpobQA=="},
	}
	if diff := cmp.Diff(want, df.Libraries); diff != "" {
		t.Errorf("libraries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{"selfcontained/1.0.0": {"microsoft.netcore.app.runtime.osx-arm64/9.0.1", "yamldotnet/16.3.0"}}, df.Deps); diff != "" {
		t.Errorf("deps (-want +got):\n%s", diff)
	}
}

func TestParseDepsJSONCases(t *testing.T) {
	tests := []struct {
		name, data string
		want       *depsFile
		err        string
	}{
		{
			name: "no runtime target: all targets merged",
			data: `{"targets": {"a": {"App/1.0.0": {"dependencies": {"Lib": "2.0.0"}}}, "b": {"Lib/2.0.0": {"dependencies": {"App": "1.0.0", "Gone": "1.0.0"}}}},
				"libraries": {"App/1.0.0": {"type": "project"}, "Lib/2.0.0": {"type": "package", "sha512": "md5-x"}, "bad": {"type": "package"}}}`,
			want: &depsFile{
				Libraries: []depsLibrary{{Name: "App", Version: "1.0.0", Type: "project"}, {Name: "Lib", Version: "2.0.0", Type: "package"}},
				Deps:      map[string][]string{"app/1.0.0": {"lib/2.0.0"}, "lib/2.0.0": {"app/1.0.0"}},
			},
		},
		{
			name: "runtime target not among the targets",
			data: `{"runtimeTarget": {"name": "x"}, "targets": {}, "libraries": {"A/1": {"type": "package"}, "a/1": {"type": "package"}}}`,
			want: &depsFile{Libraries: []depsLibrary{{Name: "A", Version: "1", Type: "package"}}, Deps: map[string][]string{}},
		},
		{name: "not a deps file", data: `{"runtimeOptions": {}}`, err: `no "libraries" and no "targets"`},
		{name: "not JSON", data: `{`, err: "invalid JSON"},
		{name: "libraries of the wrong type", data: `{"libraries": []}`, err: "unexpected array at libraries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDepsJSON([]byte(tt.data))
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

func FuzzParseDepsJSON(f *testing.F) {
	addSeeds(f, "testdata/*/*.deps.json")
	f.Add([]byte(`{"targets": {"t": {"A/1": {"dependencies": {"runtimepack.A": "1", "a": "1"}}}}, "libraries": {"A/1": {"type": "project"}, "runtimepack.a/1": {"type": "runtimepack"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		df, err := parseDepsJSON(data)
		if err != nil {
			return
		}
		ids := map[string]bool{}
		for _, l := range df.Libraries {
			if l.Name == "" || l.Version == "" || ids[l.ID()] {
				t.Fatalf("library %+v empty or twice", l)
			}
			ids[l.ID()] = true
		}
		for from, tos := range df.Deps {
			if !ids[from] {
				t.Fatalf("edge from %q, not a library", from)
			}
			if !sort.StringsAreSorted(tos) {
				t.Fatalf("edges of %q not sorted", from)
			}
			for _, to := range tos {
				if !ids[to] || to == from {
					t.Fatalf("edge %q -> %q", from, to)
				}
			}
		}
	})
}
