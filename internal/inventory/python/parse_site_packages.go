package python

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// distKind says how a distribution was installed.
type distKind int

const (
	distInfo    distKind = iota // name-version.dist-info/METADATA (wheels)
	eggInfoDir                  // name-version.egg-info/PKG-INFO (setuptools)
	eggInfoFile                 // name-version.egg-info holding PKG-INFO itself (distutils, Debian)
	eggDir                      // name-version.egg/EGG-INFO/PKG-INFO (easy_install)
)

// dist is one installed distribution on disk.
type dist struct {
	kind distKind
	env  string // the site-packages directory holding it
	meta string // the metadata file
	dir  string // the metadata directory; "" for a single-file egg-info
}

// isEnvDir reports whether dir is where installers put distributions.
func isEnvDir(dir string) bool {
	switch strings.ToLower(filepath.Base(dir)) {
	case "site-packages", "dist-packages":
		return true
	}
	return false
}

// classifyInstalled tells whether a wanted file is the metadata of an
// installed distribution, and of which environment. Metadata outside a
// site-packages or dist-packages directory (the egg-info setuptools leaves
// in a source tree, an unpacked sdist) is not an installed distribution.
func classifyInstalled(path string) (dist, bool) {
	base := filepath.Base(path)
	parent := filepath.Dir(path)
	pbase := filepath.Base(parent)
	var d dist
	switch {
	case base == "METADATA" && strings.HasSuffix(pbase, ".dist-info"):
		d = dist{kind: distInfo, env: filepath.Dir(parent), meta: path, dir: parent}
	case base == "PKG-INFO" && strings.HasSuffix(pbase, ".egg-info"):
		d = dist{kind: eggInfoDir, env: filepath.Dir(parent), meta: path, dir: parent}
	case base == "PKG-INFO" && pbase == "EGG-INFO" && strings.HasSuffix(filepath.Base(filepath.Dir(parent)), ".egg"):
		d = dist{kind: eggDir, env: filepath.Dir(filepath.Dir(parent)), meta: path, dir: parent}
	case strings.HasSuffix(base, ".egg-info"):
		d = dist{kind: eggInfoFile, env: parent, meta: path}
	default:
		return dist{}, false
	}
	return d, isEnvDir(d.env)
}

// installedDist is what was read of one distribution.
type installedDist struct {
	d        dist
	c        *inventory.Component
	requires []string
	problem  *inventory.Problem
}

// readDist reads one distribution's metadata and what lies beside it.
func readDist(d dist, opts inventory.Options) installedDist {
	out := installedDist{d: d}
	fail := func(path, msg string) installedDist {
		out.problem = &inventory.Problem{Path: opts.Rel(path), Message: msg}
		return out
	}
	f, _, err := fsread.Open(d.meta)
	if err != nil {
		return fail(d.meta, "cannot read: "+fsread.Describe(err))
	}
	m, err := parseMetadata(f, maxMetadataSize)
	f.Close()
	if err != nil {
		return fail(d.meta, "not usable core metadata: "+fsread.Describe(err))
	}
	location := d.meta
	if d.dir != "" {
		location = d.dir
	}
	c := &inventory.Component{
		Ecosystem:        ecosystem,
		Name:             normalizeName(m.Name),
		Version:          m.Version,
		Scope:            inventory.ScopeProd,
		Locations:        []string{opts.Rel(location)},
		DeclaredLicenses: m.declaredLicenses(),
		Supplier:         m.supplier(),
		Homepage:         m.homepage(),
		Repository:       m.repository(),
		Funding:          m.funding(),
		Dir:              d.dir,
		Installed:        true,
	}
	if c.Name == "" {
		return fail(d.meta, "not usable core metadata: "+errNoMetadataName.Error())
	}
	c.PURL = purl(c.Name, c.Version)
	out.requires = m.RequiresDist
	if d.dir != "" {
		if d.kind != distInfo && len(out.requires) == 0 {
			if data, err := fsread.ReadBounded(filepath.Join(d.dir, "requires.txt"), maxSmallFile); err == nil {
				out.requires = parseRequiresTxt(data)
			} else if !os.IsNotExist(err) {
				return fail(filepath.Join(d.dir, "requires.txt"), "cannot read: "+fsread.Describe(err))
			}
		}
		c.LicenseFiles = licenseFilesOf(d.dir, m.LicenseFiles, opts)
		if d.kind == distInfo {
			c.Resolved = directURL(filepath.Join(d.dir, "direct_url.json"))
		}
	}
	out.c = c
	return out
}

// maxLicenseFiles bounds the license files listed for one distribution.
const maxLicenseFiles = 64

