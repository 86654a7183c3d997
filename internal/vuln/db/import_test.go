package db

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/vuln/osv"
)

func TestImportDirectoryAndLookup(t *testing.T) {
	d := newTestDB(t)
	ctx := context.Background()
	stats, err := d.Import(ctx, "testdata", ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := ImportStats{Added: 7, Withdrawn: 1}
	if diff := cmp.Diff(want, stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	checkConsistent(t, d)

	lookups := []struct {
		eco, name string
		want      []string
	}{
		{"Go", "github.com/gin-gonic/gin", []string{"GO-2020-0001"}},
		{"Go", "github.com/Gin-Gonic/gin", nil},              // Go module paths are exact
		{"Go", "k8s.io/kubernetes", nil},                     // only in a withdrawn record
		{"Go", "stdlib", []string{"GO-2026-6610"}},           // named twice by the record, returned once
		{"Go", "golang.org/x/net", []string{"GO-2026-6610"}}, // the same record's other package
		{"go", "golang.org/x/net", []string{"GO-2026-6610"}}, // ecosystem spelled loosely
		{"npm", "lodash", []string{"GHSA-p6mc-m468-83gw"}},
		{"npm", "lodash-es", []string{"GHSA-p6mc-m468-83gw"}},
		{"npm", "Lodash", nil}, // npm names are exact
		{"PyPI", "PyYAML", []string{"GHSA-8q59-q68h-6hv4"}},
		{"PyPI", "pyyaml", []string{"GHSA-8q59-q68h-6hv4"}},
		{"pypi", "Jinja2", []string{"PYSEC-2021-66"}}, // from the YAML record
		{"PyPI", "jinja_2", nil},
		{"NuGet", "newtonsoft.json", []string{"GHSA-5crp-9r3c-p9vr"}},
		{"NuGet", "NEWTONSOFT.JSON", []string{"GHSA-5crp-9r3c-p9vr"}},
		{"Maven", "lodash", nil}, // another ecosystem
	}
	for _, l := range lookups {
		recs, err := d.Lookup(ctx, l.eco, l.name)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(l.want, ids(recs)); diff != "" {
			t.Errorf("Lookup(%s, %s) (-want +got):\n%s", l.eco, l.name, diff)
		}
	}

	// What comes back is the record as published, without the parts
	// matching and reports never read.
	for _, name := range []string{"GO-2026-6610.json", "GHSA-8q59-q68h-6hv4.json", "PYSEC-2021-66.yaml"} {
		full := parsed(t, name)
		slim, err := slimJSON(full)
		if err != nil {
			t.Fatal(err)
		}
		want := new(osv.Record)
		if err := json.Unmarshal(slim, want); err != nil {
			t.Fatal(err)
		}
		if want.Details != "" || want.Affected[0].EcosystemSpecific != nil || want.Summary != full.Summary ||
			len(want.Affected) != len(full.Affected) || !cmp.Equal(want.Affected[0].Ranges, full.Affected[0].Ranges) {
			t.Fatalf("%s: the slim record lost what matching needs or kept what it does not", name)
		}
		recs, err := d.Lookup(ctx, osv.BaseEcosystem(want.Affected[0].Package.Ecosystem), want.Affected[0].Package.Name)
		if err != nil || len(recs) != 1 {
			t.Fatalf("Lookup for %s: %v %v", name, ids(recs), err)
		}
		if diff := cmp.Diff(want, recs[0]); diff != "" {
			t.Errorf("%s as looked up (-file +db):\n%s", name, diff)
		}
	}
}

func TestImportZipDumpEqualsDirectory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	zipPath := writeFile(t, filepath.Join(dir, "all.zip"), buildZip(t, fixtureZip(t)...))

	d := newTestDB(t)
	stats, err := d.Import(ctx, zipPath, ImportOptions{Source: "test dump"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ImportStats{Added: 6, Withdrawn: 1}, stats); diff != "" {
		t.Errorf("zip import stats (-want +got):\n%s", diff)
	}
	checkConsistent(t, d)

	// The same records from a directory change nothing (the YAML one is new).
	stats, err = d.Import(ctx, "testdata", ImportOptions{Source: "test dump"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ImportStats{Added: 1, Unchanged: 6, Withdrawn: 1}, stats); diff != "" {
		t.Errorf("directory after zip (-want +got):\n%s", diff)
	}
	// Importing the zip again changes nothing.
	before := takeSnapshot(t, d)
	stats, err = d.Import(ctx, zipPath, ImportOptions{Source: "test dump"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ImportStats{Unchanged: 6, Withdrawn: 1}, stats); diff != "" {
		t.Errorf("zip again (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, takeSnapshot(t, d)); diff != "" {
		t.Errorf("an unchanged import changed the database (-before +after):\n%s", diff)
	}
}

// withField rewrites one top-level field of a JSON record.
func withField(t *testing.T, data []byte, field string, value any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m[field] = value
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportIsIncremental(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	dir := t.TempDir()
	current := fixture(t, "GHSA-p6mc-m468-83gw.json") // modified 2022-02-08T22:04:28Z
	older := withField(t, current, "modified", "2021-01-01T00:00:00Z")
	older = withField(t, older, "summary", "older text")
	olderSameTime := withField(t, current, "summary", "edited without a new modified time")

	goRec := fixture(t, "GO-2020-0001.json") // modified 0001-01-01
	var compact bytes.Buffer
	if err := json.Compact(&compact, goRec); err != nil {
		t.Fatal(err)
	}
	goCompact := compact.Bytes()
	goChanged := withField(t, goRec, "summary", "changed text, still no modified time")
	goMoved := withField(t, goChanged, "affected", []map[string]any{{
		"package": map[string]any{"name": "github.com/gin-gonic/gin/v2", "ecosystem": "Go"},
		"ranges":  []map[string]any{{"type": "SEMVER", "events": []map[string]string{{"introduced": "0"}}}},
	}})

	steps := []struct {
		name    string
		data    []byte
		want    ImportStats
		summary string // of the stored GHSA or GO record afterwards
	}{
		{"older first", older, ImportStats{Added: 1}, "older text"},
		{"newer replaces", current, ImportStats{Updated: 1}, "Prototype Pollution in lodash"},
		{"older is skipped", older, ImportStats{Unchanged: 1}, "Prototype Pollution in lodash"},
		{"same modified is skipped", olderSameTime, ImportStats{Unchanged: 1}, "Prototype Pollution in lodash"},
		{"zero modified added", goRec, ImportStats{Added: 1}, "Arbitrary log line injection in github.com/gin-gonic/gin"},
		{"zero modified, same content re-indented", goCompact, ImportStats{Unchanged: 1}, "Arbitrary log line injection in github.com/gin-gonic/gin"},
		{"zero modified, other content", goChanged, ImportStats{Updated: 1}, "changed text, still no modified time"},
		{"zero modified, package renamed", goMoved, ImportStats{Updated: 1}, "changed text, still no modified time"},
	}
	for i, s := range steps {
		path := writeFile(t, filepath.Join(dir, s.name+".json"), s.data)
		stats, err := d.Import(ctx, path, ImportOptions{})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if diff := cmp.Diff(s.want, stats); diff != "" {
			t.Errorf("step %d %s: stats (-want +got):\n%s", i, s.name, diff)
		}
		var rec *osv.Record
		if strings.HasPrefix(s.name, "zero") {
			recs, _ := d.LookupMany(ctx, "Go", []string{"github.com/gin-gonic/gin", "github.com/gin-gonic/gin/v2"})
			for _, r := range recs {
				rec = r[0]
			}
		} else {
			recs, _ := d.Lookup(ctx, "npm", "lodash")
			if len(recs) == 1 {
				rec = recs[0]
			}
		}
		if rec == nil || rec.Summary != s.summary {
			t.Errorf("step %d %s: stored record %+v, want summary %q", i, s.name, rec, s.summary)
		}
	}
	// The renamed package replaced the old one's index row.
	if recs, _ := d.Lookup(ctx, "Go", "github.com/gin-gonic/gin"); len(recs) != 0 {
		t.Errorf("old package still finds %v", ids(recs))
	}
	if recs, _ := d.Lookup(ctx, "Go", "github.com/gin-gonic/gin/v2"); len(recs) != 1 {
		t.Errorf("new package finds %v", ids(recs))
	}
	checkConsistent(t, d)
}

func TestImportWithdrawal(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	dir := t.TempDir()
	live := fixture(t, "GHSA-8q59-q68h-6hv4.json")
	withdrawn := withField(t, withField(t, live, "modified", "2024-05-01T00:00:00Z"), "withdrawn", "2024-05-01T00:00:00Z")

	if _, err := d.Import(ctx, writeFile(t, filepath.Join(dir, "a.json"), live), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if recs, _ := d.Lookup(ctx, "PyPI", "pyyaml"); len(recs) != 1 {
		t.Fatalf("live record: %v", ids(recs))
	}
	stats, err := d.Import(ctx, writeFile(t, filepath.Join(dir, "b.json"), withdrawn), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ImportStats{Updated: 1, Withdrawn: 1}, stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if recs, _ := d.Lookup(ctx, "PyPI", "pyyaml"); len(recs) != 0 {
		t.Errorf("withdrawn record still returned: %v", ids(recs))
	}
	// Stored, though: Status counts it.
	st, err := d.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Records != 1 || st[0].Withdrawn != 1 {
		t.Errorf("status %+v", st)
	}
}

func TestImportBadRecordsAreProblems(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "good", "GHSA-p6mc-m468-83gw.json"), fixture(t, "GHSA-p6mc-m468-83gw.json"))
	writeFile(t, filepath.Join(dir, "good", "PYSEC-2021-66.yaml"), fixture(t, "PYSEC-2021-66.yaml"))
	bad := map[string]struct {
		data    string
		message string
	}{
		"truncated.json":     {`{"id": "GHSA-xxxx", "modified": "2022-01-01T00:00:00Z", "affected": [`, "unexpected end of JSON input"},
		"not-yaml.yaml":      {"id: [unclosed\n  - x: y: z", "YAML"},
		"empty.json":         {" \n", "empty"},
		"no-introduced.json": {`{"id": "X-1", "modified": "2022-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"fixed": "1.0.0"}]}]}]}`, "no introduced event"},
		"bad-time.json":      {`{"id": "X-2", "modified": "yesterday"}`, "invalid OSV record"},
		"nul-id.json":        {`{"id": "X-\u0000", "modified": "2022-01-01T00:00:00Z"}`, "NUL"},
		"year-0.yaml":        {"id: X-3\nmodified: 0000-01-01T00:00:00Z\npublished: -0001-01-01T00:00:00Z\n", "invalid OSV record"},
		"archive.json":       {"PK\x03\x04 pretending", "nested archives"},
	}
	for name, b := range bad {
		writeFile(t, filepath.Join(dir, "bad", name), []byte(b.data))
	}
	writeFile(t, filepath.Join(dir, "bad", "notes.txt"), []byte("not a record name: ignored"))
	writeFile(t, filepath.Join(dir, ".git", "x.json"), []byte("hidden directories are skipped"))

	stats, err := d.Import(ctx, dir, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Added != 2 || stats.Rejected != len(bad) || len(stats.Problems) != len(bad) {
		t.Errorf("stats %+v", stats)
	}
	for _, p := range stats.Problems {
		name := filepath.Base(p.Path)
		b, ok := bad[name]
		if !ok || p.Path != filepath.Join(dir, "bad", name) {
			t.Errorf("problem for unexpected path %s: %s", p.Path, p.Message)
			continue
		}
		if !strings.Contains(p.Message, b.message) {
			t.Errorf("%s: message %q does not say %q", name, p.Message, b.message)
		}
	}
	if recs, _ := d.Lookup(ctx, "PyPI", "jinja2"); len(recs) != 1 {
		t.Errorf("good YAML record not imported: %v", ids(recs))
	}
	checkConsistent(t, d)
}

func TestImportSingleFiles(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	for _, name := range []string{"GO-2020-0001.json", "PYSEC-2021-66.yaml"} {
		stats, err := d.Import(ctx, filepath.Join("testdata", name), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ImportStats{Added: 1}, stats); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	stats, err := d.Import(ctx, filepath.Join("testdata", "README.md"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Rejected != 1 || len(stats.Problems) != 1 || stats.Problems[0].Path != filepath.Join("testdata", "README.md") {
		t.Errorf("a non-record file: %+v", stats)
	}
	if _, err := d.Import(ctx, filepath.Join("testdata", "missing.json"), ImportOptions{}); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}

func TestImportFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	if _, err := d.Import(ctx, "testdata", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, d)
	beforeStatus, err := d.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A dump where every record is newer, so each one replaces a stored one.
	var entries []zipEntry
	for _, e := range fixtureZip(t) {
		e.data = withField(t, e.data, "modified", "2030-01-01T00:00:00Z")
		entries = append(entries, e)
	}
	zipPath := writeFile(t, filepath.Join(t.TempDir(), "all.zip"), buildZip(t, entries...))

	diskFull := errors.New("disk full (simulated)")
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tests := []struct {
		name string
		ctx  context.Context
		hook func(n int) error
		want error
	}{
		{"write error midway", ctx, func(n int) error {
			if n == 3 {
				return diskFull
			}
			return nil
		}, diskFull},
		{"cancelled midway", cctx, func(n int) error {
			if n == 3 {
				cancel()
			}
			return nil
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d.afterRecord = tt.hook
			defer func() { d.afterRecord = nil }()
			stats, err := d.Import(tt.ctx, zipPath, ImportOptions{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if diff := cmp.Diff(ImportStats{}, stats); diff != "" {
				t.Errorf("a failed import reports stats:\n%s", diff)
			}
			if diff := cmp.Diff(before, takeSnapshot(t, d)); diff != "" {
				t.Errorf("a failed import changed the database (-before +after):\n%s", diff)
			}
			st, err := d.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(beforeStatus, st); diff != "" {
				t.Errorf("status changed (-before +after):\n%s", diff)
			}
		})
	}
	// And the same dump imports fine afterwards.
	stats, err := d.Import(ctx, zipPath, ImportOptions{})
	if err != nil || stats.Updated != 6 {
		t.Errorf("after the failures: %+v %v", stats, err)
	}
}

func TestImportDirectoryDoesNotLeaveTheTree(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	base := t.TempDir()
	outside := writeFile(t, filepath.Join(base, "outside", "GHSA-8q59-q68h-6hv4.json"), fixture(t, "GHSA-8q59-q68h-6hv4.json"))
	tree := filepath.Join(base, "tree")
	writeFile(t, filepath.Join(tree, "npm", "GHSA-p6mc-m468-83gw.json"), fixture(t, "GHSA-p6mc-m468-83gw.json"))
	links := map[string]string{
		filepath.Join(tree, "escape.json"):      outside,
		filepath.Join(tree, "escape-rel.json"):  filepath.Join("..", "outside", "GHSA-8q59-q68h-6hv4.json"),
		filepath.Join(tree, "linked-dir"):       filepath.Join(base, "outside"),
		filepath.Join(tree, "inside-link.json"): filepath.Join("npm", "GHSA-p6mc-m468-83gw.json"),
		filepath.Join(tree, "dangling.json"):    filepath.Join(tree, "nothing-here.json"),
	}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("symbolic links unavailable: %v", err)
		}
	}
	stats, err := d.Import(ctx, tree, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The record reached through the in-tree link is the same record.
	if stats.Added != 1 || stats.Unchanged != 1 || stats.Rejected != 0 {
		t.Errorf("stats %+v", stats)
	}
	var paths []string
	for _, p := range stats.Problems {
		paths = append(paths, filepath.Base(p.Path))
		if !strings.Contains(p.Message, "not followed") {
			t.Errorf("%s: %s", p.Path, p.Message)
		}
	}
	if diff := cmp.Diff([]string{"dangling.json", "escape-rel.json", "escape.json"}, paths); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if recs, _ := d.Lookup(ctx, "PyPI", "pyyaml"); len(recs) != 0 {
		t.Errorf("a record outside the tree was imported: %v", ids(recs))
	}
}

func TestStatus(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	if st, err := d.Status(ctx); err != nil || len(st) != 0 {
		t.Fatalf("empty database: %v %v", st, err)
	}
	if _, err := d.Import(ctx, "testdata", ImportOptions{Source: "fixtures"}); err != nil {
		t.Fatal(err)
	}
	// A distribution record with a release suffix, from another source.
	debian := `{"id": "DSA-0000-1", "modified": "2024-03-01T12:00:00Z",
		"affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u2"}]}]},
		             {"package": {"ecosystem": "Debian:11", "name": "openssl"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1.1w-0+deb11u1"}]}]}]}`
	later := fixedNow.Add(time.Hour)
	d.now = func() time.Time { return later }
	if _, err := d.Import(ctx, writeFile(t, filepath.Join(t.TempDir(), "dsa.json"), []byte(debian)), ImportOptions{Source: "debian file"}); err != nil {
		t.Fatal(err)
	}
	got, err := d.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts := func(s string) time.Time {
		t, _ := time.Parse(time.RFC3339, s)
		return t
	}
	want := []EcosystemStatus{
		{Ecosystem: "Debian", Records: 1, NewestModified: ts("2024-03-01T12:00:00Z"), ImportedAt: later, CheckedAt: later, Sources: []string{"debian file"}},
		{Ecosystem: "Go", Records: 3, Withdrawn: 1, ImportedAt: fixedNow, CheckedAt: fixedNow, Sources: []string{"fixtures"}},
		{Ecosystem: "NuGet", Records: 1, NewestModified: ts("2022-07-12T03:46:43Z"), ImportedAt: fixedNow, CheckedAt: fixedNow, Sources: []string{"fixtures"}},
		{Ecosystem: "PyPI", Records: 2, NewestModified: ts("2021-09-28T19:04:49Z"), ImportedAt: fixedNow, CheckedAt: fixedNow, Sources: []string{"fixtures"}},
		{Ecosystem: "npm", Records: 1, NewestModified: ts("2022-02-08T22:04:28Z"), ImportedAt: fixedNow, CheckedAt: fixedNow, Sources: []string{"fixtures"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Status (-want +got):\n%s", diff)
	}
	// One Debian record, found once whatever the release suffix.
	recs, err := d.Lookup(ctx, "Debian", "openssl")
	if err != nil || len(recs) != 1 {
		t.Errorf("Lookup(Debian, openssl) = %v, %v", ids(recs), err)
	}
}

func TestLookupManyBatchesAndSharesRecords(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	if _, err := d.Import(ctx, "testdata", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// More names than one query takes; the matches sit in different batches.
	var names []string
	for i := range 1234 {
		names = append(names, "example.com/m"+strings.Repeat("x", i%7)+"/"+string(rune('a'+i%26))+"-"+strconv.Itoa(i))
	}
	names[10] = "stdlib"
	names[900] = "golang.org/x/net"
	names = append(names, "golang.org/x/net") // a duplicate
	got, err := d.LookupMany(ctx, "Go", names)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got["stdlib"]) != 1 || len(got["golang.org/x/net"]) != 1 {
		t.Fatalf("LookupMany = %v", got)
	}
	if got["stdlib"][0] != got["golang.org/x/net"][0] {
		t.Error("one record decoded twice within one call")
	}
	// Names normalising to one stored name each get the records.
	py, err := d.LookupMany(ctx, "PyPI", []string{"PyYAML", "pyyaml", "Jinja2", "requests"})
	if err != nil {
		t.Fatal(err)
	}
	gotIDs := map[string][]string{}
	for k, v := range py {
		gotIDs[k] = ids(v)
	}
	wantIDs := map[string][]string{
		"PyYAML": {"GHSA-8q59-q68h-6hv4"}, "pyyaml": {"GHSA-8q59-q68h-6hv4"}, "Jinja2": {"PYSEC-2021-66"},
	}
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("PyPI LookupMany (-want +got):\n%s", diff)
	}
	if got, err := d.LookupMany(ctx, "Go", nil); err != nil || len(got) != 0 {
		t.Errorf("no names: %v %v", got, err)
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ eco, in, want string }{
		{"PyPI", "PyYAML", "pyyaml"},
		{"PyPI", "zope.interface", "zope-interface"},
		{"PyPI", "Foo__Bar-.baz", "foo-bar-baz"},
		{"pypi", "Django", "django"},
		{"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
		{"Packagist", "Symfony/HTTP-Kernel", "symfony/http-kernel"},
		{"npm", "@Angular/Core", "@Angular/Core"},
		{"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
		{"Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"},
		{"crates.io", "Serde_JSON", "Serde_JSON"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.eco, tt.in); got != tt.want {
			t.Errorf("NormalizeName(%s, %s) = %s, want %s", tt.eco, tt.in, got, tt.want)
		}
	}
}

func TestAffectedKeysFromPURL(t *testing.T) {
	rec := &osv.Record{ID: "X-1", Affected: []osv.Affected{
		{Package: osv.Package{PURL: "pkg:pypi/PyYAML"}},
		{Package: osv.Package{PURL: "pkg:maven/org.apache.logging.log4j/log4j-core"}},
		{Package: osv.Package{PURL: "pkg:golang/github.com/gin-gonic/gin"}},
		{Package: osv.Package{PURL: "pkg:npm/%40angular/core"}},
		{Package: osv.Package{PURL: "pkg:deb/debian/openssl?arch=source"}},
		{Package: osv.Package{PURL: "pkg:generic/whatever"}},
		{Package: osv.Package{PURL: "pkg:pypi:jinja2"}}, // malformed, as a real record has it
		{Package: osv.Package{Ecosystem: "Debian:12", Name: "openssl"}},
	}}
	got := affectedKeys(rec)
	want := []pkgKey{
		{"PyPI", "PyPI", "pyyaml"},
		{"Maven", "Maven", "org.apache.logging.log4j:log4j-core"},
		{"Go", "Go", "github.com/gin-gonic/gin"},
		{"npm", "npm", "@angular/core"},
		{"Debian", "Debian", "openssl"},
		{"Debian:12", "Debian", "openssl"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(pkgKey{})); diff != "" {
		t.Errorf("affectedKeys (-want +got):\n%s", diff)
	}
}
