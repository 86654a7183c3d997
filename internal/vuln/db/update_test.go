package db

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dumpServer serves <eco>/all.zip like OSV's bucket: an ETag, a
// Last-Modified and an X-Goog-Hash crc32c, and (when honourETag) 304 for a
// matching If-None-Match.
type dumpServer struct {
	mu         sync.Mutex
	dumps      map[string][]byte
	honourETag bool
	badCRC     bool
	requests   []string
	bodiesSent int
	version    int
}

func (s *dumpServer) set(eco string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dumps[eco] = data
	s.version++
}

func (s *dumpServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.URL.EscapedPath())
	eco, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/osv/"), "/all.zip")
	data, found := s.dumps[eco]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	sum := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
	if s.badCRC {
		sum++
	}
	etag := fmt.Sprintf(`"%08x"`, crc32.ChecksumIEEE(data))
	if s.honourETag && r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", "Wed, 19 Nov 2026 10:00:00 GMT")
	w.Header().Add("X-Goog-Hash", "crc32c="+crc32cString(sum))
	w.Header().Add("X-Goog-Hash", "md5=AAAAAAAAAAAAAAAAAAAAAA==")
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	s.bodiesSent++
	w.Write(data)
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	goDump := buildZip(t, zipEntry{name: "GO-2020-0001.json", data: fixture(t, "GO-2020-0001.json")},
		zipEntry{name: "GO-2022-0617.json", data: fixture(t, "GO-2022-0617.json")})
	npmDump := buildZip(t, zipEntry{name: "GHSA-p6mc-m468-83gw.json", data: fixture(t, "GHSA-p6mc-m468-83gw.json")})
	for _, honour := range []bool{true, false} {
		t.Run(fmt.Sprintf("server honours ETag %v", honour), func(t *testing.T) {
			srv := &dumpServer{dumps: map[string][]byte{"Go": goDump, "npm": npmDump}, honourETag: honour}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			d := newTestDB(t)
			opts := UpdateOptions{BaseURL: ts.URL + "/osv/", Ecosystems: []string{"Go", "npm"}, Client: ts.Client(), TempDir: t.TempDir()}

			res, err := d.Update(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := []UpdateResult{
				{Ecosystem: "Go", URL: ts.URL + "/osv/Go/all.zip", Stats: ImportStats{Added: 2, Withdrawn: 1}},
				{Ecosystem: "npm", URL: ts.URL + "/osv/npm/all.zip", Stats: ImportStats{Added: 1}},
			}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("first update (-want +got):\n%s", diff)
			}
			if recs, _ := d.Lookup(ctx, "npm", "lodash"); len(recs) != 1 {
				t.Errorf("npm dump not imported")
			}

			// Nothing changed on the server: nothing is downloaded again.
			sent := srv.bodiesSent
			res, err = d.Update(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				want[i].Unchanged, want[i].Stats = true, ImportStats{}
			}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("second update (-want +got):\n%s", diff)
			}
			if honour && srv.bodiesSent != sent {
				t.Errorf("%d bodies sent for unchanged dumps", srv.bodiesSent-sent)
			}

			// A new dump is imported; the unchanged one is not.
			changed := withField(t, fixture(t, "GHSA-p6mc-m468-83gw.json"), "modified", "2030-01-01T00:00:00Z")
			srv.set("npm", buildZip(t, zipEntry{name: "GHSA-p6mc-m468-83gw.json", data: changed}))
			res, err = d.Update(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			want[1].Unchanged, want[1].Stats = false, ImportStats{Updated: 1}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("third update (-want +got):\n%s", diff)
			}
			// Force downloads again.
			opts.Force = true
			res, err = d.Update(ctx, opts)
			if err != nil || res[0].Unchanged || res[0].Stats.Unchanged != 2 {
				t.Errorf("forced update: %+v %v", res, err)
			}
			// The temporary downloads are gone.
			left, _ := os.ReadDir(opts.TempDir)
			if len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func TestUpdateFailures(t *testing.T) {
	ctx := context.Background()
	goDump := buildZip(t, zipEntry{name: "GO-2020-0001.json", data: fixture(t, "GO-2020-0001.json")})
	t.Run("missing ecosystem does not stop the others", func(t *testing.T) {
		srv := &dumpServer{dumps: map[string][]byte{"Go": goDump}}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		d := newTestDB(t)
		res, err := d.Update(ctx, UpdateOptions{BaseURL: ts.URL + "/osv", Ecosystems: []string{"Nope", "Go", "crates.io"}, Client: ts.Client()})
		if err == nil || !strings.Contains(err.Error(), "Nope") || !strings.Contains(err.Error(), "404") {
			t.Errorf("error %v", err)
		}
		if len(res) != 3 || res[0].Err == nil || res[1].Err != nil || res[1].Stats.Added != 1 || res[2].Err == nil {
			t.Errorf("results %+v", res)
		}
		if diff := cmp.Diff([]string{"/osv/Nope/all.zip", "/osv/Go/all.zip", "/osv/crates.io/all.zip"}, srv.requests); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
	})
	t.Run("damaged download", func(t *testing.T) {
		srv := &dumpServer{dumps: map[string][]byte{"Go": goDump}, badCRC: true}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		d := newTestDB(t)
		_, err := d.Update(ctx, UpdateOptions{BaseURL: ts.URL + "/osv", Ecosystems: []string{"Go"}, Client: ts.Client()})
		if err == nil || !strings.Contains(err.Error(), "CRC32C") {
			t.Errorf("error %v", err)
		}
		if diff := cmp.Diff(snapshot{}, takeSnapshot(t, d)); diff != "" {
			t.Errorf("a damaged download was imported:\n%s", diff)
		}
	})
	t.Run("too large", func(t *testing.T) {
		srv := &dumpServer{dumps: map[string][]byte{"Go": goDump}}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		d := newTestDB(t)
		_, err := d.Update(ctx, UpdateOptions{BaseURL: ts.URL + "/osv", Ecosystems: []string{"Go"}, Client: ts.Client(), MaxDownload: 100})
		if !errors.Is(err, ErrLimit) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("bad names and URLs", func(t *testing.T) {
		d := newTestDB(t)
		res, err := d.Update(ctx, UpdateOptions{BaseURL: "http://127.0.0.1:1", Ecosystems: []string{"..", "a/b", ""}})
		if err == nil || len(res) != 3 {
			t.Fatalf("results %+v, error %v", res, err)
		}
		for _, r := range res {
			if r.Err == nil || !strings.Contains(r.Err.Error(), "not an ecosystem name") {
				t.Errorf("%q: %v", r.Ecosystem, r.Err)
			}
		}
		if _, err := d.Update(ctx, UpdateOptions{BaseURL: "file:///etc"}); err == nil {
			t.Error("a file: base URL was accepted")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		d := newTestDB(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := d.Update(cctx, UpdateOptions{BaseURL: "http://127.0.0.1:1"}); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v", err)
		}
	})
}

func TestCRC32COf(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"crc32c=n03x6A==,md5=Ojk9c3dhfxgoKVVHYwFbHQ=="}, "n03x6A=="},
		{[]string{"md5=Ojk9c3dhfxgoKVVHYwFbHQ==", "crc32c=n03x6A=="}, "n03x6A=="},
		{[]string{"md5=x"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := crc32cOf(tt.in); got != tt.want {
			t.Errorf("crc32cOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The value of an empty body, as GCS reports it.
	if got := crc32cString(crc32.Checksum(nil, crc32.MakeTable(crc32.Castagnoli))); got != "AAAAAA==" {
		t.Errorf("crc32c of nothing = %s", got)
	}
}
