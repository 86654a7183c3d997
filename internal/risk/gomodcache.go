package risk

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// GoModCache reads release dates from the download tree of a Go module
// cache, which the go command fills as it fetches modules:
//
//	<Dir>/cache/download/<escaped module path>/@v/list
//	<Dir>/cache/download/<escaped module path>/@v/<escaped version>.info
//
// The list holds one version a line, the .info files JSON objects with
// the version and its commit time ({"Version":"v1.2.3","Time":"…"}).
// Paths and versions are escaped as module.EscapePath says (capitals
// become "!" and the lower-case letter). A cache knows only the versions
// this machine fetched or was told of, so its newest is a lower bound.
type GoModCache struct {
	// Dir is the module cache (GOMODCACHE); "" means DefaultGoModCacheDir.
	Dir string
}

// Bounds on the files read: real list files hold a few hundred versions
// and .info files under a kilobyte.
const (
	maxListSize = 1 << 20
	maxInfoSize = 64 << 10
	maxInfos    = 10000
)

// DefaultGoModCacheDir is the module cache the go command uses by
// default: $GOMODCACHE, else the first entry of $GOPATH plus /pkg/mod,
// else ~/go/pkg/mod; "" when none can be told. Settings made with
// "go env -w" are not read.
func DefaultGoModCacheDir() string {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d
	}
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			return filepath.Join(p, "pkg", "mod")
		}
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
}

// Releases lists the versions of Go module name found in the cache, in
// version order, with the dates of those that have a .info file. Other
// ecosystems, names that are not module paths (such as "stdlib") and
// modules absent from the cache give nil, nil. A file that cannot be
// read or parsed is reported in the error, next to what was read.
func (g GoModCache) Releases(ecosystem, name string) ([]Release, error) {
	if !strings.EqualFold(ecosystem, "go") && ecosystem != "golang" {
		return nil, nil
	}
	dir := g.Dir
	if dir == "" {
		dir = DefaultGoModCacheDir()
	}
	if dir == "" {
		return nil, nil
	}
	esc, err := module.EscapePath(name)
	if err != nil {
		return nil, nil // not a module path, so never in the cache
	}
	vdir := filepath.Join(dir, "cache", "download", filepath.FromSlash(esc), "@v")
	entries, err := os.ReadDir(vdir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read Go module cache: %w", err)
	}

	var (
		errs  []error
		order []string
		times = map[string]time.Time{}
	)
	see := func(v string, t time.Time) {
		if _, ok := times[v]; !ok {
			order = append(order, v)
			times[v] = t
		} else if !t.IsZero() {
			times[v] = t
		}
	}
	infos := 0
	for _, e := range entries {
		n := e.Name()
		switch {
		case !e.Type().IsRegular():
			continue // never follow a link out of the cache
		case n == "list":
			vs, err := readList(filepath.Join(vdir, n))
			if err != nil {
				errs = append(errs, err)
			}
			for _, v := range vs {
				see(v, time.Time{})
			}
		case strings.HasSuffix(n, ".info"):
			if infos++; infos > maxInfos {
				errs = append(errs, fmt.Errorf("%s: more than %d .info files; the rest were not read", vdir, maxInfos))
				continue
			}
			v, t, err := readInfo(filepath.Join(vdir, n))
			if err != nil {
				errs = append(errs, err)
			}
			if v != "" {
				see(v, t)
			}
		}
	}
	slices.SortStableFunc(order, semver.Compare)
	out := make([]Release, len(order))
	for i, v := range order {
		out[i] = Release{Version: v, Time: times[v]}
	}
	return out, errors.Join(errs...)
}

// readList reads a cache's list file: one version a line.
func readList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(io.LimitReader(f, maxListSize))
	for sc.Scan() {
		// A line may carry more after the version (a timestamp in some
		// proxies' answers); the version is the first field.
		if fields := strings.Fields(sc.Text()); len(fields) > 0 && semver.IsValid(fields[0]) {
			out = append(out, fields[0])
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// readInfo reads one .info file. The version is the file's own, else the
// one its name gives.
func readInfo(path string) (string, time.Time, error) {
	fromName, err := module.UnescapeVersion(strings.TrimSuffix(filepath.Base(path), ".info"))
	if err != nil || !semver.IsValid(fromName) {
		fromName = ""
	}
	f, err := os.Open(path)
	if err != nil {
		return fromName, time.Time{}, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	var info struct {
		Version string
		Time    time.Time
	}
	if err := json.NewDecoder(io.LimitReader(f, maxInfoSize)).Decode(&info); err != nil {
		return fromName, time.Time{}, fmt.Errorf("read %s: not a module info file: %w", path, err)
	}
	if !semver.IsValid(info.Version) {
		if fromName == "" {
			return "", time.Time{}, fmt.Errorf("read %s: %q is not a module version", path, info.Version)
		}
		info.Version = fromName
	}
	return info.Version, info.Time, nil
}
