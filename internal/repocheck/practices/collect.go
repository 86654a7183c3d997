package practices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"ospo/internal/contrib"
	"ospo/internal/gitlog"
	"ospo/internal/license"
	"ospo/internal/license/knowledge"
	"ospo/internal/repocheck/result"
)

// lookDirs are the directories CLOMonitor's file patterns look in: the
// root, .github and docs. Directory names match with their case (the glob
// library CLOMonitor uses compares literal components by their existence).
var lookDirs = []string{".", ".github", "docs"}

// Entry is one name in a looked-at directory.
type Entry struct {
	Name string `json:"name"`
	Dir  bool   `json:"dir,omitempty"`
}

// Text is a file read whole (up to the size bound).
type Text struct {
	Path      string `json:"path"`
	Text      string `json:"text"`
	Truncated bool   `json:"truncated,omitempty"`
}

// LicenseText is a LICENSE* or COPYING* file and what it was identified
// as: an SPDX expression, or NOASSERTION.
type LicenseText struct {
	Path       string `json:"path"`
	Expression string `json:"expression"`
	// SPDX is set when every license of Expression is on the SPDX list
	// (no LicenseRef).
	SPDX bool `json:"spdx,omitempty"`
}

// Commit is what the dco check needs of a commit.
type Commit struct {
	Hash      string `json:"hash"`
	Subject   string `json:"subject"`
	SignedOff bool   `json:"signedOff"`
}

// History is the last non-merge commits, newest first.
type History struct {
	// Unavailable says why no history was read (not a clone, no git).
	Unavailable string   `json:"unavailable,omitempty"`
	Err         string   `json:"error,omitempty"`
	Commits     []Commit `json:"commits,omitempty"`
}

// Release is the newest tag.
type Release struct {
	Unavailable string    `json:"unavailable,omitempty"`
	Err         string    `json:"error,omitempty"`
	Tags        int       `json:"tags"`
	Tag         string    `json:"tag,omitempty"`
	Date        time.Time `json:"date,omitzero"`
}

// Facts is everything Collect read from one clone. It is plain data, so
// that the CLI, the server and a remote worker can all evaluate it.
type Facts struct {
	// Entries are the names in the root, .github and docs, sorted, keyed
	// by the directory ("." for the root).
	Entries map[string][]Entry `json:"entries"`
	// Readmes are the README files CLOMonitor reads for references:
	// README*, .github/README*, docs/README*, names matched with case.
	Readmes []Text `json:"readmes,omitempty"`
	// Licenses are the root's LICENSE* then COPYING* files, identified.
	Licenses []LicenseText `json:"licenses,omitempty"`
	// Metadata is .clomonitor.yml; nil when there is none.
	Metadata *Metadata `json:"metadata,omitempty"`
	// Insights is the Security Insights manifest chosen; nil when there
	// is none.
	Insights *Insights `json:"insights,omitempty"`
	// CLA are the signs that contributors sign a CLA.
	CLA     []contrib.Signal `json:"cla,omitempty"`
	History History          `json:"history"`
	Release Release          `json:"release"`
	// Binaries are *.exe and *.dll files outside node_modules and vendor
	// (the first maxBinaries of them); BinaryCount counts them all.
	Binaries    []string `json:"binaries,omitempty"`
	BinaryCount int      `json:"binaryCount,omitempty"`
	// Problems are what could not be read.
	Problems []result.Finding `json:"problems,omitempty"`
}

// Bounds of the walk for binaries.
const (
	maxBinaries  = 20
	maxWalkFiles = 500_000
	dcoCommits   = 20
)

// Collect reads the facts of the clone in dir. Every read goes through
// an os.Root, so no symbolic link leads out of dir.
func Collect(ctx context.Context, dir string, opts Options) (Facts, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Facts{}, fmt.Errorf("read %s: %w", dir, err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return Facts{}, fmt.Errorf("read %s: %w", dir, err)
	}
	defer root.Close()
	c := &collector{ctx: ctx, root: root, abs: abs, opts: opts, max: opts.maxFileSize()}
	c.facts.Entries = map[string][]Entry{}
	for _, d := range lookDirs {
		c.facts.Entries[d] = c.list(d)
	}
	if err := ctx.Err(); err != nil {
		return Facts{}, err
	}
	c.readmes()
	c.licenses()
	c.metadata()
	c.insights()
	if err := ctx.Err(); err != nil {
		return Facts{}, err
	}
	c.cla()
	c.facts.History = readHistory(ctx, abs, opts.Git)
	c.facts.Release = readRelease(ctx, abs, opts.Git)
	if err := c.binaries(); err != nil {
		return Facts{}, err
	}
	return c.facts, ctx.Err()
}

