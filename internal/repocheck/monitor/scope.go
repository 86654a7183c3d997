package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Scope is what a run checks: a list of clones, each under the name its
// history is kept by.
type Scope struct {
	// Name says where the list came from (a directory of clones, a scope
	// file); it is stored with the run.
	Name  string
	Repos []Target
}

// Target is one repository of a scope.
type Target struct {
	// Name is the key of the repository's history: a forge path such as
	// example.org/team/repo, or the clone's path under the scanned
	// directory.
	Name string
	// Path is the clone's directory.
	Path string
}

// Filter keeps repositories by name. A pattern is a path.Match glob
// matched against the whole name and against its last element, so
// "legacy-*" also matches "example.org/team/legacy-tool". With no
// Include every name is kept; Exclude wins over Include.
type Filter struct {
	Include []string
	Exclude []string
}

// Keep tells whether the filter keeps name.
func (f Filter) Keep(name string) bool {
	if matchAny(f.Exclude, name) {
		return false
	}
	return len(f.Include) == 0 || matchAny(f.Include, name)
}

// Validate reports the first malformed pattern.
func (f Filter) Validate() error {
	for _, p := range append(append([]string(nil), f.Include...), f.Exclude...) {
		if err := validGlob(p); err != nil {
			return err
		}
	}
	return nil
}

func validGlob(p string) error {
	if _, err := path.Match(p, ""); err != nil {
		return fmt.Errorf("bad glob %q: %w", p, err)
	}
	return nil
}

func matchAny(patterns []string, name string) bool {
	base := path.Base(name)
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
		if ok, _ := path.Match(p, base); ok {
			return true
		}
	}
	return false
}

// ErrNoRepositories is returned when a scope holds no repository.
var ErrNoRepositories = errors.New("no repositories in scope")

// DiscoverScope lists the clones under dir: every subdirectory holding a
// .git entry (a directory, or the file of a worktree or submodule), down
// to depth levels (1: direct subdirectories only; values below 1 mean
// 1). A clone's own subdirectories are not searched, symbolic links and
// hidden directories are skipped. Names are the clones' paths under dir.
func DiscoverScope(ctx context.Context, dir string, depth int, f Filter) (Scope, error) {
	if err := f.Validate(); err != nil {
		return Scope{}, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Scope{}, fmt.Errorf("scope %s: %w", dir, err)
	}
	found, err := discover(ctx, abs, depth)
	if err != nil {
		return Scope{}, err
	}
	sc := Scope{Name: dir}
	for _, t := range found {
		if f.Keep(t.Name) {
			sc.Repos = append(sc.Repos, t)
		}
	}
	if len(sc.Repos) == 0 {
		return sc, fmt.Errorf("scope %s: %w (looked %d level(s) deep for directories holding .git)", dir, ErrNoRepositories, max(depth, 1))
	}
	return sc, nil
}