// licenseFilesOf lists the license files of a metadata directory that the
// license stage would not find on its own, which reads only the top level
// of Dir: those under licenses/ (PEP 639) or license_files/, and
// License-File entries in other subdirectories.
func licenseFilesOf(dir string, entries []string, opts inventory.Options) []inventory.LicenseFile {
	var out []inventory.LicenseFile
	seen := map[string]bool{}
	addFile := func(abs string) {
		if seen[abs] || len(out) >= maxLicenseFiles || !fsread.IsFile(abs) {
			return
		}
		seen[abs] = true
		kind := "license"
		if strings.Contains(strings.ToLower(filepath.Base(abs)), "notice") {
			kind = "notice"
		}
		out = append(out, inventory.NewLicenseFile(abs, opts.Rel(abs), kind))
	}
	for _, e := range entries {
		clean := filepath.Clean(filepath.FromSlash(e))
		if e == "" || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
			continue
		}
		found := false
		for _, sub := range licenseDirs {
			if p := filepath.Join(dir, sub, clean); fsread.IsFile(p) {
				addFile(p)
				found = true
				break
			}
		}
		if !found && strings.ContainsRune(clean, filepath.Separator) {
			addFile(filepath.Join(dir, clean))
		}
	}
	// Files under licenses/ that no entry names are license files too.
	for _, sub := range licenseDirs {
		lic := filepath.Join(dir, sub)
		if !fsread.IsDir(lic) {
			continue
		}
		var walk func(d string, depth int)
		walk = func(d string, depth int) {
			ents, err := os.ReadDir(d)
			if err != nil {
				return
			}
			for _, e := range ents {
				p := filepath.Join(d, e.Name())
				switch {
				case e.Type().IsRegular():
					addFile(p)
				case e.IsDir() && depth < 3:
					walk(p, depth+1)
				}
			}
		}
		walk(lic, 0)
	}
	return out
}

// licenseDirs are where build backends put the license files of a
// dist-info: licenses/ (PEP 639) and license_files/ (older maturin).
var licenseDirs = []string{"licenses", "license_files"}

// directURL reads where pip installed a distribution from (PEP 610), for
// archives and version control; a local directory says nothing useful.
func directURL(path string) string {
	data, err := fsread.ReadBounded(path, maxSmallFile)
	if err != nil {
		return ""
	}
	var du struct {
		URL     string `json:"url"`
		VCSInfo *struct {
			VCS      string `json:"vcs"`
			CommitID string `json:"commit_id"`
		} `json:"vcs_info"`
		ArchiveInfo *struct{} `json:"archive_info"`
	}
	if json.Unmarshal(data, &du) != nil || du.URL == "" {
		return ""
	}
	switch {
	case du.VCSInfo != nil:
		u := du.URL
		if du.VCSInfo.VCS != "" && !strings.HasPrefix(u, du.VCSInfo.VCS+"+") {
			u = du.VCSInfo.VCS + "+" + u
		}
		if du.VCSInfo.CommitID != "" {
			u += "@" + du.VCSInfo.CommitID
		}
		return u
	case du.ArchiveInfo != nil:
		return du.URL
	}
	return ""
}

// envRoot is the directory that names an environment: a virtualenv's root
// (holding pyvenv.cfg) when site-packages is inside one, the site-packages
// directory otherwise.
func envRoot(env string) string {
	up := filepath.Dir(env) // pythonX.Y, or Lib on Windows
	var root string
	switch b := strings.ToLower(filepath.Base(up)); {
	case strings.HasPrefix(b, "python"), strings.HasPrefix(b, "pypy"):
		root = filepath.Dir(filepath.Dir(up))
	case b == "lib":
		root = filepath.Dir(up)
	}
	if root != "" && fsread.IsFile(filepath.Join(root, "pyvenv.cfg")) {
		return root
	}
	return env
}

// extractInstalled reads every distribution found and returns one project
// per environment.
func extractInstalled(ctx context.Context, dists []dist, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	read := make([]installedDist, len(dists))
	parallel(ctx, len(dists), func(i int) { read[i] = readDist(dists[i], opts) })
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	byEnv := map[string][]installedDist{}
	var envs []string
	var problems []inventory.Problem
	for _, r := range read {
		if r.problem != nil {
			problems = append(problems, *r.problem)
			continue
		}
		if _, ok := byEnv[r.d.env]; !ok {
			envs = append(envs, r.d.env)
		}
		byEnv[r.d.env] = append(byEnv[r.d.env], r)
	}
	sort.Strings(envs)
	var projects []*inventory.Project
	for _, env := range envs {
		projects = append(projects, envProject(env, byEnv[env], opts))
	}
	return projects, problems, nil
}

// envProject builds the project of one environment: its distributions,
// and the edges their requirements draw between them. What nobody
// requires was installed for its own sake and is direct.
func envProject(env string, ds []installedDist, opts inventory.Options) *inventory.Project {
	root := envRoot(env)
	name := opts.Rel(root)
	if name == "." || name == "" {
		name = filepath.Base(root)
	}
	p := &inventory.Project{Ecosystem: ecosystem, Name: name, Path: opts.Rel(env), Source: "installed"}
	sort.Slice(ds, func(i, j int) bool { return ds[i].d.meta < ds[j].d.meta })
	g := newGraphBuilder(p)
	byName := map[string][]string{}
	keys := make([]string, len(ds))
	for i, d := range ds {
		c := g.add(d.c)
		keys[i] = c.Key()
		if !containsString(byName[c.Name], keys[i]) {
			byName[c.Name] = append(byName[c.Name], keys[i])
		}
	}
	for i, d := range ds {
		for _, req := range d.requires {
			r, ok := parseRequirement(req)
			if !ok || markerNamesExtra(r.Marker) {
				continue
			}
			// Other markers are not evaluated: an installed target is
			// taken as needed.
			for _, to := range byName[r.Name] {
				g.edge(keys[i], to)
			}
		}
	}
	g.linkOrphans()
	g.finish()
	var names []string
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if ks := byName[n]; len(ks) > 1 {
			var vs []string
			for _, k := range ks {
				c := g.comps[k]
				vs = append(vs, c.Version+" ("+strings.Join(c.Locations, ", ")+")")
			}
			sort.Strings(vs)
			p.Notes = append(p.Notes, fmt.Sprintf("%s is installed in %d versions: %s", n, len(ks), strings.Join(vs, ", ")))
		}
	}
	return p
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
