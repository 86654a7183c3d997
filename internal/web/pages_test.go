package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ospo/internal/access"
	"ospo/internal/portfolio"
)

const formType = "application/x-www-form-urlencoded"

func TestSignIn(t *testing.T) {
	f := sqliteFixture(t)
	form := func(name, pw, next string) string {
		return url.Values{"name": {name}, "password": {pw}, "next": {next}}.Encode()
	}
	t.Run("page", func(t *testing.T) {
		w := f.do(req{path: "/signin?next=/findings"})
		body := w.Body.String()
		for _, s := range []string{`name="next" value="/findings"`, `autocomplete="current-password"`, "sign in as <code>viewer-user</code>"} {
			if !strings.Contains(body, s) {
				t.Errorf("sign-in page lacks %q", s)
			}
		}
	})
	t.Run("anonymous page redirects", func(t *testing.T) {
		w := f.do(req{path: "/findings?severity=high"})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/signin?next="+url.QueryEscape("/findings?severity=high") {
			t.Errorf("%d %s", w.Code, w.Header().Get("Location"))
		}
	})
	tests := []struct {
		name, body string
		code       int
		location   string
		text       string
	}{
		{"wrong password", form("viewer-user", "wrong password!", "/"), http.StatusUnauthorized, "", "Wrong name or password."},
		{"unknown account", form("nobody", password, "/"), http.StatusUnauthorized, "", "Wrong name or password."},
		{"right, back to where it was", form("Viewer-User", password, "/findings?severity=high"), http.StatusSeeOther, "/findings?severity=high", ""},
		{"open redirect refused", form("viewer-user", password, "//evil.example/"), http.StatusSeeOther, "/", ""},
		{"backslash redirect refused", form("viewer-user", password, "/\\evil.example"), http.StatusSeeOther, "/", ""},
		{"absolute redirect refused", form("viewer-user", password, "https://evil.example/"), http.StatusSeeOther, "/", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := f.do(req{method: "POST", path: "/signin", body: tc.body, ctype: formType})
			if w.Code != tc.code || w.Header().Get("Location") != tc.location || !strings.Contains(w.Body.String(), tc.text) {
				t.Errorf("status %d Location %q, want %d %q; body:\n%s", w.Code, w.Header().Get("Location"), tc.code, tc.location, truncate(w.Body.String(), 200))
			}
		})
	}
	t.Run("session works and signs out", func(t *testing.T) {
		cookie, csrf := f.signIn(access.Reviewer)
		if w := f.do(req{path: "/events", cookie: cookie}); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "reviewer-user") {
			t.Fatalf("events with a session: %d", w.Code)
		}
		w := f.do(req{method: "POST", path: "/signout", body: "csrf=" + csrf, ctype: formType, cookie: cookie})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/signin" {
			t.Errorf("sign out: %d %s", w.Code, w.Header().Get("Location"))
		}
		if w := f.do(req{path: "/events", cookie: cookie}); w.Code != http.StatusSeeOther {
			t.Errorf("the ended session still works: %d", w.Code)
		}
	})
	t.Run("disabled account", func(t *testing.T) {
		cookie, _ := f.signIn(access.Developer)
		if err := f.acc.SetDisabled(t.Context(), "test", f.users[access.Developer].ID, true); err != nil {
			t.Fatal(err)
		}
		defer f.acc.SetDisabled(t.Context(), "test", f.users[access.Developer].ID, false)
		if w := f.do(req{path: "/", cookie: cookie}); w.Code != http.StatusSeeOther {
			t.Errorf("a disabled account's session still works: %d", w.Code)
		}
		w := f.do(req{method: "POST", path: "/signin", body: form("developer-user", password, "/"), ctype: formType})
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "disabled") {
			t.Errorf("disabled sign-in: %d", w.Code)
		}
	})
	t.Run("rate limited", func(t *testing.T) {
		var last int
		for i := 0; i < 8; i++ {
			last = f.do(req{method: "POST", path: "/signin", body: form("admin-user", "guess number "+fmt.Sprint(i), "/"), ctype: formType}).Code
		}
		w := f.do(req{method: "POST", path: "/signin", body: form("admin-user", password, "/"), ctype: formType})
		if last != http.StatusTooManyRequests || w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
			t.Errorf("after 9 attempts: last guess %d, right password %d, want 429 with Retry-After", last, w.Code)
		}
	})
}

