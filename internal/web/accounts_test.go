package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"ospo/internal/access"
	"ospo/internal/portfolio"
)

// TestAdminSetsPassword: an admin gives an account a new password, by
// the API and by the accounts page. An OIDC account can then sign in
// with it, the account's sessions end, the change is in the events log,
// and the password is never sent back or logged.
func TestAdminSetsPassword(t *testing.T) {
	f := sqliteFixture(t)
	ctx := t.Context()
	const newPassword = "a brand new password"
	jane, err := f.acc.UserForIdentity(ctx, access.Identity{Issuer: "https://idp.example", Subject: "42",
		Email: "jane@example.com", EmailVerified: true}, access.Viewer)
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(name, pw string) *signInAnswer {
		w := f.do(req{method: "POST", path: "/signin", body: url.Values{"name": {name}, "password": {pw}, "next": {"/"}}.Encode(), ctype: formType})
		return &signInAnswer{code: w.Code, cookies: w.Result().Cookies()}
	}
	if r := signIn(jane.Name, newPassword); r.code != http.StatusUnauthorized {
		t.Fatalf("an OIDC account without a password signs in: %d", r.code)
	}
	path := fmt.Sprintf("/api/v1/users/%d", jane.ID)

	// Everything given is checked before anything changes.
	w := f.do(req{method: "PATCH", path: path, body: `{"role": "reviewer", "password": "short"}`, ctype: "application/json", token: access.Admin})
	if u, _ := f.acc.User(ctx, jane.ID); w.Code != http.StatusBadRequest || u.Role != access.Viewer {
		t.Errorf("a short password: %d, role now %s; want 400 and the role kept", w.Code, u.Role)
	}
	if w := f.do(req{method: "PATCH", path: path, body: fmt.Sprintf(`{"password": %q}`, newPassword), ctype: "application/json", token: access.Reviewer}); w.Code != http.StatusForbidden {
		t.Errorf("a reviewer sets a password: %d, want 403", w.Code)
	}

	w = f.do(req{method: "PATCH", path: path, body: fmt.Sprintf(`{"password": %q}`, newPassword), ctype: "application/json", token: access.Admin})
	var u access.User
	decode(t, w, &u)
	if w.Code != http.StatusOK || u.ID != jane.ID || strings.Contains(w.Body.String(), newPassword) {
		t.Fatalf("set password: %d %s", w.Code, w.Body)
	}
	r := signIn(jane.Name, newPassword)
	if r.code != http.StatusSeeOther {
		t.Fatalf("sign in with the password the admin set: %d", r.code)
	}
	janeSession := r.cookie(f.srv.cookieName())

	// The events log says who set it, and never what.
	w = f.do(req{path: "/api/v1/events?subject=" + url.QueryEscape("user:"+jane.Name), token: access.Admin})
	var es []portfolio.Event
	decode(t, w, &es)
	if len(es) == 0 || es[0].Action != "user.password" || es[0].Actor != "admin-user" || strings.Contains(w.Body.String(), newPassword) {
		t.Errorf("events of %s: %+v", jane.Name, es)
	}

	// The accounts page offers the field; setting a password there ends
	// the account's sessions.
	cookie, csrf := f.signIn(access.Admin)
	page := f.do(req{path: "/admin/users", cookie: cookie}).Body.String()
	field := fmt.Sprintf(`action="/admin/users/%d"`, jane.ID)
	if !strings.Contains(page, field) || !strings.Contains(page, `name="password" type="password" autocomplete="new-password"`) ||
		!strings.Contains(page, "new password for "+jane.Name) {
		t.Fatalf("the accounts page has no password field for %s", jane.Name)
	}
	form := url.Values{"csrf": {csrf}, "password": {"another long password"}}.Encode()
	w = f.do(req{method: "POST", path: fmt.Sprintf("/admin/users/%d", jane.ID), body: form, ctype: formType, cookie: cookie})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/users" {
		t.Fatalf("password form: %d %s", w.Code, w.Body)
	}
	if w := f.do(req{path: "/", cookie: janeSession}); w.Code != http.StatusSeeOther {
		t.Errorf("jane's session outlived the new password: %d", w.Code)
	}
	if r := signIn(jane.Name, newPassword); r.code != http.StatusUnauthorized {
		t.Errorf("the old password still works: %d", r.code)
	}
	if r := signIn(jane.Name, "another long password"); r.code != http.StatusSeeOther {
		t.Errorf("the password set on the page does not work: %d", r.code)
	}
	form = url.Values{"csrf": {csrf}, "password": {"too short"}}.Encode()
	if w := f.do(req{method: "POST", path: fmt.Sprintf("/admin/users/%d", jane.ID), body: form, ctype: formType, cookie: cookie}); w.Code != http.StatusBadRequest {
		t.Errorf("a short password on the page: %d, want 400", w.Code)
	}

	// An admin who sets their own password stays signed in, on a new
	// session: the old one ended with the old password.
	admin := f.users[access.Admin]
	form = url.Values{"csrf": {csrf}, "password": {"the admin's new password"}}.Encode()
	w = f.do(req{method: "POST", path: fmt.Sprintf("/admin/users/%d", admin.ID), body: form, ctype: formType, cookie: cookie})
	fresh := (&signInAnswer{cookies: w.Result().Cookies()}).cookie(f.srv.cookieName())
	if w.Code != http.StatusSeeOther || fresh == nil || fresh.Value == cookie.Value {
		t.Fatalf("own password: %d, new cookie %v", w.Code, fresh)
	}
	if w := f.do(req{path: "/admin/users", cookie: cookie}); w.Code != http.StatusSeeOther {
		t.Errorf("the admin's old session outlived the new password: %d", w.Code)
	}
	if w := f.do(req{path: "/admin/users", cookie: fresh}); w.Code != http.StatusOK {
		t.Errorf("the admin's new session: %d", w.Code)
	}
}

