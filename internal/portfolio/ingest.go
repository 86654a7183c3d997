package portfolio

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	rows := p.score(in.Doc)
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
	sc.Risk = p.opts.Risk.Project(pr.Criticality, scores)
	sc.DTRisk = risk.DependencyTrack(levels)
	for _, pb := range in.Doc.Problems {
		sc.Problems = append(sc.Problems, pb.String())
	}
	var prev *Scan
	if pr.Latest != nil {
		prev = pr.Latest
	}
	err = p.st.InTx(ctx, func(tx *sql.Tx) error {
		problems, _ := json.Marshal(nonNilStrings(sc.Problems))
		err := tx.QueryRowContext(ctx, p.st.Rebind(`INSERT INTO scans (project_id, scanned_at, origin, actor, tool, components, allowed, review, denied, no_license,
			vuln_critical, vuln_high, vuln_medium, vuln_low, vuln_unknown, health, risk, dt_risk, problems_json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			sc.ProjectID, sc.ScannedAt, sc.Origin, sc.Actor, sc.Tool, sc.Components, sc.Allowed, sc.Review, sc.Denied, sc.NoLicense,
			sc.Vulns.Critical, sc.Vulns.High, sc.Vulns.Medium, sc.Vulns.Low, sc.Vulns.Unknown, nullFloat(sc.Health), sc.Risk, sc.DTRisk, string(problems)).Scan(&sc.ID)
		if err != nil {
			return err
		}
		// A component row shared with other projects is only read, never
		// rewritten: PostgreSQL would lock it for the rest of the
		// transaction and make concurrent ingests wait on each other.
		insert, err := tx.PrepareContext(ctx, p.st.Rebind(`INSERT INTO components (ecosystem, name, version, purl, purl_base) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (ecosystem, name, version) DO NOTHING RETURNING id`))
		if err != nil {
			return err
		}
		defer insert.Close()
		lookup, err := tx.PrepareContext(ctx, p.st.Rebind(`SELECT id FROM components WHERE ecosystem = ? AND name = ? AND version = ?`))
		if err != nil {
			return err
		}
		defer lookup.Close()
		insComp, err := tx.PrepareContext(ctx, p.st.Rebind(`INSERT INTO scan_components (scan_id, component_id, license, license_source, needs_review, license_reason,
			verdict, rule, reason, scope, direct, repository, paths_json, upgrade, vulns_unchecked, newest_release, vulns, risk, risk_json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scan_id, component_id) DO NOTHING`))
		if err != nil {
			return err
		}
		defer insComp.Close()
		insFinding, err := tx.PrepareContext(ctx, p.st.Rebind(`INSERT INTO findings (scan_id, component_id, vuln_id, aliases, severity, score, summary, fixed, ignored, url)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scan_id, component_id, vuln_id) DO NOTHING`))
		if err != nil {
			return err
		}
		defer insFinding.Close()
		insAlias, err := tx.PrepareContext(ctx, p.st.Rebind(`INSERT INTO vuln_ids (alias, vuln_id) VALUES (?, ?) ON CONFLICT (alias, vuln_id) DO NOTHING`))
		if err != nil {
			return err
		}
		defer insAlias.Close()
		for _, r := range rows {
			c := r.c
			var cid int64
			err := insert.QueryRowContext(ctx, c.Ecosystem, c.Name, c.Version, c.PURL, purlBase(c.PURL)).Scan(&cid)
			if errors.Is(err, sql.ErrNoRows) {
				err = lookup.QueryRowContext(ctx, c.Ecosystem, c.Name, c.Version).Scan(&cid)
			}
			if err != nil {
				return fmt.Errorf("component %s %s@%s: %w", c.Ecosystem, c.Name, c.Version, err)
			}
			paths, _ := json.Marshal(nonNilPaths(c.Paths))
			parts, _ := json.Marshal(r.score)
			if _, err := insComp.ExecContext(ctx, sc.ID, cid, c.License, c.LicenseSource, boolInt(c.NeedsReview), c.LicenseReason,
				string(c.Verdict), c.Rule, c.Reason, string(c.Scope), boolInt(c.Direct), c.Repository, string(paths), c.Upgrade,
				c.VulnerabilitiesUnchecked, nullTime(r.stale.NewestAt), len(r.counted), r.score.Total, string(parts)); err != nil {
				return fmt.Errorf("component %s %s@%s: %w", c.Ecosystem, c.Name, c.Version, err)
			}
			for _, v := range c.Vulnerabilities {
				if _, err := insFinding.ExecContext(ctx, sc.ID, cid, v.ID, strings.Join(v.Aliases, " "), string(v.Severity.Level),
					nullScore(v.Severity), v.Summary, strings.Join(v.Fixed, " "), v.Ignored, v.URL); err != nil {
					return fmt.Errorf("finding %s of %s@%s: %w", v.ID, c.Name, c.Version, err)
				}
				for _, a := range append([]string{v.ID}, v.Aliases...) {
					if _, err := insAlias.ExecContext(ctx, a, v.ID); err != nil {
						return err
					}
				}
			}
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

// scored is a component of a document with its risk.
type scored struct {
	c       *report.Component
	counted []vuln.Finding // findings the policy does not ignore
	stale   risk.Staleness
	score   risk.Score
}

// score computes every component's risk, merging duplicates (a document
// lists each package version once, but be safe).
func (p *Portfolio) score(d *report.Document) []scored {
	seen := map[string]bool{}
	out := make([]scored, 0, len(d.Components))
	for i := range d.Components {
		c := &d.Components[i]
		k := c.Ecosystem + "\x00" + c.Name + "\x00" + c.Version
		if seen[k] || c.Name == "" {
			continue
		}
		seen[k] = true
		var counted []vuln.Finding
		for _, v := range c.Vulnerabilities {
			if v.Ignored == "" {
				counted = append(counted, v.Finding)
			}
		}
		stale := p.staleness(c)
		in := risk.Input{Findings: counted, Verdict: c.Verdict, NeedsReview: c.NeedsReview, License: c.License,
			Unchecked: c.VulnerabilitiesUnchecked, Staleness: stale}
		out = append(out, scored{c: c, counted: counted, stale: stale, score: p.opts.Risk.Component(in)})
	}
	// One order for every ingest, so that two storing shared components
	// at once take their locks in the same order and never deadlock.
	slices.SortFunc(out, func(a, b scored) int {
		return cmp.Or(strings.Compare(a.c.Ecosystem, b.c.Ecosystem), strings.Compare(a.c.Name, b.c.Name), strings.Compare(a.c.Version, b.c.Version))
	})
	return out
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
