// Package deb finds the Debian packages installed in a system root (a
// container image's file system, or this machine's /) from the dpkg status
// database, and turns them into one inventory project named after the
// operating system, with the dependency graph dpkg records and the
// licenses of the machine-readable copyright files.
package deb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	packageurl "github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
	"ospo/internal/inventory/rootfs"
)

// Extractor reads dpkg databases.
type Extractor struct{}

// New returns the deb extractor.
func New() *Extractor { return &Extractor{} }

// Name is "deb".
func (*Extractor) Name() string { return "deb" }

// The database is read where dpkg keeps it relative to the scan root: the
// root is taken to be a system root. Distroless images keep one file per
// package in status.d, beside checksum files.
const (
	statusRel   = "var/lib/dpkg/status"
	statusDRel  = "var/lib/dpkg/status.d/"
	docRel      = "usr/share/doc/"
	sourceDpkg  = "dpkg"
	defaultDist = "debian"
)

// Wants the status database and the files of status.d.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	if !d.Type().IsRegular() {
		return false
	}
	if rel == statusRel {
		return true
	}
	name, ok := strings.CutPrefix(rel, statusDRel)
	return ok && name != "" && !strings.Contains(name, "/") && !strings.HasSuffix(name, ".md5sums")
}

// maxProblems bounds the problems reported for one file; a file of garbage
// would otherwise give one per line.
const maxProblems = 20

// maxStatus bounds a status database read. A full desktop's is a few
// megabytes; a server with every Rust library installed reaches tens.
const maxStatus = 256 << 20

// Supports lists what the deb extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{
			Files:    "var/lib/dpkg/status, var/lib/dpkg/status.d/* (distroless) below a system root",
			Gives:    "installed packages (unpacked and later states), Depends/Pre-Depends graph with alternatives and virtual packages, source package, maintainer, homepage",
			Licenses: "usr/share/doc/<package>/copyright: machine-readable (DEP-5) short names as an SPDX expression; free-text files read by the license identifier",
		},
	}
}

// Extract reads the dpkg database of the scan root into one project.
func (e *Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	files = append([]string(nil), files...)
	sort.Strings(files)
	var problems []inventory.Problem
	var pkgs []*dpkgPackage
	pkgFile := map[*dpkgPackage]string{}
	// The project is the status file, or the status.d directory when
	// there is no status file.
	statusPath := filepath.Join(root, filepath.FromSlash(strings.TrimSuffix(statusDRel, "/")))
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if f == filepath.Join(root, filepath.FromSlash(statusRel)) {
			statusPath = f
		}
		got, probs := readStatusFile(f, opts)
		problems = append(problems, probs...)
		for _, p := range got {
			pkgFile[p] = f
		}
		pkgs = append(pkgs, got...)
	}
	if len(files) == 0 {
		return nil, nil, nil
	}

	osr, err := rootfs.OSRelease(root)
	if err != nil {
		problems = append(problems, inventory.Problem{Path: opts.Rel(filepath.Join(root, "etc/os-release")), Message: "read os-release: " + trimRoot(fsread.Describe(err), root)})
	}
	proj := &inventory.Project{
		Ecosystem: "deb",
		Name:      osr.ID,
		Version:   osr.VersionID,
		Path:      opts.Rel(statusPath),
		Source:    sourceDpkg,
	}
	if osr.PrettyName != "" {
		proj.Notes = append(proj.Notes, "operating system: "+osr.PrettyName)
	}
	if proj.Name == "" {
		proj.Name = defaultDist
		proj.Notes = append(proj.Notes, "no os-release found in the root; the distribution is taken to be "+defaultDist)
	}

	kept, skipped := selectInstalled(pkgs)
	proj.Notes = append(proj.Notes, skipped...)
	g := newGraph(kept)
	comps := g.components(proj.Name, osr.Distro(), func(p *dpkgPackage) string { return opts.Rel(pkgFile[p]) })

	lic := &licenseReader{root: root, opts: opts, cache: map[string]*docInfo{}}
	problems = append(problems, lic.fill(ctx, kept, comps)...)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if n := lic.missing; n > 0 {
		proj.Notes = append(proj.Notes, fmt.Sprintf("%d of %s no copyright file under %s (documentation removed from the image?)", n, packagesHave(len(kept)), docRel))
	}

	proj.Components = comps
	proj.Notes = append(proj.Notes, g.link(proj)...)
	proj.ComputePaths()
	return []*inventory.Project{proj}, problems, nil
}

