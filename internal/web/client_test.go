package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"ospo/internal/access"
)

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies([]string{"10.0.0.0/8", " 192.0.2.7 ", "::ffff:198.51.100.1", "2001:db8::/32", "", "10.1.2.3/8"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "198.51.100.1/32", "2001:db8::/32", "10.0.0.0/8"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ParseTrustedProxies = %v, want %v", got, want)
	}
	for _, bad := range []string{"proxy.local", "10.0.0.0/33", "10.0.0.1:80"} {
		if _, err := ParseTrustedProxies([]string{bad}); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseTrustedProxies(%q) = %v, want an error naming it", bad, err)
		}
	}
}

func TestClientAddr(t *testing.T) {
	trusted, err := ParseTrustedProxies([]string{"10.0.0.0/8", "2001:db8:1::1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		proxies []netip.Prefix
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies: the header is ignored", nil, "192.0.2.1:5000", []string{"203.0.113.5"}, "192.0.2.1:5000"},
		{"untrusted peer: the header is ignored", trusted, "192.0.2.1:5000", []string{"203.0.113.5"}, "192.0.2.1:5000"},
		{"one proxy", trusted, "10.0.0.2:5000", []string{"203.0.113.5"}, "203.0.113.5"},
		{"a spoofed entry left of the real client", trusted, "10.0.0.2:5000", []string{"198.51.100.66, 203.0.113.5"}, "203.0.113.5"},
		{"two proxies", trusted, "10.0.0.2:5000", []string{"203.0.113.5, 10.9.9.9"}, "203.0.113.5"},
		{"entries over several header lines", trusted, "10.0.0.2:5000", []string{"198.51.100.66", "203.0.113.5, 10.9.9.9"}, "203.0.113.5"},
		{"IPv6 proxy and client", trusted, "[2001:db8:1::1]:443", []string{"2001:db8:2::7"}, "2001:db8:2::7"},
		{"IPv4-mapped client", trusted, "10.0.0.2:5000", []string{"::ffff:203.0.113.5"}, "203.0.113.5"},
		{"all hops trusted: the farthest", trusted, "10.0.0.2:5000", []string{"10.0.0.3, 10.0.0.4"}, "10.0.0.3"},
		{"no header: the proxy", trusted, "10.0.0.2:5000", nil, "10.0.0.2"},
		{"unreadable entry: the nearest proxy", trusted, "10.0.0.2:5000", []string{"203.0.113.5, unknown"}, "10.0.0.2"},
		{"unreadable entry behind a good one", trusted, "10.0.0.2:5000", []string{"garbage, 10.0.0.7"}, "10.0.0.7"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: Config{TrustedProxies: tt.proxies}}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientAddr(r); got != tt.want {
				t.Errorf("clientAddr = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSignInLimitBehindProxy: behind a trusted proxy, each client has its
// own sign-in budget, and a client cannot escape its budget by sending
// X-Forwarded-For itself.
func TestSignInLimitBehindProxy(t *testing.T) {
	f := sqliteFixture(t)
	trusted, err := ParseTrustedProxies([]string{"10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	// The clock stands still: bcrypt makes 20 attempts take longer than
	// the budget's refill.
	stopped := time.Now()
	limiter := access.NewLimiterClock(func() time.Time { return stopped })
	srv, err := New(Config{Portfolio: f.port, Access: f.acc, Limiter: limiter, Store: f.st, TrustedProxies: trusted})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	n := 0
	attempt := func(xff string) int {
		n++ // a new account name each time, so only the address budget counts
		form := url.Values{"name": {fmt.Sprintf("nobody-%d", n)}, "password": {"guess"}, "next": {"/"}}
		r := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = "10.0.0.1:40000"
		r.Header.Set("X-Forwarded-For", xff)
		return recorder(h, r).Code
	}
	for i := range 20 {
		if code := attempt("203.0.113.5"); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d from the first client: %d, want 401", i+1, code)
		}
	}
	if code := attempt("203.0.113.5"); code != http.StatusTooManyRequests {
		t.Errorf("21st attempt from the first client: %d, want 429", code)
	}
	// The client prepends an address of its choosing; the proxy appends
	// the real one, which is what counts.
	if code := attempt("198.51.100.66, 203.0.113.5"); code != http.StatusTooManyRequests {
		t.Errorf("the first client with a forged header: %d, want 429", code)
	}
	if code := attempt("203.0.113.6"); code != http.StatusUnauthorized {
		t.Errorf("another client behind the same proxy: %d, want 401", code)
	}
}

func FuzzClientAddr(f *testing.F) {
	for _, seed := range [][2]string{{"10.0.0.2:1", "203.0.113.5"}, {"10.0.0.2:1", "a, 10.0.0.3,::1"}, {"[::1]:8", ""}, {"x", "1.2.3.4"}} {
		f.Add(seed[0], seed[1])
	}
	trusted, _ := ParseTrustedProxies([]string{"10.0.0.0/8", "::1"})
	s := &Server{cfg: Config{TrustedProxies: trusted}}
	f.Fuzz(func(t *testing.T, peer, xff string) {
		r := &http.Request{RemoteAddr: peer, Header: http.Header{"X-Forwarded-For": {xff}}}
		got := s.clientAddr(r)
		if got == peer {
			return
		}
		// Anything but the peer itself is an address read from the peer
		// or the header, never text the client made up.
		if _, err := netip.ParseAddr(got); err != nil {
			t.Errorf("clientAddr(%q, %q) = %q, not an address", peer, xff, got)
		}
	})
}
