package portfolio

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"ospo/internal/risk"
	"ospo/internal/store"
)

// Options configure a Portfolio.
type Options struct {
	// Risk weighs the risk scores computed when scans are stored; the
	// zero value means risk.Default().
	Risk risk.Config
	// Releases, when set, tells release dates for staleness (libyears).
	Releases risk.Releases
	// Health, when set, gives the repository health scores (0–10) it
	// knows of the named repositories ("github.com/owner/repo"), for the
	// health part of each component's risk (monitor.LatestScores).
	Health func(ctx context.Context, repos []string) (map[string]float64, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Portfolio is the organisation's inventory in a store.
type Portfolio struct {
	st   *store.Store
	opts Options
}

// New returns the portfolio kept in st.
func New(st *store.Store, opts Options) *Portfolio {
	if opts.Risk.Severity == nil {
		opts.Risk = risk.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Portfolio{st: st, opts: opts}
}

// Store is the store the portfolio lives in.
func (p *Portfolio) Store() *store.Store { return p.st }

func (p *Portfolio) now() time.Time { return p.opts.Now().UTC() }

// ErrInvalid is matched (errors.Is) by every refusal of bad input: a
// project's fields, a scan without document, a where-used question it
// cannot read. The message is the refusal's own.
var ErrInvalid = errors.New("invalid")

// invalidError is a refusal of bad input.
type invalidError struct{ msg string }

func (e *invalidError) Error() string        { return e.msg }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}

var projectName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/@:+-]{0,199}$`)

// validate checks a project's fields and fills in defaults.
func validate(pr *Project) error {
	pr.Name = strings.TrimSpace(pr.Name)
	if !projectName.MatchString(pr.Name) {
		return invalidf("project name %q: use 1–200 letters, digits and . _ / @ : + -, starting with a letter or digit", pr.Name)
	}
	if pr.Criticality == "" {
		pr.Criticality = "medium"
	}
	if !oneOf(pr.Criticality, Criticalities) {
		return invalidf("project %s: criticality %q is not one of %s", pr.Name, pr.Criticality, strings.Join(Criticalities, ", "))
	}
	if pr.Kind == "" {
		pr.Kind = "own"
	}
	if !oneOf(pr.Kind, Kinds) {
		return invalidf("project %s: kind %q is not one of %s", pr.Name, pr.Kind, strings.Join(Kinds, ", "))
	}
	if len(pr.Owner) > 200 || len(pr.Supplier) > 200 || len(pr.Source) > 2000 || len(pr.Distribution) > 50 {
		return invalidf("project %s: a field is too long", pr.Name)
	}
	return nil
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// AddProject registers a project; a name already taken is ErrConflict.
func (p *Portfolio) AddProject(ctx context.Context, actor string, pr Project) (Project, error) {
	if err := validate(&pr); err != nil {
		return Project{}, err
	}
	pr.CreatedAt = p.now()
	err := p.st.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, p.st.Rebind(`INSERT INTO projects (name, owner, distribution, criticality, kind, supplier, source, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			pr.Name, pr.Owner, pr.Distribution, pr.Criticality, pr.Kind, pr.Supplier, pr.Source, pr.CreatedAt).Scan(&pr.ID)
		if err != nil {
			return err
		}
		return p.record(ctx, tx, Event{Actor: actor, Action: "project.added", Subject: projectSubject(pr.Name),
			Detail: fmt.Sprintf("owner=%s kind=%s criticality=%s source=%s", pr.Owner, pr.Kind, pr.Criticality, pr.Source)})
	})
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			return Project{}, fmt.Errorf("project %s: %w: the name is taken", pr.Name, err)
		}
		return Project{}, fmt.Errorf("project %s: %w", pr.Name, err)
	}
	return pr, nil
}

// EnsureProject returns the project named pr.Name, registering it with
// pr's fields when it does not exist yet.
func (p *Portfolio) EnsureProject(ctx context.Context, actor string, pr Project) (Project, bool, error) {
	got, err := p.ProjectByName(ctx, pr.Name)
	if err == nil {
		return got, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return Project{}, false, err
	}
	got, err = p.AddProject(ctx, actor, pr)
	if errors.Is(err, store.ErrConflict) { // registered meanwhile
		got, err = p.ProjectByName(ctx, pr.Name)
		return got, false, err
	}
	return got, err == nil, err
}

