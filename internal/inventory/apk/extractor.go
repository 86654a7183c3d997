// Package apk finds the Alpine packages installed in a system root (a
// container image's file system, or this machine's /) from the apk
// database, and turns them into one inventory project named after the
// operating system, with the dependency graph apk resolves and the
// licenses the packages declare.
package apk

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
	"ospo/internal/inventory/rootfs"
)

// Extractor reads apk databases.
type Extractor struct{}

// New returns the apk extractor.
func New() *Extractor { return &Extractor{} }

// Name is "apk".
func (*Extractor) Name() string { return "apk" }

// The database is read where apk keeps it relative to the scan root: the
// root is taken to be a system root.
const (
	installedRel = "lib/apk/db/installed"
	worldRel     = "etc/apk/world"
	licensesRel  = "usr/share/licenses/"
	sourceApk    = "apk"
	defaultDist  = "alpine"
)

// Wants the installed database.
func (*Extractor) Wants(rel string, d fs.DirEntry) bool {
	return rel == installedRel && d.Type().IsRegular()
}

// Supports lists what the apk extractor reads.
func (*Extractor) Supports() []inventory.Support {
	return []inventory.Support{
		{
			Files:    "lib/apk/db/installed below a system root (Alpine, Wolfi and other apk systems), with etc/apk/world",
			Gives:    "installed packages, dependency graph through provides (so:, cmd:, pc:), roots from the world file, origin, maintainer, package checksums (SHA-1)",
			Licenses: "the L: field as written (SPDX expressions); usr/share/licenses/<package> when installed",
		},
	}
}

// maxWorld bounds the world file read.
const maxWorld = 4 << 20

// maxProblems bounds the problems reported for one file; a file of garbage
// would otherwise give one per line.
const maxProblems = 20

// Extract reads the apk database of the scan root into one project.
func (e *Extractor) Extract(ctx context.Context, root string, files []string, opts inventory.Options) ([]*inventory.Project, []inventory.Problem, error) {
	var projects []*inventory.Project
	var problems []inventory.Problem
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		p, probs := extractDB(root, f, opts)
		problems = append(problems, probs...)
		if p != nil {
			projects = append(projects, p)
		}
	}
	return projects, problems, nil
}