// readStatusFile reads one status file, its problems shown with the path.
func readStatusFile(abs string, opts inventory.Options) ([]*dpkgPackage, []inventory.Problem) {
	rel := opts.Rel(abs)
	f, err := os.Open(abs)
	if err != nil {
		return nil, []inventory.Problem{{Path: rel, Message: "read dpkg status: " + fsread.Describe(err)}}
	}
	defer f.Close()
	var pkgs []*dpkgPackage
	msgs, err := parseStatus(f, maxStatus, func(p *dpkgPackage) { pkgs = append(pkgs, p) })
	var problems []inventory.Problem
	for i, m := range msgs {
		if i == maxProblems {
			problems = append(problems, inventory.Problem{Path: rel, Message: fmt.Sprintf("%d more paragraphs or lines could not be read", len(msgs)-maxProblems)})
			break
		}
		problems = append(problems, inventory.Problem{Path: rel, Message: m})
	}
	switch {
	case errors.Is(err, errTooLarge):
		problems = append(problems, inventory.Problem{Path: rel, Message: fmt.Sprintf("dpkg status is larger than %d bytes; only the packages before that point were read", maxStatus)})
	case err != nil:
		problems = append(problems, inventory.Problem{Path: rel, Message: "read dpkg status: " + fsread.Describe(err)})
	}
	return pkgs, problems
}

// selectInstalled keeps the packages whose files are on disk, once per
// name and architecture, and says what it left out.
func selectInstalled(pkgs []*dpkgPackage) (kept []*dpkgPackage, notes []string) {
	seen := map[string]bool{}
	var gone, dup, half []string
	for _, p := range pkgs {
		if !p.onDisk() {
			gone = append(gone, p.Name+" ("+p.State+")")
			continue
		}
		k := p.Name + ":" + p.Arch
		if seen[k] {
			dup = append(dup, p.Name)
			continue
		}
		seen[k] = true
		if p.State == "half-installed" {
			half = append(half, p.Name)
		}
		kept = append(kept, p)
	}
	if len(gone) > 0 {
		notes = append(notes, fmt.Sprintf("%s recorded but not installed were left out: %s", packages(len(gone)), listSome(gone)))
	}
	if len(half) > 0 {
		notes = append(notes, fmt.Sprintf("%s half-installed (files may be incomplete): %s", packagesAre(len(half)), listSome(half)))
	}
	if len(dup) > 0 {
		notes = append(notes, fmt.Sprintf("%s recorded twice; the first record was used: %s", packagesAre(len(dup)), listSome(dup)))
	}
	return kept, notes
}

// packages says "1 package" or "n packages".
func packages(n int) string {
	if n == 1 {
		return "1 package"
	}
	return fmt.Sprintf("%d packages", n)
}

// packagesAre says "1 package is" or "n packages are".
func packagesAre(n int) string {
	if n == 1 {
		return "1 package is"
	}
	return packages(n) + " are"
}

// packagesHave says "1 package has" or "n packages have".
func packagesHave(n int) string {
	if n == 1 {
		return "1 package has"
	}
	return packages(n) + " have"
}

