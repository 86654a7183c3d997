//go:build !unix

package npm

import (
	"io"
	"os"
)

// openRead reads the regular file at path, at most limit bytes, into *buf.
func openRead(path string, limit int64, buf *[]byte) ([]byte, error) {
	// A linked file could lead out of the scanned root.
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return nil, errSymlinkedFile
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if fi.Size() > limit {
		return nil, tooLarge(fi.Size(), limit)
	}
	b := grow(buf, fi.Size())
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF {
		return b[:n], nil
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// isDir reports whether path is a directory, following no link.
func isDir(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir()
}
