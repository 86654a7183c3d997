package access

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

func TestCreateAndAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		alice, err := s.CreateUser(ctx, "root", "Alice", "correct horse", Developer)
		if err != nil {
			t.Fatal(err)
		}
		if alice.ID == 0 || alice.Name != "Alice" || alice.Role != Developer || alice.Disabled || alice.CreatedAt.IsZero() {
			t.Errorf("CreateUser = %+v", alice)
		}
		got, err := s.User(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(alice, got); diff != "" {
			t.Errorf("User(id) differs from what CreateUser returned (-create +read):\n%s", diff)
		}

		auth := []struct {
			name, user, pw string
			want           error
		}{
			{"right password", "Alice", "correct horse", nil},
			{"name in other case", "aLICE", "correct horse", nil},
			{"wrong password", "Alice", "correct horsE", ErrBadCredentials},
			{"empty password", "Alice", "", ErrBadCredentials},
			{"unknown name", "bob", "correct horse", ErrBadCredentials},
			{"invalid name", "no such/user", "correct horse", ErrBadCredentials},
			{"password beyond bcrypt's limit", "Alice", "correct horse" + strings.Repeat("x", 80), ErrBadCredentials},
		}
		for _, tt := range auth {
			u, err := s.Authenticate(ctx, tt.user, tt.pw)
			if !errors.Is(err, tt.want) || tt.want != nil && err == nil {
				t.Errorf("%s: Authenticate error = %v, want %v", tt.name, err, tt.want)
			}
			if tt.want == nil && u.ID != alice.ID {
				t.Errorf("%s: Authenticate = %+v, want Alice", tt.name, u)
			}
		}

		bad := []struct {
			name, user, pw string
			role           Role
			want           error
		}{
			{"taken name", "Alice", "0123456789", Viewer, store.ErrConflict},
			{"taken name in other case", "alice", "0123456789", Viewer, store.ErrConflict},
			{"bad name", "al ice", "0123456789", Viewer, ErrInvalid},
			{"short password", "carol", "012345678", Viewer, ErrInvalid},
			{"unknown role", "carol", "0123456789", Role("root"), ErrInvalid},
		}
		for _, tt := range bad {
			if _, err := s.CreateUser(ctx, "root", tt.user, tt.pw, tt.role); !errors.Is(err, tt.want) {
				t.Errorf("%s: CreateUser error = %v, want %v", tt.name, err, tt.want)
			}
		}
		if _, err := s.CreateUser(ctx, "", "dave", "0123456789", Viewer); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateUser without actor: error = %v, want ErrInvalid", err)
		}

		// Disabled: the right password says so, a wrong one says nothing.
		if err := s.SetDisabled(ctx, "root", alice.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "Alice", "correct horse"); !errors.Is(err, ErrDisabled) {
			t.Errorf("disabled, right password: error = %v, want ErrDisabled", err)
		}
		if _, err := s.Authenticate(ctx, "Alice", "wrong horse!"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("disabled, wrong password: error = %v, want ErrBadCredentials", err)
		}
		if err := s.SetDisabled(ctx, "root", alice.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "Alice", "correct horse"); err != nil {
			t.Errorf("enabled again: %v", err)
		}

		// A new password replaces the old one.
		if err := s.SetPassword(ctx, "Alice", alice.ID, "battery staple"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "Alice", "correct horse"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("old password after change: error = %v", err)
		}
		if _, err := s.Authenticate(ctx, "Alice", "battery staple"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if err := s.SetPassword(ctx, "Alice", alice.ID, "short"); !errors.Is(err, ErrInvalid) {
			t.Errorf("short new password: error = %v, want ErrInvalid", err)
		}

		if err := s.SetRole(ctx, "root", alice.ID, Reviewer); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.UserByName(ctx, "ALICE"); u.Role != Reviewer {
			t.Errorf("after SetRole, UserByName = %+v", u)
		}
	})
}

func TestUnknownIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		for name, err := range map[string]error{
			"User":        func() error { _, err := s.User(ctx, 42); return err }(),
			"UserByName":  func() error { _, err := s.UserByName(ctx, "nobody"); return err }(),
			"SetRole":     s.SetRole(ctx, "root", 42, Admin),
			"SetPassword": s.SetPassword(ctx, "root", 42, "0123456789"),
			"SetDisabled": s.SetDisabled(ctx, "root", 42, true),
			"NewSession":  func() error { _, _, err := s.NewSession(ctx, User{ID: 42}, 1); return err }(),
			"NewToken":    func() error { _, _, err := s.NewToken(ctx, "root", User{ID: 42}, "ci", 0); return err }(),
			"Token":       func() error { _, err := s.Token(ctx, 42); return err }(),
			"RevokeToken": s.RevokeToken(ctx, "root", 42),
		} {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s of an unknown id: error = %v, want store.ErrNotFound", name, err)
			}
		}
	})
}

