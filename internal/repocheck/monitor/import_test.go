package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/repocheck/result"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func compact(t *testing.T, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestImportScorecardJSONJoinsHistory(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	ossf := readTestdata(t, "scorecard/ossf-scorecard-v5.0.0-rc2.json")
	local := readTestdata(t, "scorecard/local-v4.8.0.jsonl")

	rep, err := Import(ctx, st, readScorecardV2, bytes.NewReader(ossf))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Trigger != "import" || len(rep.Repos) != 1 || rep.Repos[0].Err != "" {
		t.Fatalf("import report = %+v, want one result", rep)
	}
	got := rep.Repos[0].Result
	want, err := readScorecardV2(bytes.NewReader(ossf))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "github.com/ossf/scorecard" || got.Source != "scorecard" || got.Score != 9.6 || len(got.Checks) != 18 ||
		got.Commit != "d99ae690a90ece02d0fd74c3c5875190c4da76d7" || !got.Date.Equal(time.Date(2024, 5, 25, 20, 38, 5, 0, time.UTC)) {
		t.Errorf("imported %s source %s score %v, %d checks, commit %s, date %v", got.Name, got.Source, got.Score, len(got.Checks), got.Commit, got.Date)
	}
	hist, err := History(ctx, st, "github.com/ossf/scorecard")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 {
		t.Fatalf("history has %d results, want 1", len(hist))
	}
	if diff := cmp.Diff(*want, hist[0], timeEqual); diff != "" {
		t.Errorf("stored result differs from what the reader gave (-read +stored):\n%s", diff)
	}

	// JSON lines: the same result again (no change) and a --local run of
	// an older Scorecard, with a date-only date and no commit id.
	lines := compact(t, ossf) + "\n" + string(local)
	rep, err = Import(ctx, st, readScorecardV2, strings.NewReader(lines))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Repos) != 2 || rep.Repos[0].Err != "" || rep.Repos[1].Err != "" {
		t.Fatalf("JSON lines import = %+v", rep.Repos)
	}
	again := rep.Repos[0]
	if again.Previous == nil || !again.HasDelta || again.Delta != 0 || again.Changes != nil || again.Changed() {
		t.Errorf("re-imported result moved: %+v", again)
	}
	lr := rep.Repos[1].Result
	if lr.Name != "file:///tmp/dffml-feature-git-ly4u_eds" || lr.Commit != "unknown" || lr.Score != 6.8 ||
		!lr.Date.Equal(time.Date(2022, 10, 25, 0, 0, 0, 0, time.UTC)) || lr.Checks[1].Score != result.Inconclusive {
		t.Errorf("local result = %+v", lr)
	}

	// An array with one broken element: the others are stored.
	array := "[" + string(local) + `, {"repo": {}}, ` + compact(t, ossf) + "]"
	rep, err = Import(ctx, st, readScorecardV2, strings.NewReader(array))
	if err != nil {
		t.Fatal(err)
	}
	type entry struct{ Name, Err string }
	var entries []entry
	for _, rr := range rep.Repos {
		entries = append(entries, entry{rr.Name, rr.Err})
	}
	wantEntries := []entry{
		{"file:///tmp/dffml-feature-git-ly4u_eds", ""},
		{"result 2", "scorecard JSON: no repo.name"},
		{"github.com/ossf/scorecard", ""},
	}
	if diff := cmp.Diff(wantEntries, entries); diff != "" {
		t.Errorf("array import entries (-want +got):\n%s", diff)
	}
	hist, err = History(ctx, st, "github.com/ossf/scorecard")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 {
		t.Errorf("history has %d results after three imports, want 3", len(hist))
	}
}

func TestImportBadInputIsReportedNotFatal(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	local := readTestdata(t, "scorecard/local-v4.8.0.jsonl")
	tests := []struct {
		name string
		in   []byte
		want []string // name: error
	}{
		{"empty", nil, []string{"input: no Scorecard result found in the input"}},
		{"not JSON", []byte("Aggregate score: 6.9 / 10\n"), []string{"result 1: not JSON: invalid character 'A' looking for beginning of value; reading stopped here"}},
		{"truncated after a good line", append(append([]byte{}, local...), `{"date":`...), []string{
			"file:///tmp/dffml-feature-git-ly4u_eds: ",
			"result 2: not JSON: unexpected EOF; reading stopped here"}},
		{"UTF-8 byte order mark", append([]byte("\xEF\xBB\xBF"), local...), []string{"file:///tmp/dffml-feature-git-ly4u_eds: "}},
		{"UTF-16", []byte("\xFF\xFE{\x00}\x00"), []string{"result 1: input is UTF-16 text; convert it to UTF-8 first"}},
		{"array not closed", append(append([]byte("["), local...), ',', '\n'), []string{
			"file:///tmp/dffml-feature-git-ly4u_eds: ",
			"result 2: not JSON: the array is not closed; reading stopped here"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Import(ctx, st, readScorecardV2, bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, rr := range rep.Repos {
				got = append(got, rr.Name+": "+rr.Err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportAndRunKeepSourcesApart(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if _, err := Import(ctx, st, readScorecardV2, bytes.NewReader(readTestdata(t, "scorecard/ossf-scorecard-v5.0.0-rc2.json"))); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "scorecard")
	makeRepo(t, dir, map[string]string{"LICENSE": "Apache License\n"})
	rep, err := Run(ctx, st, Scope{Repos: []Target{{Name: "github.com/ossf/scorecard", Path: dir}}}, fileChecker, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Repos[0].Previous != nil {
		t.Errorf("a local result was compared with an imported Scorecard one: %+v", rep.Repos[0].Previous)
	}
	hist, err := History(ctx, st, "github.com/ossf/scorecard")
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, h := range hist {
		sources = append(sources, h.Source)
	}
	if diff := cmp.Diff([]string{"scorecard", "ospo"}, sources); diff != "" {
		t.Errorf("history sources (-want +got):\n%s", diff)
	}
}

func FuzzEachValue(f *testing.F) {
	for _, name := range []string{"scorecard/ossf-scorecard-v5.0.0-rc2.json", "scorecard/local-v4.8.0.jsonl"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(append(append([]byte("["), data...), ']'))
	}
	f.Add([]byte("{} {} [1,2]\n\"x\""))
	f.Add([]byte("\xEF\xBB\xBF[{}, {}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		problem, err := eachValue(context.Background(), bytes.NewReader(data), func(raw json.RawMessage) error {
			n++
			if !json.Valid(raw) {
				t.Fatalf("value %d is not valid JSON: %q", n, raw)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("err = %v without a failing callback or context", err)
		}
		rest := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
		if problem == "" && n == 0 && len(rest) > 0 && rest[0] != '[' {
			t.Fatalf("non-empty input %q gave no value and no problem", data)
		}
	})
}
