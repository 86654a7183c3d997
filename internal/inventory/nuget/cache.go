package nuget

import (
	"archive/zip"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// cacheDir finds NuGet's global packages folder the way NuGet does: the
// configured directory, then NUGET_PACKAGES, then .nuget/packages in the
// home directory.
func cacheDir(opt string, getenv func(string) string) string {
	if opt != "" {
		return opt
	}
	if v := getenv("NUGET_PACKAGES"); v != "" {
		return v
	}
	home := getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".nuget", "packages")
}

// installedPackage is a package whose files were found on disk.
type installedPackage struct {
	Dir  string  // the package's directory
	Spec *nuspec // nil when the directory holds no readable nuspec
	// LicenseFile is the file a <license type="file"> names, "" when
	// there is none or it is missing.
	LicenseFile string
}

// packageCache finds packages in the global packages folder, where
// restore extracts every package to <id>/<version>/ in lower case, and in
// the packages folder of packages.config solutions, where they sit in
// <Id>.<Version>/. Lookups are remembered: the projects of a solution
// share most of their packages.
type packageCache struct {
	dir      string
	seen     map[string]*installedPackage
	problems []inventory.Problem
	opts     inventory.Options
}

func newPackageCache(dir string, opts inventory.Options) *packageCache {
	return &packageCache{dir: dir, seen: map[string]*installedPackage{}, opts: opts}
}

// find returns the installed package id@version from the global packages
// folder, or else from one of the legacy packages folders given; nil when
// it is in none of them.
func (c *packageCache) find(id, version string, legacy []string) *installedPackage {
	if id == "" || version == "" || !safeSegment(id) || !safeSegment(version) {
		return nil
	}
	lid := strings.ToLower(id)
	var dirs []string
	if c.dir != "" {
		dirs = append(dirs, filepath.Join(c.dir, lid, strings.ToLower(version)))
		if nv := normalizeVersion(version); nv != "" && nv != strings.ToLower(version) {
			dirs = append(dirs, filepath.Join(c.dir, lid, nv))
		}
	}
	for _, l := range legacy {
		dirs = append(dirs, filepath.Join(l, id+"."+version))
	}
	for _, d := range dirs {
		if p, ok := c.seen[d]; ok {
			if p != nil {
				return p
			}
			continue
		}
		p := c.read(d, id, version)
		c.seen[d] = p
		if p != nil {
			return p
		}
	}
	return nil
}

// read looks at one candidate directory.
func (c *packageCache) read(dir, id, version string) *installedPackage {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return nil
	}
	p := &installedPackage{Dir: dir}
	data, where, err := readNuspecIn(dir, id, version)
	if err != nil {
		c.problems = append(c.problems, inventory.Problem{Path: c.opts.Rel(where), Message: "read nuspec: " + fsread.Describe(err)})
		return p
	}
	if data == nil {
		return p
	}
	spec, err := parseNuspec(data)
	if err != nil {
		c.problems = append(c.problems, inventory.Problem{Path: c.opts.Rel(where), Message: "parse nuspec: " + err.Error()})
		return p
	}
	p.Spec = spec
	if spec.LicenseType == "file" && spec.License != "" {
		p.LicenseFile = fileInPackage(dir, spec.License)
	}
	return p
}

// readNuspecIn reads the manifest of the package in dir: <id>.nuspec as
// restore leaves it, or else the one inside <id>.<version>.nupkg, which is
// all a packages.config solution keeps of it. It returns nil data when
// there is none, and the path read for a problem.
func readNuspecIn(dir, id, version string) ([]byte, string, error) {
	for _, name := range []string{strings.ToLower(id) + ".nuspec", id + ".nuspec"} {
		p := filepath.Join(dir, name)
		f, err := openRegular(p)
		if err != nil {
			continue
		}
		data, err := readAll(f, maxNuspecSize)
		f.Close()
		return data, p, err
	}
	p := filepath.Join(dir, id+"."+version+".nupkg")
	if _, err := openRegularStat(p); err != nil {
		return nil, p, nil
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, p, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.Contains(f.Name, "/") || !strings.EqualFold(path.Ext(f.Name), ".nuspec") {
			continue
		}
		if f.UncompressedSize64 > maxNuspecSize {
			return nil, p, errTooLarge
		}
		rc, err := f.Open()
		if err != nil {
			return nil, p, err
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, maxNuspecSize+1))
		if err == nil && len(data) > maxNuspecSize {
			err = errTooLarge
		}
		return data, p, err
	}
	return nil, p, nil
}

