package access

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func newTestLimiter() (*Limiter, *clock) {
	l := NewLimiter()
	c := newClock()
	l.now = c.Now
	return l, c
}

func TestLimiterAccountThenAddress(t *testing.T) {
	l, clk := newTestLimiter()
	const ip = "192.0.2.7:51234"
	for i := 1; i <= 5; i++ {
		if !l.Allow(ip, "alice") {
			t.Fatalf("attempt %d for alice refused", i)
		}
	}
	if l.Allow(ip, "alice") {
		t.Fatal("6th quick attempt for alice allowed")
	}
	if l.Allow("198.51.100.1", "ALICE ") {
		t.Error("alice's limit does not hold from another address or in another case")
	}
	// Other accounts from the same address pass until the address has
	// used its 20 attempts (5 went to alice; refused ones do not count).
	passed := 0
	for i := 0; i < 100; i++ {
		if !l.Allow(ip, fmt.Sprintf("user%d", i)) {
			break
		}
		passed++
	}
	if passed != 15 {
		t.Errorf("fresh accounts passed %d times from the address, want 15", passed)
	}
	if !l.Allow("198.51.100.1", "bob") {
		t.Error("another address is refused")
	}

	// Budgets refill: an account one attempt per 12 s, an address one per 3 s.
	clk.Add(12 * time.Second)
	if !l.Allow("203.0.113.9", "alice") {
		t.Error("alice refused 12 s later from a fresh address")
	}
	if l.Allow("203.0.113.9", "alice") {
		t.Error("alice allowed twice within 12 s")
	}
	for i := 0; i < 4; i++ {
		if !l.Allow(ip, fmt.Sprintf("later%d", i)) {
			t.Errorf("address refused for attempt %d after 12 s (4 refilled)", i+1)
		}
	}
	if l.Allow(ip, "later-more") {
		t.Error("address allowed a 5th attempt 12 s after using its budget")
	}
}

func TestLimiterReset(t *testing.T) {
	l, _ := newTestLimiter()
	for i := 0; i < 5; i++ {
		l.Allow("192.0.2.1", "alice")
	}
	if l.Allow("192.0.2.1", "alice") {
		t.Fatal("6th attempt allowed")
	}
	l.Reset("192.0.2.1", "Alice")
	for i := 1; i <= 5; i++ {
		if !l.Allow("192.0.2.1", "alice") {
			t.Fatalf("attempt %d after Reset refused", i)
		}
	}
	// Reset leaves the address's budget alone: 10 used, 10 left.
	passed := 0
	for i := 0; i < 20; i++ {
		if l.Allow("192.0.2.1", fmt.Sprint("u", i)) {
			passed++
		}
	}
	if passed != 10 {
		t.Errorf("after Reset the address passed %d more, want 10", passed)
	}
}

func TestLimiterKeys(t *testing.T) {
	tests := []struct{ a, b string }{
		{"192.0.2.1:80", "192.0.2.1"},
		{"[::ffff:192.0.2.1]:443", "192.0.2.1"},
		{"[2001:db8:1:2::1]:443", "2001:db8:1:2:ffff::9"},
		{"2001:db8:1:2::1%eth0", "2001:db8:1:2::2"},
	}
	for _, tt := range tests {
		if ipKey(tt.a) != ipKey(tt.b) {
			t.Errorf("ipKey(%q) = %q, ipKey(%q) = %q; want equal", tt.a, ipKey(tt.a), tt.b, ipKey(tt.b))
		}
	}
	differ := []struct{ a, b string }{
		{"192.0.2.1", "192.0.2.2"},
		{"2001:db8:1:2::1", "2001:db8:1:3::1"},
	}
	for _, tt := range differ {
		if ipKey(tt.a) == ipKey(tt.b) {
			t.Errorf("ipKey(%q) = ipKey(%q) = %q", tt.a, tt.b, ipKey(tt.a))
		}
	}
	if k := ipKey(string(make([]byte, 1000))); len(k) > maxKeyLen {
		t.Errorf("ipKey of junk is %d bytes long", len(k))
	}
	if nameKey(" Alice ") != "alice" {
		t.Errorf("nameKey(\" Alice \") = %q", nameKey(" Alice "))
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	l, _ := newTestLimiter()
	for i := 0; i < limiterKeys+500; i++ {
		l.Allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256), fmt.Sprint("name", i))
	}
	if l.ips.len() != limiterKeys || l.accounts.len() != limiterKeys {
		t.Errorf("limiter holds %d addresses and %d names, want %d each", l.ips.len(), l.accounts.len(), limiterKeys)
	}

	// The least recently used key is the one dropped.
	b := newBuckets(rate.Every(time.Hour), 1, 2)
	now := time.Now()
	b.get("a").AllowN(now, 1)
	b.get("b").AllowN(now, 1)
	b.get("a") // a is now the most recent
	b.get("c") // drops b
	if b.get("a").TokensAt(now) >= 1 {
		t.Error("a was dropped though recently used")
	}
	if b.get("b").TokensAt(now) < 1 {
		t.Error("b kept its state though least recently used")
	}
}
