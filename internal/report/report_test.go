package report

import (
	"bytes"
	"strings"
	"testing"
)

// Every format the package defines must be listed in Formats (the CLI's
// help and validation read it) and must render both a decided and an
// undecided result.
func TestFormatsListed(t *testing.T) {
	defined := []Format{FormatTable, FormatJSON, FormatCSV, FormatMarkdown, FormatHTML, FormatSARIF}
	listed := map[Format]bool{}
	for _, f := range Formats {
		listed[f] = true
	}
	for _, f := range defined {
		if !listed[f] {
			t.Errorf("format %q is not listed in Formats", f)
		}
		for _, decided := range []bool{false, true} {
			if out := render(t, f, decided); len(out) == 0 {
				t.Errorf("format %q (decided %v) rendered nothing", f, decided)
			}
		}
	}
	if len(Formats) != len(defined) {
		t.Errorf("Formats has %d entries, the package defines %d", len(Formats), len(defined))
	}
}

func TestUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, "yaml", fixture(t, false), testTool)
	if err == nil || !strings.Contains(err.Error(), `unknown format "yaml"`) || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("Write(yaml) = %v, want an unknown-format error listing the formats", err)
	}
}
