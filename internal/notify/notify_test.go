package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"ospo/internal/portfolio"
)

func TestDeltaPosted(t *testing.T) {
	var got Payload
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // retried
			return
		}
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("payload: %v", err)
		}
	}))
	defer srv.Close()
	before, after := 7.5, 4.0
	d := portfolio.Delta{
		Project:   portfolio.ProjectRef{ID: 3, Name: "shop<web>"},
		NewDenied: []portfolio.Usage{{Component: portfolio.ComponentRef{Name: "gpl-thing", Version: "1.0.0"}, License: "GPL-3.0-only", Reason: "strong copyleft in distributed software"}},
		NewCritical: []portfolio.Finding{{ID: "GHSA-xxxx", Component: portfolio.ComponentRef{Name: "lodash", Version: "4.17.20"},
			Summary: "prototype pollution", Fixed: []string{"4.17.21"}}},
		HealthBefore: &before, HealthAfter: &after,
	}
	if err := Delta(context.Background(), srv.URL+"/hook/secret", "https://ospo.example", d, nil); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2 (one retry)", calls.Load())
	}
	if got.Text != "ospo: shop<web>: 1 newly denied component, 1 new critical vulnerability, health score fell from 7.5 to 4.0" {
		t.Errorf("text %q", got.Text)
	}
	var all []string
	for _, b := range got.Blocks {
		if b.Text != nil {
			all = append(all, b.Text.Text)
		}
		for _, e := range b.Elements {
			all = append(all, e.Text)
		}
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{"*denied* gpl-thing@1.0.0 (GPL-3.0-only)", "*critical* GHSA-xxxx in lodash@4.17.20", "fixed in 4.17.21", "*health* 7.5 → 4.0", "https://ospo.example/projects/3"} {
		if !strings.Contains(joined, want) {
			t.Errorf("message lacks %q:\n%s", want, joined)
		}
	}
	// An empty delta posts nothing.
	if err := Delta(context.Background(), "http://127.0.0.1:1/never", "", portfolio.Delta{}, nil); err != nil {
		t.Errorf("empty delta: %v", err)
	}
}

func TestPostErrorHidesURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such hook", http.StatusNotFound)
	}))
	defer srv.Close()
	err := Post(context.Background(), srv.URL+"/T000/B000/secret-token", Payload{Text: "x"}, nil)
	if err == nil || strings.Contains(err.Error(), "secret-token") || !strings.Contains(err.Error(), "404") {
		t.Errorf("error %v: want 404 without the URL", err)
	}
}
