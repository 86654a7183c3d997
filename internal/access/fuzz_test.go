package access

import (
	"encoding/json"
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

// FuzzIDToken feeds whole ID tokens through parsing, signature checking
// and claim checks. Only a token signed by the fixed test key with the
// right claims may pass.
func FuzzIDToken(f *testing.F) {
	key := edKey("fuzz")
	keys := []publicKey{{kid: "fuzz", alg: "EdDSA", key: key.priv.Public()}}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	claims := map[string]any{"iss": "https://idp.example", "sub": "1", "aud": "ospo", "exp": now.Add(time.Hour).Unix(), "nonce": "n"}
	good := key.sign(f, claims)
	// The good seed must pass every step, or the fuzz target proves nothing.
	j, err := parseJWS(good)
	if err == nil {
		_, err = j.verify(keys)
	}
	if err == nil {
		var c idClaims
		if c, err = parseClaims(j.payload); err == nil {
			err = c.check("https://idp.example", "ospo", "n", now)
		}
	}
	if err != nil {
		f.Fatalf("the good seed is refused: %v", err)
	}
	f.Add(good)
	f.Add(b64u([]byte(`{"alg":"none"}`)) + "." + b64u([]byte(`{}`)) + ".")
	f.Add(b64u([]byte(`{"alg":"RS256","crit":["x"]}`)) + ".e30.AA")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		j, err := parseJWS(tok)
		if err != nil {
			return
		}
		if _, err := j.verify(keys); err != nil {
			return
		}
		c, err := parseClaims(j.payload)
		if err != nil {
			return
		}
		if err := c.check("https://idp.example", "ospo", "n", now); err != nil {
			return
		}
		// Accepted: it must carry the test key's signature over these bytes.
		if j.alg != "EdDSA" || c.Subject == "" || c.Nonce != "n" {
			t.Fatalf("accepted %q with %+v", tok, c)
		}
	})
}

func FuzzJWKS(f *testing.F) {
	one, _ := json.Marshal(map[string]any{"keys": []any{edKey("a").jwk()}})
	f.Add(one)
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"","y":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := parseJWKS(data)
		if err == nil && len(keys) == 0 {
			t.Fatal("no error and no key")
		}
	})
}
