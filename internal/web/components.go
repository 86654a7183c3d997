package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"ospo/internal/portfolio"
)

// componentsView is the components page: a where-used answer when a
// question was asked, else the components of every newest scan.
type componentsView struct {
	Query  string
	Filter portfolio.ComponentFilter
	Page   portfolio.Page[portfolio.Usage]
	// Problem says why the question could not be answered (shown in the
	// results area instead of failing the live search).
	Problem string
}

// componentsRequest reads a components request: a where-used question
// (v.Query, uq) or the filter of the list (v.Filter).
func (s *Server) componentsRequest(r *http.Request) (v componentsView, uq portfolio.UsageQuery, err error) {
	q := r.URL.Query()
	if v.Query, err = text(q, "q"); err != nil {
		return v, uq, err
	}
	if v.Filter, err = componentFilter(q, s.now()); err != nil {
		return v, uq, err
	}
	if v.Query != "" {
		uq, err = usageQuery(q)
	}
	return v, uq, err
}

// componentsAt reads the page at offset of a components request.
func (s *Server) componentsAt(ctx context.Context, v componentsView, uq portfolio.UsageQuery, offset, limit int) (portfolio.Page[portfolio.Usage], error) {
	if v.Query != "" {
		uq.Offset, uq.Limit = offset, limit
		p, err := s.cfg.Portfolio.WhereUsed(ctx, uq)
		return filled(p), err
	}
	f := v.Filter
	f.Offset, f.Limit = offset, limit
	p, err := s.cfg.Portfolio.Components(ctx, f)
	return filled(p), err
}

// components answers both the page and the API: a where-used question
// (q) or the filtered list.
func (s *Server) components(r *http.Request) (componentsView, error) {
	v, uq, err := s.componentsRequest(r)
	if err != nil {
		return v, err
	}
	v.Page, err = s.componentsAt(r.Context(), v, uq, v.Filter.Offset, v.Filter.Limit)
	return v, err
}

func (s *Server) componentsPage(w http.ResponseWriter, r *http.Request) error {
	if wholeCSV(r) {
		v, uq, err := s.componentsRequest(r)
		if err != nil {
			return err
		}
		return s.streamCSV(w, r, "components", usageTable(nil).header, func(ctx context.Context, offset, limit int) ([][]string, error) {
			page, err := s.componentsAt(ctx, v, uq, offset, limit)
			return usageTable(page.Items).rows, err
		})
	}
	v, err := s.components(r)
	if err != nil {
		// A half-typed question is normal in a live search: the page says
		// what is wrong where the results go (200 for htmx, which swaps
		// only successful answers).
		f, _ := format(r)
		if code, msg := status(err); code == http.StatusBadRequest && f == "" {
			v.Problem = msg
			if !isHTMX(r) {
				s.renderStatus(w, r, code, "components", "Components", v)
				return nil
			}
			s.render(w, r, "components", "Components", v)
			return nil
		}
		return err
	}
	return s.list(w, r, "components", "Components", v, v.Page, func() table { return usageTable(v.Page.Items) }, "components")
}

func (s *Server) apiComponents(w http.ResponseWriter, r *http.Request) error {
	v, err := s.components(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v.Page)
	return nil
}

// usageTable is components as CSV: one row per project and component,
// the dependency paths joined by " | ".
func usageTable(us []portfolio.Usage) table {
	t := table{header: []string{"project", "ecosystem", "name", "version", "purl", "license", "needsReview", "verdict", "reason",
		"scope", "direct", "findings", "upgrade", "risk", "paths"}}
	for _, u := range us {
		paths := make([]string, len(u.Paths))
		for i, p := range u.Paths {
			paths[i] = strings.Join(p, " > ")
		}
		t.rows = append(t.rows, []string{u.Project.Name, u.Component.Ecosystem, u.Component.Name, u.Component.Version, u.Component.PURL,
			u.License, strconv.FormatBool(u.NeedsReview), u.Verdict, u.Reason, u.Scope, strconv.FormatBool(u.Direct),
			itoa(u.Findings), u.Upgrade, fmtNum(u.Risk), strings.Join(paths, " | ")})
	}
	return t
}
