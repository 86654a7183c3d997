package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNoticeCheck runs `ospo notice --check` against the notice package's
// fixture and golden files: up to date, out of date, missing.
func TestNoticeCheck(t *testing.T) {
	const (
		fixture = "../notice/testdata/npm-app"
		golden  = "../notice/testdata/golden/production.txt"
	)
	tmp := t.TempDir()
	good, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(tmp, "stale.txt")
	old := strings.Replace(string(good), "Component: ms@2.1.3", "Component: ms@2.1.2", 1)
	old = strings.Replace(old, "Copyright (c) Isaac Z. Schlueter", "Copyright (c) 2011 Isaac Z. Schlueter", 1)
	if err := os.WriteFile(stale, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	written := filepath.Join(tmp, "NOTICE.md")
	tests := []struct {
		name       string
		args       []string
		exit       int
		wantStderr []string
	}{
		{"up to date", []string{"notice", "--check", golden, fixture}, ExitOK, nil},
		{"dev dependencies change it", []string{"notice", "--include-dev", "--check", golden, fixture}, ExitViolated,
			[]string{"out of date", "added: has-flag@4.0.0"}},
		{"out of date", []string{"notice", "--check", stale, fixture}, ExitViolated,
			[]string{"out of date", "added: ms@2.1.3", "removed: ms@2.1.2", "changed: inherits@2.0.4"}},
		{"missing", []string{"notice", "--check", filepath.Join(tmp, "none.txt"), fixture}, ExitViolated, []string{"does not exist"}},
		{"check and output", []string{"notice", "--check", golden, "-o", written, fixture}, ExitError, []string{"cannot be combined"}},
		{"unknown format", []string{"notice", "--format", "html", fixture}, ExitError, []string{"unknown format"}},
		{"write then check", []string{"notice", "-o", written, fixture}, ExitOK, nil},
		{"written file is up to date", []string{"notice", "--check", written, fixture}, ExitOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			exit := Run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if exit != tt.exit {
				t.Errorf("exit %d, want %d; stderr:\n%s", exit, tt.exit, stderr.String())
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
	// The markdown written by -o NOTICE.md is the golden markdown.
	got, err := os.ReadFile(written)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../notice/testdata/golden/production.md")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("-o NOTICE.md (-want +got):\n%s", diff)
	}
}
