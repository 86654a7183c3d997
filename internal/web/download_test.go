package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"ospo/internal/access"
	"ospo/internal/portfolio"
	"ospo/internal/report"
)

// manyLodashes is doc with its one vulnerable component (lodash, in the
// api-service fixture) copied n times under as many versions: n
// components and n findings.
func manyLodashes(t *testing.T, doc *report.Document, n int) *report.Document {
	t.Helper()
	var base *report.Component
	for i := range doc.Components {
		if doc.Components[i].Name == "lodash" && len(doc.Components[i].Vulnerabilities) > 0 {
			base = &doc.Components[i]
		}
	}
	if base == nil {
		t.Fatal("the api-service fixture has no vulnerable lodash")
	}
	d := *doc
	d.Components = make([]report.Component, n)
	for i := range d.Components {
		c := *base
		c.Version = fmt.Sprintf("0.0.%d", i)
		c.PURL = "pkg:npm/lodash@" + c.Version
		c.Paths = [][]string{{"lodash@" + c.Version}}
		d.Components[i] = c
	}
	return &d
}

// TestCSVDownloadsWholeList downloads lists longer than the longest page
// the portfolio answers (1,000) as CSV: without a limit each holds every
// item, read page by page, once; with a limit, that page.
func TestCSVDownloadsWholeList(t *testing.T) {
	f := sqliteFixture(t)
	ctx := t.Context()
	n := portfolio.MaxLimit + 3
	big, err := f.port.AddProject(ctx, "test", portfolio.Project{Name: "big-service"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.port.Ingest(ctx, portfolio.Ingestion{ProjectID: big.ID, Doc: manyLodashes(t, scanDocs(t)[2], n),
		Origin: "cli", Actor: "test", At: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := f.port.AddProject(ctx, "test", portfolio.Project{Name: fmt.Sprintf("many-%04d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	lists := []string{"/projects", fmt.Sprintf("/projects/%d", big.ID), "/components", "/components?q=lodash", "/findings", "/findings?project=big-service"}
	check := func(t *testing.T, path string) {
		t.Helper()
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		total := f.do(req{path: path + sep + "format=json&limit=1", token: access.Viewer}).Body.String()
		want := jsonTotal(t, path, []byte(total))
		if want <= portfolio.MaxLimit {
			t.Fatalf("%s has %d items; the test wants more than a page", path, want)
		}
		w := f.do(req{path: path + sep + "format=csv", token: access.Viewer})
		records, err := csv.NewReader(w.Body).ReadAll()
		if w.Code != http.StatusOK || err != nil {
			t.Fatalf("CSV: %d %v", w.Code, err)
		}
		if len(records)-1 != want {
			t.Errorf("the CSV has %d rows, the list %d items", len(records)-1, want)
		}
		seen := map[string]bool{}
		for _, rec := range records[1:] {
			k := strings.Join(rec, "\x00")
			if seen[k] {
				t.Errorf("row %v is in the CSV twice", rec)
				break
			}
			seen[k] = true
		}
		w = f.do(req{path: path + sep + "format=csv&limit=10&offset=5", token: access.Viewer})
		if records, err := csv.NewReader(w.Body).ReadAll(); err != nil || len(records) != 11 {
			t.Errorf("CSV with limit=10: %d rows, %v", len(records)-1, err)
		}
	}
	for _, path := range lists {
		t.Run(path, func(t *testing.T) { check(t, path) })
	}
	// Pages of 300 rows: the same lists, across more page boundaries.
	f.srv.csvPage = 300
	for _, path := range lists {
		t.Run("pages of 300"+path, func(t *testing.T) { check(t, path) })
	}
	// The events log (each project added above wrote one): every event,
	// newest first, across pages of 300.
	var events int
	if err := f.st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	w := f.do(req{path: "/events?format=csv", token: access.Reviewer})
	records, err := csv.NewReader(w.Body).ReadAll()
	if err != nil || events <= portfolio.MaxLimit || len(records)-1 != events {
		t.Errorf("events CSV: %d rows, %v; the log has %d", len(records)-1, err, events)
	}
	for i := 2; i < len(records); i++ {
		if a, b := atoiT(t, records[i-1][0]), atoiT(t, records[i][0]); a <= b {
			t.Errorf("events CSV rows %d and %d are not newest first: %s, %s", i-1, i, records[i-1][0], records[i][0])
			break
		}
	}
	// Actions are ranked whole: the download has them all.
	f.srv.csvPage = portfolio.MaxLimit
	w = f.do(req{path: "/actions?format=csv", token: access.Viewer})
	records, _ = csv.NewReader(w.Body).ReadAll()
	j := f.do(req{path: "/api/v1/actions?limit=1000", token: access.Viewer})
	if got, want := len(records)-1, listLen(j.Body.Bytes()); got < want || got == 0 {
		t.Errorf("actions CSV: %d rows, the API %d", got, want)
	}
}

// jsonTotal is the total of a list answered as JSON: a page's total,
// or the project page's components'.
func jsonTotal(t *testing.T, path string, b []byte) int {
	t.Helper()
	if strings.HasPrefix(path, "/projects/") {
		var v struct {
			Components portfolio.Page[portfolio.Usage] `json:"components"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v.Components.Total
	}
	var p portfolio.Page[struct{}]
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// TestStreamCSVFailure: a list that fails before its first row answers
// the error as usual; one that fails after aborts the download, so the
// client cannot take a short file for the whole list.
func TestStreamCSVFailure(t *testing.T) {
	f := sqliteFixture(t)
	f.srv.csvPage = 2
	boom := errors.New("the database went away")
	rows := [][]string{{"a"}, {"b"}}
	failAt := func(page int) rowPage {
		return func(ctx context.Context, offset, limit int) ([][]string, error) {
			if offset/limit == page {
				return nil, boom
			}
			return [][]string{append([]string{}, rows[0]...), append([]string{}, rows[1]...)}, nil
		}
	}
	r := httptest.NewRequest("GET", "/x?format=csv", nil)
	w := httptest.NewRecorder()
	if err := f.srv.streamCSV(w, r, "x", []string{"h"}, failAt(0)); !errors.Is(err, boom) || w.Body.Len() != 0 {
		t.Errorf("failure on the first page: %v, %q written", err, w.Body)
	}
	w = httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("failure on the third page: recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		_ = f.srv.streamCSV(w, r, "x", []string{"h"}, failAt(2))
	}()
	if got := w.Body.String(); got != "h\na\nb\na\nb\n" {
		t.Errorf("sent before the abort: %q", got)
	}
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is no number", s)
	}
	return n
}
