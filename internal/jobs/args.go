package jobs

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/riverqueue/river"

	"ospo/internal/secret"
)

// Kinds of job, as stored in River's kind column.
const (
	KindScan         = "scan"
	KindMonitor      = "monitor"
	KindVulnDBUpdate = "vulndb_update"
)

// Attempts per kind before a job is discarded. A scan is cheap to try
// again; a monitor run or a download that failed three times needs a
// person to look.
const (
	scanAttempts    = 5
	monitorAttempts = 3
	vulnDBAttempts  = 3
)

// ErrInvalidArgs marks job arguments that can never work (no project, no
// path, two sources, a URL git must not be given). Enqueue refuses them;
// a worker that meets them anyway cancels the job instead of retrying.
var ErrInvalidArgs = errors.New("invalid job arguments")

// ScanArgs asks for a scan of one registered project, from a directory
// the worker can read or from a repository it clones first.
type ScanArgs struct {
	// ProjectID is the portfolio project the scan is stored under.
	ProjectID int64 `json:"project_id"`
	// Path is a directory (or a file scan accepts: an SBOM, a Go binary)
	// on the worker's machine.
	Path string `json:"path,omitempty"`
	// URL is a git repository cloned (hooks off) into the worker's clone
	// directory before the scan: https, ssh, git, file:// or a local
	// path. The clone holds the newest commit only, or, with RepoCheck,
	// the whole history without old file contents.
	URL string `json:"url,omitempty"`
	// RepoCheck adds the repository health score to the scan.
	RepoCheck bool `json:"repo_check"`
}

// Kind is the job kind River stores.
func (ScanArgs) Kind() string { return KindScan }

// InsertOpts bounds the retries of a scan.
func (ScanArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: scanAttempts} }

func (a ScanArgs) validate() error {
	switch {
	case a.ProjectID <= 0:
		return fmt.Errorf("%w: scan: project id %d is not a project", ErrInvalidArgs, a.ProjectID)
	case a.Path == "" && a.URL == "":
		return fmt.Errorf("%w: scan of project %d: neither a path nor a URL given", ErrInvalidArgs, a.ProjectID)
	case a.Path != "" && a.URL != "":
		return fmt.Errorf("%w: scan of project %d: give a path or a URL, not both", ErrInvalidArgs, a.ProjectID)
	case a.URL != "":
		return checkCloneURL(a.URL)
	}
	return nil
}

// checkCloneURL refuses what git must never be handed: option-like
// arguments, control characters, and transport helpers (ext::, fd::)
// that run commands. The protocols git may use are limited again when
// it runs (GIT_ALLOW_PROTOCOL).
func checkCloneURL(raw string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: clone URL %q: %s", ErrInvalidArgs, secret.RedactURLs(raw), why)
	}
	if strings.HasPrefix(raw, "-") {
		return bad("starts with '-'")
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return bad("contains control characters")
	}
	if isTransportHelper(raw) {
		return bad("git transport helpers (<transport>::<address>) are not allowed")
	}
	if strings.Contains(raw, "://") {
		u, err := url.Parse(raw)
		if err != nil {
			return bad("cannot be read")
		}
		switch strings.ToLower(u.Scheme) {
		case "https", "http", "ssh", "git", "file":
		default:
			return bad(fmt.Sprintf("scheme %q is not one of https, http, ssh, git, file", u.Scheme))
		}
	}
	return nil
}

// isTransportHelper tells whether git would hand raw to a remote helper:
// git takes <transport>::<address> when "::" follows the scheme-like
// start of the address. A "::" after "://" is inside a URL (an IPv6 host
// such as https://[2001:db8::1]/r.git), never a helper; any "::" before
// it, or without it, is refused, which is stricter than git.
func isTransportHelper(raw string) bool {
	i := strings.Index(raw, "::")
	if i < 0 {
		return false
	}
	j := strings.Index(raw, "://")
	return j < 0 || i < j
}

// MonitorArgs asks for a monitor run (repository checks with history)
// over a directory of clones or the scope a scope file names.
type MonitorArgs struct {
	// Dir holds the clones, found one level deep.
	Dir string `json:"dir,omitempty"`
	// ScopeFile is a monitor scope file (YAML); instead of Dir.
	ScopeFile string `json:"scope_file,omitempty"`
}

// Kind is the job kind River stores.
func (MonitorArgs) Kind() string { return KindMonitor }

// InsertOpts bounds the retries of a monitor run.
func (MonitorArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: monitorAttempts}
}

func (a MonitorArgs) validate() error {
	switch {
	case a.Dir == "" && a.ScopeFile == "":
		return fmt.Errorf("%w: monitor: neither a directory nor a scope file given", ErrInvalidArgs)
	case a.Dir != "" && a.ScopeFile != "":
		return fmt.Errorf("%w: monitor: give a directory or a scope file, not both", ErrInvalidArgs)
	}
	return nil
}

// VulnDBUpdateArgs asks for a download of the OSV dumps and an import of
// what changed.
type VulnDBUpdateArgs struct {
	// BaseURL is where the per-ecosystem dumps are; "" means OSV's.
	BaseURL string `json:"base_url,omitempty"`
	// Ecosystems to fetch; empty means the default set.
	Ecosystems []string `json:"ecosystems,omitempty"`
}

// Kind is the job kind River stores.
func (VulnDBUpdateArgs) Kind() string { return KindVulnDBUpdate }

// InsertOpts bounds the retries of an update.
func (VulnDBUpdateArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: vulnDBAttempts}
}

func (a VulnDBUpdateArgs) validate() error {
	if a.BaseURL == "" {
		return nil
	}
	u, err := url.Parse(a.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: vulndb update: base URL %q is not an http(s) URL", ErrInvalidArgs, a.BaseURL)
	}
	return nil
}
