package notice

import (
	"strings"
)

// The Markdown form: a section (##) per license text, a subsection (###)
// per component, verbatim texts in fenced blocks and each license text
// folded in a details element after its components. Diff recognises these.
const (
	mdGroup     = "## "
	mdComponent = "### "
	mdDetails   = "<details>"
)

func renderMarkdown(b *strings.Builder, n *Notice) {
	b.WriteString("# " + mdEscape(n.Title) + "\n\n")
	b.WriteString(intro(n) + "\n\n")
	for _, g := range n.Groups {
		title := g.License
		if g.Standard {
			title += " (no license text shipped)"
		}
		b.WriteString(mdGroup + mdEscape(title) + "\n\n")
		if g.Standard {
			b.WriteString(mdEscape(standardNote(g)) + "\n\n")
		}
		for _, e := range g.Entries {
			mdEntry(b, e, licenseLine(e, g))
		}
		if !g.Standard {
			b.WriteString(mdDetails + "<summary>" + mdEscape(g.License) + " license text</summary>\n\n")
			mdFence(b, g.Text)
			b.WriteString("</details>\n\n")
		}
	}
	if len(n.Undetermined) > 0 {
		b.WriteString(mdGroup + "License not determined\n\n")
		b.WriteString(undeterminedNote + "\n\n")
		for _, e := range n.Undetermined {
			mdEntry(b, e, "")
		}
	}
}

func mdEntry(b *strings.Builder, e Entry, licLine string) {
	b.WriteString(mdComponent + "`" + e.Ref() + "`\n\n")
	if licLine != "" {
		b.WriteString("- " + mdEscape(licLine) + "\n")
	}
	for _, c := range e.Copyrights {
		b.WriteString("- " + mdEscape(c) + "\n")
	}
	if len(e.Copyrights) == 0 {
		b.WriteString("- " + mdEscape(noCopyright) + "\n")
	}
	b.WriteString("\n")
	for _, f := range e.Texts {
		b.WriteString("Contents of " + mdEscape(f.Name) + ":\n\n")
		mdFence(b, f.Text)
	}
	for _, f := range e.Notices {
		b.WriteString("Contents of " + mdEscape(f.Name) + ":\n\n")
		mdFence(b, f.Text)
	}
}

// mdFence writes text in a fenced block whose fence is longer than any
// run of backticks in the text, so nothing in it can close the block.
func mdFence(b *strings.Builder, text string) {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	b.WriteString(fence + "text\n" + text + "\n" + fence + "\n\n")
}

// mdEscaper keeps names and copyright lines literal: e-mail addresses in
// angle brackets would otherwise be read as HTML, underscores as emphasis.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "<", `\<`, ">", `\>`,
	"[", `\[`, "]", `\]`, "#", `\#`, "|", `\|`,
)

func mdEscape(s string) string { return mdEscaper.Replace(s) }
