package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ospo/internal/access"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck/result"
	"ospo/internal/risk"
)

// testReads checks what the API answers about the test portfolio, and
// that the pages show the same.
func testReads(t *testing.T, f *fixture) {
	webApp, api := f.projects["web-app"], f.projects["api-service"]

	t.Run("dashboard", func(t *testing.T) {
		var d portfolio.Dashboard
		decode(t, f.do(req{path: "/api/v1/dashboard", token: access.Viewer}), &d)
		if d.Projects != 3 || d.Scanned != 3 || d.Licenses["strong-copyleft"] != 1 || d.Vulns.High != 1 || len(d.RiskByProject) != 3 {
			t.Errorf("dashboard: %+v", d)
		}
		w := f.do(req{path: "/", token: access.Viewer})
		for _, s := range []string{`src="/charts/licenses.svg"`, `src="/charts/findings.svg"`, `src="/charts/risk.svg"`,
			`<tr data-category="strong-copyleft"><td>strong-copyleft</td><td class="n">1</td>`, ">web-app</a>"} {
			if !strings.Contains(w.Body.String(), s) {
				t.Errorf("dashboard page lacks %q", s)
			}
		}
	})

	t.Run("charts", func(t *testing.T) {
		for _, c := range []string{"licenses", "findings", "risk"} {
			w := f.do(req{path: "/charts/" + c + ".svg", token: access.Viewer})
			body := w.Body.String()
			if w.Code != 200 || w.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg") || !strings.HasSuffix(strings.TrimSpace(body), "</svg>") {
				t.Errorf("%s chart: %d %s %q", c, w.Code, w.Header().Get("Content-Type"), truncate(body, 100))
			}
			if c == "risk" && !strings.Contains(body, ">web-app<") {
				t.Errorf("risk chart does not name web-app")
			}
		}
		if w := f.do(req{path: "/charts/pie.svg", token: access.Viewer}); w.Code != http.StatusNotFound {
			t.Errorf("unknown chart: %d", w.Code)
		}
	})

	t.Run("projects", func(t *testing.T) {
		var page portfolio.Page[portfolio.Project]
		decode(t, f.do(req{path: "/api/v1/projects?sort=risk", token: access.Viewer}), &page)
		var names []string
		for _, p := range page.Items {
			names = append(names, p.Name)
		}
		if page.Total != 3 || len(names) != 3 || page.Items[0].Latest == nil || page.Items[0].Latest.Risk < page.Items[2].Latest.Risk {
			t.Errorf("projects by risk: total %d, %v", page.Total, names)
		}
		decode(t, f.do(req{path: "/api/v1/projects?kind=vendor", token: access.Viewer}), &page)
		if page.Total != 1 || page.Items[0].Name != "go-tool" {
			t.Errorf("vendor projects: %+v", page)
		}
		var p portfolio.Project
		decode(t, f.do(req{path: "/api/v1/projects/web-app", token: access.Viewer}), &p)
		if p.ID != webApp.ID || p.Latest == nil || p.Latest.Denied != 1 {
			t.Errorf("project by name: %+v", p)
		}
		var scans []portfolio.Scan
		decode(t, f.do(req{path: fmt.Sprintf("/api/v1/projects/%d/scans", webApp.ID), token: access.Viewer}), &scans)
		if len(scans) != 2 || !scans[0].ScannedAt.After(scans[1].ScannedAt) {
			t.Errorf("web-app scans: %+v", scans)
		}
		var comps portfolio.Page[portfolio.Usage]
		decode(t, f.do(req{path: fmt.Sprintf("/api/v1/projects/%d/components?verdict=deny", webApp.ID), token: access.Viewer}), &comps)
		if comps.Total != 1 || comps.Items[0].Component.Name != "ckeditor5" || comps.Items[0].License != "GPL-2.0-or-later" || comps.Items[0].Reason == "" {
			t.Errorf("denied components of web-app: %+v", comps)
		}
		w := f.do(req{path: fmt.Sprintf("/projects/%d", webApp.ID), token: access.Viewer})
		for _, s := range []string{"ckeditor5@41.4.2", "GPL-2.0-or-later", `<span class="verdict v-deny">deny</span>`,
			"Distributing it in this product would put the whole product under", "license: 30", `<section id="scans">`} {
			if !strings.Contains(w.Body.String(), s) {
				t.Errorf("project page lacks %q", s)
			}
		}
		if w := f.do(req{path: "/api/v1/projects/404", token: access.Viewer}); w.Code != http.StatusNotFound {
			t.Errorf("unknown project id: %d", w.Code)
		}
		if w := f.do(req{path: "/projects/no-such-project", token: access.Viewer}); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "not found") {
			t.Errorf("unknown project page: %d", w.Code)
		}
	})

	t.Run("where used", func(t *testing.T) {
		tests := []struct {
			q     string
			want  []string // project/name@version
			paths string
		}{
			{"lodash", []string{"api-service/lodash@4.17.20"}, "lodash@4.17.20"},
			{"pkg:npm/lodash", []string{"api-service/lodash@4.17.20"}, ""},
			{"is-number", []string{"web-app/is-number@6.0.0", "web-app/is-number@7.0.0"}, "is-odd@3.0.1 > is-number@6.0.0"},
			{"is-number@<7", []string{"web-app/is-number@6.0.0"}, ""},
			{"is-number@7.0.0", []string{"web-app/is-number@7.0.0"}, ""},
			{"left-pad", nil, ""},
		}
		for _, tc := range tests {
			var page portfolio.Page[portfolio.Usage]
			decode(t, f.do(req{path: "/api/v1/components?q=" + urlQuery(tc.q), token: access.Viewer}), &page)
			var got []string
			var paths []string
			for _, u := range page.Items {
				got = append(got, u.Project.Name+"/"+u.Component.Name+"@"+u.Component.Version)
				for _, p := range u.Paths {
					paths = append(paths, strings.Join(p, " > "))
				}
			}
			if !slices.Equal(got, tc.want) || page.Total != len(tc.want) {
				t.Errorf("where used %q = %v (total %d), want %v", tc.q, got, page.Total, tc.want)
			}
			if tc.paths != "" && !slices.Contains(paths, tc.paths) {
				t.Errorf("where used %q: paths %v lack %q", tc.q, paths, tc.paths)
			}
		}
		w := f.do(req{path: "/api/v1/components?q=" + urlQuery("lodash@>="), token: access.Viewer})
		var e apiError
		decode(t, w, &e)
		if w.Code != http.StatusBadRequest || !strings.Contains(e.Error, "q:") {
			t.Errorf("bad where-used question: %d %q", w.Code, e.Error)
		}
		var all portfolio.Page[portfolio.Usage]
		decode(t, f.do(req{path: "/api/v1/components?vulnerable=true", token: access.Viewer}), &all)
		if all.Total != 2 {
			t.Errorf("vulnerable components: %d, want lodash and stdlib", all.Total)
		}
	})

	t.Run("findings", func(t *testing.T) {
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"api-service/GHSA-35jh-r3h4-6jhm", "go-tool/GO-2024-2687"}},
			{"?severity=high", []string{"api-service/GHSA-35jh-r3h4-6jhm"}},
			{"?severity=critical", nil},
			{"?vuln=CVE-2021-23337", []string{"api-service/GHSA-35jh-r3h4-6jhm"}},
			{"?project=go-tool", []string{"go-tool/GO-2024-2687"}},
			{fmt.Sprintf("?project=%d", api.ID), []string{"api-service/GHSA-35jh-r3h4-6jhm"}},
		}
		for _, tc := range tests {
			var page portfolio.Page[portfolio.Finding]
			decode(t, f.do(req{path: "/api/v1/findings" + tc.query, token: access.Viewer}), &page)
			var got []string
			for _, x := range page.Items {
				got = append(got, x.Project.Name+"/"+x.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings%s = %v, want %v", tc.query, got, tc.want)
			}
		}
		for q, code := range map[string]int{"?severity=none": 400, "?severity=bad": 400, "?project=nope": 400, "?limit=0": 400, "?limit=x": 400, "?offset=-1": 400} {
			if w := f.do(req{path: "/api/v1/findings" + q, token: access.Viewer}); w.Code != code {
				t.Errorf("findings%s: %d, want %d", q, w.Code, code)
			}
		}
	})

	t.Run("changes", func(t *testing.T) {
		var cs []portfolio.Change
		decode(t, f.do(req{path: "/api/v1/changes?since=30d&project=web-app", token: access.Viewer}), &cs)
		found := false
		for _, c := range cs {
			if c.Project.Name != "web-app" {
				t.Errorf("change of %s in web-app's list", c.Project.Name)
			}
			found = found || c.Component.Name == "ckeditor5" && c.Kind == "added"
		}
		if !found {
			t.Errorf("web-app's changes lack ckeditor5 added: %+v", cs)
		}
		decode(t, f.do(req{path: "/api/v1/changes?since=" + urlQuery("2000-01-01"), token: access.Viewer}), &cs)
		if len(cs) == 0 {
			t.Error("no changes since 2000")
		}
		if w := f.do(req{path: "/api/v1/changes?since=yesterday", token: access.Viewer}); w.Code != http.StatusBadRequest {
			t.Errorf("since=yesterday: %d", w.Code)
		}
	})

	t.Run("actions", func(t *testing.T) {
		var as []risk.Action
		decode(t, f.do(req{path: "/api/v1/actions", token: access.Viewer}), &as)
		if len(as) == 0 || as[0].Name != "lodash" || as[0].To != "4.17.21" || !slices.Equal(as[0].Projects, []string{"api-service"}) {
			t.Errorf("actions: %+v", as)
		}
	})

	t.Run("policy", func(t *testing.T) {
		var v policyView
		decode(t, f.do(req{path: "/api/v1/policy", token: access.Viewer}), &v)
		if len(v.Categories) != 8 || len(v.Exceptions) != 1 || !v.Exceptions[0].Expired || len(v.Vulns.Ignore) != 1 || v.Vulns.Deny != "critical" {
			t.Fatalf("policy: %+v", v)
		}
		verdicts := map[string]string{}
		for _, c := range v.Categories {
			for _, d := range c.Decisions {
				verdicts[c.Category+"/"+d.Model] = d.Verdict
				if d.Reason == "" || d.Rule == "" {
					t.Errorf("%s in %s: no reason or rule", c.Category, d.Model)
				}
			}
		}
		for k, want := range map[string]string{"permissive/distributed": "allow", "strong-copyleft/distributed": "deny",
			"strong-copyleft/internal": "review", "network-copyleft/saas": "deny", "weak-copyleft/internal": "allow", "unknown/internal": "review"} {
			if verdicts[k] != want {
				t.Errorf("policy decides %s for %s, want %s", verdicts[k], k, want)
			}
		}
	})

	t.Run("health", func(t *testing.T) {
		var repos []result.Repo
		decode(t, f.do(req{path: "/api/v1/health", token: access.Viewer}), &repos)
		if len(repos) != 1 || repos[0].Name != "github.com/ossf/scorecard" || repos[0].Score != 9.6 || len(repos[0].Checks) != 18 {
			t.Errorf("health: %+v", repos)
		}
	})

	t.Run("events", func(t *testing.T) {
		var es []portfolio.Event
		decode(t, f.do(req{path: "/api/v1/events?subject=project:web-app", token: access.Reviewer}), &es)
		if len(es) < 3 || es[len(es)-1].Action != "project.added" {
			t.Errorf("web-app's events: %+v", es)
		}
	})

	t.Run("accounts", func(t *testing.T) {
		var us []access.User
		decode(t, f.do(req{path: "/api/v1/users", token: access.Admin}), &us)
		if len(us) < 4 {
			t.Errorf("users: %+v", us)
		}
		var me access.User
		decode(t, f.do(req{path: "/api/v1/me", token: access.Developer}), &me)
		if me.Name != "developer-user" || me.Role != access.Developer {
			t.Errorf("me: %+v", me)
		}
	})
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// testWrites checks uploads, project edits, jobs, tokens and accounts
// through the API.
func testWrites(t *testing.T, f *fixture) {
	ds := scanDocs(t)

	t.Run("scan upload", func(t *testing.T) {
		body, err := json.Marshal(ds[2])
		if err != nil {
			t.Fatal(err)
		}
		var res uploadResult
		w := f.do(req{method: "POST", path: "/api/v1/projects/ci-service/scans?kind=vendor&owner=team-ci", body: string(body), ctype: "application/json", token: access.Developer})
		decode(t, w, &res)
		if w.Code != http.StatusCreated || !res.Created || res.Project.Kind != "vendor" || res.Project.Owner != "team-ci" ||
			res.Scan.Components != 1 || res.Scan.Origin != "upload" || res.Scan.Actor != "developer-user" || res.Project.Latest == nil {
			t.Fatalf("first upload: %d %+v", w.Code, res)
		}
		w = f.do(req{method: "POST", path: "/api/v1/projects/ci-service/scans", body: string(body), ctype: "application/json", token: access.Developer})
		decode(t, w, &res)
		if w.Code != http.StatusCreated || res.Created {
			t.Errorf("second upload: %d %+v", w.Code, res)
		}
		for _, tc := range []struct{ body, want string }{
			{"not json", "not a scan document"},
			{`{"schemaVersion": "9.0"}`, "schemaVersion"},
			{"", "not a scan document"},
		} {
			w := f.do(req{method: "POST", path: "/api/v1/projects/ci-service/scans", body: tc.body, ctype: "application/json", token: access.Developer})
			var e apiError
			decode(t, w, &e)
			if w.Code != http.StatusBadRequest || !strings.Contains(e.Error, tc.want) {
				t.Errorf("upload %q: %d %q, want 400 naming %q", tc.body, w.Code, e.Error, tc.want)
			}
		}
		w = f.do(req{method: "POST", path: "/api/v1/projects/ci-service/scans?kind=alien", body: string(body), ctype: "application/json", token: access.Developer})
		if w.Code != http.StatusBadRequest {
			t.Errorf("kind=alien: %d", w.Code)
		}
		w = f.do(req{method: "POST", path: "/api/v1/projects/" + url.PathEscape("bad name!") + "/scans", body: string(body), ctype: "application/json", token: access.Developer})
		if w.Code != http.StatusBadRequest {
			t.Errorf("bad project name: %d %s", w.Code, w.Body)
		}
	})

	t.Run("sbom upload", func(t *testing.T) {
		sbom, err := os.ReadFile(filepath.Join("..", "sbom", "quality", "testdata", "cyclonedx-1.5-flat.cdx.json"))
		if err != nil {
			t.Fatal(err)
		}
		vendor := f.projects["go-tool"]
		var res uploadResult
		w := f.do(req{method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/sboms?supplier=Acme", vendor.ID), body: string(sbom), ctype: "application/json", token: access.Developer})
		decode(t, w, &res)
		if w.Code != http.StatusCreated || res.Scan.Components < 5 || res.Scan.Origin != "upload" || res.Project.Latest.ID != res.Scan.ID {
			t.Fatalf("SBOM upload: %d %+v", w.Code, res)
		}
		for _, pr := range res.Scan.Problems {
			if strings.Contains(pr, os.TempDir()) {
				t.Errorf("a stored problem names the temporary file: %s", pr)
			}
		}
		var comps portfolio.Page[portfolio.Usage]
		decode(t, f.do(req{path: fmt.Sprintf("/api/v1/projects/%d/components?limit=1000", vendor.ID), token: access.Viewer}), &comps)
		if comps.Total != res.Scan.Components {
			t.Errorf("stored %d components, scan says %d", comps.Total, res.Scan.Components)
		}
		for _, body := range []string{"hello", `{"bomFormat": "CycloneDX", "specVersion": "x", "components": 3}`} {
			w := f.do(req{method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/sboms", vendor.ID), body: body, token: access.Developer})
			var e apiError
			decode(t, w, &e)
			if w.Code != http.StatusBadRequest || e.Error == "" || strings.Contains(e.Error, os.TempDir()) {
				t.Errorf("SBOM %q: %d %q, want 400 without the temporary path", truncate(body, 20), w.Code, e.Error)
			}
		}
	})

	t.Run("projects", func(t *testing.T) {
		var p portfolio.Project
		w := f.do(req{method: "POST", path: "/api/v1/projects", body: `{"name": "new-project", "owner": "team-new", "criticality": "high"}`, ctype: "application/json", token: access.Reviewer})
		decode(t, w, &p)
		if w.Code != http.StatusCreated || p.ID == 0 || p.Kind != "own" || p.Criticality != "high" || w.Header().Get("Location") != fmt.Sprintf("/api/v1/projects/%d", p.ID) {
			t.Fatalf("create: %d %+v %s", w.Code, p, w.Header().Get("Location"))
		}
		for _, tc := range []struct {
			method, path, body string
			code               int
		}{
			{"POST", "/api/v1/projects", `{"name": "new-project"}`, http.StatusConflict},
			{"POST", "/api/v1/projects", `{"name": "x", "kind": "alien"}`, http.StatusBadRequest},
			{"POST", "/api/v1/projects", `{"owner": "nobody"}`, http.StatusBadRequest},
			{"POST", "/api/v1/projects", `{"name": "x", "colour": "red"}`, http.StatusBadRequest},
			{"POST", "/api/v1/projects", `{"name": "x"} {}`, http.StatusBadRequest},
			{"POST", "/api/v1/projects", `{"name": "` + strings.Repeat("x", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
			{"PATCH", fmt.Sprintf("/api/v1/projects/%d", p.ID), `{"name": "renamed"}`, http.StatusBadRequest},
			{"PATCH", fmt.Sprintf("/api/v1/projects/%d", p.ID), `{"criticality": "extreme"}`, http.StatusBadRequest},
			{"PATCH", "/api/v1/projects/999999", `{"owner": "x"}`, http.StatusNotFound},
			{"PATCH", fmt.Sprintf("/api/v1/projects/%d", p.ID), `{"criticality": "low", "reason": "internal tool only"}`, http.StatusOK},
			// Workers read a local source with their own rights: admins only.
			{"PATCH", fmt.Sprintf("/api/v1/projects/%d", p.ID), `{"source": "/etc"}`, http.StatusForbidden},
			{"PATCH", fmt.Sprintf("/api/v1/projects/%d", p.ID), `{"source": "file:///etc"}`, http.StatusForbidden},
			{"POST", "/api/v1/projects", `{"name": "local", "source": "/srv/code"}`, http.StatusForbidden},
			{"PATCH", fmt.Sprintf("/api/v1/projects/%d", p.ID), `{"source": "https://git.example.org/team/new-project.git"}`, http.StatusOK},
		} {
			w := f.do(req{method: tc.method, path: tc.path, body: tc.body, ctype: "application/json", token: access.Reviewer})
			if w.Code != tc.code {
				t.Errorf("%s %s %s: %d, want %d\n%s", tc.method, tc.path, truncate(tc.body, 40), w.Code, tc.code, truncate(w.Body.String(), 200))
			}
		}
		if w := f.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/projects/%d", p.ID), body: `{"source": "/srv/code/new-project"}`, ctype: "application/json", token: access.Admin}); w.Code != http.StatusOK {
			t.Errorf("admin sets a local source: %d %s", w.Code, w.Body)
		}
		decode(t, f.do(req{path: fmt.Sprintf("/api/v1/projects/%d", p.ID), token: access.Viewer}), &p)
		if p.Criticality != "low" || p.Owner != "team-new" || p.Source != "/srv/code/new-project" {
			t.Errorf("after PATCH: %+v", p)
		}
		var es []portfolio.Event
		decode(t, f.do(req{path: "/api/v1/events?subject=project:new-project", token: access.Reviewer}), &es)
		// Newest first: the admin's source change, the reviewer's URL, then
		// the criticality change with its reason.
		if len(es) < 3 || es[0].Actor != "admin-user" || es[2].Action != "project.changed" || es[2].Reason != "internal tool only" || es[2].Actor != "reviewer-user" {
			t.Errorf("change events: %+v", es)
		}
	})

	t.Run("jobs", func(t *testing.T) {
		var q jobQueued
		w := f.do(req{method: "POST", path: "/api/v1/projects/web-app/jobs", token: access.Reviewer})
		decode(t, w, &q)
		if w.Code != http.StatusAccepted || q.ID == 0 {
			t.Fatalf("enqueue: %d %+v", w.Code, q)
		}
		var js []Job
		decode(t, f.do(req{path: "/api/v1/jobs", token: access.Viewer}), &js)
		if len(js) == 0 || js[0].ProjectID != f.projects["web-app"].ID || js[0].Actor != "reviewer-user" || js[0].Kind != "scan" {
			t.Errorf("jobs: %+v", js)
		}
		if q := f.jobs.queued[len(f.jobs.queued)-1]; q.Actor != "reviewer-user" || q.Source != f.projects["web-app"].Source {
			t.Errorf("queued %+v", q)
		}
		// A project with nothing to scan: the queue refuses, the API says why.
		w = f.do(req{method: "POST", path: "/api/v1/projects", body: `{"name": "no-source"}`, ctype: "application/json", token: access.Reviewer})
		if w.Code != http.StatusCreated {
			t.Fatalf("create no-source: %d", w.Code)
		}
		w = f.do(req{method: "POST", path: "/api/v1/projects/no-source/jobs", token: access.Reviewer})
		var e apiError
		decode(t, w, &e)
		if w.Code != http.StatusBadRequest || !strings.Contains(e.Error, "no path or URL") {
			t.Errorf("job for a project without source: %d %q", w.Code, e.Error)
		}
		if w := f.do(req{method: "DELETE", path: fmt.Sprintf("/api/v1/jobs/%d", q.ID), token: access.Reviewer}); w.Code != http.StatusNoContent {
			t.Errorf("cancel: %d", w.Code)
		}
		if w := f.do(req{method: "DELETE", path: "/api/v1/jobs/424242", token: access.Reviewer}); w.Code != http.StatusNotFound {
			t.Errorf("cancel unknown: %d", w.Code)
		}
		noJobs, err := New(Config{Portfolio: f.port, Access: f.acc, Store: f.st})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []req{{method: "GET", path: "/api/v1/jobs"}, {method: "POST", path: "/api/v1/projects/web-app/jobs"}, {method: "DELETE", path: "/api/v1/jobs/1"}} {
			hr := newRequest(r.method, r.path, f.tokens[access.Admin])
			rec := recorder(noJobs.Handler(), hr)
			if rec.Code != http.StatusServiceUnavailable {
				t.Errorf("%s %s without a queue: %d", r.method, r.path, rec.Code)
			}
		}
	})

	t.Run("tokens", func(t *testing.T) {
		var c tokenCreated
		w := f.do(req{method: "POST", path: "/api/v1/tokens", body: `{"name": "ci", "expiresInDays": 30}`, ctype: "application/json", token: access.Viewer})
		decode(t, w, &c)
		if w.Code != http.StatusCreated || !strings.HasPrefix(c.Secret, access.TokenPrefix) || c.Token.ExpiresAt == nil {
			t.Fatalf("new token: %d %+v", w.Code, c)
		}
		hr := newRequest("GET", "/api/v1/me", c.Secret)
		if rec := recorder(f.h, hr); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "viewer-user") {
			t.Errorf("the new token does not work: %d", rec.Code)
		}
		var ts []access.Token
		decode(t, f.do(req{path: "/api/v1/tokens", token: access.Viewer}), &ts)
		if len(ts) != 2 || strings.Contains(f.do(req{path: "/api/v1/tokens", token: access.Viewer}).Body.String(), c.Secret) {
			t.Errorf("token list: %+v (must never show a secret)", ts)
		}
		// Someone else's token is not there for a developer, and is for an admin.
		path := fmt.Sprintf("/api/v1/tokens/%d", c.Token.ID)
		if w := f.do(req{method: "DELETE", path: path, token: access.Developer}); w.Code != http.StatusNotFound {
			t.Errorf("developer revoking the viewer's token: %d", w.Code)
		}
		if w := f.do(req{method: "DELETE", path: path, token: access.Viewer}); w.Code != http.StatusNoContent {
			t.Errorf("revoke own token: %d", w.Code)
		}
		if rec := recorder(f.h, newRequest("GET", "/api/v1/me", c.Secret)); rec.Code != http.StatusUnauthorized {
			t.Errorf("revoked token: %d", rec.Code)
		}
		for _, body := range []string{`{"name": ""}`, `{"name": "x", "expiresInDays": -1}`, `{"name": "x", "expiresInDays": 100000}`} {
			if w := f.do(req{method: "POST", path: "/api/v1/tokens", body: body, ctype: "application/json", token: access.Viewer}); w.Code != http.StatusBadRequest {
				t.Errorf("token %s: %d", body, w.Code)
			}
		}
		for _, auth := range []string{"Bearer ospo_nope", "Basic eDp5", "Bearer"} {
			hr := newRequest("GET", "/api/v1/me", "")
			hr.Header.Set("Authorization", auth)
			if rec := recorder(f.h, hr); rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("Authorization %q: %d", auth, rec.Code)
			}
		}
	})

	t.Run("accounts", func(t *testing.T) {
		var u access.User
		w := f.do(req{method: "POST", path: "/api/v1/users", body: `{"name": "newbie", "password": "long enough password", "role": "developer"}`, ctype: "application/json", token: access.Admin})
		decode(t, w, &u)
		if w.Code != http.StatusCreated || u.Role != access.Developer {
			t.Fatalf("create user: %d %+v", w.Code, u)
		}
		for _, tc := range []struct {
			method, path, body string
			code               int
		}{
			{"POST", "/api/v1/users", `{"name": "newbie", "password": "long enough password", "role": "viewer"}`, http.StatusConflict},
			{"POST", "/api/v1/users", `{"name": "other", "password": "short", "role": "viewer"}`, http.StatusBadRequest},
			{"POST", "/api/v1/users", `{"name": "other", "password": "long enough password", "role": "king"}`, http.StatusBadRequest},
			{"PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), `{"role": "reviewer"}`, http.StatusOK},
			{"PATCH", fmt.Sprintf("/api/v1/users/%d", f.users[access.Admin].ID), `{"role": "viewer"}`, http.StatusConflict},
			{"PATCH", fmt.Sprintf("/api/v1/users/%d", f.users[access.Admin].ID), `{"disabled": true}`, http.StatusConflict},
			{"PATCH", "/api/v1/users/999999", `{"role": "viewer"}`, http.StatusNotFound},
			{"PATCH", "/api/v1/users/abc", `{}`, http.StatusBadRequest},
		} {
			w := f.do(req{method: tc.method, path: tc.path, body: tc.body, ctype: "application/json", token: access.Admin})
			if w.Code != tc.code {
				t.Errorf("%s %s %s: %d, want %d\n%s", tc.method, tc.path, tc.body, w.Code, tc.code, truncate(w.Body.String(), 200))
			}
		}
		// Disabling an account stops its token at once.
		dev := f.users[access.Developer]
		if w := f.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", dev.ID), body: `{"disabled": true}`, ctype: "application/json", token: access.Admin}); w.Code != http.StatusOK {
			t.Fatalf("disable: %d %s", w.Code, w.Body)
		}
		if w := f.do(req{path: "/api/v1/me", token: access.Developer}); w.Code != http.StatusUnauthorized {
			t.Errorf("disabled account's token: %d", w.Code)
		}
		if w := f.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", dev.ID), body: `{"disabled": false}`, ctype: "application/json", token: access.Admin}); w.Code != http.StatusOK {
			t.Fatalf("enable: %d %s", w.Code, w.Body)
		}
	})
}
