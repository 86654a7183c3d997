package access

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ospo/internal/store"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestService is a Service over st with a fast bcrypt cost and a test
// clock.
func newTestService(st *store.Store) (*Service, *clock) {
	s := New(st)
	s.cost = bcrypt.MinCost
	c := newClock()
	s.now = c.Now
	return s, c
}

// mustUser makes an account or fails the test.
func mustUser(t *testing.T, s *Service, name string, role Role) User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), "tester", name, "password-"+name, role)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// tableText is every value of every row of table, as text, one string
// per row.
func tableText(t *testing.T, st *store.Store, table string) []string {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v ", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// event is an events row without its id and time.
type event struct{ Actor, Action, Subject, Detail string }

func events(t *testing.T, st *store.Store) []event {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(), `SELECT actor, action, subject, detail FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []event
	for rows.Next() {
		var e event
		if err := rows.Scan(&e.Actor, &e.Action, &e.Subject, &e.Detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
