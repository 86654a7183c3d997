package web

import (
	"net/http"
	"time"
)

// jobs lists the newest jobs, as many as the request's limit asks.
func (s *Server) jobs(r *http.Request) ([]Job, error) {
	if s.cfg.Jobs == nil {
		return nil, errNoJobs
	}
	limit, _, err := paging(r.URL.Query())
	if err != nil {
		return nil, err
	}
	js, err := s.cfg.Jobs.Jobs(r.Context(), limit)
	for i := range js {
		js[i].Errors = shownErrors(js[i].Errors)
	}
	return nonNil(js), err
}

func (s *Server) apiJobs(w http.ResponseWriter, r *http.Request) error {
	js, err := s.jobs(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, js)
	return nil
}

func (s *Server) apiJobCancel(w http.ResponseWriter, r *http.Request) error {
	if err := s.cancelJob(r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// jobsView is the jobs page's data.
type jobsView struct {
	Jobs []Job
	// Names are the projects' names by id, for the list.
	Names map[int64]string
}

// LastError is a job's newest error, "" when none.
func (jobsView) LastError(errs []string) string {
	if len(errs) == 0 {
		return ""
	}
	return errs[len(errs)-1]
}

// Cancellable tells whether a job may still be cancelled.
func (jobsView) Cancellable(state string) bool {
	switch state {
	case "completed", "cancelled", "discarded":
		return false
	}
	return true
}

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) error {
	js, err := s.jobs(r)
	if err != nil {
		return err
	}
	v := jobsView{Jobs: js, Names: map[int64]string{}}
	for _, j := range js {
		if _, ok := v.Names[j.ProjectID]; ok || j.ProjectID == 0 {
			continue
		}
		if p, err := s.cfg.Portfolio.Project(r.Context(), j.ProjectID); err == nil {
			v.Names[j.ProjectID] = p.Name
		}
	}
	return s.list(w, r, "jobs", "Jobs", v, v.Jobs, func() table { return jobTable(v) }, "jobs")
}

func jobTable(v jobsView) table {
	t := table{header: []string{"id", "kind", "state", "project", "attempt", "created", "finished", "last error"}}
	for _, j := range v.Jobs {
		finished := ""
		if j.Finished != nil {
			finished = j.Finished.UTC().Format(time.RFC3339)
		}
		t.rows = append(t.rows, []string{itoa(int(j.ID)), j.Kind, j.State, v.Names[j.ProjectID], itoa(j.Attempt),
			j.CreatedAt.UTC().Format(time.RFC3339), finished, v.LastError(j.Errors)})
	}
	return t
}

// jobCancelForm cancels a job from the jobs page.
func (s *Server) jobCancelForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.cancelJob(r); err != nil {
		return err
	}
	http.Redirect(w, r, "/jobs", http.StatusSeeOther)
	return nil
}

// cancelJob cancels the job the path names.
func (s *Server) cancelJob(r *http.Request) error {
	if s.cfg.Jobs == nil {
		return errNoJobs
	}
	id, err := parseID("job id", r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.cfg.Jobs.Cancel(r.Context(), id)
}
