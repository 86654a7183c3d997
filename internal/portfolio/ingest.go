package portfolio

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"

	"ospo/internal/policy"
	"ospo/internal/report"
	"ospo/internal/risk"
	"ospo/internal/store"
	"ospo/internal/vuln"
)

// Ingestion is a scan result to store for a project.
type Ingestion struct {
	ProjectID int64
	Doc       *report.Document
	// Origin says how the result came (job, upload, cli, demo).
	Origin string
	Actor  string
	// Health is the project's repository health score (0–10), nil when
	// none was taken.
	Health *float64
	// At is when the scan ran; zero means now.
	At time.Time
}

// Ingest stores a scan of a project as its newest, with every component,
// decision and finding, and their risk scores. It returns the stored scan
// and what is new since the previous one. The whole scan is one
// transaction: a failure keeps nothing and loses nothing.
func (p *Portfolio) Ingest(ctx context.Context, in Ingestion) (Scan, Delta, error) {
	if in.Doc == nil {
		return Scan{}, Delta{}, invalidf("ingest: no scan document")
	}
	if in.Origin == "" || in.Actor == "" {
		return Scan{}, Delta{}, invalidf("ingest: origin and actor are required")
	}
	pr, err := p.Project(ctx, in.ProjectID)
	if err != nil {
		return Scan{}, Delta{}, fmt.Errorf("ingest: %w", err)
	}
	at := in.At.UTC()
	if in.At.IsZero() {
		at = p.now()
	}
	health, err := p.componentHealth(ctx, in.Doc)
	if err != nil {
		return Scan{}, Delta{}, fmt.Errorf("ingest into project %s: %w", pr.Name, err)
	}
	rows := p.score(in.Doc, health)
	sc := Scan{ProjectID: pr.ID, ScannedAt: at, Origin: in.Origin, Actor: in.Actor, Health: in.Health,
		Tool: strings.TrimSpace(in.Doc.Tool.Name + " " + in.Doc.Tool.Version), Components: len(rows)}
	var scores []risk.Score
	levels := map[vuln.Level]int{}
	for _, r := range rows {
		switch policy.Verdict(r.c.Verdict) {
		case policy.Allow:
			sc.Allowed++
		case policy.Review:
			sc.Review++
		case policy.Deny:
			sc.Denied++
		}
		if noLicense(r.c.License) {
			sc.NoLicense++
		}
		for _, f := range r.counted {
			levels[f.Severity.Level]++
		}
		scores = append(scores, r.score)
	}
	sc.Vulns = VulnCounts{Critical: levels[vuln.Critical], High: levels[vuln.High], Medium: levels[vuln.Medium], Low: levels[vuln.Low], Unknown: levels[vuln.Unknown]}
	sc.Risk = p.opts.Risk.ProjectWithHealth(pr.Criticality, scores, in.Health)
	sc.DTRisk = risk.DependencyTrack(levels)
	for _, pb := range in.Doc.Problems {
		sc.Problems = append(sc.Problems, pb.String())
	}
	var prev *Scan
	err = p.st.InTx(ctx, func(tx *sql.Tx) error {
		// The scan this one follows is read here, under the write lock
		// (on PostgreSQL the project's row lock): two ingests of one
		// project at once then follow each other, and the second's
		// delta is against the first instead of both against the same
		// older scan.
		var err error
		if prev, err = p.previousScan(ctx, tx, pr.ID); err != nil {
			return err
		}
		problems, _ := json.Marshal(nonNilStrings(sc.Problems))
		err = tx.QueryRowContext(ctx, p.st.Rebind(`INSERT INTO scans (project_id, scanned_at, origin, actor, tool, components, allowed, review, denied, no_license,
			vuln_critical, vuln_high, vuln_medium, vuln_low, vuln_unknown, health, risk, dt_risk, problems_json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			sc.ProjectID, sc.ScannedAt, sc.Origin, sc.Actor, sc.Tool, sc.Components, sc.Allowed, sc.Review, sc.Denied, sc.NoLicense,
			sc.Vulns.Critical, sc.Vulns.High, sc.Vulns.Medium, sc.Vulns.Low, sc.Vulns.Unknown, nullFloat(sc.Health), sc.Risk, sc.DTRisk, string(problems)).Scan(&sc.ID)
		if err != nil {
			return err
		}
		ids, err := p.componentIDs(ctx, tx, rows)
		if err != nil {
			return err
		}
		var compRows, findingRows, aliasRows [][]any
		seenAlias := map[[2]string]bool{}
		for i, r := range rows {
			c := r.c
			paths, _ := json.Marshal(nonNilPaths(c.Paths))
			parts, _ := json.Marshal(r.score)
			compRows = append(compRows, []any{sc.ID, ids[i], c.License, c.LicenseSource, boolInt(c.NeedsReview), c.LicenseReason,
				string(c.Verdict), c.Rule, c.Reason, string(c.Scope), boolInt(c.Direct), c.Repository, string(paths), c.Upgrade,
				c.VulnerabilitiesUnchecked, nullTime(r.stale.NewestAt), len(r.counted), r.score.Total, string(parts)})
			for _, v := range r.vulns {
				findingRows = append(findingRows, []any{sc.ID, ids[i], v.ID, strings.Join(v.Aliases, " "), string(v.Severity.Level),
					nullScore(v.Severity), v.Summary, strings.Join(v.Fixed, " "), v.Ignored, v.URL})
				for _, a := range append([]string{v.ID}, v.Aliases...) {
					if k := [2]string{a, v.ID}; !seenAlias[k] {
						seenAlias[k] = true
						aliasRows = append(aliasRows, []any{a, v.ID})
					}
				}
			}
		}
		if err := p.insertRows(ctx, tx, `INSERT INTO scan_components (scan_id, component_id, license, license_source, needs_review, license_reason,
			verdict, rule, reason, scope, direct, repository, paths_json, upgrade, vulns_unchecked, newest_release, vulns, risk, risk_json) VALUES `,
			compRows, ``); err != nil {
			return fmt.Errorf("components: %w", err)
		}
		if err := p.insertRows(ctx, tx, `INSERT INTO findings (scan_id, component_id, vuln_id, aliases, severity, score, summary, fixed, ignored, url) VALUES `,
			findingRows, ``); err != nil {
			return fmt.Errorf("findings: %w", err)
		}
		if err := p.insertRows(ctx, tx, `INSERT INTO vuln_ids (alias, vuln_id) VALUES `, aliasRows,
			` ON CONFLICT (alias, vuln_id) DO NOTHING`); err != nil {
			return fmt.Errorf("vulnerability ids: %w", err)
		}
		categories := map[string]int{}
		for _, r := range rows {
			categories[string(LicenseCategory(r.c.License))]++
		}
		for cat, n := range categories {
			if _, err := tx.ExecContext(ctx, p.st.Rebind(`INSERT INTO scan_licenses (scan_id, category, components) VALUES (?, ?, ?)`), sc.ID, cat, n); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, p.st.Rebind(`UPDATE projects SET latest_scan_id = ? WHERE id = ?`), sc.ID, pr.ID); err != nil {
			return err
		}
		return p.record(ctx, tx, Event{Actor: in.Actor, Action: "scan.stored", Subject: projectSubject(pr.Name),
			Detail: fmt.Sprintf("scan %d (%s): %d components, %d denied, %d to review, %d vulnerabilities", sc.ID, sc.Origin, sc.Components, sc.Denied, sc.Review, sc.Vulns.Total())})
	})
	if err != nil {
		return Scan{}, Delta{}, fmt.Errorf("ingest into project %s: %w", pr.Name, store.MapError(err))
	}
	delta, err := p.delta(ctx, pr, prev, sc)
	if err != nil {
		return sc, Delta{}, err
	}
	return sc, delta, nil
}

// previousScan is the project's newest scan as the transaction sees it
// (nil before the first), with the project's row locked on PostgreSQL
// until the transaction ends. SQLite transactions hold the database's
// write lock from their start, which serialises them already.
func (p *Portfolio) previousScan(ctx context.Context, tx *sql.Tx, projectID int64) (*Scan, error) {
	lock := ""
	if p.st.Dialect() == store.Postgres {
		lock = " FOR UPDATE"
	}
	var id sql.NullInt64
	if err := tx.QueryRowContext(ctx, p.st.Rebind(`SELECT latest_scan_id FROM projects WHERE id = ?`+lock), projectID).Scan(&id); err != nil {
		return nil, err
	}
	if !id.Valid {
		return nil, nil
	}
	prev := &Scan{ID: id.Int64, ProjectID: projectID}
	var health sql.NullFloat64
	if err := tx.QueryRowContext(ctx, p.st.Rebind(`SELECT health FROM scans WHERE id = ?`), id.Int64).Scan(&health); err != nil {
		return nil, err
	}
	if health.Valid {
		h := health.Float64
		prev.Health = &h
	}
	return prev, nil
}

// maxParams bounds the parameters of one statement (SQLite allows
// 32,766, PostgreSQL 65,535); batches of rows stay well below.
const maxParams = 2000

// insertRows inserts rows (all of one width) with as few multi-row
// statements as the parameter bound allows: one round trip per batch
// instead of one per row, which is what a database server's latency
// makes expensive.
func (p *Portfolio) insertRows(ctx context.Context, tx *sql.Tx, head string, rows [][]any, tail string) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	tuple := "(?" + strings.Repeat(", ?", width-1) + ")"
	per := max(1, maxParams/width)
	for start := 0; start < len(rows); start += per {
		batch := rows[start:min(len(rows), start+per)]
		args := make([]any, 0, len(batch)*width)
		for _, r := range batch {
			args = append(args, r...)
		}
		q := head + tuple + strings.Repeat(", "+tuple, len(batch)-1) + tail
		if _, err := tx.ExecContext(ctx, p.st.Rebind(q), args...); err != nil {
			return err
		}
	}
	return nil
}

// componentIDs returns the id of each row's package version, adding the
// versions not seen before. A row shared with other projects is only
// read, never rewritten: PostgreSQL would lock it for the rest of the
// transaction and make concurrent ingests wait on each other. rows are
// in one order for every ingest (see score), so that two ingests adding
// the same new versions lock them in the same order.
func (p *Portfolio) componentIDs(ctx context.Context, tx *sql.Tx, rows []scored) ([]int64, error) {
	var add [][]any
	for _, r := range rows {
		c := r.c
		add = append(add, []any{c.Ecosystem, c.Name, c.Version, c.PURL, purlBase(c.PURL)})
	}
	if err := p.insertRows(ctx, tx, `INSERT INTO components (ecosystem, name, version, purl, purl_base) VALUES `, add,
		` ON CONFLICT (ecosystem, name, version) DO NOTHING`); err != nil {
		return nil, fmt.Errorf("components: %w", err)
	}
	type key struct{ eco, name, version string }
	found := make(map[key]int64, len(rows))
	noPURL := map[key]bool{} // stored without a package URL
	const per = maxParams / 3
	for start := 0; start < len(rows); start += per {
		batch := rows[start:min(len(rows), start+per)]
		args := make([]any, 0, 3*len(batch))
		for _, r := range batch {
			args = append(args, r.c.Ecosystem, r.c.Name, r.c.Version)
		}
		triple := "(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))"
		q := `SELECT id, ecosystem, name, version, purl_base FROM components WHERE (ecosystem, name, version) IN (VALUES ` +
			triple + strings.Repeat(", "+triple, len(batch)-1) + `)`
		res, err := tx.QueryContext(ctx, p.st.Rebind(q), args...)
		if err != nil {
			return nil, fmt.Errorf("components: %w", err)
		}
		for res.Next() {
			var id int64
			var k key
			var base string
			if err := res.Scan(&id, &k.eco, &k.name, &k.version, &base); err != nil {
				res.Close()
				return nil, fmt.Errorf("components: %w", err)
			}
			found[k] = id
			noPURL[k] = base == ""
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, fmt.Errorf("components: %w", err)
		}
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		k := key{r.c.Ecosystem, r.c.Name, r.c.Version}
		id, ok := found[k]
		if !ok {
			return nil, fmt.Errorf("component %s %s@%s was not stored", r.c.Ecosystem, r.c.Name, r.c.Version)
		}
		ids[i] = id
		// A version first stored without a package URL (an SBOM that
		// gave none) takes this one's, so that questions by package URL
		// find every project. Only such rows are written, and rarely.
		if base := purlBase(r.c.PURL); noPURL[k] && base != "" {
			if _, err := tx.ExecContext(ctx, p.st.Rebind(`UPDATE components SET purl = ?, purl_base = ? WHERE id = ? AND purl_base = ''`),
				r.c.PURL, base, id); err != nil {
				return nil, fmt.Errorf("component %s %s@%s: %w", r.c.Ecosystem, r.c.Name, r.c.Version, err)
			}
			noPURL[k] = false
		}
	}
	return ids, nil
}

// scored is a component of a document with its risk.
type scored struct {
	c       *report.Component
	vulns   []report.Vulnerability // c's findings, one per id
	counted []vuln.Finding         // those the policy does not ignore
	stale   risk.Staleness
	score   risk.Score
}

// score computes every component's risk, merging duplicates (a document
// lists each package version once, but be safe).
func (p *Portfolio) score(d *report.Document, health map[string]float64) []scored {
	seen := map[string]bool{}
	out := make([]scored, 0, len(d.Components))
	for i := range d.Components {
		c := &d.Components[i]
		k := c.Ecosystem + "\x00" + c.Name + "\x00" + c.Version
		if seen[k] || c.Name == "" {
			continue
		}
		seen[k] = true
		vulns := uniqueFindings(c.Vulnerabilities)
		var counted []vuln.Finding
		for _, v := range vulns {
			if v.Ignored == "" {
				counted = append(counted, v.Finding)
			}
		}
		stale := p.staleness(c)
		in := risk.Input{Findings: counted, Verdict: c.Verdict, NeedsReview: c.NeedsReview, License: c.License,
			Unchecked: c.VulnerabilitiesUnchecked, Staleness: stale}
		if h, ok := health[RepoKey(c.Repository)]; ok && RepoKey(c.Repository) != "" {
			in.Health = &h
		}
		out = append(out, scored{c: c, vulns: vulns, counted: counted, stale: stale, score: p.opts.Risk.Component(in)})
	}
	// One order for every ingest, so that two storing shared components
	// at once take their locks in the same order and never deadlock.
	slices.SortFunc(out, func(a, b scored) int {
		return cmp.Or(strings.Compare(a.c.Ecosystem, b.c.Ecosystem), strings.Compare(a.c.Name, b.c.Name), strings.Compare(a.c.Version, b.c.Version))
	})
	return out
}

// uniqueFindings keeps one finding per vulnerability id, in the order
// they came: an uploaded document may list one twice, and the scan's
// counts must agree with the findings stored. Of two, the one the policy
// does not ignore is kept.
func uniqueFindings(vs []report.Vulnerability) []report.Vulnerability {
	at := make(map[string]int, len(vs))
	out := make([]report.Vulnerability, 0, len(vs))
	for _, v := range vs {
		i, dup := at[v.ID]
		switch {
		case !dup:
			at[v.ID] = len(out)
			out = append(out, v)
		case out[i].Ignored != "" && v.Ignored == "":
			out[i] = v
		}
	}
	return out
}

// componentHealth asks the health source, when there is one, for the
// scores of the components' repositories, by RepoKey.
func (p *Portfolio) componentHealth(ctx context.Context, d *report.Document) (map[string]float64, error) {
	if p.opts.Health == nil {
		return nil, nil
	}
	seen := map[string]bool{}
	var keys []string
	for _, c := range d.Components {
		if k := RepoKey(c.Repository); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	return p.opts.Health(ctx, keys)
}

// RepoKey names a repository the way repository checks and Scorecard
// results do: host and path, without scheme, user, ".git" or a trailing
// slash, the host in lower case ("https://github.com/Owner/repo.git" →
// "github.com/Owner/repo"). It is "" for what is no repository address.
func RepoKey(repo string) string {
	s := strings.TrimSpace(repo)
	s = strings.TrimPrefix(s, "git+")
	for _, scheme := range []string{"https://", "http://", "git://", "ssh://"} {
		s = strings.TrimPrefix(s, scheme)
	}
	if at := strings.IndexByte(s, '@'); at >= 0 && at < strings.IndexByte(s+"/", '/') {
		s = s[at+1:]
	}
	// git@host:owner/repo
	if colon, slash := strings.IndexByte(s, ':'), strings.IndexByte(s, '/'); colon > 0 && (slash < 0 || colon < slash) {
		s = s[:colon] + "/" + s[colon+1:]
	}
	s = strings.TrimSuffix(strings.TrimRight(s, "/"), ".git")
	host, path, ok := strings.Cut(s, "/")
	if !ok || path == "" || !strings.Contains(host, ".") || strings.ContainsAny(s, " ?#") {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(host), "www.") + "/" + path
}

// staleness asks the release source, when there is one, how far c lags.
func (p *Portfolio) staleness(c *report.Component) risk.Staleness {
	if p.opts.Releases == nil {
		return risk.Staleness{Behind: -1, Why: "no release dates available offline"}
	}
	return risk.StalenessFrom(p.opts.Releases, nil, c.Ecosystem, c.Name, c.Version)
}

// delta compares the stored scan with the one before it.
func (p *Portfolio) delta(ctx context.Context, pr Project, prev *Scan, cur Scan) (Delta, error) {
	d := Delta{Project: ProjectRef{ID: pr.ID, Name: pr.Name}}
	prevID := int64(0)
	if prev != nil {
		prevID = prev.ID
		if prev.Health != nil && cur.Health != nil && *cur.Health < *prev.Health {
			d.HealthBefore, d.HealthAfter = prev.Health, cur.Health
		}
	}
	// Denied now, and not denied (or absent) before.
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT `+usageCols+` FROM scan_components sc
		JOIN components c ON c.id = sc.component_id JOIN projects p ON p.id = ?
		WHERE sc.scan_id = ? AND sc.verdict = 'deny'
		AND NOT EXISTS (SELECT 1 FROM scan_components o WHERE o.scan_id = ? AND o.component_id = sc.component_id AND o.verdict = 'deny')
		ORDER BY c.name, c.version`), pr.ID, cur.ID, prevID)
	if err != nil {
		return d, fmt.Errorf("changes of project %s: %w", pr.Name, store.MapError(err))
	}
	us, err := scanUsages(rows)
	if err != nil {
		return d, fmt.Errorf("changes of project %s: %w", pr.Name, err)
	}
	d.NewDenied = us
	frows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT `+findingCols+` FROM findings f
		JOIN components c ON c.id = f.component_id JOIN projects p ON p.id = ?
		WHERE f.scan_id = ? AND f.severity = 'critical' AND f.ignored = ''
		AND NOT EXISTS (SELECT 1 FROM findings o WHERE o.scan_id = ? AND o.component_id = f.component_id AND o.vuln_id = f.vuln_id AND o.ignored = '')
		ORDER BY f.vuln_id, c.name`), pr.ID, cur.ID, prevID)
	if err != nil {
		return d, fmt.Errorf("changes of project %s: %w", pr.Name, store.MapError(err))
	}
	fs, err := scanFindings(frows)
	if err != nil {
		return d, fmt.Errorf("changes of project %s: %w", pr.Name, err)
	}
	d.NewCritical = fs
	return d, nil
}

func noLicense(l string) bool { return l == "" || l == "NOASSERTION" || l == "NONE" }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// nullScore is the CVSS base score, NULL when there is none (a rating
// from the database alone has no score).
func nullScore(s vuln.Severity) any {
	if s.Score == 0 {
		return nil
	}
	return s.Score
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilPaths(p [][]string) [][]string {
	if p == nil {
		return [][]string{}
	}
	return p
}

// purlBase is a package URL without version, qualifiers and subpath; ""
// when it cannot be read.
func purlBase(s string) string {
	if s == "" {
		return ""
	}
	u, err := packageurl.FromString(s)
	if err != nil {
		return ""
	}
	u.Version, u.Qualifiers, u.Subpath = "", nil, ""
	return u.ToString()
}
