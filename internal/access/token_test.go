package access

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, clk := newTestService(st)
		mustUser(t, s, "root", Admin)
		bob := mustUser(t, s, "bob", Developer)

		secret, tok, err := s.NewToken(ctx, "bob", bob, "CI upload", 0)
		if err != nil {
			t.Fatal(err)
		}
		prefix, err := ParseTokenSecret(secret)
		if err != nil {
			t.Fatalf("a new secret does not parse: %v", err)
		}
		if len(secret) != len(TokenPrefix)+52 || prefix != tok.Prefix || secret[5:13] != tok.Prefix || tok.ExpiresAt != nil {
			t.Errorf("NewToken = %q, %+v", secret, tok)
		}
		secret2, tok2, err := s.NewToken(ctx, "root", bob, "nightly", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if secret2 == secret || tok2.ExpiresAt == nil || !tok2.ExpiresAt.Equal(clk.Now().Add(24*time.Hour).Truncate(time.Microsecond)) {
			t.Errorf("second token = %q, %+v", secret2, tok2)
		}

		// The database holds hashes only.
		rows := tableText(t, st, "api_tokens")
		if len(rows) != 2 {
			t.Fatalf("api_tokens has %d rows", len(rows))
		}
		for _, row := range rows {
			for _, sec := range []string{secret, secret2} {
				if strings.Contains(row, strings.TrimPrefix(sec, TokenPrefix)) {
					t.Errorf("api_tokens row holds a secret: %s", row)
				}
			}
		}

		u, err := s.TokenUser(ctx, secret)
		if err != nil || u.ID != bob.ID || u.Role != Developer {
			t.Fatalf("TokenUser = %+v, %v", u, err)
		}
		lastUsed := func() time.Time {
			t.Helper()
			tk, err := s.Token(ctx, tok.ID)
			if err != nil {
				t.Fatal(err)
			}
			return tk.LastUsedAt
		}
		first := lastUsed()
		if !first.Equal(clk.Now().Truncate(time.Microsecond)) {
			t.Errorf("last used %v after first use at %v", first, clk.Now())
		}
		clk.Add(59 * time.Second)
		if _, err := s.TokenUser(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(first) {
			t.Errorf("last use rewritten within a minute: %v → %v", first, got)
		}
		clk.Add(time.Second)
		if _, err := s.TokenUser(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(first.Add(time.Minute)) {
			t.Errorf("last use after a minute = %v, want %v", got, first.Add(time.Minute))
		}

		list, err := s.Tokens(ctx, bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tk := range list {
			names = append(names, tk.Name+" "+tk.Prefix)
		}
		if diff := cmp.Diff([]string{"CI upload " + tok.Prefix, "nightly " + tok2.Prefix}, names); diff != "" {
			t.Errorf("Tokens (-want +got):\n%s", diff)
		}

		// A disabled account's tokens stop working, and work again after.
		if err := s.SetDisabled(ctx, "root", bob.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, secret); !errors.Is(err, ErrDisabled) {
			t.Errorf("token of a disabled account: error = %v, want ErrDisabled", err)
		}
		if _, _, err := s.NewToken(ctx, "root", bob, "more", 0); !errors.Is(err, ErrDisabled) {
			t.Errorf("NewToken for a disabled account: error = %v, want ErrDisabled", err)
		}
		if err := s.SetDisabled(ctx, "root", bob.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, secret); err != nil {
			t.Errorf("token after enabling again: %v", err)
		}

		// Expiry.
		clk.Add(24 * time.Hour)
		if _, err := s.TokenUser(ctx, secret2); !errors.Is(err, ErrExpired) {
			t.Errorf("expired token: error = %v, want ErrExpired", err)
		}
		if _, err := s.TokenUser(ctx, secret); err != nil {
			t.Errorf("token without expiry a day later: %v", err)
		}

		// Revocation.
		if err := s.RevokeToken(ctx, "bob", tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, secret); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("revoked token: error = %v, want ErrBadCredentials", err)
		}
		if err := s.RevokeToken(ctx, "bob", tok.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking twice: error = %v, want store.ErrNotFound", err)
		}

		for _, junk := range []string{"", "ospo_", secret2[:len(secret2)-1], strings.ToUpper(secret2), "ghp_" + secret2[5:], secret2 + "a", "ospo_" + strings.Repeat("a", 52)} {
			if _, err := s.TokenUser(ctx, junk); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("TokenUser(%q) error = %v, want ErrBadCredentials", junk, err)
			}
		}
		for _, bad := range []string{"", "   ", "a\nb", strings.Repeat("é", 65)} {
			if _, _, err := s.NewToken(ctx, "bob", bob, bad, 0); !errors.Is(err, ErrInvalid) {
				t.Errorf("NewToken named %q: error = %v, want ErrInvalid", bad, err)
			}
		}
		if _, _, err := s.NewToken(ctx, "bob", bob, "neg", -time.Second); !errors.Is(err, ErrInvalid) {
			t.Errorf("NewToken with negative lifetime: error = %v, want ErrInvalid", err)
		}
	})
}

