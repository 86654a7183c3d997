package golang

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
)

// modulePURL is pkg:golang/<module path>@<version>. The module path keeps
// its case: Go module paths are case-sensitive, and the module cache and
// vulnerability data spell them as written.
func modulePURL(path, version string) string {
	ns, name := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		ns, name = path[:i], path[i+1:]
	}
	return packageurl.NewPackageURL(packageurl.TypeGolang, ns, name, version, nil, "").ToString()
}

// repositoryOf derives the source repository from module paths whose
// hosting is fixed by the path itself; for others (vanity paths, nested
// groups) it says nothing rather than guess.
func repositoryOf(path string) string {
	parts := strings.Split(path, "/")
	switch parts[0] {
	case "github.com", "bitbucket.org":
		if len(parts) >= 3 {
			return "https://" + parts[0] + "/" + parts[1] + "/" + parts[2]
		}
	case "golang.org":
		if len(parts) >= 3 && parts[1] == "x" {
			return "https://go.googlesource.com/" + parts[2]
		}
	}
	return ""
}

// stdlibName is how the standard library appears, as in Go vulnerability
// data.
const stdlibName = "stdlib"

// stdlibComponent is the standard library of the toolchain a module asks
// for: the later of the go and toolchain lines, since the go command
// switches to at least the toolchain line's version. nil when neither
// gives a version.
func stdlibComponent(goLine, toolchain, location string) *inventory.Component {
	v := goLine
	if t, ok := strings.CutPrefix(toolchain, "go"); ok {
		if _, valid := parseGoVersion(t); valid && (v == "" || compareGo(t, v) > 0) {
			v = t
		}
	}
	sv := goSemver(v)
	if sv == "" {
		return nil
	}
	return newStdlib(sv, location)
}

func newStdlib(semver, location string) *inventory.Component {
	return &inventory.Component{
		Ecosystem: "go",
		Name:      stdlibName,
		Version:   semver,
		PURL:      modulePURL(stdlibName, semver),
		Scope:     inventory.ScopeProd,
		// The Go project publishes the standard library under this one
		// license; the license stage concludes from it.
		DeclaredLicenses: []string{"BSD-3-Clause"},
		Repository:       "https://go.googlesource.com/go",
		Locations:        []string{location},
	}
}
