package access

import (
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
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

		u, err := url.Parse(o.AuthCodeURL("state-123", "nonce-456", testVerifier))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Host != strings.TrimPrefix(p.srv.URL, "http://") || u.Path != "/authorize" ||
			q.Get("client_id") != "ospo" || q.Get("redirect_uri") != p.redirect || q.Get("response_type") != "code" ||
			q.Get("state") != "state-123" || q.Get("nonce") != "nonce-456" || q.Get("scope") != "openid email profile" ||
			q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") != s256(testVerifier) {
			t.Errorf("AuthCodeURL = %s", u)
		}

		code := p.code(key.sign(t, p.claims("nonce-456", time.Now())))
		id, err := o.Exchange(ctx, code, "nonce-456", testVerifier)
		if err != nil {
			t.Fatal(err)
		}
		want := Identity{Issuer: p.srv.URL, Subject: "248289761001", Email: "Jane.Doe@Example.com", EmailVerified: true, Name: "Jane Doe"}
		if diff := cmp.Diff(want, id); diff != "" {
			t.Errorf("Exchange (-want +got):\n%s", diff)
		}
		if _, err := o.Exchange(ctx, code, "nonce-456", testVerifier); err == nil {
			t.Error("a code was accepted twice")
		}
		// PKCE: a code taken on its way back is refused with any other
		// verifier, and an exchange without one is not even sent.
		stolen := p.code(key.sign(t, p.claims("nonce-456", time.Now())))
		if _, err := o.Exchange(ctx, stolen, "nonce-456", NewVerifier()); !errors.Is(err, ErrBadCredentials) || !strings.Contains(err.Error(), "invalid_grant") {
			t.Errorf("a code with another verifier: %v", err)
		}
		if _, err := o.Exchange(ctx, p.code(key.sign(t, p.claims("nonce-456", time.Now()))), "nonce-456", ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("an exchange without a verifier: %v", err)
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
		{"wrong issuer", key.sign(t, with(func(c map[string]any) { c["iss"] = "https://evil.example" })), "n1", ErrBadCredentials, "different provider"},
		{"expired", key.sign(t, with(func(c map[string]any) { c["exp"] = now.Add(-2 * time.Minute).Unix() })), "n1", ErrExpired, "expired"},
		{"expired within leeway", key.sign(t, with(func(c map[string]any) { c["exp"] = now.Add(-30 * time.Second).Unix() })), "n1", nil, ""},
		{"no expiry", key.sign(t, with(func(c map[string]any) { delete(c, "exp") })), "n1", ErrBadCredentials, "no expiry"},
		{"not yet valid", key.sign(t, with(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() })), "n1", ErrBadCredentials, "nbf"},
		{"no subject", key.sign(t, with(func(c map[string]any) { delete(c, "sub") })), "n1", ErrBadCredentials, "subject"},
		{"signed by another key", impostor.sign(t, p.claims("n1", now)), "n1", ErrBadCredentials, "signature"},
		{"payload swapped", parts[0] + "." + otherPayload + "." + parts[2], "n1", ErrBadCredentials, "signature"},
		{"alg none", b64u([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".", "n1", ErrBadCredentials, "unexpected signature algorithm"},
		{"HS256 keyed with the public key", hs, "n1", ErrBadCredentials, "unexpected signature algorithm"},
		{"unknown key id", rsaKey(t, "k9", "RS256").sign(t, p.claims("n1", now)), "n1", ErrBadCredentials, "signature"},
		{"not a JWT", "hello", "n1", ErrBadCredentials, "parts"},
		{"no ID token", "", "n1", ErrBadCredentials, "no ID token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := o.Exchange(ctx, p.code(tt.token), tt.nonce, testVerifier)
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
	if _, err := o.Exchange(ctx, p.code(good), "", testVerifier); !errors.Is(err, ErrInvalid) {
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
		if _, err := o.Exchange(ctx, p.code(k.sign(t, p.claims("n", time.Now()))), "n", testVerifier); err != nil {
			t.Errorf("%s token: %v", k.alg, err)
		}
	}
	// Only the algorithms the provider lists are accepted: a valid RS384
	// signature by a published key is refused, since the provider lists
	// RS256, PS256, ES256 and EdDSA.
	rs384 := keys[0]
	rs384.alg = "RS384"
	if _, err := o.Exchange(ctx, p.code(rs384.sign(t, p.claims("n", time.Now()))), "n", testVerifier); !errors.Is(err, ErrBadCredentials) || !strings.Contains(err.Error(), `"RS384"`) {
		t.Errorf("RS384 token: error = %v, want ErrBadCredentials naming RS384", err)
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
	signIn := func(k testKey) error {
		_, err := o.Exchange(ctx, p.code(k.sign(t, p.claims("n", time.Now()))), "n", testVerifier)
		return err
	}
	// Each step: the key that signs, whether the token is accepted, and
	// how many times the key set has been fetched after it. go-oidc
	// fetches the set at the first sign-in and again for a token that no
	// cached key verifies.
	steps := []struct {
		name    string
		publish []testKey // the provider's key set before the step; nil keeps it
		signer  testKey
		ok      bool
		fetches int
	}{
		{"first sign-in fetches the set", nil, old, true, 1},
		{"a cached key needs no fetch", nil, old, true, 1},
		{"a new key is fetched when it first signs", []testKey{old, next}, next, true, 2},
		{"and is cached afterwards", nil, next, true, 2},
		{"an unknown key is refused after a fetch", nil, rsaKey(t, "2026-99", "RS256"), false, 3},
		{"a key the provider dropped is still cached", []testKey{next}, old, true, 3},
		{"a key that no longer verifies is fetched again and refused", nil, rsaKey(t, "2026-01", "RS256"), false, 4},
		{"the dropped key is gone from the cache", nil, old, false, 5},
	}
	for _, st := range steps {
		if st.publish != nil {
			p.setKeys(st.publish...)
		}
		err := signIn(st.signer)
		if st.ok && err != nil || !st.ok && !errors.Is(err, ErrBadCredentials) {
			t.Errorf("%s: error = %v, want ok=%v", st.name, err, st.ok)
		}
		if n := p.fetches(); n != st.fetches {
			t.Errorf("%s: key set fetched %d times, want %d", st.name, n, st.fetches)
		}
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
		_, err := o.Exchange(ctx, p.code(key.sign(t, c)), "n", testVerifier)
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
	_, err = o.Exchange(ctx, p.code(key.sign(t, p.claims("n", time.Now()))), "n", testVerifier)
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

func TestOIDCKeySets(t *testing.T) {
	good := rsaKey(t, "rs", "RS256")
	enc := rsaKey(t, "enc", "RSA-OAEP")
	encJWK := enc.jwk()
	encJWK["use"] = "enc"
	encSigner := enc
	encSigner.alg = "RS256"
	ctx := context.Background()
	tests := []struct {
		name   string
		extra  []map[string]any // published before the good key
		signer testKey
		ok     bool
	}{
		{"keys ospo cannot use are skipped", []map[string]any{
			{"kty": "OKP", "crv": "Ed448", "kid": "ed448", "x": b64u(make([]byte, 57))},
			{"kty": "EC", "crv": "secp256k1", "alg": "ES256K", "kid": "k1", "x": b64u(make([]byte, 32)), "y": b64u(make([]byte, 32))},
			encJWK,
		}, good, true},
		{"a key published for encryption (alg RSA-OAEP) does not verify", []map[string]any{encJWK}, encSigner, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, good)
			p.extraJWKs = tt.extra
			o, err := NewOIDC(ctx, p.config())
			if err != nil {
				t.Fatal(err)
			}
			_, err = o.Exchange(ctx, p.code(tt.signer.sign(t, p.claims("n", time.Now()))), "n", testVerifier)
			if tt.ok && err != nil || !tt.ok && !errors.Is(err, ErrBadCredentials) {
				t.Errorf("error = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestOIDCHTTPClient(t *testing.T) {
	key := edKey("k")
	p := newProvider(t, key)
	ctx := context.Background()
	cfg := p.config()
	var log *requestLog
	cfg.HTTPClient, log = p.inProcess()
	o, err := NewOIDC(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Exchange(ctx, p.code(key.sign(t, p.claims("n", time.Now()))), "n", testVerifier); err != nil {
		t.Fatal(err)
	}
	// Every request to the provider goes through the configured client.
	for _, path := range []string{"/.well-known/openid-configuration", "/token", "/jwks"} {
		if n := log.count(path); n != 1 {
			t.Errorf("%s: %d requests through the configured client, want 1", path, n)
		}
	}
}

func TestOIDCBoundsAnswers(t *testing.T) {
	key := edKey("k")
	p := newProvider(t, key)
	ctx := context.Background()
	under, err := NewOIDC(ctx, p.config())
	if err != nil {
		t.Fatal(err)
	}
	over, err := NewOIDC(ctx, p.config())
	if err != nil {
		t.Fatal(err)
	}
	p.setPadding(maxProviderAnswer - 1000)
	if _, err := under.Exchange(ctx, p.code(key.sign(t, p.claims("n", time.Now()))), "n", testVerifier); err != nil {
		t.Errorf("key set just under the bound: %v", err)
	}
	p.setPadding(maxProviderAnswer)
	if _, err := over.Exchange(ctx, p.code(key.sign(t, p.claims("n", time.Now()))), "n", testVerifier); !errors.Is(err, ErrBadCredentials) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("key set over the bound: error = %v, want ErrBadCredentials mentioning the size", err)
	}
	if _, err := NewOIDC(ctx, p.config()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("discovery document over the bound: error = %v", err)
	}
}
