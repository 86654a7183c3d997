package web

import (
	"net/http"
)

func (s *Server) apiJobs(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Jobs == nil {
		return errNoJobs
	}
	limit, _, err := paging(r.URL.Query())
	if err != nil {
		return err
	}
	js, err := s.cfg.Jobs.Jobs(r.Context(), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(js))
	return nil
}

func (s *Server) apiJobCancel(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Jobs == nil {
		return errNoJobs
	}
	id, err := parseID("job id", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.cfg.Jobs.Cancel(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
