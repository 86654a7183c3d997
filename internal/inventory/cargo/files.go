package cargo

import (
	"errors"
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

// depth counts the separators of a clean path, to order parents first.
func depth(path string) int {
	return strings.Count(path, string(filepath.Separator))
}
