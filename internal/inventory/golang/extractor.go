// Package golang discovers Go projects and the modules they depend on:
// from go.mod and go.work files it rebuilds the module graph the go command
// would use (`go list -m all`) without running any Go toolchain, and from
// Go binaries it reads the module list the linker recorded.
package golang

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"

	"ospo/internal/inventory"
)

// Extractor is the Go plugin. It holds no state: everything one scan
// needs lives in an extraction.
type Extractor struct{}

// New returns the Go extractor.
func New() *Extractor { return &Extractor{} }

// Name implements inventory.Extractor.
func (*Extractor) Name() string { return "go" }

// textExtensions are extensions of files that are never Go binaries; they
// spare Wants the stat call that reading the permission bits costs.
var textExtensions = map[string]bool{
	".go": true, ".mod": true, ".sum": true, ".work": true, ".md": true, ".txt": true,
	".json": true, ".yaml": true, ".yml": true, ".toml": true, ".xml": true, ".html": true,
	".css": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true, ".jsx": true,
	".sh": true, ".bash": true, ".py": true, ".rb": true, ".pl": true, ".c": true, ".h": true,
	".cc": true, ".cpp": true, ".hpp": true, ".java": true, ".rs": true, ".proto": true,
	".s": true, ".svg": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true,
	".ico": true, ".csv": true, ".lock": true, ".cfg": true, ".ini": true, ".conf": true,
	".gz": true, ".zip": true, ".tar": true, ".tgz": true, ".pem": true, ".sql": true,
}

// Wants takes go.mod and go.work files and the files that may be Go
// binaries: regular files with an execute bit, or named *.exe. It looks at
// names first and asks for the file mode only when the name leaves the
// question open. Files below a testdata directory (the go command ignores
// those) or inside a module cache copy (a path element with "@") are
// fixtures and dependencies, not projects.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	name := d.Name()
	switch name {
	case "go.mod", "go.work":
		return !d.IsDir() && !ignoredDir(rel)
	}
	if !d.Type().IsRegular() {
		return false
	}
	ext := strings.ToLower(path.Ext(name))
	if ext == ".exe" {
		return !ignoredDir(rel)
	}
	if textExtensions[ext] || strings.HasPrefix(name, ".") {
		return false
	}
	info, err := d.Info()
	if err != nil || info.Mode().Perm()&0o111 == 0 {
		return false
	}
	return !ignoredDir(rel)
}

// ignoredDir reports whether rel lies below a directory the go command
// never treats as part of a project.
func ignoredDir(rel string) bool {
	dir := path.Dir(rel)
	if dir == "." {
		return false
	}
	for _, el := range strings.Split(dir, "/") {
		if el == "testdata" || strings.Contains(el, "@") {
			return true
		}
	}
	return false
}

// extraction is one call of Extract.
type extraction struct {
	ctx   context.Context
	opts  inventory.Options
	files *fileReader
	cache string // module cache directory
	sums  *summaryCache
}

// Extract implements inventory.Extractor. A go.work owns the modules it
// uses: they become one project whose requirements are merged, and the
// members are not components of it. Every other go.mod is a project of its
// own, and every Go binary one more.
func (*Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	if opts.Root == "" {
		opts.Root = root
	}
	x := &extraction{
		ctx:   ctx,
		opts:  opts,
		files: newFileReader(opts.Root),
		cache: modCacheDir(opts.GoModCache, os.Getenv),
	}
	defer x.files.close()
	x.sums = newSummaryCache(x.files, x.cache)

	var works, mods, bins []string
	for _, f := range files {
		switch filepath.Base(f) {
		case "go.work":
			works = append(works, filepath.Clean(f))
		case "go.mod":
			mods = append(mods, filepath.Clean(f))
		default:
			bins = append(bins, f)
		}
	}
	sort.Strings(works)
	sort.Strings(mods)

	var probs []inventory.Problem
	var tasks []func() ([]*inventory.Project, []inventory.Problem, error)
	owned := map[string]bool{}
	for _, w := range works {
		wf, members, p := x.readWork(w)
		probs = append(probs, p...)
		if wf == nil {
			continue
		}
		for _, m := range members {
			owned[m] = true
		}
		tasks = append(tasks, func() ([]*inventory.Project, []inventory.Problem, error) {
			return x.workspaceProject(w, wf, members)
		})
	}
	for _, m := range mods {
		if owned[m] {
			continue
		}
		tasks = append(tasks, func() ([]*inventory.Project, []inventory.Problem, error) {
			return x.moduleProject(m)
		})
	}
	for _, b := range bins {
		tasks = append(tasks, func() ([]*inventory.Project, []inventory.Problem, error) {
			p, prob := x.readBinary(b)
			var ps []*inventory.Project
			var pr []inventory.Problem
			if p != nil {
				ps = append(ps, p)
			}
			if prob != nil {
				pr = append(pr, *prob)
			}
			return ps, pr, nil
		})
	}

	projects, tprobs, err := runTasks(ctx, tasks)
	if err != nil {
		return nil, nil, err
	}
	probs = append(probs, tprobs...)
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Path < projects[j].Path })
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })
	return projects, probs, nil
}