func discover(ctx context.Context, root string, depth int) ([]Target, error) {
	if fi, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("scope %s: %w", root, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("scope %s: not a directory", root)
	}
	var out []Target
	var walk func(dir string, level int) error
	walk = func(dir string, level int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("scope: %w", err)
		}
		for _, e := range entries { // sorted by name
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue // e.IsDir is false for symbolic links
			}
			sub := filepath.Join(dir, e.Name())
			if _, err := os.Lstat(filepath.Join(sub, ".git")); err == nil {
				rel, _ := filepath.Rel(root, sub)
				out = append(out, Target{Name: filepath.ToSlash(rel), Path: sub})
				continue
			}
			if level < depth {
				if err := walk(sub, level+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk(root, 1)
}

// maxScopeFile bounds what LoadScope reads: a scope file lists
// repositories, so a megabyte is thousands of them.
const maxScopeFile = 1 << 20

// ScopeFile is a parsed scope file:
//
//	repos:                       # clones, by path (relative to the file)
//	  - path: ../clones/app
//	    name: example.org/team/app
//	  - ../clones/lib            # name defaults to the directory's name
//	dirs:                        # directories of clones to discover
//	  - path: ../clones
//	    depth: 2
//	include: ["example.org/team/*"]
//	exclude: ["*-archive"]
type ScopeFile struct {
	File    string
	Repos   []ScopeRepo
	Dirs    []ScopeDir
	Include []string
	Exclude []string
}

// ScopeRepo is one listed clone; Line is where it is written.
type ScopeRepo struct {
	Path string
	Name string
	Line int
}

// ScopeDir is one directory of clones to discover.
type ScopeDir struct {
	Path  string
	Depth int
	Line  int
}

// ScopeError is a problem in a scope file, with the line it is on (0
// when the parser could not tell).
type ScopeError struct {
	File string
	Line int
	Msg  string
}

func (e *ScopeError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ErrBadScope is wrapped by every ScopeError.
var ErrBadScope = errors.New("bad scope file")

func (e *ScopeError) Unwrap() error { return ErrBadScope }

var yamlLine = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// ParseScopeFile parses a scope file's content; file names it in errors.
// It does no I/O: paths stay as written.
func ParseScopeFile(file string, data []byte) (*ScopeFile, error) {
	fail := func(line int, format string, args ...any) error {
		return &ScopeError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		if l := firstBadLine(data); l > line {
			line = l
		}
		return nil, fail(line, "%s", msg)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, fail(0, "empty scope file: list repositories under repos: or directories under dirs:")
	}
	top := deref(doc.Content[0])
	if top.Kind != yaml.MappingNode {
		return nil, fail(top.Line, "expected a mapping with repos:, dirs:, include: or exclude:")
	}
	sf := &ScopeFile{File: file}
	seen := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], deref(top.Content[i+1])
		if prev, dup := seen[k.Value]; dup {
			return nil, fail(k.Line, "%s: given twice (first on line %d)", k.Value, prev)
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "repos":
			items, err := seqItems(v, k.Value, fail)
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				r, err := parseRepo(it, fail)
				if err != nil {
					return nil, err
				}
				sf.Repos = append(sf.Repos, r)
			}
		case "dirs":
			items, err := seqItems(v, k.Value, fail)
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				d, err := parseDir(it, fail)
				if err != nil {
					return nil, err
				}
				sf.Dirs = append(sf.Dirs, d)
			}
		case "include", "exclude":
			globs, err := parseGlobs(v, k.Value, fail)
			if err != nil {
				return nil, err
			}
			if k.Value == "include" {
				sf.Include = globs
			} else {
				sf.Exclude = globs
			}
		default:
			return nil, fail(k.Line, "unknown key %q (want repos, dirs, include or exclude)", k.Value)
		}
	}
	if len(sf.Repos) == 0 && len(sf.Dirs) == 0 {
		return nil, fail(top.Line, "no repositories: list them under repos: or directories of clones under dirs:")
	}
	names := map[string]int{}
	for _, r := range sf.Repos {
		if r.Name == "" {
			continue // defaulted from the path when resolved
		}
		if prev, dup := names[r.Name]; dup {
			return nil, fail(r.Line, "repository name %q is also used on line %d", r.Name, prev)
		}
		names[r.Name] = r.Line
	}
	return sf, nil
}

// firstBadLine finds the line a YAML syntax error is on. The parser
// names the line where the enclosing block began, which is often far
// above the mistake; the first prefix of the document that fails to
// parse ends on the mistake's line. Prefixes fail from some line on (a
// truncated document is otherwise valid YAML), so a binary search finds
// it in a few parses.
func firstBadLine(data []byte) int {
	lines := strings.SplitAfter(string(data), "\n")
	fails := func(n int) bool {
		var doc yaml.Node
		return yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &doc) != nil
	}
	lo, hi := 1, len(lines)
	if !fails(hi) {
		return 0
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// deref follows a YAML alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

type failFunc func(line int, format string, args ...any) error

func seqItems(v *yaml.Node, key string, fail failFunc) ([]*yaml.Node, error) {
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return nil, nil
	case v.Kind != yaml.SequenceNode:
		return nil, fail(v.Line, "%s: expected a list", key)
	}
	out := make([]*yaml.Node, len(v.Content))
	for i, c := range v.Content {
		out[i] = deref(c)
	}
	return out, nil
}

func scalar(n *yaml.Node, what string, fail failFunc) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", fail(n.Line, "%s: expected a single value", what)
	}
	return n.Value, nil
}

func parseRepo(n *yaml.Node, fail failFunc) (ScopeRepo, error) {
	r := ScopeRepo{Line: n.Line}
	switch n.Kind {
	case yaml.ScalarNode:
		p, err := scalar(n, "repos", fail)
		if err != nil {
			return r, err
		}
		r.Path = p
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], deref(n.Content[i+1])
			s, err := scalar(v, "repos: "+k.Value, fail)
			if err != nil {
				return r, err
			}
			switch k.Value {
			case "path":
				r.Path = s
			case "name":
				r.Name = strings.TrimSpace(s)
				if r.Name == "" {
					return r, fail(v.Line, "repos: name is empty")
				}
			default:
				return r, fail(k.Line, "repos: unknown key %q (want path and name)", k.Value)
			}
		}
	default:
		return r, fail(n.Line, "repos: expected a path or a mapping with path: and name:")
	}
	if strings.TrimSpace(r.Path) == "" {
		return r, fail(n.Line, "repos: path is missing")
	}
	if strings.ContainsRune(r.Path, 0) {
		return r, fail(n.Line, "repos: path holds a NUL byte")
	}
	return r, nil
}

