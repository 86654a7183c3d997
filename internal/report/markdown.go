package report

import (
	"fmt"
	"io"
	"ospo/internal/inventory"
	"ospo/internal/vuln"
	"sort"
	"strings"

	"ospo/internal/obligations"
	"ospo/internal/scan"
)

// MarkdownLimit bounds the Markdown report: a pull-request comment holds
// at most 65,536 characters and a step summary is cut past 1 MiB, so the
// report stays under the smaller with room to spare. Long lists are cut
// with a note saying how many rows were left out.
const MarkdownLimit = 65000

// mdBlock is one part of the Markdown report: a head and a tail always
// written, and rows written while its share of the budget lasts.
type mdBlock struct {
	head, tail string
	rows       []string
	// one and many name the rows in the note that says some were left out.
	one, many string
	// weight is the block's claim on the budget against other blocks:
	// what needs action weighs more than the full list.
	weight int
}

// mdNoteRoom is what a note about left-out rows may take.
const mdNoteRoom = 160

func writeMarkdown(w io.Writer, r *scan.Result, o Options) error {
	blocks := markdownBlocks(newView(r), o)
	fixed := 0
	for _, b := range blocks {
		fixed += len(b.head) + len(b.tail)
		if len(b.rows) > 0 {
			fixed += mdNoteRoom
		}
	}
	shares := allot(blocks, MarkdownLimit-fixed)
	var sb strings.Builder
	for i, b := range blocks {
		sb.WriteString(b.head)
		left := shares[i]
		kept := 0
		for _, row := range b.rows {
			if len(row) > left {
				break
			}
			left -= len(row)
			sb.WriteString(row)
			kept++
		}
		if n := len(b.rows) - kept; n > 0 {
			noun := b.many
			if n == 1 {
				noun = b.one
			}
			fmt.Fprintf(&sb, "\n*%d more %s left out to keep this report short; the JSON, HTML or SARIF report lists them all.*\n", n, noun)
		}
		sb.WriteString(b.tail)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// allot shares budget bytes among the blocks' rows by weight: a block that
// needs less than its share gets what it needs, and what it leaves goes to
// the others, so a short list of problems is never cut to make room for a
// long list of components.
func allot(blocks []mdBlock, budget int) []int {
	shares := make([]int, len(blocks))
	need := make([]int, len(blocks))
	active := map[int]bool{}
	for i, b := range blocks {
		for _, r := range b.rows {
			need[i] += len(r)
		}
		if need[i] > 0 {
			active[i] = true
		}
	}
	for budget > 0 && len(active) > 0 {
		weights := 0
		for i := range active {
			weights += max(blocks[i].weight, 1)
		}
		settled := false
		for i := range blocks {
			if !active[i] {
				continue
			}
			if share := budget * max(blocks[i].weight, 1) / weights; need[i] <= share {
				shares[i] = need[i]
				budget -= need[i]
				delete(active, i)
				settled = true
			}
		}
		if !settled {
			for i := range active {
				shares[i] = budget * max(blocks[i].weight, 1) / weights
			}
			break
		}
	}
	return shares
}

// markdownBlocks lays out the report, in the order it is read: headline,
// what needs action, obligations, exceptions, problems, then everything in
// a collapsed list.
func markdownBlocks(v *view, o Options) []mdBlock {
	r := v.r
	var blocks []mdBlock
	var head strings.Builder
	fmt.Fprintf(&head, "## License scan: %s\n\n", v.status())
	s := v.summary
	if v.decided() {
		fmt.Fprintf(&head, "**%d denied, %d to review, %d allowed** of %s in %s",
			v.counts.Deny, v.counts.Review, v.counts.Allow, count(s.Components, "component", "components"),
			count(s.Projects, "project", "projects"))
	} else {
		fmt.Fprintf(&head, "**%s** in %s", count(s.Components, "component", "components"), count(s.Projects, "project", "projects"))
	}
	if s.Excluded > 0 {
		fmt.Fprintf(&head, " (%d left out by filters)", s.Excluded)
	}
	head.WriteString(".")
	if s.NoAssertion > 0 || s.NeedsReview > 0 {
		fmt.Fprintf(&head, " Licenses: %d not found, %d to confirm.", s.NoAssertion, s.NeedsReview)
	}
	if v.decided() {
		fmt.Fprintf(&head, "\nPolicy %s, decided for %s.", mdPolicy(o.PolicyPath), contextLine(v))
	} else {
		head.WriteString("\nNo policy was evaluated, so nothing was decided.")
	}
	head.WriteString("\n")
	blocks = append(blocks, mdBlock{head: head.String()})

	if len(v.violations) > 0 {
		b := mdBlock{
			head: "\n### Denied and to review\n\n| Verdict | Component | License | Path | Reason |\n| --- | --- | --- | --- | --- |\n",
			one:  "component", many: "components", weight: 4,
		}
		for _, i := range v.violations {
			c, d := r.Components[i], v.decisions[i]
			b.rows = append(b.rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", d.Verdict,
				mdCode(c.Ecosystem+" "+c.Ref()), mdCell(licenseShown(c, &d)), mdCode(firstPath(c)), mdCell(d.Reason)))
		}
		blocks = append(blocks, b)
	}

	if b, ok := markdownVulns(v); ok {
		blocks = append(blocks, b)
	}

	if ob := v.obligations; ob != nil {
		blocks = append(blocks, markdownObligations(ob)...)
	}

	if r.Decisions != nil && len(r.Decisions.ExpiredExceptions)+len(r.Decisions.UnusedExceptions) > 0 {
		b := mdBlock{head: "\n### Policy exceptions\n\n", one: "exception", many: "exceptions"}
		for _, x := range r.Decisions.ExpiredExceptions {
			b.rows = append(b.rows, "- expired, no longer applies: "+mdCell(exceptionLine(x))+"\n")
		}
		for _, x := range r.Decisions.UnusedExceptions {
			b.rows = append(b.rows, "- unused, matches no component: "+mdCell(exceptionLine(x))+"\n")
		}
		blocks = append(blocks, b)
	}

	if len(r.Problems) > 0 {
		b := mdBlock{head: "\n### Problems\n\nThese inputs could not be read; the scan went on without them.\n\n", one: "problem", many: "problems"}
		for _, p := range r.Problems {
			b.rows = append(b.rows, fmt.Sprintf("- %s: %s\n", mdCode(p.Path), mdCell(p.Message)))
		}
		blocks = append(blocks, b)
	}

	all := mdBlock{
		head: fmt.Sprintf("\n<details>\n<summary>All %d components</summary>\n\n", len(r.Components)),
		tail: "\n</details>\n",
		one:  "component", many: "components",
	}
	if v.decided() {
		all.head += "| Component | License | Verdict | Scope | Direct |\n| --- | --- | --- | --- | --- |\n"
	} else {
		all.head += "| Component | License | Source | Scope | Direct |\n| --- | --- | --- | --- | --- |\n"
	}
	for i, c := range r.Components {
		third := sourceOf(c)
		if d := v.decision(i); d != nil {
			third = string(d.Verdict)
		}
		direct := ""
		if c.Direct {
			direct = "yes"
		}
		all.rows = append(all.rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", mdCode(c.Ecosystem+" "+c.Ref()),
			mdCell(licenseShown(c, v.decision(i))), third, c.Scope, direct))
	}
	return append(blocks, all)
}

