package practices

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// maxTagOutput bounds what is read of git's list of tags.
const maxTagOutput = 8 << 20

// readRelease finds the newest tag of the clone in dir. A tag's date is
// its creator date: the tagger date of an annotated tag, the committer
// date of the commit a lightweight tag points at.
func readRelease(ctx context.Context, dir, git string) Release {
	if git == "" {
		git = "git"
	}
	gitPath, err := exec.LookPath(git)
	if err != nil {
		return Release{Unavailable: "git is not installed"}
	}
	abs, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return Release{Err: err.Error()}
	}
	cmd := exec.CommandContext(ctx, gitPath,
		"-c", "core.fsmonitor=false",
		"for-each-ref", "--format=%(refname:short)%00%(creatordate:unix)", "refs/tags")
	cmd.Dir = abs
	cmd.Env = gitEnv(os.Environ(), abs)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &limitWriter{w: &stderr, n: 4 << 10}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return Release{Err: err.Error()}
	}
	if err := cmd.Start(); err != nil {
		return Release{Unavailable: "git cannot be run: " + err.Error()}
	}
	var r Release
	sc := bufio.NewScanner(io.LimitReader(out, maxTagOutput))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, date, ok := strings.Cut(sc.Text(), "\x00")
		if !ok {
			continue
		}
		r.Tags++
		secs, err := strconv.ParseInt(strings.TrimSpace(date), 10, 64)
		if err != nil {
			// A tag of a tree or a blob has no date.
			continue
		}
		t := time.Unix(secs, 0).UTC()
		if r.Tag == "" || t.After(r.Date) || (t.Equal(r.Date) && name > r.Tag) {
			r.Tag, r.Date = name, t
		}
	}
	// Drain what the bound left unread so that git can exit.
	_, _ = io.Copy(io.Discard, out)
	werr := cmd.Wait()
	if err := ctx.Err(); err != nil {
		return Release{Unavailable: err.Error()}
	}
	if werr != nil {
		msg := strings.TrimSpace(stderr.String())
		switch {
		case strings.Contains(msg, "not a git repository"):
			return Release{Unavailable: "the directory is not a git clone"}
		case strings.Contains(msg, "dubious ownership"):
			return Release{Unavailable: notOwned}
		}
		if msg == "" {
			msg = werr.Error()
		}
		return Release{Err: "git for-each-ref: " + msg}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return Release{Err: "git for-each-ref: " + err.Error()}
	}
	return r
}

// gitEnv is the caller's environment minus what would point git at
// another repository, with git kept from walking up out of dir (an
// unpacked tree inside another clone is not that clone) and from
// prompting.
func gitEnv(env []string, dir string) []string {
	drop := map[string]bool{
		"GIT_DIR": true, "GIT_WORK_TREE": true, "GIT_COMMON_DIR": true,
		"GIT_INDEX_FILE": true, "GIT_OBJECT_DIRECTORY": true,
		"GIT_ALTERNATE_OBJECT_DIRECTORIES": true, "GIT_NAMESPACE": true,
		"GIT_CEILING_DIRECTORIES": true, "GIT_DISCOVERY_ACROSS_FILESYSTEM": true,
		"LC_ALL": true, "LANGUAGE": true,
	}
	out := make([]string, 0, len(env)+4)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	return append(out, "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0",
		"GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
}

// limitWriter keeps the first n bytes written to it.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(l.n, len(p))
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
