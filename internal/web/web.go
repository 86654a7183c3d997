// Package web is the portal of `ospo serve`: server-rendered pages
// (html/template, htmx, assets embedded in the binary) and a REST API
// under /api/v1 described by an OpenAPI 3.1 document built from the same
// route table. Every route, its minimum role and its API description sit
// in one table (routes.go); handlers only parse the request, call the
// domain packages (portfolio, access, policy, repocheck/monitor, jobs)
// and render what they return. Nothing here decides a verdict.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"ospo/internal/access"
	"ospo/internal/license"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/store"
	"ospo/internal/vuln"
)

// Jobs is the background job queue as the portal uses it. The server
// wires an adapter over package jobs; a nil Jobs means there is no queue
// and the job routes answer 503.
type Jobs interface {
	// EnqueueScan queues a scan of a registered project and returns the
	// job's id.
	EnqueueScan(ctx context.Context, req ScanRequest) (int64, error)
	// Jobs lists the newest jobs first, at most limit of them.
	Jobs(ctx context.Context, limit int) ([]Job, error)
	// Cancel cancels a job that has not finished; an unknown id is an
	// error wrapping store.ErrNotFound.
	Cancel(ctx context.Context, id int64) error
}

// ScanRequest asks for a scan of a registered project.
type ScanRequest struct {
	ProjectID int64
	// Source is the project's clone path or repository URL, as
	// registered ("" when it has none: the queue refuses that).
	Source string
	// Actor is who asked, for the events log.
	Actor string
}

// ErrInvalid marks a request the server cannot carry out as asked; it
// answers 400 with the error's message. An adapter wraps the errors of
// what it adapts with it (a job the queue refuses, for instance).
var ErrInvalid = errors.New("invalid request")

// Job is a queued, running or finished job as the API shows it.
type Job struct {
	ID int64 `json:"id"`
	// Kind is scan, monitor or vulndb_update.
	Kind  string `json:"kind"`
	State string `json:"state"`
	// ProjectID is the project a scan job scans, 0 for other kinds.
	ProjectID int64 `json:"projectId,omitempty"`
	// Actor is who asked for the job, when known.
	Actor     string     `json:"actor,omitempty"`
	Attempt   int        `json:"attempt"`
	Errors    []string   `json:"errors,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
	Finished  *time.Time `json:"finishedAt,omitempty"`
}

// DemoHint is the account shown on the sign-in page of a demo server.
type DemoHint struct {
	User, Password string
}

// Config is what the server needs. Portfolio, Access and Store are
// required; the rest is optional.
type Config struct {
	Portfolio *portfolio.Portfolio
	Access    *access.Service
	// Limiter limits sign-in attempts; nil means no limit.
	Limiter *access.Limiter
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (for sign-in limits and logs); none means the peer of
	// the connection is the client.
	TrustedProxies []netip.Prefix
	Store          *store.Store
	// Policy is the loaded policy (nil: the defaults) and PolicyPath the
	// file it came from, shown on the policy page.
	Policy     *policy.Policy
	PolicyPath string
	// OIDC enables sign-in through an OpenID Connect provider.
	OIDC *access.OIDC
	Jobs Jobs
	// Vulns is where uploaded SBOMs' components are looked up for known
	// vulnerabilities; nil leaves them unchecked.
	Vulns vuln.Source
	// OnDelta, when set, is told what an uploaded scan brought (newly
	// denied components, new critical vulnerabilities), for
	// notifications. It runs after the answer, off the request.
	OnDelta func(ctx context.Context, d portfolio.Delta)
	// Demo is shown on the sign-in page when set.
	Demo *DemoHint
	// SecureCookies marks cookies Secure (and names the session cookie
	// with the __Host- prefix) and sends Strict-Transport-Security: set
	// it whenever the server is reached over HTTPS.
	SecureCookies bool
	// SessionTTL is how long a browser stays signed in; zero means 12 h.
	SessionTTL time.Duration
	// Version is ospo's version, shown in the footer and the OpenAPI
	// document.
	Version string
	Logger  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the portal and API.
type Server struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	pages   map[string]*template.Template
	routes  []route
	openapi []byte
	assets  map[string]asset
	handler http.Handler
	// paths matches the route table's paths whatever the method, and
	// allow lists each path's methods, so that a known path asked with
	// another method answers 405 rather than 404.
	paths *http.ServeMux
	allow map[string]string
	// csvPage is how many rows a whole-list CSV download reads at a
	// time; tests lower it to cross page boundaries with a few rows.
	csvPage int
	// identifier identifies license texts in uploaded SBOMs; it builds
	// its matchers once, on first use.
	identifier *license.Identifier
}

// New checks the configuration, parses the templates and builds the
// routes.
func New(cfg Config) (*Server, error) {
	if cfg.Portfolio == nil || cfg.Access == nil || cfg.Store == nil {
		return nil, errors.New("web: Portfolio, Access and Store are required")
	}
	if cfg.Policy == nil {
		cfg.Policy = policy.Default()
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now, identifier: license.NewIdentifier(), csvPage: portfolio.MaxLimit}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes = s.routeTable()
	if s.openapi, err = s.openAPI(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.method+" "+rt.path, s.guard(rt))
	}
	s.paths, s.allow = pathMethods(s.routes)
	mux.Handle("/", http.HandlerFunc(s.noRoute))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &httpError{status: http.StatusForbidden, msg: "cross-origin request refused"})
	}))
	s.handler = s.secureHeaders(s.recoverer(cop.Handler(s.identify(s.logRequests(mux)))))
	return s, nil
}

// Handler is the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// csrfHeader carries the session's CSRF token on requests made by htmx
// and API clients that use the session cookie.
const csrfHeader = "X-CSRF-Token"

// csrfField is the hidden form field that carries the CSRF token.
const csrfField = "csrf"

// cookieName is the session cookie's name; with Secure cookies the
// __Host- prefix binds it to this host and path /.
func (s *Server) cookieName() string {
	if s.cfg.SecureCookies {
		return "__Host-ospo_session"
	}
	return "ospo_session"
}