type collector struct {
	ctx   context.Context
	root  *os.Root
	abs   string
	opts  Options
	max   int64
	facts Facts
}

func (c *collector) problem(rel, msg string) {
	c.facts.Problems = append(c.facts.Problems, result.Finding{
		Probe: "read", Outcome: result.Error, Path: rel, Message: msg,
	})
}

// list returns the sorted names in dir; a missing dir lists nothing.
func (c *collector) list(dir string) []Entry {
	f, err := c.root.Open(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && dir != "." {
			c.problem(dir, fmt.Sprintf("cannot list %s: %v", dir, err))
		}
		return nil
	}
	defer f.Close()
	des, err := f.ReadDir(-1)
	if err != nil {
		// Not a directory (a file named docs) lists nothing.
		return nil
	}
	out := make([]Entry, 0, len(des))
	for _, de := range des {
		out = append(out, Entry{Name: de.Name(), Dir: de.IsDir()})
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// read reads a regular file of the clone, up to the size bound.
func (c *collector) read(rel string) (data []byte, truncated bool, err error) {
	f, err := c.root.Open(rel)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if !fi.Mode().IsRegular() {
		return nil, false, fmt.Errorf("%s is not a regular file", rel)
	}
	data, err = io.ReadAll(io.LimitReader(f, c.max+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(data)) > c.max {
		return data[:c.max], true, nil
	}
	return data, false, nil
}

func (c *collector) readmes() {
	for _, rel := range matchFiles(c.facts.Entries, readmePatterns, true) {
		data, trunc, err := c.read(rel)
		if err != nil {
			// A directory named README* is not a README to read;
			// CLOMonitor skips unreadable matches the same way.
			continue
		}
		c.facts.Readmes = append(c.facts.Readmes, Text{Path: rel, Text: string(data), Truncated: trunc})
	}
}

func (c *collector) licenses() {
	id := c.opts.Identifier
	for _, rel := range matchFiles(c.facts.Entries, []string{"LICENSE*", "COPYING*"}, true) {
		if c.ctx.Err() != nil {
			return
		}
		data, _, err := c.read(rel)
		if err != nil {
			continue
		}
		if id == nil {
			id = license.NewIdentifier()
		}
		d := id.Identify(rel, data)
		lt := LicenseText{Path: rel, Expression: d.Expression}
		if d.Definite() {
			lt.SPDX = allSPDX(d.Expression)
		} else {
			lt.Expression = license.NoAssertion
		}
		c.facts.Licenses = append(c.facts.Licenses, lt)
		if lt.SPDX {
			// CLOMonitor stops at the first file its matcher is sure of.
			return
		}
	}
}

// allSPDX reports whether every license id of expr is on the SPDX list.
func allSPDX(expr string) bool {
	ids := licenseIDs(expr)
	if len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		if _, ok := knowledge.Lookup(id); !ok {
			return false
		}
	}
	return true
}

func (c *collector) metadata() {
	if !hasEntry(c.facts.Entries["."], MetadataFile) {
		return
	}
	data, trunc, err := c.read(MetadataFile)
	if err != nil {
		c.problem(MetadataFile, fmt.Sprintf("cannot read %s: %v", MetadataFile, err))
		return
	}
	if trunc {
		c.problem(MetadataFile, fmt.Sprintf("%s is larger than %d bytes; ignored", MetadataFile, c.max))
		return
	}
	md, err := ParseMetadata(data)
	if err != nil {
		c.problem(MetadataFile, err.Error())
		return
	}
	md.Path = MetadataFile
	c.facts.Metadata = &md
}

func hasEntry(es []Entry, name string) bool {
	for _, e := range es {
		if e.Name == name {
			return true
		}
	}
	return false
}

// insights picks the Security Insights manifest as CLOMonitor does: the
// first version 2 manifest in file order wins, else the first version 1
// one; a manifest whose version cannot be told stops the search with an
// error, which fails both checks that read it.
func (c *collector) insights() {
	var firstV1 *Insights
	for _, rel := range InsightsFiles {
		dir, name := path.Split(rel)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" {
			dir = "."
		}
		if !hasEntry(c.facts.Entries[dir], name) {
			continue
		}
		// A symbolic link is not followed, as CLOMonitor does not follow
		// one.
		if fi, err := c.root.Lstat(rel); err != nil || fi.Mode()&fs.ModeSymlink != 0 {
			continue
		}
		data, trunc, err := c.read(rel)
		if err != nil {
			c.facts.Insights = &Insights{Path: rel, Err: fmt.Sprintf("cannot read %s: %v", rel, err)}
			return
		}
		if trunc {
			c.facts.Insights = &Insights{Path: rel, Err: fmt.Sprintf("%s is larger than %d bytes", rel, c.max)}
			return
		}
		in, err := ParseInsights(data)
		in.Path = rel
		switch {
		case err != nil && in.Major == 0:
			in.Err = err.Error()
			c.facts.Insights = &in
			return
		case in.Major == 2:
			if err != nil {
				in.Err = err.Error()
			}
			c.facts.Insights = &in
			return
		case firstV1 == nil:
			if err != nil {
				in.Err = err.Error()
			}
			firstV1 = &in
		}
	}
	c.facts.Insights = firstV1
}

func (c *collector) cla() {
	f, err := contrib.Collect(c.ctx, c.abs, contrib.Options{Commits: -1, Git: c.opts.Git, MaxFileSize: c.max})
	if err != nil {
		c.problem(".", fmt.Sprintf("cannot look for contributor agreements: %v", err))
		return
	}
	c.facts.CLA = f.Active(contrib.KindCLA)
	for _, p := range f.Problems {
		c.problem(p.Path, p.Message)
	}
}

// binaries walks the clone for *.exe and *.dll outside node_modules,
// vendor and .git, without following symbolic links.
func (c *collector) binaries() error {
	seen := 0
	err := fs.WalkDir(c.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != "." {
				c.problem(p, fmt.Sprintf("cannot walk %s: %v", p, err))
			}
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "vendor":
				if p != "." {
					return fs.SkipDir
				}
			}
			return nil
		}
		seen++
		if seen%1000 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		if seen > maxWalkFiles {
			c.problem(".", fmt.Sprintf("stopped looking for binaries after %d files", maxWalkFiles))
			return fs.SkipAll
		}
		if d.Type().IsRegular() {
			ext := strings.ToLower(path.Ext(p))
			if ext == ".exe" || ext == ".dll" {
				c.facts.BinaryCount++
				if len(c.facts.Binaries) < maxBinaries {
					c.facts.Binaries = append(c.facts.Binaries, p)
				}
			}
		}
		return nil
	})
	return err
}

// notOwned explains git's refusal to read a clone another user owns.
const notOwned = "git does not read a clone owned by another user (see git's safe.directory)"

// readHistory reads the last non-merge commits for the dco check.
func readHistory(ctx context.Context, dir, git string) History {
	var h History
	for c, err := range gitlog.Log(ctx, dir, gitlog.Options{Limit: dcoCommits, NoMerges: true, Git: git}) {
		if err != nil {
			switch {
			case errors.Is(err, gitlog.ErrNotRepository):
				h.Unavailable = "the directory is not a git clone"
			case errors.Is(err, gitlog.ErrGitNotFound):
				h.Unavailable = "git is not installed"
			case ctx.Err() != nil:
				h.Unavailable = ctx.Err().Error()
			case strings.Contains(err.Error(), "dubious ownership"):
				h.Unavailable = notOwned
			default:
				h.Err = err.Error()
			}
			h.Commits = nil
			return h
		}
		h.Commits = append(h.Commits, Commit{Hash: c.Hash, Subject: c.Subject, SignedOff: c.SignedOff()})
	}
	return h
}
