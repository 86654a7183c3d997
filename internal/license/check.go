package license

import (
	"errors"
	"fmt"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// ErrInvalidExpression is wrapped by every error Check returns.
var ErrInvalidExpression = errors.New("invalid SPDX expression")

// Check validates an SPDX expression typed by a person (ospo licenses
// check) and returns it in canonical form: ids in their registered case,
// deprecated ids replaced, operators in upper case. License names that are
// not SPDX syntax ("Apache 2.0") are refused with a suggestion, so that
// what is checked is what will be written into policy files.
func Check(expr string) (string, error) {
	s := strings.TrimSpace(expr)
	if s == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidExpression)
	}
	norm, _, err := normalizeExpr(s)
	if err == nil {
		return norm, nil
	}
	msg := fmt.Sprintf("%v: %v", ErrInvalidExpression, err)
	var u *unknownIDError
	switch r, ok := resolve(s, 0); {
	case ok:
		msg += fmt.Sprintf("; did you mean %q?", r.expr)
	case errors.As(err, &u):
		if n, ok := ambiguousNote(s); ok {
			msg += "; " + n
		} else if sug := suggestFor(u.id, u.exception); sug != "" {
			msg += fmt.Sprintf("; did you mean %s?", sug)
		}
	default:
		if n, ok := ambiguousNote(s); ok {
			msg += "; " + n
		}
	}
	return "", &checkError{msg: msg}
}

type checkError struct{ msg string }

func (e *checkError) Error() string { return e.msg }
func (e *checkError) Unwrap() error { return ErrInvalidExpression }

// suggest finds a replacement for the first id of s that is not on the
// SPDX list.
func suggest(s string) string {
	_, _, err := normalizeExpr(s)
	var u *unknownIDError
	if errors.As(err, &u) {
		return suggestFor(u.id, u.exception)
	}
	return ""
}

// suggestFor proposes an id for an unknown one: first by reading it as a
// license name, then by the closest SPDX id in edit distance.
func suggestFor(id string, exception bool) string {
	if !exception {
		if n, ok := ambiguousNote(id); ok {
			return "a versioned id (" + n + ")"
		}
		if r, ok := resolveName(id); ok {
			return r.expr
		}
	}
	var cands []string
	if exception {
		cands = spdxlicenses.GetExceptions()
	} else {
		cands = spdxlicenses.GetLicenses()
	}
	low := strings.ToLower(strings.TrimSuffix(id, "+"))
	best, bestD := "", 1<<30
	for _, c := range cands {
		d := editDistance(low, strings.ToLower(c))
		if d < bestD || d == bestD && len(c) < len(best) {
			best, bestD = c, d
		}
	}
	limit := len(low) / 3
	if limit < 2 {
		limit = 2
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
