package golang

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"golang.org/x/mod/module"

	"ospo/internal/inventory/fsread"
)

// Size limits for the files this package reads. They are far above what
// real projects hold (the largest go.sum files known are a few MiB) and
// keep a hostile file from filling memory.
const (
	maxModFile     = 4 << 20  // go.mod, go.work, a cached .mod file
	maxSumFile     = 32 << 20 // go.sum, go.work.sum
	maxModulesTxt  = 32 << 20 // vendor/modules.txt
	maxBinarySize  = 1 << 30  // Go binaries; buildinfo reads only a few sections of them
	binaryMagicLen = 4
)

// ioWorkers bounds the goroutines that read small files at once. Reading
// waits on the file system more than on the CPU, so it pays to have more
// of them than CPUs.
func ioWorkers() int { return max(16, runtime.GOMAXPROCS(0)) }

var errTooLarge = errors.New("file too large")

// fileReader reads files for one extraction. Files below the scan root
// are opened through an os.Root, so a symlink inside the project cannot
// lead the scan to a file outside it. The module cache and replacement
// directories named by a go.mod are read where they are, like the go
// command reads them.
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
	if r.rootDir == "" {
		return "", false
	}
	return fsread.RelWithin(path, r.rootDir)
}

func (r *fileReader) open(path string) (*os.File, error) {
	if rel, ok := r.inRoot(path); ok && r.root != nil {
		return r.root.Open(rel)
	}
	return os.Open(path)
}

func (r *fileReader) stat(path string) (fs.FileInfo, error) {
	if rel, ok := r.inRoot(path); ok && r.root != nil {
		return r.root.Stat(rel)
	}
	return os.Stat(path)
}

// isDir reports whether path is a directory that can be reached.
func (r *fileReader) isDir(path string) bool {
	fi, err := r.stat(path)
	return err == nil && fi.IsDir()
}

// read returns the content of path, refusing files larger than limit.
// Errors are returned as they are; callers name the file. It sizes the
// buffer from the file's size so that a file costs one read.
func (r *fileReader) read(path string, limit int64) ([]byte, error) {
	if _, ok := r.inRoot(path); ok {
		// Opening a named pipe would block: look before opening what the
		// scanned project put there.
		fi, err := r.stat(path)
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, fsread.ErrNotRegular
		}
	}
	f, err := r.open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fsread.ErrNotRegular
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", errTooLarge, fi.Size(), limit)
	}
	// The size from the stat bounds the read: a file that grows meanwhile
	// is read as it was.
	buf := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// modCacheDir finds the module cache the way the go command does, without
// running it: the option, then GOMODCACHE, then the first GOPATH entry's
// pkg/mod, then the default GOPATH under the home directory.
func modCacheDir(opt string, getenv func(string) string) string {
	if opt != "" {
		return opt
	}
	if v := getenv("GOMODCACHE"); v != "" {
		return v
	}
	if gp := getenv("GOPATH"); gp != "" {
		for _, p := range filepath.SplitList(gp) {
			if p != "" {
				return filepath.Join(p, "pkg", "mod")
			}
		}
	}
	home := getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, "go", "pkg", "mod")
}

// cachedModFiles are the places a module version's go.mod may be found in
// the module cache: the download cache first (it also holds the go.mod the
// go command synthesises for modules without one), then the extracted tree.
func cachedModFiles(cache string, m module.Version) (download, extracted string, ok bool) {
	if cache == "" {
		return "", "", false
	}
	ep, err := module.EscapePath(m.Path)
	if err != nil {
		return "", "", false
	}
	ev, err := module.EscapeVersion(m.Version)
	if err != nil {
		return "", "", false
	}
	download = filepath.Join(cache, "cache", "download", filepath.FromSlash(ep), "@v", ev+".mod")
	extracted = filepath.Join(cache, filepath.FromSlash(ep)+"@"+ev, "go.mod")
	return download, extracted, true
}

// cachedModuleDir is where the module cache extracts a module version.
func cachedModuleDir(cache string, m module.Version) string {
	if cache == "" || m.Version == "" {
		return ""
	}
	ep, err := module.EscapePath(m.Path)
	if err != nil {
		return ""
	}
	ev, err := module.EscapeVersion(m.Version)
	if err != nil {
		return ""
	}
	return filepath.Join(cache, filepath.FromSlash(ep)+"@"+ev)
}

// parallel calls fn(0) … fn(n-1) on up to workers goroutines and waits.
func parallel(n, workers int, fn func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
