package license

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// accuracyCase is one real package: its declared values and the license
// and notice files it ships (copied into testdata/accuracy/<name>), with
// the conclusion a person reached by reading them.
type accuracyCase struct {
	Name     string   `json:"name"`
	Source   string   `json:"source"` // where the files and values come from
	Declared []string `json:"declared"`
	Files    []string `json:"files"`
	Note     string   `json:"note"` // what a reader found, for the tricky ones
	Want     string   `json:"want"`
	Review   bool     `json:"review"`
}

// concludeDir does for one case directory what package identify does for
// a component directory: identify its license and notice files, the file
// named by SEE LICENSE IN, and, without either a usable declaration or a
// license file, its README's License section.
func concludeDir(t *testing.T, id *Identifier, dir string, declared []string) Conclusion {
	t.Helper()
	decl := NormalizeAll(declared)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var dets []Detection
	readme := ""
	hasLicense := false
	seen := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if kind, ok := IsLicenseFile(name); ok {
			text, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			d := id.Identify(name, text)
			d.Kind = kind
			dets = append(dets, d)
			seen[name] = true
			hasLicense = hasLicense || kind == KindLicense
		} else if IsReadme(name) && readme == "" {
			readme = name
		}
	}
	if decl.SeeFile != "" && !seen[decl.SeeFile] {
		if text, err := os.ReadFile(filepath.Join(dir, decl.SeeFile)); err == nil {
			d := id.Identify(decl.SeeFile, text)
			d.Kind = KindLicense
			dets = append(dets, d)
			hasLicense = true
		}
	}
	var rd *Detection
	if !decl.Valid && !hasLicense && readme != "" {
		text, err := os.ReadFile(filepath.Join(dir, readme))
		if err != nil {
			t.Fatal(err)
		}
		if sec := ReadmeLicenseSection(text); sec != nil {
			d := id.IdentifyReadmeSection(readme, sec)
			rd = &d
		}
	}
	return Conclude(decl, dets, rd)
}

// TestAccuracy measures the conclusions on real packages. A conclusion is
// right when its expression and its review flag are what the reader
// found; it is a wrong definite answer when it claims an expression
// without review and the expression is not the right one. It runs once
// with the table of known texts and once with the engines alone, since
// these cases' texts are in the table.
func TestAccuracy(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "accuracy", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []accuracyCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 60 {
		t.Fatalf("%d cases; the measure needs at least 60", len(cases))
	}
	withTable, enginesOnly := identifiers()
	modes := []struct {
		name string
		id   *Identifier
	}{{"table", withTable}, {"engines", enginesOnly}}
	if testing.Short() {
		modes = modes[:1]
	}
	for _, m := range modes {
		right, wrongDefinite := 0, 0
		var report []string
		for _, c := range cases {
			got := concludeDir(t, m.id, filepath.Join("testdata", "accuracy", c.Name), c.Declared)
			ok := got.Expression == c.Want && got.NeedsReview == c.Review
			if ok {
				right++
				continue
			}
			if !got.NeedsReview && got.Expression != c.Want {
				wrongDefinite++
			}
			report = append(report, fmt.Sprintf("%s (%s): got %q review=%v, want %q review=%v\n    reason: %s",
				c.Name, c.Source, got.Expression, got.NeedsReview, c.Want, c.Review, got.Reason))
		}
		acc := 100 * float64(right) / float64(len(cases))
		t.Logf("%s: %d/%d right (%.1f%%), %d wrong definite answers", m.name, right, len(cases), acc, wrongDefinite)
		if len(report) > 0 {
			t.Logf("%s: misses:\n  %s", m.name, strings.Join(report, "\n  "))
		}
		if acc < 98 || wrongDefinite > 0 {
			t.Errorf("%s: accuracy %.1f%% with %d wrong definite answers; want at least 98%% and none", m.name, acc, wrongDefinite)
		}
	}
}