// markdownVulns lists the known vulnerabilities, most severe first.
func markdownVulns(v *view) (mdBlock, bool) {
	r := v.r
	if r.Vulns == nil {
		return mdBlock{}, false
	}
	s := v.summary.Vulnerabilities
	var head strings.Builder
	head.WriteString("\n### Known vulnerabilities\n\n")
	var parts []string
	for _, l := range vuln.Levels {
		if n := s.ByLevel[string(l)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, l))
		}
	}
	if len(parts) == 0 {
		head.WriteString("None known in the offline database.")
	} else {
		fmt.Fprintf(&head, "**%s** in %s.", strings.Join(parts, ", "), count(s.Components, "component", "components"))
	}
	if s.Ignored > 0 {
		fmt.Fprintf(&head, " %d ignored by the policy.", s.Ignored)
	}
	if s.Unchecked > 0 {
		fmt.Fprintf(&head, " %s could not be checked.", count(s.Unchecked, "component", "components"))
	}
	head.WriteString("\n")
	b := mdBlock{one: "vulnerability", many: "vulnerabilities", weight: 3}
	for _, row := range VulnRows(r) {
		if b.rows == nil {
			head.WriteString("\n| Severity | Vulnerability | Component | Fixed in | Upgrade to | Summary |\n| --- | --- | --- | --- | --- | --- |\n")
		}
		id := row.Finding.ID
		if row.Finding.URL != "" {
			id = "[" + id + "](" + row.Finding.URL + ")"
		}
		if len(row.Finding.Aliases) > 0 {
			id += " (" + strings.Join(row.Finding.Aliases, ", ") + ")"
		}
		sev := string(row.Finding.Severity.Level)
		if row.Finding.Severity.Score > 0 {
			sev += fmt.Sprintf(" %.1f", row.Finding.Severity.Score)
		}
		if row.Ignored != "" {
			sev = "ignored: " + row.Ignored
		}
		b.rows = append(b.rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n", mdCell(sev), mdCell(id),
			mdCode(row.Component.Ecosystem+" "+row.Component.Ref()), mdCell(strings.Join(row.Finding.Fixed, ", ")), mdCell(row.Upgrade), mdCell(row.Finding.Summary)))
	}
	b.head = head.String()
	return b, true
}

