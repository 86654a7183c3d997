package inventory

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// skipDirs are never descended by the walk: version-control data, and
// package trees that the extractors read themselves from their project root.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "node_modules": true,
	".pnpm-store": true, ".yarn": true,
}

// osVirtualDirs are the kernel's and the runtime's pseudo file systems at
// the top of an operating system's root: nothing there is software, and
// walking them is slow or endless.
var osVirtualDirs = map[string]bool{"proc": true, "sys": true, "dev": true, "run": true}

// isOSRoot reports whether dir is the root file system of an operating
// system (this machine's / or an unpacked container image).
func isOSRoot(dir string) bool {
	for _, f := range []string{"etc/os-release", "usr/lib/os-release"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// Scan walks root once, hands each extractor the files it wants, and runs
// the extractors in parallel. display is how the user named root. A root
// that cannot be walked is an error; anything below it that cannot be read
// is a Problem.
func Scan(ctx context.Context, root, display string, exts []Extractor, opts Options) (*Inventory, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", display, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", display, err)
	}
	opts.Root, opts.Display = abs, display
	inv := &Inventory{Root: abs}
	wanted := make([][]string, len(exts))
	if !info.IsDir() {
		// A single file (a binary, a lockfile): offer it to every extractor.
		opts.Root, opts.Display = filepath.Dir(abs), filepath.Dir(display)
		d := fs.FileInfoToDirEntry(info)
		for i, e := range exts {
			if e.Wants(filepath.Base(abs), d) {
				wanted[i] = append(wanted[i], abs)
			}
		}
	} else {
		goModDirs := map[string]bool{}
		osRoot := isOSRoot(abs)
		walkErr := filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if err != nil {
				inv.Problems = append(inv.Problems, Problem{Path: opts.Rel(path), Message: err.Error()})
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			rel, _ := filepath.Rel(abs, path)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if path != abs && skipDirs[d.Name()] {
					return filepath.SkipDir
				}
				if osRoot && osVirtualDirs[rel] {
					return filepath.SkipDir
				}
				// A Go vendor directory belongs to the module beside it.
				if d.Name() == "vendor" && goModDirs[filepath.Dir(path)] {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Name() == "go.mod" {
				goModDirs[filepath.Dir(path)] = true
			}
			for i, e := range exts {
				if e.Wants(rel, d) {
					wanted[i] = append(wanted[i], path)
				}
			}
			return nil
		})
		if walkErr != nil {
			return nil, fmt.Errorf("scan %s: %w", display, walkErr)
		}
	}

	type result struct {
		projects []*Project
		problems []Problem
		err      error
	}
	results := make([]result, len(exts))
	var wg sync.WaitGroup
	for i, e := range exts {
		if len(wanted[i]) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps, probs, err := e.Extract(ctx, opts.Root, wanted[i], opts)
			results[i] = result{ps, probs, err}
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.err != nil {
			return nil, fmt.Errorf("%s extractor: %w", exts[i].Name(), r.err)
		}
		inv.Projects = append(inv.Projects, r.projects...)
		inv.Problems = append(inv.Problems, r.problems...)
	}
	sort.SliceStable(inv.Projects, func(i, j int) bool { return inv.Projects[i].Path < inv.Projects[j].Path })
	return inv, nil
}

// Append adds other's projects and problems to inv.
func (inv *Inventory) Append(other *Inventory) {
	inv.Projects = append(inv.Projects, other.Projects...)
	inv.Problems = append(inv.Problems, other.Problems...)
}
