package access

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, clk := newTestService(st)
		alice := mustUser(t, s, "alice", Viewer)

		secret, sess, err := s.NewSession(ctx, alice, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !wellFormedSessionSecret(secret) || len(sess.CSRF) < 43 || sess.User.ID != alice.ID {
			t.Errorf("NewSession = %q, %+v", secret, sess)
		}
		got, err := s.Session(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != sess.ID || got.CSRF != sess.CSRF || !got.ExpiresAt.Equal(sess.ExpiresAt) || got.User.Name != "alice" {
			t.Errorf("Session = %+v, want %+v", got, sess)
		}
		if !got.CheckCSRF(sess.CSRF) || got.CheckCSRF(sess.CSRF[1:]) || got.CheckCSRF("") {
			t.Error("CheckCSRF accepts a wrong token or refuses the right one")
		}
		_, other, err := s.NewSession(ctx, alice, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if other.CSRF == sess.CSRF {
			t.Error("two sessions share a CSRF token")
		}

		// A role changed after sign-in shows at once.
		if err := s.SetRole(ctx, "root", alice.ID, Reviewer); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Session(ctx, secret); got.User.Role != Reviewer {
			t.Errorf("session's role = %s after SetRole, want reviewer", got.User.Role)
		}

		// Only the hash of the secret is in the database.
		for _, row := range tableText(t, st, "sessions") {
			if strings.Contains(row, secret) {
				t.Errorf("sessions row holds the secret: %s", row)
			}
		}
		if !strings.Contains(strings.Join(tableText(t, st, "sessions"), "\n"), hashSecret(secret)) {
			t.Error("sessions table does not hold the secret's hash")
		}

		for _, junk := range []string{"", "x", secret + "x", secret[:42] + "!", strings.ToUpper(secret[:1]) + secret[1:] + "=", newSessionSecret()} {
			if _, err := s.Session(ctx, junk); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("Session(%q) error = %v, want ErrBadCredentials", junk, err)
			}
		}

		// Expiry: valid until the last instant, gone after.
		clk.Add(time.Hour - time.Microsecond)
		if _, err := s.Session(ctx, secret); err != nil {
			t.Errorf("session just before expiry: %v", err)
		}
		clk.Add(time.Microsecond)
		if _, err := s.Session(ctx, secret); !errors.Is(err, ErrExpired) {
			t.Errorf("expired session: error = %v, want ErrExpired", err)
		}
		if _, err := s.Session(ctx, secret); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("expired session asked again: error = %v, want ErrBadCredentials (deleted)", err)
		}
		if _, _, err := s.NewSession(ctx, alice, 0); !errors.Is(err, ErrInvalid) {
			t.Errorf("NewSession with no lifetime: error = %v, want ErrInvalid", err)
		}
	})
}

func TestSessionsEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, clk := newTestService(st)
		mustUser(t, s, "root", Admin)
		alice := mustUser(t, s, "alice", Viewer)
		bob := mustUser(t, s, "bob", Viewer)
		start := func(u User) string {
			t.Helper()
			secret, _, err := s.NewSession(ctx, u, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
		alive := func(name, secret string, want error) {
			t.Helper()
			_, err := s.Session(ctx, secret)
			if want == nil && err != nil || want != nil && !errors.Is(err, want) {
				t.Errorf("%s: Session error = %v, want %v", name, err, want)
			}
		}

		a1, b1 := start(alice), start(bob)
		if err := s.EndSession(ctx, a1); err != nil {
			t.Fatal(err)
		}
		alive("signed out", a1, ErrBadCredentials)
		alive("other account's session", b1, nil)
		if err := s.EndSession(ctx, a1); err != nil {
			t.Errorf("ending an ended session: %v", err)
		}

		a2, a3 := start(alice), start(alice)
		if err := s.SetDisabled(ctx, "root", alice.ID, true); err != nil {
			t.Fatal(err)
		}
		alive("disabled account", a2, ErrBadCredentials)
		if _, _, err := s.NewSession(ctx, alice, time.Hour); !errors.Is(err, ErrDisabled) {
			t.Errorf("NewSession for a disabled account: error = %v, want ErrDisabled", err)
		}
		if err := s.SetDisabled(ctx, "root", alice.ID, false); err != nil {
			t.Fatal(err)
		}
		alive("enabled again: old sessions stay ended", a3, ErrBadCredentials)

		a4 := start(alice)
		if err := s.SetPassword(ctx, "alice", alice.ID, "a-new-password"); err != nil {
			t.Fatal(err)
		}
		alive("password changed", a4, ErrBadCredentials)
		alive("other account after password change", b1, nil)

		a5, a6 := start(alice), start(alice)
		if n, err := s.EndSessions(ctx, alice.ID); err != nil || n != 2 {
			t.Errorf("EndSessions = %d, %v; want 2", n, err)
		}
		alive("signed out everywhere", a5, ErrBadCredentials)
		alive("signed out everywhere", a6, ErrBadCredentials)

		// Housekeeping removes only what has expired.
		short, _, err := s.NewSession(ctx, alice, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		clk.Add(30 * time.Minute)
		if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		alive("expired and deleted", short, ErrBadCredentials)
		alive("not yet expired", b1, nil)
		clk.Add(31 * time.Minute)
		if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions later = %d, %v; want 1", n, err)
		}
	})
}
