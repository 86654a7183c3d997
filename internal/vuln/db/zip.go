package db

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode"

	"ospo/internal/vuln/osv"
)

// zipSource is an OSV dump: a zip archive of record files. Nothing is
// ever written out of it; entries are read into memory one at a time,
// each bounded, and the archive as a whole bounded in entries and bytes.
type zipSource struct {
	path string
	f    *os.File
	zr   *zip.Reader
	opts ImportOptions
}

func openZip(p string, f *os.File, size int64, opts ImportOptions) (*zipSource, error) {
	zr, err := zip.NewReader(f, size)
	if errors.Is(err, zip.ErrInsecurePath) {
		// Entry names are checked one by one below; the reader is usable.
		err = nil
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("import %s: not a readable zip archive: %w", p, err)
	}
	if len(zr.File) > opts.MaxEntries {
		f.Close()
		return nil, fmt.Errorf("import %s: %w: %d entries, more than the %d allowed", p, ErrLimit, len(zr.File), opts.MaxEntries)
	}
	// Entries over the record bound are refused one by one without being
	// read, so only the others count towards the total.
	var declared uint64
	for _, e := range zr.File {
		if e.UncompressedSize64 > osv.MaxRecordSize {
			continue
		}
		if declared+e.UncompressedSize64 > uint64(opts.MaxTotalBytes) {
			f.Close()
			return nil, fmt.Errorf("import %s: %w: entries declare more than %d bytes uncompressed", p, ErrLimit, opts.MaxTotalBytes)
		}
		declared += e.UncompressedSize64
	}
	return &zipSource{path: p, f: f, zr: zr, opts: opts}, nil
}

func (s *zipSource) Close() error { return s.f.Close() }

func (s *zipSource) each(ctx context.Context, im *importer) error {
	var total int64
	for _, e := range s.zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		where := s.path + "!/" + printable(e.Name)
		if msg, skip := entryProblem(e); skip {
			if msg != "" {
				if err := im.problem(ctx, where, msg); err != nil {
					return err
				}
			}
			continue
		}
		data, err := readEntry(e)
		total += int64(len(data))
		if total > s.opts.MaxTotalBytes {
			return fmt.Errorf("%w: records hold more than %d bytes uncompressed", ErrLimit, s.opts.MaxTotalBytes)
		}
		if err != nil {
			if !isEntryFormatError(err) {
				return fmt.Errorf("read %s: %w", where, err)
			}
			if err := im.reject(ctx, where, err.Error()); err != nil {
				return err
			}
			continue
		}
		if err := im.add(ctx, where, data); err != nil {
			return err
		}
	}
	return nil
}

// entryProblem tells which entries are not read as records, and why
// when that is worth a problem (entries that are simply not records,
// such as directories or a LICENSE file, are skipped silently).
func entryProblem(e *zip.File) (problem string, skip bool) {
	mode := e.Mode()
	switch {
	case !safeEntryName(e.Name):
		return "unsafe entry name (absolute, or with a .. element); not imported", true
	case mode&fs.ModeSymlink != 0:
		return "symbolic link entry; not followed", true
	case mode.IsDir() || strings.HasSuffix(e.Name, "/"):
		return "", true
	case !mode.IsRegular():
		return "not a regular file; not imported", true
	case isArchiveName(e.Name):
		return "nested archive; not imported", true
	case !isRecordName(e.Name):
		return "", true
	}
	return "", false
}

func readEntry(e *zip.File) ([]byte, error) {
	// The header is checked first to spare the work, and the read is
	// bounded anyway: headers can lie.
	if e.UncompressedSize64 > osv.MaxRecordSize {
		return nil, fmt.Errorf("%w (the entry header claims %d bytes)", errTooLarge, e.UncompressedSize64)
	}
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readBounded(rc, int64(e.UncompressedSize64))
}

// isEntryFormatError tells damage of one entry (a bad checksum, an
// unknown compression method, a lying size, broken deflate data, an
// oversized record) from a failure reading the file itself.
func isEntryFormatError(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) ||
		errors.Is(err, zip.ErrAlgorithm) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, errTooLarge) || errors.As(err, &corrupt)
}

// safeEntryName refuses names that would leave a directory they were
// extracted to: absolute paths, drive letters, backslashes used as
// separators, .. elements, NUL bytes.
func safeEntryName(name string) bool {
	if name == "" || strings.ContainsRune(name, 0) {
		return false
	}
	if strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) {
		return false
	}
	if len(name) >= 2 && name[1] == ':' {
		return false
	}
	for _, el := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if el == ".." {
			return false
		}
	}
	return true
}

func isRecordName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".json", ".yaml", ".yml":
		return true
	}
	return false
}

func isArchiveName(name string) bool {
	n := strings.ToLower(name)
	for _, ext := range []string{".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst", ".7z", ".jar", ".rar"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

// printable keeps hostile entry names from carrying terminal escapes
// into reports.
func printable(name string) string {
	for _, r := range name {
		if !unicode.IsPrint(r) || r == unicode.ReplacementChar {
			return strconv.QuoteToGraphic(name)
		}
	}
	return name
}
