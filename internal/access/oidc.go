package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"ospo/internal/store"
)

// Discovery, the key set and ID token checks are github.com/coreos/go-oidc
// (with go-jose for the signatures); the code exchange is
// golang.org/x/oauth2. This file adds what those leave to their caller:
// https-only provider URLs, the nonce, the authorized party, a subject,
// the e-mail domain rule, clock leeway and bounds on the provider's
// answers.

// OIDCConfig says how to sign in through an OpenID Connect provider
// (Keycloak, Entra ID, Google, GitLab, Dex, …) with the authorization
// code flow.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL, exactly as its discovery
	// document and ID tokens name it. It must be https, except on a
	// loopback host.
	Issuer string
	// ClientID and ClientSecret are ospo's credentials at the provider.
	ClientID     string
	ClientSecret string
	// RedirectURL is ospo's callback URL, as registered at the provider.
	RedirectURL string
	// DefaultRole is the role of accounts made by a first sign-in
	// (viewer when empty).
	DefaultRole Role
	// AllowedDomains, when not empty, admits only identities whose
	// verified e-mail address is in one of these domains.
	AllowedDomains []string
	// HTTPClient talks to the provider (discovery, key set, token
	// endpoint); nil is a client with a 10 s timeout. Answers larger than
	// 1 MiB are refused whichever client is used.
	HTTPClient *http.Client
}

// Identity is who the provider says signed in.
type Identity struct {
	// Issuer and Subject together name the person for good; e-mail and
	// name may change.
	Issuer  string
	Subject string
	Email   string
	// EmailVerified is the provider's word that the person owns Email.
	EmailVerified bool
	Name          string
}

// OIDC signs people in through one OpenID Connect provider. It is safe
// for concurrent use.
type OIDC struct {
	cfg      OIDCConfig
	oauth    oauth2.Config
	client   *http.Client
	verifier *oidc.IDTokenVerifier
	domains  []string
	// now is the clock; tests move it.
	now func() time.Time
}

const (
	// maxProviderAnswer bounds every answer read from the provider.
	maxProviderAnswer = 1 << 20
	// clockLeeway is how long after its expiry an ID token is still
	// accepted, for clocks that differ a little.
	clockLeeway = time.Minute
	// maxSubjectLen is the longest subject OpenID Connect Core §2 allows.
	maxSubjectLen = 255
)

// NewOIDC reads the provider's discovery document at
// Issuer/.well-known/openid-configuration. The provider's key set is
// read at the first sign-in, and again whenever an ID token names a key
// not in it (the provider rotated its keys).
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.DefaultRole == "" {
		cfg.DefaultRole = Viewer
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	client = boundedClient(client, maxProviderAnswer)
	discoveryURL := strings.TrimSuffix(cfg.Issuer, "/") + "/.well-known/openid-configuration"
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
	if err != nil {
		var mismatch *oidc.IssuerMismatchError
		if errors.As(err, &mismatch) {
			// OpenID Connect Discovery §4.3: a document for another issuer
			// must not be used.
			return nil, fmt.Errorf("OIDC discovery %s: the document is for issuer %q, not %q", discoveryURL, truncate(mismatch.Discovered, 200), cfg.Issuer)
		}
		return nil, fmt.Errorf("OIDC discovery %s: %w", discoveryURL, err)
	}
	var meta struct {
		JWKSURI          string   `json:"jwks_uri"`
		TokenAuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("OIDC discovery %s: %w", discoveryURL, err)
	}
	endpoint := provider.Endpoint()
	for _, ep := range []struct{ name, url string }{
		{"authorization_endpoint", endpoint.AuthURL},
		{"token_endpoint", endpoint.TokenURL},
		{"jwks_uri", meta.JWKSURI},
	} {
		if err := checkProviderURL(ep.url); err != nil {
			return nil, fmt.Errorf("OIDC discovery %s: %s: %w", discoveryURL, ep.name, err)
		}
	}
	// An explicit style: oauth2's probing would retry a refused code with
	// the secret in the form and report that second answer.
	endpoint.AuthStyle = oauth2.AuthStyleInHeader
	if len(meta.TokenAuthMethods) > 0 && !slices.Contains(meta.TokenAuthMethods, "client_secret_basic") && slices.Contains(meta.TokenAuthMethods, "client_secret_post") {
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	o := &OIDC{
		cfg: cfg,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			RedirectURL:  cfg.RedirectURL,
			Scopes:       []string{oidc.ScopeOpenID, oidc.ScopeEmail, oidc.ScopeProfile},
			Endpoint:     endpoint,
		},
		client:  client,
		domains: normalizeDomains(cfg.AllowedDomains),
		now:     time.Now,
	}
	// The verifier accepts the asymmetric algorithms the provider lists in
	// id_token_signing_alg_values_supported (RS256 when it lists none),
	// never "none" or HS*. Its expiry check has no leeway; a clock set
	// back by clockLeeway gives one (and shortens its 5-minute leeway on
	// the not-before time to 4).
	o.verifier = provider.Verifier(&oidc.Config{
		ClientID: cfg.ClientID,
		Now:      func() time.Time { return o.now().Add(-clockLeeway) },
	})
	return o, nil
}