// listSome lists the first few items of a long list.
func listSome(items []string) string {
	const n = 10
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// purlOf builds pkg:deb/<vendor>/<name>@<version>?arch=…&distro=…&upstream=….
func purlOf(vendor, distro string, p *dpkgPackage) string {
	q := map[string]string{}
	if p.Arch != "" {
		q["arch"] = p.Arch
	}
	if distro != "" {
		q["distro"] = distro
	}
	if up := upstream(p); up != "" {
		q["upstream"] = up
	}
	return packageurl.NewPackageURL("deb", vendor, p.Name, p.Version, packageurl.QualifiersFromMap(q), "").ToString()
}

// upstream names the source package when it differs from the binary one:
// its name, and its version when that differs too (a binary rebuilt with
// "+b1").
func upstream(p *dpkgPackage) string {
	if p.Source == "" {
		return ""
	}
	if p.SourceVersion != "" && p.SourceVersion != p.Version {
		return p.Source + "@" + p.SourceVersion
	}
	if p.Source != p.Name {
		return p.Source
	}
	return ""
}

// personName drops the address from "Name <address>".
func personName(s string) string {
	if i := strings.IndexByte(s, '<'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// docInfo is what one documentation directory gives.
type docInfo struct {
	dir     string // resolved directory, "" when there is none
	license string // DEP-5 expression
	extra   *inventory.LicenseFile
	problem *inventory.Problem
}

// licenseReader finds the copyright file of each package inside the root.
type licenseReader struct {
	root    string
	opts    inventory.Options
	mu      sync.Mutex
	cache   map[string]*docInfo // by resolved copyright path
	missing int
}

// fill sets DeclaredLicenses and Dir of each component from its
// copyright file. Files are read in parallel: a full system has a
// thousand, some of megabytes.
func (l *licenseReader) fill(ctx context.Context, pkgs []*dpkgPackage, comps []*inventory.Component) []inventory.Problem {
	infos := make([]*docInfo, len(pkgs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), 4) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				infos[i] = l.read(pkgs[i])
			}
		}()
	}
	for i := range pkgs {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	var problems []inventory.Problem
	reported := map[*docInfo]bool{}
	for i, info := range infos {
		if info == nil {
			continue
		}
		c := comps[i]
		if info.problem != nil {
			if !reported[info] {
				reported[info] = true
				problems = append(problems, *info.problem)
			}
			continue
		}
		if info.dir == "" && info.extra == nil {
			l.missing++
			continue
		}
		c.Dir = info.dir
		if info.license != "" {
			c.DeclaredLicenses = []string{info.license}
		}
		if info.extra != nil {
			c.LicenseFiles = append(c.LicenseFiles, *info.extra)
		}
	}
	return problems
}

// read finds and reads the copyright file of one package: in the doc
// directory named after the package, followed within the root when it is
// a link to another package's.
func (l *licenseReader) read(p *dpkgPackage) *docInfo {
	abs, err := rootfs.Resolve(l.root, docRel+p.Name+"/copyright")
	if errors.Is(err, fs.ErrNotExist) {
		return &docInfo{}
	}
	if err != nil {
		rel := l.opts.Rel(filepath.Join(l.root, docRel+p.Name, "copyright"))
		return &docInfo{problem: &inventory.Problem{Path: rel, Message: "find copyright file: " + trimRoot(fsread.Describe(err), l.root)}}
	}
	l.mu.Lock()
	if info, ok := l.cache[abs]; ok {
		l.mu.Unlock()
		return info
	}
	l.mu.Unlock()
	info := readCopyright(abs, l.opts)
	l.mu.Lock()
	if have, ok := l.cache[abs]; ok {
		info = have
	} else {
		l.cache[abs] = info
	}
	l.mu.Unlock()
	return info
}

// readCopyright reads the copyright file at abs (resolved, inside the
// root). The identify stage reads the files of Dir that look like license
// files, and "copyright" is one of them (a notice), so the doc directory
// is Dir whether or not the file is machine-readable: free text is
// identified there, and a DEP-5 file is read as a second opinion on the
// declared expression. A copyright file that is a link to a file of
// another name is recorded as a license file of its own.
func readCopyright(abs string, opts inventory.Options) *docInfo {
	info := &docInfo{}
	data, err := fsread.ReadBounded(abs, maxCopyright)
	if err != nil {
		info.problem = &inventory.Problem{Path: opts.Rel(abs), Message: "read copyright file: " + fsread.Describe(err)}
		return info
	}
	if path.Base(filepath.ToSlash(abs)) == "copyright" {
		info.dir = filepath.Dir(abs)
	} else {
		f := inventory.NewLicenseFile(abs, opts.Rel(abs), "notice")
		info.extra = &f
	}
	info.license = parseCopyright(data).Expression
	return info
}

// trimRoot removes the absolute root from a message.
func trimRoot(msg, root string) string {
	return strings.ReplaceAll(msg, root+string(filepath.Separator), "")
}
