package access

import (
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

func TestOIDCSignInEndToEnd(t *testing.T) {
	key := rsaKey(t, "k1", "RS256")
	p := newProvider(t, key)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		cfg := p.config()
		cfg.DefaultRole = Developer
		o, err := NewOIDC(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}

		u, err := url.Parse(o.AuthCodeURL("state-123", "nonce-456"))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Host != strings.TrimPrefix(p.srv.URL, "http://") || u.Path != "/authorize" ||
			q.Get("client_id") != "ospo" || q.Get("redirect_uri") != p.redirect || q.Get("response_type") != "code" ||
			q.Get("state") != "state-123" || q.Get("nonce") != "nonce-456" || q.Get("scope") != "openid email profile" {
			t.Errorf("AuthCodeURL = %s", u)
		}

		code := p.code(key.sign(t, p.claims("nonce-456", time.Now())))
		id, err := o.Exchange(ctx, code, "nonce-456")
		if err != nil {
			t.Fatal(err)
		}
		want := Identity{Issuer: p.srv.URL, Subject: "248289761001", Email: "Jane.Doe@Example.com", EmailVerified: true, Name: "Jane Doe"}
		if diff := cmp.Diff(want, id); diff != "" {
			t.Errorf("Exchange (-want +got):\n%s", diff)
		}
		if _, err := o.Exchange(ctx, code, "nonce-456"); err == nil {
			t.Error("a code was accepted twice")
		}

		user, err := s.UserForIdentity(ctx, id, o.DefaultRole())
		if err != nil {
			t.Fatal(err)
		}
		if user.Name != "jane.doe@example.com" || user.Role != Developer || user.OIDCSubject != id.Subject || user.OIDCIssuer != id.Issuer {
			t.Errorf("UserForIdentity = %+v", user)
		}
		again, err := s.UserForIdentity(ctx, id, Admin)
		if err != nil || again.ID != user.ID || again.Role != Developer {
			t.Errorf("second sign-in = %+v, %v; want the same account, role unchanged", again, err)
		}
		if _, err := s.Authenticate(ctx, user.Name, ""); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("password sign-in of an OIDC account: error = %v, want ErrBadCredentials", err)
		}
		if _, _, err := s.NewSession(ctx, user, time.Hour); err != nil {
			t.Errorf("session for the OIDC account: %v", err)
		}
		if got := events(t, st); len(got) != 1 || got[0].Actor != "oidc" || got[0].Action != "user.create" || got[0].Subject != "user:jane.doe@example.com" {
			t.Errorf("events = %+v", got)
		}
	})
}