// UpdateProject changes a project's owner, distribution, criticality,
// kind, supplier and source (not its name), logging the change with the
// reason given.
func (p *Portfolio) UpdateProject(ctx context.Context, actor, reason string, pr Project) (Project, error) {
	old, err := p.Project(ctx, pr.ID)
	if err != nil {
		return Project{}, err
	}
	pr.Name = old.Name
	if err := validate(&pr); err != nil {
		return Project{}, err
	}
	var changes []string
	for _, f := range []struct{ name, a, b string }{
		{"owner", old.Owner, pr.Owner}, {"distribution", old.Distribution, pr.Distribution},
		{"criticality", old.Criticality, pr.Criticality}, {"kind", old.Kind, pr.Kind},
		{"supplier", old.Supplier, pr.Supplier}, {"source", old.Source, pr.Source},
	} {
		if f.a != f.b {
			changes = append(changes, fmt.Sprintf("%s: %q → %q", f.name, f.a, f.b))
		}
	}
	if len(changes) == 0 {
		return old, nil
	}
	err = p.st.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, p.st.Rebind(`UPDATE projects SET owner = ?, distribution = ?, criticality = ?, kind = ?, supplier = ?, source = ? WHERE id = ?`),
			pr.Owner, pr.Distribution, pr.Criticality, pr.Kind, pr.Supplier, pr.Source, pr.ID); err != nil {
			return err
		}
		return p.record(ctx, tx, Event{Actor: actor, Action: "project.changed", Subject: projectSubject(old.Name),
			Detail: strings.Join(changes, "; "), Reason: reason})
	})
	if err != nil {
		return Project{}, fmt.Errorf("project %s: %w", old.Name, err)
	}
	return p.Project(ctx, pr.ID)
}

func projectSubject(name string) string { return "project:" + name }

const projectCols = `p.id, p.name, p.owner, p.distribution, p.criticality, p.kind, p.supplier, p.source, p.created_at,
	s.id, s.scanned_at, s.origin, s.actor, s.tool, s.components, s.allowed, s.review, s.denied, s.no_license,
	s.vuln_critical, s.vuln_high, s.vuln_medium, s.vuln_low, s.vuln_unknown, s.health, s.risk, s.dt_risk`

const projectFrom = ` FROM projects p LEFT JOIN scans s ON s.id = p.latest_scan_id`

func scanProject(row interface{ Scan(...any) error }) (Project, error) {
	var pr Project
	var sid sql.NullInt64
	var at sql.NullTime
	var origin, actor, tool sql.NullString
	var n [14]sql.NullInt64
	var health, rk, dt sql.NullFloat64
	err := row.Scan(&pr.ID, &pr.Name, &pr.Owner, &pr.Distribution, &pr.Criticality, &pr.Kind, &pr.Supplier, &pr.Source, &pr.CreatedAt,
		&sid, &at, &origin, &actor, &tool, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8], &n[9], &health, &rk, &dt)
	if err != nil {
		return Project{}, err
	}
	pr.CreatedAt = pr.CreatedAt.UTC()
	if sid.Valid {
		s := &Scan{ID: sid.Int64, ProjectID: pr.ID, ScannedAt: at.Time.UTC(), Origin: origin.String, Actor: actor.String, Tool: tool.String,
			Components: int(n[0].Int64), Allowed: int(n[1].Int64), Review: int(n[2].Int64), Denied: int(n[3].Int64), NoLicense: int(n[4].Int64),
			Vulns: VulnCounts{Critical: int(n[5].Int64), High: int(n[6].Int64), Medium: int(n[7].Int64), Low: int(n[8].Int64), Unknown: int(n[9].Int64)},
			Risk:  rk.Float64, DTRisk: dt.Float64}
		if health.Valid {
			h := health.Float64
			s.Health = &h
		}
		pr.Latest = s
	}
	return pr, nil
}

