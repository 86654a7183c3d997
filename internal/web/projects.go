package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ospo/internal/access"
	"ospo/internal/license/knowledge"
	"ospo/internal/portfolio"
	"ospo/internal/secret"
	"ospo/internal/store"
)

// projectInput is the body of POST and PATCH /api/v1/projects: absent
// fields are left as they are (PATCH) or take their defaults (POST).
type projectInput struct {
	Name         *string `json:"name,omitempty"`
	Owner        *string `json:"owner,omitempty"`
	Distribution *string `json:"distribution,omitempty"`
	Criticality  *string `json:"criticality,omitempty"`
	Kind         *string `json:"kind,omitempty"`
	Supplier     *string `json:"supplier,omitempty"`
	Source       *string `json:"source,omitempty"`
	// Reason is logged with a change.
	Reason string `json:"reason,omitempty"`
}

// apply copies the fields given onto p. A source on the server's own
// disk (a path or file:// URL) is read by the workers with their rights,
// so only an admin may set one; others may give repository URLs. A
// source given back as it is shown, credentials redacted (the edit form
// is filled with it), keeps the stored one: saving the form must not
// replace a token with xxxxx.
func (in projectInput) apply(r *http.Request, p *portfolio.Project) error {
	if in.Source != nil && strings.TrimSpace(*in.Source) == secret.RedactURLs(p.Source) {
		in.Source = &p.Source
	}
	if in.Source != nil && localSource(strings.TrimSpace(*in.Source)) && strings.TrimSpace(*in.Source) != p.Source {
		if u := who(r); u == nil || !u.user.Role.AtLeast(access.Admin) {
			return &httpError{status: http.StatusForbidden,
				msg: "source: only an admin may set a path on the server as a project's source; give a repository URL (https, ssh or git)"}
		}
	}
	for _, f := range []struct {
		from *string
		to   *string
	}{{in.Name, &p.Name}, {in.Owner, &p.Owner}, {in.Distribution, &p.Distribution}, {in.Criticality, &p.Criticality},
		{in.Kind, &p.Kind}, {in.Supplier, &p.Supplier}, {in.Source, &p.Source}} {
		if f.from != nil {
			*f.to = strings.TrimSpace(*f.from)
		}
	}
	return nil
}

// localSource tells whether a project source names something on the
// server's disk rather than a remote repository.
func localSource(src string) bool {
	if src == "" || src == "upload" {
		return false
	}
	for _, prefix := range []string{"https://", "http://", "ssh://", "git://", "git@"} {
		if strings.HasPrefix(src, prefix) {
			return false
		}
	}
	return true
}

// formProject reads the project form's fields; absent ones stay nil.
func formProject(r *http.Request) (projectInput, error) {
	if err := r.ParseForm(); err != nil {
		return projectInput{}, readError(err)
	}
	get := func(k string) *string {
		if _, ok := r.PostForm[k]; !ok {
			return nil
		}
		v := r.PostFormValue(k)
		return &v
	}
	return projectInput{Name: get("name"), Owner: get("owner"), Distribution: get("distribution"), Criticality: get("criticality"),
		Kind: get("kind"), Supplier: get("supplier"), Source: get("source"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}, nil
}

// decodeJSON reads a JSON request body into v, refusing unknown fields
// and trailing data so that a misspelt field is an error, not a no-op.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return badRequest("the request body is empty; want a JSON object")
		}
		return badRequest("the request body is not the JSON expected: %v", err)
	}
	if dec.More() {
		return badRequest("the request body has data after the JSON object")
	}
	return nil
}

// project resolves the path value key to a project: an id, or a name
// when it is not a number.
func (s *Server) project(r *http.Request, key string) (portfolio.Project, error) {
	v := r.PathValue(key)
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return s.cfg.Portfolio.Project(r.Context(), id)
	}
	return s.cfg.Portfolio.ProjectByName(r.Context(), v)
}

