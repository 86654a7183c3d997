package vuln

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/vuln/osv"
)

// Source gives the records that may affect packages of one OSV ecosystem
// (without suffix), by package name as OSV writes it. The offline
// database (package vuln/db) is one.
type Source interface {
	LookupMany(ctx context.Context, ecosystemBase string, names []string) (map[string][]*osv.Record, error)
}

// Coverage is implemented by sources that can say how many records they
// hold per ecosystem, so that an ecosystem without any is reported as not
// checked rather than as free of vulnerabilities.
type Coverage interface {
	RecordCounts(ctx context.Context) (map[string]int, error)
}

// Finding is one vulnerability of one component; records that are aliases
// of each other (a GHSA, a GO and a CVE record of the same flaw) are one
// finding.
type Finding struct {
	// ID is the group's main identifier: the ecosystem database's own id
	// when there is one, a CVE otherwise.
	ID string `json:"id"`
	// Aliases are the other identifiers of the same vulnerability.
	Aliases  []string `json:"aliases,omitempty"`
	Summary  string   `json:"summary,omitempty"`
	Severity Severity `json:"severity"`
	// Fixed lists the versions that fix it, in version order.
	Fixed []string `json:"fixed,omitempty"`
	// Why says which rule of which record matched the version.
	Why string `json:"why"`
	// URL is the record's advisory, when it names one.
	URL string `json:"url,omitempty"`
}

// Result is what the database says of one component.
type Result struct {
	// Component is the component checked (not serialised; Key is).
	Component *inventory.Component `json:"-"`
	Key       string               `json:"key"`
	Findings  []Finding            `json:"findings,omitempty"`
	// Upgrade is the smallest version that fixes every finding, in the
	// ecosystem's form; empty when none does (or there are none).
	Upgrade string `json:"upgrade,omitempty"`
	// Unchecked says why the component could not be checked; it is a
	// finding of its own, never a silent pass.
	Unchecked string `json:"unchecked,omitempty"`
}

// Report is the outcome of checking an inventory.
type Report struct {
	// Results are in the order of the components checked.
	Results []Result `json:"results"`
	// Notes say what the database could not cover (ecosystems without
	// records).
	Notes []string `json:"notes,omitempty"`
}

// Worst is the most severe level among a result's findings; "" without
// findings.
func (r Result) Worst() Level {
	var w Level
	for _, f := range r.Findings {
		if w == "" || f.Severity.Level.Rank() < w.Rank() {
			w = f.Severity.Level
		}
	}
	return w
}

// Check matches every component against the records src holds. Records
// are fetched once per ecosystem; matching is pure. An error is returned
// only when the source fails or ctx ends.
func Check(ctx context.Context, src Source, comps []*inventory.Component) (*Report, error) {
	rep := &Report{Results: make([]Result, len(comps))}
	type item struct {
		i   int
		pkg Package
	}
	byEco := map[string][]item{}
	var ecos []string
	for i, c := range comps {
		rep.Results[i] = Result{Component: c, Key: c.Key()}
		pkg, ok := OSVPackage(c)
		if !ok {
			rep.Results[i].Unchecked = fmt.Sprintf("no vulnerability data exists for the %s ecosystem", c.Ecosystem)
			continue
		}
		base := osv.BaseEcosystem(pkg.Ecosystem)
		if _, seen := byEco[base]; !seen {
			ecos = append(ecos, base)
		}
		byEco[base] = append(byEco[base], item{i, pkg})
	}
	sort.Strings(ecos)
	var counts map[string]int
	if cov, ok := src.(Coverage); ok {
		var err error
		if counts, err = cov.RecordCounts(ctx); err != nil {
			return nil, fmt.Errorf("count vulnerability records: %w", err)
		}
	}
	for _, eco := range ecos {
		items := byEco[eco]
		if counts != nil && counts[eco] == 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("the database holds no %s records, so %d components were not checked (ospo vulndb update --ecosystem %s)", eco, len(items), eco))
			for _, it := range items {
				rep.Results[it.i].Unchecked = "the vulnerability database holds no " + eco + " records"
			}
			continue
		}
		names := make([]string, 0, len(items))
		seen := map[string]bool{}
		for _, it := range items {
			if !seen[it.pkg.Name] {
				seen[it.pkg.Name] = true
				names = append(names, it.pkg.Name)
			}
		}
		recs, err := src.LookupMany(ctx, eco, names)
		if err != nil {
			return nil, fmt.Errorf("look up %s vulnerabilities: %w", eco, err)
		}
		for _, it := range items {
			rep.Results[it.i] = check(rep.Results[it.i], it.pkg, recs[it.pkg.Name])
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// matched is one record that matched, with its matches.
type matched struct {
	rec     *osv.Record
	matches []Match
}

func check(r Result, pkg Package, recs []*osv.Record) Result {
	var hits []matched
	var problems []string
	for _, rec := range recs {
		ms, err := Affects(rec, pkg.Ecosystem, pkg.Name, pkg.Version)
		if errors.Is(err, ErrNoVersion) {
			r.Unchecked = fmt.Sprintf("no version is known, so the %d vulnerability records for %s cannot be checked", len(recs), pkg.Name)
			return r
		}
		if err != nil && len(ms) == 0 {
			problems = append(problems, err.Error())
		}
		if len(ms) > 0 {
			hits = append(hits, matched{rec, ms})
		}
	}
	if len(problems) > 0 && len(hits) == 0 {
		sort.Strings(problems)
		r.Unchecked = "some records could not be evaluated: " + strings.Join(problems, "; ")
	}
	var fixes [][]string
	for _, g := range group(hits) {
		f := finding(g)
		r.Findings = append(r.Findings, f)
		fixes = append(fixes, f.Fixed)
	}
	sort.Slice(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Severity.Level != b.Severity.Level {
			return a.Severity.Level.Rank() < b.Severity.Level.Rank()
		}
		return a.ID < b.ID
	})
	if len(fixes) > 0 {
		if v, ok := SmallestFix(pkg.Ecosystem, pkg.Version, fixes); ok {
			// Back to the form the component is written in (Go's "v").
			if r.Component != nil && strings.HasPrefix(r.Component.Version, "v") && !strings.HasPrefix(v, "v") {
				v = "v" + v
			}
			r.Upgrade = v
		}
	}
	return r
}

