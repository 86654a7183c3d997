package deb

import (
	"fmt"
	"io"
	"strings"
)

// dpkgPackage is one paragraph of the dpkg status database.
type dpkgPackage struct {
	Name, Version, Arch string
	// Source and SourceVersion name the source package it was built
	// from; SourceVersion is "" when it is the binary's own version.
	Source, SourceVersion string
	Maintainer, Homepage  string
	Priority, MultiArch   string
	Essential             bool
	// Want and State are the first and last words of Status ("install ok
	// installed"); both are "" when the paragraph has no Status, as in the
	// one-file-per-package databases of distroless images.
	Want, State string
	// Depends holds Pre-Depends then Depends: each entry is a list of
	// alternatives, of which one is enough.
	Depends [][]relation
	// Provides are the virtual package names this package stands for.
	Provides []string
	Line     int // line of the paragraph in its file
}

// relation is one package named in a relation field, without its version
// constraint. Arch is the qualifier after a colon ("any", "native", an
// architecture), "" when there is none.
type relation struct {
	Name, Arch string
}

func (r relation) String() string {
	if r.Arch == "" {
		return r.Name
	}
	return r.Name + ":" + r.Arch
}

// onDisk reports whether the package's files are on disk, by the state in
// its Status: every state from unpacked on has the files in place.
// half-installed packages are kept too (their files may be incomplete; the
// caller says so), config-files and not-installed ones are not installed.
func (p *dpkgPackage) onDisk() bool {
	switch p.State {
	case "", "installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked", "half-installed":
		return true
	}
	return false
}

// parseStatus reads the paragraphs of a dpkg status file (or of one file of
// a status.d directory), calling fn for each package in file order.
// Paragraphs that are not packages are returned as problems with their
// line; only a read error or a file over limit bytes ends the reading.
func parseStatus(r io.Reader, limit int64, fn func(*dpkgPackage)) (problems []string, err error) {
	pr := newParagraphReader(r, limit)
	for {
		p, err := pr.next()
		if err == io.EOF {
			return problems, nil
		}
		if err != nil {
			return problems, err
		}
		problems = append(problems, p.problems...)
		pkg, msg := packageOf(p)
		if msg != "" {
			problems = append(problems, msg)
			continue
		}
		fn(pkg)
	}
}

// packageOf reads one status paragraph; a paragraph without a package name
// or version gives a message instead.
func packageOf(p *paragraph) (*dpkgPackage, string) {
	if len(p.fields) == 0 {
		return nil, fmt.Sprintf("paragraph at line %d has no fields", p.line)
	}
	pkg := &dpkgPackage{
		Name:       strings.ToLower(p.firstLine("Package")),
		Version:    p.firstLine("Version"),
		Arch:       p.firstLine("Architecture"),
		Maintainer: p.firstLine("Maintainer"),
		Homepage:   p.firstLine("Homepage"),
		Priority:   strings.ToLower(p.firstLine("Priority")),
		MultiArch:  strings.ToLower(p.firstLine("Multi-Arch")),
		Essential:  strings.EqualFold(p.firstLine("Essential"), "yes"),
		Line:       p.line,
	}
	if pkg.Name == "" {
		return nil, fmt.Sprintf("paragraph at line %d has no Package field", p.line)
	}
	if pkg.Version == "" {
		return nil, fmt.Sprintf("package %s (line %d) has no Version field", pkg.Name, p.line)
	}
	if st, ok := p.get("Status"); ok {
		words := strings.Fields(st)
		if len(words) != 3 {
			return nil, fmt.Sprintf("package %s (line %d) has a Status of %d words, not 3: %q", pkg.Name, p.line, len(words), clip(st, 60))
		}
		pkg.Want, pkg.State = words[0], words[2]
	}
	if src := p.firstLine("Source"); src != "" {
		name, rest, _ := strings.Cut(src, " ")
		pkg.Source = name
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
			pkg.SourceVersion = strings.TrimSpace(rest[1 : len(rest)-1])
		}
	}
	pkg.Depends = append(parseRelations(p.joined("Pre-Depends")), parseRelations(p.joined("Depends"))...)
	for _, alts := range parseRelations(p.joined("Provides")) {
		for _, r := range alts {
			pkg.Provides = append(pkg.Provides, r.Name)
		}
	}
	return pkg, ""
}

// parseRelations reads a relation field: entries separated by commas, each
// a list of alternatives separated by "|", each a package name with an
// optional architecture qualifier, version constraint, architecture list
// and build profiles ("libc6:any (>= 2.34) [amd64] <!nocheck>"). Only the
// names and qualifiers are kept.
func parseRelations(s string) [][]relation {
	var out [][]relation
	for _, entry := range strings.Split(s, ",") {
		var alts []relation
		for _, alt := range strings.Split(entry, "|") {
			alt = strings.TrimSpace(alt)
			end := strings.IndexAny(alt, " \t([<")
			if end >= 0 {
				alt = alt[:end]
			}
			if alt == "" {
				continue
			}
			name, arch, _ := strings.Cut(alt, ":")
			if name == "" {
				continue
			}
			alts = append(alts, relation{Name: strings.ToLower(name), Arch: strings.ToLower(arch)})
		}
		if len(alts) > 0 {
			out = append(out, alts)
		}
	}
	return out
}
