package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/access"
	"ospo/internal/portfolio"
	"ospo/internal/store/storetest"
	"ospo/internal/vuln"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"", now.AddDate(0, 0, -7), false},
		{"7d", now.AddDate(0, 0, -7), false},
		{"0d", now, false},
		{"12h", now.Add(-12 * time.Hour), false},
		{"90m", now.Add(-90 * time.Minute), false},
		{"2026-01-02", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), false},
		{"2026-01-02T03:04:05+02:00", time.Date(2026, 1, 2, 1, 4, 5, 0, time.UTC), false},
		{"-5d", time.Time{}, true},
		{"-1h", time.Time{}, true},
		{"yesterday", time.Time{}, true},
		{"99999999d", time.Time{}, true},
		{strings.Repeat("1", 50), time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := parseSince(tc.in, now, 7*24*time.Hour)
		if (err != nil) != tc.bad || !got.Equal(tc.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.bad)
		}
		if err != nil {
			if code, _ := status(err); code != http.StatusBadRequest {
				t.Errorf("parseSince(%q) error answers %d, want 400", tc.in, code)
			}
		}
	}
}

func TestFilters(t *testing.T) {
	tests := []struct {
		query string
		want  any
		bad   string
	}{
		{"", portfolio.ProjectFilter{Limit: 50}, ""},
		{"q=+web+&kind=vendor&sort=risk&limit=10&offset=20", portfolio.ProjectFilter{Query: "web", Kind: "vendor", Sort: "risk", Limit: 10, Offset: 20}, ""},
		{"format=csv", portfolio.ProjectFilter{Limit: portfolio.MaxLimit}, ""},
		{"kind=alien", nil, `kind "alien"`},
		{"sort=size", nil, `sort "size"`},
		{"limit=1001", nil, "limit 1001"},
		{"limit=-1", nil, "limit"},
		{"offset=x", nil, "offset"},
		{"q=" + strings.Repeat("x", 501), nil, "q: longer"},
		{"q=%ff", nil, "q: not UTF-8"},
	}
	for _, tc := range tests {
		q, _ := url.ParseQuery(tc.query)
		got, err := projectFilter(q)
		if tc.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("projectFilter(%q): error %v, want one naming %q", tc.query, err, tc.bad)
			}
			continue
		}
		if err != nil {
			t.Errorf("projectFilter(%q): %v", tc.query, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("projectFilter(%q) (-want +got):\n%s", tc.query, diff)
		}
	}
	q, _ := url.ParseQuery("severity=HIGH&vuln=CVE-2021-23337&ignored=on")
	ff, err := findingFilter(q)
	if want := (portfolio.FindingFilter{MinSeverity: vuln.High, VulnID: "CVE-2021-23337", IncludeIgnored: true, Limit: 50}); err != nil || ff != want {
		t.Errorf("findingFilter = %+v, %v; want %+v", ff, err, want)
	}
	q, _ = url.ParseQuery("verdict=deny&vulnerable=1&nolicense=false&ecosystem=npm&name=lod")
	cf, err := componentFilter(q, time.Now())
	if want := (portfolio.ComponentFilter{Verdict: "deny", Vulnerable: true, Ecosystem: "npm", Query: "lod", Limit: 50}); err != nil || cf != want {
		t.Errorf("componentFilter = %+v, %v; want %+v", cf, err, want)
	}
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	q, _ = url.ParseQuery("inactive=730d&releaseunknown=1")
	cf, err = componentFilter(q, now)
	if want := (portfolio.ComponentFilter{InactiveSince: now.AddDate(0, 0, -730), ReleaseUnknown: true, Limit: 50}); err != nil || cf != want {
		t.Errorf("componentFilter(inactive) = %+v, %v; want %+v", cf, err, want)
	}
	for _, bad := range []string{"vulnerable=maybe", "verdict=perhaps", "inactive=soon", "releaseunknown=perhaps"} {
		q, _ := url.ParseQuery(bad)
		if _, err := componentFilter(q, now); err == nil {
			t.Errorf("componentFilter(%q) accepted", bad)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/findings?x=1": "/findings?x=1", "": "/", "//evil.example": "/", "/\\evil": "/", "https://evil.example": "/",
		"/a\r\nSet-Cookie: x": "/", "javascript:alert(1)": "/", "/\t/evil.example": "/", "/\n/evil.example": "/",
		"/%09/evil.example": "/%09/evil.example", "/\x7f/evil": "/", "/a\\b": "/", "/projects/org%2Fapp": "/projects/org%2Fapp",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzQuery runs every parser of request parameters on arbitrary query
// strings: none may panic, every refusal is a 400 that says which
// parameter, and what is accepted stays within bounds.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"", "q=lodash&limit=10&offset=5", "severity=high&vuln=GHSA-x", "since=7d", "since=2026-01-02",
		"q=lodash@%3C4.17.21", "q=pkg:npm/lodash", "kind=own&sort=risk", "format=csv", "limit=99999999999999999999", "q=%ff%fe",
		"verdict=deny&vulnerable=true&nolicense=1", "since=-3h", "q=@scope/name@>=1.0.0 <2", "project=5"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		check := func(what string, err error) {
			if err == nil {
				return
			}
			var he *httpError
			if !errors.As(err, &he) || he.status != http.StatusBadRequest || he.msg == "" {
				t.Fatalf("%s(%q): %v is not a 400 with a message", what, raw, err)
			}
		}
		pf, err := projectFilter(q)
		check("projectFilter", err)
		if err == nil && (pf.Limit < 1 || pf.Limit > portfolio.MaxLimit || pf.Offset < 0 || len(pf.Query) > maxParam) {
			t.Fatalf("projectFilter(%q) = %+v out of bounds", raw, pf)
		}
		cf, err := componentFilter(q, time.Now())
		check("componentFilter", err)
		if err == nil && (cf.Limit < 1 || cf.Offset < 0) {
			t.Fatalf("componentFilter(%q) = %+v out of bounds", raw, cf)
		}
		ff, err := findingFilter(q)
		check("findingFilter", err)
		if err == nil && ff.MinSeverity != "" && ff.MinSeverity != vuln.Critical && ff.MinSeverity != vuln.High &&
			ff.MinSeverity != vuln.Medium && ff.MinSeverity != vuln.Low && ff.MinSeverity != vuln.Unknown {
			t.Fatalf("findingFilter(%q): severity %q", raw, ff.MinSeverity)
		}
		_, err = usageQuery(q)
		check("usageQuery", err)
		since, err := parseSince(q.Get("since"), now, time.Hour)
		check("parseSince", err)
		if err == nil && since.After(now) && !strings.Contains(q.Get("since"), "-") && !strings.Contains(q.Get("since"), "T") {
			t.Fatalf("parseSince(%q) = %v, after now", q.Get("since"), since)
		}
		_, err = parseID("id", q.Get("id"))
		check("parseID", err)
		_, err = flag(q, "x")
		check("flag", err)
		if next := safeNext(q.Get("next")); next != "/" {
			// What a browser makes of it: tabs and line breaks dropped,
			// backslashes read as slashes. It must stay on this server.
			seen := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(next)
			u, err := url.Parse(seen)
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(seen, "/") || strings.HasPrefix(seen, "//") {
				t.Fatalf("safeNext(%q) = %q, which a browser reads as %q", q.Get("next"), next, seen)
			}
		}
		_ = csvCell(q.Get("cell"))
	})
}

