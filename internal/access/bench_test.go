package access

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

// Every request of a signed-in browser looks its session up, and every
// API call its token: these are on the hot path of the server.

func benchEach(b *testing.B, fn func(b *testing.B, st *store.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, storetest.Postgres(b)) })
}

func BenchmarkSession(b *testing.B) {
	benchEach(b, func(b *testing.B, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		u, err := s.CreateUser(ctx, "bench", "alice", "0123456789", Viewer)
		if err != nil {
			b.Fatal(err)
		}
		secret, _, err := s.NewSession(ctx, u, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.Session(ctx, secret); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTokenUser(b *testing.B) {
	benchEach(b, func(b *testing.B, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		u, err := s.CreateUser(ctx, "bench", "alice", "0123456789", Viewer)
		if err != nil {
			b.Fatal(err)
		}
		secret, _, err := s.NewToken(ctx, "bench", u, "ci", 0)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.TokenUser(ctx, secret); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAuthenticate runs at the real bcrypt cost: a known and an
// unknown name should cost the same.
func BenchmarkAuthenticate(b *testing.B) {
	st := storetest.SQLite(b)
	ctx := context.Background()
	s := New(st)
	if _, err := s.CreateUser(ctx, "bench", "alice", "0123456789", Viewer); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"alice", "nobody"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				s.Authenticate(ctx, name, "wrong-password")
			}
		})
	}
}

func BenchmarkLimiterAllow(b *testing.B) {
	l := NewLimiter()
	i := 0
	for b.Loop() {
		l.Allow(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), fmt.Sprint("user", i))
		i++
	}
}
