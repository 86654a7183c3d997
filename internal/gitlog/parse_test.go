package gitlog

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseAll reads every record of data, returning the subjects read and the
// error that stopped the reading (nil at a clean end).
func parseAll(data []byte) ([]Commit, error) {
	p := newParser(bytes.NewReader(data))
	var out []Commit
	for {
		c, err := p.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
}

func TestParseFiles(t *testing.T) {
	tests := []struct {
		file     string
		subjects []string
		wantErr  error
	}{
		{"three-commits.z", []string{"Handle naïve ✓ input", "Fix the parser", "Add the first file"}, nil},
		{"sha256-one-commit.z", []string{"One commit in a SHA-256 repository"}, nil},
		{"empty.z", nil, nil},
		{"truncated-inside-record.z", []string{"Handle naïve ✓ input"}, errTruncated},
		{"no-final-nul.z", []string{"Handle naïve ✓ input", "Fix the parser"}, errTruncated},
		{"abbreviated-hash.z", []string{"Handle naïve ✓ input"}, ErrMalformed},
		{"bad-date.z", []string{"Handle naïve ✓ input"}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseAll(data)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			var subjects []string
			for _, c := range got {
				subjects = append(subjects, c.Subject)
			}
			if diff := cmp.Diff(tt.subjects, subjects); diff != "" {
				t.Errorf("subjects mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTrailers(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "three-commits.z"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseAll(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Trailer{
		{"Signed-off-by", "Bob Builder <bob@example.org>"},
		{"Co-authored-by", "Carol Committer <carol@example.org>"},
		{"Reviewed-by", "Dave Long Name <dave@example.org>"},
	}
	if diff := cmp.Diff(want, got[1].Trailers); diff != "" {
		t.Errorf("trailers mismatch (-want +got):\n%s", diff)
	}
}

// TestParseLongField checks that a field longer than maxField is cut and
// the records after it still line up.
func TestParseLongField(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "three-commits.z"))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("ü", maxField) // twice maxField in bytes
	data = bytes.Replace(data, []byte("Fix the parser"), []byte(long), 1)
	got, err := parseAll(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Subject != "Add the first file" {
		t.Fatalf("got %d commits; records did not line up after the long field", len(got))
	}
	s := got[1].Subject
	if len(s) > maxField || !strings.HasPrefix(long, s) || len(s) < maxField-4 {
		t.Errorf("long subject kept as %d bytes, want a whole-rune prefix of at most %d", len(s), maxField)
	}
}

func TestParseTrailerLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Trailer
	}{
		{"empty", "", nil},
		{"one", "Signed-off-by: A <a@x>\n", []Trailer{{"Signed-off-by", "A <a@x>"}}},
		{"no final newline", "Fixes: #12", []Trailer{{"Fixes", "#12"}}},
		{"value with colons", "Link: https://example.org/a:b\n", []Trailer{{"Link", "https://example.org/a:b"}}},
		{"not a key", "Not a key: x\nno colon here\n: empty key\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseTrailers(tt.in)); diff != "" {
				t.Errorf("parseTrailers(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// FuzzParse feeds arbitrary bytes to the record parser: it must never
// panic, must only return commits with a full hash, and cannot return more
// records than the input has fields for.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.z"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseAll(data)
		if n := bytes.Count(data, []byte{0}); len(got) > n/fieldsPerRecord {
			t.Fatalf("%d commits from %d fields", len(got), n)
		}
		for _, c := range got {
			if !isHash(c.Hash) {
				t.Fatalf("commit with hash %q", c.Hash)
			}
			if strings.ContainsRune(c.Subject, 0) || len(c.Subject) > maxField {
				t.Fatalf("subject of %d bytes with NUL or too long", len(c.Subject))
			}
			for _, tr := range c.Trailers {
				if !isTrailerKey(tr.Key) {
					t.Fatalf("trailer key %q", tr.Key)
				}
			}
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error %v is not ErrMalformed", err)
		}
	})
}
