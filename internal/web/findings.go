package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"ospo/internal/portfolio"
)

// findingsView is the findings page's data.
type findingsView struct {
	Filter  portfolio.FindingFilter
	Project string
	Page    portfolio.Page[portfolio.Finding]
}

// findingsFilter reads the findings request, the project included.
func (s *Server) findingsFilter(r *http.Request) (findingsView, error) {
	var v findingsView
	f, err := findingFilter(r.URL.Query())
	if err != nil {
		return v, err
	}
	if f.ProjectID, err = s.projectParam(r); err != nil {
		return v, err
	}
	v.Filter, v.Project = f, r.URL.Query().Get("project")
	return v, nil
}

func (s *Server) findings(r *http.Request) (findingsView, error) {
	v, err := s.findingsFilter(r)
	if err != nil {
		return v, err
	}
	v.Page, err = s.cfg.Portfolio.Findings(r.Context(), v.Filter)
	v.Page = filled(v.Page)
	return v, err
}

func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request) error {
	if wholeCSV(r) {
		v, err := s.findingsFilter(r)
		if err != nil {
			return err
		}
		return s.streamCSV(w, r, "findings", findingTable(nil).header, func(ctx context.Context, offset, limit int) ([][]string, error) {
			f := v.Filter
			f.Offset, f.Limit = offset, limit
			page, err := s.cfg.Portfolio.Findings(ctx, f)
			return findingTable(page.Items).rows, err
		})
	}
	v, err := s.findings(r)
	if err != nil {
		return err
	}
	return s.list(w, r, "findings", "Findings", v, v.Page, func() table { return findingTable(v.Page.Items) }, "findings")
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) error {
	v, err := s.findings(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v.Page)
	return nil
}

func findingTable(fs []portfolio.Finding) table {
	t := table{header: []string{"project", "ecosystem", "name", "version", "id", "aliases", "severity", "score", "summary", "fixed", "ignored", "url"}}
	for _, f := range fs {
		score := ""
		if f.Score != nil {
			score = strconv.FormatFloat(*f.Score, 'f', -1, 64)
		}
		t.rows = append(t.rows, []string{f.Project.Name, f.Component.Ecosystem, f.Component.Name, f.Component.Version, f.ID,
			strings.Join(f.Aliases, " "), string(f.Severity), score, f.Summary, strings.Join(f.Fixed, " "), f.Ignored, f.URL})
	}
	return t
}