// TestCSVExports downloads every list page as CSV and as JSON and checks
// that the CSV parses, has its header, and one row per item of the JSON.
func TestCSVExports(t *testing.T) {
	f := sqliteFixture(t)
	webApp := f.projects["web-app"]
	// A queued scan, for the jobs list.
	if w := f.do(req{method: "POST", path: "/api/v1/projects/web-app/jobs", token: access.Reviewer}); w.Code != http.StatusAccepted && w.Code != http.StatusCreated {
		t.Fatalf("queue a scan: %d %s", w.Code, w.Body)
	}
	tests := []struct {
		path   string
		header string // first column
		count  func([]byte) int
	}{
		{"/projects", "id", pageTotal[portfolio.Project]},
		{fmt.Sprintf("/projects/%d", webApp.ID), "project", func(b []byte) int {
			var v struct {
				Components portfolio.Page[portfolio.Usage] `json:"components"`
			}
			_ = json.Unmarshal(b, &v)
			return v.Components.Total
		}},
		{"/components", "project", pageTotal[portfolio.Usage]},
		{"/components?q=is-number", "project", pageTotal[portfolio.Usage]},
		{"/findings", "project", pageTotal[portfolio.Finding]},
		{"/changes?since=30d", "at", listLen},
		{"/actions", "rank", listLen},
		{"/events", "id", listLen},
		{"/jobs", "id", listLen},
		{"/admin/users", "id", listLen},
		{"/account/tokens", "id", listLen},
		{"/health", "repository", func(b []byte) int { return 18 }},
		{"/policy", "category", func(b []byte) int { return 8 * 4 }},
		{"/", "project", func(b []byte) int {
			var d portfolio.Dashboard
			_ = json.Unmarshal(b, &d)
			return len(d.RiskByProject)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			sep := "?"
			if strings.Contains(tc.path, "?") {
				sep = "&"
			}
			w := f.do(req{path: tc.path + sep + "format=csv", token: access.Admin})
			if w.Code != 200 || w.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
				!strings.HasPrefix(w.Header().Get("Content-Disposition"), `attachment; filename="`) {
				t.Fatalf("CSV: %d %s %s", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
			}
			records, err := csv.NewReader(w.Body).ReadAll()
			if err != nil {
				t.Fatalf("CSV does not parse: %v", err)
			}
			if len(records) == 0 || records[0][0] != tc.header {
				t.Fatalf("CSV header %v, want it to start with %q", records, tc.header)
			}
			j := f.do(req{path: tc.path + sep + "format=json", token: access.Admin})
			if j.Code != 200 || !strings.HasPrefix(j.Header().Get("Content-Type"), "application/json") {
				t.Fatalf("JSON: %d %s", j.Code, j.Header().Get("Content-Type"))
			}
			if want := tc.count(j.Body.Bytes()); len(records)-1 != want || want == 0 {
				t.Errorf("CSV has %d rows, the JSON %d items (want both > 0)", len(records)-1, want)
			}
		})
	}
	t.Run("the page links its downloads", func(t *testing.T) {
		w := f.do(req{path: "/findings?severity=high&offset=50", token: access.Viewer})
		if !strings.Contains(w.Body.String(), `href="/findings?format=csv&amp;severity=high"`) {
			t.Errorf("findings page lacks its CSV link:\n%s", w.Body)
		}
	})
	t.Run("unknown format", func(t *testing.T) {
		if w := f.do(req{path: "/findings?format=xml", token: access.Viewer}); w.Code != http.StatusBadRequest {
			t.Errorf("format=xml: %d", w.Code)
		}
	})
}

func pageTotal[T any](b []byte) int {
	var p portfolio.Page[T]
	_ = json.Unmarshal(b, &p)
	return p.Total
}

func listLen(b []byte) int {
	var l []json.RawMessage
	_ = json.Unmarshal(b, &l)
	return len(l)
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0", "+1+1": "'+1+1", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "@babel/core": "@babel/core", "-1": "-1", "lodash": "lodash", "": "",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLiveSearch asks as htmx does and gets only the results fragment,
// with the problem of a half-typed question shown instead of an error.
func TestLiveSearch(t *testing.T) {
	f := sqliteFixture(t)
	htmx := map[string]string{"HX-Request": "true"}
	w := f.do(req{path: "/components?q=is-number", token: access.Viewer, header: htmx})
	body := w.Body.String()
	if w.Code != 200 || strings.Contains(body, "<html") || !strings.Contains(body, `<table id="usages">`) ||
		!strings.Contains(body, "is-odd@3.0.1 › is-number@6.0.0") || !strings.Contains(body, "2 usages of <code>is-number</code>") {
		t.Errorf("htmx answer: %d\n%s", w.Code, body)
	}
	w = f.do(req{path: "/components?q=" + url.QueryEscape("lodash@>="), token: access.Viewer, header: htmx})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `class="problem"`) {
		t.Errorf("half-typed question over htmx: %d\n%s", w.Code, w.Body)
	}
	w = f.do(req{path: "/components?q=" + url.QueryEscape("lodash@>="), token: access.Viewer})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `<input id="q"`) {
		t.Errorf("half-typed question as a page: %d", w.Code)
	}
	// The full page carries the CSRF token for htmx in hx-headers.
	cookie, csrf := f.signIn(access.Viewer)
	w = f.do(req{path: "/components", cookie: cookie})
	if !strings.Contains(w.Body.String(), `hx-headers="{&#34;X-CSRF-Token&#34;:&#34;`+csrf+`&#34;}"`) {
		t.Errorf("page lacks hx-headers with the CSRF token")
	}
}

