package repocheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"ospo/internal/license"
	"ospo/internal/license/knowledge"
)

// Facts are everything the probes read, gathered from the clone once.
// They are plain data: probes never touch the disk.
type Facts struct {
	// Root is the clone's directory.
	Root string
	// Now and ContributorOrgs are the context the facts are judged in:
	// the moment that ends the activity window, and the e-mail domains'
	// organisations.
	Now             time.Time
	ContributorOrgs map[string]string
	Files           []File
	// Workflows are the GitHub workflows that parsed; WorkflowProblems
	// the ones that did not.
	Workflows        []*Workflow
	WorkflowProblems []Problem
	CIConfigs        []CIConfig
	Dockerfiles      []TextFile
	ShellScripts     []TextFile
	// UpdateTools are the dependency-update tools configured.
	UpdateTools []Tool
	// Fuzzers are the fuzzing set-ups found.
	Fuzzers []Tool
	// SecurityPolicy is the first security policy file, nil for none.
	SecurityPolicy *TextFile
	Licenses       []LicenseFile
	// SonarConfigs are pom.xml files that name a Sonar server.
	SonarConfigs []Tool
	// Languages counts the bytes of source per language.
	Languages map[string]int64
	// History is nil when the history was not read (not asked, or not a
	// git repository); HistoryErr then says why.
	History    *History
	HistoryErr string
	// Vulns is nil when no vulnerability database was given.
	Vulns *VulnFacts
	// Problems are files that could not be read or parsed.
	Problems []Problem
}

// File is one file of the tree.
type File struct {
	Path string // slash-separated, relative to the root
	Size int64
	Mode fs.FileMode
	// Kind is the binary kind its first bytes show, "" for none.
	Kind string
	// Binary is Scorecard's verdict: a binary kind, or a binary
	// extension on content that is not text.
	Binary bool
	// Testdata files are left out of content checks, as Scorecard does.
	Testdata bool
}

// TextFile is a file read whole.
type TextFile struct {
	Path string
	Text string
}

// CIConfig is the configuration of a CI system other than GitHub Actions.
type CIConfig struct {
	System string
	Path   string
	Text   string
}

// Tool is a tool found at a place in the clone.
type Tool struct {
	Name    string
	Path    string
	Line    int
	Snippet string
}

// LicenseFile is a license file at the top of the clone.
type LicenseFile struct {
	Path string
	// Expression is the SPDX expression identified, NOASSERTION when none.
	Expression string
	// Approved is set when every license of the expression is OSI
	// approved or FSF free.
	Approved bool
}

// Problem is a file that could not be read or understood.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Bounds on what is read.
const (
	// maxTextFile bounds the files read whole (workflows, scripts,
	// Dockerfiles, policies, license texts, fuzz-target sources).
	maxTextFile = 4 << 20
	// maxTextCheck bounds how much of a file with a binary extension is
	// examined for text.
	maxTextCheck = 32 << 20
)

// file categories that are read whole.
const (
	catWorkflow = 1 << iota
	catCI
	catDocker
	catShell
	catPolicy
	catLicense
	catPom
)

// errNotDir is returned when the root is not a directory.
var errNotDir = errors.New("not a directory")

