//go:build !linux

package identify

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// bare drops the path from an error: callers name the path the way the
// user sees it.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// listDir returns the names of the regular files of dir.
func listDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, bare(err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// readBounded reads at most maxLicenseFile bytes of the regular file at
// path, reporting whether it was longer. Symlinks are not followed.
func readBounded(path string) ([]byte, bool, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, false, bare(err)
	}
	if !info.Mode().IsRegular() {
		return nil, false, fmt.Errorf("%w (%s)", errNotRegular, info.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false, bare(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxLicenseFile+1))
	if err != nil {
		return nil, false, bare(err)
	}
	if len(b) > maxLicenseFile {
		return b[:maxLicenseFile], true, nil
	}
	return b, false, nil
}