// TestEscaping stores names full of markup and checks that every page
// shows them as text.
func TestEscaping(t *testing.T) {
	f := sqliteFixture(t)
	evil := `<script>alert(1)</script>`
	w := f.do(req{method: "POST", path: "/api/v1/projects", body: fmt.Sprintf(`{"name": "xss-project", "owner": %q, "source": "javascript:alert(1)"}`, evil),
		ctype: "application/json", token: access.Admin})
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	for _, p := range []string{"/projects", "/projects/xss-project", "/events", "/findings?vuln=" + url.QueryEscape(evil)} {
		body := f.do(req{path: p, token: access.Admin}).Body.String()
		if strings.Contains(body, evil) {
			t.Errorf("%s shows the markup unescaped", p)
		}
	}
}

// TestForms drives the page forms: register and edit a project, queue a
// scan, make and revoke a token, create and change an account.
func TestForms(t *testing.T) {
	f := sqliteFixture(t)
	cookie, csrf := f.signIn(access.Admin)
	post := func(path string, v url.Values) *httpResponse {
		v.Set("csrf", csrf)
		w := f.do(req{method: "POST", path: path, body: v.Encode(), ctype: formType, cookie: cookie})
		return &httpResponse{w.Code, w.Header().Get("Location"), w.Body.String()}
	}
	r := post("/projects", url.Values{"name": {"form-project"}, "owner": {"team-form"}, "kind": {"legacy"}, "criticality": {"critical"}, "source": {"/srv/form-project"}})
	p, err := f.port.ProjectByName(t.Context(), "form-project")
	if r.code != http.StatusSeeOther || err != nil || r.location != fmt.Sprintf("/projects/%d", p.ID) || p.Kind != "legacy" {
		t.Fatalf("register: %+v %v %+v", r, err, p)
	}
	if r := post("/projects", url.Values{"name": {"bad name!"}}); r.code != http.StatusBadRequest || !strings.Contains(r.body, "project name") {
		t.Errorf("bad name: %+v", r.code)
	}
	r = post(fmt.Sprintf("/projects/%d", p.ID), url.Values{"owner": {"team-other"}, "reason": {"reorganisation"}})
	if p, _ = f.port.Project(t.Context(), p.ID); r.code != http.StatusSeeOther || p.Owner != "team-other" || p.Kind != "legacy" {
		t.Errorf("edit: %+v %+v", r, p)
	}
	r = post(fmt.Sprintf("/projects/%d/scan", p.ID), url.Values{})
	if r.code != http.StatusSeeOther || r.location != fmt.Sprintf("/projects/%d?queued=1", p.ID) || len(f.jobs.queued) != 1 || f.jobs.queued[0].ProjectID != p.ID {
		t.Fatalf("scan now: %+v %+v", r.code, f.jobs.queued)
	}
	page := f.do(req{path: r.location, cookie: cookie}).Body.String()
	if !strings.Contains(page, "Scan job 1 queued.") {
		t.Error("the project page does not say the job was queued")
	}

	r = post("/account/tokens", url.Values{"name": {"laptop"}, "days": {"7"}})
	ts, _ := f.acc.Tokens(t.Context(), f.users[access.Admin].ID)
	if r.code != http.StatusCreated || len(ts) != 2 || !strings.Contains(r.body, `<code class="secret">ospo_`) {
		t.Fatalf("new token: %d, %d tokens", r.code, len(ts))
	}
	if again := f.do(req{path: "/account/tokens", cookie: cookie}).Body.String(); strings.Contains(again, `class="secret"`) {
		t.Error("the secret is shown again")
	}
	r = post(fmt.Sprintf("/account/tokens/%d/revoke", ts[1].ID), url.Values{})
	if ts, _ = f.acc.Tokens(t.Context(), f.users[access.Admin].ID); r.code != http.StatusSeeOther || len(ts) != 1 {
		t.Errorf("revoke: %+v, %d tokens left", r.code, len(ts))
	}

	r = post("/admin/users", url.Values{"name": {"form-user"}, "password": {"a long password"}, "role": {"viewer"}})
	u, err := f.acc.UserByName(t.Context(), "form-user")
	if r.code != http.StatusSeeOther || err != nil || u.Role != access.Viewer {
		t.Fatalf("create user: %+v %v", r.code, err)
	}
	post(fmt.Sprintf("/admin/users/%d", u.ID), url.Values{"role": {"reviewer"}})
	post(fmt.Sprintf("/admin/users/%d", u.ID), url.Values{"disabled": {"true"}})
	if u, _ = f.acc.User(t.Context(), u.ID); u.Role != access.Reviewer || !u.Disabled {
		t.Errorf("after the forms: %+v", u)
	}
	if r := post(fmt.Sprintf("/admin/users/%d", f.users[access.Admin].ID), url.Values{"role": {"viewer"}}); r.code != http.StatusConflict {
		t.Errorf("demoting the last admin: %d", r.code)
	}
}