// openRegular opens path when it is a regular file and not a link.
func openRegular(p string) (*os.File, error) {
	if _, err := openRegularStat(p); err != nil {
		return nil, err
	}
	return os.Open(p)
}

func openRegularStat(p string) (os.FileInfo, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, os.ErrNotExist
	}
	return fi, nil
}

// fileInPackage resolves a path a nuspec gives (with either slash) inside
// the package directory, or returns "" when no such regular file is
// there. The path cannot leave the directory: it is cleaned as if rooted
// there, and opened through an os.Root.
func fileInPackage(dir, p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" || p == "." {
		return ""
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return ""
	}
	defer root.Close()
	if fi, err := root.Lstat(p); err == nil {
		if fi.Mode().IsRegular() {
			return filepath.Join(dir, filepath.FromSlash(p))
		}
		return ""
	}
	// The file system may not keep the case the nuspec writes.
	parent, base := path.Split(p)
	parent = strings.TrimSuffix(parent, "/")
	if parent == "" {
		parent = "."
	}
	d, err := root.Open(parent)
	if err != nil {
		return ""
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), base) && e.Type().IsRegular() {
			return filepath.Join(dir, filepath.FromSlash(parent), e.Name())
		}
	}
	return ""
}

// safeSegment reports whether s can be a single path element: package ids
// and versions from a scanned file must not lead elsewhere.
func safeSegment(s string) bool {
	return s != "." && s != ".." && !strings.ContainsAny(s, `/\`+"\x00")
}

// normalizeVersion gives the form of a version that NuGet uses for folder
// names: no build metadata, no leading zeros, at least three parts, a
// fourth only when it is not zero, lower case. It returns "" for text that
// is not a NuGet version.
func normalizeVersion(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '+'); i >= 0 {
		v = v[:i]
	}
	release := ""
	if i := strings.IndexByte(v, '-'); i >= 0 {
		v, release = v[:i], v[i:]
	}
	parts := strings.Split(v, ".")
	if len(parts) > 4 {
		return ""
	}
	nums := make([]string, 0, 4)
	for _, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return ""
		}
		nums = append(nums, strconv.FormatUint(n, 10))
	}
	for len(nums) < 3 {
		nums = append(nums, "0")
	}
	if len(nums) == 4 && nums[3] == "0" {
		nums = nums[:3]
	}
	return strings.ToLower(strings.Join(nums, ".") + release)
}

// apply fills a component with what the installed package says.
func (p *installedPackage) apply(c *inventory.Component, opts inventory.Options) {
	c.Dir = p.Dir
	c.Installed = true
	s := p.Spec
	if s == nil {
		return
	}
	switch {
	case s.LicenseType == "expression" && s.License != "":
		c.DeclaredLicenses = appendNew(c.DeclaredLicenses, s.License)
	case s.LicenseType == "file":
		if p.LicenseFile != "" {
			c.LicenseFiles = append(c.LicenseFiles, inventory.NewLicenseFile(p.LicenseFile, opts.Rel(p.LicenseFile), "license"))
		}
	case s.LicenseURL != "" && !placeholderLicenseURL(s.LicenseURL):
		// Packages from before license expressions name their license by
		// address only; the license normaliser knows the common ones.
		c.DeclaredLicenses = appendNew(c.DeclaredLicenses, s.LicenseURL)
	}
	c.Supplier = firstNonEmpty(c.Supplier, s.Authors, s.Owners)
	c.Homepage = firstNonEmpty(c.Homepage, s.ProjectURL)
	c.Repository = firstNonEmpty(c.Repository, s.RepositoryURL)
}

// placeholderLicenseURL reports whether u is the address NuGet writes into
// <licenseUrl> for clients that do not read <license>: it says nothing of
// the license itself.
func placeholderLicenseURL(u string) bool {
	pu, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return false
	}
	return strings.EqualFold(pu.Hostname(), "aka.ms") && strings.HasPrefix(strings.ToLower(pu.Path), "/deprecatelicenseurl")
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}
