package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"ospo/internal/access"
	"ospo/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

// httpError is an error with the status it answers and a message fit for
// the client.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// badRequest is a 400 whose message names the problem.
func badRequest(format string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error string `json:"error"`
}

// status maps an error to the status it answers and the message shown.
// Errors of unknown kind are 500 with a message that hides internals.
func status(err error) (int, string) {
	var he *httpError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.status, he.msg
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, store.ErrConflict), errors.Is(err, access.ErrLastAdmin):
		return http.StatusConflict, err.Error()
	case errors.Is(err, ErrInvalid), errors.Is(err, access.ErrInvalid), errors.Is(err, access.ErrDisabled):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, store.ErrBusy):
		return http.StatusServiceUnavailable, "the database is busy; try again"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the request was cancelled"
	}
	return http.StatusInternalServerError, "internal error (the server log has the details)"
}

// fail answers err: JSON for the API and for clients that ask for it,
// an error page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := status(err)
	if code >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", code, "error", err)
	}
	if wantsJSON(r) {
		writeJSON(w, code, apiError{Error: msg})
		return
	}
	if isHTMX(r) {
		// htmx swaps nothing on an error status; the text shows where
		// the page reserves room for it.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		fmt.Fprintln(w, msg)
		return
	}
	s.renderStatus(w, r, code, "error", http.StatusText(code), errorView{Status: code, Message: msg})
}

// errorView is the error page's data.
type errorView struct {
	Status  int
	Message string
}

// wantsJSON tells whether the answer should be JSON: the API, and pages
// asked for ?format=json.
func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, apiPrefix) || r.URL.Query().Get("format") == "json" ||
		strings.HasPrefix(r.Header.Get("Accept"), "application/json")
}

// isHTMX tells whether htmx made the request (it wants a fragment).
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// writeJSON writes v as indented JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		code = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error": "internal error: the answer could not be encoded"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// table is a list as CSV has it.
type table struct {
	header []string
	rows   [][]string
}

// writeCSV sends t as an attachment named name.csv.
func writeCSV(w http.ResponseWriter, name string, t table) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write(t.header); err != nil {
		return err
	}
	for _, row := range t.rows {
		for i, cell := range row {
			row[i] = csvCell(cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	_, err := w.Write(buf.Bytes())
	return err
}

// wholeCSV tells whether a request asks for a whole list as CSV:
// format=csv without a limit, as the pages' download links ask. A
// request that names a limit gets that page alone.
func wholeCSV(r *http.Request) bool {
	q := r.URL.Query()
	return q.Get("format") == "csv" && !q.Has("limit")
}

// rowPage reads the CSV rows of a paged list from offset, at most limit
// of them, one row per item of the list: a page shorter than limit is
// the last.
type rowPage func(ctx context.Context, offset, limit int) ([][]string, error)

// streamCSV sends a whole paged list as name.csv, from the request's
// offset to the end: it reads s.csvPage rows at a time and writes each
// page as it comes, so a list of any length is neither cut at the
// longest page nor held in memory. Pages are read by offset, so rows
// added or removed while a long download runs may be missed or repeated
// at a page boundary. An error before the first row is answered as
// usual; after it the status is sent, so the download is aborted.
func (s *Server) streamCSV(w http.ResponseWriter, r *http.Request, name string, header []string, page rowPage) error {
	ctx := r.Context()
	offset, err := number(r.URL.Query(), "offset", 0)
	if err != nil {
		return err
	}
	rows, err := page(ctx, offset, s.csvPage)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		s.abortDownload(r, name, err)
	}
	for {
		for _, row := range rows {
			for i, cell := range row {
				row[i] = csvCell(cell)
			}
			if err := cw.Write(row); err != nil {
				s.abortDownload(r, name, err)
			}
		}
		if cw.Flush(); cw.Error() != nil {
			s.abortDownload(r, name, cw.Error())
		}
		if len(rows) < s.csvPage {
			return nil
		}
		offset += len(rows)
		if rows, err = page(ctx, offset, s.csvPage); err != nil {
			s.abortDownload(r, name, err)
		}
	}
}

// abortDownload ends a download that failed after its first rows were
// sent. The status can no longer change, and an error message would
// land inside the file, so the connection is cut: net/http does that,
// quietly, for a handler that panics with http.ErrAbortHandler (the
// recoverer passes it on). The client sees a failed download rather
// than a short file that looks whole.
func (s *Server) abortDownload(r *http.Request, name string, err error) {
	s.log.Error("download aborted", "path", r.URL.Path, "download", name+".csv", "error", err)
	panic(http.ErrAbortHandler)
}

// csvCell defuses a cell a spreadsheet would run as a formula: one that
// starts with = + tab or CR, or with - or @ followed by formula syntax,
// gets a leading apostrophe. Plain "-1" and npm's "@scope/name" stay as
// they are.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '\t', '\r':
		return "'" + s
	case '-', '@':
		if strings.ContainsAny(s, "(|!=+;,\"' \t") {
			return "'" + s
		}
	}
	return s
}

