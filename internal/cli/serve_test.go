package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ospo/internal/access"
	"ospo/internal/risk"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

// TestServeDemoAndUpload starts the portal on a demo database as the
// README's run command does, signs in with the account the sign-in page
// shows, then sends a scan from "CI" with ospo scan --upload and a token,
// and finds the uploaded project through the API.
func TestServeDemoAndUpload(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "portal.db")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var logs bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &syncWriter{w: &logs}}
	e.log = slog.New(slog.NewTextHandler(e.stderr, nil))
	// The webhook: uploads that bring a denied component are told to it.
	hooks := make(chan string, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hooks <- string(b)
	}))
	defer hook.Close()
	o := serveOptions{addr: "127.0.0.1:0", demo: true, workers: 1, admin: "admin", webhook: hook.URL + "/hooks/secret"}
	o.dbf.path = dbPath
	go func() { done <- serve(ctx, e, o, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, logs.String())
	case <-time.After(2 * time.Minute):
		t.Fatal("the portal did not start")
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + addr

	// The sign-in page shows the demo account; signing in with it works.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	page := get(t, browser, base+"/signin", "")
	pw, err := os.ReadFile(dbPath + ".demo-password")
	if err != nil {
		t.Fatal(err)
	}
	password := strings.TrimSpace(string(pw))
	if !strings.Contains(page, password) {
		t.Errorf("the sign-in page does not show the demo password")
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/signin", strings.NewReader(url.Values{"name": {"admin"}, "password": {password}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	dash := get(t, browser, base+"/", "")
	for _, want := range []string{"Dashboard", "storefront", "checkout-api"} {
		if !strings.Contains(dash, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if used := get(t, browser, base+"/components?q=lodash", ""); !strings.Contains(used, "checkout-api") {
		t.Errorf("where-used of lodash does not name checkout-api")
	}

	// A token for CI, made as an admin would on the tokens page.
	st, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	acc := access.New(st)
	admin, err := acc.UserByName(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := acc.CreateUser(context.Background(), "admin", "ci-bot", "a-long-ci-password", access.Developer)
	if err != nil {
		t.Fatal(err)
	}
	_ = admin
	token, _, err := acc.NewToken(context.Background(), "admin", dev, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	code, _, stderr := run(t, "scan", "--no-vulns", "-f", "json", "-o", filepath.Join(dir, "scan.json"),
		"--upload", base, "--token", token, "--project", "team/uploaded-app", "--owner", "ci-team", filepath.Join("testdata", "vulnerable"))
	if code != 0 || !strings.Contains(stderr, "registered the project and stored scan") {
		t.Fatalf("scan --upload: exit %d\n%s", code, stderr)
	}
	var projects struct {
		Items []struct {
			Name   string `json:"name"`
			Owner  string `json:"owner"`
			Latest struct {
				Components int `json:"components"`
			} `json:"latest"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(get(t, http.DefaultClient, base+"/api/v1/projects?q=uploaded", token)), &projects); err != nil {
		t.Fatal(err)
	}
	// A name with a slash is one path segment of the route (team%2Fuploaded-app).
	if len(projects.Items) != 1 || projects.Items[0].Name != "team/uploaded-app" || projects.Items[0].Owner != "ci-team" || projects.Items[0].Latest.Components != 1 {
		t.Errorf("uploaded project: %+v", projects.Items)
	}
	// An upload of the app, whose GPL component the default policy denies
	// for distributed software, is news for the webhook.
	code, _, stderr = run(t, "scan", "--no-vulns", "-o", filepath.Join(dir, "app.txt"),
		"--upload", base, "--token", token, "--project", "uploaded-web", filepath.Join("testdata", "app"))
	if code != ExitViolated || !strings.Contains(stderr, "registered the project and stored scan") {
		t.Fatalf("scan --upload of the app: exit %d\n%s", code, stderr)
	}
	select {
	case msg := <-hooks:
		if !strings.Contains(msg, "uploaded-web") || !strings.Contains(msg, "newly denied component") {
			t.Errorf("webhook message: %s", msg)
		}
	case <-time.After(30 * time.Second):
		t.Error("the webhook was not called for a newly denied component")
	}
	// A wrong token is refused with the portal's reason.
	code, _, stderr = run(t, "scan", "--no-vulns", "-o", filepath.Join(dir, "x.txt"), "--upload", base, "--token", "ospo_wrong", filepath.Join("testdata", "vulnerable"))
	if code != ExitError || !strings.Contains(stderr, "401") {
		t.Errorf("upload with a wrong token: exit %d, %s", code, stderr)
	}
}

func get(t *testing.T, c *http.Client, u, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", u, resp.Status, b)
	}
	return string(b)
}

// syncWriter lets the server's goroutines and the test share a buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// The commands take a postgres:// URL wherever they take a database file.
func TestVulnerabilitiesOnPostgres(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	if code, out, errb := run(t, "vulndb", "import", "--db", dsn, filepath.Join("..", "vuln", "testdata", "osv")); code != 0 || !strings.Contains(out, "added") {
		t.Fatalf("import: %d %s %s", code, out, errb)
	}
	code, out, errb := run(t, "vulns", "--db", dsn, filepath.Join("testdata", "vulnerable"))
	if code != 0 || !strings.Contains(out, "GHSA-35jh-r3h4-6jhm") {
		t.Errorf("vulns on PostgreSQL: %d\n%s\n%s", code, out, errb)
	}
}

// TestSeedDemoKeptPassword: a demo database deleted while its password
// file was kept gets the account the sign-in page shows, with that
// password.
func TestSeedDemoKeptPassword(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	loc := filepath.Join(dir, "ospo-demo.db")
	const kept = "kept-demo-password-42"
	if err := os.WriteFile(loc+".demo-password", []byte(kept+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acc := access.New(st)
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	hint, err := seedDemo(ctx, e, newPortfolio(st, risk.Default()), acc, loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if hint.User != "admin" || hint.Password != kept {
		t.Errorf("sign-in hint %+v, want admin with the kept password", hint)
	}
	if _, err := acc.Authenticate(ctx, hint.User, hint.Password); err != nil {
		t.Errorf("signing in as the hint says: %v", err)
	}
}