// runTasks runs independent project builds on all CPUs, keeping their
// order in the result.
func runTasks(ctx context.Context, tasks []func() ([]*inventory.Project, []inventory.Problem, error)) ([]*inventory.Project, []inventory.Problem, error) {
	type result struct {
		ps    []*inventory.Project
		probs []inventory.Problem
		err   error
	}
	results := make([]result, len(tasks))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ctx.Err() != nil {
					continue
				}
				ps, probs, err := tasks[i]()
				results[i] = result{ps, probs, err}
			}
		}()
	}
	for i := range tasks {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var ps []*inventory.Project
	var probs []inventory.Problem
	for _, r := range results {
		if r.err != nil {
			return nil, nil, r.err
		}
		ps = append(ps, r.ps...)
		probs = append(probs, r.probs...)
	}
	return ps, probs, nil
}

// readWork parses a go.work and returns the go.mod paths of its members.
func (x *extraction) readWork(path string) (*modfile.WorkFile, []string, []inventory.Problem) {
	rel := x.opts.Rel(path)
	data, err := x.files.read(path, maxModFile)
	if err != nil {
		return nil, nil, []inventory.Problem{{Path: rel, Message: "read: " + trimPath(err, path)}}
	}
	wf, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return nil, nil, []inventory.Problem{{Path: rel, Message: modfileError(err).Error()}}
	}
	dir := filepath.Dir(path)
	var members []string
	seen := map[string]bool{}
	for _, u := range wf.Use {
		d := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		m := filepath.Join(filepath.Clean(d), "go.mod")
		if !seen[m] {
			seen[m] = true
			members = append(members, m)
		}
	}
	return wf, members, nil
}

// moduleProject builds the project of a go.mod outside any workspace.
func (x *extraction) moduleProject(path string) ([]*inventory.Project, []inventory.Problem, error) {
	mm, probs := x.readMainModule(path)
	if mm == nil {
		return nil, probs, nil
	}
	in := &projectInput{
		manifest: path,
		dir:      mm.dir,
		name:     mm.file.Module.Mod.Path,
		source:   "go.mod",
		mains:    []*mainModule{mm},
		repl:     replacements{},
		sum:      newGoSum(),
	}
	if mm.file.Go != nil {
		in.goVersion = mm.file.Go.Version
	}
	if mm.file.Toolchain != nil {
		in.toolchain = mm.file.Toolchain.Name
	}
	for _, r := range mm.file.Replace {
		in.repl.add(mm.dir, r)
	}
	in.addSum(x, mm.sum, mm.sumAt)
	p, bprobs, err := x.buildProject(in)
	if err != nil {
		return nil, nil, err
	}
	return []*inventory.Project{p}, append(probs, bprobs...), nil
}

// workspaceProject builds the one project of a go.work and its members.
func (x *extraction) workspaceProject(path string, wf *modfile.WorkFile, members []string) ([]*inventory.Project, []inventory.Problem, error) {
	dir := filepath.Dir(path)
	in := &projectInput{
		manifest:  path,
		dir:       dir,
		name:      filepath.Base(dir),
		source:    "go.work",
		repl:      replacements{},
		workspace: true,
		sum:       newGoSum(),
	}
	var probs []inventory.Problem
	for _, m := range members {
		mm, p := x.readMainModule(m)
		probs = append(probs, p...)
		if mm != nil {
			in.mains = append(in.mains, mm)
		}
	}
	if wf.Go != nil {
		in.goVersion = wf.Go.Version
	} else {
		// A go.work without a go line: the go command takes the highest
		// go line of its members.
		for _, mm := range in.mains {
			if mm.file.Go != nil && compareGo(mm.file.Go.Version, in.goVersion) > 0 {
				in.goVersion = mm.file.Go.Version
			}
		}
	}
	if wf.Toolchain != nil {
		in.toolchain = wf.Toolchain.Name
	}
	// The workspace's replace directives override the members' ones.
	for _, r := range wf.Replace {
		in.repl.add(dir, r)
	}
	fromWork := make(map[string]bool, len(wf.Replace))
	for _, r := range wf.Replace {
		fromWork[r.Old.String()] = true
	}
	for _, mm := range in.mains {
		for _, r := range mm.file.Replace {
			if fromWork[r.Old.String()] {
				continue
			}
			if have, ok := in.repl[r.Old]; ok && have.written != r.New {
				in.notes = append(in.notes, "conflicting replacements of "+r.Old.String()+" in the workspace's modules; the first is used")
				continue
			}
			in.repl.add(mm.dir, r)
		}
	}
	ws, wsAt, p := x.readGoSum(filepath.Join(dir, "go.work.sum"))
	probs = append(probs, p...)
	in.addSum(x, ws, wsAt)
	for _, mm := range in.mains {
		in.addSum(x, mm.sum, mm.sumAt)
	}
	proj, bprobs, err := x.buildProject(in)
	if err != nil {
		return nil, nil, err
	}
	return []*inventory.Project{proj}, append(probs, bprobs...), nil
}

// Supports lists what the Go extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{Files: "go.mod, go.work, go.sum", Gives: "module graph by MVS with pruning (read from the module cache, no toolchain), direct/indirect, h1 hashes", Licenses: "license files in the module cache or vendor/"},
		{Files: "vendor/modules.txt", Gives: "vendored modules", Licenses: "license files in vendor/"},
		{Files: "Go binaries", Gives: "linked modules and versions (build info), Go version", Licenses: "license files in the module cache when present"},
	}
}
