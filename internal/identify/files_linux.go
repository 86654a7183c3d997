package identify

import (
	"fmt"
	"syscall"
	"unsafe"
)

// The directory listing and file reads of this stage are most of its
// time. On Linux they go straight to the system calls: os.File registers
// every file with the poller, which costs a failed epoll_ctl per open and
// made this stage a third slower on large node_modules trees.

// listDir returns the names of the regular files of dir (and of entries
// whose type the file system does not report; reading them checks).
// Errors are bare: callers name the path the way the user sees it.
func listDir(dir string) ([]string, error) {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var names []string
	buf := make([]byte, 16<<10)
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			break
		}
		names = appendDirents(names, buf[:n])
	}
	return names, nil
}

// appendDirents decodes linux_dirent64 records: inode (8 bytes), offset
// (8), record length (2), type (1), then the NUL-terminated name.
func appendDirents(names []string, b []byte) []string {
	const nameOff = 19
	for len(b) >= nameOff {
		reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
		if reclen < nameOff || reclen > len(b) {
			break
		}
		typ := b[18]
		name := b[nameOff:reclen]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		b = b[reclen:]
		if typ != syscall.DT_REG && typ != syscall.DT_UNKNOWN {
			continue
		}
		if s := string(name); s != "." && s != ".." {
			names = append(names, s)
		}
	}
	return names
}

// readBounded reads at most maxLicenseFile bytes of the regular file at
// path, reporting whether it was longer. Symlinks are not followed.
func readBounded(path string) ([]byte, bool, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err == syscall.ELOOP {
		return nil, false, fmt.Errorf("%w (symlink)", errNotRegular)
	}
	if err != nil {
		return nil, false, err
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, false, err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, false, errNotRegular
	}
	size, truncated := st.Size, false
	if size > maxLicenseFile {
		size, truncated = maxLicenseFile, true
	}
	buf := make([]byte, size)
	got := 0
	for got < len(buf) {
		n, err := syscall.Read(fd, buf[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		if n == 0 {
			break
		}
		got += n
	}
	return buf[:got], truncated, nil
}