// projectParam resolves the optional query parameter "project" (id or
// name) to a project id; 0 when absent.
func (s *Server) projectParam(r *http.Request) (int64, error) {
	v, err := text(r.URL.Query(), "project")
	if err != nil || v == "" {
		return 0, err
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	p, err := s.cfg.Portfolio.ProjectByName(r.Context(), v)
	if errors.Is(err, store.ErrNotFound) {
		return 0, badRequest("project %q: no such project", truncate(v, 60))
	}
	return p.ID, err
}

// projectsView is the project list's data.
type projectsView struct {
	Page   portfolio.Page[portfolio.Project]
	Filter portfolio.ProjectFilter
	formChoices
}

// formChoices are the values project forms offer.
type formChoices struct {
	Kinds         []string
	Criticalities []string
	Models        []string
}

func choices() formChoices {
	var models []string
	for _, m := range knowledge.Models() {
		models = append(models, string(m))
	}
	return formChoices{Kinds: portfolio.Kinds, Criticalities: portfolio.Criticalities, Models: models}
}

func (s *Server) projectsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := projectFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if wholeCSV(r) {
		return s.streamCSV(w, r, "projects", projectTable(nil).header, func(ctx context.Context, offset, limit int) ([][]string, error) {
			f.Offset, f.Limit = offset, limit
			page, err := s.cfg.Portfolio.Projects(ctx, f)
			return projectTable(shownProjects(page).Items).rows, err
		})
	}
	page, err := s.cfg.Portfolio.Projects(r.Context(), f)
	if err != nil {
		return err
	}
	page = shownProjects(filled(page))
	v := projectsView{Page: page, Filter: f, formChoices: choices()}
	return s.list(w, r, "projects", "Projects", v, page, func() table { return projectTable(page.Items) }, "projects")
}

func projectTable(ps []portfolio.Project) table {
	t := table{header: []string{"id", "name", "owner", "kind", "criticality", "distribution", "supplier", "source",
		"scannedAt", "components", "allowed", "review", "denied", "noLicense", "critical", "high", "medium", "low", "unknown",
		"risk", "dependencyTrackRisk", "health"}}
	for _, p := range ps {
		row := []string{strconv.FormatInt(p.ID, 10), p.Name, p.Owner, p.Kind, p.Criticality, p.Distribution, p.Supplier, p.Source}
		if s := p.Latest; s != nil {
			health := ""
			if s.Health != nil {
				health = fmtNum(*s.Health)
			}
			row = append(row, s.ScannedAt.Format(time.RFC3339), itoa(s.Components), itoa(s.Allowed), itoa(s.Review), itoa(s.Denied),
				itoa(s.NoLicense), itoa(s.Vulns.Critical), itoa(s.Vulns.High), itoa(s.Vulns.Medium), itoa(s.Vulns.Low), itoa(s.Vulns.Unknown),
				fmtNum(s.Risk), fmtNum(s.DTRisk), health)
		} else {
			row = append(row, make([]string, 14)...)
		}
		t.rows = append(t.rows, row)
	}
	return t
}

func itoa(n int) string { return strconv.Itoa(n) }

// projectView is a project's page: its summary, components, findings,
// scans and changes.
type projectView struct {
	Project     portfolio.Project                 `json:"project"`
	Scans       []portfolio.Scan                  `json:"scans"`
	Components  portfolio.Page[portfolio.Usage]   `json:"components"`
	Findings    portfolio.Page[portfolio.Finding] `json:"findings"`
	Changes     []portfolio.Change                `json:"changes"`
	Since       time.Time                         `json:"changesSince"`
	Filter      portfolio.ComponentFilter         `json:"-"`
	Queued      string                            `json:"-"`
	HasJobs     bool                              `json:"-"`
	formChoices `json:"-"`
}

// projectFindings bounds the findings the project page lists; the
// findings page filtered by the project has them all.
const projectFindings = 200

func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	cf, err := componentFilter(q, s.now())
	if err != nil {
		return err
	}
	cf.ProjectID = p.ID
	if cf.Sort == "" {
		cf.Sort = "risk"
	}
	since, err := parseSince(q.Get("since"), s.now(), 30*24*time.Hour)
	if err != nil {
		return err
	}
	if wholeCSV(r) {
		return s.streamCSV(w, r, "project-"+fileName(p.Name), usageTable(nil).header, func(ctx context.Context, offset, limit int) ([][]string, error) {
			cf.Offset, cf.Limit = offset, limit
			page, err := s.cfg.Portfolio.Components(ctx, cf)
			return usageTable(page.Items).rows, err
		})
	}
	ctx := r.Context()
	v := projectView{Project: shownProject(p), Since: since, Filter: cf, Queued: q.Get("queued"), HasJobs: s.cfg.Jobs != nil, formChoices: choices()}
	if v.Scans, err = s.cfg.Portfolio.Scans(ctx, p.ID, 50); err != nil {
		return err
	}
	if v.Components, err = s.cfg.Portfolio.Components(ctx, cf); err != nil {
		return err
	}
	if v.Findings, err = s.cfg.Portfolio.Findings(ctx, portfolio.FindingFilter{ProjectID: p.ID, IncludeIgnored: true, Limit: projectFindings}); err != nil {
		return err
	}
	if v.Changes, err = s.cfg.Portfolio.Changes(ctx, since, p.ID); err != nil {
		return err
	}
	v.Components, v.Findings, v.Scans, v.Changes = filled(v.Components), filled(v.Findings), nonNil(v.Scans), nonNil(v.Changes)
	return s.list(w, r, "project", p.Name, v, v, func() table { return usageTable(v.Components.Items) }, "project-"+fileName(p.Name))
}