// group joins records that name each other (by id or alias) into one
// vulnerability.
func group(hits []matched) [][]matched {
	var out [][]matched
	for _, idx := range AliasGroups(len(hits), func(i int) []string {
		return append([]string{hits[i].rec.ID}, hits[i].rec.Aliases...)
	}) {
		g := make([]matched, len(idx))
		for k, i := range idx {
			g[k] = hits[i]
		}
		out = append(out, g)
	}
	return out
}

// AliasGroups partitions n items by the identifiers they share: ids(i)
// lists item i's id and aliases, and items sharing one, directly or
// through others, form one group. Groups hold item indexes, in the order
// of their first item.
func AliasGroups(n int, ids func(i int) []string) [][]int {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i := range n {
		for _, id := range ids(i) {
			if j, ok := owner[id]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[id] = i
			}
		}
	}
	byRoot := map[int]int{}
	var out [][]int
	for i := range n {
		r := find(i)
		k, ok := byRoot[r]
		if !ok {
			k = len(out)
			byRoot[r] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

// idRank prefers the ecosystem databases' own identifiers, whose records
// carry the affected ranges, over CVEs.
func idRank(id string) int {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return 3
	case strings.HasPrefix(id, "GHSA-"):
		return 1
	case strings.HasPrefix(id, "MAL-"):
		return 2
	}
	return 0
}

func finding(g []matched) Finding {
	ids := map[string]bool{}
	for _, h := range g {
		ids[h.rec.ID] = true
		for _, a := range h.rec.Aliases {
			ids[a] = true
		}
	}
	all := make([]string, 0, len(ids))
	for id := range ids {
		all = append(all, id)
	}
	sort.Slice(all, func(i, j int) bool {
		if ri, rj := idRank(all[i]), idRank(all[j]); ri != rj {
			return ri < rj
		}
		return all[i] < all[j]
	})
	// The main id must be one of the matched records.
	main := g[0].rec
	for _, id := range all {
		found := false
		for _, h := range g {
			if h.rec.ID == id {
				main, found = h.rec, true
				break
			}
		}
		if found {
			break
		}
	}
	f := Finding{ID: main.ID, Severity: Severity{Level: Unknown}}
	for _, id := range all {
		if id != main.ID {
			f.Aliases = append(f.Aliases, id)
		}
	}
	var ms []Match
	for i, h := range g {
		if s := SeverityOf(h.rec, h.matches[0].AffectedIndex); i == 0 || moreSevere(s, f.Severity) {
			f.Severity = s
		}
		if f.Summary == "" {
			f.Summary = h.rec.Summary
		}
		ms = append(ms, h.matches...)
	}
	f.Fixed = FixedVersions(ms)
	f.Why = main.ID + ": " + matchesOf(g, main)[0].Why
	f.URL = advisory(main)
	return f
}

// moreSevere reports whether s should replace cur as a group's severity:
// a known level beats unknown, then the more severe level, then the
// higher score.
func moreSevere(s, cur Severity) bool {
	if (s.Level == Unknown) != (cur.Level == Unknown) {
		return cur.Level == Unknown
	}
	if s.Level != cur.Level {
		return s.Level.Rank() < cur.Level.Rank()
	}
	return s.Score > cur.Score
}

func matchesOf(g []matched, rec *osv.Record) []Match {
	for _, h := range g {
		if h.rec == rec {
			return h.matches
		}
	}
	return g[0].matches
}

// advisory picks the record's advisory link, else its first web link.
func advisory(rec *osv.Record) string {
	for _, t := range []string{"ADVISORY", "WEB"} {
		for _, r := range rec.References {
			if r.Type == t {
				return r.URL
			}
		}
	}
	return ""
}
