package notice

import (
	"strings"
)

// The lines that frame a group and the verbatim blocks of the text form.
// Diff recognises them, so they are written only here.
var (
	textRule        = strings.Repeat("=", 80)
	textComponent   = "Component: "
	textBegin       = "----- BEGIN "
	textEnd         = "----- END "
	textLicenseText = "LICENSE TEXT"
)

func renderText(b *strings.Builder, n *Notice) {
	b.WriteString(n.Title + "\n" + strings.Repeat("=", len(n.Title)) + "\n\n")
	b.WriteString(intro(n) + "\n\n")
	for _, g := range n.Groups {
		title := "License: " + g.License
		if g.Standard {
			title += " (no license text shipped)"
		}
		textHeader(b, title)
		if g.Standard {
			b.WriteString(standardNote(g) + "\n\n")
		}
		for _, e := range g.Entries {
			textEntry(b, e, licenseLine(e, g))
		}
		if !g.Standard {
			textBlock(b, textLicenseText, "", g.Text)
		}
	}
	if len(n.Undetermined) > 0 {
		textHeader(b, "License not determined")
		b.WriteString(undeterminedNote + "\n\n")
		for _, e := range n.Undetermined {
			textEntry(b, e, "")
		}
	}
}

func textHeader(b *strings.Builder, title string) {
	b.WriteString(textRule + "\n" + title + "\n" + textRule + "\n\n")
}

func textEntry(b *strings.Builder, e Entry, licLine string) {
	b.WriteString(textComponent + e.Ref() + "\n")
	if licLine != "" {
		b.WriteString("    " + licLine + "\n")
	}
	for _, c := range e.Copyrights {
		b.WriteString("    " + c + "\n")
	}
	if len(e.Copyrights) == 0 {
		b.WriteString("    " + noCopyright + "\n")
	}
	b.WriteString("\n")
	for _, f := range e.Texts {
		textBlock(b, "LICENSE FILE", f.Name+" of "+e.Ref(), f.Text)
	}
	for _, f := range e.Notices {
		textBlock(b, "NOTICE FILE", f.Name+" of "+e.Ref(), f.Text)
	}
}

// textBlock writes a verbatim text between BEGIN and END lines.
func textBlock(b *strings.Builder, kind, what, text string) {
	head := textBegin + kind
	if what != "" {
		head += ": " + what
	}
	b.WriteString(head + " -----\n" + text + "\n" + textEnd + kind + " -----\n\n")
}
