package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ospo/internal/access"
	"ospo/internal/store/storetest"
)

// concretePath fills a route's wildcards with values the fixture has:
// its projects, and for routes that delete or change accounts, tokens
// or jobs an id that does not exist, so that running every route as
// every role changes nothing the other requests need.
func (f *fixture) concretePath(rt route) string {
	p := strings.ReplaceAll(rt.path, "{$}", "")
	project := fmt.Sprint(f.projects["web-app"].ID)
	if rt.method == "POST" && strings.HasSuffix(rt.path, "/scans") {
		project = "web-app"
	}
	for _, kv := range [][2]string{{"{file}", "ospo.css"}, {"{chart}", "licenses.svg"}} {
		p = strings.ReplaceAll(p, kv[0], kv[1])
	}
	if strings.Contains(p, "/projects/") {
		return strings.ReplaceAll(p, "{id}", project)
	}
	return strings.ReplaceAll(p, "{id}", "999999")
}

// body is a request body the route's handler refuses or ignores
// harmlessly (an empty form, an empty JSON object).
func bodyFor(rt route) (string, string) {
	if !unsafeMethod(rt.method) {
		return "", ""
	}
	if rt.isAPI() {
		return "{}", "application/json"
	}
	return "x=1", "application/x-www-form-urlencoded"
}

// refusal tells whether an answer is the guard's: "anonymous" for the
// sign-in redirect or the API's 401, "forbidden" for a role too low, ""
// when the handler answered.
func refusal(w *httptest.ResponseRecorder) string {
	switch {
	case w.Code == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") != "":
		return "anonymous"
	case w.Code == http.StatusSeeOther && strings.HasPrefix(w.Header().Get("Location"), "/signin?next="):
		return "anonymous"
	case w.Code == http.StatusForbidden && strings.Contains(w.Body.String(), " role; "):
		return "forbidden"
	}
	return ""
}

// want is the guard's expected answer for a principal of role ("" for
// anonymous) on rt, derived from the route's minimum role.
func want(rt route, role access.Role) string {
	switch {
	case rt.role == "":
		return ""
	case role == "":
		return "anonymous"
	case !role.AtLeast(rt.role):
		return "forbidden"
	}
	return ""
}

// TestAuthorizationMatrix runs every route of the table as anonymous and
// as each role, authenticated by API token and by session cookie, and
// checks that the real handler is reached exactly when the route's
// minimum role allows.
func TestAuthorizationMatrix(t *testing.T) {
	f := sqliteFixture(t)
	type session struct {
		cookie *http.Cookie
		csrf   string
	}
	sessions := map[access.Role]session{}
	for _, r := range roles {
		c, csrf := f.signIn(r)
		sessions[r] = session{c, csrf}
	}
	principals := append([]access.Role{""}, roles...)
	routes := f.srv.routes
	if len(routes) < 50 {
		t.Fatalf("the route table has %d routes; did it lose some?", len(routes))
	}
	for _, rt := range routes {
		for _, role := range principals {
			for _, via := range []string{"token", "session"} {
				if role == "" && via == "session" {
					continue
				}
				name := fmt.Sprintf("%s %s as %s by %s", rt.method, rt.path, orDefault(string(role), "anonymous"), via)
				t.Run(name, func(t *testing.T) {
					body, ctype := bodyFor(rt)
					r := req{method: rt.method, path: f.concretePath(rt), body: body, ctype: ctype}
					switch {
					case role == "":
					case via == "token":
						r.token = role
					case rt.path == "/signout":
						// Signing out ends the session: use one of its own.
						r.cookie, r.csrf = f.signIn(role)
					default:
						r.cookie, r.csrf = sessions[role].cookie, sessions[role].csrf
					}
					w := f.do(r)
					if got, exp := refusal(w), want(rt, role); got != exp {
						t.Errorf("guard answer %q, want %q (status %d, Location %q)\n%s", got, exp, w.Code,
							w.Header().Get("Location"), truncate(w.Body.String(), 300))
					}
					if w.Code >= 500 {
						t.Errorf("status %d:\n%s", w.Code, truncate(w.Body.String(), 300))
					}
					if strings.Contains(w.Body.String(), "no page at") {
						t.Errorf("the route is not registered: %s", w.Body)
					}
				})
			}
		}
	}
}

// TestRoutesAreUnique guards the table itself: one entry per method and
// path, every API route described, every page route not.
func TestRoutesAreUnique(t *testing.T) {
	f := sqliteFixture(t)
	seen := map[string]bool{}
	for _, rt := range f.srv.routes {
		key := rt.method + " " + rt.path
		if seen[key] {
			t.Errorf("%s is in the table twice", key)
		}
		seen[key] = true
		if rt.isAPI() != (rt.api != nil) {
			t.Errorf("%s: API routes, and only they, carry an API description", key)
		}
		if rt.role != "" && !rt.role.Valid() {
			t.Errorf("%s: role %q is not a role", key, rt.role)
		}
	}
}

