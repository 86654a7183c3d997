package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/repocheck/result"
)

func sampleAlerts() []Alert {
	return []Alert{
		{Repo: "example.org/team/app", Before: 7.3, After: 4.1, Why: "score fell by 3.2, more than 1.0"},
		{Repo: "example.org/team/app", Check: "Binary-Artifacts", Before: 10, After: 6, Why: "Binary-Artifacts fell from 10.0 to 6.0, more than 1.0: binaries present in source code: bin/tool"},
		{Repo: "<!channel> & co", Check: "Security-Policy", Before: result.Inconclusive, After: 0, Why: "Security-Policy scores 0.0, below 7.0: security policy file not detected"},
		{Repo: "broken", Before: result.Inconclusive, After: result.Inconclusive, Why: "check failed: stat /src/broken: no such file or directory"},
	}
}

// hook is a test endpoint answering with the statuses given, one per
// request (the last repeats), and keeping the bodies it received.
type hook struct {
	mu       sync.Mutex
	statuses []int
	answer   string
	bodies   []string
	header   http.Header
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bodies = append(h.bodies, string(body))
	h.header = r.Header.Clone()
	status := h.statuses[min(len(h.bodies), len(h.statuses))-1]
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "0")
	}
	w.WriteHeader(status)
	fmt.Fprint(w, h.answer)
}

func (h *hook) requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bodies)
}

func TestNotifyWebhookPayloadGolden(t *testing.T) {
	h := &hook{statuses: []int{200}, answer: "ok"}
	srv := httptest.NewServer(h)
	defer srv.Close()
	if err := NotifyWebhook(context.Background(), srv.URL+"/services/T000/B000/secret", sampleAlerts(), srv.Client()); err != nil {
		t.Fatal(err)
	}
	if h.requests() != 1 {
		t.Fatalf("%d requests, want 1", h.requests())
	}
	if ct := h.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	golden(t, "webhook.golden.json", []byte(h.bodies[0]))
}

func TestNotifyWebhookRetries(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
		answer   string
		requests int
		wantErr  string // "" for success
	}{
		{"success", []int{204}, "", 1, ""},
		{"retried until it works", []int{503, 429, 200}, "", 3, ""},
		{"server keeps failing", []int{500}, "upstream down", 3,
			"webhook delivery failed: server answered 500 Internal Server Error: upstream down (attempt 3 of 3)"},
		{"refused payload is not retried", []int{400}, "invalid_payload", 1,
			"webhook delivery failed: server answered 400 Bad Request: invalid_payload (attempt 1 of 3)"},
		{"gone is not retried", []int{404}, "no_service", 1,
			"webhook delivery failed: server answered 404 Not Found: no_service (attempt 1 of 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &hook{statuses: tt.statuses, answer: tt.answer}
			srv := httptest.NewServer(h)
			defer srv.Close()
			url := srv.URL + "/hooks/very-secret-token"
			err := NotifyWebhook(context.Background(), url, sampleAlerts(), srv.Client())
			if h.requests() != tt.requests {
				t.Errorf("%d requests, want %d", h.requests(), tt.requests)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("err = %v\nwant  %s", err, tt.wantErr)
			case err != nil && !errors.Is(err, ErrWebhook):
				t.Errorf("error does not wrap ErrWebhook")
			case err != nil && strings.Contains(err.Error(), "very-secret-token"):
				t.Errorf("error repeats the webhook URL: %v", err)
			}
		})
	}
}

func TestNotifyWebhookNetworkErrorHidesURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/hooks/very-secret-token"
	srv.Close() // nothing listens any more
	err := NotifyWebhook(context.Background(), url, sampleAlerts(), &http.Client{Timeout: time.Second})
	if err == nil || !errors.Is(err, ErrWebhook) || !strings.Contains(err.Error(), "attempt 3 of 3") {
		t.Fatalf("err = %v, want a delivery failure after three attempts", err)
	}
	if strings.Contains(err.Error(), "very-secret-token") || strings.Contains(err.Error(), srv.URL) {
		t.Errorf("error repeats the webhook URL: %v", err)
	}
}

func TestNotifyWebhookNothingToSay(t *testing.T) {
	h := &hook{statuses: []int{200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	if err := NotifyWebhook(context.Background(), srv.URL, nil, srv.Client()); err != nil {
		t.Fatal(err)
	}
	if h.requests() != 0 {
		t.Errorf("posted %d messages without alerts", h.requests())
	}
	if err := NotifyWebhook(context.Background(), "ftp://example.org/x", sampleAlerts(), nil); !errors.Is(err, ErrWebhook) {
		t.Errorf("non-HTTP URL: err = %v", err)
	}
}

func TestBuildPayloadBoundsBlocks(t *testing.T) {
	var alerts []Alert
	for i := range 60 {
		alerts = append(alerts, Alert{Repo: fmt.Sprintf("repo-%02d", i), Before: 8, After: 2, Why: strings.Repeat("x", 4000)})
	}
	p := BuildPayload(alerts)
	if len(p.Blocks) > 50 {
		t.Errorf("%d blocks, more than a message holds", len(p.Blocks))
	}
	last := p.Blocks[len(p.Blocks)-1]
	if diff := cmp.Diff(Block{Type: "context", Elements: []BlockText{{Type: "mrkdwn", Text: "and 15 more alerts; see the full report"}}}, last); diff != "" {
		t.Errorf("last block (-want +got):\n%s", diff)
	}
	for _, b := range p.Blocks {
		if b.Text != nil && len([]rune(b.Text.Text)) > 3000 {
			t.Errorf("a %s block holds %d characters", b.Type, len([]rune(b.Text.Text)))
		}
	}
}
