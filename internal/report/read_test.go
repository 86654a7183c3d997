package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadDocumentRoundTrip(t *testing.T) {
	res := fixture(t, true)
	d, err := ReadDocument(bytes.NewReader(render(t, FormatJSON, true)), "scan.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Components) != len(res.Components) || len(d.Components) == 0 {
		t.Fatalf("read %d components, wrote %d", len(d.Components), len(res.Components))
	}
	if d.Components[0].Verdict == "" {
		t.Error("the decision was not read back")
	}
	for i, c := range d.Components {
		if c.Name != res.Components[i].Name || c.Version != res.Components[i].Version {
			t.Errorf("component %d: %s@%s, want %s@%s", i, c.Name, c.Version, res.Components[i].Name, res.Components[i].Version)
		}
	}
}

func TestReadDocumentRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"not JSON":    {"hello", "JSON syntax error"},
		"wrong type":  {`{"schemaVersion": 1}`, `field "schemaVersion"`},
		"no version":  {`{"components": []}`, `schemaVersion ""`},
		"other major": {`{"schemaVersion": "2.0", "components": []}`, `"2.0"`},
		"nameless":    {`{"schemaVersion": "1.2", "components": [{"ecosystem": "npm"}]}`, "component 0 has no name"},
		"two values":  {`{"schemaVersion": "1.2"} {}`, "more than one"},
		"too big":     {`{"schemaVersion": "1.2", "x": "` + strings.Repeat("a", MaxDocumentSize) + `"}`, "larger than"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadDocument(strings.NewReader(tc.in), "up.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "up.json") {
				t.Errorf("error %v, want one naming up.json and %q", err, tc.want)
			}
		})
	}
}

func FuzzReadDocument(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":"1.2","components":[{"ecosystem":"npm","name":"a","version":"1","paths":[["x","a"]]}]}`))
	f.Add([]byte(`{"schemaVersion":"1.0"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadDocument(bytes.NewReader(data), "fuzz.json")
		if err == nil {
			for _, c := range d.Components {
				if c.Name == "" || c.Ecosystem == "" {
					t.Fatal("accepted a nameless component")
				}
			}
		} else if !strings.Contains(err.Error(), "fuzz.json") {
			t.Fatalf("error does not name the input: %v", err)
		}
	})
}
