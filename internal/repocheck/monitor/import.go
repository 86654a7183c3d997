package monitor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"ospo/internal/repocheck/result"
	"ospo/internal/store"
)

// maxImport bounds what Import reads: a Scorecard result with details is
// tens of kilobytes, so this is thousands of repositories.
const maxImport = 256 << 20

// ScorecardReader parses one Scorecard JSON v2 object.
type ScorecardReader func(io.Reader) (*result.Repo, error)

var errTooBig = fmt.Errorf("input is larger than %d MiB", maxImport>>20)

// Import stores OpenSSF Scorecard results (JSON v2, as written by
// `scorecard --format=json` or served by the Scorecard API) so that
// repositories scored elsewhere join the same history. r holds one
// object, several objects one after another (JSON lines), or an array of
// them; read parses each. Results keep their own date and commit; their
// source is "scorecard" unless read says otherwise, and each is compared
// with the repository's previous result of the same source. An object
// that cannot be parsed is an entry with Err (named "result N"); reading
// stops at broken JSON, which cannot be resynchronised, and after 256 MiB.
func Import(ctx context.Context, st *store.Store, read ScorecardReader, r io.Reader) (*RunReport, error) {
	if read == nil {
		return nil, errors.New("import: no Scorecard reader given")
	}
	rep := &RunReport{Scope: "scorecard import", Trigger: "import", Started: time.Now().UTC()}
	id, err := insertRun(ctx, st, rep.Started, rep.Scope, rep.Trigger)
	if err != nil {
		return nil, err
	}
	rep.RunID = id

	n := 0
	store1 := func(raw json.RawMessage) error {
		n++
		label := fmt.Sprintf("result %d", n)
		res, err := read(bytes.NewReader(raw))
		if err == nil && res == nil {
			err = errors.New("reader returned no result")
		}
		if err == nil {
			cp := *res
			res = &cp
			if res.Source == "" {
				res.Source = "scorecard"
			}
			if res.Date.IsZero() {
				res.Date = rep.Started
			}
			err = validate(res)
		}
		if err != nil {
			if res != nil && res.Name != "" {
				label = fmt.Sprintf("%s (%s)", res.Name, label)
			}
			rep.Repos = append(rep.Repos, RepoReport{Name: label, Err: err.Error()})
			return nil
		}
		rr, err := record(ctx, st, id, res)
		if err != nil {
			return err
		}
		rep.Repos = append(rep.Repos, rr)
		return nil
	}

	problem, err := eachValue(ctx, r, store1)
	if err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	if problem != "" {
		rep.Repos = append(rep.Repos, RepoReport{Name: fmt.Sprintf("result %d", n+1), Err: problem})
	}
	if len(rep.Repos) == 0 {
		rep.Repos = append(rep.Repos, RepoReport{Name: "input", Err: "no Scorecard result found in the input"})
	}
	rep.Finished = time.Now().UTC()
	if err := finishRun(ctx, st, id, rep.Finished); err != nil {
		return rep, err
	}
	return rep, nil
}

// eachValue hands fn each JSON value of r: the elements of an array, or
// values one after another (one value, JSON lines). problem says why
// reading stopped early (broken JSON cannot be resynchronised, and at most
// maxImport bytes are read); err is fn's error or the end of ctx, which
// stop at once.
func eachValue(ctx context.Context, r io.Reader, fn func(json.RawMessage) error) (problem string, err error) {
	cr := &cappedReader{r: r, left: maxImport}
	br := bufio.NewReader(cr)
	first, err := firstByte(br)
	switch {
	case errors.Is(err, io.EOF):
		return "", nil
	case err != nil:
		return err.Error(), nil
	}
	dec := json.NewDecoder(br)
	inArray := first == '['
	if inArray {
		_, _ = dec.Token() // the '[' just seen
	}
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		if inArray && !dec.More() {
			break
		}
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if !inArray && errors.Is(err, io.EOF) {
			return "", nil
		}
		if err != nil {
			switch {
			case cr.over:
				return fmt.Sprintf("not read on: %v", errTooBig), nil
			case inArray && errors.Is(err, io.EOF):
				return "not JSON: the array is not closed; reading stopped here", nil
			}
			return fmt.Sprintf("not JSON: %v; reading stopped here", err), nil
		}
		if err := fn(raw); err != nil {
			return "", err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		if cr.over {
			return fmt.Sprintf("not read on: %v", errTooBig), nil
		}
		return "not JSON: the array is not closed; reading stopped here", nil
	}
	return "", nil
}

// firstByte peeks at the first byte that is not white space, skipping a
// UTF-8 byte order mark and refusing UTF-16 (what PowerShell redirection
// writes).
func firstByte(br *bufio.Reader) (byte, error) {
	if head, _ := br.Peek(3); bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	} else if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return 0, errors.New("input is UTF-16 text; convert it to UTF-8 first")
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b, br.UnreadByte()
	}
}

// cappedReader fails once more than left bytes are asked for.
type cappedReader struct {
	r    io.Reader
	left int64
	over bool
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		c.over = true
		return 0, errTooBig
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
