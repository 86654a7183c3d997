package db

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImportHostileZipEntries(t *testing.T) {
	ctx := context.Background()
	good := fixture(t, "GO-2020-0001.json")
	npm := fixture(t, "GHSA-p6mc-m468-83gw.json")
	huge := append(append([]byte(`{"id": "X-HUGE", "details": "`), bytes.Repeat([]byte("a"), 17<<20)...), `"}`...)
	inner := buildZip(t, zipEntry{name: "GHSA-8q59-q68h-6hv4.json", data: fixture(t, "GHSA-8q59-q68h-6hv4.json")})

	entries := []zipEntry{
		{name: "GO-2020-0001.json", data: good},
		{name: "../GHSA-escape.json", data: npm},
		{name: "/abs/GHSA-abs.json", data: npm},
		{name: "a/../../GHSA-deep.json", data: npm},
		{name: `..\GHSA-backslash.json`, data: npm},
		{name: "C:/GHSA-drive.json", data: npm},
		{name: "link.json", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777},
		{name: "inner.zip", data: inner},
		{name: "disguised.json", data: inner},
		{name: "huge.json", data: huge},
		{name: "lying-small-header.json", data: npm, raw: true, rawSize: 10},
		{name: "lying-huge-header.json", data: npm, raw: true, rawSize: 1 << 40},
		{name: "fifo.json", data: npm, mode: fs.ModeNamedPipe | 0o644},
		{name: "dir/", data: nil, mode: fs.ModeDir | 0o755},
		{name: "LICENSE", data: []byte("not a record: skipped")},
		{name: "term\x1b[31mred.json", data: []byte("{")},
	}
	zipPath := writeFile(t, filepath.Join(t.TempDir(), "all.zip"), buildZip(t, entries...))
	d := newTestDB(t)
	stats, err := d.Import(ctx, zipPath, ImportOptions{MaxTotalBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Added != 1 {
		t.Errorf("added %d, want only the one good record", stats.Added)
	}
	got := map[string]string{}
	for _, p := range stats.Problems {
		entry, ok := strings.CutPrefix(p.Path, zipPath+"!/")
		if !ok {
			t.Errorf("problem path %q does not name the archive", p.Path)
		}
		got[entry] = p.Message
	}
	want := map[string]string{
		"../GHSA-escape.json":     "unsafe entry name",
		"/abs/GHSA-abs.json":      "unsafe entry name",
		"a/../../GHSA-deep.json":  "unsafe entry name",
		`..\GHSA-backslash.json`:  "unsafe entry name",
		"C:/GHSA-drive.json":      "unsafe entry name",
		"link.json":               "symbolic link",
		"inner.zip":               "nested archive",
		"disguised.json":          "nested archives are not imported",
		"huge.json":               "larger than the 16 MiB",
		"lying-small-header.json": "zip: not a valid zip file",
		"lying-huge-header.json":  "header claims 1099511627776 bytes",
		"fifo.json":               "not a regular file",
		`"term\x1b[31mred.json"`:  "invalid OSV record",
	}
	if len(got) != len(want) {
		t.Errorf("problems for %d entries, want %d: %v", len(got), len(want), got)
	}
	for entry, msg := range want {
		if !strings.Contains(got[entry], msg) {
			t.Errorf("entry %s: problem %q, want one saying %q", entry, got[entry], msg)
		}
	}
	if recs, _ := d.Lookup(ctx, "npm", "lodash"); len(recs) != 0 {
		t.Errorf("a record behind a rejected entry was imported: %v", ids(recs))
	}
	if recs, _ := d.Lookup(ctx, "PyPI", "pyyaml"); len(recs) != 0 {
		t.Errorf("a nested archive was imported: %v", ids(recs))
	}
	checkConsistent(t, d)
}

func TestImportZipBounds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	entries := fixtureZip(t)
	dump := writeFile(t, filepath.Join(dir, "all.zip"), buildZip(t, entries...))

	// A deflate bomb: a small archive whose entries inflate far past the
	// total bound, with honest headers and with headers claiming little.
	var bomb []zipEntry
	for i := range 8 {
		bomb = append(bomb, zipEntry{name: "bomb" + string(rune('a'+i)) + ".json", data: bytes.Repeat([]byte(" "), 8<<20)})
	}
	bombPath := writeFile(t, filepath.Join(dir, "bomb.zip"), buildZip(t, bomb...))
	if fi, _ := os.Stat(bombPath); fi.Size() > 1<<20 {
		t.Fatalf("bomb archive is %d bytes; it should be small", fi.Size())
	}

	tests := []struct {
		name string
		path string
		opts ImportOptions
		want string
	}{
		{"too many entries", dump, ImportOptions{MaxEntries: len(entries) - 1}, "entries, more than the"},
		{"too many bytes declared", dump, ImportOptions{MaxTotalBytes: 4096}, "declare more than 4096 bytes"},
		{"bomb", bombPath, ImportOptions{MaxTotalBytes: 32 << 20}, "declare more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDB(t)
			_, err := d.Import(ctx, tt.path, tt.opts)
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrLimit saying %q", err, tt.want)
			}
			if diff := cmp.Diff(snapshot{}, takeSnapshot(t, d)); diff != "" {
				t.Errorf("a refused archive left data:\n%s", diff)
			}
		})
	}
}

func TestImportNotAZip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	valid := buildZip(t, fixtureZip(t)...)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"text named .zip", []byte("<html>not found</html>"), "not a zip archive"},
		{"empty .zip", nil, "not a zip archive"},
		{"truncated zip", valid[:len(valid)/2], "not a readable zip archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(dir, tt.name+".zip"), tt.data)
			d := newTestDB(t)
			_, err := d.Import(ctx, path, ImportOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want one naming %s and saying %q", err, path, tt.want)
			}
		})
	}
}

func TestImportZipDamagedEntry(t *testing.T) {
	ctx := context.Background()
	entries := fixtureZip(t)
	data := buildZip(t, entries...)
	// Damage the compressed bytes of the first entry (its data begins
	// after the 30-byte local header and the name).
	start := 30 + len(entries[0].name)
	for i := start + 10; i < start+40; i++ {
		data[i] ^= 0xff
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "all.zip"), data)
	d := newTestDB(t)
	stats, err := d.Import(ctx, path, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Rejected != 1 || stats.Added != len(entries)-1 || len(stats.Problems) != 1 ||
		stats.Problems[0].Path != path+"!/"+entries[0].name {
		t.Errorf("stats %+v", stats)
	}
}
