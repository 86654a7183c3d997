package notice

import (
	"fmt"
	"io"
	"strings"
)

// Format is how a notice is written.
type Format string

// The formats Render knows.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
)

// Formats lists every format, for flags and help.
var Formats = []Format{Text, Markdown}

// ErrFormat is returned for a format Render does not know.
var ErrFormat = fmt.Errorf("unknown notice format")

// Render writes n in format f. The output depends only on n, so that a
// committed notice can be compared byte for byte with a fresh one.
func Render(w io.Writer, n *Notice, f Format) error {
	var b strings.Builder
	switch f {
	case Text:
		renderText(&b, n)
	case Markdown:
		renderMarkdown(&b, n)
	default:
		return fmt.Errorf("%w %q", ErrFormat, f)
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

// intro is the paragraph that opens the document.
func intro(n *Notice) string {
	count := 0
	seen := map[string]bool{}
	for _, g := range n.Groups {
		for _, e := range g.Entries {
			if k := e.Ecosystem + ":" + e.Ref(); !seen[k] {
				seen[k] = true
				count++
			}
		}
	}
	count += len(n.Undetermined)
	return fmt.Sprintf("This product includes the %d third-party %s listed here, grouped by\n"+
		"the license text they ship. Each names its copyright holders and carries\n"+
		"its NOTICE files as shipped.", count, plural(count, "component", "components"))
}

// licenseLine is the line stating the license of an entry when it is not
// simply the group's: a choice, or a combination of licenses.
func licenseLine(e Entry, g Group) string {
	switch {
	case e.Choice != "":
		return fmt.Sprintf("License: %s, used under %s", e.License, e.Choice)
	case e.License != g.License:
		return "License: " + e.License
	}
	return ""
}

func standardNote(g Group) string {
	return fmt.Sprintf("No license text shipped with these components; the standard %s text applies.", g.License)
}

const undeterminedNote = "No license could be determined for these components: find out under which\n" +
	"terms they may be used before shipping them."

const noCopyright = "(no copyright statement found)"

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
