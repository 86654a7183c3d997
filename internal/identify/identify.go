// Package identify is the pipeline stage that gives every component of an
// inventory its concluded license: it reads the license files in each
// component's directory, identifies them, concludes from them and the
// declared license, and applies the organisation's curations.
package identify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"ospo/internal/inventory"
	"ospo/internal/license"
)

// Options tune Run.
type Options struct {
	// Curations override conclusions; nil means none.
	Curations *license.Curations
	// Identifier identifies license texts; nil means a new one. Share one
	// across runs: its engines are built once.
	Identifier *license.Identifier
	// Rel turns an absolute path into the form shown to the user; nil
	// shows paths as they are.
	Rel func(abs string) string
	// Workers bounds the directories read in parallel; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is told how many component directories have
	// been read out of how many; it is called from one goroutine at a time.
	Progress func(done, total int)
}

// maxLicenseFile bounds a license, notice or README file read.
const maxLicenseFile = 1 << 20

// dirResult is what one component directory holds, shared by every
// component installed there.
type dirResult struct {
	unreadable bool // the directory could not be listed
	files      []inventory.LicenseFile
	dets       []license.Detection
	readme     *license.Detection
	problems   []inventory.Problem
}

// Run concludes the license of every component and records the license
// files found on it. Components that share a directory are read once.
// Files that cannot be read are returned as problems; the rest goes on.
// When ctx is cancelled, components not yet reached keep their license
// empty and ctx's error is returned as a problem.
func Run(ctx context.Context, inv []*inventory.Component, opts Options) []inventory.Problem {
	if opts.Identifier == nil {
		opts.Identifier = license.NewIdentifier()
	}
	if opts.Rel == nil {
		opts.Rel = filepath.ToSlash
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	// One job per directory; the declared licenses of its components
	// decide whether a README or a SEE LICENSE IN file is needed.
	type job struct {
		dir   string
		decls []license.Declared
		extra []inventory.LicenseFile
	}
	byDir := map[string]*job{}
	var jobs []*job
	decls := make([]license.Declared, len(inv))
	keys := make([]string, len(inv))
	for i, c := range inv {
		if c == nil {
			continue
		}
		decls[i] = license.NormalizeAll(c.DeclaredLicenses)
		extra := listedFiles(c)
		key := c.Dir
		if key == "" && len(extra) > 0 {
			// License files the extractor found outside any package
			// directory (a distribution's copyright file).
			for _, f := range extra {
				key += "\x00" + f.AbsPath()
			}
		}
		if key == "" {
			continue
		}
		keys[i] = key
		j, ok := byDir[key]
		if !ok {
			j = &job{dir: key}
			byDir[key] = j
			jobs = append(jobs, j)
		}
		j.decls = append(j.decls, decls[i])
		for _, f := range extra {
			if !hasFile(j.extra, f.Path) {
				j.extra = append(j.extra, f)
			}
		}
	}

	results := make(map[string]*dirResult, len(jobs))
	var mu sync.Mutex
	ch := make(chan *job)
	var wg sync.WaitGroup
	for range min(workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				r := readDir(j.dir, j.decls, j.extra, opts)
				mu.Lock()
				results[j.dir] = r
				if opts.Progress != nil {
					opts.Progress(len(results), len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
	var problems []inventory.Problem
	cancelled := false
	for _, j := range jobs {
		if ctx.Err() != nil {
			cancelled = true
			break
		}
		select {
		case ch <- j:
		case <-ctx.Done():
			cancelled = true
		}
		if cancelled {
			break
		}
	}
	close(ch)
	wg.Wait()

	for _, j := range jobs {
		if r, ok := results[j.dir]; ok {
			problems = append(problems, r.problems...)
		}
	}
	for i, c := range inv {
		if c == nil {
			continue
		}
		if c.Dir == "" && c.License.Source != "" {
			keepConcluded(c, opts)
			continue
		}
		if keys[i] == "" {
			conclude(c, decls[i], nil, opts)
			continue
		}
		if r, ok := results[keys[i]]; ok {
			conclude(c, decls[i], r, opts)
		}
	}
	if cancelled {
		problems = append(problems, inventory.Problem{Message: fmt.Sprintf("license identification stopped: %v", ctx.Err())})
	}
	sort.SliceStable(problems, func(i, k int) bool { return problems[i].Path < problems[k].Path })
	return problems
}

// conclude sets c.License (and c.LicenseFiles) from what its directory
// holds; r is nil for a component whose files are not on disk.
func conclude(c *inventory.Component, decl license.Declared, r *dirResult, opts Options) {
	var con license.Conclusion
	var hashes []string
	if r == nil || r.unreadable {
		why := "the package's files are not on disk"
		if r != nil {
			why = "the package directory could not be read"
		}
		con = license.Conclude(decl, nil, nil)
		if con.Source == license.SourceDeclared {
			con.Reason = fmt.Sprintf("declared %s; %s, so no license text was read", decl.Expression, why)
		} else {
			con.Reason += "; " + why
		}
	} else {
		for _, f := range r.files {
			if i := sameFile(c.LicenseFiles, f); i >= 0 {
				c.LicenseFiles[i] = f
			} else {
				c.LicenseFiles = append(c.LicenseFiles, f)
			}
			if f.SHA256 != "" {
				hashes = append(hashes, f.SHA256)
			}
		}
		// A README is only read when it matters, and only the first
		// component of a directory decides that; others reuse it.
		readme := r.readme
		if readme != nil && (decl.Valid || hasLicenseKind(r.dets)) {
			readme = nil
		}
		con = license.Conclude(decl, r.dets, readme)
	}
	if cur, ok := opts.Curations.Find(c.Ecosystem, c.Name, c.Version); ok {
		con = cur.Apply(con, hashes)
	}
	c.License = inventory.License{
		Expression:  con.Expression,
		Source:      con.Source,
		NeedsReview: con.NeedsReview,
		Reason:      con.Reason,
		Declared:    con.Declared,
		Detected:    con.Detected,
	}
}

// keepConcluded leaves a license concluded before this stage (a supplied
// SBOM states it) as it is, unless the organisation curated it.
func keepConcluded(c *inventory.Component, opts Options) {
	cur, ok := opts.Curations.Find(c.Ecosystem, c.Name, c.Version)
	if !ok {
		return
	}
	l := c.License
	con := cur.Apply(license.Conclusion{
		Expression: l.Expression, Source: l.Source, NeedsReview: l.NeedsReview,
		Reason: l.Reason, Declared: l.Declared, Detected: l.Detected,
	}, nil)
	c.License = inventory.License{
		Expression: con.Expression, Source: con.Source, NeedsReview: con.NeedsReview,
		Reason: con.Reason, Declared: con.Declared, Detected: con.Detected,
	}
}

func hasFile(fs []inventory.LicenseFile, path string) bool { return fileIndex(fs, path) >= 0 }

func fileIndex(fs []inventory.LicenseFile, path string) int {
	for i, f := range fs {
		if f.Path == path {
			return i
		}
	}
	return -1
}

// sameFile finds f in fs by where it is on disk, else by its shown path.
func sameFile(fs []inventory.LicenseFile, f inventory.LicenseFile) int {
	if f.AbsPath() != "" {
		for i, g := range fs {
			if g.AbsPath() == f.AbsPath() {
				return i
			}
		}
	}
	return fileIndex(fs, f.Path)
}

// listedFiles are the license files an extractor listed on the component
// that have not been identified yet.
func listedFiles(c *inventory.Component) []inventory.LicenseFile {
	var out []inventory.LicenseFile
	for _, f := range c.LicenseFiles {
		if f.Expression == "" && f.AbsPath() != "" {
			out = append(out, f)
		}
	}
	return out
}

func hasLicenseKind(ds []license.Detection) bool {
	for _, d := range ds {
		if d.Kind == license.KindLicense {
			return true
		}
	}
	return false
}

// readDir lists dir once, identifies its license and notice files, the
// files named by "SEE LICENSE IN", and, when no component of the
// directory has a usable declared license and there is no license file,
// the License section of its README.
func readDir(dir string, decls []license.Declared, extra []inventory.LicenseFile, opts Options) *dirResult {
	r := &dirResult{}
	identifyExtra := func() {
		for _, f := range extra {
			abs := f.AbsPath()
			done := false
			for _, g := range r.files {
				done = done || g.AbsPath() == abs
			}
			if done {
				continue
			}
			kind := f.Kind
			if kind == "" {
				kind = license.KindLicense
			}
			r.identify(filepath.Dir(abs), filepath.Base(abs), kind, opts)
		}
	}
	if strings.HasPrefix(dir, "\x00") {
		identifyExtra()
		return r
	}
	defer identifyExtra()
	files, err := listDir(dir)
	if err != nil {
		r.problems = append(r.problems, inventory.Problem{Path: opts.Rel(dir), Message: fmt.Sprintf("read %s: %v", opts.Rel(dir), err)})
		r.unreadable = true
		return r
	}
	// Symlinks are not in the listing: they may point out of the tree.
	sort.Strings(files)
	var names []string
	var readme string
	for _, name := range files {
		if _, ok := license.IsLicenseFile(name); ok {
			names = append(names, name)
		} else if readme == "" && license.IsReadme(name) {
			readme = name
		}
	}
	needReadme := true
	seen := map[string]bool{}
	for _, decl := range decls {
		if decl.Valid {
			needReadme = false
		}
		if decl.SeeFile != "" {
			if name, ok := seeFileName(decl.SeeFile); ok && !seen[name] {
				seen[name] = true
				if !contains(names, name) {
					r.identify(dir, name, license.KindLicense, opts)
				}
			} else if !ok {
				r.problems = append(r.problems, inventory.Problem{Path: opts.Rel(dir), Message: fmt.Sprintf("declared %q points outside the package", "SEE LICENSE IN "+decl.SeeFile)})
			}
		}
	}
	for _, n := range names {
		kind, _ := license.IsLicenseFile(n)
		r.identify(dir, n, kind, opts)
	}
	if needReadme && !hasLicenseKind(r.dets) && readme != "" {
		abs := filepath.Join(dir, readme)
		text, _, err := readBounded(abs)
		if err != nil {
			r.problems = append(r.problems, inventory.Problem{Path: opts.Rel(abs), Message: fmt.Sprintf("read %s: %v", opts.Rel(abs), err)})
			return r
		}
		if sec := license.ReadmeLicenseSection(text); sec != nil {
			d := opts.Identifier.IdentifyReadmeSection(readme, sec)
			r.readme = &d
			f := inventory.NewLicenseFile(abs, opts.Rel(abs), license.KindReadme)
			f.Expression, f.Coverage, f.Engine = d.Expression, d.Coverage, d.Engine
			f.SHA256 = sha(text)
			r.files = append(r.files, f)
		}
	}
	return r
}

// identify reads and identifies one file of dir, recording it.
func (r *dirResult) identify(dir, name, kind string, opts Options) {
	abs := filepath.Join(dir, filepath.FromSlash(name))
	text, truncated, err := readBounded(abs)
	if err != nil {
		r.problems = append(r.problems, inventory.Problem{Path: opts.Rel(abs), Message: fmt.Sprintf("read %s: %v", opts.Rel(abs), err)})
		return
	}
	if truncated {
		r.problems = append(r.problems, inventory.Problem{Path: opts.Rel(abs), Message: fmt.Sprintf("%s is larger than %d bytes; only its start was identified", opts.Rel(abs), maxLicenseFile)})
	}
	d := opts.Identifier.Identify(name, text)
	d.Kind = kind
	r.dets = append(r.dets, d)
	expr := d.Expression
	engine := d.Engine
	if d.SecondOpinionOnly {
		engine += " (second opinion only)"
	}
	f := inventory.NewLicenseFile(abs, opts.Rel(abs), kind)
	f.Expression, f.Coverage, f.Engine, f.SHA256 = expr, d.Coverage, engine, sha(text)
	r.files = append(r.files, f)
}

// seeFileName cleans the file named by SEE LICENSE IN; it must stay inside
// the package directory.
func seeFileName(s string) (string, bool) {
	s = strings.TrimSpace(strings.Trim(s, "\"'"))
	s = strings.TrimPrefix(filepath.ToSlash(s), "./")
	if s == "" || strings.HasPrefix(s, "/") || filepath.IsAbs(s) {
		return "", false
	}
	clean := filepath.ToSlash(filepath.Clean(s))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", false
	}
	return clean, true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// errNotRegular is returned for paths that are not plain files.
var errNotRegular = errors.New("not a regular file")

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