// FuzzAPIBodies sends arbitrary bodies to every write operation of the
// API that parses one, but two: account creation (each success costs a
// bcrypt hash) and the SBOM upload, whose parsing and license
// identification are fuzzed in packages sbom and license (under
// coverage instrumentation, building the license matchers alone takes
// minutes). Whatever comes, the answer is a JSON error or a success,
// never a 5xx.
func FuzzAPIBodies(f *testing.F) {
	fx := newFixture(f, storetest.SQLite(f))
	docs := scanDocs(f)
	doc, _ := json.Marshal(docs[2])
	var targets []route
	for _, rt := range fx.srv.routes {
		if rt.api != nil && rt.api.bodyType != "" && !strings.HasPrefix(rt.path, "/api/v1/users") && !strings.HasSuffix(rt.path, "/sboms") {
			targets = append(targets, rt)
		}
	}
	for i := range targets {
		for _, b := range []string{"{}", "", "null", `{"name": "fuzz"}`, string(doc), `{"owner": 1}`, "\x00\xff"} {
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		rt := targets[int(which)%len(targets)]
		fx := *fx
		fx.t = t
		w := fx.do(req{method: rt.method, path: fx.concretePath(rt), body: body, ctype: "application/json", token: access.Admin})
		if w.Code >= 500 {
			t.Fatalf("%s %s with %q: %d\n%s", rt.method, rt.path, truncate(body, 80), w.Code, w.Body)
		}
		if w.Code >= 400 {
			var e apiError
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
				t.Fatalf("%s %s: error answer %d is not {\"error\": …}: %s", rt.method, rt.path, w.Code, w.Body)
			}
		}
	})
}
