package access

import (
	"container/list"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The limiter's budgets. An account gets 5 quick attempts, then one per
// 12 s (5 a minute: guessing a 10-character password that way takes
// centuries); a client address gets 20 quick attempts, then one per 3 s,
// so it cannot spread guesses over many accounts either.
const (
	accountBurst = 5
	accountEvery = 12 * time.Second
	ipBurst      = 20
	ipEvery      = 3 * time.Second
	// limiterKeys bounds each table. Past it the least recently seen key
	// is dropped; its bucket has usually refilled by then (a minute for
	// an account), so dropping it forgives nothing.
	limiterKeys = 10_000
	// maxKeyLen bounds a key's length, whatever a client sends.
	maxKeyLen = 64
)

// Limiter limits sign-in attempts in memory, with a token bucket per
// client address and one per account name: an attempt passes when both
// have a token left, and then takes one from each. It is safe for
// concurrent use. Each process keeps its own counts.
type Limiter struct {
	mu       sync.Mutex
	ips      buckets
	accounts buckets
	// now is the clock; tests move it.
	now func() time.Time
}

// NewLimiter is a Limiter with the default budgets.
func NewLimiter() *Limiter { return NewLimiterClock(time.Now) }

// NewLimiterClock is a Limiter with the default budgets that reads the
// time from now, for tests whose attempts take longer than a refill.
func NewLimiterClock(now func() time.Time) *Limiter {
	return &Limiter{
		ips:      newBuckets(rate.Every(ipEvery), ipBurst, limiterKeys),
		accounts: newBuckets(rate.Every(accountEvery), accountBurst, limiterKeys),
		now:      now,
	}
}

// Allow tells whether a sign-in attempt from client address ip for
// account name may go ahead, and counts it when it may. ip may carry a
// port (a request's RemoteAddr); IPv6 addresses count per /64, the block
// one client usually holds. Names count whatever their case.
func (l *Limiter) Allow(ip, name string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	byIP := l.ips.get(ipKey(ip))
	byName := l.accounts.get(nameKey(name))
	if byIP.TokensAt(now) < 1 || byName.TokensAt(now) < 1 {
		return false
	}
	byIP.AllowN(now, 1)
	byName.AllowN(now, 1)
	return true
}

// Reset forgives the failed attempts on account name after it signed in.
// The address's budget is left as it is: an attacker who holds one
// account must not be able to refill it between guesses at others.
func (l *Limiter) Reset(ip, name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.accounts.drop(nameKey(name))
}

// ipKey is the bucket key of a client address: the address without a
// port, IPv4-mapped IPv6 as IPv4, IPv6 cut to its /64.
func ipKey(ip string) string {
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return truncate(ip, maxKeyLen)
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}

// nameKey is the bucket key of an account name.
func nameKey(name string) string {
	return strings.ToLower(truncate(strings.TrimSpace(name), maxKeyLen))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// buckets is a table of token buckets that keeps at most max keys,
// dropping the least recently used.
type buckets struct {
	limit rate.Limit
	burst int
	max   int
	byKey map[string]*list.Element
	lru   *list.List // of *bucket, most recently used first
}

type bucket struct {
	key string
	lim *rate.Limiter
}

func newBuckets(limit rate.Limit, burst, max int) buckets {
	return buckets{limit: limit, burst: burst, max: max, byKey: map[string]*list.Element{}, lru: list.New()}
}

// get is key's bucket, made full when the key is new.
func (b *buckets) get(key string) *rate.Limiter {
	if e, ok := b.byKey[key]; ok {
		b.lru.MoveToFront(e)
		return e.Value.(*bucket).lim
	}
	for b.lru.Len() >= b.max {
		oldest := b.lru.Back()
		b.lru.Remove(oldest)
		delete(b.byKey, oldest.Value.(*bucket).key)
	}
	bk := &bucket{key: key, lim: rate.NewLimiter(b.limit, b.burst)}
	b.byKey[key] = b.lru.PushFront(bk)
	return bk.lim
}

func (b *buckets) drop(key string) {
	if e, ok := b.byKey[key]; ok {
		b.lru.Remove(e)
		delete(b.byKey, key)
	}
}

// len is the number of keys held.
func (b *buckets) len() int { return b.lru.Len() }