// Project returns the project with id.
func (p *Portfolio) Project(ctx context.Context, id int64) (Project, error) {
	pr, err := scanProject(p.st.DB().QueryRowContext(ctx, p.st.Rebind(`SELECT `+projectCols+projectFrom+` WHERE p.id = ?`), id))
	if err != nil {
		return Project{}, fmt.Errorf("project %d: %w", id, store.MapError(err))
	}
	return pr, nil
}

// ProjectByName returns the project called name.
func (p *Portfolio) ProjectByName(ctx context.Context, name string) (Project, error) {
	pr, err := scanProject(p.st.DB().QueryRowContext(ctx, p.st.Rebind(`SELECT `+projectCols+projectFrom+` WHERE p.name = ?`), name))
	if err != nil {
		return Project{}, fmt.Errorf("project %s: %w", name, store.MapError(err))
	}
	return pr, nil
}

// Projects lists the projects f selects.
func (p *Portfolio) Projects(ctx context.Context, f ProjectFilter) (Page[Project], error) {
	var where []string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, `(`+p.st.Lower("p.name")+` LIKE ? ESCAPE '\' OR `+p.st.Lower("p.owner")+` LIKE ? ESCAPE '\')`)
		pat := "%" + likeEscape(strings.ToLower(q)) + "%"
		args = append(args, pat, pat)
	}
	if f.Kind != "" {
		where = append(where, `p.kind = ?`)
		args = append(args, f.Kind)
	}
	if f.Owner != "" {
		where = append(where, `p.owner = ?`)
		args = append(args, f.Owner)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	order := ` ORDER BY p.name`
	if f.Sort == "risk" {
		order = ` ORDER BY COALESCE(s.risk, 0) DESC, p.name`
	}
	var page Page[Project]
	if err := p.st.DB().QueryRowContext(ctx, p.st.Rebind(`SELECT COUNT(*) FROM projects p`+cond), args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("projects: %w", store.MapError(err))
	}
	limit, offset := bounds(f.Limit, f.Offset)
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(`SELECT `+projectCols+projectFrom+cond+order+` LIMIT ? OFFSET ?`), append(args, limit, offset)...)
	if err != nil {
		return page, fmt.Errorf("projects: %w", store.MapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		pr, err := scanProject(rows)
		if err != nil {
			return page, fmt.Errorf("projects: %w", store.MapError(err))
		}
		page.Items = append(page.Items, pr)
	}
	return page, store.MapError(rows.Err())
}

// MaxLimit is the longest page any list returns.
const MaxLimit = 1000

// bounds turns a requested limit and offset into usable ones: 50 by
// default, at most MaxLimit.
func bounds(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxLimit)
	return limit, max(offset, 0)
}

// likeEscape escapes LIKE's wildcards; queries use ESCAPE '\'.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// Record appends an event to the log.
func (p *Portfolio) Record(ctx context.Context, e Event) error {
	return p.st.InTx(ctx, func(tx *sql.Tx) error { return p.record(ctx, tx, e) })
}

func (p *Portfolio) record(ctx context.Context, tx *sql.Tx, e Event) error {
	if e.Actor == "" || e.Action == "" {
		return invalidf("event: actor and action are required")
	}
	if e.At.IsZero() {
		e.At = p.now()
	}
	_, err := tx.ExecContext(ctx, p.st.Rebind(`INSERT INTO events (at, actor, action, subject, detail, reason) VALUES (?, ?, ?, ?, ?, ?)`),
		e.At.UTC(), e.Actor, e.Action, e.Subject, e.Detail, e.Reason)
	return err
}

// Events lists the newest events first, limited to one subject when
// subject is not empty, skipping the newest offset.
func (p *Portfolio) Events(ctx context.Context, limit, offset int, subject string) ([]Event, error) {
	limit, offset = bounds(limit, offset)
	q := `SELECT id, at, actor, action, subject, detail, reason FROM events`
	args := []any{}
	if subject != "" {
		q += ` WHERE subject = ?`
		args = append(args, subject)
	}
	q += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	rows, err := p.st.DB().QueryContext(ctx, p.st.Rebind(q), append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("events: %w", store.MapError(err))
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.Reason); err != nil {
			return nil, fmt.Errorf("events: %w", store.MapError(err))
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, store.MapError(rows.Err())
}
