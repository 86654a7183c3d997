package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ospo/internal/vuln/osv"
)

// dirSource is a directory tree of record files, as in an advisory
// database's repository. It is read through an os.Root, so a symbolic
// link that leads out of the tree is refused by the operating system
// interface itself, and linked directories are not descended.
type dirSource struct {
	path string
	root *os.Root
}

func openDir(p string, _ ImportOptions) (*dirSource, error) {
	root, err := os.OpenRoot(p)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return &dirSource{path: p, root: root}, nil
}

func (s *dirSource) Close() error { return s.root.Close() }

func (s *dirSource) each(ctx context.Context, im *importer) error {
	return fs.WalkDir(s.root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		where := filepath.Join(s.path, filepath.FromSlash(rel))
		if err != nil {
			if rel == "." {
				return err
			}
			// WalkDir skips an unreadable directory itself.
			return im.problem(ctx, where, fmt.Sprintf("cannot read: %v", unwrapPath(err)))
		}
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir // .git and the like
			}
			return nil
		}
		if !isRecordName(d.Name()) {
			return nil
		}
		t := d.Type()
		if !t.IsRegular() && t&fs.ModeSymlink == 0 {
			return im.problem(ctx, where, "not a regular file; not read")
		}
		// Stat follows a link, but only within the root.
		fi, err := s.root.Stat(rel)
		switch {
		case err != nil && t&fs.ModeSymlink != 0:
			return im.problem(ctx, where, "symbolic link that leaves the imported directory or leads nowhere; not followed")
		case err != nil:
			return im.reject(ctx, where, fmt.Sprintf("cannot read: %v", unwrapPath(err)))
		case !fi.Mode().IsRegular():
			return im.problem(ctx, where, "not a regular file; not read")
		case fi.Size() > osv.MaxRecordSize:
			return im.reject(ctx, where, errTooLarge.Error())
		}
		f, err := s.root.Open(rel)
		if err != nil {
			return im.reject(ctx, where, fmt.Sprintf("cannot read: %v", unwrapPath(err)))
		}
		data, err := readBounded(f, fi.Size())
		f.Close()
		if err != nil {
			return im.reject(ctx, where, fmt.Sprintf("cannot read: %v", unwrapPath(err)))
		}
		return im.add(ctx, where, data)
	})
}

// unwrapPath drops the path a *fs.PathError repeats, since the problem
// already names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
