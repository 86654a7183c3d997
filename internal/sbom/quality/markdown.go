package quality

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the report as GitHub-flavoured Markdown, for a
// pull-request comment or a ticket: the same content as WriteText, in
// tables. Values from the document are escaped so a ref holding "|" or
// backticks cannot break a table.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("## SBOM quality\n\n")
	fmt.Fprintf(&b, "%s\n\n", mdText(r.headline()))
	fmt.Fprintf(&b, "**Overall %.1f/10, grade %s.** NTIA minimum elements: %s.\n", r.Overall, r.Grade, metWord(r.NTIAMinimum))
	if r.PrimaryRated {
		b.WriteString("\nThe document lists nothing besides what it describes; those packages were rated as its components.\n")
	}

	b.WriteString("\n### Component elements\n\n")
	b.WriteString("| Element | Covered | Score | Weight | Missing |\n|---|---|---:|---:|---|\n")
	for _, e := range r.Elements {
		fmt.Fprintf(&b, "| %s | %s | %.1f | %d | %s |\n", mdText(elementLabel(e)), coverage(e), e.Score, e.Weight, missingRefs(e, refsShown, mdCode))
	}

	b.WriteString("\n### Document checks\n\n")
	b.WriteString("| Check | Result | Weight | Detail |\n|---|---|---:|---|\n")
	for _, k := range r.DocumentChecks {
		result := "pass"
		switch {
		case k.Weight == 0 && !k.Passed:
			result = "note"
		case !k.Passed:
			result = "**fail**"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", mdText(checkLabel(k)), result, k.Weight, mdText(k.Detail))
	}

	if worst := r.Worst(WorstShown); len(worst) > 0 {
		fmt.Fprintf(&b, "\n### Weakest components\n\n")
		b.WriteString("| Score | Component | Missing |\n|---:|---|---|\n")
		for _, c := range worst {
			fmt.Fprintf(&b, "| %.1f | %s | %s |\n", c.Score, mdCode(c.Ref), strings.Join(c.Missing, ", "))
		}
	}

	b.WriteString("\n<details><summary>What the elements mean</summary>\n\n")
	for _, e := range r.Elements {
		fmt.Fprintf(&b, "- **%s** (weight %d): %s\n", mdText(elementLabel(e)), e.Weight, mdText(e.Description))
	}
	for _, k := range r.DocumentChecks {
		fmt.Fprintf(&b, "- **%s** (weight %d): %s\n", mdText(checkLabel(k)), k.Weight, mdText(k.Description))
	}
	b.WriteString("\n</details>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mdText escapes s for a table cell or a paragraph.
func mdText(s string) string {
	return mdEscaper.Replace(oneLine(s))
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`,
)

// mdCode shows s as code in a table cell. Inside a code span only "|"
// needs escaping (GitHub splits cells before it parses spans); a backtick
// in s would end the span, so the span's fence is made longer than any
// run of backticks in s.
func mdCode(s string) string {
	s = strings.ReplaceAll(oneLine(s), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}
