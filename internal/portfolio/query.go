package portfolio

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"ospo/internal/inventory"
	"ospo/internal/risk"
	"ospo/internal/store"
	"ospo/internal/vuln"
	"ospo/internal/vuln/db"
)

// usageCols reads a Usage from scan_components sc, components c and
// projects p.
const usageCols = `p.id, p.name, c.ecosystem, c.name, c.version, c.purl, sc.license, sc.needs_review, sc.verdict, sc.reason,
	sc.scope, sc.direct, sc.paths_json, sc.upgrade, sc.newest_release, sc.risk, sc.risk_json, sc.vulns`

func scanUsages(rows *sql.Rows) ([]Usage, error) {
	var out []Usage
	err := readUsages(rows, func(u Usage, _ ...any) { out = append(out, u) })
	return out, err
}

// readUsages reads rows of usageCols followed by extra columns, scanned
// into the extra destinations, and hands each usage to fn.
func readUsages(rows *sql.Rows, fn func(u Usage, extra ...any), extra ...any) error {
	defer rows.Close()
	for rows.Next() {
		var u Usage
		var review, direct int
		var paths, parts string
		var newest sql.NullTime
		dest := append([]any{&u.Project.ID, &u.Project.Name, &u.Component.Ecosystem, &u.Component.Name, &u.Component.Version, &u.Component.PURL,
			&u.License, &review, &u.Verdict, &u.Reason, &u.Scope, &direct, &paths, &u.Upgrade, &newest, &u.Risk, &parts, &u.Findings}, extra...)
		if err := rows.Scan(dest...); err != nil {
			return store.MapError(err)
		}
		u.NeedsReview, u.Direct = review != 0, direct != 0
		if newest.Valid {
			t := newest.Time.UTC()
			u.NewestRelease = &t
		}
		if err := json.Unmarshal([]byte(paths), &u.Paths); err != nil {
			return fmt.Errorf("stored paths of %s: %w", u.Component.Name, err)
		}
		var sc risk.Score
		if err := json.Unmarshal([]byte(parts), &sc); err == nil {
			u.RiskParts = sc.Parts
		}
		fn(u, extra...)
	}
	return store.MapError(rows.Err())
}

const findingCols = `p.id, p.name, c.ecosystem, c.name, c.version, c.purl, f.vuln_id, f.aliases, f.severity, f.score, f.summary, f.fixed, f.ignored, f.url`

func scanFindings(rows *sql.Rows) ([]Finding, error) {
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		var aliases, fixed, sev string
		var score sql.NullFloat64
		if err := rows.Scan(&f.Project.ID, &f.Project.Name, &f.Component.Ecosystem, &f.Component.Name, &f.Component.Version, &f.Component.PURL,
			&f.ID, &aliases, &sev, &score, &f.Summary, &fixed, &f.Ignored, &f.URL); err != nil {
			return nil, store.MapError(err)
		}
		f.Severity = vuln.Level(sev)
		f.Aliases, f.Fixed = strings.Fields(aliases), strings.Fields(fixed)
		if score.Valid {
			s := score.Float64
			f.Score = &s
		}
		out = append(out, f)
	}
	return out, store.MapError(rows.Err())
}

