package access

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// The parsers below read what clients and identity providers send. None
// may panic, and each must keep its promise about what it accepts.

func FuzzParseRole(f *testing.F) {
	for _, s := range []string{"viewer", "Admin ", "root", "", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRole(s)
		if err == nil && !r.Valid() {
			t.Fatalf("ParseRole(%q) = invalid role %q", s, r)
		}
		if err == nil && r.AtLeast(Admin) != (r == Admin) {
			t.Fatalf("%q.AtLeast(admin) wrong", r)
		}
	})
}

func FuzzValidName(f *testing.F) {
	for _, s := range []string{"alice", "a b", "jane@example.com", strings.Repeat("a", 65), "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidName(s) != nil {
			return
		}
		if len(s) == 0 || len(s) > maxNameLen {
			t.Fatalf("ValidName accepted %q of length %d", s, len(s))
		}
		for i := 0; i < len(s); i++ {
			if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-", rune(s[i])) {
				t.Fatalf("ValidName accepted %q with %q", s, s[i])
			}
		}
	})
}

func FuzzParseTokenSecret(f *testing.F) {
	f.Add(newTokenSecret())
	f.Add("ospo_")
	f.Add("ospo_" + strings.Repeat("A", 52))
	f.Fuzz(func(t *testing.T, s string) {
		prefix, err := ParseTokenSecret(s)
		if err != nil {
			return
		}
		if len(s) != len(TokenPrefix)+tokenBodyLen || !strings.HasPrefix(s, TokenPrefix) || s[5:13] != prefix {
			t.Fatalf("ParseTokenSecret(%q) = %q", s, prefix)
		}
		// Every accepted secret is one the encoding could have made.
		if _, err := tokenEncoding.DecodeString(s[len(TokenPrefix):]); err != nil {
			t.Fatalf("accepted %q does not decode: %v", s, err)
		}
	})
}

func FuzzSessionSecret(f *testing.F) {
	f.Add(newSessionSecret())
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if wellFormedSessionSecret(s) && len(s) != sessionSecretLen {
			t.Fatalf("accepted %q", s)
		}
	})
}

// ID tokens are parsed and checked by go-oidc and go-jose; what is left
// of ours is reading the token endpoint's answer into an identity (the
// extra claims, the nonce, subject, authorized party and domain rules).
// The two targets below fuzz Exchange whole, against the in-process test
// provider, so the libraries and our code are fuzzed as they are used.

// fuzzOIDC is an OIDC client of a test provider with a fixed Ed25519 key
// and a fixed clock, and the identity its good token carries.
func fuzzOIDC(f *testing.F) (*provider, *OIDC, testKey, map[string]any, Identity) {
	key := edKey("fuzz")
	p := newProvider(f, key)
	cfg := p.config()
	cfg.HTTPClient, _ = p.inProcess()
	o, err := NewOIDC(context.Background(), cfg)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	o.now = func() time.Time { return now }
	claims := map[string]any{"iss": p.srv.URL, "sub": "1", "aud": "ospo", "exp": now.Add(time.Hour).Unix(), "nonce": "n", "email": "a@example.com"}
	want := Identity{Issuer: p.srv.URL, Subject: "1", Email: "a@example.com"}
	return p, o, key, claims, want
}

// FuzzIDToken feeds ID tokens through the token endpoint to Exchange.
// Only a token carrying the fixed key's signature over the claims it
// presents may pass.
func FuzzIDToken(f *testing.F) {
	p, o, key, claims, want := fuzzOIDC(f)
	ctx := context.Background()
	good := key.sign(f, claims)
	// The good seed must pass, or the fuzz target proves nothing.
	if id, err := o.Exchange(ctx, p.code(good), "n", testVerifier); err != nil || id != want {
		f.Fatalf("the good seed: %+v, %v", id, err)
	}
	parts := strings.Split(good, ".")
	f.Add(good)
	f.Add(b64u([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".")
	f.Add(b64u([]byte(`{"alg":"EdDSA","kid":"fuzz","crit":["x"]}`)) + "." + parts[1] + "." + parts[2])
	f.Add(b64u([]byte(`{"alg":"EdDSA","kid":"other"}`)) + "." + parts[1] + "." + parts[2])
	f.Add(b64u([]byte(`{"alg":"HS256","kid":"fuzz"}`)) + "." + parts[1] + "." + parts[2])
	f.Add(key.sign(f, map[string]any{"iss": p.srv.URL, "sub": "1", "aud": []any{"ospo", 1}, "exp": "soon", "nonce": "n"}))
	f.Add("a.b.c")
	pub := key.priv.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := o.Exchange(ctx, p.code(tok), "n", testVerifier)
		if err != nil {
			if !errors.Is(err, ErrBadCredentials) && !errors.Is(err, ErrExpired) && !errors.Is(err, ErrDomain) {
				t.Fatalf("token %q refused without a sentinel error: %v", tok, err)
			}
			return
		}
		if id != want {
			t.Fatalf("accepted %q as %+v", tok, id)
		}
		// Check the signature independently of go-jose, over the parts
		// as they decode (go-jose re-encodes them canonically).
		ps := strings.Split(tok, ".")
		if len(ps) != 3 {
			t.Fatalf("accepted %q, which has %d parts", tok, len(ps))
		}
		var raw [3][]byte
		for i, part := range ps {
			if raw[i], err = base64.RawURLEncoding.DecodeString(part); err != nil {
				t.Fatalf("accepted %q, whose part %d is not base64url: %v", tok, i, err)
			}
		}
		input := b64u(raw[0]) + "." + b64u(raw[1])
		if !ed25519.Verify(pub, []byte(input), raw[2]) {
			t.Fatalf("accepted %q without the test key's signature", tok)
		}
	})
}

// FuzzTokenResponse feeds whole token endpoint answers (status and body)
// to Exchange. Whatever the answer, Exchange must not panic, and it may
// succeed only with the identity of the one validly signed token.
func FuzzTokenResponse(f *testing.F) {
	p, o, key, claims, want := fuzzOIDC(f)
	ctx := context.Background()
	good := key.sign(f, claims)
	body := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	goodBody := body(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": good})
	if id, err := o.Exchange(ctx, p.rawAnswer(200, goodBody), "n", testVerifier); err != nil || id != want {
		f.Fatalf("the good seed: %+v, %v", id, err)
	}
	f.Add(uint16(0), goodBody)
	f.Add(uint16(0), body(map[string]any{"access_token": "at", "id_token": 42}))
	f.Add(uint16(0), body(map[string]any{"access_token": "at", "expires_in": "300", "id_token": good + "x"}))
	f.Add(uint16(0), []byte(`{"access_token":"at","id_token":"\u0065yJ"}`))
	f.Add(uint16(0), []byte(`{"error":"invalid_grant","error_description":"code expired"}`))
	f.Add(uint16(200), []byte(`{"error":"invalid_client"}`))
	f.Add(uint16(301), []byte("<html>moved</html>"))
	f.Add(uint16(0), []byte("access_token=at&id_token="+good))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		id, err := o.Exchange(ctx, p.rawAnswer(200+int(status)%400, body), "n", testVerifier)
		if err == nil && id != want {
			t.Fatalf("answer %d %q accepted as %+v", 200+int(status)%400, body, id)
		}
	})
}
