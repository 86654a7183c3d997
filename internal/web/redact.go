package web

import (
	"regexp"
	"strings"

	"ospo/internal/portfolio"
)

// Credentials in repository URLs. A project's source may be a clone URL
// with a password or token in it (https://user:TOKEN@host/repo.git), and
// the error of a failed clone, or the events log's record of a source
// change, quotes it. Every viewer may read projects and jobs, so what
// the web layer shows of these (pages, CSV, JSON) goes through
// redactURLs first; the stored value stays whole for the workers that
// clone it.

// urlUserinfo finds the user information of URLs in text: a scheme, ://
// and everything up to the last @ before the host ends.
var urlUserinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*)://([^\s/?#'"<>\\]*)@`)

// redactURLs hides the credentials of every URL in s as
// url.URL.Redacted does: user:password@ becomes user:xxxxx@. An http or
// https URL with a user name alone (https://TOKEN@host, as forges take
// tokens) has the name hidden too; ssh://git@host keeps its user name,
// which is no secret.
func redactURLs(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return urlUserinfo.ReplaceAllStringFunc(s, func(m string) string {
		sub := urlUserinfo.FindStringSubmatch(m)
		scheme, info := sub[1], sub[2]
		if user, _, ok := strings.Cut(info, ":"); ok {
			return scheme + "://" + user + ":xxxxx@"
		}
		if info != "" && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) {
			return scheme + "://xxxxx@"
		}
		return m
	})
}

// shownProject is p as the web layer shows it: its source redacted.
func shownProject(p portfolio.Project) portfolio.Project {
	p.Source = redactURLs(p.Source)
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
		out[i] = redactURLs(e)
	}
	return out
}