// Scans lists a project's scans, newest first.
func (p *Portfolio) Scans(ctx context.Context, projectID int64, limit int) ([]Scan, error) {
	limit, _ = bounds(limit, 0)
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT id, scanned_at, origin, actor, tool, components, allowed, review, denied, no_license,
		vuln_critical, vuln_high, vuln_medium, vuln_low, vuln_unknown, health, risk, dt_risk, problems_json
		FROM scans WHERE project_id = ? ORDER BY id DESC LIMIT ?`), projectID, limit)
	if err != nil {
		return nil, fmt.Errorf("scans of project %d: %w", projectID, store.MapError(err))
	}
	defer rows.Close()
	var out []Scan
	for rows.Next() {
		s := Scan{ProjectID: projectID}
		var health sql.NullFloat64
		var problems string
		if err := rows.Scan(&s.ID, &s.ScannedAt, &s.Origin, &s.Actor, &s.Tool, &s.Components, &s.Allowed, &s.Review, &s.Denied, &s.NoLicense,
			&s.Vulns.Critical, &s.Vulns.High, &s.Vulns.Medium, &s.Vulns.Low, &s.Vulns.Unknown, &health, &s.Risk, &s.DTRisk, &problems); err != nil {
			return nil, fmt.Errorf("scans of project %d: %w", projectID, store.MapError(err))
		}
		s.ScannedAt = s.ScannedAt.UTC()
		if health.Valid {
			h := health.Float64
			s.Health = &h
		}
		_ = json.Unmarshal([]byte(problems), &s.Problems)
		out = append(out, s)
	}
	return out, store.MapError(rows.Err())
}

// pairSQL is one (scan, component) pair; the casts tell PostgreSQL the
// parameters' type.
const pairSQL = "(CAST(? AS BIGINT), CAST(? AS BIGINT))"

// maxVersions bounds the package versions one where-used question may
// match.
const maxVersions = 5000

// WhereUsed answers where the components q names are used, in every
// project's newest scan, with the dependency paths that bring them in.
// It works in three steps so that its cost follows the page, not the
// package's popularity: the matching package versions (few, filtered by
// the version range in the ecosystem's order), then the count and the
// page's keys from indexes alone, then the page's rows.
func (p *Portfolio) WhereUsed(ctx context.Context, q UsageQuery) (Page[Usage], error) {
	page := Page[Usage]{Items: []Usage{}}
	pq, err := ParseUsageQuery(q.Text)
	if err != nil {
		return page, err
	}
	ids, err := p.matchComponents(ctx, pq, q.Ecosystem)
	if err != nil {
		return page, fmt.Errorf("where used %q: %w", q.Text, err)
	}
	if len(ids) == 0 {
		return page, nil
	}
	in := "sc.component_id IN (?" + strings.Repeat(", ?", len(ids)-1) + ")"
	args := make([]any, 0, len(ids)+3)
	for _, id := range ids {
		args = append(args, id)
	}
	if q.ProjectID != 0 {
		in += " AND p.id = ?"
		args = append(args, q.ProjectID)
	}
	from := ` FROM scan_components sc JOIN projects p ON p.latest_scan_id = sc.scan_id WHERE ` + in
	if err := p.st.DB().QueryRowContext(ctx, p.st.Rebind(`SELECT COUNT(*)`+from), args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("where used %q: %w", q.Text, store.MapError(err))
	}
	limit, offset := bounds(q.Limit, q.Offset)
	if page.Total == 0 || offset >= page.Total {
		return page, nil
	}
	page.Items, err = p.pageOf(ctx, ` FROM scan_components sc
		JOIN projects p ON p.latest_scan_id = sc.scan_id JOIN components c ON c.id = sc.component_id
		WHERE `+in+` ORDER BY p.name, c.ecosystem, c.version, c.name`, append(args, limit, offset))
	if err != nil {
		return page, fmt.Errorf("where used %q: %w", q.Text, err)
	}
	return page, nil
}

// pageOf reads one page of usages in two steps, so that its cost
// follows the page: the keys of the rows (scan and component) that
// fromOrder (FROM … WHERE … ORDER BY …, with LIMIT and OFFSET taken from
// the last two args) selects, which the indexes answer without reading
// the rows, then those rows alone, in one query, in the keys' order.
func (p *Portfolio) pageOf(ctx context.Context, fromOrder string, args []any) ([]Usage, error) {
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT sc.scan_id, sc.component_id`+fromOrder+` LIMIT ? OFFSET ?`), args...)
	if err != nil {
		return nil, store.MapError(err)
	}
	type key struct{ scan, comp int64 }
	var keys []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.scan, &k.comp); err != nil {
			rows.Close()
			return nil, store.MapError(err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, store.MapError(err)
	}
	out := []Usage{}
	if len(keys) == 0 {
		return out, nil
	}
	pairArgs := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		pairArgs = append(pairArgs, k.scan, k.comp)
	}
	pairs := pairSQL + strings.Repeat(", "+pairSQL, len(keys)-1)
	rows, err = p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT `+usageCols+`, sc.scan_id, sc.component_id FROM scan_components sc
		JOIN components c ON c.id = sc.component_id JOIN projects p ON p.latest_scan_id = sc.scan_id
		WHERE (sc.scan_id, sc.component_id) IN (VALUES `+pairs+`)`), pairArgs...)
	if err != nil {
		return nil, store.MapError(err)
	}
	byKey := make(map[key]Usage, len(keys))
	err = readUsages(rows, func(u Usage, extra ...any) {
		byKey[key{*extra[0].(*int64), *extra[1].(*int64)}] = u
	}, new(int64), new(int64))
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if u, ok := byKey[k]; ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// matchComponents lists the ids of the package versions a question
// names, in the ecosystem's version order where the range asks.
func (p *Portfolio) matchComponents(ctx context.Context, pq ParsedUsage, ecosystem string) ([]int64, error) {
	var where []string
	var args []any
	if pq.PURLBase != "" {
		where, args = append(where, `purl_base = ?`), append(args, pq.PURLBase)
	} else {
		// The name as given, and as the ecosystems that ignore case or
		// separators store it (PyYAML is pyyaml, typing_extensions is
		// typing-extensions); sameName below keeps only the rows whose
		// own ecosystem's rule makes them the same name.
		lower := strings.ToLower(pq.Name)
		where = append(where, `(name IN (?, ?, ?) OR (ecosystem IN ('nuget', 'composer') AND LOWER(name) = ?))`)
		args = append(args, pq.Name, lower, pep503Name(pq.Name), lower)
	}
	if pq.Version != "" {
		where, args = append(where, `version = ?`), append(args, pq.Version)
	}
	if ecosystem != "" {
		where, args = append(where, `ecosystem = ?`), append(args, ecosystem)
	}
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT id, ecosystem, name, version FROM components WHERE `+strings.Join(where, " AND ")), args...)
	if err != nil {
		return nil, store.MapError(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var eco, name, version string
		if err := rows.Scan(&id, &eco, &name, &version); err != nil {
			return nil, store.MapError(err)
		}
		if pq.PURLBase == "" && !sameName(eco, name, pq.Name) {
			continue
		}
		if len(pq.Range) > 0 && !pq.Range.Contains(eco, name, version) {
			continue
		}
		ids = append(ids, id)
		if len(ids) > maxVersions {
			return nil, fmt.Errorf("more than %d versions match; narrow the question with a version range or an ecosystem", maxVersions)
		}
	}
	return ids, store.MapError(rows.Err())
}