func TestParseTokenSecret(t *testing.T) {
	good := TokenPrefix + "abcdefgh" + strings.Repeat("234567xy", 5) + "zzzz"
	tests := []struct {
		in     string
		prefix string
	}{
		{good, "abcdefgh"},
		{newTokenSecret(), ""}, // prefix checked below
		{"", ""},
		{"ospo_", ""},
		{"OSPO_" + good[5:], ""},
		{good[:len(good)-1], ""},
		{good + "a", ""},
		{good[:10] + "1" + good[11:], ""}, // 1 is not base32
		{good[:10] + "A" + good[11:], ""},
		{good[:10] + "=" + good[11:], ""},
	}
	for i, tt := range tests {
		p, err := ParseTokenSecret(tt.in)
		switch {
		case i == 1:
			if err != nil || p != tt.in[5:13] {
				t.Errorf("fresh secret %q: %q, %v", tt.in, p, err)
			}
		case tt.prefix != "":
			if err != nil || p != tt.prefix {
				t.Errorf("ParseTokenSecret(%q) = %q, %v; want %q", tt.in, p, err, tt.prefix)
			}
		default:
			if err == nil || !errors.Is(err, ErrBadCredentials) {
				t.Errorf("ParseTokenSecret(%q) = %q, %v; want ErrBadCredentials", tt.in, p, err)
			}
		}
	}
}

// TestAllTokens lists every account's tokens with their owners, by owner
// name whatever its case, and with neither secret nor hash.
func TestAllTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		root := mustUser(t, s, "root", Admin)
		bob := mustUser(t, s, "Bob", Developer)
		if got, err := s.AllTokens(ctx); err != nil || len(got) != 0 {
			t.Fatalf("AllTokens with no token = %+v, %v", got, err)
		}
		var secrets []string
		for _, mk := range []struct {
			u    User
			name string
			ttl  time.Duration
		}{{root, "laptop", 0}, {bob, "ci", time.Hour}, {bob, "nightly", 0}} {
			secret, _, err := s.NewToken(ctx, "root", mk.u, mk.name, mk.ttl)
			if err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, secret)
		}
		all, err := s.AllTokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ot := range all {
			got = append(got, fmt.Sprintf("%s/%d/%s expires:%v", ot.Owner, ot.UserID, ot.Name, ot.ExpiresAt != nil))
		}
		want := []string{
			fmt.Sprintf("Bob/%d/ci expires:true", bob.ID),
			fmt.Sprintf("Bob/%d/nightly expires:false", bob.ID),
			fmt.Sprintf("root/%d/laptop expires:false", root.ID),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("AllTokens (-want +got):\n%s", diff)
		}
		text := fmt.Sprintf("%+v", all)
		for _, sec := range secrets {
			if strings.Contains(text, strings.TrimPrefix(sec, TokenPrefix)) || strings.Contains(text, hashSecret(sec)) {
				t.Errorf("AllTokens shows a secret or its hash: %s", text)
			}
		}
	})
}
