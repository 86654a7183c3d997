package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/license/knowledge"
)

func TestLoadFull(t *testing.T) {
	path := filepath.Join("testdata", "full.yaml")
	got, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	want := &Policy{
		Path:    path,
		Project: Project{Distribution: knowledge.SaaS, License: "MIT", Owner: "web-team"},
		Licenses: Lists{
			Allow:  []string{"MIT", "Apache-2.0", "GPL-2.0-or-later", "LicenseRef-acme-internal"},
			Review: []string{"MPL-2.0", "category:proprietary"},
			Deny:   []string{"WTFPL"},
		},
		Categories: map[knowledge.Category]Verdict{
			knowledge.WeakCopyleft:    Allow,
			knowledge.NetworkCopyleft: Deny,
		},
		Exceptions: []Exception{
			{Package: "pkg:npm/%40acme/widget", Versions: ">=1.0.0 <2.0.0", Decision: Allow,
				Reason: "Bought a commercial license.", Owner: "alice", Ticket: "OSPO-12", Expires: "2027-01-01", Line: 14},
			{Package: "old-thing", Decision: Allow, Reason: "Was fine until the audit.", Expires: "2020-01-01", Line: 21},
		},
		Contribute: Contribute{Licenses: []string{"category:permissive", "MPL-2.0"}, CLAs: []string{"CNCF CLA"}, DCO: Allow},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load(%s) (-want +got):\n%s", path, diff)
	}
}

// The example in docs is what users copy: it must load.
func TestExampleLoads(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "policy.example.yaml")
	p, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	if p.Project.Distribution != knowledge.Distributed || len(p.Exceptions) != 2 || p.Contribute.DCO != Allow {
		t.Errorf("Load(%s) = %+v, not the example's content", path, p)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		file string
		// want are substrings the error must contain, each naming the file
		// and the line where the problem is.
		want []string
	}{
		{"empty.yaml", nil},
		{"comments-only.yaml", nil},
		{"unknown-field.yaml", []string{"unknown-field.yaml:3: field licence not found in type Project"}},
		{"not-spdx-id.yaml", []string{
			`not-spdx-id.yaml:4: licenses.allow[1]: "Apache 2" is not an SPDX license id`,
			`not-spdx-id.yaml:5: licenses.allow[2]: "BSD" is not an SPDX license id`,
		}},
		{"expression-in-list.yaml", []string{"expression-in-list.yaml:3: licenses.deny[0]: \"GPL-2.0-only OR GPL-3.0-only\" is an expression"}},
		{"duplicate-entry.yaml", []string{"duplicate-entry.yaml:4: licenses.deny[0]: GPL-3.0 is already listed at licenses.allow[1]"}},
		{"unknown-allowed.yaml", []string{"unknown-allowed.yaml:2: categories.unknown: unknown licenses cannot be allowed"}},
		{"bad-values.yaml", []string{
			`bad-values.yaml:2: project.distribution: "cloud" is not a distribution model`,
			`bad-values.yaml:3: project.license: "Foo-License" is not an SPDX license id`,
			`bad-values.yaml:5: categories.copyleft: "copyleft" is not a category`,
			`bad-values.yaml:6: categories.permissive: "maybe" is not a verdict`,
			`bad-values.yaml:8: contribute.dco: "yes-please" is not a verdict`,
		}},
		{"bad-exception.yaml", []string{
			"bad-exception.yaml:2: exceptions[0].package: missing",
			`bad-exception.yaml:5: exceptions[1].package: "pkg:npm" is not a package URL`,
			`bad-exception.yaml:6: exceptions[1].decision: "permit" is not a verdict`,
			`bad-exception.yaml:7: exceptions[1].versions: ">=1.0 <<2"`,
			`bad-exception.yaml:8: exceptions[1].expires: "next year" is not a date`,
			"bad-exception.yaml:5: exceptions[1].reason: missing",
		}},
		{"category-conflict.yaml", []string{"category-conflict.yaml:4: categories.weak-copyleft: category weak-copyleft is also listed at licenses.deny[0]"}},
		{"two-documents.yaml", []string{"two-documents.yaml:3: more than one YAML document"}},
		{"wrong-type.yaml", []string{"wrong-type.yaml:2: cannot unmarshal !!str `MIT` into []string"}},
		{"not-yaml.txt", []string{"not-yaml.txt:1:"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			p, err := Load(path)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Load(%s): %v", path, err)
				}
				if diff := cmp.Diff(&Policy{Path: path}, p); diff != "" {
					t.Errorf("Load(%s) (-want +got):\n%s", path, diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load(%s) = nil error, want %q", path, tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Load(%s) error %v is not ErrInvalid", path, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load(%s) error\n%v\ndoes not contain %q", path, err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "no-such-file.yaml"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "no-such-file.yaml") {
		t.Errorf("Load(missing) = %v, want a not-exist error naming the file", err)
	}
}

func TestParseTooLarge(t *testing.T) {
	data := []byte("# " + strings.Repeat("x", MaxSize))
	if _, err := Parse(data, "big.yaml"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "big.yaml: larger than") {
		t.Errorf("Parse(too large) = %v", err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "repo", "services", "api")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, ok := Find(deep); ok {
		// A policy above the temporary directory would make this test
		// meaningless; it is not expected on a build machine.
		t.Skip("a .ospo.yaml exists above the temporary directory")
	}
	top := filepath.Join(root, "repo", FileName)
	if err := os.WriteFile(top, []byte("project: {distribution: internal}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir  string
		want string
	}{
		{deep, top},
		{filepath.Join(root, "repo"), top},
	}
	for _, tt := range tests {
		got, ok := Find(tt.dir)
		if !ok || got != tt.want {
			t.Errorf("Find(%s) = %q, %v; want %q", tt.dir, got, ok, tt.want)
		}
	}
	if got, ok := Find(root); ok {
		t.Errorf("Find(%s) = %q, want nothing above the policy", root, got)
	}
	// The nearest file wins.
	near := filepath.Join(deep, ".ospo.yml")
	if err := os.WriteFile(near, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := Find(deep); got != near {
		t.Errorf("Find(%s) = %q, want the nearer %q", deep, got, near)
	}
}
