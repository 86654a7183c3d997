package gem

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory/fsread"
)

// A gem home is a directory laid out as RubyGems installs into it (a
// GEM_HOME, Bundler's vendor/bundle/ruby/<abi>, Ruby's own gem directory,
// Debian's rubygems-integration directories): specifications/ holds one
// <full name>.gemspec per installed gem, specifications/default/ the gems
// that ship with Ruby itself, gems/<full name>/ the gem's files, and
// bundler/gems/<name>-<revision>/ the checkouts of git gems.

// maxGemspecSize bounds a gemspec read; generated ones are a few KiB,
// bundler's own lists every file it ships.
const maxGemspecSize = 4 << 20

// installedGem is one gem of a home.
type installedGem struct {
	Name, Version, Platform string
	Spec                    *gemspec
	// File is the gemspec; Dir the gem's files, "" when not there.
	File, Dir string
	// Default gems are part of Ruby itself.
	Default bool
}

// FullName is name-version[-platform].
func (g *installedGem) FullName() string { return fullName(g.Name, g.Version, g.Platform) }

// gemHome is the gems installed in one home.
type gemHome struct {
	Dir     string // the home: the parent of specifications/
	Gems    []*installedGem
	byName  map[string][]*installedGem
	readErr []fileError
}

// fileError is a gemspec that could not be read.
type fileError struct {
	Path string
	Err  error
}

// specFiles lists the gemspecs of a home's specifications directory,
// default gems included.
func specFiles(specDir string) []string {
	var out []string
	for _, d := range []string{specDir, filepath.Join(specDir, "default")} {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".gemspec") {
				out = append(out, filepath.Join(d, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out
}

// homeOf returns the home of a gemspec file in specifications/ or
// specifications/default/.
func homeOf(specFile string) (home string, isDefault bool) {
	dir := filepath.Dir(specFile)
	if filepath.Base(dir) == "default" && filepath.Base(filepath.Dir(dir)) == "specifications" {
		return filepath.Dir(filepath.Dir(dir)), true
	}
	return filepath.Dir(dir), false
}

// readHome reads the given gemspec files of one home.
func readHome(home string, files []string) *gemHome {
	h := &gemHome{Dir: home, byName: map[string][]*installedGem{}}
	for _, f := range files {
		_, isDefault := homeOf(f)
		g, err := readInstalled(f)
		if err != nil {
			h.readErr = append(h.readErr, fileError{f, err})
			continue
		}
		g.Default = isDefault
		if d := filepath.Join(home, "gems", g.FullName()); fsread.IsDir(d) {
			g.Dir = d
		}
		h.Gems = append(h.Gems, g)
		h.byName[g.Name] = append(h.byName[g.Name], g)
	}
	return h
}

// readInstalled reads one installed gemspec. The name, version and
// platform come from the specification; the file name is the fallback.
func readInstalled(path string) (*installedGem, error) {
	data, err := fsread.ReadBounded(path, maxGemspecSize)
	if err != nil {
		return nil, err
	}
	spec, err := parseGemspec(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	g := &installedGem{Spec: spec, File: path, Name: spec.Name, Version: spec.Version, Platform: spec.Platform}
	if g.Platform == "ruby" {
		g.Platform = ""
	}
	if g.Name == "" || g.Version == "" {
		name, version, platform := splitFullName(strings.TrimSuffix(filepath.Base(path), ".gemspec"))
		if g.Name == "" {
			g.Name = name
		}
		if g.Version == "" {
			g.Version, g.Platform = version, platform
		}
	}
	if g.Name == "" || g.Version == "" {
		return nil, errNotGemspec
	}
	return g, nil
}

// splitFullName splits name-version[-platform]: the version is the first
// dash-separated part after the name that starts with a digit.
func splitFullName(full string) (name, version, platform string) {
	parts := strings.Split(full, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" && parts[i][0] >= '0' && parts[i][0] <= '9' {
			return strings.Join(parts[:i], "-"), parts[i], strings.Join(parts[i+1:], "-")
		}
	}
	return full, "", ""
}

// find returns the installed gem of that name and version, preferring
// the platform asked for, then the generic one.
func (h *gemHome) find(name, version, platform string) *installedGem {
	var generic, any *installedGem
	for _, g := range h.byName[name] {
		if g.Version != version {
			continue
		}
		switch {
		case g.Platform == platform:
			return g
		case g.Platform == "":
			generic = g
		case any == nil:
			any = g
		}
	}
	if generic != nil {
		return generic
	}
	return any
}

// gitCheckout returns the directory where Bundler checked out a git gem:
// bundler/gems/<repository name>-<first 12 characters of the revision>.
// The repository name is usually the gem's name; a checkout holding
// several gems is found through the one directory that carries the
// revision.
func (h *gemHome) gitCheckout(name, remote, revision string) string {
	if len(revision) < 12 {
		return ""
	}
	base := filepath.Join(h.Dir, "bundler", "gems")
	repo := strings.TrimSuffix(filepath.Base(strings.TrimSuffix(remote, "/")), ".git")
	for _, n := range []string{repo, name} {
		if n == "" {
			continue
		}
		if d := filepath.Join(base, n+"-"+revision[:12]); fsread.IsDir(d) {
			return d
		}
	}
	return ""
}

// debianDocs finds the copyright file Debian ships for a gem installed
// from a Debian package: the gemspec lies under
// <prefix>/usr/share/rubygems-integration or
// <prefix>/usr/lib/<triplet>/rubygems-integration, the sources in
// vendor_ruby where every package's files are mixed, and the license in
// <prefix>/usr/share/doc/<package>/copyright. The package is
// ruby-<name> (underscores as dashes), or the gem's own name for tools
// like rake.
func debianDocs(home, name string) string {
	slash := filepath.ToSlash(home)
	i := strings.Index(slash, "/usr/share/rubygems-integration/")
	if i < 0 {
		i = strings.Index(slash, "/usr/lib/")
		if i < 0 || !strings.Contains(slash[i:], "/rubygems-integration/") {
			return ""
		}
	}
	prefix := slash[:i]
	lower := strings.ToLower(name)
	for _, pkg := range []string{"ruby-" + strings.ReplaceAll(lower, "_", "-"), lower} {
		p := filepath.FromSlash(prefix + "/usr/share/doc/" + pkg + "/copyright")
		if fsread.IsFile(p) {
			return p
		}
	}
	return ""
}