type httpResponse struct {
	code           int
	location, body string
}

func TestAssets(t *testing.T) {
	f := sqliteFixture(t)
	css := f.srv.assets["ospo.css"]
	w := f.do(req{path: "/assets/ospo.css?v=" + css.hash})
	if w.Code != 200 || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || w.Header().Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("versioned asset: %d %s %s", w.Code, w.Header().Get("Cache-Control"), w.Header().Get("Content-Type"))
	}
	w = f.do(req{path: "/assets/htmx.min.js"})
	if w.Code != 200 || !strings.Contains(w.Header().Get("Cache-Control"), "must-revalidate") || !strings.Contains(w.Body.String(), "htmx") {
		t.Errorf("unversioned asset: %d %s", w.Code, w.Header().Get("Cache-Control"))
	}
	etag := w.Header().Get("ETag")
	if w := f.do(req{path: "/assets/htmx.min.js", header: map[string]string{"If-None-Match": etag}}); w.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", w.Code)
	}
	if w := f.do(req{path: "/assets/htmx.LICENSE"}); !strings.Contains(w.Body.String(), "Zero-Clause BSD") {
		t.Error("htmx's license is not served beside it")
	}
	if w := f.do(req{path: "/assets/nope.js"}); w.Code != http.StatusNotFound {
		t.Errorf("unknown asset: %d", w.Code)
	}
	if w := f.do(req{path: "/nowhere", token: access.Viewer}); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "no page at /nowhere") {
		t.Errorf("unknown page: %d", w.Code)
	}
	if w := f.do(req{path: "/api/v1/nowhere", token: access.Viewer}); w.Code != http.StatusNotFound || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("unknown API path: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
}

