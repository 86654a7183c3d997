package quality

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden pins the three renderings of two fixtures: the JSON one also
// pins the field names, which are a stable interface.
func TestGolden(t *testing.T) {
	renderers := map[string]func(*Report, *bytes.Buffer) error{
		"txt":  func(r *Report, b *bytes.Buffer) error { return r.WriteText(b) },
		"md":   func(r *Report, b *bytes.Buffer) error { return r.WriteMarkdown(b) },
		"json": func(r *Report, b *bytes.Buffer) error { return r.WriteJSON(b) },
	}
	for _, fixture := range []string{"cyclonedx-1.6-nested.cdx.json", "spdx-2.3-spec-example.spdx"} {
		r := Score(mustRead(t, fixture))
		for ext, render := range renderers {
			var b bytes.Buffer
			if err := render(r, &b); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", fixture+"."+ext)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		}
	}
}

// Refs in the nested fixture hold "|", which would split a table cell.
func TestMarkdownTableCellsStayWhole(t *testing.T) {
	r := Score(mustRead(t, "cyclonedx-1.6-nested.cdx.json"))
	var b bytes.Buffer
	if err := r.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	// Every row must have as many cell separators (pipes not escaped with
	// a backslash) as its table's header.
	separators := func(line string) int {
		n := 0
		for i := 0; i < len(line); i++ {
			if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
				n++
			}
		}
		return n
	}
	header, rows := 0, 0
	for _, line := range strings.Split(b.String(), "\n") {
		switch {
		case !strings.HasPrefix(line, "|"):
			header = 0
		case header == 0:
			header = separators(line)
		case strings.HasPrefix(line, "|---"):
		default:
			rows++
			if got := separators(line); got != header {
				t.Errorf("%d separators, header has %d: %s", got, header, line)
			}
		}
	}
	if rows != len(r.Elements)+len(r.DocumentChecks)+WorstShown {
		t.Errorf("%d table rows, want %d", rows, len(r.Elements)+len(r.DocumentChecks)+WorstShown)
	}
}

func TestMdCode(t *testing.T) {
	for in, want := range map[string]string{
		"a|b":        "`a\\|b`",
		"x`y":        "``x`y``",
		"`edge":      "`` `edge ``",
		"two\nlines": "`two lines`",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdText("a|b *c* <d>"); got != `a\|b \*c\* &lt;d&gt;` {
		t.Errorf("mdText = %q", got)
	}
}
