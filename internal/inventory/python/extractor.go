// Package python finds the Python distributions a project depends on: those
// installed in site-packages and dist-packages directories (virtualenvs,
// system Python), and those its lockfiles and manifests name (poetry.lock,
// uv.lock, Pipfile.lock, requirements files, pyproject.toml). It turns them
// into inventory projects with their dependency graph.
package python

import (
	"context"
	"io/fs"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"ospo/internal/inventory"
)

// Extractor reads Python environments, lockfiles and manifests.
type Extractor struct{}

// New returns the Python extractor.
func New() *Extractor { return &Extractor{} }

// Name is "pypi", the package URL type of Python packages.
func (*Extractor) Name() string { return "pypi" }

// lockAndManifestNames are the project files read wherever they are,
// except inside an installed environment.
var lockAndManifestNames = map[string]bool{
	"poetry.lock": true, "uv.lock": true, "Pipfile.lock": true, "pyproject.toml": true,
}

// Wants the metadata of installed distributions (dist-info METADATA,
// egg-info PKG-INFO or a single-file egg-info, EGG-INFO of an egg), and
// the lockfiles, requirements files and pyproject.toml of projects.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	if !d.Type().IsRegular() {
		return false
	}
	name := d.Name()
	switch name {
	case "METADATA":
		return strings.HasSuffix(parentName(rel), ".dist-info")
	case "PKG-INFO":
		p := parentName(rel)
		return strings.HasSuffix(p, ".egg-info") || p == "EGG-INFO"
	}
	if strings.HasSuffix(name, ".egg-info") {
		return true
	}
	return isProjectFile(name, parentName(rel)) && !inEnvRel(rel)
}

// isProjectFile reports whether a file named name in a directory named
// parent is a lockfile or manifest.
func isProjectFile(name, parent string) bool {
	if lockAndManifestNames[name] {
		return true
	}
	return isRequirementsFile(name, parent)
}

// isRequirementsFile accepts requirements*.txt, dev-requirements.txt and
// the like, and any .txt file in a directory named requirements.
func isRequirementsFile(name, parent string) bool {
	low := strings.ToLower(name)
	if !strings.HasSuffix(low, ".txt") {
		return false
	}
	return strings.Contains(low, "requirements") || strings.EqualFold(parent, "requirements")
}

func parentName(rel string) string {
	dir := path.Dir(rel)
	if dir == "." || dir == "/" {
		return ""
	}
	return path.Base(dir)
}

// inEnvRel reports whether a slash-separated path lies in an installed
// environment, where a pyproject.toml or requirements file belongs to an
// installed package rather than to a project.
func inEnvRel(rel string) bool {
	r := "/" + rel
	return strings.Contains(r, "/site-packages/") || strings.Contains(r, "/dist-packages/")
}

// inEnvAbs is inEnvRel for an absolute path, so that a scan rooted inside
// an environment still leaves its packages' files alone.
func inEnvAbs(p string) bool {
	for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
		if isEnvDir(dir) {
			return true
		}
		if dir == filepath.Dir(dir) {
			return false
		}
	}
}

// Extract reads the installed environments first, then the lockfiles and
// manifests, whose components take their licenses from the installed
// distribution of the same name and version when there is one.
func (e *Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	var dists []dist
	var manifests []string
	for _, f := range files {
		base := filepath.Base(f)
		if isProjectFile(base, filepath.Base(filepath.Dir(f))) {
			if !inEnvAbs(f) {
				manifests = append(manifests, f)
			}
			continue
		}
		if d, ok := classifyInstalled(f); ok {
			dists = append(dists, d)
		}
	}
	projects, problems, err := extractInstalled(ctx, dists, opts)
	if err != nil {
		return nil, nil, err
	}
	installed := map[string]*inventory.Component{}
	for _, p := range projects {
		for _, c := range p.Components {
			if _, ok := installed[c.Key()]; !ok {
				installed[c.Key()] = c
			}
		}
	}
	mr := &manifestReader{opts: opts, installed: installed}
	more, err := mr.extractManifests(ctx, manifests)
	if err != nil {
		return nil, nil, err
	}
	projects = append(projects, more...)
	problems = append(problems, mr.problems...)
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Path < projects[j].Path })
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	return projects, problems, nil
}

// parallel calls fn(i) for i in [0, n) on up to GOMAXPROCS goroutines,
// handing out no more work once ctx is done.
func parallel(ctx context.Context, n int, fn func(i int)) {
	nw := min(max(1, runtime.GOMAXPROCS(0)), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// Supports lists what the Python extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{Files: "site-packages / dist-packages `*.dist-info` (virtualenvs, system Python)", Gives: "installed components, graph from Requires-Dist (extras left out), locations, download URL (direct_url.json)", Licenses: "License-Expression, License, license classifiers; license files in the dist-info and its licenses/"},
		{Files: "`*.egg-info` (directory or single file), `*.egg/EGG-INFO`", Gives: "installed components, graph from requires.txt", Licenses: "License, license classifiers; license files in the egg-info"},
		{Files: "poetry.lock (lock format 1.x and 2.x) with pyproject.toml", Gives: "components, graph with extras, scopes (dev category and groups), file hashes, git and URL sources", Licenses: "from installed distributions of the same version when present"},
		{Files: "uv.lock with its workspace members", Gives: "components, graph, scopes (extras, dev groups), hashes, download URLs", Licenses: "from installed distributions of the same version when present"},
		{Files: "Pipfile.lock (with Pipfile)", Gives: "components, scopes (default, develop), hashes; direct from Pipfile", Licenses: "from installed distributions of the same version when present"},
		{Files: "requirements*.txt, requirements/*.txt", Gives: "pinned and unpinned requirements, hashes, -r/-c includes, graph from pip-compile `# via` comments", Licenses: "from installed distributions of the same version when present"},
		{Files: "pyproject.toml alone (PEP 621, PEP 735 groups, Poetry, uv, PDM)", Gives: "direct requirements and their scopes, without resolved versions", Licenses: "none (no version to look up)"},
	}
}
