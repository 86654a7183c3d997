package maven

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"ospo/internal/inventory/fsread"
)

// debianRepo is where Debian's maven-repo-helper installs the POMs and
// jars of packaged Java libraries. Its layout is Maven's, with extra
// version directories: "debian" (and aliases such as "3.x") that stand
// for whichever version the package ships, and jars that are symlinks
// into /usr/share/java.
const debianRepo = "/usr/share/maven-repo"

// repository is a list of local Maven repositories searched in order.
type repository struct {
	roots []string
}

// newRepository returns the repositories an extraction reads: those
// configured (a list separated like PATH), or else the user's local
// repository and Debian's system one.
func newRepository(configured string, getenv func(string) string) *repository {
	if configured != "" {
		var roots []string
		for _, r := range filepath.SplitList(configured) {
			if r != "" {
				roots = append(roots, r)
			}
		}
		return &repository{roots: roots}
	}
	var roots []string
	if home := getenv("HOME"); home != "" {
		roots = append(roots, filepath.Join(home, ".m2", "repository"))
	}
	roots = append(roots, debianRepo)
	r := &repository{}
	for _, root := range roots {
		if fi, err := os.Stat(root); err == nil && fi.IsDir() {
			r.roots = append(r.roots, root)
		}
	}
	return r
}

// located is one artifact found in a repository.
type located struct {
	pom string // the POM file
	dir string // the version directory holding it
	// jar is the artifact file beside the POM, "" when only the POM is
	// there (a parent, a BOM, or a download that fetched metadata only).
	jar string
}

// find looks up g:a:v's POM in the repositories. A version that is a
// range, empty or still holds a property is never looked up.
func (r *repository) find(g, a, v string) *located {
	if g == "" || a == "" || !concreteVersion(v) || !safeSegment(a) || !safeSegment(v) {
		return nil
	}
	gpath := filepath.FromSlash(strings.ReplaceAll(g, ".", "/"))
	if strings.Contains(g, "..") || strings.ContainsAny(g, `/\`) {
		return nil
	}
	for _, root := range r.roots {
		dir := filepath.Join(root, gpath, a, v)
		pom := filepath.Join(dir, a+"-"+v+".pom")
		fi, err := os.Stat(pom)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		l := &located{pom: pom, dir: dir}
		for _, ext := range []string{".jar", ".war", ".aar", ".ear"} {
			jar := filepath.Join(dir, a+"-"+v+ext)
			if fi, err := os.Stat(jar); err == nil && fi.Mode().IsRegular() {
				l.jar = jar
				break
			}
		}
		return l
	}
	return nil
}

// contains reports whether path lies inside one of the repositories, so
// that jars met by the walk there are left to the POM reader.
func (r *repository) contains(path string) bool {
	for _, root := range r.roots {
		if fsread.Within(path, root) {
			return true
		}
	}
	return false
}

// safeSegment keeps coordinates from walking out of the repository.
func safeSegment(s string) bool {
	return s != "." && s != ".." && !strings.ContainsAny(s, `/\`) && !strings.Contains(s, "\x00")
}

// concreteVersion reports whether v names one version: not empty, not a
// range, no property left in it.
func concreteVersion(v string) bool {
	return v != "" && !strings.ContainsAny(v, "[]()$,{}")
}

// readSHA1 reads the checksum Maven stores beside a downloaded file: the
// hex digest, sometimes followed by the file name.
func readSHA1(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 256))
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return ""
	}
	h := strings.ToLower(fields[0])
	if len(h) != 40 || strings.Trim(h, "0123456789abcdef") != "" {
		return ""
	}
	return h
}