// sameName tells whether the stored name of a package of ecosystem eco
// and the name asked for are one package's, by the registry's own rule
// as the vulnerability database applies it (vuln.OSVPackage and
// db.NormalizeName): PyPI names in their PEP 503 form, NuGet and
// Packagist names whatever their case, others exactly.
func sameName(eco, stored, asked string) bool {
	key := func(name string) string {
		p, ok := vuln.OSVPackage(&inventory.Component{Ecosystem: eco, Name: name})
		if !ok {
			return name
		}
		return db.NormalizeName(p.Ecosystem, p.Name)
	}
	return stored == asked || key(stored) == key(asked)
}

// pep503Name is a Python project name in PEP 503's normal form, the
// form the Python inventory stores.
func pep503Name(name string) string { return db.NormalizeName("PyPI", name) }

func paginate[T any](all []T, limit, offset int) Page[T] {
	limit, offset = bounds(limit, offset)
	page := Page[T]{Total: len(all), Items: []T{}}
	if offset < len(all) {
		page.Items = all[offset:min(len(all), offset+limit)]
	}
	return page
}

// Components lists the components of the newest scans f selects.
func (p *Portfolio) Components(ctx context.Context, f ComponentFilter) (Page[Usage], error) {
	var page Page[Usage]
	var where []string
	var args []any
	if f.ProjectID != 0 {
		where = append(where, `p.id = ?`)
		args = append(args, f.ProjectID)
	}
	if f.Ecosystem != "" {
		where = append(where, `c.ecosystem = ?`)
		args = append(args, f.Ecosystem)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, `LOWER(c.name) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(strings.ToLower(q))+"%")
	}
	if f.Verdict != "" {
		where = append(where, `sc.verdict = ?`)
		args = append(args, f.Verdict)
	}
	if f.NoLicense {
		where = append(where, `sc.license IN ('', 'NOASSERTION', 'NONE')`)
	}
	if !f.InactiveSince.IsZero() {
		where = append(where, `sc.newest_release < ?`)
		args = append(args, f.InactiveSince.UTC())
	}
	if f.ReleaseUnknown {
		where = append(where, `sc.newest_release IS NULL`)
	}
	if f.Vulnerable {
		where = append(where, `sc.vulns > 0`)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	from := ` FROM scan_components sc JOIN projects p ON p.latest_scan_id = sc.scan_id JOIN components c ON c.id = sc.component_id`
	count := `SELECT COUNT(*)` + from + cond
	if len(where) == 0 || (len(where) == 1 && f.ProjectID != 0) {
		// Unfiltered, the count is the newest scans' own.
		count = `SELECT COALESCE(SUM(s.components), 0) FROM projects p JOIN scans s ON s.id = p.latest_scan_id` + cond
	}
	if err := p.st.DB().QueryRowContext(ctx, p.st.Rebind(count), args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("components: %w", store.MapError(err))
	}
	// Every order ends in columns that set the row apart (a project
	// holds one version of a package per ecosystem), so that pages
	// neither skip nor repeat rows.
	order := ` ORDER BY c.name, c.version, p.name, c.ecosystem`
	if f.Sort == "risk" {
		order = ` ORDER BY sc.risk DESC, c.name, c.version, p.name, c.ecosystem`
	}
	// Without a filter on the scans' rows, the page is read in the order
	// asked for and the reading stops after it: components by name
	// (their name index), or rows by risk (the risk index). CROSS JOIN
	// keeps SQLite to that order (PostgreSQL plans it as an inner join);
	// otherwise SQLite would start from the projects and sort every row
	// of every newest scan for one page.
	// The risk order's ties go by the index's own columns, so that the
	// index gives the whole order and no row has to be sorted.
	selective := f.ProjectID != 0 || f.Verdict != "" || f.NoLicense || !f.InactiveSince.IsZero() || f.ReleaseUnknown || f.Vulnerable
	if !selective {
		joins := `p.latest_scan_id = sc.scan_id AND c.id = sc.component_id`
		from = ` FROM components c CROSS JOIN scan_components sc CROSS JOIN projects p`
		if f.Sort == "risk" {
			from = ` FROM scan_components sc CROSS JOIN projects p CROSS JOIN components c`
			order = ` ORDER BY sc.risk DESC, sc.scan_id DESC, sc.component_id DESC`
		}
		cond = " WHERE " + strings.Join(append(where, joins), " AND ")
	}
	limit, offset := bounds(f.Limit, f.Offset)
	var err error
	if page.Items, err = p.pageOf(ctx, from+cond+order, append(args, limit, offset)); err != nil {
		return page, fmt.Errorf("components: %w", err)
	}
	return page, nil
}

// Findings lists the vulnerabilities of the newest scans f selects, the
// most severe first.
func (p *Portfolio) Findings(ctx context.Context, f FindingFilter) (Page[Finding], error) {
	var page Page[Finding]
	var where []string
	var args []any
	if f.ProjectID != 0 {
		where = append(where, `p.id = ?`)
		args = append(args, f.ProjectID)
	}
	if id := strings.TrimSpace(f.VulnID); id != "" {
		where = append(where, `f.vuln_id IN (SELECT vuln_id FROM vuln_ids WHERE alias = ?)`)
		args = append(args, id)
	}
	if !f.IncludeIgnored {
		where = append(where, `f.ignored = ''`)
	}
	if f.MinSeverity != "" {
		var lv []string
		// In the levels' own order: unknown ranks between medium and
		// low, so "at least low" keeps the unrated findings too.
		known := false
		for _, l := range vuln.Levels {
			known = known || l == f.MinSeverity
			if l.AtLeast(f.MinSeverity) {
				lv = append(lv, "'"+string(l)+"'")
			}
		}
		if !known {
			return page, fmt.Errorf("findings: severity %q is not known", f.MinSeverity)
		}
		where = append(where, `f.severity IN (`+strings.Join(lv, ", ")+`)`)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	from := ` FROM findings f JOIN projects p ON p.latest_scan_id = f.scan_id JOIN components c ON c.id = f.component_id`
	if err := p.st.DB().QueryRowContext(ctx, p.st.Rebind(`SELECT COUNT(*)`+from+cond), args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("findings: %w", store.MapError(err))
	}
	limit, offset := bounds(f.Limit, f.Offset)
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT `+findingCols+from+cond+`
		ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'unknown' THEN 3 WHEN 'low' THEN 4 ELSE 5 END,
		f.vuln_id, p.name, c.name, c.ecosystem, c.version LIMIT ? OFFSET ?`), append(args, limit, offset)...)
	if err != nil {
		return page, fmt.Errorf("findings: %w", store.MapError(err))
	}
	page.Items, err = scanFindings(rows)
	if err != nil {
		return page, fmt.Errorf("findings: %w", err)
	}
	if page.Items == nil {
		page.Items = []Finding{}
	}
	return page, nil
}

