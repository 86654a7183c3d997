package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// recordFiles are the real records kept by package vuln's tests.
func recordFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "osv", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no records in ../testdata/osv: %v", err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, ".json") || strings.HasSuffix(f, ".yaml") {
			out = append(out, f)
		}
	}
	return out
}

func TestParseRealRecords(t *testing.T) {
	for _, f := range recordFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Parse(b)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if want := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".json"), ".yaml"); r.ID != want {
			t.Errorf("%s: id %q", f, r.ID)
		}
		if len(r.Affected) == 0 {
			t.Errorf("%s: no affected entries", f)
		}
	}
}

// TestParseYAML checks the PyPA record field by field: YAML quoting of
// versions, the GIT range first, times.
func TestParseYAML(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "osv", "PYSEC-2021-335.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []Affected{{
		Package: Package{Ecosystem: "PyPI", Name: "accesscontrol", PURL: "pkg:pypi:accesscontrol"},
		Ranges: []Range{
			{Type: RangeGit, Repo: "https://github.com/zopefoundation/AccessControl",
				Events: []Event{{Introduced: "0"}, {Fixed: "b42dd4badf803bb9fb71ac34cd9cb0c249262f2c"}}},
			{Type: RangeEcosystem, Events: []Event{{Introduced: "4.0"}, {Fixed: "4.3"}, {Introduced: "5.0"}, {Fixed: "5.2"}}},
		},
		Versions: []string{"4.0", "4.1", "4.2", "5.0", "5.1"},
	}}
	if diff := cmp.Diff(want, r.Affected); diff != "" {
		t.Errorf("affected (-want +got):\n%s", diff)
	}
	if got := r.Modified.Format(time.RFC3339Nano); got != "2021-09-26T23:32:08.989778Z" {
		t.Errorf("modified = %s", got)
	}
	if r.Published == nil || !r.Published.Equal(time.Date(2021, 7, 30, 22, 15, 0, 0, time.UTC)) {
		t.Errorf("published = %v", r.Published)
	}
	if diff := cmp.Diff([]string{"CVE-2021-32807", "GHSA-qcx9-j53g-ccgf"}, r.Aliases); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"not JSON", `{"id": `, "unexpected end of JSON input"},
		{"not YAML", "id: [unclosed", "YAML"},
		{"no id", `{"modified": "2024-01-01T00:00:00Z"}`, "no id"},
		{"package without name", `{"id": "X-1", "affected": [{"package": {"ecosystem": "npm"}}]}`, "names no package"},
		{"unknown range type", `{"id": "X-1", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "DATE", "events": [{"introduced": "0"}]}]}]}`, `unknown type "DATE"`},
		{"event with two fields", `{"id": "X-1", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1.0.0"}]}]}]}`, "exactly one of"},
		{"empty event", `{"id": "X-1", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{}]}]}]}`, "exactly one of"},
		{"no introduced", `{"id": "X-1", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"fixed": "1.0.0"}]}]}]}`, "no introduced event"},
		{"fixed and last_affected", `{"id": "X-1", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}, {"last_affected": "0.9.0"}]}]}]}`, "both fixed and last_affected"},
		{"bad time", `{"id": "X-1", "modified": "yesterday"}`, "parsing time"},
		{"too large", "{" + strings.Repeat(" ", MaxRecordSize) + "}", "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestBaseEcosystem(t *testing.T) {
	for in, want := range map[string]string{
		"npm": "npm", "Debian:12": "Debian", "Ubuntu:22.04:LTS": "Ubuntu", "Alpine:v3.20": "Alpine", "": "",
	} {
		if got := BaseEcosystem(in); got != want {
			t.Errorf("BaseEcosystem(%q) = %q, want %q", in, got, want)
		}
	}
}

// sameRecord compares records ignoring the free-form maps, whose numbers
// decode as int from YAML and float64 from JSON.
var sameRecord = cmp.Options{
	cmpopts.EquateEmpty(),
	cmpopts.IgnoreFields(Record{}, "DatabaseSpecific"),
	cmpopts.IgnoreFields(Affected{}, "EcosystemSpecific", "DatabaseSpecific"),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

// FuzzParse feeds JSON and YAML records: Parse must not panic, a record
// it accepts must pass Check, and writing it back as JSON must give a
// record that parses to the same thing.
func FuzzParse(f *testing.F) {
	for _, file := range recordFiles(f) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("id: X-1\naffected:\n- package: {ecosystem: npm, name: a}\n  ranges:\n  - type: SEMVER\n    events: [{introduced: \"0\"}, {limit: \"*\"}]\n"))
	f.Add([]byte(`{"id": "X-1", "withdrawn": "2024-01-01T00:00:00Z"}`))
	f.Add([]byte("id: X-2\ndatabase_specific: {a: {1: b}}\naffected:\n- package: {ecosystem: npm, name: a}\n  ecosystem_specific: {x: [{2: c}], y: .inf, z: .nan}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		if err := r.Check(); err != nil {
			t.Fatalf("Parse accepted a record Check rejects: %v", err)
		}
		out, err := json.Marshal(r)
		if err != nil {
			// Times beyond year 9999 cannot be written as RFC 3339.
			if bytes.Contains([]byte(err.Error()), []byte("year")) {
				return
			}
			t.Fatalf("marshal: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if diff := cmp.Diff(r, back, sameRecord); diff != "" {
			t.Fatalf("JSON round trip changed the record (-first +second):\n%s", diff)
		}
	})
}
