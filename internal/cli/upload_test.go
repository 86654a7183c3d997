package cli

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestUploadPath: the project name is one path segment of the upload
// route whatever it holds, so a name with "/" reaches the project and a
// name with ".." cannot send the token to another route.
func TestUploadPath(t *testing.T) {
	paths := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths <- r.URL.EscapedPath()
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"created":true,"project":{"id":1,"name":"x"},"scan":{"id":1,"components":1}}`))
	}))
	defer srv.Close()
	app := filepath.Join("testdata", "vulnerable")
	tests := []struct {
		base, project, want string
	}{
		{srv.URL, "team/web", "/api/v1/projects/team%2Fweb/scans"},
		{srv.URL, "../../x", "/api/v1/projects/..%2F..%2Fx/scans"},
		{srv.URL + "/ospo/", "web", "/ospo/api/v1/projects/web/scans"},
		{srv.URL, "web app?#", "/api/v1/projects/web%20app%3F%23/scans"},
	}
	for _, tc := range tests {
		t.Run(tc.project, func(t *testing.T) {
			code, _, errb := run(t, "scan", "--no-policy", "--upload", tc.base, "--token", "t0ken", "--project", tc.project, app)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errb)
			}
			if got := <-paths; got != tc.want {
				t.Errorf("upload went to %s, want %s", got, tc.want)
			}
		})
	}
	for _, name := range []string{"..", "."} {
		code, _, errb := run(t, "scan", "--no-policy", "--upload", srv.URL, "--token", "t0ken", "--project", name, app)
		if code != ExitError || !strings.Contains(errb, "not a project name") {
			t.Errorf("--project %s: exit %d, stderr %q; want a usage error", name, code, errb)
		}
		select {
		case p := <-paths:
			t.Errorf("--project %s: a request went to %s", name, p)
		default:
		}
	}
}