// extractDB reads one installed database and what lies beside it in the
// root.
func extractDB(root, abs string, opts inventory.Options) (*inventory.Project, []inventory.Problem) {
	rel := opts.Rel(abs)
	var problems []inventory.Problem
	f, err := os.Open(abs)
	if err != nil {
		return nil, []inventory.Problem{{Path: rel, Message: "read apk database: " + fsread.Describe(err)}}
	}
	var pkgs []*apkPackage
	msgs, err := parseInstalled(f, maxInstalled, func(p *apkPackage) { pkgs = append(pkgs, p) })
	f.Close()
	for i, m := range msgs {
		if i == maxProblems {
			problems = append(problems, inventory.Problem{Path: rel, Message: fmt.Sprintf("%d more lines or records could not be read", len(msgs)-maxProblems)})
			break
		}
		problems = append(problems, inventory.Problem{Path: rel, Message: m})
	}
	switch {
	case errors.Is(err, errTooLarge):
		problems = append(problems, inventory.Problem{Path: rel, Message: fmt.Sprintf("apk database is larger than %d bytes; only the packages before that point were read", maxInstalled)})
	case err != nil:
		problems = append(problems, inventory.Problem{Path: rel, Message: "read apk database: " + fsread.Describe(err)})
	}

	osr, err := rootfs.OSRelease(root)
	if err != nil {
		problems = append(problems, inventory.Problem{Path: opts.Rel(filepath.Join(root, "etc/os-release")), Message: "read os-release: " + trimRoot(fsread.Describe(err), root)})
	}
	proj := &inventory.Project{
		Ecosystem: "apk",
		Name:      osr.ID,
		Version:   osr.VersionID,
		Path:      rel,
		Source:    sourceApk,
	}
	if osr.PrettyName != "" {
		proj.Notes = append(proj.Notes, "operating system: "+osr.PrettyName)
	}
	if proj.Name == "" {
		proj.Name = defaultDist
		proj.Notes = append(proj.Notes, "no os-release found in the root; the distribution is taken to be "+defaultDist)
	}

	kept := make([]*apkPackage, 0, len(pkgs))
	seen := map[string]bool{}
	var dup []string
	for _, p := range pkgs {
		if seen[p.Name] {
			dup = append(dup, p.Name)
			continue
		}
		seen[p.Name] = true
		kept = append(kept, p)
	}
	if len(dup) > 0 {
		proj.Notes = append(proj.Notes, fmt.Sprintf("%s recorded twice; the first record was used: %s", count(len(dup), "package is", "packages are"), listSome(dup)))
	}

	g := newGraph(kept)
	distro := osr.Distro()
	for _, p := range kept {
		c := &inventory.Component{
			Ecosystem: "apk",
			Name:      p.Name,
			Version:   p.Version,
			PURL:      purlOf(proj.Name, distro, p),
			Scope:     inventory.ScopeProd,
			Locations: []string{rel},
			Supplier:  personName(p.Maintainer),
			Homepage:  p.URL,
			Installed: true,
		}
		if p.License != "" {
			c.DeclaredLicenses = []string{p.License}
		}
		if alg, h := checksum(p.Checksum); h != "" {
			c.Hashes = []inventory.Hash{{Algorithm: alg, Value: h}}
		}
		c.Dir = licenseDir(root, p)
		g.keys[p] = c.Key()
		proj.Components = append(proj.Components, c)
	}

	world, hasWorld, err := readWorld(root)
	if err != nil {
		problems = append(problems, inventory.Problem{Path: opts.Rel(filepath.Join(root, worldRel)), Message: "read apk world: " + trimRoot(fsread.Describe(err), root)})
	}
	proj.Notes = append(proj.Notes, g.link(proj, world, hasWorld)...)
	proj.ComputePaths()
	return proj, problems
}

// readWorld reads the names of etc/apk/world, the packages asked for;
// hasWorld is false when there is no such file.
func readWorld(root string) (names []string, hasWorld bool, err error) {
	abs, err := rootfs.Resolve(root, worldRel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	data, err := fsread.ReadBounded(abs, maxWorld)
	if err != nil {
		return nil, false, err
	}
	for _, w := range strings.Fields(string(data)) {
		if strings.HasPrefix(w, "!") {
			continue
		}
		if n := depName(w); n != "" {
			names = append(names, n)
		}
	}
	return names, true, nil
}

// licenseDir is the directory of license texts of a package, when its
// documentation is installed: usr/share/licenses/<origin> (where abuild
// puts the texts of every package of an aport) or <name>.
func licenseDir(root string, p *apkPackage) string {
	for _, n := range []string{p.Origin, p.Name} {
		if n == "" || strings.ContainsAny(n, "/\\") || n == "." || n == ".." {
			continue
		}
		abs, err := rootfs.Resolve(root, licensesRel+n)
		if err != nil {
			continue
		}
		if fi, err := os.Lstat(abs); err == nil && fi.IsDir() {
			return abs
		}
	}
	return ""
}

// purlOf builds pkg:apk/<vendor>/<name>@<version>?arch=…&distro=…&upstream=….
func purlOf(vendor, distro string, p *apkPackage) string {
	q := map[string]string{}
	if p.Arch != "" {
		q["arch"] = p.Arch
	}
	if distro != "" {
		q["distro"] = distro
	}
	if p.Origin != "" && p.Origin != p.Name {
		q["upstream"] = p.Origin
	}
	return packageurl.NewPackageURL("apk", vendor, p.Name, p.Version, packageurl.QualifiersFromMap(q), "").ToString()
}

// personName drops the address from "Name <address>".
func personName(s string) string {
	if i := strings.IndexByte(s, '<'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// count says "1 <one>" or "n <many>".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// listSome lists the first few items of a long list.
func listSome(items []string) string {
	const n = 10
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// trimRoot removes the absolute root from a message.
func trimRoot(msg, root string) string {
	return strings.ReplaceAll(msg, root+string(filepath.Separator), "")
}
