package contrib

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"ospo/internal/gitlog"
	"ospo/internal/inventory"
)

// Defaults for Options.
const (
	DefaultCommits      = 200
	DefaultSignOffShare = 0.8
	DefaultMaxFileSize  = 256 << 10
)

// minSignOffSample is the fewest commits whose sign-offs say anything: a
// young repository whose three commits are signed off shows a habit of its
// author, not a rule of the project.
const minSignOffSample = 10

// maxWorkflows bounds the workflow files read from one checkout.
const maxWorkflows = 100

// Options tune what Collect reads.
type Options struct {
	// Name names the project in questions to the OSPO; "" derives it.
	Name string
	// Commits is how many recent non-merge commits are read for
	// Signed-off-by trailers: 0 means DefaultCommits, below 0 none.
	Commits int
	// SignOffShare is the share of those commits (0..1) that must be
	// signed off for the history to count as a DCO signal: 0 means
	// DefaultSignOffShare.
	SignOffShare float64
	// MaxFileSize bounds every file read: 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// Git is the git command; "" looks it up in PATH.
	Git string
}

func (o Options) withDefaults() Options {
	if o.Commits == 0 {
		o.Commits = DefaultCommits
	}
	if o.SignOffShare <= 0 || o.SignOffShare > 1 {
		o.SignOffShare = DefaultSignOffShare
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	return o
}

// Collect gathers the contribution facts of the checkout in dir. Every
// read stays inside dir (a symbolic link out of it is a Problem, not
// followed). Unreadable files are Problems; the error is only for a dir
// that cannot be opened at all or a done ctx.
func Collect(ctx context.Context, dir string, opts Options) (Facts, error) {
	opts = opts.withDefaults()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Facts{}, fmt.Errorf("read %s: %w", dir, err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return Facts{}, fmt.Errorf("read %s: %w", dir, err)
	}
	defer root.Close()

	c := &collector{root: root, abs: abs, opts: opts}
	if err := c.files(ctx); err != nil {
		return Facts{}, err
	}
	if opts.Commits > 0 {
		if err := c.history(ctx); err != nil {
			return Facts{}, err
		}
	}
	c.facts.Project = opts.Name
	if c.facts.Project == "" {
		c.facts.Project = c.projectName()
	}
	return c.facts, nil
}

type collector struct {
	root  *os.Root
	abs   string
	opts  Options
	facts Facts
}

func (c *collector) problem(rel string, err error) {
	c.facts.Problems = append(c.facts.Problems, inventory.Problem{Path: rel, Message: err.Error()})
}

// files reads the root, .github and docs: where forges and people put a
// project's license, guides, agreements and bot configuration.
func (c *collector) files(ctx context.Context) error {
	for _, dir := range []string{".", ".github", "docs"} {
		if err := ctx.Err(); err != nil {
			return err
		}
		names := c.list(dir)
		for _, name := range names {
			rel := path.Join(dir, name)
			up := strings.ToUpper(name)
			stem, ok := textStem(up)
			switch {
			case dir == "." && isLicenseName(up):
				c.licenseFile(rel, licenseKind(up))
			case ok && stem == "CONTRIBUTING":
				c.guide(rel)
			case ok && stem == "README" && dir == ".":
				c.readme(rel)
			case ok && stem == "PULL_REQUEST_TEMPLATE":
				c.text(rel)
			case ok && stem == "DCO":
				c.facts.Signals = append(c.facts.Signals, Signal{Kind: KindDCO,
					Evidence: Evidence{Path: rel, Text: "the project keeps the Developer Certificate of Origin in " + name}})
			case ok && isAgreementStem(stem):
				c.agreementFile(rel, name)
			case up == ".CLABOT" && dir == ".":
				c.facts.Signals = append(c.facts.Signals, Signal{Kind: KindCLA, Name: "cla-bot",
					Evidence: Evidence{Path: rel, Text: "cla-bot configuration"}})
			case dir == ".github" && (up == "DCO.YML" || up == "DCO.YAML"):
				c.facts.Signals = append(c.facts.Signals, Signal{Kind: KindDCO,
					Evidence: Evidence{Path: rel, Text: "DCO app configuration"}})
			}
		}
	}
	for _, name := range c.list(".github/PULL_REQUEST_TEMPLATE") {
		if _, ok := textStem(strings.ToUpper(name)); ok {
			c.text(path.Join(".github/PULL_REQUEST_TEMPLATE", name))
		}
	}
	read := 0
	for _, name := range c.list(".github/workflows") {
		if err := ctx.Err(); err != nil {
			return err
		}
		lower := strings.ToLower(name)
		if !strings.HasSuffix(lower, ".yml") && !strings.HasSuffix(lower, ".yaml") {
			continue
		}
		if read++; read > maxWorkflows {
			c.problem(".github/workflows", fmt.Errorf("more than %d workflows; the rest were not read", maxWorkflows))
			break
		}
		rel := path.Join(".github/workflows", name)
		data, _, err := c.read(rel)
		if err != nil {
			c.problem(rel, err)
			continue
		}
		c.facts.Signals = append(c.facts.Signals, scanWorkflow(rel, data)...)
	}
	return nil
}

// list returns the names of the plain files (or links) in a directory of
// the checkout, sorted; nothing when it does not exist.
func (c *collector) list(dir string) []string {
	f, err := c.root.Open(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.problem(dir, err)
		}
		return nil
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		// A file where a directory was expected says nothing here.
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// read returns up to MaxFileSize bytes of a regular file of the checkout
// and whether there was more.
func (c *collector) read(rel string) ([]byte, bool, error) {
	f, err := c.root.Open(rel)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", rel, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", rel, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, fmt.Errorf("read %s: not a regular file", rel)
	}
	data, err := io.ReadAll(io.LimitReader(f, c.opts.MaxFileSize+1))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", rel, err)
	}
	if int64(len(data)) > c.opts.MaxFileSize {
		return data[:c.opts.MaxFileSize], true, nil
	}
	return data, false, nil
}