// The jobs page lists queued scans; a reviewer cancels one with its form,
// a viewer sees no button and may not post it.
func TestJobsPage(t *testing.T) {
	f := sqliteFixture(t)
	if w := f.do(req{method: "POST", path: "/api/v1/projects/web-app/jobs", token: access.Reviewer}); w.Code >= 300 {
		t.Fatalf("queue a scan: %d %s", w.Code, w.Body)
	}
	cookie, csrf := f.signIn(access.Reviewer)
	page := f.do(req{path: "/jobs", cookie: cookie})
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "web-app") || !strings.Contains(page.Body.String(), `action="/jobs/1/cancel"`) {
		t.Fatalf("jobs page: %d\n%s", page.Code, page.Body)
	}
	form := url.Values{"csrf": {csrf}}.Encode()
	w := f.do(req{method: "POST", path: "/jobs/1/cancel", body: form, ctype: "application/x-www-form-urlencoded", cookie: cookie})
	if w.Code != http.StatusSeeOther || len(f.jobs.canceled) != 1 || f.jobs.canceled[0] != 1 {
		t.Errorf("cancel: %d, canceled %v", w.Code, f.jobs.canceled)
	}
	viewer, vcsrf := f.signIn(access.Viewer)
	if body := f.do(req{path: "/jobs", cookie: viewer}).Body.String(); strings.Contains(body, "/cancel") {
		t.Error("a viewer is offered the cancel button")
	}
	w = f.do(req{method: "POST", path: "/jobs/1/cancel", body: url.Values{"csrf": {vcsrf}}.Encode(), ctype: "application/x-www-form-urlencoded", cookie: viewer})
	if w.Code != http.StatusForbidden {
		t.Errorf("a viewer cancels: %d, want 403", w.Code)
	}
}

// A developer uploads a vendor's SBOM with the project page's form; the
// form needs the session's CSRF token like every other.
func TestSBOMUploadForm(t *testing.T) {
	f := sqliteFixture(t)
	sbomData, err := os.ReadFile(filepath.Join("..", "sbom", "quality", "testdata", "cyclonedx-1.5-flat.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.port.AddProject(context.Background(), "t", portfolio.Project{Name: "vendor-crm", Kind: "vendor"})
	if err != nil {
		t.Fatal(err)
	}
	cookie, csrf := f.signIn(access.Developer)
	if page := f.do(req{path: fmt.Sprintf("/projects/%d", p.ID), cookie: cookie}).Body.String(); !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Fatal("the project page offers a developer no SBOM upload")
	}
	form := func(token string, file []byte) (string, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		if token != "" {
			mw.WriteField("csrf", token)
		}
		mw.WriteField("kind", "vendor")
		mw.WriteField("supplier", "a CRM vendor")
		fw, _ := mw.CreateFormFile("sbom", "crm.cdx.json")
		fw.Write(file)
		mw.Close()
		return b.String(), mw.FormDataContentType()
	}
	body, ctype := form("", sbomData)
	if w := f.do(req{method: "POST", path: fmt.Sprintf("/projects/%d/sbom", p.ID), body: body, ctype: ctype, cookie: cookie}); w.Code != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d, want 403", w.Code)
	}
	body, ctype = form(csrf, []byte("not an sbom"))
	if w := f.do(req{method: "POST", path: fmt.Sprintf("/projects/%d/sbom", p.ID), body: body, ctype: ctype, cookie: cookie}); w.Code != http.StatusBadRequest {
		t.Errorf("a file that is no SBOM: %d, want 400", w.Code)
	}
	body, ctype = form(csrf, sbomData)
	if w := f.do(req{method: "POST", path: fmt.Sprintf("/projects/%d/sbom", p.ID), body: body, ctype: ctype, cookie: cookie}); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	got, err := f.port.Project(context.Background(), p.ID)
	if err != nil || got.Latest == nil || got.Latest.Components != 9 || got.Latest.Origin != "upload" {
		t.Errorf("after the upload: %+v %v", got.Latest, err)
	}
}

