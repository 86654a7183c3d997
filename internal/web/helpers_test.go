package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ospo/internal/access"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck"
	"ospo/internal/repocheck/monitor"
	"ospo/internal/report"
	"ospo/internal/scan"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
	"ospo/internal/vuln/db"
)

// testPolicy is a small real policy: a review list, an expired
// exception and an ignored vulnerability, so the policy page has each
// kind of rule to show.
const testPolicy = `licenses:
  review: [LGPL-2.1-only]
exceptions:
  - package: ckeditor5
    decision: review
    reason: Used only in the internal editor, never shipped
    owner: legal@example.com
    ticket: OSPO-7
    expires: "2020-01-01"
vulnerabilities:
  deny: critical
  ignore:
    - id: GHSA-jfh8-c2jp-5v3q
      reason: the affected function is never called
      owner: security@example.com
`

// password is every test account's password.
const password = "correct horse battery"

// fixtureDoc is a scan report made by running the real scan on a small
// real fixture of the repository.
type fixtureDoc struct {
	project, dir string
	kind         string
	criticality  string
}

// The projects of the test portfolio. web-app is scanned twice (its
// lock file first, then with node_modules installed), so it has a
// history and changes.
var fixtureDocs = []fixtureDoc{
	{"web-app", "../inventory/npm/testdata/lock-v3", "own", "high"},
	{"web-app", "../cli/testdata/app", "own", "high"},
	{"api-service", "../cli/testdata/vulnerable", "own", "critical"},
	{"go-tool", "../inventory/golang/testdata/vendored", "vendor", "low"},
}

var (
	docsOnce sync.Once
	docs     []*report.Document
	docsErr  error
	testPol  *policy.Policy
)

// scanDocs scans every fixture once per test binary, with the OSV test
// records imported into a throwaway store, and returns the reports.
func scanDocs(t testing.TB) []*report.Document {
	t.Helper()
	docsOnce.Do(func() {
		ctx := context.Background()
		testPol, docsErr = policy.Parse([]byte(testPolicy), "policy.yaml")
		if docsErr != nil {
			return
		}
		dir, err := os.MkdirTemp("", "ospo-web-test-")
		if err != nil {
			docsErr = err
			return
		}
		defer os.RemoveAll(dir)
		st, err := store.Open(ctx, filepath.Join(dir, "vulns.db"))
		if err != nil {
			docsErr = err
			return
		}
		defer st.Close()
		vdb := db.New(st)
		if _, err := vdb.Import(ctx, filepath.Join("..", "vuln", "testdata", "osv"), db.ImportOptions{}); err != nil {
			docsErr = err
			return
		}
		for _, f := range fixtureDocs {
			res, err := scan.Run(ctx, scan.Config{Roots: []string{f.dir}, Policy: testPol, Vulns: vdb, Kind: f.kind})
			if err != nil {
				docsErr = fmt.Errorf("scan %s: %w", f.dir, err)
				return
			}
			d := report.NewDocument(res, report.Tool{Name: "ospo", Version: "test"})
			docs = append(docs, &d)
		}
	})
	if docsErr != nil {
		t.Fatal(docsErr)
	}
	return docs
}

// fixture is a server over a real store holding the test portfolio,
// accounts of every role with an API token each, and repository health
// imported from a real Scorecard result.
type fixture struct {
	t        testing.TB
	st       *store.Store
	srv      *Server
	h        http.Handler
	port     *portfolio.Portfolio
	acc      *access.Service
	jobs     *fakeJobs
	users    map[access.Role]access.User
	tokens   map[access.Role]string
	projects map[string]portfolio.Project
}

// roles are the four roles, least first.
var roles = []access.Role{access.Viewer, access.Developer, access.Reviewer, access.Admin}