// maxChanges bounds the changes one call returns.
const maxChanges = 5000

// Changes lists what changed in each project (or the one projectID
// names) since the given time: the newest scan compared with the newest
// scan before since. A project first scanned after since counts every
// component as added.
func (p *Portfolio) Changes(ctx context.Context, since time.Time, projectID int64) ([]Change, error) {
	q := `SELECT p.id, p.name, p.latest_scan_id, s.scanned_at,
		(SELECT MAX(b.id) FROM scans b WHERE b.project_id = p.id AND b.scanned_at < ?)
		FROM projects p JOIN scans s ON s.id = p.latest_scan_id WHERE s.scanned_at >= ?`
	args := []any{since.UTC(), since.UTC()}
	if projectID != 0 {
		q += ` AND p.id = ?`
		args = append(args, projectID)
	}
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(q+` ORDER BY p.name`), args...)
	if err != nil {
		return nil, fmt.Errorf("changes: %w", store.MapError(err))
	}
	type pair struct {
		ref       ProjectRef
		cur, base int64
		at        time.Time
	}
	var pairs []pair
	for rows.Next() {
		var x pair
		var base sql.NullInt64
		if err := rows.Scan(&x.ref.ID, &x.ref.Name, &x.cur, &x.at, &base); err != nil {
			rows.Close()
			return nil, fmt.Errorf("changes: %w", store.MapError(err))
		}
		x.base = base.Int64
		x.at = x.at.UTC()
		if x.base != x.cur {
			pairs = append(pairs, x)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("changes: %w", store.MapError(err))
	}
	var out []Change
	for _, x := range pairs {
		a, err := p.snapshot(ctx, x.base)
		if err != nil {
			return nil, err
		}
		b, err := p.snapshot(ctx, x.cur)
		if err != nil {
			return nil, err
		}
		out = append(out, diff(x.ref, x.at, a, b)...)
		if len(out) >= maxChanges {
			return out[:maxChanges], nil
		}
	}
	return out, nil
}

