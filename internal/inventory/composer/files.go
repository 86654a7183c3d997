package composer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The largest files read. Lockfiles of big applications reach a few
// megabytes; installed.json is about the same size as the lockfile.
const (
	maxLockfileSize = 64 << 20
	maxManifestSize = 8 << 20
)

var (
	// errTooLarge is returned for a file above its size bound.
	errTooLarge = errors.New("file too large")
	// errNotRegular refuses a directory, device or pipe.
	errNotRegular = errors.New("not a regular file")
	// errSymlink refuses a file that is a symbolic link: it could lead
	// out of the scanned root.
	errSymlink = errors.New("is a symbolic link; not followed")
)

// readBounded reads the regular file at path, at most limit bytes. A
// symbolic link is refused rather than followed.
func readBounded(path string, limit int64) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil, errSymlink
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w (%d bytes, limit %d)", errTooLarge, fi.Size(), limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have grown since the Lstat: the limit still holds.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w (more than %d bytes)", errTooLarge, limit)
	}
	return data, nil
}

// exists reports whether a regular file (not a link) is at path.
func exists(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().IsRegular()
}

// within reports whether path is root or lies below it.
func within(path, root string) bool {
	if path == root {
		return true
	}
	r := strings.TrimSuffix(root, string(filepath.Separator)) + string(filepath.Separator)
	return strings.HasPrefix(path, r)
}

// dirWithin returns path when it is a directory that, links resolved,
// stays below root; "" otherwise. Composer links path-repository packages
// into vendor, and such a link is followed only while it stays in the
// scanned tree.
func dirWithin(path, root string) string {
	fi, err := os.Lstat(path)
	if err != nil {
		return ""
	}
	if fi.IsDir() {
		return path
	}
	if fi.Mode()&os.ModeSymlink == 0 {
		return ""
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return ""
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	if !within(real, realRoot) {
		return ""
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return ""
	}
	return path
}