// The jobs page links each job's project by id: a name may hold a slash
// (which /projects/{id} does not match) or be all digits (which
// /projects/{id} reads as another project's id).
func TestJobsPageLinksProjectsByID(t *testing.T) {
	f := sqliteFixture(t)
	webApp := f.projects["web-app"]
	var ps []portfolio.Project
	for _, name := range []string{"team/app", fmt.Sprint(webApp.ID)} {
		p, err := f.port.AddProject(t.Context(), "test", portfolio.Project{Name: name, Source: "https://git.example.org/" + name})
		if err != nil {
			t.Fatal(err)
		}
		if w := f.do(req{method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/jobs", p.ID), token: access.Reviewer}); w.Code != http.StatusAccepted {
			t.Fatalf("queue a scan of %s: %d", name, w.Code)
		}
		ps = append(ps, p)
	}
	page := f.do(req{path: "/jobs", token: access.Viewer}).Body.String()
	for _, p := range ps {
		link := fmt.Sprintf(`<a href="/projects/%d">%s</a>`, p.ID, p.Name)
		if !strings.Contains(page, link) {
			t.Errorf("the jobs page lacks %s", link)
			continue
		}
		// The link opens that project.
		w := f.do(req{path: fmt.Sprintf("/projects/%d?format=json", p.ID), token: access.Viewer})
		var v struct {
			Project portfolio.Project `json:"project"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || v.Project.ID != p.ID {
			t.Errorf("the link of %s opens %+v (%d, %v)", p.Name, v.Project, w.Code, err)
		}
	}
}

// A path the route table has, asked with a method it does not take,
// answers 405 with the methods it does take; an unknown path stays 404.
// The API answers in JSON, pages with the error page.
func TestMethodNotAllowed(t *testing.T) {
	f := sqliteFixture(t)
	tests := []struct {
		r     req
		code  int
		allow string
		json  bool
	}{
		{req{method: "PUT", path: "/projects", token: access.Viewer}, http.StatusMethodNotAllowed, "GET, HEAD, POST", false},
		{req{method: "DELETE", path: "/projects/1"}, http.StatusMethodNotAllowed, "GET, HEAD, POST", false},
		{req{method: "POST", path: "/"}, http.StatusMethodNotAllowed, "GET, HEAD", false},
		{req{method: "GET", path: "/signout", token: access.Viewer}, http.StatusMethodNotAllowed, "POST", false},
		{req{method: "DELETE", path: "/api/v1/projects", token: access.Admin}, http.StatusMethodNotAllowed, "GET, HEAD, POST", true},
		{req{method: "GET", path: "/api/v1/tokens/5", token: access.Viewer}, http.StatusMethodNotAllowed, "DELETE", true},
		{req{method: "POST", path: "/api/v1/users/5", token: access.Admin}, http.StatusMethodNotAllowed, "PATCH", true},
		{req{method: "PUT", path: "/nowhere", token: access.Viewer}, http.StatusNotFound, "", false},
		{req{method: "GET", path: "/projects/1/nowhere", token: access.Viewer}, http.StatusNotFound, "", false},
		{req{method: "POST", path: "/api/v1/nowhere", token: access.Viewer}, http.StatusNotFound, "", true},
		{req{method: "GET", path: "/projects", token: access.Viewer}, http.StatusOK, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.r.method+" "+tc.r.path, func(t *testing.T) {
			w := f.do(tc.r)
			if w.Code != tc.code || w.Header().Get("Allow") != tc.allow {
				t.Fatalf("%d Allow %q, want %d Allow %q\n%s", w.Code, w.Header().Get("Allow"), tc.code, tc.allow, truncate(w.Body.String(), 300))
			}
			if tc.code == http.StatusOK {
				return
			}
			if isJSON := strings.HasPrefix(w.Header().Get("Content-Type"), "application/json"); isJSON != tc.json {
				t.Errorf("Content-Type %q", w.Header().Get("Content-Type"))
			}
			if tc.json {
				var e apiError
				decode(t, w, &e)
				if e.Error == "" {
					t.Error("no error message")
				}
			} else if !strings.Contains(w.Body.String(), "<html") {
				t.Errorf("not the error page:\n%s", truncate(w.Body.String(), 300))
			}
			if tc.code == http.StatusMethodNotAllowed && !strings.Contains(w.Body.String(), "it takes "+tc.allow) {
				t.Errorf("the message does not name the methods:\n%s", truncate(w.Body.String(), 300))
			}
		})
	}
}
