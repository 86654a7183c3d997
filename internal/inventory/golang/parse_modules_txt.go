package golang

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// vendoredModule is one "# path version" entry of vendor/modules.txt.
type vendoredModule struct {
	Path, Version string
	// Replace is the replacement the main module's go.mod applied; its
	// Version is "" for a directory replacement, Path "" for none.
	Replace module.Version
	// Explicit is set when go.mod requires the module itself.
	Explicit  bool
	GoVersion string
	// Packages counts the vendored packages of the module.
	Packages int
}

// parseModulesTxt reads vendor/modules.txt the way the go command does:
// module lines, "## " annotations and package lines, ignoring lines it
// does not understand. Wildcard replacement lines ("# path => target")
// name no version and carry no packages, so they are left out. The error
// names the first module line that could not be read; the entries read
// are returned with it.
func parseModulesTxt(data []byte) ([]vendoredModule, error) {
	var (
		out     []vendoredModule
		cur     = -1 // index in out of the module the following lines belong to
		bad     int
		firstBd int
		lineNo  int
	)
	for len(data) > 0 {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		s := strings.TrimRight(string(line), "\r")
		if strings.HasPrefix(s, "# ") {
			f := strings.Fields(s)
			cur = -1
			switch {
			case len(f) >= 3 && semver.IsValid(f[2]):
				vm := vendoredModule{Path: f[1], Version: f[2]}
				rest := f[3:]
				if len(rest) > 0 {
					r, ok := parseVendorReplacement(rest)
					if !ok {
						bad++
						if firstBd == 0 {
							firstBd = lineNo
						}
					}
					vm.Replace = r
				}
				out = append(out, vm)
				cur = len(out) - 1
			case len(f) >= 3 && f[2] == "=>":
				// A wildcard replacement with no module of its own.
			default:
				bad++
				if firstBd == 0 {
					firstBd = lineNo
				}
			}
			continue
		}
		if cur < 0 {
			continue
		}
		if ann, ok := strings.CutPrefix(s, "## "); ok {
			for _, e := range strings.Split(ann, ";") {
				e = strings.TrimSpace(e)
				if e == "explicit" {
					out[cur].Explicit = true
				} else if v, ok := strings.CutPrefix(e, "go "); ok {
					out[cur].GoVersion = strings.TrimSpace(v)
				}
			}
			continue
		}
		if f := strings.Fields(s); len(f) == 1 && module.CheckImportPath(f[0]) == nil {
			out[cur].Packages++
		}
	}
	if bad > 0 {
		return out, fmt.Errorf("%d module line(s) not understood, the first at line %d", bad, firstBd)
	}
	return out, nil
}

// parseVendorReplacement reads the "=> target [version]" end of a module
// line.
func parseVendorReplacement(f []string) (module.Version, bool) {
	if f[0] != "=>" {
		return module.Version{}, false
	}
	switch {
	case len(f) == 2:
		return module.Version{Path: f[1]}, true
	case len(f) == 3 && semver.IsValid(f[2]):
		return module.Version{Path: f[1], Version: f[2]}, true
	}
	return module.Version{}, false
}
