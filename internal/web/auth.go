package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"ospo/internal/access"
)

// signinView is the sign-in page's data.
type signinView struct {
	Next    string
	Name    string
	Problem string
	Demo    *DemoHint
}

// safeNext is where to go after signing in: a path on this server, "/"
// for anything else (an open redirect otherwise). Control characters
// and backslashes are refused outright: browsers drop tabs and line
// breaks from URLs and read a backslash as a slash, so "/\t/evil" or
// "/\\evil" would lead to another site.
func safeNext(next string) string {
	if len(next) > 2000 || strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if who(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	s.render(w, r, "signin", "Sign in", signinView{Next: next, Demo: s.cfg.Demo})
	return nil
}

// signin checks a name and password, within the limiter's budget, and
// starts a session. Login CSRF is refused by the cross-origin check.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	view := signinView{Next: next, Name: name, Demo: s.cfg.Demo}
	if s.cfg.Limiter != nil && !s.cfg.Limiter.Allow(s.clientAddr(r), name) {
		w.Header().Set("Retry-After", "60")
		view.Problem = "Too many sign-in attempts. Wait a minute and try again."
		s.renderStatus(w, r, http.StatusTooManyRequests, "signin", "Sign in", view)
		return nil
	}
	u, err := s.cfg.Access.Authenticate(r.Context(), name, password)
	switch {
	case errors.Is(err, access.ErrBadCredentials):
		view.Problem = "Wrong name or password."
		s.renderStatus(w, r, http.StatusUnauthorized, "signin", "Sign in", view)
		return nil
	case errors.Is(err, access.ErrDisabled):
		view.Problem = "This account is disabled. Ask an administrator."
		s.renderStatus(w, r, http.StatusForbidden, "signin", "Sign in", view)
		return nil
	case err != nil:
		return err
	}
	if s.cfg.Limiter != nil {
		s.cfg.Limiter.Reset(s.clientAddr(r), name)
	}
	return s.startSession(w, r, u, next)
}

// startSession ends the browser's old session, if any, and starts one
// for u: a new secret at every sign-in, so a planted cookie is useless.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u access.User, next string) error {
	if err := s.newSessionCookie(w, r, u); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// newSessionCookie ends the browser's old session, if any, and gives it
// a new one for u.
func (s *Server) newSessionCookie(w http.ResponseWriter, r *http.Request, u access.User) error {
	if c, err := r.Cookie(s.cookieName()); err == nil {
		if err := s.cfg.Access.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	secret, _, err := s.cfg.Access.NewSession(r.Context(), u, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, secret)
	return nil
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.cookieName()); err == nil {
		if err := s.cfg.Access.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// oidcCookie holds the state, nonce, PKCE verifier and destination of a
// sign-in at the OpenID Connect provider for the few minutes it takes.
const oidcCookie = "ospo_oidc"

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// oidcLogin sends the browser to the provider with a fresh state, nonce
// and PKCE verifier, kept in a short-lived cookie for the callback.
func (s *Server) oidcLogin(w http.ResponseWriter, r *http.Request) error {
	state, nonce, verifier := randomToken(), randomToken(), access.NewVerifier()
	next := base64.RawURLEncoding.EncodeToString([]byte(safeNext(r.URL.Query().Get("next"))))
	http.SetCookie(w, &http.Cookie{
		Name: oidcCookie, Value: state + "." + nonce + "." + verifier + "." + next, Path: "/auth/oidc/", MaxAge: 600,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, s.cfg.OIDC.AuthCodeURL(state, nonce, verifier), http.StatusSeeOther)
	return nil
}

// oidcCallback checks the state against the cookie, has the code
// exchanged and checked (signature, issuer, audience, expiry, nonce,
// domain), and signs the account of that identity in.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/auth/oidc/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	refuse := func(msg string) error {
		s.renderStatus(w, r, http.StatusUnauthorized, "signin", "Sign in", signinView{Next: "/", Problem: msg, Demo: s.cfg.Demo})
		return nil
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return refuse("The identity provider refused the sign-in: " + truncate(e+" "+q.Get("error_description"), 200))
	}
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return refuse("The sign-in took too long or was not started here. Try again.")
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 4 || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(q.Get("state"))) != 1 {
		return refuse("The sign-in answer does not belong to this browser's sign-in. Try again.")
	}
	nextBytes, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil {
		return refuse("The sign-in cookie is damaged. Try again.")
	}
	id, err := s.cfg.OIDC.Exchange(r.Context(), q.Get("code"), parts[1], parts[2])
	switch {
	case errors.Is(err, access.ErrDomain):
		return refuse("Your e-mail domain may not sign in here.")
	case errors.Is(err, access.ErrBadCredentials), errors.Is(err, access.ErrExpired):
		// Also an unreachable key set arrives here (go-oidc flattens its
		// errors), so it is logged for the operator.
		s.log.Warn("OIDC token refused", "error", err)
		return refuse("The identity provider's answer could not be verified. Try again.")
	case err != nil:
		s.log.Warn("OIDC exchange failed", "error", err)
		return refuse("The sign-in could not be completed with the identity provider. Try again later.")
	}
	u, err := s.cfg.Access.UserForIdentity(r.Context(), id, s.cfg.OIDC.DefaultRole())
	if errors.Is(err, access.ErrDisabled) {
		return refuse("This account is disabled. Ask an administrator.")
	}
	if err != nil {
		return err
	}
	return s.startSession(w, r, u, safeNext(string(nextBytes)))
}
