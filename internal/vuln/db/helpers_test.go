package db

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"ospo/internal/store/storetest"
	"ospo/internal/vuln/osv"
)

// fixedNow is the clock of test databases.
var fixedNow = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)

func newTestDB(t testing.TB) *DB {
	t.Helper()
	d := New(storetest.Open(t))
	d.now = func() time.Time { return fixedNow }
	return d
}

// fixture reads a file of testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureRecords lists the record files of testdata.
func fixtureRecords(t testing.TB) []string {
	t.Helper()
	var names []string
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if isRecordName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

func parsed(t testing.TB, name string) *osv.Record {
	t.Helper()
	r, err := osv.Parse(fixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// zipEntry is one entry of a test archive.
type zipEntry struct {
	name string
	data []byte
	mode fs.FileMode // 0: a regular file
	// raw, when set, writes data as stored bytes under a header that
	// claims rawSize bytes (a lying header).
	raw     bool
	rawSize uint64
}

func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		if e.raw {
			h.Method = zip.Store
			h.CompressedSize64 = uint64(len(e.data))
			h.UncompressedSize64 = e.rawSize
			w, err := zw.CreateRaw(h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(e.data)
			continue
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fixtureZip is an OSV dump of the testdata JSON records, flat as the
// published all.zip files are.
func fixtureZip(t testing.TB) []zipEntry {
	var entries []zipEntry
	for _, n := range fixtureRecords(t) {
		if strings.HasSuffix(n, ".json") {
			entries = append(entries, zipEntry{name: n, data: fixture(t, n)})
		}
	}
	return entries
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ids lists the IDs of records.
func ids(recs []*osv.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return out
}

// snapshot is the database's content in comparable form.
type snapshot struct {
	Records  []string // id|modified|withdrawn|source|hash prefix
	Affected []string // id|ecosystem|base|name
}

func takeSnapshot(t testing.TB, d *DB) snapshot {
	t.Helper()
	var s snapshot
	rows, err := d.st.DB().Query(`SELECT id, modified, withdrawn IS NOT NULL, source, content_hash, length(json) FROM osv_records ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, src string
		var hash []byte
		var mod time.Time
		var wd bool
		var n int
		if err := rows.Scan(&id, &mod, &wd, &src, &hash, &n); err != nil {
			t.Fatal(err)
		}
		s.Records = append(s.Records, strings.Join([]string{id, mod.UTC().Format(time.RFC3339Nano), boolStr(wd), src, strings.ToUpper(hex.EncodeToString(hash))[:12]}, "|"))
	}
	rows.Close()
	rows, err = d.st.DB().Query(`SELECT record_id, ecosystem, ecosystem_base, name FROM osv_affected ORDER BY record_id, ecosystem, name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, b, c, e string
		if err := rows.Scan(&a, &b, &c, &e); err != nil {
			t.Fatal(err)
		}
		s.Affected = append(s.Affected, a+"|"+b+"|"+c+"|"+e)
	}
	rows.Close()
	return s
}

func boolStr(b bool) string {
	if b {
		return "withdrawn"
	}
	return "live"
}

// checkConsistent asserts what must hold after any import: every
// affected row has its record, every stored record decodes and passes
// the OSV checks, and its affected rows are exactly what it names.
func checkConsistent(t testing.TB, d *DB) {
	t.Helper()
	var orphans int
	if err := d.st.DB().QueryRow(`SELECT COUNT(*) FROM osv_affected a LEFT JOIN osv_records r ON r.id = a.record_id WHERE r.id IS NULL`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d affected rows without a record", orphans)
	}
	rows, err := d.st.DB().Query(`SELECT id, json FROM osv_records`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string][]byte{}
	for rows.Next() {
		var id string
		var js []byte
		if err := rows.Scan(&id, &js); err != nil {
			t.Fatal(err)
		}
		stored[id] = js
	}
	rows.Close()
	snap := takeSnapshot(t, d)
	have := map[string]bool{}
	for _, a := range snap.Affected {
		have[a] = true
	}
	want := map[string]bool{}
	for id, js := range stored {
		r, err := osv.Parse(js)
		if err != nil {
			t.Errorf("stored record %q does not parse: %v", id, err)
			continue
		}
		if r.ID != id {
			t.Errorf("stored record under %q has id %q", id, r.ID)
		}
		for _, k := range affectedKeys(r) {
			want[id+"|"+k.eco+"|"+k.base+"|"+k.name] = true
		}
	}
	for k := range want {
		if !have[k] {
			t.Errorf("affected row %q missing", k)
		}
	}
	for k := range have {
		if !want[k] {
			t.Errorf("affected row %q not named by its record", k)
		}
	}
}
