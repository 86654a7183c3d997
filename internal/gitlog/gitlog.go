// Package gitlog streams the history of a local git clone, one commit at a
// time, by running the git command line and reading its machine-readable
// output. It links no git library and never holds the whole history in
// memory, so reading the last few hundred commits of a large repository
// costs what those commits cost.
package gitlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors, tested with errors.Is.
var (
	// ErrNotRepository means the directory is not (the top of) a git
	// repository.
	ErrNotRepository = errors.New("not a git repository")
	// ErrGitNotFound means the git command could not be found or run.
	ErrGitNotFound = errors.New("git command not found")
	// ErrMalformed means git's output did not have the expected shape.
	ErrMalformed = errors.New("malformed git log output")
)

// Person is an author or a committer as git records them.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Trailer is one "Key: value" line of a commit message's trailer block,
// such as Signed-off-by or Co-authored-by.
type Trailer struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Commit is what ospo needs of one commit. The message body is left out:
// the trailers are the part of it that carries facts.
type Commit struct {
	Hash       string    `json:"hash"`
	Author     Person    `json:"author"`
	Committer  Person    `json:"committer"`
	Time       time.Time `json:"time"`       // author date, in the author's zone
	CommitTime time.Time `json:"commitTime"` // committer date
	Subject    string    `json:"subject"`
	Trailers   []Trailer `json:"trailers,omitempty"`
}

// TrailerValues returns the values of the trailers named key. Keys compare
// without regard to case, as git compares them.
func (c Commit) TrailerValues(key string) []string {
	var out []string
	for _, t := range c.Trailers {
		if strings.EqualFold(t.Key, key) {
			out = append(out, t.Value)
		}
	}
	return out
}

// SignedOff reports whether the commit carries a Signed-off-by trailer,
// the mark of the Developer Certificate of Origin.
func (c Commit) SignedOff() bool {
	for _, t := range c.Trailers {
		if strings.EqualFold(t.Key, "Signed-off-by") {
			return true
		}
	}
	return false
}

// Options tune which commits are read.
type Options struct {
	// Limit is the most commits to read, newest first; 0 reads them all.
	Limit int
	// NoMerges leaves merge commits out. Merges made by a forge's button
	// rarely carry trailers, so counting them would dilute any share of
	// signed-off commits.
	NoMerges bool
	// Discover lets git look for the repository in the parents of the
	// directory, as git itself does. It is off by default so that a plain
	// directory that happens to sit inside another repository (an unpacked
	// module in a cache kept under version control) is not read as that
	// repository's history.
	Discover bool
	// Git is the git command to run; "" looks "git" up in PATH.
	Git string
}

// format asks git for one record per commit: fields terminated by NUL (the
// last one by -z), since NUL is the one byte that cannot appear in names,
// subjects or trailers.
const format = "%H%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%s%x00%(trailers:only,unfold)"

// fieldsPerRecord is the number of NUL-terminated fields format produces.
const fieldsPerRecord = 9

// Log streams the commits reachable from HEAD in dir, newest first. The
// sequence ends early when the consumer stops or ctx is done; either way
// the git process is stopped and waited for. An error is yielded once, as
// the last element. A repository without commits yields nothing.
func Log(ctx context.Context, dir string, opts Options) iter.Seq2[Commit, error] {
	return func(yield func(Commit, error) bool) {
		if err := run(ctx, dir, opts, yield); err != nil {
			yield(Commit{}, err)
		}
	}
}

// run does Log's work; it returns the error to yield, or nil when the
// history was read to its end or the consumer stopped.
func run(ctx context.Context, dir string, opts Options, yield func(Commit, error) bool) error {
	git := opts.Git
	if git == "" {
		git = "git"
	}
	gitPath, err := exec.LookPath(git)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrGitNotFound, err)
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	if fi, err := os.Stat(abs); err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	} else if !fi.IsDir() {
		return fmt.Errorf("read %s: %w", dir, ErrNotRepository)
	}

	args := []string{
		// A checkout's own configuration must not run programs or change
		// the output we parse.
		"-c", "core.fsmonitor=false",
		"-c", "log.showSignature=false",
		"log", "-z", "--no-color", "--encoding=UTF-8", "--format=" + format,
	}
	if opts.Limit > 0 {
		args = append(args, "--max-count="+strconv.Itoa(opts.Limit))
	}
	if opts.NoMerges {
		args = append(args, "--no-merges")
	}

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, gitPath, args...)
	cmd.Dir = abs
	cmd.Env = environ(os.Environ(), abs, opts.Discover)
	cmd.WaitDelay = 5 * time.Second
	stderr := &limitedBuffer{max: 4 << 10}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git log in %s: %w", dir, err)
	}
	if err := cmd.Start(); err != nil {
		if err := context.Cause(parent); err != nil {
			return err
		}
		return fmt.Errorf("%w: %v", ErrGitNotFound, err)
	}

	p := newParser(stdout)
	var perr error
	for {
		c, err := p.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				perr = err
			}
			break
		}
		if !yield(c, nil) {
			cancel()
			_ = cmd.Wait()
			return nil
		}
	}
	malformed := perr != nil && !errors.Is(perr, errTruncated)
	if malformed {
		// Stop git before waiting for it: it may be blocked writing the
		// rest of its output.
		cancel()
	}
	werr := cmd.Wait()
	if err := context.Cause(parent); err != nil {
		return err
	}
	if malformed {
		return fmt.Errorf("git log in %s: %w", dir, perr)
	}
	if werr != nil {
		msg := strings.TrimSpace(stderr.String())
		switch {
		case strings.Contains(msg, "not a git repository"):
			return fmt.Errorf("read %s: %w", dir, ErrNotRepository)
		case strings.Contains(msg, "does not have any commits yet"):
			return nil
		}
		if msg == "" {
			msg = werr.Error()
		}
		return fmt.Errorf("git log in %s: %s", dir, msg)
	}
	if perr != nil {
		return fmt.Errorf("git log in %s: %w", dir, perr)
	}
	return nil
}

// environ returns the environment for git: the caller's, minus what would
// point git at another repository, with messages in English (we match
// them) and never a prompt.
func environ(env []string, dir string, discover bool) []string {
	drop := map[string]bool{
		"GIT_DIR": true, "GIT_WORK_TREE": true, "GIT_COMMON_DIR": true,
		"GIT_INDEX_FILE": true, "GIT_OBJECT_DIRECTORY": true,
		"GIT_ALTERNATE_OBJECT_DIRECTORIES": true, "GIT_NAMESPACE": true,
		"GIT_CEILING_DIRECTORIES": true, "GIT_DISCOVERY_ACROSS_FILESYSTEM": true,
		"GIT_PAGER": true, "PAGER": true, "LC_ALL": true, "LANGUAGE": true,
	}
	out := make([]string, 0, len(env)+4)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	out = append(out, "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	if !discover {
		// git must not walk up from dir into a repository around it.
		out = append(out, "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
	}
	return out
}

// limitedBuffer keeps the first max bytes written to it: enough of git's
// stderr to explain a failure, never an unbounded amount.
type limitedBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string { return b.buf.String() }
