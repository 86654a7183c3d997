package contrib

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type wfSignal struct {
	Kind Kind
	Name string
	Line int
}

func summariseWorkflow(signals []Signal) []wfSignal {
	var out []wfSignal
	for _, s := range signals {
		out = append(out, wfSignal{s.Kind, s.Name, s.Line})
	}
	return out
}

func TestScanWorkflowFiles(t *testing.T) {
	tests := []struct {
		file string
		want []wfSignal
	}{
		{"cla-assistant.yml", []wfSignal{{KindCLA, "cla-assistant", 20}}},
		// The same action collecting DCO sign-offs: its document decides.
		{"cla-assistant-for-dco.yml", []wfSignal{{KindDCO, "", 16}}},
		{"dco-check.go-spiffe.yaml", []wfSignal{{KindDCO, "", 13}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "workflows", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := summariseWorkflow(scanWorkflow(".github/workflows/"+tt.file, data))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scanWorkflow mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanWorkflowLines(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []wfSignal
	}{
		{"other action", "steps:\n  - uses: actions/checkout@v4\n", nil},
		{"DCO action", "    - uses: tim-actions/dco@master\n", []wfSignal{{KindDCO, "", 1}}},
		{"quoted CLA assistant", "uses: 'cla-assistant/github-action@v2.1.3-beta'\n", []wfSignal{{KindCLA, "cla-assistant", 1}}},
		{"commented out", "# uses: tim-actions/dco@master\n", nil},
		{"unnamed CLA check", "- uses: example-org/cla-check@v1\n", []wfSignal{{KindCLA, "", 1}}},
		{"dco inside a word", "- uses: example-org/deadcode-action@v1\n", nil},
		{"sign-off script", "run: git log --format=%B origin/main.. | grep -q 'Signed-off-by:'\n", []wfSignal{{KindDCO, "", 1}}},
		{"prose about the CLA is not read", "name: Remind about the CLA\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summariseWorkflow(scanWorkflow("w.yml", []byte(tt.text)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scanWorkflow(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// FuzzScanWorkflow: no panic, signals on existing lines, named only as
// the CLA assistant.
func FuzzScanWorkflow(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "workflows", "*"))
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := len(splitLines(data))
		for _, s := range scanWorkflow("w.yml", data) {
			if s.Line < 1 || s.Line > lines {
				t.Fatalf("signal on line %d of %d", s.Line, lines)
			}
			if s.Name != "" && s.Name != "cla-assistant" {
				t.Fatalf("name %q", s.Name)
			}
		}
	})
}