func TestOIDCRefusesBadTokens(t *testing.T) {
	key := rsaKey(t, "k1", "RS256")
	impostor := rsaKey(t, "k1", "RS256") // same key id, not published
	p := newProvider(t, key)
	ctx := context.Background()
	o, err := NewOIDC(ctx, p.config())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	with := func(change func(c map[string]any)) map[string]any {
		c := p.claims("n1", now)
		change(c)
		return c
	}
	good := key.sign(t, p.claims("n1", now))
	parts := strings.Split(good, ".")
	otherPayload := strings.Split(key.sign(t, with(func(c map[string]any) { c["sub"] = "someone-else" })), ".")[1]
	pub := key.priv.Public().(*rsa.PublicKey)
	hs := func() string {
		hdr := b64u([]byte(`{"alg":"HS256","kid":"k1"}`))
		m := hmac.New(sha256.New, pub.N.Bytes())
		m.Write([]byte(hdr + "." + parts[1]))
		return hdr + "." + parts[1] + "." + b64u(m.Sum(nil))
	}()

	tests := []struct {
		name    string
		token   string
		nonce   string
		want    error
		wantMsg string
	}{
		{"good", good, "n1", nil, ""},
		{"wrong nonce", good, "n2", ErrBadCredentials, "nonce"},
		{"no nonce in token", key.sign(t, with(func(c map[string]any) { delete(c, "nonce") })), "n1", ErrBadCredentials, "nonce"},
		{"wrong audience", key.sign(t, with(func(c map[string]any) { c["aud"] = "another-client" })), "n1", ErrBadCredentials, "audience"},
		{"audience list without azp", key.sign(t, with(func(c map[string]any) { c["aud"] = []string{"ospo", "other"} })), "n1", ErrBadCredentials, "several audiences"},
		{"audience list with azp", key.sign(t, with(func(c map[string]any) { c["aud"] = []string{"ospo", "other"}; c["azp"] = "ospo" })), "n1", nil, ""},
		{"issued to another party", key.sign(t, with(func(c map[string]any) { c["azp"] = "other" })), "n1", ErrBadCredentials, "issued to"},
		{"wrong issuer", key.sign(t, with(func(c map[string]any) { c["iss"] = "https://evil.example" })), "n1", ErrBadCredentials, "issuer"},
		{"expired", key.sign(t, with(func(c map[string]any) { c["exp"] = now.Add(-2 * time.Minute).Unix() })), "n1", ErrExpired, "expired"},
		{"expired within leeway", key.sign(t, with(func(c map[string]any) { c["exp"] = now.Add(-30 * time.Second).Unix() })), "n1", nil, ""},
		{"no expiry", key.sign(t, with(func(c map[string]any) { delete(c, "exp") })), "n1", ErrBadCredentials, "no expiry"},
		{"not yet valid", key.sign(t, with(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() })), "n1", ErrBadCredentials, "not valid before"},
		{"no subject", key.sign(t, with(func(c map[string]any) { delete(c, "sub") })), "n1", ErrBadCredentials, "subject"},
		{"signed by another key", impostor.sign(t, p.claims("n1", now)), "n1", ErrBadCredentials, "signature"},
		{"payload swapped", parts[0] + "." + otherPayload + "." + parts[2], "n1", ErrBadCredentials, "signature"},
		{"alg none", b64u([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".", "n1", ErrBadCredentials, "not accepted"},
		{"HS256 keyed with the public key", hs, "n1", ErrBadCredentials, "not accepted"},
		{"unknown key id", rsaKey(t, "k9", "RS256").sign(t, p.claims("n1", now)), "n1", ErrBadCredentials, "no key"},
		{"not a JWT", "hello", "n1", ErrBadCredentials, "parts"},
		{"no ID token", "", "n1", ErrBadCredentials, "no ID token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := o.Exchange(ctx, p.code(tt.token), tt.nonce)
			if tt.want == nil {
				if err != nil || id.Subject != "248289761001" {
					t.Errorf("Exchange = %+v, %v; want success", id, err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Exchange error = %v; want %v mentioning %q", err, tt.want, tt.wantMsg)
			}
		})
	}
	if _, err := o.Exchange(ctx, p.code(good), ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("Exchange without a nonce: error = %v, want ErrInvalid", err)
	}
}

func TestOIDCAlgorithms(t *testing.T) {
	keys := []testKey{rsaKey(t, "rs", "RS256"), rsaKey(t, "ps", "PS256"), ecKey(t, "es"), edKey("ed")}
	p := newProvider(t, keys...)
	ctx := context.Background()
	o, err := NewOIDC(ctx, p.config())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, err := o.Exchange(ctx, p.code(k.sign(t, p.claims("n", time.Now()))), "n"); err != nil {
			t.Errorf("%s token: %v", k.alg, err)
		}
	}
	// A key bound to one algorithm does not verify another: the RSA key
	// published for PS256 must not accept an RS256 signature.
	rs := keys[1]
	rs.alg = "RS256"
	if _, err := o.Exchange(ctx, p.code(rs.sign(t, p.claims("n", time.Now()))), "n"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("RS256 token under a PS256 key: error = %v, want ErrBadCredentials", err)
	}
}

func TestOIDCKeyRotation(t *testing.T) {
	old, next := rsaKey(t, "2026-01", "RS256"), rsaKey(t, "2026-02", "RS256")
	p := newProvider(t, old)
	ctx := context.Background()
	o, err := NewOIDC(ctx, p.config())
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	clk.t = time.Now()
	o.now = clk.Now
	p.setKeys(old, next)
	tok := func() string { return p.code(next.sign(t, p.claims("n", clk.Now()))) }

	// Right after a fetch, an unknown key id does not fetch again, so
	// forged tokens cannot make ospo hammer the provider.
	if _, err := o.Exchange(ctx, tok(), "n"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("new key right after a fetch: error = %v, want ErrBadCredentials", err)
	}
	if n := p.fetches(); n != 1 {
		t.Errorf("key set fetched %d times, want 1", n)
	}
	clk.Add(refetchKeysAfter)
	if _, err := o.Exchange(ctx, tok(), "n"); err != nil {
		t.Errorf("new key once the set may be fetched again: %v", err)
	}
	if _, err := o.Exchange(ctx, tok(), "n"); err != nil {
		t.Errorf("new key again: %v", err)
	}
	if n := p.fetches(); n != 2 {
		t.Errorf("key set fetched %d times, want 2", n)
	}
}

func TestOIDCDomains(t *testing.T) {
	key := edKey("k")
	p := newProvider(t, key)
	ctx := context.Background()
	cfg := p.config()
	cfg.AllowedDomains = []string{"@Example.com", "example.org"}
	o, err := NewOIDC(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		email    string
		verified any
		want     error
	}{
		{"Jane.Doe@Example.com", true, nil},
		{"jane@example.org", "true", nil},
		{"jane@example.com", false, ErrDomain},
		{"jane@example.com", nil, ErrDomain},
		{"jane@example.com", "yes", ErrBadCredentials}, // not a boolean: the claims do not decode
		{"jane@evil.com", true, ErrDomain},
		{"jane@sub.example.com", true, ErrDomain},
		{"jane@example.com@evil.com", true, ErrDomain},
		{"", true, ErrDomain},
	}
	for _, tt := range tests {
		c := p.claims("n", time.Now())
		c["email"] = tt.email
		if tt.verified == nil {
			delete(c, "email_verified")
		} else {
			c["email_verified"] = tt.verified
		}
		_, err := o.Exchange(ctx, p.code(key.sign(t, c)), "n")
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%q verified=%v: error = %v, want %v", tt.email, tt.verified, err, tt.want)
		}
	}
}

