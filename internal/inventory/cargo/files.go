package cargo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Bounds on what is read. Lockfiles of the largest workspaces are a few
// megabytes; a manifest is rarely more than a few kilobytes. A vendored
// crate's .cargo-checksum.json lists every file of the crate.
const (
	maxLockfile = 64 << 20
	maxManifest = 8 << 20
	maxChecksum = 16 << 20
	maxConfig   = 1 << 20
)

var (
	errSymlink    = errors.New("is a symbolic link, which is not followed")
	errNotRegular = errors.New("is not a regular file")
)

// readBounded reads the regular file at path, refusing a symbolic link
// (it could lead out of the scanned tree) and anything over limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, errSymlink
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if fi.Size() > limit {
		return nil, tooLarge(fi.Size(), limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
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
	if limit >= 1<<20 {
		return fmt.Errorf("file is %d bytes, larger than the read limit of %d MiB", size, limit>>20)
	}
	return fmt.Errorf("file is %d bytes, larger than the read limit of %d bytes", size, limit)
}

// fileError turns a read error into a message that does not repeat the
// path the problem is reported under.
func fileError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "cannot read: " + err.Error()
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// within reports whether path is dir or below it; both are clean.
func within(path, dir string) bool {
	if path == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(path, dir)
}

// depth counts the separators of a clean path, to order parents first.
func depth(path string) int {
	return strings.Count(path, string(filepath.Separator))
}