// signInAnswer is what TestAdminSetsPassword keeps of an answer: its
// status and cookies.
type signInAnswer struct {
	code    int
	cookies []*http.Cookie
}

func (r *signInAnswer) cookie(name string) *http.Cookie {
	for _, c := range r.cookies {
		if c.Name == name && c.Value != "" {
			return c
		}
	}
	return nil
}

// TestAdminSeesAllTokens: an admin lists every account's tokens, with
// their owners and never a secret, by the API (all=true) and on the
// tokens page, and revokes someone else's there; nobody else may ask.
func TestAdminSeesAllTokens(t *testing.T) {
	f := sqliteFixture(t)
	ctx := t.Context()
	ciSecret, ci, err := f.acc.NewToken(ctx, "test", f.users[access.Viewer], "viewer-ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{ciSecret}
	for _, s := range f.tokens {
		secrets = append(secrets, s)
	}
	noSecret := func(t *testing.T, body string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(body, strings.TrimPrefix(s, access.TokenPrefix)) {
				t.Errorf("the answer shows a token secret:\n%s", truncate(body, 400))
			}
		}
	}

	w := f.do(req{path: "/api/v1/tokens?all=true", token: access.Admin})
	var all []access.OwnedToken
	decode(t, w, &all)
	noSecret(t, w.Body.String())
	var got []string
	for _, tk := range all {
		got = append(got, tk.Owner+"/"+tk.Name)
	}
	want := []string{"admin-user/test", "developer-user/test", "reviewer-user/test", "viewer-user/test", "viewer-user/viewer-ci"}
	if !slices.Equal(got, want) {
		t.Errorf("every account's tokens = %v, want %v", got, want)
	}
	var fields []map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &fields)
	for _, fl := range fields {
		for k := range fl {
			if !slices.Contains([]string{"id", "userId", "name", "owner", "prefix", "createdAt", "lastUsedAt", "expiresAt"}, k) {
				t.Errorf("a listed token has field %q", k)
			}
		}
	}
	w = f.do(req{path: "/api/v1/tokens", token: access.Admin})
	var own []access.OwnedToken
	decode(t, w, &own)
	if len(own) != 1 || own[0].Owner != "admin-user" {
		t.Errorf("the admin's own tokens: %+v", own)
	}
	for _, role := range []access.Role{access.Viewer, access.Developer, access.Reviewer} {
		w := f.do(req{path: "/api/v1/tokens?all=true", token: role})
		var e apiError
		decode(t, w, &e)
		if w.Code != http.StatusForbidden || !strings.Contains(e.Error, "only an admin") {
			t.Errorf("%s asks for every token: %d %q, want 403", role, w.Code, e.Error)
		}
	}
	if w := f.do(req{path: "/api/v1/tokens?all=maybe", token: access.Admin}); w.Code != http.StatusBadRequest {
		t.Errorf("all=maybe: %d, want 400", w.Code)
	}

	// The page: a link for admins, the owners, a revoke that comes back.
	cookie, csrf := f.signIn(access.Admin)
	if page := f.do(req{path: "/account/tokens", cookie: cookie}).Body.String(); !strings.Contains(page, `href="/account/tokens?all=true"`) {
		t.Error("the tokens page does not link an admin to every account's tokens")
	}
	w = f.do(req{path: "/account/tokens?all=true", cookie: cookie})
	page := w.Body.String()
	noSecret(t, page)
	if w.Code != http.StatusOK || !strings.Contains(page, "<td>viewer-ci</td><td>viewer-user</td>") ||
		!strings.Contains(page, fmt.Sprintf(`action="/account/tokens/%d/revoke"`, ci.ID)) {
		t.Fatalf("every account's tokens page: %d\n%s", w.Code, page)
	}
	viewer, _ := f.signIn(access.Viewer)
	if w := f.do(req{path: "/account/tokens?all=true", cookie: viewer}); w.Code != http.StatusForbidden {
		t.Errorf("a viewer's page of every token: %d, want 403", w.Code)
	}
	if body := f.do(req{path: "/account/tokens", cookie: viewer}).Body.String(); strings.Contains(body, "all=true") {
		t.Error("a viewer is offered every account's tokens")
	}
	w = f.do(req{path: "/account/tokens?all=true&format=csv", cookie: cookie})
	records, err := csv.NewReader(w.Body).ReadAll()
	if err != nil || len(records) != len(want)+1 || records[0][2] != "owner" {
		t.Errorf("CSV of every token: %v %v", records, err)
	}
	noSecret(t, w.Body.String())

	form := url.Values{"csrf": {csrf}, "all": {"true"}}.Encode()
	w = f.do(req{method: "POST", path: fmt.Sprintf("/account/tokens/%d/revoke", ci.ID), body: form, ctype: formType, cookie: cookie})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account/tokens?all=true" {
		t.Fatalf("revoke the viewer's token: %d %s", w.Code, w.Header().Get("Location"))
	}
	if rec := recorder(f.h, newRequest("GET", "/api/v1/me", ciSecret)); rec.Code != http.StatusUnauthorized {
		t.Errorf("the revoked token still works: %d", rec.Code)
	}
	if ts, _ := f.acc.Tokens(ctx, f.users[access.Viewer].ID); len(ts) != 1 {
		t.Errorf("the viewer has %d tokens after the revoke, want 1", len(ts))
	}
}
