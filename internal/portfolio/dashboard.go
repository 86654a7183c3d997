package portfolio

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"ospo/internal/license/knowledge"
	"ospo/internal/risk"
	"ospo/internal/store"
	"ospo/internal/vuln"
)

// Dashboard counts the organisation: projects, components of the newest
// scans by license category and verdict, findings by severity now and
// over time, and the projects ranked by risk.
func (p *Portfolio) Dashboard(ctx context.Context) (Dashboard, error) {
	d := Dashboard{Licenses: map[string]int{}, Verdicts: map[string]int{}}
	db := p.st.DB()
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(latest_scan_id) FROM projects`).Scan(&d.Projects, &d.Scanned); err != nil {
		return d, fmt.Errorf("dashboard: %w", store.MapError(err))
	}
	var allowed, review, denied int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(s.components), 0), COALESCE(SUM(s.allowed), 0), COALESCE(SUM(s.review), 0),
		COALESCE(SUM(s.denied), 0), COALESCE(SUM(s.vuln_critical), 0), COALESCE(SUM(s.vuln_high), 0), COALESCE(SUM(s.vuln_medium), 0),
		COALESCE(SUM(s.vuln_low), 0), COALESCE(SUM(s.vuln_unknown), 0)
		FROM projects p JOIN scans s ON s.id = p.latest_scan_id`).Scan(&d.Components, &allowed, &review, &denied,
		&d.Vulns.Critical, &d.Vulns.High, &d.Vulns.Medium, &d.Vulns.Low, &d.Vulns.Unknown); err != nil {
		return d, fmt.Errorf("dashboard: %w", store.MapError(err))
	}
	undecided := d.Components - allowed - review - denied
	for k, v := range map[string]int{"allow": allowed, "review": review, "deny": denied, "undecided": undecided} {
		if v > 0 {
			d.Verdicts[k] = v
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT l.category, SUM(l.components) FROM scan_licenses l
		JOIN projects p ON p.latest_scan_id = l.scan_id GROUP BY l.category`)
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", store.MapError(err))
	}
	for rows.Next() {
		var cat string
		var n int
		if err := rows.Scan(&cat, &n); err != nil {
			rows.Close()
			return d, fmt.Errorf("dashboard: %w", store.MapError(err))
		}
		d.Licenses[cat] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("dashboard: %w", store.MapError(err))
	}
	if d.FindingsOverTime, err = p.findingsOverTime(ctx); err != nil {
		return d, err
	}
	prows, err := db.QueryContext(ctx, `SELECT p.id, p.name, p.criticality, s.risk, s.dt_risk FROM projects p
		JOIN scans s ON s.id = p.latest_scan_id ORDER BY s.risk DESC, p.name LIMIT 20`)
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", store.MapError(err))
	}
	defer prows.Close()
	for prows.Next() {
		var r ProjectRisk
		if err := prows.Scan(&r.Project.ID, &r.Project.Name, &r.Criticality, &r.Risk, &r.DTRisk); err != nil {
			return d, fmt.Errorf("dashboard: %w", store.MapError(err))
		}
		d.RiskByProject = append(d.RiskByProject, r)
	}
	return d, store.MapError(prows.Err())
}

// findingsOverTime replays the scans in order: on each day with scans,
// the counts of every project's newest scan as of the end of that day.
func (p *Portfolio) findingsOverTime(ctx context.Context) ([]DayCounts, error) {
	rows, err := p.st.DB().QueryContext(ctx, `SELECT project_id, scanned_at, vuln_critical, vuln_high, vuln_medium, vuln_low, vuln_unknown
		FROM scans ORDER BY scanned_at, id`)
	if err != nil {
		return nil, fmt.Errorf("findings over time: %w", store.MapError(err))
	}
	defer rows.Close()
	current := map[int64]VulnCounts{}
	var out []DayCounts
	var day time.Time
	flush := func() {
		var sum VulnCounts
		for _, c := range current {
			sum.Critical += c.Critical
			sum.High += c.High
			sum.Medium += c.Medium
			sum.Low += c.Low
			sum.Unknown += c.Unknown
		}
		out = append(out, DayCounts{Day: day, Counts: sum})
	}
	for rows.Next() {
		var id int64
		var at time.Time
		var c VulnCounts
		if err := rows.Scan(&id, &at, &c.Critical, &c.High, &c.Medium, &c.Low, &c.Unknown); err != nil {
			return nil, fmt.Errorf("findings over time: %w", store.MapError(err))
		}
		d := at.UTC().Truncate(24 * time.Hour)
		if !day.IsZero() && !d.Equal(day) {
			flush()
		}
		day = d
		current[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("findings over time: %w", store.MapError(err))
	}
	if !day.IsZero() {
		flush()
	}
	return out, nil
}

// LicenseCategory is the category of a concluded license expression:
// the category of a single license; for AND, the most demanding of its
// terms; for OR, the least demanding of its choices; unknown when no
// license was concluded or a term is not known.
func LicenseCategory(expr string) knowledge.Category {
	expr = strings.TrimSpace(expr)
	if noLicense(expr) {
		return knowledge.Unknown
	}
	return categoryOf(expr)
}

func categoryOf(expr string) knowledge.Category {
	expr = strings.TrimSpace(expr)
	for strings.HasPrefix(expr, "(") && strings.HasSuffix(expr, ")") && balanced(expr[1:len(expr)-1]) {
		expr = strings.TrimSpace(expr[1 : len(expr)-1])
	}
	if parts := splitTop(expr, " OR "); len(parts) > 1 {
		best := knowledge.Unknown
		for _, t := range parts {
			if c := categoryOf(t); rank(c) < rank(best) {
				best = c
			}
		}
		return best
	}
	if parts := splitTop(expr, " AND "); len(parts) > 1 {
		worst := knowledge.PublicDomain
		for _, t := range parts {
			if c := categoryOf(t); rank(c) > rank(worst) {
				worst = c
			}
		}
		return worst
	}
	id, _, _ := strings.Cut(expr, " WITH ")
	if info, ok := knowledge.Lookup(strings.TrimSuffix(strings.TrimSpace(id), "+")); ok {
		return info.Category
	}
	return knowledge.Unknown
}

func rank(c knowledge.Category) int {
	for i, k := range knowledge.Categories() {
		if k == c {
			return i
		}
	}
	return len(knowledge.Categories())
}

// balanced tells whether s has as many closing as opening parentheses at
// every prefix (so that stripping an outer pair is right).
func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// splitTop splits s at sep outside parentheses.
func splitTop(s, sep string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && strings.HasPrefix(s[i:], sep) {
			out = append(out, s[start:i])
			start = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(out, s[start:])
}

// Actions ranks what to do about the vulnerabilities in the newest
// scans: one action per component and target version, with the projects
// it fixes and what it removes (risk.Config.Actions).
func (p *Portfolio) Actions(ctx context.Context, limit int) ([]risk.Action, error) {
	rows, err := p.st.DB().QueryContext(ctx, `SELECT p.name, c.ecosystem, c.name, c.version, sc.upgrade, f.vuln_id, f.severity, f.score
		FROM findings f JOIN projects p ON p.latest_scan_id = f.scan_id
		JOIN components c ON c.id = f.component_id
		JOIN scan_components sc ON sc.scan_id = f.scan_id AND sc.component_id = f.component_id
		WHERE f.ignored = '' ORDER BY p.name, c.ecosystem, c.name, c.version`)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", store.MapError(err))
	}
	defer rows.Close()
	byKey := map[string]*risk.Usage{}
	var order []string
	for rows.Next() {
		var u risk.Usage
		var id, sev string
		var score sql.NullFloat64
		if err := rows.Scan(&u.Project, &u.Ecosystem, &u.Name, &u.Version, &u.Upgrade, &id, &sev, &score); err != nil {
			return nil, fmt.Errorf("actions: %w", store.MapError(err))
		}
		k := u.Project + "\x00" + u.Ecosystem + "\x00" + u.Name + "\x00" + u.Version
		x := byKey[k]
		if x == nil {
			x = &u
			byKey[k] = x
			order = append(order, k)
		}
		x.Findings = append(x.Findings, vuln.Finding{ID: id, Severity: vuln.Severity{Level: vuln.Level(sev), Score: score.Float64}})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("actions: %w", store.MapError(err))
	}
	us := make([]risk.Usage, 0, len(order))
	for _, k := range order {
		us = append(us, *byKey[k])
	}
	sort.SliceStable(us, func(i, j int) bool { return us[i].Project < us[j].Project })
	acts := p.opts.Risk.Actions(us)
	if limit > 0 && len(acts) > limit {
		acts = acts[:limit]
	}
	return acts, nil
}