// VulnRow is one finding of one component, as the reports list them:
// Ignored holds the policy's reason when its ignore list covers it.
type VulnRow struct {
	Component *inventory.Component
	Finding   vuln.Finding
	Upgrade   string
	Ignored   string
}

// VulnRows lists every finding of a result, the ones not ignored first,
// then most severe, then by component.
func VulnRows(r *scan.Result) []VulnRow {
	if r.Vulns == nil {
		return nil
	}
	var rows []VulnRow
	for i, res := range r.Vulns.Results {
		ign := ignoredOf(r, i)
		for _, f := range res.Findings {
			rows = append(rows, VulnRow{Component: r.Components[i], Finding: f, Upgrade: res.Upgrade, Ignored: ign[f.ID]})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if (a.Ignored == "") != (b.Ignored == "") {
			return a.Ignored == ""
		}
		if a.Finding.Severity.Level != b.Finding.Severity.Level {
			return a.Finding.Severity.Level.Rank() < b.Finding.Severity.Level.Rank()
		}
		if a.Finding.Severity.Score != b.Finding.Severity.Score {
			return a.Finding.Severity.Score > b.Finding.Severity.Score
		}
		return a.Component.Key() < b.Component.Key()
	})
	return rows
}

func markdownObligations(ob *obligations.Summary) []mdBlock {
	var head strings.Builder
	head.WriteString("\n### Obligations\n\n")
	fmt.Fprintf(&head, "Read for a %s project.\n\n", ob.Distribution)
	if n := len(ob.Attribution); n > 0 {
		fmt.Fprintf(&head, "- **Notices to ship:** %d components (%s); `ospo notice` writes the file.\n", n, licenseTally(ob.Attribution, 6))
	} else {
		head.WriteString("- **Notices to ship:** none.\n")
	}
	if ob.NetworkCopyleft.Present {
		var names []string
		for _, it := range ob.NetworkCopyleft.Components {
			names = append(names, mdCode(it.Name+"@"+it.Version)+" ("+mdCell(it.License)+")")
		}
		fmt.Fprintf(&head, "- **Network copyleft:** present in %s; users over a network are owed the source.\n", strings.Join(names, ", "))
	} else {
		head.WriteString("- **Network copyleft:** none.\n")
	}
	if len(ob.SourceOffer) == 0 {
		head.WriteString("- **Source offers:** none.\n")
	}
	blocks := []mdBlock{{head: head.String()}}
	if len(ob.SourceOffer) > 0 {
		b := mdBlock{
			head: fmt.Sprintf("- **Source offers:** %d components.\n\n| Component | License | Offer | Applies now | Why |\n| --- | --- | --- | --- | --- |\n", len(ob.SourceOffer)),
			one:  "source offer", many: "source offers", weight: 2,
		}
		for _, it := range ob.SourceOffer {
			offer := "its own source"
			if it.Offer == obligations.OfferProgram {
				offer = "the whole program"
			}
			b.rows = append(b.rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", mdCode(it.Ecosystem+" "+it.Name+"@"+it.Version),
				mdCell(it.License), offer, yesNo(it.Triggered), mdCell(it.Reason)))
		}
		blocks = append(blocks, b)
	}
	if len(ob.Unknown) > 0 {
		b := mdBlock{
			head: fmt.Sprintf("\n**Terms to read:** %d components whose obligations no license id tells.\n\n| Component | License | Why |\n| --- | --- | --- |\n", len(ob.Unknown)),
			one:  "component", many: "components",
		}
		for _, it := range ob.Unknown {
			b.rows = append(b.rows, fmt.Sprintf("| %s | %s | %s |\n", mdCode(it.Ecosystem+" "+it.Name+"@"+it.Version),
				mdCell(it.License), mdCell(it.Reason)))
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// licenseTally names the most common licenses of items with their counts.
func licenseTally(items []obligations.Item, max int) string {
	n := map[string]int{}
	for _, it := range items {
		n[it.License]++
	}
	keys := sortedLicenses(n)
	var parts []string
	for i, k := range keys {
		if i == max {
			parts = append(parts, fmt.Sprintf("%d more licenses", len(keys)-max))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", mdCell(k), n[k]))
	}
	return strings.Join(parts, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func mdPolicy(path string) string {
	if path == "" {
		return "(built-in defaults)"
	}
	return mdCode(path)
}

// mdCell makes text safe in a table cell and in a list: no line breaks,
// no column separators, no HTML.
var mdCellReplacer = strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ", "<", "&lt;", ">", "&gt;", "&", "&amp;")

func mdCell(s string) string { return mdCellReplacer.Replace(s) }

// mdCode writes s as inline code; a table still splits code on "|", so
// that is escaped too.
var mdCodeReplacer = strings.NewReplacer("`", "'", "|", `\|`, "\r", " ", "\n", " ")

func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + mdCodeReplacer.Replace(s) + "`"
}