func TestUsersListedByName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s, _ := newTestService(st)
		for _, n := range []string{"carol", "Bob", "alice"} {
			mustUser(t, s, n, Viewer)
		}
		us, err := s.Users(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range us {
			names = append(names, u.Name)
		}
		if diff := cmp.Diff([]string{"alice", "Bob", "carol"}, names); diff != "" {
			t.Errorf("Users (-want +got):\n%s", diff)
		}
	})
}

func TestLastAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		root := mustUser(t, s, "root", Admin)
		if err := s.SetRole(ctx, "root", root.ID, Viewer); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("demote the only admin: error = %v, want ErrLastAdmin", err)
		}
		if err := s.SetDisabled(ctx, "root", root.ID, true); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("disable the only admin: error = %v, want ErrLastAdmin", err)
		}
		other := mustUser(t, s, "other", Admin)
		if err := s.SetDisabled(ctx, "root", other.ID, true); err != nil {
			t.Fatal(err)
		}
		// A disabled admin does not count.
		if err := s.SetRole(ctx, "root", root.ID, Viewer); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("demote the only enabled admin: error = %v, want ErrLastAdmin", err)
		}
		if err := s.SetDisabled(ctx, "root", other.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRole(ctx, "other", root.ID, Viewer); err != nil {
			t.Errorf("demote one of two admins: %v", err)
		}
		if u, _ := s.User(ctx, root.ID); u.Role != Viewer {
			t.Errorf("root is %s after demotion", u.Role)
		}
	})
}

func TestEnsureAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		if _, err := s.EnsureAdmin(ctx, "admin", "short"); !errors.Is(err, ErrInvalid) {
			t.Errorf("short password: error = %v, want ErrInvalid", err)
		}
		created, err := s.EnsureAdmin(ctx, "admin", "first-start-pw")
		if err != nil || !created {
			t.Fatalf("EnsureAdmin on an empty database = %v, %v; want true", created, err)
		}
		u, err := s.Authenticate(ctx, "admin", "first-start-pw")
		if err != nil || u.Role != Admin {
			t.Errorf("first admin signs in: %+v, %v", u, err)
		}
		if _, err := s.EnsureAdmin(ctx, "admin", "short"); !errors.Is(err, ErrInvalid) {
			t.Errorf("short password once an account exists: error = %v, want ErrInvalid", err)
		}
		created, err = s.EnsureAdmin(ctx, "admin2", "another-pw-here")
		if err != nil || created {
			t.Errorf("EnsureAdmin with an account present = %v, %v; want false", created, err)
		}
		if _, err := s.UserByName(ctx, "admin2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second EnsureAdmin made an account: %v", err)
		}
	})
}

func TestEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		if _, err := s.EnsureAdmin(ctx, "root", "root-password"); err != nil {
			t.Fatal(err)
		}
		bob, err := s.CreateUser(ctx, "root", "bob", "bob-password", Viewer)
		if err != nil {
			t.Fatal(err)
		}
		steps := []error{
			s.SetRole(ctx, "root", bob.ID, Reviewer),
			s.SetRole(ctx, "root", bob.ID, Reviewer), // no change, no event
			s.SetPassword(ctx, "bob", bob.ID, "new-bob-password"),
			s.SetDisabled(ctx, "root", bob.ID, true),
			s.SetDisabled(ctx, "root", bob.ID, false),
		}
		for i, err := range steps {
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		secret, tok, err := s.NewToken(ctx, "bob", bob, "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, "root", tok.ID); err != nil {
			t.Fatal(err)
		}
		// Sign-ins and sessions are not logged.
		if _, err := s.Authenticate(ctx, "bob", "wrong-password"); err == nil {
			t.Fatal("wrong password accepted")
		}
		if _, _, err := s.NewSession(ctx, bob, 3600e9); err != nil {
			t.Fatal(err)
		}
		got := events(t, st)
		want := []event{
			{"system", "user.create", "user:root", "first admin"},
			{"root", "user.create", "user:bob", "role viewer"},
			{"root", "user.role", "user:bob", "viewer → reviewer"},
			{"bob", "user.password", "user:bob", ""},
			{"root", "user.disable", "user:bob", ""},
			{"root", "user.enable", "user:bob", ""},
			{"bob", "token.create", "user:bob", fmt.Sprintf("token %d \"ci\" ospo_%s…, no expiry", tok.ID, tok.Prefix)},
			{"root", "token.revoke", "user:bob", fmt.Sprintf("token %d \"ci\" ospo_%s…", tok.ID, tok.Prefix)},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		for _, row := range tableText(t, st, "events") {
			for _, secretText := range []string{"root-password", "bob-password", secret, strings.TrimPrefix(secret, TokenPrefix)} {
				if strings.Contains(row, secretText) {
					t.Errorf("event %s holds a secret", row)
				}
			}
		}
	})
}
