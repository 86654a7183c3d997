package quality

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WorstShown is how many of the weakest components the text and Markdown
// renderings list.
const WorstShown = 10

// refsShown is how many missing refs a text or Markdown row names.
const refsShown = 3

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes a summary for a terminal: the overall score, each
// element's coverage with the first components that miss it, the
// document checks and the weakest components.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "SBOM quality: %s\n", r.headline())
	fmt.Fprintf(&b, "Overall %.1f/10, grade %s; NTIA minimum elements %s\n", r.Overall, r.Grade, metWord(r.NTIAMinimum))
	if r.PrimaryRated {
		b.WriteString("The document lists nothing besides what it describes; those packages were rated as its components.\n")
	}

	b.WriteString("\nComponent elements\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ELEMENT\tCOVERED\tSCORE\tWEIGHT\tMISSING")
	for _, e := range r.Elements {
		fmt.Fprintf(tw, "  %s\t%s\t%.1f\t%d\t%s\n", elementLabel(e), coverage(e), e.Score, e.Weight, missingRefs(e, refsShown, func(s string) string { return s }))
	}
	tw.Flush()

	b.WriteString("\nDocument checks\n")
	for _, k := range r.DocumentChecks {
		mark := "ok  "
		switch {
		case k.Weight == 0 && !k.Passed:
			mark = "note"
		case !k.Passed:
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  [%s] %s: %s\n", mark, checkLabel(k), oneLine(k.Detail))
	}

	if worst := r.Worst(WorstShown); len(worst) > 0 {
		b.WriteString("\nWeakest components\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, c := range worst {
			fmt.Fprintf(tw, "  %.1f\t%s\tmissing: %s\n", c.Score, oneLine(c.Ref), strings.Join(c.Missing, ", "))
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Worst returns up to n components that miss at least one criterion,
// lowest score first (document order among equals).
func (r *Report) Worst(n int) []ComponentScore {
	var out []ComponentScore
	for _, c := range r.ComponentsDetail {
		if len(c.Missing) > 0 {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score < out[j].Score })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (r *Report) headline() string {
	format := r.Format
	if format == "" {
		format = "unknown format"
	}
	s := format
	if r.SpecVersion != "" {
		s += " " + r.SpecVersion
	}
	s += fmt.Sprintf(", %d components", r.Components)
	if r.Components == 1 {
		s = strings.TrimSuffix(s, "s")
	}
	if len(r.Primary) > 0 {
		s += ", describing " + oneLine(strings.Join(r.Primary, ", "))
	}
	return s
}

func metWord(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

func elementLabel(e Element) string {
	if e.NTIA {
		return e.Name + " (NTIA)"
	}
	return e.Name
}

func checkLabel(k Check) string {
	if k.NTIA {
		return k.Name + " (NTIA)"
	}
	return k.Name
}

func coverage(e Element) string {
	s := fmt.Sprintf("%d/%d", e.Covered, e.Total)
	if e.Partial > 0 {
		s += fmt.Sprintf(" +%d partial", e.Partial)
	}
	if e.Weak > 0 {
		s += fmt.Sprintf(" (%d weak)", e.Weak)
	}
	return s
}

// missingRefs names the first n refs of e.Missing, each passed through
// quote, and how many more there are.
func missingRefs(e Element, n int, quote func(string) string) string {
	if e.MissingCount == 0 {
		return "-"
	}
	var parts []string
	for i, ref := range e.Missing {
		if i == n {
			break
		}
		parts = append(parts, quote(oneLine(ref)))
	}
	s := strings.Join(parts, ", ")
	if more := e.MissingCount - len(parts); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// oneLine keeps a value from a foreign document on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
