package web

import (
	"context"
	"net/http"
	"time"

	"ospo/internal/portfolio"
	"ospo/internal/secret"
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
	limit, offset, err := paging(q)
	if err != nil {
		return v, err
	}
	v.Events, err = s.shownEvents(r.Context(), limit, offset, v.Subject)
	return v, err
}

// shownEvents reads a page of events with the URLs in their details
// redacted (a project's source change is logged with both URLs).
func (s *Server) shownEvents(ctx context.Context, limit, offset int, subject string) ([]portfolio.Event, error) {
	es, err := s.cfg.Portfolio.Events(ctx, limit, offset, subject)
	es = nonNil(es)
	for i := range es {
		es[i].Detail = secret.RedactURLs(es[i].Detail)
	}
	return es, err
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request) error {
	if wholeCSV(r) {
		subject, err := text(r.URL.Query(), "subject")
		if err != nil {
			return err
		}
		return s.streamCSV(w, r, "events", eventTable(nil).header, func(ctx context.Context, offset, limit int) ([][]string, error) {
			es, err := s.shownEvents(ctx, limit, offset, subject)
			return eventTable(es).rows, err
		})
	}
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
