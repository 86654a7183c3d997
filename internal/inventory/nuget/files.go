package nuget

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"

	"ospo/internal/inventory/fsread"
)

// Size limits of the files read. Real lock files of large solutions reach
// a few megabytes, manifests a few kilobytes; the limits keep a hostile
// file from filling memory.
const (
	maxLockFileSize       = 64 << 20
	maxDepsJSONSize       = 64 << 20
	maxProjectFileSize    = 4 << 20
	maxPackagesConfigSize = 4 << 20
	maxNuspecSize         = 4 << 20
)

// errTooLarge is wrapped by reads refused for their size.
var errTooLarge = errors.New("file too large")

// fileReader reads the files of one extraction. Files below the scan root
// are opened through an os.Root, so that a symlink in the scanned tree
// cannot lead outside it. The package cache is read where it is.
type fileReader struct {
	rootDir string
	root    *os.Root // nil when the root could not be opened
}

func newFileReader(rootDir string) *fileReader {
	r := &fileReader{rootDir: rootDir}
	if rootDir != "" {
		if root, err := os.OpenRoot(rootDir); err == nil {
			r.root = root
		}
	}
	return r
}

func (r *fileReader) close() {
	if r.root != nil {
		r.root.Close()
	}
}

// inRoot returns path relative to the scan root when it lies below it.
func (r *fileReader) inRoot(path string) (string, bool) {
	if r.rootDir == "" || r.root == nil {
		return "", false
	}
	return fsread.RelWithin(path, r.rootDir)
}

func (r *fileReader) open(path string) (*os.File, error) {
	if rel, ok := r.inRoot(path); ok {
		return r.root.Open(rel)
	}
	return os.Open(path)
}

func (r *fileReader) lstat(path string) (fs.FileInfo, error) {
	if rel, ok := r.inRoot(path); ok {
		return r.root.Lstat(rel)
	}
	return os.Lstat(path)
}

// isFile reports whether path is a regular file, not a link to one.
func (r *fileReader) isFile(path string) bool {
	fi, err := r.lstat(path)
	return err == nil && fi.Mode().IsRegular()
}

// isDir reports whether path is a directory, not a link to one.
func (r *fileReader) isDir(path string) bool {
	fi, err := r.lstat(path)
	return err == nil && fi.IsDir()
}

// names lists the names in directory dir, nil when it cannot be read.
func (r *fileReader) names(dir string) []string {
	var d *os.File
	var err error
	if rel, ok := r.inRoot(dir); ok {
		d, err = r.root.Open(rel)
	} else {
		d, err = os.Open(dir)
	}
	if err != nil {
		return nil
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	sort.Strings(names)
	return names
}

// read returns the content of the regular file at path, refusing files
// larger than limit.
func (r *fileReader) read(path string, limit int64) ([]byte, error) {
	// Opening a named pipe would block: look before opening.
	fi, err := r.lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fsread.ErrNotRegular
	}
	f, err := r.open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, limit)
}

// readAll reads f whole, refusing more than limit bytes.
func readAll(f *os.File, limit int64) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fsread.ErrNotRegular
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %s, more than the %s read", errTooLarge, size(fi.Size()), size(limit))
	}
	// The size from the stat bounds the read: a file that grows meanwhile
	// is read as it was.
	buf := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// size words a byte count for a problem message.
func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