type snap struct {
	ref              ComponentRef
	license, verdict string
	vulns            map[string]bool
}

// snapshot reads a scan's components keyed by ecosystem/name/version;
// scan 0 is empty.
func (p *Portfolio) snapshot(ctx context.Context, scanID int64) (map[string]*snap, error) {
	out := map[string]*snap{}
	if scanID == 0 {
		return out, nil
	}
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT c.id, c.ecosystem, c.name, c.version, c.purl, sc.license, sc.verdict
		FROM scan_components sc JOIN components c ON c.id = sc.component_id WHERE sc.scan_id = ?`), scanID)
	if err != nil {
		return nil, fmt.Errorf("scan %d: %w", scanID, store.MapError(err))
	}
	byID := map[int64]*snap{}
	for rows.Next() {
		s := &snap{vulns: map[string]bool{}}
		var id int64
		if err := rows.Scan(&id, &s.ref.Ecosystem, &s.ref.Name, &s.ref.Version, &s.ref.PURL, &s.license, &s.verdict); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan %d: %w", scanID, store.MapError(err))
		}
		byID[id] = s
		out[s.ref.Ecosystem+"\x00"+s.ref.Name+"\x00"+s.ref.Version] = s
	}
	rows.Close()
	frows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT component_id, vuln_id FROM findings WHERE scan_id = ? AND ignored = ''`), scanID)
	if err != nil {
		return nil, fmt.Errorf("scan %d: %w", scanID, store.MapError(err))
	}
	defer frows.Close()
	for frows.Next() {
		var id int64
		var v string
		if err := frows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("scan %d: %w", scanID, store.MapError(err))
		}
		if s := byID[id]; s != nil {
			s.vulns[v] = true
		}
	}
	return out, store.MapError(frows.Err())
}

func diff(ref ProjectRef, at time.Time, a, b map[string]*snap) []Change {
	var out []Change
	for k, nb := range b {
		na, ok := a[k]
		if !ok {
			out = append(out, Change{Project: ref, Component: nb.ref, Kind: "added", After: nb.license, At: at})
			for v := range nb.vulns {
				out = append(out, Change{Project: ref, Component: nb.ref, Kind: "vulnerability", After: v, At: at})
			}
			continue
		}
		if na.license != nb.license {
			out = append(out, Change{Project: ref, Component: nb.ref, Kind: "license", Before: na.license, After: nb.license, At: at})
		}
		if na.verdict != nb.verdict {
			out = append(out, Change{Project: ref, Component: nb.ref, Kind: "verdict", Before: na.verdict, After: nb.verdict, At: at})
		}
		for v := range nb.vulns {
			if !na.vulns[v] {
				out = append(out, Change{Project: ref, Component: nb.ref, Kind: "vulnerability", After: v, At: at})
			}
		}
	}
	for k, na := range a {
		if _, ok := b[k]; !ok {
			out = append(out, Change{Project: ref, Component: na.ref, Kind: "removed", Before: na.license, At: at})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Component.Name != y.Component.Name {
			return x.Component.Name < y.Component.Name
		}
		if x.Component.Version != y.Component.Version {
			return x.Component.Version < y.Component.Version
		}
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.After < y.After
	})
	return out
}

// knows it by.