// format is the representation a list page is asked for: "" (HTML),
// "csv" or "json".
func format(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", "html":
		return "", nil
	case "csv", "json":
		return f, nil
	default:
		return "", badRequest("format %q: want csv or json", truncate(f, 20))
	}
}

// list answers a list page in the format asked for: JSON (payload),
// CSV (tbl, downloaded as name.csv) or the HTML page.
func (s *Server) list(w http.ResponseWriter, r *http.Request, page, title string, data any, payload any, tbl func() table, name string) error {
	f, err := format(r)
	if err != nil {
		return err
	}
	switch f {
	case "json":
		writeJSON(w, http.StatusOK, payload)
		return nil
	case "csv":
		return writeCSV(w, name, tbl())
	}
	s.render(w, r, page, title, data)
	return nil
}

// pageData is what every page template gets.
type pageData struct {
	Title   string
	Page    string
	User    *access.User
	CSRF    string
	URL     *url.URL
	Version string
	OIDC    bool
	Data    any
}

// Can tells whether the signed-in user has at least role.
func (p pageData) Can(role string) bool {
	return p.User != nil && p.User.Role.AtLeast(access.Role(role))
}

// Download is the current page's URL asking for format f.
func (p pageData) Download(f string) string {
	q := p.URL.Query()
	q.Set("format", f)
	q.Del("offset")
	q.Del("limit")
	return p.URL.Path + "?" + q.Encode()
}

// HXHeaders is the JSON htmx sends as headers with each request: the
// CSRF token.
func (p pageData) HXHeaders() string {
	b, _ := json.Marshal(map[string]string{csrfHeader: p.CSRF})
	return string(b)
}

// render writes page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page, title string, data any) {
	s.renderStatus(w, r, http.StatusOK, page, title, data)
}

// renderStatus executes a page template, or its "results" fragment for
// htmx requests of pages that have one. A template that fails is
// logged and answered 500, with nothing half-written.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, code int, page, title string, data any) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("no such template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	pd := pageData{Title: title, Page: page, URL: r.URL, Version: s.cfg.Version, OIDC: s.cfg.OIDC != nil, Data: data}
	if p := who(r); p != nil {
		u := p.user
		pd.User = &u
		if p.session != nil {
			pd.CSRF = p.session.CSRF
		}
	}
	name := "layout"
	if isHTMX(r) && t.Lookup("results") != nil {
		name = "results"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, pd); err != nil {
		s.log.Error("render page", "page", page, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if isHTMX(r) {
		w.Header().Add("Vary", "HX-Request")
	}
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// parseTemplates parses every page with the layout it is shown in.
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":    s.assetURL,
		"date":     func(t time.Time) string { return fmtTime(t, time.DateOnly) },
		"datetime": func(t time.Time) string { return fmtTime(t, "2006-01-02 15:04 UTC") },
		"num":      fmtNum,
		"numptr": func(f *float64) string {
			if f == nil {
				return "–"
			}
			return fmtNum(*f)
		},
		"join":   strings.Join,
		"path":   func(p []string) string { return strings.Join(p, " › ") },
		"plural": plural,
		"add":    func(a, b int) int { return a + b },
		"levels": func() []string { return []string{"critical", "high", "medium", "low", "unknown"} },
		"pager":  pager,
	}
	layout, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("parse templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

func fmtTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format(layout)
}

// fmtNum shows a score with at most one decimal.
func fmtNum(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// queryWith is u's path and query with key set to value ("" removes
// it), for paging and sorting links.
func queryWith(u *url.URL, key string, value any) string {
	q := u.Query()
	v := fmt.Sprint(value)
	if v == "" || v == "0" && key == "offset" {
		q.Del(key)
	} else {
		q.Set(key, v)
	}
	q.Del("format")
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// pagerView is a list's position and its neighbours' links.
type pagerView struct {
	Total, From, To int
	Prev, Next      string
}

// pager places a page of limit items from offset in a list of total.
func pager(u *url.URL, total, limit, offset int) pagerView {
	if limit <= 0 {
		limit = 50
	}
	v := pagerView{Total: total, From: min(offset+1, total), To: min(offset+limit, total)}
	if offset > 0 {
		v.Prev = queryWith(u, "offset", max(offset-limit, 0))
	}
	if offset+limit < total {
		v.Next = queryWith(u, "offset", offset+limit)
	}
	return v
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