// licenseFile records a license, notice or patents file with the hash of
// its content, for the license package to identify.
func (c *collector) licenseFile(rel, kind string) {
	data, truncated, err := c.read(rel)
	if err != nil {
		c.problem(rel, err)
		return
	}
	lf := inventory.NewLicenseFile(filepath.Join(c.abs, filepath.FromSlash(rel)), rel, kind)
	if truncated {
		c.problem(rel, fmt.Errorf("read %s: larger than %d bytes; not hashed", rel, c.opts.MaxFileSize))
	} else {
		sum := sha256.Sum256(data)
		lf.SHA256 = hex.EncodeToString(sum[:])
	}
	c.facts.LicenseFiles = append(c.facts.LicenseFiles, lf)
}

// guide keeps a contributing guide's text and scans it.
func (c *collector) guide(rel string) {
	data, truncated, err := c.read(rel)
	if err != nil {
		c.problem(rel, err)
		return
	}
	c.facts.Contributing = append(c.facts.Contributing, Document{
		Path: rel, Text: strings.ToValidUTF8(string(data), "\uFFFD"), Truncated: truncated,
	})
	c.scan(rel, data, true)
}

// text scans a file for signals without keeping it.
func (c *collector) text(rel string) {
	data, _, err := c.read(rel)
	if err != nil {
		c.problem(rel, err)
		return
	}
	c.scan(rel, data, false)
}

func (c *collector) scan(rel string, data []byte, withGuides bool) {
	signals, guides := scanText(rel, data)
	c.facts.Signals = append(c.facts.Signals, signals...)
	if withGuides {
		c.facts.Guides = append(c.facts.Guides, guides...)
	}
}

// readme scans a README: only its sections about contributing give
// signals (see scanReadme), its links to guides count anywhere.
func (c *collector) readme(rel string) {
	data, _, err := c.read(rel)
	if err != nil {
		c.problem(rel, err)
		return
	}
	signals, guides := scanReadme(rel, data)
	c.facts.Signals = append(c.facts.Signals, signals...)
	c.facts.Guides = append(c.facts.Guides, guides...)
}

// agreementFile records an agreement kept in the repository (CLA.md,
// ICLA.txt) as a CLA signal, named when its text names it.
func (c *collector) agreementFile(rel, name string) {
	data, _, err := c.read(rel)
	if err != nil {
		c.problem(rel, err)
		return
	}
	s := Signal{Kind: KindCLA, Evidence: Evidence{Path: rel, Text: "the project keeps a contributor agreement in " + name}}
	signals, _ := scanText(rel, data)
	for _, x := range signals {
		if x.Kind == KindCLA && !x.Negated && x.Name != "" {
			s.Name, s.Note = x.Name, x.Note
			break
		}
	}
	c.facts.Signals = append(c.facts.Signals, s)
}

// history counts signed-off commits among the recent ones. A checkout that
// is not a clone (an unpacked archive, a module cache entry) has no
// history to read, which is not a problem.
func (c *collector) history(ctx context.Context) error {
	if !c.looksLikeRepository() {
		// Starting git only to hear "not a git repository" costs a
		// process per checkout; a survey of many unpacked releases pays
		// it hundreds of times.
		return nil
	}
	h := History{}
	for commit, err := range gitlog.Log(ctx, c.abs, gitlog.Options{Limit: c.opts.Commits, NoMerges: true, Git: c.opts.Git}) {
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			if !errors.Is(err, gitlog.ErrNotRepository) {
				c.problem(HistoryPath, err)
			}
			return nil
		}
		h.Commits++
		if commit.SignedOff() {
			h.SignedOff++
		}
	}
	c.facts.History = &h
	if h.Commits >= minSignOffSample && h.Share() >= c.opts.SignOffShare {
		c.facts.Signals = append(c.facts.Signals, Signal{Kind: KindDCO, Evidence: Evidence{
			Path: HistoryPath,
			Text: fmt.Sprintf("%d of the last %d commits carry a Signed-off-by trailer", h.SignedOff, h.Commits),
		}})
	}
	return nil
}