// fileName makes a project name fit a download's file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '\\' || r == '/' || r == ':' || r == 0x7f {
			return '_'
		}
		return r
	}, s)
}

func (s *Server) projectCreateForm(w http.ResponseWriter, r *http.Request) error {
	in, err := formProject(r)
	if err != nil {
		return err
	}
	var p portfolio.Project
	if err := in.apply(r, &p); err != nil {
		return err
	}
	p, err = s.cfg.Portfolio.AddProject(r.Context(), actor(r), p)
	if err != nil {
		return invalidAsBadRequest(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d", p.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) projectEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	in, err := formProject(r)
	if err != nil {
		return err
	}
	in.Name = nil
	if err := in.apply(r, &p); err != nil {
		return err
	}
	if _, err := s.cfg.Portfolio.UpdateProject(r.Context(), actor(r), in.Reason, p); err != nil {
		return invalidAsBadRequest(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d", p.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) projectScanForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	id, err := s.enqueueScan(r, p)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?queued=%d", p.ID, id), http.StatusSeeOther)
	return nil
}

// errNoJobs answers the job routes of a server without a queue.
var errNoJobs = &httpError{status: http.StatusServiceUnavailable, msg: "this server has no job queue (start it with workers enabled)"}

func (s *Server) enqueueScan(r *http.Request, p portfolio.Project) (int64, error) {
	if s.cfg.Jobs == nil {
		return 0, errNoJobs
	}
	return s.cfg.Jobs.EnqueueScan(r.Context(), ScanRequest{ProjectID: p.ID, Source: p.Source, Actor: actor(r)})
}

func (s *Server) apiProjects(w http.ResponseWriter, r *http.Request) error {
	f, err := projectFilter(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.cfg.Portfolio.Projects(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, shownProjects(filled(page)))
	return nil
}

func (s *Server) apiProjectCreate(w http.ResponseWriter, r *http.Request) error {
	var in projectInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Name == nil {
		return badRequest("name: required")
	}
	var p portfolio.Project
	if err := in.apply(r, &p); err != nil {
		return err
	}
	p, err := s.cfg.Portfolio.AddProject(r.Context(), actor(r), p)
	if err != nil {
		return invalidAsBadRequest(err)
	}
	w.Header().Set("Location", fmt.Sprintf("%sprojects/%d", apiPrefix, p.ID))
	writeJSON(w, http.StatusCreated, shownProject(p))
	return nil
}

func (s *Server) apiProject(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, shownProject(p))
	return nil
}

func (s *Server) apiProjectUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	var in projectInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) != p.Name {
		return badRequest("name: a project cannot be renamed")
	}
	if err := in.apply(r, &p); err != nil {
		return err
	}
	p, err = s.cfg.Portfolio.UpdateProject(r.Context(), actor(r), in.Reason, p)
	if err != nil {
		return invalidAsBadRequest(err)
	}
	writeJSON(w, http.StatusOK, shownProject(p))
	return nil
}

func (s *Server) apiProjectScans(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	limit, _, err := paging(r.URL.Query())
	if err != nil {
		return err
	}
	scans, err := s.cfg.Portfolio.Scans(r.Context(), p.ID, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(scans))
	return nil
}

func (s *Server) apiProjectComponents(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	f, err := componentFilter(r.URL.Query(), s.now())
	if err != nil {
		return err
	}
	f.ProjectID = p.ID
	page, err := s.cfg.Portfolio.Components(r.Context(), f)
	if err != nil {
		return err
	}
	page = filled(page)
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiProjectFindings(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	f, err := findingFilter(r.URL.Query())
	if err != nil {
		return err
	}
	f.ProjectID = p.ID
	page, err := s.cfg.Portfolio.Findings(r.Context(), f)
	if err != nil {
		return err
	}
	page = filled(page)
	writeJSON(w, http.StatusOK, page)
	return nil
}

// jobQueued answers a queued job.
type jobQueued struct {
	ID int64 `json:"id"`
}

func (s *Server) apiProjectJob(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	id, err := s.enqueueScan(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, jobQueued{ID: id})
	return nil
}

// filled makes an empty page's items encode as [] rather than null.
func filled[T any](p portfolio.Page[T]) portfolio.Page[T] {
	p.Items = nonNil(p.Items)
	return p
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
