package web

import (
	"net/http"
	"time"

	"ospo/internal/portfolio"
)

// eventsView is the audit log page's data.
type eventsView struct {
	Subject string
	Events  []portfolio.Event
}

func (s *Server) events(r *http.Request) (eventsView, error) {
	q := r.URL.Query()
	var v eventsView
	var err error
	if v.Subject, err = text(q, "subject"); err != nil {
		return v, err
	}
	limit, _, err := paging(q)
	if err != nil {
		return v, err
	}
	v.Events, err = s.cfg.Portfolio.Events(r.Context(), limit, v.Subject)
	v.Events = nonNil(v.Events)
	// A project's source change is logged with both URLs.
	for i := range v.Events {
		v.Events[i].Detail = redactURLs(v.Events[i].Detail)
	}
	return v, err
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.events(r)
	if err != nil {
		return err
	}
	return s.list(w, r, "events", "Events", v, v.Events, func() table { return eventTable(v.Events) }, "events")
}

func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) error {
	v, err := s.events(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v.Events)
	return nil
}

func eventTable(es []portfolio.Event) table {
	t := table{header: []string{"id", "at", "actor", "action", "subject", "detail", "reason"}}
	for _, e := range es {
		t.rows = append(t.rows, []string{itoa(int(e.ID)), e.At.UTC().Format(time.RFC3339), e.Actor, e.Action, e.Subject, e.Detail, e.Reason})
	}
	return t
}
