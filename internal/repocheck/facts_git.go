package repocheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ospo/internal/gitlog"
)

// History is the slice of git history the approximated checks read.
type History struct {
	// Head is the commit checked out, "" in a repository without commits.
	Head string
	// Commits are the newest commits reachable from HEAD, newest first,
	// at most the history limit.
	Commits []Commit
	// Complete is set when Commits is the whole history.
	Complete bool
	// Tags are the newest tags, newest first (at most maxTags).
	Tags []Tag
}

// Commit is a commit with its parents.
type Commit struct {
	gitlog.Commit
	Parents []string
}

// Tag is one tag.
type Tag struct {
	Name string
	// Annotated is set for a tag object; a lightweight tag is a bare ref.
	Annotated bool
	Tagger    string
	Date      time.Time
	// Signature is the kind of signature block the tag object carries:
	// "pgp", "ssh", "x509", or "" when unsigned.
	Signature string
}

// maxTags is how many of the newest tags Signed-Releases looks at, as
// Scorecard looks at the last five releases.
const maxTags = 5

// defaultHistoryLimit bounds the commits read when Options says nothing:
// enough for 90 days of a busy project and for the last 30 changesets,
// cheap on a history of any length.
const defaultHistoryLimit = 1000

// collectHistory reads the bounded history, the parents of those commits,
// the newest tags and HEAD.
func collectHistory(ctx context.Context, dir string, limit int) (*History, error) {
	h := &History{}
	byHash := map[string]int{}
	for c, err := range gitlog.Log(ctx, dir, gitlog.Options{Limit: limit}) {
		if err != nil {
			return nil, err
		}
		byHash[c.Hash] = len(h.Commits)
		h.Commits = append(h.Commits, Commit{Commit: c})
	}
	h.Complete = len(h.Commits) < limit
	if len(h.Commits) == 0 {
		return h, nil
	}
	h.Head = h.Commits[0].Hash
	out, err := runGit(ctx, dir, "rev-list", "--parents", "--max-count="+strconv.Itoa(limit), h.Head)
	if err != nil {
		return nil, err
	}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if i, ok := byHash[f[0]]; ok {
			h.Commits[i].Parents = f[1:]
		}
	}
	h.Tags, err = readTags(ctx, dir)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// tagFormat asks for one NUL-separated record per tag, ended by RS.
const tagFormat = "%(refname:short)%00%(objecttype)%00%(taggername) %(taggeremail)%00%(creatordate:iso-strict)%00%(contents)%1e"

func readTags(ctx context.Context, dir string) ([]Tag, error) {
	out, err := runGit(ctx, dir, "for-each-ref", "--sort=-creatordate", "--count="+strconv.Itoa(maxTags),
		"--format="+tagFormat, "refs/tags")
	if err != nil {
		return nil, err
	}
	var tags []Tag
	for _, rec := range strings.Split(string(out), "\x1e") {
		rec = strings.TrimPrefix(rec, "\n")
		f := strings.SplitN(rec, "\x00", 5)
		if len(f) < 5 {
			continue
		}
		t := Tag{Name: f[0], Annotated: f[1] == "tag", Tagger: strings.TrimSpace(f[2])}
		t.Date, _ = time.Parse(time.RFC3339, f[3])
		if t.Annotated {
			t.Signature = signatureKind(f[4])
		}
		tags = append(tags, t)
	}
	return tags, nil
}

// signatureKind finds the signature block git appends to a signed tag's
// message.
func signatureKind(msg string) string {
	for line := range strings.Lines(msg) {
		switch strings.TrimRight(line, "\r\n") {
		case "-----BEGIN PGP SIGNATURE-----":
			return "pgp"
		case "-----BEGIN SSH SIGNATURE-----":
			return "ssh"
		case "-----BEGIN SIGNED MESSAGE-----":
			return "x509"
		}
	}
	return ""
}

// runGit runs a read-only git command in dir with the clone's own
// configuration kept from running programs, and returns its output.
func runGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	full := append([]string{"-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
		"-c", "log.showSignature=false"}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = abs
	cmd.Env = gitEnviron(abs)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("%w: %v", gitlog.ErrGitNotFound, err)
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 400 {
			msg = msg[:400]
		}
		return nil, fmt.Errorf("git %s in %s: %v: %s", args[0], dir, err, msg)
	}
	return out, nil
}

// gitEnviron is the caller's environment without what would point git at
// another repository, in English, never prompting, and never looking
// above the clone for a repository.
func gitEnviron(dir string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "LC_ALL" || k == "LANGUAGE" || k == "PAGER" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0",
		"GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
}
