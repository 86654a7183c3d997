package web

import (
	"ospo/internal/portfolio"
	"ospo/internal/secret"
)

// Credentials in repository URLs. A project's source may be a clone URL
// with a password or token in it (https://user:TOKEN@host/repo.git), and
// the error of a failed clone, or the events log's record of a source
// change, quotes it. Every viewer may read projects and jobs, so what
// the web layer shows of these (pages, CSV, JSON) goes through
// secret.RedactURLs first; the stored value stays whole for the workers that
// clone it.

// shownProject is p as the web layer shows it: its source redacted.
func shownProject(p portfolio.Project) portfolio.Project {
	p.Source = secret.RedactURLs(p.Source)
	return p
}

// shownProjects redacts the sources of a page of projects in place.
func shownProjects(page portfolio.Page[portfolio.Project]) portfolio.Page[portfolio.Project] {
	for i := range page.Items {
		page.Items[i] = shownProject(page.Items[i])
	}
	return page
}

// shownErrors is a job's errors with the URLs in them redacted.
func shownErrors(errs []string) []string {
	if len(errs) == 0 {
		return errs
	}
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = secret.RedactURLs(e)
	}
	return out
}