func parseDir(n *yaml.Node, fail failFunc) (ScopeDir, error) {
	d := ScopeDir{Line: n.Line, Depth: 1}
	switch n.Kind {
	case yaml.ScalarNode:
		p, err := scalar(n, "dirs", fail)
		if err != nil {
			return d, err
		}
		d.Path = p
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], deref(n.Content[i+1])
			s, err := scalar(v, "dirs: "+k.Value, fail)
			if err != nil {
				return d, err
			}
			switch k.Value {
			case "path":
				d.Path = s
			case "depth":
				depth, err := strconv.Atoi(s)
				if err != nil || depth < 1 || depth > 16 {
					return d, fail(v.Line, "dirs: depth %q is not a whole number from 1 to 16", s)
				}
				d.Depth = depth
			default:
				return d, fail(k.Line, "dirs: unknown key %q (want path and depth)", k.Value)
			}
		}
	default:
		return d, fail(n.Line, "dirs: expected a path or a mapping with path: and depth:")
	}
	if strings.TrimSpace(d.Path) == "" {
		return d, fail(n.Line, "dirs: path is missing")
	}
	if strings.ContainsRune(d.Path, 0) {
		return d, fail(n.Line, "dirs: path holds a NUL byte")
	}
	return d, nil
}

func parseGlobs(v *yaml.Node, key string, fail failFunc) ([]string, error) {
	items, err := seqItems(v, key, fail)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, it := range items {
		s, err := scalar(it, key, fail)
		if err != nil {
			return nil, err
		}
		if err := validGlob(s); err != nil {
			return nil, fail(it.Line, "%s: %v", key, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// LoadScope reads the scope file at file (at most 1 MiB), resolves its
// paths against the file's directory, discovers the clones of its dirs:
// entries and applies include and exclude. A listed repository keeps
// its listed name; a discovered clone whose name is already taken is
// left out.
func LoadScope(ctx context.Context, file string) (Scope, error) {
	fh, err := os.Open(file)
	if err != nil {
		return Scope{}, fmt.Errorf("scope file: %w", err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxScopeFile+1))
	if err != nil {
		return Scope{}, fmt.Errorf("scope file %s: %w", file, err)
	}
	if len(data) > maxScopeFile {
		return Scope{}, &ScopeError{File: file, Msg: fmt.Sprintf("larger than %d bytes; not read", maxScopeFile)}
	}
	sf, err := ParseScopeFile(file, data)
	if err != nil {
		return Scope{}, err
	}
	return sf.Resolve(ctx)
}

// Resolve turns the file's entries into a Scope: relative paths are
// taken from the file's directory and dirs: entries are discovered.
func (sf *ScopeFile) Resolve(ctx context.Context) (Scope, error) {
	base, err := filepath.Abs(filepath.Dir(sf.File))
	if err != nil {
		return Scope{}, fmt.Errorf("scope file %s: %w", sf.File, err)
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(base, filepath.FromSlash(p))
	}
	f := Filter{Include: sf.Include, Exclude: sf.Exclude}
	sc := Scope{Name: sf.File}
	taken := map[string]int{}
	add := func(t Target, line int) error {
		if prev, dup := taken[t.Name]; dup {
			return &ScopeError{File: sf.File, Line: line, Msg: fmt.Sprintf("repository name %q is also used on line %d", t.Name, prev)}
		}
		taken[t.Name] = line
		if f.Keep(t.Name) {
			sc.Repos = append(sc.Repos, t)
		}
		return nil
	}
	for _, r := range sf.Repos {
		t := Target{Name: r.Name, Path: abs(r.Path)}
		if t.Name == "" {
			t.Name = filepath.Base(t.Path)
		}
		if err := add(t, r.Line); err != nil {
			return Scope{}, err
		}
	}
	for _, d := range sf.Dirs {
		found, err := discover(ctx, abs(d.Path), d.Depth)
		if err != nil {
			return Scope{}, &ScopeError{File: sf.File, Line: d.Line, Msg: err.Error()}
		}
		for _, t := range found {
			if _, dup := taken[t.Name]; dup {
				continue
			}
			if err := add(t, d.Line); err != nil {
				return Scope{}, err
			}
		}
	}
	if len(sc.Repos) == 0 {
		return sc, fmt.Errorf("scope file %s: %w after include and exclude", sf.File, ErrNoRepositories)
	}
	return sc, nil
}