// collectTree walks the clone, sniffs every file and reads the ones the
// probes need.
func collectTree(ctx context.Context, root string, opts Options, f *Facts) error {
	fi, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("read %s: %w", root, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("read %s: %w", root, errNotDir)
	}
	err = filepath.WalkDir(root, func(abs string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		rel, rerr := filepath.Rel(root, abs)
		if rerr != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if err != nil {
			if rel != "." {
				f.Problems = append(f.Problems, Problem{Path: rel, Message: err.Error()})
			}
			if d != nil && d.IsDir() && rel != "." {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if d.Name() == ".git" && rel != "." {
				return fs.SkipDir
			}
			return nil
		}
		info, ierr := d.Info()
		if ierr != nil {
			f.Problems = append(f.Problems, Problem{Path: rel, Message: ierr.Error()})
			return nil
		}
		if !info.Mode().IsRegular() && info.Mode()&fs.ModeSymlink == 0 {
			return nil
		}
		f.Files = append(f.Files, File{Path: rel, Size: info.Size(), Mode: info.Mode(), Testdata: isTestdataPath(rel)})
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(f.Files, func(i, j int) bool { return f.Files[i].Path < f.Files[j].Path })

	texts := make([]string, len(f.Files))
	cats := make([]int, len(f.Files))
	probs := make([]string, len(f.Files))
	parallel(ctx, len(f.Files), func(i int) {
		file := &f.Files[i]
		if !file.Mode.IsRegular() {
			return
		}
		cats[i], texts[i], probs[i] = readFile(filepath.Join(root, filepath.FromSlash(file.Path)), file)
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	f.Languages = map[string]int64{}
	var id *license.Identifier
	for i, file := range f.Files {
		if probs[i] != "" {
			f.Problems = append(f.Problems, Problem{Path: file.Path, Message: probs[i]})
		}
		if lang := languageOf(file.Path); lang != "" && !file.Testdata {
			f.Languages[lang] += file.Size
		}
		if tool := updateToolOf(file.Path); tool != "" {
			f.UpdateTools = append(f.UpdateTools, Tool{Name: tool, Path: file.Path})
		}
		c, text := cats[i], texts[i]
		if c&catWorkflow != 0 {
			w, err := ParseWorkflow(file.Path, []byte(text))
			switch {
			case errors.Is(err, errNoCommands):
			case err != nil:
				p := Problem{Path: file.Path, Message: err.Error()}
				f.Problems = append(f.Problems, p)
				f.WorkflowProblems = append(f.WorkflowProblems, p)
			default:
				f.Workflows = append(f.Workflows, w)
			}
		}
		if c&catCI != 0 {
			f.CIConfigs = append(f.CIConfigs, CIConfig{System: ciSystemOf(file.Path), Path: file.Path, Text: text})
		}
		if c&catDocker != 0 {
			f.Dockerfiles = append(f.Dockerfiles, TextFile{file.Path, text})
			if strings.EqualFold(file.Path, ".clusterfuzzlite/Dockerfile") && containsCommands([]byte(text), "#") {
				f.Fuzzers = append(f.Fuzzers, Tool{Name: "ClusterFuzzLite", Path: file.Path})
			}
		}
		if c&catShell != 0 {
			f.ShellScripts = append(f.ShellScripts, TextFile{file.Path, text})
		}
		if c&catPolicy != 0 && f.SecurityPolicy == nil {
			f.SecurityPolicy = &TextFile{file.Path, text}
		}
		if c&catPom != 0 {
			if m := sonarURLRE.FindStringSubmatch(text); m != nil {
				f.SonarConfigs = append(f.SonarConfigs, Tool{Name: "Sonar", Path: file.Path,
					Line: lineOf(text, "<sonar.host.url>"), Snippet: m[1]})
			}
		}
		if c&catLicense != 0 && opts.wants(checkLicense) {
			if id == nil {
				id = opts.identifier()
			}
			f.Licenses = append(f.Licenses, identifyLicense(id, file.Path, text))
		}
	}
	if opts.wants(checkFuzzing) {
		f.Fuzzers = append(f.Fuzzers, fuzzFunctions(ctx, root, f)...)
	}
	return nil
}

// readFile sniffs a file and reads it whole when a probe needs its text.
func readFile(abs string, file *File) (cat int, text, problem string) {
	fh, err := os.Open(abs)
	if err != nil {
		return 0, "", err.Error()
	}
	defer fh.Close()
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(fh, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, "", err.Error()
	}
	head = head[:n]
	file.Kind = sniff(head)
	switch file.Kind {
	case "", kindZip:
		if binaryExts[extOf(file.Path)] && n > 0 {
			file.Binary = !textAll(fh, head, file.Size)
		}
	default:
		file.Binary = true
	}
	if file.Binary || file.Kind != "" {
		return 0, "", ""
	}
	cat = categoryOf(file.Path, file.Testdata)
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if cat&catDocker != 0 && isShellScript(file.Path, string(first), shellInterpreters) {
		// A shell script named like a Dockerfile is a script.
		cat &^= catDocker
	}
	if !file.Testdata && cat&catDocker == 0 && isShellScript(file.Path, string(first), supportedShells) {
		cat |= catShell
	}
	if cat == 0 {
		return 0, "", ""
	}
	if file.Size > maxTextFile {
		return 0, "", fmt.Sprintf("larger than %d bytes, not read", maxTextFile)
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return 0, "", err.Error()
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxTextFile))
	if err != nil {
		return 0, "", err.Error()
	}
	return cat, string(data), ""
}

// textAll reads the rest of a file to decide whether all of it is text.
func textAll(r io.Reader, head []byte, size int64) bool {
	if !isText(head) {
		return false
	}
	if size <= int64(len(head)) {
		return true
	}
	rest, err := io.ReadAll(io.LimitReader(r, maxTextCheck))
	if err != nil {
		return false
	}
	// A rune split at the head's end is joined again.
	return isText(append(head, rest...))
}

// categoryOf says which probes need a file's text.
func categoryOf(p string, testdata bool) int {
	c := 0
	if testdata {
		// Policy and license files are looked up by name only.
		if isSecurityPolicyPath(p) {
			c |= catPolicy
		}
		return c
	}
	if isWorkflowPath(p) {
		c |= catWorkflow
	}
	if ciSystemOf(p) != "" {
		c |= catCI
	}
	if isDockerfilePath(p) {
		c |= catDocker
	}
	if isSecurityPolicyPath(p) {
		c |= catPolicy
	}
	if isTopLicensePath(p) {
		c |= catLicense
	}
	if strings.EqualFold(path.Base(p), "pom.xml") {
		c |= catPom
	}
	return c
}

// isSecurityPolicyPath is Scorecard's list of policy locations.
func isSecurityPolicyPath(p string) bool {
	l := strings.ToLower(p)
	dir, base := path.Split(l)
	switch base {
	case "security.md", "security.markdown", "security.adoc":
		return dir == "" || dir == ".github/" || dir == "docs/"
	case "security.rst":
		return dir == "" || dir == ".github/" || dir == "docs/" || dir == "doc/"
	}
	return false
}

// isTopLicensePath: a license file at the top of the clone, or any file
// in a top-level LICENSES directory (the REUSE layout).
func isTopLicensePath(p string) bool {
	dir, base := path.Split(p)
	if strings.EqualFold(dir, "LICENSES/") {
		return true
	}
	if dir != "" {
		return false
	}
	if kind, ok := license.IsLicenseFile(base); ok && kind == license.KindLicense {
		return true
	}
	return strings.HasPrefix(strings.ToLower(base), "copyright")
}

// ciSystemOf names the CI system a configuration file belongs to.
func ciSystemOf(p string) string {
	l := strings.ToLower(p)
	switch {
	case l == ".gitlab-ci.yml":
		return "GitLab CI"
	case l == ".circleci/config.yml":
		return "CircleCI"
	case l == "jenkinsfile" || strings.HasSuffix(l, "/jenkinsfile") && strings.Count(l, "/") <= 1:
		return "Jenkins"
	case l == ".travis.yml":
		return "Travis CI"
	case l == "azure-pipelines.yml" || l == ".azure-pipelines.yml" ||
		strings.HasPrefix(l, ".azure-pipelines/") && isYAMLName(l):
		return "Azure Pipelines"
	case strings.HasPrefix(l, ".buildkite/") && isYAMLName(l):
		return "Buildkite"
	case l == ".woodpecker.yml" || l == ".woodpecker.yaml" || strings.HasPrefix(l, ".woodpecker/") && isYAMLName(l):
		return "Woodpecker"
	case l == ".drone.yml":
		return "Drone"
	case l == "appveyor.yml" || l == ".appveyor.yml":
		return "AppVeyor"
	case l == "bitbucket-pipelines.yml":
		return "Bitbucket Pipelines"
	case l == ".cirrus.yml":
		return "Cirrus CI"
	}
	return ""
}

func isYAMLName(p string) bool { return strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml") }

// updateToolOf names the dependency-update tool a file configures.
func updateToolOf(p string) string {
	switch strings.ToLower(p) {
	case ".github/dependabot.yml", ".github/dependabot.yaml":
		return "Dependabot"
	case "renovate.json", "renovate.json5", ".github/renovate.json", ".github/renovate.json5",
		".gitlab/renovate.json", ".gitlab/renovate.json5", ".renovaterc", ".renovaterc.json", ".renovaterc.json5":
		return "RenovateBot"
	case ".pyup.yml":
		return "PyUp"
	case ".scala-steward.conf", ".github/.scala-steward.conf", ".config/.scala-steward.conf":
		return "scala-steward"
	}
	return ""
}

// identifyLicense names the license of a license file.
func identifyLicense(id *license.Identifier, p, text string) LicenseFile {
	lf := LicenseFile{Path: p, Expression: license.NoAssertion}
	d := id.Identify(path.Base(p), []byte(text))
	if !d.Definite() {
		// A REUSE file is named after its license.
		if dir, base := path.Split(p); strings.EqualFold(dir, "LICENSES/") {
			if info, ok := knowledge.Lookup(strings.TrimSuffix(base, path.Ext(base))); ok {
				lf.Expression = info.ID
				lf.Approved = info.OSIApproved || info.FSFLibre
			}
		}
		return lf
	}
	lf.Expression = d.Expression
	lf.Approved = expressionApproved(d.Expression)
	return lf
}

// expressionApproved reports whether every license an expression names is
// OSI approved or FSF free.
func expressionApproved(expr string) bool {
	fields := strings.FieldsFunc(expr, func(r rune) bool { return r == ' ' || r == '(' || r == ')' })
	seen := false
	for i := 0; i < len(fields); i++ {
		switch strings.ToUpper(fields[i]) {
		case "AND", "OR":
			continue
		case "WITH":
			i++ // the exception
			continue
		}
		info, ok := knowledge.Lookup(fields[i])
		if !ok || !(info.OSIApproved || info.FSFLibre) {
			return false
		}
		seen = true
	}
	return seen
}

// parallel runs fn for 0..n-1 on as many goroutines as there are CPUs,
// stopping early when ctx ends.
func parallel(ctx context.Context, n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n && ctx.Err() == nil; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// lineOf is the 1-based line of the first occurrence of s, 0 if absent.
func lineOf(text, s string) int {
	i := strings.Index(text, s)
	if i < 0 {
		return 0
	}
	return strings.Count(text[:i], "\n") + 1
}

func itoa(i int) string { return strconv.Itoa(i) }
