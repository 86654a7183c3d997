package python

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Bounds on the files read. Lockfiles of the largest monorepos are tens of
// megabytes; a manifest or a metadata file is far smaller.
const (
	maxLockfileSize = 64 << 20
	maxManifestSize = 4 << 20
	maxMetadataSize = 8 << 20
	maxSmallFile    = 1 << 20
)

var (
	errTooLarge      = errors.New("file too large")
	errNotRegular    = errors.New("not a regular file")
	errSymlinkedFile = errors.New("is a symlink; not followed")
)

// openBounded opens the regular file at path for reading, refusing a
// symlink (it could lead out of the scanned root) and anything that is not
// a regular file. The caller closes the file.
func openBounded(path string) (*os.File, os.FileInfo, error) {
	li, err := os.Lstat(path)
	if err != nil {
		return nil, nil, err
	}
	if li.Mode()&os.ModeSymlink != 0 {
		return nil, nil, errSymlinkedFile
	}
	if !li.Mode().IsRegular() {
		return nil, nil, errNotRegular
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
	// Replaced between the two looks: refuse rather than guess.
	if !os.SameFile(li, fi) || !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, errNotRegular
	}
	return f, fi, nil
}

// readBounded reads the whole regular file at path when it holds at most
// limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, fi, err := openBounded(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, tooLarge(fi.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(int64(len(data)), limit)
	}
	return data, nil
}

func tooLarge(size, limit int64) error {
	return fmt.Errorf("%w (%d bytes, limit %d)", errTooLarge, size, limit)
}

// isDir reports whether path is a directory, following no link.
func isDir(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir()
}

// isFile reports whether path is a regular file, following no link.
func isFile(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().IsRegular()
}

// describe says what went wrong without the absolute path a file system
// error carries: the problem already names the file.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
