package repocheck

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseWorkflowReal(t *testing.T) {
	data := readTestdata(t, "testdata/workflows/codeql-analysis.yml")
	w, err := ParseWorkflow(".github/workflows/codeql-analysis.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	type stepView struct {
		Uses     string
		UsesLine int
	}
	var steps []stepView
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			if s.Uses != "" {
				steps = append(steps, stepView{s.Uses, s.UsesLine})
			}
		}
	}
	want := []stepView{
		{"actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", 31},
		{"github/codeql-action/init@2892aa5e19bbd11bc0cff5427e3b750a04d9e3c2", 37},
		{"github/codeql-action/autobuild@2892aa5e19bbd11bc0cff5427e3b750a04d9e3c2", 42},
		{"github/codeql-action/analyze@2892aa5e19bbd11bc0cff5427e3b750a04d9e3c2", 45},
	}
	if diff := cmp.Diff(want, steps); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"workflow_dispatch", "schedule", "push", "pull_request"}, w.On); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestParseWorkflowErrors(t *testing.T) {
	tests := []struct {
		name, content string
		wantErr       bool
		noCommands    bool
	}{
		{"not yaml", "on: [push\njobs: {", true, false},
		{"a list", "- a\n- b\n", true, false},
		{"only comments", "# nothing\n\n   # here\n", true, true},
		{"self-referencing aliases do not hang", "a: &x [*x]\non: push\njobs: &j {b: {steps: *j}}\n", false, false},
		{"odd but valid", "on: push\njobs:\n  b:\n    steps: not-a-list\n  c: [1]\n", false, false},
	}
	for _, tt := range tests {
		_, err := ParseWorkflow("w.yml", []byte(tt.content))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.name, err, tt.wantErr)
		}
		if tt.noCommands && err != errNoCommands {
			t.Errorf("%s: err = %v, want errNoCommands", tt.name, err)
		}
	}
}

// FuzzParseWorkflow: any input parses or fails cleanly, and what parses
// points only at lines of the input.
func FuzzParseWorkflow(f *testing.F) {
	entries, _ := os.ReadDir("testdata/workflows")
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join("testdata/workflows", e.Name())); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("on: pull_request_target\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"))
	f.Add([]byte("permissions: write-all\njobs: {x: {permissions: {contents: write}, steps: [{run: 'echo ${{ github.event.issue.title }}'}]}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWorkflow("w.yml", data)
		if err != nil {
			return
		}
		lines := 1
		for _, c := range data {
			if c == '\n' {
				lines++
			}
		}
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if s.Line > lines || s.UsesLine > lines {
					t.Fatalf("step at line %d/%d of a %d-line file", s.Line, s.UsesLine, lines)
				}
			}
		}
		// The probes run on whatever parsed.
		facts := &Facts{Workflows: []*Workflow{w}}
		probeDangerousWorkflow(facts)
		probeTokenPermissions(facts)
		probePinnedDependencies(facts)
	})
}
