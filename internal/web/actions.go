package web

import (
	"fmt"
	"net/http"
	"strings"

	"ospo/internal/risk"
	"ospo/internal/vuln"
)

// actionsView is the actions page's data.
type actionsView struct {
	Actions []risk.Action
}

// Removes says what an action removes, most severe first.
func (actionsView) Removes(a risk.Action) string {
	var parts []string
	for _, l := range vuln.Levels {
		if n := a.Removes[l]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, l))
		}
	}
	return strings.Join(parts, ", ")
}

func (s *Server) actions(r *http.Request) ([]risk.Action, error) {
	limit, _, err := paging(r.URL.Query())
	if err != nil {
		return nil, err
	}
	if wholeCSV(r) {
		limit = 0 // every action: the portfolio ranks them all in memory anyway
	}
	as, err := s.cfg.Portfolio.Actions(r.Context(), limit)
	return nonNil(as), err
}

func (s *Server) actionsPage(w http.ResponseWriter, r *http.Request) error {
	as, err := s.actions(r)
	if err != nil {
		return err
	}
	v := actionsView{Actions: as}
	return s.list(w, r, "actions", "Actions", v, as, func() table { return actionTable(v) }, "actions")
}

func (s *Server) apiActions(w http.ResponseWriter, r *http.Request) error {
	as, err := s.actions(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, as)
	return nil
}

func actionTable(v actionsView) table {
	t := table{header: []string{"rank", "ecosystem", "name", "to", "projects", "removes", "points", "text"}}
	for i, a := range v.Actions {
		t.rows = append(t.rows, []string{itoa(i + 1), a.Ecosystem, a.Name, a.To, strings.Join(a.Projects, " "), v.Removes(a), fmtNum(a.Points), a.Text})
	}
	return t
}
