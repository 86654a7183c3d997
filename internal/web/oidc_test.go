package web

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ospo/internal/access"
)

// oidcProvider is a small OpenID Connect provider: discovery, a key set,
// an authorization endpoint that signs the person in at once and sends
// the browser back with a code, and a token endpoint that trades the
// code, once, for an RS256 ID token carrying the nonce it was asked for.
type oidcProvider struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	redirect string

	mu         sync.Mutex
	codes      map[string]string // code → nonce
	challenges map[string]string // code → PKCE challenge
	next       int
}

func newOIDCProvider(t *testing.T, redirect string) *oidcProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &oidcProvider{key: key, redirect: redirect, codes: map[string]string{}, challenges: map[string]string{}}
	b64 := base64.RawURLEncoding.EncodeToString
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize", "token_endpoint": p.srv.URL + "/token",
			"jwks_uri": p.srv.URL + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"keys": []any{map[string]any{"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
			"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes())}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("redirect_uri") != p.redirect || q.Get("client_id") != "ospo" {
			http.Error(w, "bad client", http.StatusBadRequest)
			return
		}
		if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
			http.Error(w, "PKCE with S256 is required", http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		p.next++
		code := "code-" + strconv.Itoa(p.next)
		p.codes[code] = q.Get("nonce")
		p.challenges[code] = q.Get("code_challenge")
		p.mu.Unlock()
		http.Redirect(w, r, p.redirect+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		p.mu.Lock()
		nonce, ok := p.codes[r.PostFormValue("code")]
		challenge := p.challenges[r.PostFormValue("code")]
		delete(p.codes, r.PostFormValue("code"))
		delete(p.challenges, r.PostFormValue("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if !ok || b64(sum[:]) != challenge {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		now := time.Now()
		claims, _ := json.Marshal(map[string]any{"iss": p.srv.URL, "sub": "42", "aud": "ospo", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
			"nonce": nonce, "email": "jane@example.com", "email_verified": true, "name": "Jane"})
		hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"})
		input := b64(hdr) + "." + b64(claims)
		digest := sha256.Sum256([]byte(input))
		sig, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": input + "." + b64(sig)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// TestOIDCSignIn goes through the authorization code flow: login sends
// the browser to the provider with state and nonce kept in a cookie, the
// callback checks them and signs the account in with the default role.
func TestOIDCSignIn(t *testing.T) {
	f := sqliteFixture(t)
	const callback = "http://ospo.test/auth/oidc/callback"
	p := newOIDCProvider(t, callback)
	o, err := access.NewOIDC(context.Background(), access.OIDCConfig{Issuer: p.srv.URL, ClientID: "ospo", ClientSecret: "secret",
		RedirectURL: callback, DefaultRole: access.Developer})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Portfolio: f.port, Access: f.acc, Store: f.st, OIDC: o})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if w := recorder(h, httptest.NewRequest("GET", "/signin", nil)); !strings.Contains(w.Body.String(), `href="/auth/oidc/login?next=%2f"`) {
		t.Errorf("the sign-in page does not offer OIDC:\n%s", w.Body)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// login: to the provider, with the flow's cookie.
	login := func() (*http.Cookie, string) {
		w := recorder(h, httptest.NewRequest("GET", "/auth/oidc/login?next="+url.QueryEscape("/findings"), nil))
		to := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(to, p.srv.URL+"/authorize?") {
			t.Fatalf("login: %d %s", w.Code, to)
		}
		var flow *http.Cookie
		for _, c := range w.Result().Cookies() {
			if c.Name == oidcCookie {
				flow = c
			}
		}
		if flow == nil || !flow.HttpOnly || flow.MaxAge <= 0 || flow.MaxAge > 600 {
			t.Fatalf("flow cookie %+v", flow)
		}
		// The provider signs the person in and sends the browser back.
		resp, err := noRedirect.Get(to)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		back := resp.Header.Get("Location")
		if !strings.HasPrefix(back, callback+"?") {
			t.Fatalf("provider sent the browser to %q", back)
		}
		return flow, strings.TrimPrefix(back, "http://ospo.test")
	}
	callbackReq := func(path string, flow *http.Cookie) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if flow != nil {
			r.AddCookie(flow)
		}
		return recorder(h, r)
	}

	flow, back := login()
	w := callbackReq(back, flow)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/findings" {
		t.Fatalf("callback: %d %s\n%s", w.Code, w.Header().Get("Location"), w.Body)
	}
	var session *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == srv.cookieName() {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session after the callback")
	}
	sess, err := f.acc.Session(context.Background(), session.Value)
	if err != nil || sess.User.Name != "jane@example.com" || sess.User.Role != access.Developer {
		t.Errorf("signed in as %+v, %v", sess.User, err)
	}

	// What the callback refuses.
	flow, back = login()
	u, _ := url.Parse(back)
	q := u.Query()
	q.Set("state", "forged")
	for name, tc := range map[string]struct {
		path string
		flow *http.Cookie
		text string
	}{
		"no flow cookie":   {back, nil, "not started here"},
		"state mismatch":   {u.Path + "?" + q.Encode(), flow, "does not belong"},
		"provider refused": {"/auth/oidc/callback?error=access_denied&error_description=no", flow, "access_denied"},
	} {
		w := callbackReq(tc.path, tc.flow)
		if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), tc.text) {
			t.Errorf("%s: %d, want 401 saying %q\n%s", name, w.Code, tc.text, truncate(w.Body.String(), 300))
		}
	}
	w = callbackReq(back, flow)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("the right callback after the refusals: %d", w.Code)
	}
	// PKCE: the code and state are right but the flow cookie carries
	// another verifier (as a code stolen on its way back would need):
	// the provider refuses the exchange.
	flow, back = login()
	parts := strings.Split(flow.Value, ".")
	parts[2] = access.NewVerifier()
	forged := &http.Cookie{Name: flow.Name, Value: strings.Join(parts, ".")}
	if w := callbackReq(back, forged); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "could not be verified") {
		t.Errorf("a callback with another verifier: %d\n%s", w.Code, truncate(w.Body.String(), 300))
	}
	if w := callbackReq(back, flow); w.Code != http.StatusUnauthorized {
		t.Errorf("a code used twice: %d", w.Code)
	}
}
