package db

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/package-url/packageurl-go"

	"ospo/internal/store"
	"ospo/internal/vuln/osv"
)

// Bounds on one import, against archives built to exhaust memory, disk
// or time. The largest published per-ecosystem dumps hold some hundred
// thousand records and a few gigabytes uncompressed at most.
const (
	DefaultMaxEntries    = 2_000_000
	DefaultMaxTotalBytes = 4 << 30
)

// ImportOptions tune an import.
type ImportOptions struct {
	// Source names where the records came from in Status; empty means the
	// absolute path imported.
	Source string
	// MaxEntries bounds the entries of an archive (0: DefaultMaxEntries).
	MaxEntries int
	// MaxTotalBytes bounds the bytes read from all records together
	// (0: DefaultMaxTotalBytes).
	MaxTotalBytes int64
}

// ImportStats counts what an import did. Every record read lands in one
// of Added, Updated, Unchanged or Rejected; Withdrawn counts those of the
// accepted records that are withdrawn (stored, never matched).
type ImportStats struct {
	Added     int
	Updated   int
	Unchanged int
	Withdrawn int
	Rejected  int
	Problems  []Problem
}

// ErrLimit is wrapped by the error of an import that an archive's size or
// entry count stopped.
var ErrLimit = errors.New("import limit exceeded")

// sourceInfo is the osv_sources row an import writes.
type sourceInfo struct {
	name, location          string
	etag, lastModified, crc string
}

// Import reads OSV records from path into the database: an OSV dump zip
// (an ecosystem's all.zip), a directory tree of *.json, *.yaml and *.yml
// records, or a single record file. A stored record is replaced only by
// a newer one (by modified time; by content when either time is zero,
// as in the Go vulnerability database's repository copies).
//
// The import is one transaction: when it fails (a cancelled context, a
// database or disk error, an archive over the bounds) nothing of it is
// kept and the error says why. Records that cannot be read or fail the
// OSV checks are Problems; the others are imported.
func (d *DB) Import(ctx context.Context, path string, opts ImportOptions) (ImportStats, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ImportStats{}, fmt.Errorf("import %s: %w", path, err)
	}
	name := opts.Source
	if name == "" {
		name = abs
	}
	return d.importPath(ctx, path, opts, sourceInfo{name: name, location: abs})
}

func (d *DB) importPath(ctx context.Context, path string, opts ImportOptions, si sourceInfo) (ImportStats, error) {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.MaxTotalBytes <= 0 {
		opts.MaxTotalBytes = DefaultMaxTotalBytes
	}
	src, err := openSource(path, opts)
	if err != nil {
		return ImportStats{}, err
	}
	defer src.Close()

	im, err := d.begin(ctx, si)
	if err != nil {
		return ImportStats{}, err
	}
	err = src.each(ctx, im)
	if err == nil {
		err = im.finish(ctx)
	}
	if err != nil {
		im.abort()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return ImportStats{}, fmt.Errorf("import %s: %w; nothing of it was kept", path, store.MapError(err))
	}
	return im.stats, nil
}

// A source hands each record it holds to the importer.
type source interface {
	each(ctx context.Context, im *importer) error
	Close() error
}

func openSource(path string, opts ImportOptions) (source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if fi.IsDir() {
		return openDir(path, opts)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("import %s: not a regular file or directory", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if isZipMagic(magic[:n]) {
		return openZip(path, f, fi.Size(), opts)
	}
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		f.Close()
		return nil, fmt.Errorf("import %s: not a zip archive (it does not start with a zip header)", path)
	}
	return &fileSource{path: path, f: f}, nil
}

// fileSource is one record file.
type fileSource struct {
	path string
	f    *os.File
}

func (s *fileSource) Close() error { return s.f.Close() }

func (s *fileSource) each(ctx context.Context, im *importer) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	data, err := readBounded(s.f, -1)
	if err != nil {
		return im.reject(ctx, s.path, err.Error())
	}
	return im.add(ctx, s.path, data)
}

// errTooLarge is a record over osv.MaxRecordSize.
var errTooLarge = fmt.Errorf("larger than the %d MiB a record may have; not read", osv.MaxRecordSize>>20)

