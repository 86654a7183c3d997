package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"

	"ospo/internal/access"
)

// principal is who a request is authenticated as: a browser session or
// an API token.
type principal struct {
	user access.User
	// session is set for cookie-authenticated requests, whose unsafe
	// methods must carry the session's CSRF token.
	session *access.Session
}

type ctxKey struct{}

// who is the request's principal, nil for an anonymous request.
func who(r *http.Request) *principal {
	p, _ := r.Context().Value(ctxKey{}).(*principal)
	return p
}

// actor is how the events log names the request's principal.
func actor(r *http.Request) string {
	if p := who(r); p != nil {
		return p.user.Name
	}
	return ""
}

// identify authenticates the request: an Authorization: Bearer token
// first, else the session cookie. A token that does not work is refused
// at once (the client meant to authenticate); a cookie that does not
// work is cleared and the request goes on anonymous.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			// Refusals are logged here: they never reach the request log.
			refuse := func(msg string) {
				s.log.Warn("API token refused", "method", r.Method, "path", r.URL.Path, "remote", s.clientAddr(r), "reason", msg)
				s.unauthorized(w, r, msg)
			}
			scheme, secret, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
				refuse("the Authorization header must be \"Bearer\" and an API token")
				return
			}
			u, err := s.cfg.Access.TokenUser(ctx, strings.TrimSpace(secret))
			switch {
			case errors.Is(err, access.ErrBadCredentials):
				refuse("unknown or revoked API token")
				return
			case errors.Is(err, access.ErrExpired):
				refuse("the API token has expired")
				return
			case errors.Is(err, access.ErrDisabled):
				refuse("the token's account is disabled")
				return
			case err != nil:
				s.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, ctxKey{}, &principal{user: u})))
			return
		}
		if c, err := r.Cookie(s.cookieName()); err == nil && c.Value != "" {
			sess, err := s.cfg.Access.Session(ctx, c.Value)
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(ctx, ctxKey{}, &principal{user: sess.User, session: &sess}))
			case errors.Is(err, access.ErrBadCredentials), errors.Is(err, access.ErrExpired), errors.Is(err, access.ErrDisabled):
				s.clearSessionCookie(w)
			default:
				s.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// guard enforces the route's minimum role and, for cookie-authenticated
// requests with unsafe methods, the CSRF token; it bounds the body and
// runs the handler.
func (s *Server) guard(rt route) http.Handler {
	limit := rt.maxBody
	if limit == 0 {
		limit = defaultMaxBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := who(r)
		if rt.role != "" {
			switch {
			case p == nil && rt.isAPI():
				s.unauthorized(w, r, "sign in or send an API token")
				return
			case p == nil:
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			case !p.user.Role.AtLeast(rt.role):
				s.fail(w, r, &httpError{status: http.StatusForbidden,
					msg: fmt.Sprintf("%s needs the %s role; %s is %s", rt.path, rt.role, p.user.Name, p.user.Role)})
				return
			}
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if unsafeMethod(r.Method) && rt.role != "" && p != nil && p.session != nil {
			if !p.session.CheckCSRF(csrfToken(r)) {
				s.fail(w, r, &httpError{status: http.StatusForbidden, msg: "missing or wrong CSRF token: reload the page and try again"})
				return
			}
		}
		if err := rt.handle(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// csrfToken is the token a request carries: the header htmx and
// scripts send, else the hidden field of a form (URL-encoded, or
// multipart for file uploads).
func csrfToken(r *http.Request) string {
	if t := r.Header.Get(csrfHeader); t != "" {
		return t
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return r.PostFormValue(csrfField)
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/form-data") {
		// The body is already bounded by the route's limit.
		if err := r.ParseMultipartForm(maxFormMemory); err != nil {
			return ""
		}
		return r.PostFormValue(csrfField)
	}
	return ""
}

// unauthorized answers 401 in JSON for the API and for token clients,
// and sends a browser to the sign-in page.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="ospo"`)
	writeJSON(w, http.StatusUnauthorized, apiError{Error: msg})
}

// contentSecurityPolicy allows only the server's own scripts, styles
// and images: no inline script or style, no framing, forms posting only
// here.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// secureHeaders sets the headers every answer carries.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		// Everything but the assets is private and changes: never cache
		// it (the asset handler replaces this).
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status a handler answered, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs each request once it is answered: method, path (the
// query left out: it may hold search terms), status, duration and who.
// Refusals and failures are logged at warning level.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := slog.LevelInfo
		if sw.status >= 400 && sw.status != http.StatusNotFound {
			level = slog.LevelWarn
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration", s.now().Sub(start), "user", actor(r), "remote", s.clientAddr(r))
	})
}

// recoverer turns a panic in a handler into a 500 that is logged with
// its stack, so one bad request cannot take the server down.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.fail(w, r, errors.New("internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// noRoute answers what no route takes: 405 with an Allow header for a
// path the table has under other methods, 404 for any other path.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.paths.Handler(r); s.allow[pattern] != "" {
		w.Header().Set("Allow", s.allow[pattern])
		s.fail(w, r, &httpError{status: http.StatusMethodNotAllowed,
			msg: fmt.Sprintf("%s does not take %s; it takes %s", r.URL.Path, truncate(r.Method, 20), s.allow[pattern])})
		return
	}
	s.fail(w, r, &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no page at %s", r.URL.Path)})
}

// pathMethods is a mux of the routes' paths, without their methods,
// and the methods each path takes as an Allow header lists them (HEAD
// wherever GET is: the mux answers it with the GET handler).
func pathMethods(routes []route) (*http.ServeMux, map[string]string) {
	methods := map[string][]string{}
	for _, rt := range routes {
		methods[rt.path] = append(methods[rt.path], rt.method)
		if rt.method == http.MethodGet {
			methods[rt.path] = append(methods[rt.path], http.MethodHead)
		}
	}
	paths := http.NewServeMux()
	allow := map[string]string{}
	for p, ms := range methods {
		// Only the pattern the mux picks is used, never the handler.
		paths.Handle(p, http.NotFoundHandler())
		slices.Sort(ms)
		allow[p] = strings.Join(slices.Compact(ms), ", ")
	}
	return paths, allow
}

// setSessionCookie gives the browser its session.
func (s *Server) setSessionCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: secret, Path: "/", MaxAge: int(s.cfg.SessionTTL.Seconds()),
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// clearSessionCookie removes the session cookie.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}