func TestOIDCProviderErrors(t *testing.T) {
	key := edKey("k")
	ctx := context.Background()

	p := newProvider(t, key)
	cfg := p.config()
	cfg.ClientSecret = "wrong"
	o, err := NewOIDC(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.Exchange(ctx, p.code(key.sign(t, p.claims("n", time.Now()))), "n")
	if !errors.Is(err, ErrBadCredentials) || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("wrong client secret: error = %v", err)
	}

	mismatch := newProvider(t, key)
	mismatch.issuer = "https://accounts.example"

	tests := []struct {
		name   string
		cfg    func(c *OIDCConfig)
		prov   *provider
		substr string
	}{
		{"issuer mismatch", nil, mismatch, "is for issuer"},
		{"no discovery document", func(c *OIDCConfig) { c.Issuer += "/realms/none" }, p, "404"},
		{"plain http issuer", func(c *OIDCConfig) { c.Issuer = "http://idp.example" }, p, "must be https"},
		{"not a URL", func(c *OIDCConfig) { c.Issuer = "idp" }, p, "not an absolute URL"},
		{"no client id", func(c *OIDCConfig) { c.ClientID = "" }, p, "no client id"},
		{"relative redirect", func(c *OIDCConfig) { c.RedirectURL = "/auth/callback" }, p, "redirect"},
		{"unknown role", func(c *OIDCConfig) { c.DefaultRole = "root" }, p, "role"},
		{"bad domain", func(c *OIDCConfig) { c.AllowedDomains = []string{"a@b.com"} }, p, "domain"},
	}
	for _, tt := range tests {
		c := tt.prov.config()
		if tt.cfg != nil {
			tt.cfg(&c)
		}
		if _, err := NewOIDC(ctx, c); err == nil || !strings.Contains(err.Error(), tt.substr) {
			t.Errorf("%s: NewOIDC error = %v, want one mentioning %q", tt.name, err, tt.substr)
		}
	}
}

func TestUserForIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := newTestService(st)
		mustUser(t, s, "root", Admin)
		// A password account already has the e-mail as its name: the OIDC
		// identity does not take it over.
		taken := mustUser(t, s, "Jane@Example.com", Admin)

		jane := Identity{Issuer: "https://idp.example", Subject: "s-1", Email: "jane@example.com", EmailVerified: true}
		u, err := s.UserForIdentity(ctx, jane, Viewer)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == taken.ID || u.Name != "jane@example.com-2" || u.Role != Viewer {
			t.Errorf("identity with a taken e-mail = %+v", u)
		}
		tests := []struct {
			id   Identity
			name string
		}{
			{Identity{Issuer: "https://idp.example", Subject: "s-2", Email: "j+tag@example.com"}, "j-tag@example.com"},
			{Identity{Issuer: "https://idp.example", Subject: "0a/1b"}, "oidc-0a-1b"},
			{Identity{Issuer: "https://other.example", Subject: "s-1", Email: "jane@example.com"}, "jane@example.com-3"},
			{Identity{Issuer: "https://idp.example", Subject: "s-3", Email: strings.Repeat("x", 70) + "@example.com"}, strings.Repeat("x", 64)},
			{Identity{Issuer: "https://idp.example", Subject: "s-4", Email: strings.Repeat("x", 70) + "@example.com"}, strings.Repeat("x", 62) + "-2"},
			{Identity{Issuer: "https://idp.example", Subject: "s-5", Email: "ééé"}, "oidc-user"},
		}
		for _, tt := range tests {
			u, err := s.UserForIdentity(ctx, tt.id, Developer)
			if err != nil || u.Name != tt.name || u.Role != Developer {
				t.Errorf("UserForIdentity(%+v) = %+v, %v; want name %q", tt.id, u, err, tt.name)
			}
		}

		if err := s.SetDisabled(ctx, "root", u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserForIdentity(ctx, jane, Viewer); !errors.Is(err, ErrDisabled) {
			t.Errorf("disabled OIDC account: error = %v, want ErrDisabled", err)
		}
		for _, bad := range []Identity{{Issuer: "x"}, {Issuer: "x", Subject: strings.Repeat("s", 256)}} {
			if _, err := s.UserForIdentity(ctx, bad, Viewer); !errors.Is(err, ErrInvalid) {
				t.Errorf("UserForIdentity(%+v): error = %v, want ErrInvalid", bad, err)
			}
		}
		if _, err := s.UserForIdentity(ctx, Identity{Subject: "s"}, "root"); !errors.Is(err, ErrInvalid) {
			t.Errorf("unknown default role: error = %v, want ErrInvalid", err)
		}
	})
}

func TestJWKSParsing(t *testing.T) {
	rs := rsaKey(t, "rs", "RS256").jwk()
	small := rsaKey(t, "x", "RS256").jwk()
	small["n"] = b64u([]byte{0xc5, 0x01, 0x02}) // far too short
	enc := rsaKey(t, "enc", "RSA-OAEP").jwk()
	enc["use"] = "enc"
	badCurve := ecKey(t, "ec").jwk()
	badCurve["crv"] = "P-192"
	offCurve := ecKey(t, "ec").jwk()
	offCurve["y"] = offCurve["x"]
	tests := []struct {
		name string
		keys []map[string]any
		kids []string
	}{
		{"one RSA key", []map[string]any{rs}, []string{"rs"}},
		{"unusable keys are skipped", []map[string]any{small, enc, badCurve, offCurve, {"kty": "oct", "k": "c2VjcmV0"}, rs}, []string{"rs"}},
		{"no usable key", []map[string]any{small, enc}, nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		data, _ := json.Marshal(map[string]any{"keys": tt.keys})
		keys, err := parseJWKS(data)
		var kids []string
		for _, k := range keys {
			kids = append(kids, k.kid)
		}
		if diff := cmp.Diff(tt.kids, kids); diff != "" || (err == nil) != (tt.kids != nil) {
			t.Errorf("%s: kids (-want +got):\n%s error %v", tt.name, diff, err)
		}
	}
	for _, junk := range []string{"", "[]", `{"keys":{}}`, `{"keys":[1]}`, "null"} {
		if _, err := parseJWKS([]byte(junk)); err == nil {
			t.Errorf("parseJWKS(%q) succeeded", junk)
		}
	}
}
