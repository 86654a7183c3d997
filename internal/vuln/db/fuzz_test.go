package db

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/vuln/osv"
)

// FuzzImportZip feeds arbitrary bytes to Import as an OSV dump. It must
// not panic, must write no file, and must leave the database consistent:
// unchanged when the import fails, every stored record readable and
// indexed exactly by the packages it names when it succeeds.
func FuzzImportZip(f *testing.F) {
	f.Add(buildZip(f, fixtureZip(f)...))
	f.Add(buildZip(f,
		zipEntry{name: "../x.json", data: fixture(f, "GO-2020-0001.json")},
		zipEntry{name: "l.json", data: []byte("x"), mode: fs.ModeSymlink | 0o777},
		zipEntry{name: "PYSEC-2021-66.yaml", data: fixture(f, "PYSEC-2021-66.yaml")},
		zipEntry{name: "n.zip", data: buildZip(f, zipEntry{name: "a.json", data: []byte("{}")})},
		zipEntry{name: "small.json", data: fixture(f, "GHSA-5crp-9r3c-p9vr.json"), raw: true, rawSize: 5},
	))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte("not a zip"))

	d := newTestDB(f)
	// The database's directory must stay clean too (a SQLite file; a
	// PostgreSQL store has none).
	var dbDirs []string
	if p := d.st.Path(); p != "" {
		dbDirs = append(dbDirs, filepath.Dir(p))
	}
	allowed := map[string]bool{"all.zip": true, "ospo.db": true, "ospo.db-wal": true, "ospo.db-shm": true}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		work := t.TempDir()
		path := filepath.Join(work, "all.zip")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		before := takeSnapshot(t, d)
		stats, err := d.Import(ctx, path, ImportOptions{MaxTotalBytes: 8 << 20, MaxEntries: 1000})
		if err != nil {
			if diff := cmp.Diff(before, takeSnapshot(t, d)); diff != "" {
				t.Fatalf("failed import (%v) changed the database:\n%s", err, diff)
			}
		} else {
			if stats.Rejected > len(stats.Problems) {
				t.Fatalf("%d rejected, %d problems", stats.Rejected, len(stats.Problems))
			}
			for _, p := range stats.Problems {
				if !strings.HasPrefix(p.Path, path+"!/") || p.Message == "" {
					t.Fatalf("problem %+v does not name an entry of the archive", p)
				}
			}
			checkConsistent(t, d)
		}
		// Nothing was extracted anywhere.
		for _, dir := range append([]string{work}, dbDirs...) {
			var names []string
			filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
				if p != dir {
					names = append(names, filepath.Base(p))
				}
				return nil
			})
			for _, n := range names {
				if !allowed[n] {
					t.Fatalf("file %s appeared in %s", n, dir)
				}
			}
		}
	})
}

// FuzzImportRecord imports arbitrary bytes as one record file: a record
// that osv.Parse accepts is stored (unless it cannot be kept: NUL
// characters, YAML values JSON cannot hold) and found again under every
// package it names; anything else is one rejected record with a problem.
func FuzzImportRecord(f *testing.F) {
	for _, n := range fixtureRecords(f) {
		f.Add(fixture(f, n))
	}
	f.Add([]byte(`{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "Foo_Bar.baz"}}]}`))
	f.Add([]byte(`{"id": "X-2", "affected": [{"package": {"purl": "pkg:npm/%40scope/name"}}]}`))
	f.Add([]byte("id: X-3\naffected:\n- package: {ecosystem: 'Debian:12', name: openssl}\n"))
	f.Add([]byte(`{"id": "X-4", "withdrawn": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}`))
	f.Add([]byte(""))

	d := newTestDB(f)
	ctx := context.Background()
	path := filepath.Join(f.TempDir(), "record.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if isZipMagic(data) {
			return // that is an archive, FuzzImportZip's ground
		}
		for _, q := range []string{`DELETE FROM osv_records`, `DELETE FROM osv_sources`} {
			if _, err := d.st.DB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		stats, err := d.Import(ctx, path, ImportOptions{})
		if err != nil {
			t.Fatalf("import of one file failed: %v", err)
		}
		rec, perr := osv.Parse(data)
		accepted := stats.Added + stats.Updated + stats.Unchanged
		switch {
		case perr != nil && (stats.Rejected != 1 || accepted != 0):
			t.Fatalf("invalid record (%v) gave %+v", perr, stats)
		case stats.Rejected+accepted != 1:
			t.Fatalf("one file gave %+v", stats)
		case stats.Rejected == 1 && (len(stats.Problems) != 1 || stats.Problems[0].Path != path):
			t.Fatalf("rejection without its problem: %+v", stats)
		case perr == nil && stats.Rejected == 1 && !strings.Contains(stats.Problems[0].Message, "NUL") &&
			!strings.Contains(stats.Problems[0].Message, "JSON") && !strings.Contains(stats.Problems[0].Message, "empty"):
			t.Fatalf("valid record rejected: %v", stats.Problems[0].Message)
		}
		checkConsistent(t, d)
		if accepted == 0 {
			return
		}
		for _, a := range rec.Affected {
			if a.Package.Ecosystem == "" || a.Package.Name == "" {
				continue
			}
			found, err := d.Lookup(ctx, osv.BaseEcosystem(a.Package.Ecosystem), a.Package.Name)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Withdrawn != nil {
				if len(found) != 0 {
					t.Fatalf("withdrawn record returned: %v", ids(found))
				}
				continue
			}
			if !slices.Contains(ids(found), rec.ID) {
				t.Fatalf("Lookup(%q, %q) = %v, want %s", a.Package.Ecosystem, a.Package.Name, ids(found), rec.ID)
			}
			// Lookups return the slim form: what matching reads must be
			// intact.
			got := found[slices.Index(ids(found), rec.ID)]
			if !cmp.Equal(matchView(rec), matchView(got), cmpopts.EquateEmpty()) {
				t.Fatalf("stored record differs from the parsed one in what matching reads:\n%s", cmp.Diff(matchView(rec), matchView(got), cmpopts.EquateEmpty()))
			}
		}
	})
}

// matchView is what matching and findings read of a record.
func matchView(r *osv.Record) any {
	type aff struct {
		Pkg      osv.Package
		Ranges   []osv.Range
		Versions []string
		Severity []osv.Severity
	}
	v := struct {
		ID, Summary string
		Aliases     []string
		Severity    []osv.Severity
		Affected    []aff
	}{ID: r.ID, Summary: r.Summary, Aliases: r.Aliases, Severity: r.Severity}
	for _, a := range r.Affected {
		v.Affected = append(v.Affected, aff{a.Package, a.Ranges, a.Versions, a.Severity})
	}
	return v
}
