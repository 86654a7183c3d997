package monitor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// maxCommitLines bounds the "what changed" list of a repository.
const maxCommitLines = 20

// gitTimeout bounds one git command; both commands used are cheap.
const gitTimeout = 30 * time.Second

// commitID is what a commit must look like before it is handed to git:
// imported results carry foreign strings, and one starting with "-"
// would be read as an option.
var commitID = regexp.MustCompile(`^[0-9a-f]{7,64}$`)

// git runs a read-only git command in dir and returns its standard
// output, at most 64 KiB of it.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	full := append([]string{"-C", dir, "-c", "log.showSignature=false", "-c", "core.quotePath=false"}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Env = append(os.Environ(),
		"GIT_TERMINAL_PROMPT=0",
		"GIT_OPTIONAL_LOCKS=0", // never refresh the index: the clone is only read
		"GIT_PAGER=cat",
	)
	var out limitedBuffer
	out.max = 64 << 10
	var errb limitedBuffer
	errb.max = 4 << 10
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out.Bytes(), nil
}

// limitedBuffer keeps the first max bytes written and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		if len(p) > room {
			b.Buffer.Write(p[:room])
		} else {
			b.Buffer.Write(p)
		}
	}
	return len(p), nil
}

// headCommit is the commit checked out in the clone at dir.
func headCommit(ctx context.Context, dir string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--verify", "--end-of-options", "HEAD^{commit}")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// commitRange lists the commits reachable from cur and not from prev,
// newest first, one "<short id> <subject>" line each, at most
// maxCommitLines of them; more tells that there were others.
func commitRange(ctx context.Context, dir, prev, cur string) (lines []string, more bool, err error) {
	if !commitID.MatchString(prev) || !commitID.MatchString(cur) {
		return nil, false, fmt.Errorf("commit ids %q and %q are not both hexadecimal", prev, cur)
	}
	out, err := git(ctx, dir, "log", "--oneline", "--no-decorate", "--no-color",
		fmt.Sprintf("--max-count=%d", maxCommitLines+1), "--end-of-options", prev+".."+cur, "--")
	if err != nil {
		return nil, false, err
	}
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > maxCommitLines {
		return lines[:maxCommitLines], true, nil
	}
	return lines, false, nil
}
