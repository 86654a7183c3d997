package golang

import (
	"bytes"
	"debug/buildinfo"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/module"

	"ospo/internal/inventory"
)

// executableMagic are the starts of the executable formats the Go linker
// writes and debug/buildinfo reads: ELF, PE, Mach-O (both byte orders and
// the universal form) and XCOFF.
var executableMagic = [][]byte{
	[]byte("\x7fELF"),
	[]byte("MZ"),
	{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf},
	{0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe},
	{0xca, 0xfe, 0xba, 0xbe}, {0xca, 0xfe, 0xba, 0xbf},
	{0x01, 0xdf}, {0x01, 0xf7},
}

func isExecutable(head []byte) bool {
	for _, m := range executableMagic {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}

// readBinary reads the module list a Go binary carries. Files that are not
// executables, or executables not built by Go, are no project and no
// problem: Wants can only guess from names and modes. A binary's module
// list has no graph, so no component is marked direct and none gets a
// dependency path; claiming every linked module as a direct choice of the
// project would mislead more than saying nothing.
func (x *extraction) readBinary(path string) (*inventory.Project, *inventory.Problem) {
	rel := x.opts.Rel(path)
	f, err := x.files.open(path)
	if err != nil {
		return nil, &inventory.Problem{Path: rel, Message: "read: " + trimPath(err, path)}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, nil
	}
	head := make([]byte, binaryMagicLen)
	if n, _ := io.ReadFull(f, head); n < len(head) || !isExecutable(head) {
		return nil, nil
	}
	if fi.Size() > maxBinarySize {
		return nil, &inventory.Problem{Path: rel, Message: fmt.Sprintf("executable of %d bytes skipped (limit %d)", fi.Size(), int64(maxBinarySize))}
	}
	bi, err := buildinfo.Read(f)
	if err != nil {
		if msg := err.Error(); strings.Contains(msg, "not a Go executable") || strings.Contains(msg, "unrecognized file format") {
			return nil, nil
		}
		return nil, &inventory.Problem{Path: rel, Message: "read Go build information: " + err.Error()}
	}
	return x.binaryProject(rel, bi), nil
}

// binaryProject turns build information into a project. Replacements are
// applied: the replacing module is what was linked.
func (x *extraction) binaryProject(rel string, bi *debug.BuildInfo) *inventory.Project {
	p := &inventory.Project{Ecosystem: "go", Name: bi.Main.Path, Path: rel, Source: "binary"}
	if p.Name == "" {
		p.Name = bi.Path
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		p.Version = v
	}
	seen := map[string]bool{}
	for _, d := range bi.Deps {
		if d == nil {
			continue
		}
		c := &inventory.Component{
			Ecosystem: "go", Name: d.Path, Version: d.Version, Scope: inventory.ScopeProd,
			Locations: []string{rel},
		}
		sum := d.Sum
		if r := d.Replace; r != nil {
			sum = r.Sum
			if r.Version == "" {
				c.Version = ""
				p.Notes = append(p.Notes, fmt.Sprintf("%s %s was replaced by the directory %s", d.Path, d.Version, r.Path))
			} else {
				c.Name, c.Version = r.Path, r.Version
				p.Notes = append(p.Notes, fmt.Sprintf("%s %s was replaced by %s %s", d.Path, d.Version, r.Path, r.Version))
			}
		}
		if seen[c.Key()] {
			continue
		}
		seen[c.Key()] = true
		if sum != "" {
			alg, v := splitHash(sum)
			c.Hashes = []inventory.Hash{{Algorithm: alg, Value: v}}
		}
		if c.Version != "" {
			// The module cache may hold the sources the binary was built
			// from; the license stage reads them there.
			if dir := cachedModuleDir(x.cache, module.Version{Path: c.Name, Version: c.Version}); dir != "" && x.files.isDir(dir) {
				c.Dir, c.Installed = dir, true
			}
		}
		c.PURL = modulePURL(c.Name, c.Version)
		c.Repository = repositoryOf(c.Name)
		p.Components = append(p.Components, c)
	}
	// "go1.22.3", possibly followed by " X:boringcrypto" experiments.
	gv, _, _ := strings.Cut(bi.GoVersion, " ")
	if sv := goSemver(strings.TrimPrefix(gv, "go")); sv != "" && strings.HasPrefix(gv, "go") {
		p.Components = append(p.Components, newStdlib(sv, rel))
	} else {
		p.Notes = append(p.Notes, "built by Go "+bi.GoVersion+": the standard library version is unknown")
	}
	p.Notes = append(p.Notes, "a binary records the modules it links but not who requires whom: no component is marked direct")
	return p
}
