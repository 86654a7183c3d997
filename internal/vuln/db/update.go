package db

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"ospo/internal/store"
)

// DefaultBaseURL is where OSV publishes its dumps, one
// <base>/<Ecosystem>/all.zip per ecosystem.
const DefaultBaseURL = "https://osv-vulnerabilities.storage.googleapis.com"

// DefaultEcosystems are the ecosystems whose dumps Update fetches when
// none are named: those ospo reads inventories of.
var DefaultEcosystems = []string{"npm", "Go", "PyPI", "Maven", "crates.io", "RubyGems", "NuGet", "Packagist", "Debian", "Alpine"}

// DefaultMaxDownload bounds one downloaded dump.
const DefaultMaxDownload = 2 << 30

// UpdateOptions tune Update.
type UpdateOptions struct {
	// BaseURL replaces DefaultBaseURL (a mirror, or a test server).
	BaseURL string
	// Ecosystems to fetch; empty means DefaultEcosystems.
	Ecosystems []string
	// Client makes the requests; nil means one with a generous timeout.
	Client *http.Client
	// MaxDownload bounds one dump's size (0: DefaultMaxDownload).
	MaxDownload int64
	// TempDir holds the download until it is imported ("" : the system's).
	TempDir string
	// Force downloads and imports even when the server says the dump is
	// the one imported last.
	Force bool
}

// UpdateResult is what Update did for one ecosystem.
type UpdateResult struct {
	Ecosystem string
	URL       string
	// Unchanged: the server's dump is the one imported last, so it was
	// not downloaded again.
	Unchanged bool
	Stats     ImportStats
	Err       error
}

// Update downloads each ecosystem's dump and imports it, skipping dumps
// the server reports unchanged since the last update (same CRC32C, ETag
// or Last-Modified). One ecosystem's failure does not stop the others;
// the returned error joins them all.
func (d *DB) Update(ctx context.Context, opts UpdateOptions) ([]UpdateResult, error) {
	base := opts.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("OSV update: base URL %q is not an http(s) URL", base)
	}
	ecos := opts.Ecosystems
	if len(ecos) == 0 {
		ecos = DefaultEcosystems
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 30 * time.Minute}
	}
	if opts.MaxDownload <= 0 {
		opts.MaxDownload = DefaultMaxDownload
	}
	var results []UpdateResult
	var errs []error
	for _, eco := range ecos {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		r := d.updateOne(ctx, strings.TrimRight(base, "/"), eco, opts)
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", eco, r.Err))
		}
		results = append(results, r)
	}
	return results, errors.Join(errs...)
}

func (d *DB) updateOne(ctx context.Context, base, eco string, opts UpdateOptions) UpdateResult {
	r := UpdateResult{Ecosystem: eco}
	if eco == "" || eco == "." || eco == ".." || strings.ContainsAny(eco, "/\\") {
		r.Err = fmt.Errorf("%q is not an ecosystem name", eco)
		return r
	}
	r.URL = base + "/" + url.PathEscape(eco) + "/all.zip"
	prev, err := d.source(ctx, r.URL)
	if err != nil {
		r.Err = err
		return r
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		r.Err = err
		return r
	}
	if prev != nil && !opts.Force {
		if prev.etag != "" {
			req.Header.Set("If-None-Match", prev.etag)
		}
		if prev.lastModified != "" {
			req.Header.Set("If-Modified-Since", prev.lastModified)
		}
	}
	resp, err := opts.Client.Do(req)
	if err != nil {
		r.Err = err
		return r
	}
	defer resp.Body.Close()
	now := sourceInfo{
		name: r.URL, location: r.URL,
		etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified"),
		crc: crc32cOf(resp.Header.Values("X-Goog-Hash")),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && prev != nil:
		r.Unchanged = true
		r.Err = d.markChecked(ctx, r.URL)
		return r
	case resp.StatusCode != http.StatusOK:
		r.Err = fmt.Errorf("GET %s: %s", r.URL, resp.Status)
		return r
	case prev != nil && !opts.Force && sameDump(*prev, now):
		r.Unchanged = true
		r.Err = d.markChecked(ctx, r.URL)
		return r
	}
	if resp.ContentLength > opts.MaxDownload {
		r.Err = fmt.Errorf("GET %s: %w: %d bytes, more than the %d allowed", r.URL, ErrLimit, resp.ContentLength, opts.MaxDownload)
		return r
	}
	tmp, err := download(resp.Body, opts.TempDir, opts.MaxDownload, now.crc)
	if tmp != "" {
		defer os.Remove(tmp)
	}
	if err != nil {
		r.Err = fmt.Errorf("GET %s: %w", r.URL, err)
		return r
	}
	r.Stats, r.Err = d.importPath(ctx, tmp, ImportOptions{}, now)
	return r
}

// download saves body to a temporary file, bounded by max, and checks it
// against the CRC32C the server announced, if any.
func download(body io.Reader, dir string, max int64, wantCRC string) (string, error) {
	f, err := os.CreateTemp(dir, "ospo-osv-*.zip")
	if err != nil {
		return "", err
	}
	name := f.Name()
	sum := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	n, err := io.Copy(io.MultiWriter(f, sum), io.LimitReader(body, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return name, err
	case n > max:
		return name, fmt.Errorf("%w: the download is larger than the %d bytes allowed", ErrLimit, max)
	case wantCRC != "" && crc32cString(sum.Sum32()) != wantCRC:
		return name, fmt.Errorf("download damaged: CRC32C %s, the server announced %s", crc32cString(sum.Sum32()), wantCRC)
	}
	return name, nil
}

// crc32cOf picks the crc32c value from X-Goog-Hash headers
// ("crc32c=AAAAAA==,md5=…", possibly as several headers).
func crc32cOf(values []string) string {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if k, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok && k == "crc32c" {
				return val
			}
		}
	}
	return ""
}

func crc32cString(sum uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], sum)
	return base64.StdEncoding.EncodeToString(b[:])
}

// sameDump compares by the strongest validator both sides have.
func sameDump(prev, now sourceInfo) bool {
	switch {
	case prev.crc != "" && now.crc != "":
		return prev.crc == now.crc
	case prev.etag != "" && now.etag != "":
		return prev.etag == now.etag
	case prev.lastModified != "" && now.lastModified != "":
		return prev.lastModified == now.lastModified
	}
	return false
}

// source reads a source row; nil when there is none.
func (d *DB) source(ctx context.Context, name string) (*sourceInfo, error) {
	si := sourceInfo{name: name}
	err := d.st.DB().QueryRowContext(ctx, d.st.Rebind(`SELECT location, etag, last_modified, crc32c FROM osv_sources WHERE name = ?`), name).
		Scan(&si.location, &si.etag, &si.lastModified, &si.crc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, store.MapError(err)
	}
	return &si, nil
}

func (d *DB) markChecked(ctx context.Context, name string) error {
	_, err := d.st.DB().ExecContext(ctx, d.st.Rebind(`UPDATE osv_sources SET checked_at = ? WHERE name = ?`),
		d.now().UTC().Truncate(time.Microsecond), name)
	return store.MapError(err)
}