// DefaultRole is the role of accounts made by a first sign-in.
func (o *OIDC) DefaultRole() Role { return o.cfg.DefaultRole }

func (cfg OIDCConfig) check() error {
	if err := checkProviderURL(cfg.Issuer); err != nil {
		return fmt.Errorf("OIDC issuer: %w", err)
	}
	if cfg.ClientID == "" {
		return fmt.Errorf("OIDC: %w: no client id", ErrInvalid)
	}
	u, err := url.Parse(cfg.RedirectURL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("OIDC redirect URL %q: %w: not an absolute URL", cfg.RedirectURL, ErrInvalid)
	}
	if !cfg.DefaultRole.Valid() {
		return fmt.Errorf("OIDC default role %q: %w", cfg.DefaultRole, ErrInvalid)
	}
	for _, d := range cfg.AllowedDomains {
		d = strings.TrimPrefix(strings.TrimSpace(d), "@")
		if d == "" || strings.ContainsAny(d, "@/ ") {
			return fmt.Errorf("OIDC allowed domain %q: %w", d, ErrInvalid)
		}
	}
	return nil
}

// checkProviderURL accepts https URLs, and http ones on a loopback host
// (a provider on the same machine, tests).
func checkProviderURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q: %w: not an absolute URL", raw, ErrInvalid)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("%q: %w: must be https (http only on a loopback host)", raw, ErrInvalid)
	}
	return fmt.Errorf("%q: %w: must be https", raw, ErrInvalid)
}

