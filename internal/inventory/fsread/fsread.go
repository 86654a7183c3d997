// Package fsread reads the files of a scanned tree with bounds: it never
// follows a symbolic link to a file (the link could lead out of the tree),
// never opens what is not a regular file (a named pipe would block), and
// never reads more than the limit its caller sets. Extractors keep their own
// limits; this package only enforces them.
package fsread

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

var (
	// ErrSymlink refuses a file that is a symbolic link.
	ErrSymlink = errors.New("is a symbolic link; not followed")
	// ErrNotRegular refuses a directory, device, socket or pipe.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is wrapped by the error of a file over its limit; the
	// message states the size and the limit.
	ErrTooLarge = errors.New("file too large")
	// ErrChanged refuses a file replaced between the look at its path and
	// the opening of it.
	ErrChanged = errors.New("file changed while it was opened")
)

// Open opens the regular file at path for reading and returns it with its
// information. A symbolic link, or anything but a regular file, is refused
// before it is opened. The caller closes the file.
func Open(path string) (*os.File, fs.FileInfo, error) {
	li, err := os.Lstat(path)
	if err != nil {
		return nil, nil, err
	}
	if li.Mode()&fs.ModeSymlink != 0 {
		return nil, nil, ErrSymlink
	}
	if !li.Mode().IsRegular() {
		return nil, nil, ErrNotRegular
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	// Replaced between the two looks: refuse rather than guess what was
	// opened.
	if !os.SameFile(li, fi) || !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, ErrChanged
	}
	return f, fi, nil
}

// ReadBounded reads the whole regular file at path when it holds at most
// limit bytes. A symbolic link is refused rather than followed; a file
// over the limit is refused with an error that wraps ErrTooLarge, also
// when it grows past the limit while it is read.
func ReadBounded(path string, limit int64) ([]byte, error) {
	f, fi, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, over the limit of %s", ErrTooLarge, fi.Size(), size(limit))
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: grew past the limit of %s while read", ErrTooLarge, size(limit))
	}
	return data, nil
}

// size words a byte count for a message: whole mebibytes as such.
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// IsFile reports whether path is a regular file, following no link.
func IsFile(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().IsRegular()
}

// IsDir reports whether path is a directory, following no link.
func IsDir(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir()
}

// Within reports whether path is root or lies below it. Both are clean
// paths of the same kind (both absolute or both relative); the test is on
// the names alone, so links are not resolved.
func Within(path, root string) bool {
	if path == root {
		return true
	}
	r := strings.TrimSuffix(root, string(filepath.Separator)) + string(filepath.Separator)
	return strings.HasPrefix(path, r)
}

// RelWithin returns path relative to root when path is root or lies below
// it, with ok false otherwise. Unlike Within it cleans both paths first.
func RelWithin(path, root string) (rel string, ok bool) {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// DirWithin returns path when it is a directory, or a symbolic link to a
// directory that, links resolved, stays below root; "" otherwise. Package
// managers link local packages into their install trees, and such a link
// is followed only while it stays in the scanned tree.
func DirWithin(path, root string) string {
	fi, err := os.Lstat(path)
	if err != nil {
		return ""
	}
	if fi.IsDir() {
		return path
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
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
	if !Within(real, realRoot) {
		return ""
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return ""
	}
	return path
}

// Describe is the message of a read error without the path an
// *fs.PathError repeats: problems name their file already, and an
// absolute path of the scanning machine has no place in a report.
func Describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
