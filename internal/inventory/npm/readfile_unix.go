//go:build unix

package npm

import (
	"io/fs"
	"syscall"
)

// openRead reads the regular file at path, at most limit bytes, into *buf.
// It calls the system directly: os.Open prepares every file for the
// network poller, which costs three extra system calls per file and
// dominates a scan of a few thousand small package.json files. A file
// that is itself a symlink is refused: package managers link package
// directories, never the files in them, and a linked file could lead
// out of the scanned root.
func openRead(path string, limit int64, buf *[]byte) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err == syscall.ELOOP {
		return nil, errSymlinkedFile
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, errNotRegular
	}
	size := int64(st.Size)
	if size > limit {
		return nil, tooLarge(size, limit)
	}
	b := grow(buf, size)
	for off := 0; off < len(b); {
		n, err := syscall.Read(fd, b[off:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			// Shrunk since the stat: what is there is the file.
			b = b[:off]
			break
		}
		off += n
	}
	return b, nil
}

// isDir reports whether path is a directory, following no link.
func isDir(path string) bool {
	var st syscall.Stat_t
	for {
		err := syscall.Lstat(path, &st)
		if err == syscall.EINTR {
			continue
		}
		return err == nil && st.Mode&syscall.S_IFMT == syscall.S_IFDIR
	}
}