// looksLikeRepository reports whether dir is a work tree (.git, a
// directory or a gitfile) or a bare repository (HEAD and objects).
func (c *collector) looksLikeRepository() bool {
	if _, err := c.root.Lstat(".git"); err == nil {
		return true
	}
	_, errHead := c.root.Lstat("HEAD")
	_, errObjects := c.root.Lstat("objects")
	return errHead == nil && errObjects == nil
}

// projectName is the clone's origin without credentials, else the name
// its manifest gives (an unpacked release has no clone to ask), else the
// directory's name.
func (c *collector) projectName() string {
	if data, _, err := c.read(".git/config"); err == nil {
		if u := originURL(data); u != "" {
			return u
		}
	}
	if data, _, err := c.read("go.mod"); err == nil {
		if m := modulePath(data); m != "" {
			return m
		}
	}
	if data, _, err := c.read("package.json"); err == nil {
		var pkg struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(data, &pkg) == nil && pkg.Name != "" && !strings.ContainsAny(pkg.Name, "\n\r") {
			return pkg.Name
		}
	}
	return filepath.Base(c.abs)
}

// modulePath reads the module directive of a go.mod file.
func modulePath(gomod []byte) string {
	for line := range strings.Lines(string(gomod)) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		if i := strings.Index(rest, "//"); i >= 0 {
			rest = rest[:i]
		}
		return strings.Trim(strings.TrimSpace(rest), `"`+"`")
	}
	return ""
}

// originURL reads remote.origin.url from a git config file and shortens it
// to host/path.
func originURL(config []byte) string {
	inOrigin := false
	for line := range strings.Lines(string(config)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inOrigin = strings.EqualFold(strings.Join(strings.Fields(line), " "), `[remote "origin"]`)
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if inOrigin && ok && strings.EqualFold(strings.TrimSpace(k), "url") {
			return displayURL(strings.Trim(strings.TrimSpace(v), `"`))
		}
	}
	return ""
}

// displayURL turns a remote address into host/path, dropping any user
// name or token it carries: the name ends up in reports and requests.
func displayURL(u string) string {
	if scheme, rest, ok := strings.Cut(u, "://"); ok && scheme != "" {
		u = rest
		if at := strings.LastIndex(strings.SplitN(u, "/", 2)[0], "@"); at >= 0 {
			u = u[at+1:]
		}
	} else if at := strings.Index(u, "@"); at >= 0 && strings.Contains(u[at:], ":") {
		// scp-like user@host:path
		u = strings.Replace(u[at+1:], ":", "/", 1)
	} else {
		return "" // a local path names nothing useful
	}
	if host, p, ok := strings.Cut(u, "/"); ok {
		host, _, _ = strings.Cut(host, ":") // port
		u = host + "/" + p
	}
	return strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
}

// Text files are named with no extension or a prose one.
var textExts = []string{"", ".MD", ".MARKDOWN", ".TXT", ".RST", ".ADOC", ".ASCIIDOC", ".ORG"}

// textStem returns an upper-case name without its prose extension, and
// whether the extension is one.
func textStem(up string) (string, bool) {
	ext := path.Ext(up)
	if !slices.Contains(textExts, ext) {
		return "", false
	}
	return strings.TrimSuffix(up, ext), true
}

// isLicenseName accepts LICENSE, LICENCE, COPYING, UNLICENSE, NOTICE and
// PATENTS files with any suffix (LICENSE-MIT, COPYING.LESSER), but not
// source or data files that only start so (license-check.sh).
func isLicenseName(up string) bool {
	for _, p := range []string{"LICENSE", "LICENCE", "COPYING", "UNLICENSE", "NOTICE", "PATENTS"} {
		if strings.HasPrefix(up, p) {
			switch path.Ext(up) {
			case ".GO", ".SH", ".PY", ".JS", ".TS", ".JSON", ".YML", ".YAML", ".TOML", ".XML", ".TMPL", ".TPL":
				return false
			}
			return true
		}
	}
	return false
}

func licenseKind(up string) string {
	switch {
	case strings.HasPrefix(up, "NOTICE"):
		return "notice"
	case strings.HasPrefix(up, "PATENTS"):
		return "patents"
	}
	return "license"
}

// isAgreementStem accepts the names projects give an agreement they keep
// in the repository.
func isAgreementStem(stem string) bool {
	switch stem {
	case "CLA", "ICLA", "CCLA":
		return true
	}
	for _, p := range []string{"CLA-", "CLA_", "ICLA-", "ICLA_", "CCLA-", "CCLA_"} {
		if strings.HasPrefix(stem, p) {
			return true
		}
	}
	flat := strings.NewReplacer("-", "", "_", "", " ", "").Replace(stem)
	return strings.Contains(flat, "CONTRIBUTORLICENSEAGREEMENT") || strings.Contains(flat, "CONTRIBUTORLICENCEAGREEMENT")
}
