package deb

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readAll reads every paragraph of a document.
func readAll(t *testing.T, doc string, limit int64) ([]paragraph, error) {
	t.Helper()
	pr := newParagraphReader(strings.NewReader(doc), limit)
	var out []paragraph
	for {
		p, err := pr.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, *p)
	}
}

func TestParagraphReader(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []paragraph
	}{
		{
			name: "two paragraphs",
			doc:  "Package: a\nVersion: 1\n\nPackage: b\nVersion: 2\n",
			want: []paragraph{
				{line: 1, fields: []field{{"Package", "a"}, {"Version", "1"}}},
				{line: 4, fields: []field{{"Package", "b"}, {"Version", "2"}}},
			},
		},
		{
			name: "continuation lines and the dot of an empty line",
			doc:  "Description: short\n long line one\n .\n\tline two\nDepends: a,\n b\n",
			want: []paragraph{
				{line: 1, fields: []field{{"Description", "short\nlong line one\n.\nline two"}, {"Depends", "a,\nb"}}},
			},
		},
		{
			name: "CRLF line endings and several blank lines",
			doc:  "Package: a\r\nVersion: 1\r\n\r\n  \r\n\r\nPackage: b\r\n",
			want: []paragraph{
				{line: 1, fields: []field{{"Package", "a"}, {"Version", "1"}}},
				{line: 6, fields: []field{{"Package", "b"}}},
			},
		},
		{
			name: "no newline at the end",
			doc:  "Package: a",
			want: []paragraph{{line: 1, fields: []field{{"Package", "a"}}}},
		},
		{
			name: "comments are skipped",
			doc:  "# header\nPackage: a\n# inside\nVersion: 1\n",
			want: []paragraph{{line: 2, fields: []field{{"Package", "a"}, {"Version", "1"}}}},
		},
		{
			name: "lines that are not fields are problems",
			doc:  " orphan continuation\nPackage: a\nno colon here\nbad name: x\n: empty name\n",
			want: []paragraph{{
				line:   2,
				fields: []field{{"Package", "a"}},
				problems: []string{
					"line 1 continues a field but no field precedes it",
					`line 3 is not a field ("no colon here")`,
					`line 4 is not a field ("bad name: x")`,
					`line 5 is not a field (": empty name")`,
				},
			}},
		},
		{
			name: "empty document",
			doc:  "\n\n \n",
		},
		{
			name: "only comments",
			doc:  "# nothing\n",
		},
		{
			name: "a value with colons",
			doc:  "Homepage: https://example.org:8080/x\n",
			want: []paragraph{{line: 1, fields: []field{{"Homepage", "https://example.org:8080/x"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, tt.doc, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(paragraph{}, field{})); diff != "" {
				t.Errorf("paragraphs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParagraphReaderLongLine(t *testing.T) {
	doc := "Package: a\nProvides: " + strings.Repeat("x", maxLine) + "\nVersion: 1\n"
	got, err := readAll(t, doc, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	want := []paragraph{{
		line:     1,
		fields:   []field{{"Package", "a"}, {"Version", "1"}},
		problems: []string{"line 2 is longer than 4194304 bytes"},
	}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(paragraph{}, field{})); diff != "" {
		t.Errorf("paragraphs (-want +got):\n%s", diff)
	}
	// Lines just under the limit are whole: the Provides of Rust library
	// packages are tens of kilobytes.
	long := strings.Repeat("y", 100<<10)
	got, err = readAll(t, "Provides: "+long+"\n", 1<<30)
	if err != nil || len(got) != 1 || got[0].value("Provides") != long {
		t.Errorf("a 100 KiB line was not read whole (err %v)", err)
	}
}

func TestParagraphReaderLimit(t *testing.T) {
	doc := "Package: a\n\nPackage: b\n\nPackage: c\n"
	got, err := readAll(t, doc, 15)
	if !errors.Is(err, errTooLarge) {
		t.Fatalf("err = %v, want errTooLarge", err)
	}
	if len(got) != 1 || got[0].value("Package") != "a" {
		t.Errorf("before the limit: got %+v, want package a", got)
	}
	if _, err := readAll(t, doc, int64(len(doc))); err != nil {
		t.Errorf("a document of exactly the limit: %v", err)
	}
}

func TestParagraphAccessors(t *testing.T) {
	p := paragraph{fields: []field{{"package", "a"}, {"License", "MIT\nPermission is hereby granted"}, {"Depends", "x,\ny"}}}
	if got := p.value("Package"); got != "a" {
		t.Errorf("field names are not case sensitive: got %q", got)
	}
	if got := p.firstLine("License"); got != "MIT" {
		t.Errorf("firstLine = %q", got)
	}
	if got := p.joined("Depends"); got != "x, y" {
		t.Errorf("joined = %q", got)
	}
	if _, ok := p.get("Missing"); ok {
		t.Error("get reported a missing field")
	}
}
