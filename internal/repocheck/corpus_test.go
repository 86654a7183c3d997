package repocheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	R "ospo/internal/repocheck/result"
)

// TestCorpusTable prints the scores of the repositories named in
// OSPO_REPOCHECK_DIRS (space-separated), as bench/repocheck-corpus.sh
// builds them; without it the test is skipped.
func TestCorpusTable(t *testing.T) {
	list := os.Getenv("OSPO_REPOCHECK_DIRS")
	if list == "" {
		t.Skip("OSPO_REPOCHECK_DIRS names no repositories (see bench/repocheck-corpus.sh)")
	}
	names := CheckNames()
	abbrev := func(n string) string {
		var b strings.Builder
		for _, part := range strings.Split(n, "-") {
			b.WriteString(part[:min(2, len(part))])
		}
		return b.String()
	}
	head := fmt.Sprintf("%-40s %7s %5s", "repository", "time", "score")
	for _, n := range names {
		head += fmt.Sprintf(" %5s", abbrev(n))
	}
	t.Log(head)
	id := Options{}.identifier()
	for _, dir := range strings.Fields(list) {
		start := time.Now()
		r, err := Check(context.Background(), dir, Options{Identifier: id})
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		row := fmt.Sprintf("%-40s %6dms %5.1f", filepath.Base(dir), time.Since(start).Milliseconds(), r.Score)
		for _, n := range names {
			c, _ := r.Check(n)
			if c.Score == R.Inconclusive {
				row += fmt.Sprintf(" %5s", "?")
			} else {
				row += fmt.Sprintf(" %5.0f", c.Score)
			}
		}
		t.Log(row)
	}
	legend := "columns:"
	for _, n := range names {
		legend += " " + abbrev(n) + "=" + n
	}
	t.Log(legend + "; ? = inconclusive")
}
