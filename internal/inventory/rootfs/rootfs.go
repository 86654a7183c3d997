// Package rootfs reads a system root (a container image unpacked from
// anywhere, a mounted disk) the way that system itself would: its symbolic
// links are followed with absolute targets taken from the root and ".."
// stopping at it, so that no link leads to a file of the scanning machine.
// It also reads what os-release(5) says of the system, which the extractors
// of installed operating system packages put in their package URLs.
package rootfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ospo/internal/inventory/fsread"
)

// maxLinks bounds the symlinks followed for one path, as the kernel does.
const maxLinks = 40

// ErrLinkLoop is the error of a path with more than 40 links on the way.
var ErrLinkLoop = errors.New("too many levels of symbolic links")

// Resolve returns where rel (slash-separated, relative to root) lives
// inside root once every symlink on the way is followed within root. The
// result has no symlink in it. A missing component is an error that
// errors.Is fs.ErrNotExist; a loop is one that errors.Is ErrLinkLoop.
func Resolve(root, rel string) (string, error) {
	todo := strings.Split(rel, "/")
	var done []string
	links := 0
	for len(todo) > 0 {
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := filepath.Join(root, filepath.Join(done...), part)
		fi, err := os.Lstat(cur)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if len(todo) > 0 && !fi.IsDir() {
				return "", &fs.PathError{Op: "resolve", Path: cur, Err: fs.ErrNotExist}
			}
			done = append(done, part)
			continue
		}
		links++
		if links > maxLinks {
			return "", &fs.PathError{Op: "resolve", Path: cur, Err: ErrLinkLoop}
		}
		target, err := os.Readlink(cur)
		if err != nil {
			return "", err
		}
		target = filepath.ToSlash(target)
		if strings.HasPrefix(target, "/") {
			done = done[:0]
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return filepath.Join(root, filepath.Join(done...)), nil
}

// Release is what os-release(5) says of the system in a root.
type Release struct {
	// ID is lower case, as the format requires ("debian", "alpine").
	ID, VersionID, VersionCodename, PrettyName string
	// Path is the file read, absolute; "" when there was none.
	Path string
}

// maxOSRelease bounds the os-release read: the real ones are a few hundred
// bytes.
const maxOSRelease = 64 << 10

// OSRelease reads etc/os-release, or usr/lib/os-release when the first is
// missing, inside root. It returns a zero Release and no error when
// neither exists.
func OSRelease(root string) (Release, error) {
	for _, rel := range []string{"etc/os-release", "usr/lib/os-release"} {
		abs, err := Resolve(root, rel)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Release{}, err
		}
		data, err := fsread.ReadBounded(abs, maxOSRelease)
		if err != nil {
			return Release{}, err
		}
		r := parseOSRelease(string(data))
		r.Path = abs
		return r, nil
	}
	return Release{}, nil
}

// parseOSRelease reads the KEY=value lines of an os-release file; values
// may be quoted with shell quoting.
func parseOSRelease(s string) Release {
	var r Release
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = unquoteShell(strings.TrimSpace(v))
		switch strings.TrimSpace(k) {
		case "ID":
			r.ID = strings.ToLower(v)
		case "VERSION_ID":
			r.VersionID = v
		case "VERSION_CODENAME":
			r.VersionCodename = v
		case "PRETTY_NAME":
			r.PrettyName = v
		}
	}
	return r
}

// unquoteShell removes the quotes of a value quoted as os-release(5)
// allows: double quotes with backslash escapes, or single quotes.
func unquoteShell(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1]
	}
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	v = v[1 : len(v)-1]
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) && strings.IndexByte("\"\\$`", v[i+1]) >= 0 {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// Distro is the "distro" qualifier of a package URL: the id and the
// version (or code name) of the system, "debian-12"; "" when the id is
// not known.
func (r Release) Distro() string {
	switch {
	case r.ID == "":
		return ""
	case r.VersionID != "":
		return r.ID + "-" + r.VersionID
	case r.VersionCodename != "":
		return r.ID + "-" + r.VersionCodename
	}
	return r.ID
}
