package db

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ospo/internal/vuln/osv"
)

// The corpus checks import the real Go vulnerability database. They run
// when OSPO_CORPUS names the corpus directory holding
// gomodcache-vulndb (the golang.org/x/vulndb module fetched through the
// module proxy) and go-big; OSPO_OSV_GO_ZIP may name an OSV dump of the
// Go ecosystem (all.zip, as osv-scanner caches it).

func vulndbDir(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("OSPO_CORPUS")
	if base == "" {
		tb.Skip("OSPO_CORPUS is not set")
	}
	dirs, _ := filepath.Glob(filepath.Join(base, "gomodcache-vulndb", "golang.org", "x", "vulndb@*", "data", "osv"))
	if len(dirs) == 0 {
		tb.Skip("no golang.org/x/vulndb module in the corpus")
	}
	slices.Sort(dirs)
	return dirs[len(dirs)-1]
}

// countRecords counts a directory's record files and the withdrawn ones.
func countRecords(tb testing.TB, dir string) (records, withdrawn int) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		records++
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		if bytes.Contains(data, []byte(`"withdrawn":`)) {
			withdrawn++
		}
	}
	return records, withdrawn
}

func TestCorpusGoVulnDB(t *testing.T) {
	dir := vulndbDir(t)
	ctx := context.Background()
	records, withdrawn := countRecords(t, dir)
	if records < 4000 {
		t.Fatalf("only %d records in %s", records, dir)
	}
	d := newTestDB(t)
	start := time.Now()
	stats, err := d.Import(ctx, dir, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d records in %v", records, time.Since(start))
	if stats.Added != records || stats.Withdrawn != withdrawn || stats.Rejected != 0 || len(stats.Problems) != 0 {
		t.Errorf("stats %+v, want %d added, %d withdrawn", stats, records, withdrawn)
	}
	st, err := d.Status(ctx)
	if err != nil || len(st) != 1 || st[0].Ecosystem != "Go" || st[0].Records != records || st[0].Withdrawn != withdrawn {
		t.Errorf("status %+v %v", st, err)
	}
	recs, err := d.Lookup(ctx, "Go", "github.com/gin-gonic/gin")
	if err != nil || !slices.Contains(ids(recs), "GO-2020-0001") {
		t.Errorf("gin records %v %v", ids(recs), err)
	}
	checkConsistent(t, d)

	zipPath := os.Getenv("OSPO_OSV_GO_ZIP")
	if zipPath == "" {
		t.Log("OSPO_OSV_GO_ZIP is not set; the dump is not compared")
		return
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	entries := len(zr.File)
	zr.Close()
	// The dump holds the same records: importing it over the directory
	// changes nothing, and into an empty database adds them all.
	stats, err = d.Import(ctx, zipPath, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Unchanged != entries || stats.Added != 0 || stats.Updated != 0 || stats.Rejected != 0 {
		t.Errorf("dump over directory: %+v, want %d unchanged", stats, entries)
	}
	fresh := newTestDB(t)
	stats, err = fresh.Import(ctx, zipPath, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Added != entries || stats.Withdrawn != withdrawn || stats.Rejected != 0 {
		t.Errorf("dump into an empty database: %+v, want %d added", stats, entries)
	}
}

// goBigModules lists the module paths of go-big's go.sum, as `go list
// -m all` would name them (the main module aside).
func goBigModules(tb testing.TB) []string {
	tb.Helper()
	base := os.Getenv("OSPO_CORPUS")
	if base == "" {
		tb.Skip("OSPO_CORPUS is not set")
	}
	f, err := os.Open(filepath.Join(base, "go-big", "go.sum"))
	if err != nil {
		tb.Skip(err)
	}
	defer f.Close()
	var mods []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 3 && !slices.Contains(mods, fields[0]) {
			mods = append(mods, fields[0])
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return append(mods, "stdlib", "toolchain")
}

func TestCorpusLookupManyGoBig(t *testing.T) {
	dir := vulndbDir(t)
	mods := goBigModules(t)
	ctx := context.Background()
	d := newTestDB(t)
	if _, err := d.Import(ctx, dir, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := d.LookupMany(ctx, "Go", mods)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	n := 0
	for mod, recs := range got {
		n += len(recs)
		for _, r := range recs {
			if r.Withdrawn != nil || !names(r, mod) {
				t.Errorf("%s: record %s does not name it or is withdrawn", mod, r.ID)
			}
		}
		// Each record once per module.
		if len(slices.Compact(ids(recs))) != len(recs) {
			t.Errorf("%s: duplicate records %v", mod, ids(recs))
		}
	}
	t.Logf("%d modules: %d with records, %d records, in %v", len(mods), len(got), n, elapsed)
	if len(got["stdlib"]) < 100 {
		t.Errorf("only %d stdlib records", len(got["stdlib"]))
	}
}

func names(r *osv.Record, mod string) bool {
	for _, a := range r.Affected {
		if a.Package.Name == mod {
			return true
		}
	}
	return false
}

// BenchmarkImportGoVulnDB imports the Go vulnerability database's
// records into an empty database.
func BenchmarkImportGoVulnDB(b *testing.B) {
	dir := vulndbDir(b)
	records, _ := countRecords(b, dir)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		d := newTestDB(b)
		b.StartTimer()
		stats, err := d.Import(ctx, dir, ImportOptions{})
		if err != nil || stats.Added != records {
			b.Fatalf("%+v %v", stats, err)
		}
	}
	b.ReportMetric(float64(records), "records/op")
}

// BenchmarkLookupManyGoBig looks up every module of go-big at once, as
// matching a large Go project does.
func BenchmarkLookupManyGoBig(b *testing.B) {
	dir := vulndbDir(b)
	mods := goBigModules(b)
	ctx := context.Background()
	d := newTestDB(b)
	if _, err := d.Import(ctx, dir, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	var found int
	for b.Loop() {
		got, err := d.LookupMany(ctx, "Go", mods)
		if err != nil {
			b.Fatal(err)
		}
		found = len(got)
	}
	b.ReportMetric(float64(len(mods)), "modules/op")
	b.ReportMetric(float64(found), "modules-with-records/op")
}
