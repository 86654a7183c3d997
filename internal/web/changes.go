package web

import (
	"net/http"
	"time"

	"ospo/internal/portfolio"
)

// changesView is the changes page's data.
type changesView struct {
	Since   time.Time
	Project string
	Changes []portfolio.Change
}

// defaultSince is how far back the changes page looks by default.
const defaultSince = 7 * 24 * time.Hour

func (s *Server) changes(r *http.Request) (changesView, error) {
	var v changesView
	var err error
	if v.Since, err = parseSince(r.URL.Query().Get("since"), s.now(), defaultSince); err != nil {
		return v, err
	}
	id, err := s.projectParam(r)
	if err != nil {
		return v, err
	}
	v.Project = r.URL.Query().Get("project")
	v.Changes, err = s.cfg.Portfolio.Changes(r.Context(), v.Since, id)
	v.Changes = nonNil(v.Changes)
	return v, err
}

func (s *Server) changesPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.changes(r)
	if err != nil {
		return err
	}
	return s.list(w, r, "changes", "Changes", v, v.Changes, func() table { return changeTable(v.Changes) }, "changes")
}

func (s *Server) apiChanges(w http.ResponseWriter, r *http.Request) error {
	v, err := s.changes(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v.Changes)
	return nil
}

func changeTable(cs []portfolio.Change) table {
	t := table{header: []string{"at", "project", "ecosystem", "name", "version", "kind", "before", "after"}}
	for _, c := range cs {
		t.rows = append(t.rows, []string{c.At.UTC().Format(time.RFC3339), c.Project.Name, c.Component.Ecosystem, c.Component.Name,
			c.Component.Version, c.Kind, c.Before, c.After})
	}
	return t
}
