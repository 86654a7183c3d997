package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ospo/internal/access"
	"ospo/internal/secret"
)

// TestSourceCredentialsHidden registers a project whose repository URL
// carries a token and checks that no page, download or API answer shows
// the token: not the project's source, not the error of a clone that
// quotes it, not the events log's record of the change. Saving the
// edit form, which shows the source redacted, keeps the token, and a
// queued scan gets the whole URL.
func TestSourceCredentialsHidden(t *testing.T) {
	f := sqliteFixture(t)
	const token = "s3cr3t-t0ken"
	source := "https://bot:" + token + "@git.example.org/team/app.git"
	shown := "https://bot:xxxxx@git.example.org/team/app.git"
	w := f.do(req{method: "POST", path: "/api/v1/projects", body: fmt.Sprintf(`{"name": "team/app", "source": %q}`, source),
		ctype: "application/json", token: access.Reviewer})
	if w.Code != http.StatusCreated || strings.Contains(w.Body.String(), token) || !strings.Contains(w.Body.String(), shown) {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	p, err := f.port.ProjectByName(t.Context(), "team/app")
	if err != nil || p.Source != source {
		t.Fatalf("stored source %q, %v", p.Source, err)
	}
	w = f.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/projects/%d", p.ID), body: `{"owner": "team-app"}`, ctype: "application/json", token: access.Reviewer})
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), token) {
		t.Errorf("PATCH answer: %d %s", w.Code, w.Body)
	}
	// The source changes once through the API (logged with both URLs),
	// then the form is saved as shown.
	other := "https://bot:" + token + "2@git.example.org/team/app2.git"
	if w := f.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/projects/%d", p.ID), body: fmt.Sprintf(`{"source": %q}`, other), ctype: "application/json", token: access.Reviewer}); w.Code != http.StatusOK {
		t.Fatalf("change the source: %d %s", w.Code, w.Body)
	}
	cookie, csrf := f.signIn(access.Reviewer)
	form := url.Values{"csrf": {csrf}, "owner": {"team-app"}, "source": {secret.RedactURLs(other)}, "kind": {"own"}, "criticality": {"medium"}}
	if w := f.do(req{method: "POST", path: fmt.Sprintf("/projects/%d", p.ID), body: form.Encode(), ctype: formType, cookie: cookie}); w.Code != http.StatusSeeOther {
		t.Fatalf("save the edit form: %d %s", w.Code, w.Body)
	}
	if p, _ = f.port.Project(t.Context(), p.ID); p.Source != other {
		t.Errorf("saving the form as shown changed the source to %q", p.Source)
	}
	if w := f.do(req{method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/jobs", p.ID), token: access.Reviewer}); w.Code != http.StatusAccepted {
		t.Fatalf("queue a scan: %d", w.Code)
	}
	if q := f.jobs.queued[len(f.jobs.queued)-1]; q.Source != other {
		t.Errorf("the queued scan got source %q, want the whole URL", q.Source)
	}
	f.jobs.errors = []string{"clone " + other + ": exit status 128: fatal: Authentication failed for '" + other + "/'"}

	for _, path := range []string{
		"/projects", "/projects?format=csv", "/projects?format=json",
		fmt.Sprintf("/projects/%d", p.ID), fmt.Sprintf("/projects/%d?format=json", p.ID),
		"/api/v1/projects", fmt.Sprintf("/api/v1/projects/%d", p.ID), "/api/v1/projects/" + url.PathEscape("team/app"),
		"/jobs", "/jobs?format=csv", "/jobs?format=json", "/api/v1/jobs",
		"/events", "/events?format=csv", "/api/v1/events",
	} {
		t.Run(path, func(t *testing.T) {
			w := f.do(req{path: path, token: access.Reviewer})
			body := w.Body.String()
			if w.Code != http.StatusOK || strings.Contains(body, token) {
				t.Errorf("%d; the answer shows the token:\n%s", w.Code, truncate(body, 600))
			}
			if path != "/projects" && !strings.Contains(body, "bot:xxxxx@git.example.org") {
				t.Errorf("the answer does not show the redacted URL:\n%s", truncate(body, 600))
			}
		})
	}
	if body := f.do(req{path: fmt.Sprintf("/projects/%d", p.ID), token: access.Reviewer}).Body.String(); !strings.Contains(body, `<input name="source" value="`+secret.RedactURLs(other)+`">`) {
		t.Error("the edit form is not filled with the redacted source")
	}
}