func newFixture(t testing.TB, st *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	ds := scanDocs(t)
	f := &fixture{t: t, st: st, port: portfolio.New(st, portfolio.Options{}), acc: access.New(st), jobs: &fakeJobs{},
		users: map[access.Role]access.User{}, tokens: map[access.Role]string{}, projects: map[string]portfolio.Project{}}
	for _, r := range roles {
		u, err := f.acc.CreateUser(ctx, "test", string(r)+"-user", password, r)
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := f.acc.NewToken(ctx, "test", u, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		f.users[r], f.tokens[r] = u, secret
	}
	now := time.Now().UTC()
	for i, fd := range fixtureDocs {
		p, _, err := f.port.EnsureProject(ctx, "test", portfolio.Project{Name: fd.project, Kind: fd.kind, Criticality: fd.criticality,
			Owner: "team-" + fd.project, Source: fd.dir})
		if err != nil {
			t.Fatal(err)
		}
		at := now.Add(time.Duration(i-len(fixtureDocs)) * 24 * time.Hour)
		if _, _, err := f.port.Ingest(ctx, portfolio.Ingestion{ProjectID: p.ID, Doc: ds[i], Origin: "cli", Actor: "test", At: at}); err != nil {
			t.Fatalf("ingest %s: %v", fd.dir, err)
		}
		f.projects[fd.project] = p
	}
	sc, err := os.Open(filepath.Join("..", "repocheck", "monitor", "testdata", "scorecard", "ossf-scorecard-v5.0.0-rc2.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if _, err := monitor.Import(ctx, st, repocheck.ReadScorecardJSON, sc); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Portfolio: f.port, Access: f.acc, Limiter: access.NewLimiter(), Store: st, Policy: testPol,
		PolicyPath: "policy.yaml", Jobs: f.jobs, Version: "test", Demo: &DemoHint{User: "viewer-user", Password: password}})
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.h = srv, srv.Handler()
	return f
}

// sqliteFixture is the fixture on a fresh SQLite store.
func sqliteFixture(t *testing.T) *fixture { return newFixture(t, storetest.SQLite(t)) }

// req is one request to the fixture's handler.
type req struct {
	method, path string
	body         string
	ctype        string
	// token authenticates as the role's account; cookie as a session.
	token  access.Role
	cookie *http.Cookie
	csrf   string
	header map[string]string
}

// do runs r through the handler and returns the recorded answer.
func (f *fixture) do(r req) *httptest.ResponseRecorder {
	f.t.Helper()
	if r.method == "" {
		r.method = "GET"
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+f.tokens[r.token])
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	if r.csrf != "" {
		hr.Header.Set(csrfHeader, r.csrf)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, hr)
	return w
}

// signIn signs the role's account in through the form and returns the
// session cookie and its CSRF token.
func (f *fixture) signIn(role access.Role) (*http.Cookie, string) {
	f.t.Helper()
	form := url.Values{"name": {string(role) + "-user"}, "password": {password}, "next": {"/"}}
	w := f.do(req{method: "POST", path: "/signin", body: form.Encode(), ctype: "application/x-www-form-urlencoded"})
	if w.Code != http.StatusSeeOther {
		f.t.Fatalf("sign in as %s: status %d\n%s", role, w.Code, w.Body)
	}
	var cookie *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == f.srv.cookieName() {
			cookie = c
		}
	}
	if cookie == nil {
		f.t.Fatalf("sign in as %s: no session cookie", role)
	}
	sess, err := f.acc.Session(context.Background(), cookie.Value)
	if err != nil {
		f.t.Fatal(err)
	}
	return cookie, sess.CSRF
}

// decode reads a JSON answer into v.
func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; body:\n%s", ct, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, w.Body)
	}
}

// fakeJobs is a job queue in memory that records what is asked of it.
type fakeJobs struct {
	mu       sync.Mutex
	queued   []ScanRequest
	canceled []int64
	// errors are the errors every listed job reports, as a failed clone's
	// would.
	errors []string
}

func (j *fakeJobs) EnqueueScan(_ context.Context, r ScanRequest) (int64, error) {
	if r.Source == "" {
		return 0, fmt.Errorf("%w: scan of project %d: no path or URL to scan", ErrInvalid, r.ProjectID)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.queued = append(j.queued, r)
	return int64(len(j.queued)), nil
}

func (j *fakeJobs) Jobs(_ context.Context, limit int) ([]Job, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Job
	for i := len(j.queued) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, Job{ID: int64(i + 1), Kind: "scan", State: "available", ProjectID: j.queued[i].ProjectID,
			Actor: j.queued[i].Actor, Errors: j.errors, CreatedAt: time.Now().UTC()})
	}
	return out, nil
}

func (j *fakeJobs) Cancel(_ context.Context, id int64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if id < 1 || int(id) > len(j.queued) {
		return fmt.Errorf("job %d: %w", id, store.ErrNotFound)
	}
	j.canceled = append(j.canceled, id)
	return nil
}

// newRequest is a request with an API token secret (none when "").
func newRequest(method, path, secret string) *http.Request {
	r := httptest.NewRequest(method, path, nil)
	if secret != "" {
		r.Header.Set("Authorization", "Bearer "+secret)
	}
	return r
}

// recorder runs r through h.
func recorder(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
