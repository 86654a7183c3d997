package golang

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/mod/module"
)

// goSum is what a go.sum (or go.work.sum) says. Besides the hashes it is a
// record of the module graph: a tidy go.sum holds a go.mod hash for every
// module version whose go.mod the go command consulted, which is what lets
// the module list be rebuilt when the module cache is missing.
type goSum struct {
	zip map[module.Version]string // hash of the module's file tree, "h1:…"
	mod map[module.Version]string // hash of the module's go.mod, "h1:…"
}

func newGoSum() *goSum {
	return &goSum{zip: map[module.Version]string{}, mod: map[module.Version]string{}}
}

// parseGoSum reads go.sum lines ("path version hash" or "path
// version/go.mod hash"). Malformed lines are skipped; the error names the
// first of them while the result still holds every good line, because one
// bad line should not hide the hashes of the others.
func parseGoSum(data []byte) (*goSum, error) {
	s := newGoSum()
	var bad, firstBad int
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		f := strings.Fields(string(line))
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 || f[0] == "" || !strings.Contains(f[2], ":") {
			bad++
			if firstBad == 0 {
				firstBad = lineNo
			}
			continue
		}
		ver, isMod := strings.CutSuffix(f[1], "/go.mod")
		if ver == "" || strings.Contains(ver, "/") {
			bad++
			if firstBad == 0 {
				firstBad = lineNo
			}
			continue
		}
		m := module.Version{Path: f[0], Version: ver}
		if isMod {
			s.mod[m] = f[2]
		} else {
			s.zip[m] = f[2]
		}
	}
	if bad > 0 {
		return s, fmt.Errorf("%d malformed line(s), the first at line %d", bad, firstBad)
	}
	return s, nil
}

// merge adds other's entries to s.
func (s *goSum) merge(other *goSum) {
	if other == nil {
		return
	}
	for k, v := range other.zip {
		s.zip[k] = v
	}
	for k, v := range other.mod {
		s.mod[k] = v
	}
}

// has reports whether go.sum lists the module version at all.
func (s *goSum) has(m module.Version) bool {
	_, a := s.zip[m]
	_, b := s.mod[m]
	return a || b
}

// splitHash turns "h1:abc=" into its algorithm and value.
func splitHash(h string) (alg, value string) {
	alg, value, ok := strings.Cut(h, ":")
	if !ok {
		return "", h
	}
	return alg, value
}
