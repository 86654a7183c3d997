package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"ospo/internal/report"
	"ospo/internal/scan"
)

// uploadOptions send a scan's result to the portal (ospo serve) from CI.
type uploadOptions struct {
	url, token, project, owner string
}

func (u *uploadOptions) register(fl *pflag.FlagSet) {
	fl.StringVar(&u.url, "upload", "", "also send the result to the ospo portal at this URL (for example https://ospo.example.org)")
	fl.StringVar(&u.token, "token", "", "API token for --upload (default $OSPO_TOKEN)")
	fl.StringVar(&u.project, "project", "", "project name for --upload (default: the scanned directory's name)")
	fl.StringVar(&u.owner, "owner", "", "owner of a project --upload registers")
}

// uploadAnswer is what the portal answers to an upload.
type uploadAnswer struct {
	Created bool `json:"created"`
	Project struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"project"`
	Scan struct {
		ID         int64 `json:"id"`
		Components int   `json:"components"`
	} `json:"scan"`
}

// send posts the scan's JSON document to the portal's upload route.
func (u *uploadOptions) send(ctx context.Context, e *env, res *scan.Result, roots []string, kind string) error {
	token := u.token
	if token == "" {
		token = os.Getenv("OSPO_TOKEN")
	}
	if token == "" {
		return usageError{errors.New("--upload needs --token or OSPO_TOKEN (create one on the portal's tokens page)")}
	}
	base, err := url.Parse(strings.TrimRight(u.url, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return usageError{fmt.Errorf("--upload %q is not an http(s) URL", u.url)}
	}
	name := u.project
	if name == "" {
		dir := firstDir(roots)
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		name = filepath.Base(abs)
	}
	doc := report.NewDocument(res, report.Tool{Name: "ospo", Version: version()})
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	q := url.Values{}
	if kind != "" {
		q.Set("kind", kind)
	}
	if u.owner != "" {
		q.Set("owner", u.owner)
	}
	target, err := uploadURL(base, name)
	if err != nil {
		return err
	}
	target.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("upload to %s: %w", base.Redacted(), err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated {
		var pe struct {
			Error string `json:"error"`
		}
		msg := strings.TrimSpace(string(answer))
		if json.Unmarshal(answer, &pe) == nil && pe.Error != "" {
			msg = pe.Error
		}
		return fmt.Errorf("upload to %s: the portal answered %s: %s", base.Redacted(), resp.Status, msg)
	}
	var a uploadAnswer
	if err := json.Unmarshal(answer, &a); err != nil {
		return fmt.Errorf("upload to %s: unreadable answer: %v", base.Redacted(), err)
	}
	verb := "stored"
	if a.Created {
		verb = "registered the project and stored"
	}
	fmt.Fprintf(e.stderr, "ospo: uploaded to %s: %s scan %d of %s (%d components)\n", base.Redacted(), verb, a.Scan.ID, a.Project.Name, a.Scan.Components)
	return nil
}

// uploadURL is the portal's upload route for the project name: the name
// is one path segment whatever it holds ("team/web" is sent as
// team%2Fweb, which the portal reads back), so that no name leads the
// request, and its token, to another route. "." and ".." cannot be
// escaped out of being path steps and are no project names anyway.
func uploadURL(base *url.URL, name string) (*url.URL, error) {
	if name == "" || name == "." || name == ".." {
		return nil, usageError{fmt.Errorf("--project %q is not a project name", name)}
	}
	target := base.JoinPath("api", "v1", "projects")
	escaped := target.EscapedPath()
	target.Path += "/" + name + "/scans"
	target.RawPath = escaped + "/" + url.PathEscape(name) + "/scans"
	return target, nil
}
