package deb

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The scan root may be a container image unpacked from anywhere: its
// symlinks are read the way its own system would read them, with absolute
// targets taken from the root and ".." stopping at it, so that no link
// leads to a file of the scanning machine.

// maxLinks bounds the symlinks followed for one path, as the kernel does.
const maxLinks = 40

var errLinkLoop = errors.New("too many levels of symbolic links")

// resolveIn returns where rel (slash-separated, relative to root) lives
// inside root once every symlink on the way is followed within root. The
// result has no symlink in it. A missing component is an error that
// errors.Is fs.ErrNotExist.
func resolveIn(root, rel string) (string, error) {
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
			return "", &fs.PathError{Op: "resolve", Path: cur, Err: errLinkLoop}
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

// readRegular reads the regular file at abs, at most limit bytes; a longer
// file is an error naming the limit.
func readRegular(abs string, limit int64) ([]byte, error) {
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", errTooLarge, fi.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", errTooLarge, limit)
	}
	return data, nil
}

// osRelease is what os-release(5) says of the system in the root.
type osRelease struct {
	ID, VersionID, VersionCodename, PrettyName string
	// Path is the file read, absolute; "" when there was none.
	Path string
}

// maxOSRelease bounds the os-release read: the real ones are a few hundred
// bytes.
const maxOSRelease = 64 << 10

// readOSRelease reads etc/os-release, or usr/lib/os-release when the first
// is missing, inside root. It returns a zero osRelease and no error when
// neither exists.
func readOSRelease(root string) (osRelease, error) {
	for _, rel := range []string{"etc/os-release", "usr/lib/os-release"} {
		abs, err := resolveIn(root, rel)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return osRelease{}, err
		}
		data, err := readRegular(abs, maxOSRelease)
		if err != nil {
			return osRelease{}, err
		}
		r := parseOSRelease(string(data))
		r.Path = abs
		return r, nil
	}
	return osRelease{}, nil
}

// parseOSRelease reads the KEY=value lines of an os-release file; values
// may be quoted with shell quoting.
func parseOSRelease(s string) osRelease {
	var r osRelease
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

// distro is the "distro" qualifier of a package URL: the id and the
// version (or code name) of the system, "debian-12".
func (r osRelease) distro() string {
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