// TestCSRF checks that a cookie-authenticated write needs the session's
// token, in the form or the header, and that a token-authenticated one
// does not.
func TestCSRF(t *testing.T) {
	f := sqliteFixture(t)
	cookie, csrf := f.signIn(access.Admin)
	form := "name=csrf-project&kind=own"
	ctype := "application/x-www-form-urlencoded"
	tests := []struct {
		name string
		r    req
		code int
	}{
		{"no token", req{method: "POST", path: "/projects", body: form, ctype: ctype, cookie: cookie}, http.StatusForbidden},
		{"wrong token", req{method: "POST", path: "/projects", body: form + "&csrf=nope", ctype: ctype, cookie: cookie}, http.StatusForbidden},
		{"other session's token", req{method: "POST", path: "/projects", body: form, ctype: ctype, cookie: cookie, csrf: otherCSRF(t, f)}, http.StatusForbidden},
		{"API write without header", req{method: "POST", path: "/api/v1/projects", body: `{"name":"csrf-api"}`, ctype: "application/json", cookie: cookie}, http.StatusForbidden},
		{"sign out without token", req{method: "POST", path: "/signout", cookie: cookie}, http.StatusForbidden},
		{"form field", req{method: "POST", path: "/projects", body: form + "&csrf=" + csrf, ctype: ctype, cookie: cookie}, http.StatusSeeOther},
		{"header", req{method: "POST", path: "/api/v1/projects", body: `{"name":"csrf-api"}`, ctype: "application/json", cookie: cookie, csrf: csrf}, http.StatusCreated},
		{"bearer token needs none", req{method: "POST", path: "/api/v1/projects", body: `{"name":"csrf-bearer"}`, ctype: "application/json", token: access.Admin}, http.StatusCreated},
		{"cross-origin form", req{method: "POST", path: "/projects", body: form + "2&csrf=" + csrf, ctype: ctype, cookie: cookie,
			header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}}, http.StatusForbidden},
		{"cross-origin sign-in", req{method: "POST", path: "/signin", body: "name=admin-user&password=x", ctype: ctype,
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := f.do(tc.r)
			if w.Code != tc.code {
				t.Errorf("status %d, want %d\n%s", w.Code, tc.code, truncate(w.Body.String(), 300))
			}
		})
	}
	// The refused writes changed nothing.
	if _, err := f.port.ProjectByName(t.Context(), "csrf-project2"); err == nil {
		t.Error("the cross-origin form created its project")
	}
}

// otherCSRF is the CSRF token of another session of another account.
func otherCSRF(t *testing.T, f *fixture) string {
	_, csrf := f.signIn(access.Viewer)
	return csrf
}

// TestSecurityHeaders checks the headers on pages, the API, assets,
// charts and errors.
func TestSecurityHeaders(t *testing.T) {
	f := sqliteFixture(t)
	for _, r := range []req{
		{path: "/signin"},
		{path: "/", token: access.Viewer},
		{path: "/api/v1/projects", token: access.Viewer},
		{path: "/assets/htmx.min.js"},
		{path: "/charts/risk.svg", token: access.Viewer},
		{path: "/nowhere"},
		{path: "/api/v1/projects"},
	} {
		t.Run(r.path, func(t *testing.T) {
			w := f.do(r)
			h := w.Header()
			csp := h.Get("Content-Security-Policy")
			for _, d := range []string{"default-src 'none'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("CSP %q lacks %q", csp, d)
				}
			}
			if strings.Contains(csp, "script-src") && strings.Contains(csp, "unsafe") {
				t.Errorf("CSP %q allows unsafe scripts", csp)
			}
			if !strings.HasSuffix(r.path, ".svg") && strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q allows inline code outside the chart images", csp)
			}
			for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
				if h.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, h.Get(k), v)
				}
			}
		})
	}
	// Cookies: HttpOnly, SameSite=Lax; Secure and __Host- with SecureCookies.
	w := f.do(req{method: "POST", path: "/signin", body: "name=viewer-user&password=" + strings.ReplaceAll(password, " ", "+"), ctype: "application/x-www-form-urlencoded"})
	c := w.Result().Cookies()
	if len(c) != 1 || !c[0].HttpOnly || c[0].SameSite != http.SameSiteLaxMode || c[0].Secure {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure on plain HTTP", c)
	}
	secure, err := New(Config{Portfolio: f.port, Access: f.acc, Store: f.st, SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/signin", strings.NewReader("name=viewer-user&password="+strings.ReplaceAll(password, " ", "+")))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sw := httptest.NewRecorder()
	secure.Handler().ServeHTTP(sw, r)
	c = sw.Result().Cookies()
	if len(c) != 1 || c[0].Name != "__Host-ospo_session" || !c[0].Secure || !c[0].HttpOnly || c[0].Path != "/" {
		t.Errorf("secure session cookie %+v", c)
	}
	if sw.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no Strict-Transport-Security with SecureCookies")
	}
}

// TestPostgres runs the main reads and writes on PostgreSQL too.

// TestPostgres runs the reads and writes on PostgreSQL too.
func TestPostgres(t *testing.T) {
	f := newFixture(t, storetest.Postgres(t))
	t.Run("reads", func(t *testing.T) { testReads(t, f) })
	t.Run("writes", func(t *testing.T) { testWrites(t, f) })
}

func TestSQLite(t *testing.T) {
	f := sqliteFixture(t)
	t.Run("reads", func(t *testing.T) { testReads(t, f) })
	t.Run("writes", func(t *testing.T) { testWrites(t, f) })
}