// readBounded reads one record, never more than osv.MaxRecordSize+1 bytes
// whatever the declared size (-1: unknown) says.
func readBounded(r io.Reader, declared int64) ([]byte, error) {
	if declared > osv.MaxRecordSize {
		return nil, errTooLarge
	}
	var buf bytes.Buffer
	if declared > 0 {
		buf.Grow(int(declared) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, osv.MaxRecordSize+1)); err != nil {
		return nil, err
	}
	if buf.Len() > osv.MaxRecordSize {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}

// decodeRecord parses and checks a record and returns the JSON to store:
// the input itself for JSON, the record encoded as JSON for YAML.
func decodeRecord(data []byte) (*osv.Record, []byte, error) {
	if isZipMagic(data) || isGzipMagic(data) {
		return nil, nil, errors.New("an archive, not an OSV record; nested archives are not imported")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, errors.New("empty file, not an OSV record")
	}
	rec, err := osv.Parse(data)
	if err != nil {
		return nil, nil, err
	}
	js := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(js) == 0 || js[0] != '{' {
		if js, err = json.Marshal(rec); err != nil {
			return nil, nil, fmt.Errorf("%w: cannot be stored as JSON: %v", osv.ErrInvalid, err)
		}
		var back osv.Record
		if err := json.Unmarshal(js, &back); err != nil {
			return nil, nil, fmt.Errorf("%w: does not survive conversion to JSON: %v", osv.ErrInvalid, err)
		}
	}
	return rec, js, nil
}

// checkText refuses NUL characters in the strings that become keys
// (the id, and package names, also those decoded from a purl):
// PostgreSQL text cannot hold them.
func checkText(rec *osv.Record, keys []pkgKey) error {
	if strings.ContainsRune(rec.ID, 0) {
		return fmt.Errorf("%w: id contains a NUL character", osv.ErrInvalid)
	}
	for _, k := range keys {
		if strings.ContainsRune(k.eco, 0) || strings.ContainsRune(k.name, 0) {
			return fmt.Errorf("%w: %s: a package name contains a NUL character", osv.ErrInvalid, rec.ID)
		}
	}
	return nil
}

// contentHash identifies a record's content regardless of indentation:
// the SHA-256 of its JSON without the whitespace outside strings. The
// JSON has been parsed already, so a simple scan is enough.
func contentHash(js []byte) []byte {
	h := sha256.New()
	var buf [4096]byte
	n := 0
	inString, escaped := false, false
	for _, c := range js {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		}
		buf[n] = c
		n++
		if n == len(buf) {
			h.Write(buf[:n])
			n = 0
		}
	}
	h.Write(buf[:n])
	return h.Sum(nil)
}

// pkgKey is one osv_affected row.
type pkgKey struct{ eco, base, name string }

// affectedKeys lists the packages a record names, each once, in the
// record's order. A package given only by its purl is named after it.
func affectedKeys(rec *osv.Record) []pkgKey {
	var keys []pkgKey
	seen := map[pkgKey]bool{}
	for _, a := range rec.Affected {
		eco, name := a.Package.Ecosystem, a.Package.Name
		if eco == "" || name == "" {
			eco, name = fromPURL(a.Package.PURL)
			if eco == "" || name == "" {
				continue
			}
		}
		base := CanonicalEcosystem(osv.BaseEcosystem(eco))
		k := pkgKey{eco: eco, base: base, name: NormalizeName(base, name)}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// fromPURL names the OSV ecosystem and package a package URL points at,
// for the types whose mapping is unambiguous.
func fromPURL(s string) (eco, name string) {
	if s == "" {
		return "", ""
	}
	p, err := packageurl.FromString(s)
	if err != nil || p.Name == "" {
		return "", ""
	}
	joined := func(sep string) string {
		if p.Namespace == "" {
			return p.Name
		}
		return p.Namespace + sep + p.Name
	}
	switch p.Type {
	case "golang":
		return "Go", joined("/")
	case "npm":
		return "npm", joined("/")
	case "pypi":
		return "PyPI", p.Name
	case "maven":
		if p.Namespace == "" {
			return "", ""
		}
		return "Maven", joined(":")
	case "cargo":
		return "crates.io", p.Name
	case "gem":
		return "RubyGems", p.Name
	case "nuget":
		return "NuGet", p.Name
	case "composer":
		return "Packagist", joined("/")
	case "hex":
		return "Hex", p.Name
	case "pub":
		return "Pub", p.Name
	case "deb":
		switch p.Namespace {
		case "debian":
			return "Debian", p.Name
		case "ubuntu":
			return "Ubuntu", p.Name
		}
	case "apk":
		if p.Namespace == "alpine" {
			return "Alpine", p.Name
		}
	}
	return "", ""
}

func isZipMagic(b []byte) bool {
	return len(b) >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 && b[3] == 4 || b[2] == 5 && b[3] == 6)
}

func isGzipMagic(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }
