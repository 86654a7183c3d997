package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ospo/internal/repocheck/result"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func openStore(t *testing.T) *store.Store {
	t.Helper()
	return storetest.Open(t)
}

// gitEnv isolates test git commands from the machine's configuration and
// pins dates, so commit ids are the same on every run.
func gitEnv(home string) []string {
	return append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Test Author",
		"GIT_AUTHOR_EMAIL=author@example.org",
		"GIT_COMMITTER_NAME=Test Author",
		"GIT_COMMITTER_EMAIL=author@example.org",
		"GIT_AUTHOR_DATE=2026-01-02T03:04:05Z",
		"GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
	)
}

func gitT(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// makeRepo creates a clone at dir with files committed in one commit and
// returns the commit id.
func makeRepo(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gitT(t, dir, "init", "-q", "-b", "main")
	writeFiles(t, dir, files)
	gitT(t, dir, "add", "-A")
	gitT(t, dir, "commit", "-q", "-m", "Initial import")
	return gitT(t, dir, "rev-parse", "HEAD")
}

// commitFiles adds files to the clone at dir in a new commit and returns
// its id.
func commitFiles(t *testing.T, dir, message string, files map[string]string) string {
	t.Helper()
	writeFiles(t, dir, files)
	gitT(t, dir, "add", "-A")
	gitT(t, dir, "commit", "-q", "-m", message)
	return gitT(t, dir, "rev-parse", "HEAD")
}

// elfHeader is the start of a 64-bit little-endian ELF executable: what
// a committed build output looks like.
const elfHeader = "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"

// fileChecker is a small real checker over the files of a clone, in the
// spirit of Scorecard's file-based checks: a license file, a security
// policy, committed binaries, and tests for Go code (inconclusive when
// there is no Go code). It leaves Commit, Date and Source to the monitor.
func fileChecker(ctx context.Context, dir string) (*result.Repo, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	var license, policy bool
	var binaries []string
	var goFiles, goTests int
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		base := strings.ToUpper(d.Name())
		switch {
		case !strings.Contains(rel, "/") && (strings.HasPrefix(base, "LICENSE") || strings.HasPrefix(base, "COPYING")):
			license = true
		case base == "SECURITY.MD" && (rel == d.Name() || rel == ".github/"+d.Name() || rel == "docs/"+d.Name()):
			policy = true
		}
		if strings.HasSuffix(rel, "_test.go") {
			goTests++
		} else if strings.HasSuffix(rel, ".go") {
			goFiles++
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		f.Close()
		if bytes.HasPrefix(head[:n], []byte("\x7fELF")) || bytes.IndexByte(head[:n], 0) >= 0 {
			binaries = append(binaries, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r := &result.Repo{Tool: "file-checker test", Name: filepath.Base(dir)}
	add := func(name, risk string, score float64, reason string) {
		r.Checks = append(r.Checks, result.Check{Name: name, Risk: risk, Score: score, Reason: reason, Exact: true})
	}
	if license {
		add("License", "Low", 10, "license file detected")
	} else {
		add("License", "Low", 0, "license file not detected")
	}
	if policy {
		add("Security-Policy", "Medium", 10, "security policy file detected")
	} else {
		add("Security-Policy", "Medium", 0, "security policy file not detected")
	}
	if len(binaries) == 0 {
		add("Binary-Artifacts", "High", 10, "no binaries found in the repo")
	} else {
		add("Binary-Artifacts", "High", float64(max(10-len(binaries), 0)), fmt.Sprintf("binaries present in source code: %s", strings.Join(binaries, ", ")))
	}
	switch {
	case goFiles == 0:
		add("Go-Tests", "Low", result.Inconclusive, "no Go code")
	case goTests == 0:
		add("Go-Tests", "Low", 0, fmt.Sprintf("%d Go files and no test file", goFiles))
	default:
		add("Go-Tests", "Low", 10, fmt.Sprintf("%d Go test files", goTests))
	}
	r.Score = aggregate(r.Checks)
	r.Rating = rating(r.Score)
	return r, nil
}

// aggregate is Scorecard's risk-weighted mean of the conclusive checks.
func aggregate(checks []result.Check) float64 {
	w := map[string]float64{"Critical": 10, "High": 7.5, "Medium": 5, "Low": 2.5}
	var sum, weights float64
	for _, c := range checks {
		if c.Score < 0 {
			continue
		}
		sum += w[c.Risk] * c.Score
		weights += w[c.Risk]
	}
	if weights == 0 {
		return result.Inconclusive
	}
	return sum / weights
}

func rating(score float64) string {
	switch {
	case score < 0:
		return ""
	case score >= 9:
		return "A"
	case score >= 7:
		return "B"
	case score >= 5:
		return "C"
	}
	return "D"
}

// readScorecardV2 is a small reader of Scorecard's JSON v2 for these
// tests only (package repocheck owns the real one). Details become
// findings: "Warn:" lines are False outcomes, "Info:" lines True.
func readScorecardV2(r io.Reader) (*result.Repo, error) {
	var v struct {
		Date string `json:"date"`
		Repo struct {
			Name   string `json:"name"`
			Commit string `json:"commit"`
		} `json:"repo"`
		Scorecard struct {
			Version string `json:"version"`
		} `json:"scorecard"`
		Score  float64 `json:"score"`
		Checks []struct {
			Name          string   `json:"name"`
			Score         float64  `json:"score"`
			Reason        string   `json:"reason"`
			Details       []string `json:"details"`
			Documentation struct {
				URL string `json:"url"`
			} `json:"documentation"`
		} `json:"checks"`
	}
	if err := json.NewDecoder(r).Decode(&v); err != nil {
		return nil, fmt.Errorf("scorecard JSON: %w", err)
	}
	if v.Repo.Name == "" {
		return nil, fmt.Errorf("scorecard JSON: no repo.name")
	}
	out := &result.Repo{Name: v.Repo.Name, Commit: v.Repo.Commit, Score: v.Score, Source: "scorecard", Tool: "scorecard " + v.Scorecard.Version}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if d, err := time.Parse(layout, v.Date); err == nil {
			out.Date = d.UTC()
			break
		}
	}
	for _, c := range v.Checks {
		rc := result.Check{Name: c.Name, Score: c.Score, Reason: c.Reason, Exact: true, DocURL: c.Documentation.URL}
		for _, d := range c.Details {
			kind, msg, _ := strings.Cut(d, ": ")
			outcome := result.NotAvailable
			switch kind {
			case "Warn":
				outcome = result.False
			case "Info":
				outcome = result.True
			}
			rc.Findings = append(rc.Findings, result.Finding{Probe: c.Name, Outcome: outcome, Message: msg})
		}
		out.Checks = append(out.Checks, rc)
	}
	return out, nil
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the output (run with -update to accept):\n--- got ---\n%s", path, got)
	}
}