func normalizeDomains(ds []string) []string {
	var out []string
	for _, d := range ds {
		out = append(out, strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@")))
	}
	return out
}

// boundedClient is a copy of c whose answers fail to read past limit
// bytes: go-oidc reads the discovery document and the key set whole.
func boundedClient(c *http.Client, limit int64) *http.Client {
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	bounded := *c
	bounded.Transport = boundedTransport{next: next, limit: limit}
	return &bounded
}

// boundedTransport bounds the body of every answer.
type boundedTransport struct {
	next  http.RoundTripper
	limit int64
}

func (t boundedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &boundedBody{ReadCloser: resp.Body, left: t.limit, limit: t.limit, url: req.URL.Redacted()}
	return resp, nil
}

// boundedBody reads at most limit bytes and fails, instead of ending,
// when there are more.
type boundedBody struct {
	io.ReadCloser
	left, limit int64
	url         string
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if b.left == 0 {
		var one [1]byte
		n, err := b.ReadCloser.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("answer from %s is larger than %d bytes", b.url, b.limit)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// NewVerifier is a fresh PKCE code verifier (RFC 7636) for one sign-in.
func NewVerifier() string { return oauth2.GenerateVerifier() }

// AuthCodeURL is where to send the browser to sign in. state, nonce and
// verifier are fresh random values the caller keeps (in a short-lived
// cookie) and hands back: state to compare with the callback's, nonce
// and verifier to Exchange. The provider is sent only the verifier's
// SHA-256 challenge, so a code intercepted on its way back is useless
// without the cookie.
func (o *OIDC) AuthCodeURL(state, nonce, verifier string) string {
	return o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

// Exchange trades the callback's code, with the PKCE verifier its
// AuthCodeURL was made with, for an ID token and returns the
// identity in it after checking the token's signature against the
// provider's keys, its issuer, audience, authorized party, expiry,
// subject and nonce, and — when domains are restricted — that the e-mail
// is verified and in an allowed domain. A token that fails a check wraps
// ErrBadCredentials (ErrExpired for an expired one, ErrDomain for a
// refused domain).
func (o *OIDC) Exchange(ctx context.Context, code, nonce, verifier string) (Identity, error) {
	if nonce == "" {
		return Identity{}, fmt.Errorf("OIDC sign-in: %w: no nonce", ErrInvalid)
	}
	if verifier == "" {
		return Identity{}, fmt.Errorf("OIDC sign-in: %w: no PKCE verifier", ErrInvalid)
	}
	tok, err := o.oauth.Exchange(oidc.ClientContext(ctx, o.client), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("OIDC sign-in: %w", exchangeError(err))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, fmt.Errorf("OIDC sign-in: %w: the token endpoint sent no ID token", ErrBadCredentials)
	}
	id, err := o.verify(ctx, raw, nonce)
	if err != nil {
		return Identity{}, fmt.Errorf("OIDC sign-in: ID token: %w", err)
	}
	return id, nil
}

// exchangeError keeps the provider's error code and description and
// drops the response body, which may echo credentials.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		msg := "token endpoint answered"
		if re.Response != nil {
			msg += " " + strconv.Itoa(re.Response.StatusCode)
		}
		if re.ErrorCode != "" {
			msg += ": " + truncate(re.ErrorCode, 100)
		}
		if re.ErrorDescription != "" {
			msg += ": " + truncate(re.ErrorDescription, 200)
		}
		return fmt.Errorf("%w: %s", ErrBadCredentials, msg)
	}
	return err
}

// idClaims are the ID token claims ospo reads beyond those go-oidc
// checks.
type idClaims struct {
	AuthorizedParty   string   `json:"azp"`
	Email             string   `json:"email"`
	EmailVerified     flexBool `json:"email_verified"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferred_username"`
}

// flexBool is a boolean claim some providers (AWS Cognito) send as a
// string.
type flexBool bool

func (v *flexBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`:
		*v = true
	case "false", `"false"`, "null":
		*v = false
	default:
		return errors.New("email_verified is not a boolean")
	}
	return nil
}

// verify checks a raw ID token and returns its identity. go-oidc checks
// the signature, issuer, audience and expiry; the rest of OpenID Connect
// Core §3.1.3.7 that applies to a token straight from the token endpoint
// is checked here.
func (o *OIDC) verify(ctx context.Context, raw, nonce string) (Identity, error) {
	t, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		switch {
		case errors.As(err, &expired) && expired.Expiry.IsZero():
			return Identity{}, fmt.Errorf("%w: no expiry", ErrBadCredentials)
		case errors.As(err, &expired):
			return Identity{}, fmt.Errorf("%w: token expired at %s", ErrExpired, expired.Expiry.UTC().Format(time.RFC3339))
		}
		return Identity{}, fmt.Errorf("%w: %w", ErrBadCredentials, err)
	}
	var c idClaims
	if err := t.Claims(&c); err != nil {
		return Identity{}, fmt.Errorf("%w: token claims: %w", ErrBadCredentials, err)
	}
	switch {
	case t.Nonce != nonce:
		return Identity{}, fmt.Errorf("%w: nonce does not match this sign-in", ErrBadCredentials)
	case t.Subject == "" || len(t.Subject) > maxSubjectLen:
		return Identity{}, fmt.Errorf("%w: subject missing or longer than %d bytes", ErrBadCredentials, maxSubjectLen)
	case len(t.Audience) > 1 && c.AuthorizedParty != o.cfg.ClientID:
		return Identity{}, fmt.Errorf("%w: token for several audiences was issued to %q, not to this client", ErrBadCredentials, truncate(c.AuthorizedParty, 200))
	case c.AuthorizedParty != "" && c.AuthorizedParty != o.cfg.ClientID:
		return Identity{}, fmt.Errorf("%w: token was issued to %q, not to this client", ErrBadCredentials, truncate(c.AuthorizedParty, 200))
	}
	id := Identity{
		// The configured issuer, not the claim: go-oidc lets Google's
		// "accounts.google.com" stand for https://accounts.google.com,
		// and an account is found by issuer and subject.
		Issuer:        o.cfg.Issuer,
		Subject:       t.Subject,
		Email:         c.Email,
		EmailVerified: bool(c.EmailVerified),
		Name:          c.Name,
	}
	if id.Name == "" {
		id.Name = c.PreferredUsername
	}
	if err := o.checkDomain(id); err != nil {
		return Identity{}, err
	}
	return id, nil
}

// checkDomain admits id when domains are not restricted, or when its
// e-mail is verified and in an allowed domain.
func (o *OIDC) checkDomain(id Identity) error {
	if len(o.domains) == 0 {
		return nil
	}
	if !id.EmailVerified {
		return fmt.Errorf("%w: the provider does not say e-mail %q is verified", ErrDomain, truncate(id.Email, 200))
	}
	at := strings.LastIndexByte(id.Email, '@')
	if at < 0 || !slices.Contains(o.domains, strings.ToLower(id.Email[at+1:])) {
		return fmt.Errorf("%w: %q is not in %s", ErrDomain, truncate(id.Email, 200), strings.Join(o.domains, ", "))
	}
	return nil
}

// UserForIdentity is the account of an OIDC identity, found by issuer
// and subject. A first sign-in makes one with defaultRole and no
// password (password sign-in is refused for it), named after the e-mail
// address — with a number added when another account has that name,
// since an account is never taken over by e-mail. A disabled account
// fails with ErrDisabled.
func (s *Service) UserForIdentity(ctx context.Context, id Identity, defaultRole Role) (User, error) {
	if id.Subject == "" || len(id.Subject) > 255 || len(id.Issuer) > 2048 {
		return User{}, fmt.Errorf("OIDC identity: %w: subject missing or too long", ErrInvalid)
	}
	if !defaultRole.Valid() {
		return User{}, fmt.Errorf("OIDC identity: role %q: %w", defaultRole, ErrInvalid)
	}
	u, err := s.userByIdentity(ctx, s.st.DB(), id)
	if err == nil {
		if u.Disabled {
			return User{}, ErrDisabled
		}
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return User{}, err
	}
	err = s.st.InTx(ctx, func(tx *sql.Tx) error {
		if u, err = s.userByIdentity(ctx, tx, id); err == nil {
			return nil // made by a sign-in at the same moment
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		name, err := s.freeName(ctx, tx, nameFromIdentity(id))
		if err != nil {
			return err
		}
		detail := "role " + string(defaultRole) + ", first sign-in through " + id.Issuer
		u, err = s.insertUser(ctx, tx, "oidc", name, "", defaultRole, &id, detail)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		// Another process made the account between our look and our write.
		u, err = s.userByIdentity(ctx, s.st.DB(), id)
	}
	if err != nil {
		return User{}, fmt.Errorf("OIDC identity %s: %w", truncate(id.Subject, 64), err)
	}
	if u.Disabled {
		return User{}, ErrDisabled
	}
	return u, nil
}

func (s *Service) userByIdentity(ctx context.Context, q queryer, id Identity) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, s.st.Rebind(`SELECT `+userColumns+` FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`), id.Issuer, id.Subject))
	if err != nil {
		return User{}, store.MapError(err)
	}
	return u, nil
}

// nameFromIdentity is the account name an identity asks for: its e-mail
// (else its subject) in lower case, with characters names may not hold
// turned into '-'.
func nameFromIdentity(id Identity) string {
	src := id.Email
	if src == "" {
		src = "oidc-" + id.Subject
	}
	b := []byte(strings.ToLower(src))
	for i, c := range b {
		if !nameByte(c) {
			b[i] = '-'
		}
	}
	name := strings.Trim(string(b), "-")
	if name == "" {
		name = "oidc-user"
	}
	return truncate(name, maxNameLen)
}

// freeName is base, or base-2, base-3, … when base is taken.
func (s *Service) freeName(ctx context.Context, tx *sql.Tx, base string) (string, error) {
	for i := 1; i <= 1000; i++ {
		name := base
		if i > 1 {
			suffix := "-" + strconv.Itoa(i)
			name = truncate(base, maxNameLen-len(suffix)) + suffix
		}
		var one int
		err := tx.QueryRowContext(ctx, s.st.Rebind(`SELECT 1 FROM users WHERE lower(name) = lower(?)`), name).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free account name like %q", base)
}
