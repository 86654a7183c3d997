package nuget

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// The dependency types a NuGet lock file records that this package tells
// apart; the others are Transitive and, with central package management,
// CentralTransitive (a transitive package whose version is pinned
// centrally).
const (
	lockDirect  = "Direct"
	lockProject = "Project"
)

// The lock file versions NuGet writes: 1, and 2 since central package
// management.
const (
	oldestLockVersion = 1
	newestLockVersion = 2
)

// lockFile is a packages.lock.json: for every target framework (and
// runtime identifier) the packages restore chose.
type lockFile struct {
	Version int
	Targets []lockTarget // sorted by name
}

// lockTarget is the section of one target framework, such as "net6.0" or
// "net6.0/win-x64".
type lockTarget struct {
	Name    string
	Entries []lockEntry // sorted by name, without case
}

// lockEntry is one package or project of a target.
type lockEntry struct {
	Name        string
	Type        string // Direct, Transitive, Project, CentralTransitive
	Requested   string // the range the project asked for (Direct, CentralTransitive)
	Resolved    string // the version restore chose ("" for projects)
	ContentHash string // base64 SHA-512 of the .nupkg
	Deps        []lockDep
}

// lockDep is one dependency of an entry: a package name and the range its
// nuspec asks for, which is not the version that was chosen.
type lockDep struct {
	Name, Range string
}

// isProject reports whether the entry is one of the solution's own
// projects rather than a package.
func (e *lockEntry) isProject() bool { return strings.EqualFold(e.Type, lockProject) }

// parseLockFile reads a NuGet lock file, version 1 or 2.
func parseLockFile(data []byte) (*lockFile, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var raw struct {
		Version      *json.Number                        `json:"version"`
		Dependencies map[string]map[string]*rawLockEntry `json:"dependencies"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, jsonError(err)
	}
	if raw.Version == nil {
		return nil, errors.New(`no "version": not a NuGet lock file`)
	}
	v, err := raw.Version.Int64()
	if err != nil || v < oldestLockVersion {
		return nil, fmt.Errorf("lock file version %s is not a version NuGet writes", raw.Version.String())
	}
	if v > newestLockVersion {
		return nil, fmt.Errorf("lock file version %d is newer than the versions read (1 and 2)", v)
	}
	if raw.Dependencies == nil {
		return nil, errors.New(`no "dependencies" object: not a NuGet lock file`)
	}
	lf := &lockFile{Version: int(v)}
	for tfm, entries := range raw.Dependencies {
		t := lockTarget{Name: tfm}
		for name, re := range entries {
			if name == "" || re == nil {
				continue
			}
			e := lockEntry{
				Name:        name,
				Type:        re.Type,
				Requested:   re.Requested,
				Resolved:    re.Resolved,
				ContentHash: re.ContentHash,
			}
			for dn, dr := range re.Dependencies {
				if dn != "" {
					e.Deps = append(e.Deps, lockDep{Name: dn, Range: dr})
				}
			}
			sort.Slice(e.Deps, func(i, j int) bool { return lessFold(e.Deps[i].Name, e.Deps[j].Name) })
			t.Entries = append(t.Entries, e)
		}
		sort.Slice(t.Entries, func(i, j int) bool { return lessFold(t.Entries[i].Name, t.Entries[j].Name) })
		lf.Targets = append(lf.Targets, t)
	}
	sort.Slice(lf.Targets, func(i, j int) bool { return lf.Targets[i].Name < lf.Targets[j].Name })
	return lf, nil
}

// rawLockEntry is an entry as JSON has it. Unknown fields are ignored so
// that a later lock file version with more fields still reads.
type rawLockEntry struct {
	Type         string            `json:"type"`
	Requested    string            `json:"requested"`
	Resolved     string            `json:"resolved"`
	ContentHash  string            `json:"contentHash"`
	Dependencies map[string]string `json:"dependencies"`
}

// jsonError words a decoding error for a user: where the file stops being
// what it should be.
func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := te.Field
		if where == "" {
			where = "the top level"
		}
		return fmt.Errorf("unexpected %s at %s (byte %d)", te.Value, where, te.Offset)
	}
	return err
}

// lessFold orders names without case, then by case so that the order is
// total.
func lessFold(a, b string) bool {
	la, lb := strings.ToLower(a), strings.ToLower(b)
	if la != lb {
		return la < lb
	}
	return a < b
}
