package access

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"ospo/internal/store"
)

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
	// HTTPClient talks to the provider; nil is a client with a 10 s
	// timeout.
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
	cfg     OIDCConfig
	oauth   oauth2.Config
	client  *http.Client
	jwksURL string
	domains []string

	mu        sync.Mutex
	keys      []publicKey
	fetchedAt time.Time
	// now is the clock; tests move it.
	now func() time.Time
}

// maxDiscoveryLen bounds the discovery document.
const maxDiscoveryLen = 1 << 20

// refetchKeysAfter is how long after a fetch an unknown key id may make
// the key set be fetched again (the provider rotated its keys); the
// bound keeps forged tokens from making ospo hammer the provider.
const refetchKeysAfter = 30 * time.Second

// NewOIDC reads the provider's discovery document at
// Issuer/.well-known/openid-configuration and its key set.
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
	discoveryURL := strings.TrimSuffix(cfg.Issuer, "/") + "/.well-known/openid-configuration"
	body, err := fetch(ctx, client, discoveryURL, maxDiscoveryLen)
	if err != nil {
		return nil, fmt.Errorf("OIDC discovery: %w", err)
	}
	var doc struct {
		Issuer                string   `json:"issuer"`
		AuthorizationEndpoint string   `json:"authorization_endpoint"`
		TokenEndpoint         string   `json:"token_endpoint"`
		JWKSURI               string   `json:"jwks_uri"`
		TokenAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("OIDC discovery %s: %w", discoveryURL, err)
	}
	if doc.Issuer != cfg.Issuer {
		// OpenID Connect Discovery §4.3: a document for another issuer
		// must not be used.
		return nil, fmt.Errorf("OIDC discovery %s: the document is for issuer %q, not %q", discoveryURL, truncate(doc.Issuer, 200), cfg.Issuer)
	}
	for _, ep := range []struct{ name, url string }{
		{"authorization_endpoint", doc.AuthorizationEndpoint},
		{"token_endpoint", doc.TokenEndpoint},
		{"jwks_uri", doc.JWKSURI},
	} {
		if err := checkProviderURL(ep.url); err != nil {
			return nil, fmt.Errorf("OIDC discovery %s: %s: %w", discoveryURL, ep.name, err)
		}
	}
	style := oauth2.AuthStyleInHeader
	if len(doc.TokenAuthMethods) > 0 && !slices.Contains(doc.TokenAuthMethods, "client_secret_basic") && slices.Contains(doc.TokenAuthMethods, "client_secret_post") {
		style = oauth2.AuthStyleInParams
	}
	o := &OIDC{
		cfg: cfg,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			RedirectURL:  cfg.RedirectURL,
			Scopes:       []string{"openid", "email", "profile"},
			Endpoint:     oauth2.Endpoint{AuthURL: doc.AuthorizationEndpoint, TokenURL: doc.TokenEndpoint, AuthStyle: style},
		},
		client:  client,
		jwksURL: doc.JWKSURI,
		domains: normalizeDomains(cfg.AllowedDomains),
		now:     time.Now,
	}
	if _, err := o.keySet(ctx, false); err != nil {
		return nil, err
	}
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

// fetch GETs url and returns at most limit bytes of a 200 answer.
func fetch(ctx context.Context, client *http.Client, url string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err // names the URL already
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%s: answer larger than %d bytes", url, limit)
	}
	return body, nil
}

// keySet is the provider's keys, fetched when there are none yet, or
// when refresh is asked and the last fetch is old enough.
func (o *OIDC) keySet(ctx context.Context, refresh bool) ([]publicKey, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.keys != nil && (!refresh || o.now().Sub(o.fetchedAt) < refetchKeysAfter) {
		return o.keys, nil
	}
	body, err := fetch(ctx, o.client, o.jwksURL, maxJWKSLen)
	if err != nil {
		return nil, fmt.Errorf("OIDC key set: %w", err)
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return nil, fmt.Errorf("OIDC key set %s: %w", o.jwksURL, err)
	}
	o.keys, o.fetchedAt = keys, o.now()
	return keys, nil
}

// AuthCodeURL is where to send the browser to sign in. state and nonce
// are fresh random values the caller keeps (in a short-lived cookie) and
// hands back: state to compare with the callback's, nonce to Exchange.
func (o *OIDC) AuthCodeURL(state, nonce string) string {
	return o.oauth.AuthCodeURL(state, oauth2.SetAuthURLParam("nonce", nonce))
}

// Exchange trades the callback's code for an ID token and returns the
// identity in it after checking the token's signature against the
// provider's keys, its issuer, audience, expiry and nonce, and — when
// domains are restricted — that the e-mail is verified and in an allowed
// domain. A token that fails a check wraps ErrBadCredentials (ErrExpired
// for an expired one, ErrDomain for a refused domain).
func (o *OIDC) Exchange(ctx context.Context, code, nonce string) (Identity, error) {
	if nonce == "" {
		return Identity{}, fmt.Errorf("OIDC sign-in: %w: no nonce", ErrInvalid)
	}
	tok, err := o.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, o.client), code)
	if err != nil {
		return Identity{}, fmt.Errorf("OIDC sign-in: %w", exchangeError(err))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, fmt.Errorf("OIDC sign-in: %w: the token endpoint sent no ID token", ErrBadCredentials)
	}
	id, err := o.verify(ctx, raw, nonce)
	if err != nil {
		return Identity{}, fmt.Errorf("OIDC sign-in: %w", err)
	}
	return id, nil
}

// exchangeError keeps the provider's error code and description and
// drops the response body, which may echo credentials.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		msg := "token endpoint answered " + strconv.Itoa(re.Response.StatusCode)
		if re.ErrorCode != "" {
			msg += ": " + re.ErrorCode
		}
		if re.ErrorDescription != "" {
			msg += ": " + truncate(re.ErrorDescription, 200)
		}
		return fmt.Errorf("%w: %s", ErrBadCredentials, msg)
	}
	return err
}

// verify checks a raw ID token and returns its identity.
func (o *OIDC) verify(ctx context.Context, raw, nonce string) (Identity, error) {
	t, err := parseJWS(raw)
	if err != nil {
		return Identity{}, fmt.Errorf("ID token: %w: %w", ErrBadCredentials, err)
	}
	keys, err := o.keySet(ctx, false)
	if err != nil {
		return Identity{}, err
	}
	kidKnown, err := t.verify(keys)
	if !kidKnown {
		// The provider may have rotated its keys since the last fetch.
		if keys, err = o.keySet(ctx, true); err != nil {
			return Identity{}, err
		}
		_, err = t.verify(keys)
	}
	if err != nil {
		return Identity{}, fmt.Errorf("ID token: %w: %w", ErrBadCredentials, err)
	}
	c, err := parseClaims(t.payload)
	if err != nil {
		return Identity{}, fmt.Errorf("ID token: %w: %w", ErrBadCredentials, err)
	}
	if err := c.check(o.cfg.Issuer, o.cfg.ClientID, nonce, o.now()); err != nil {
		if errors.Is(err, ErrExpired) {
			return Identity{}, fmt.Errorf("ID token: %w", err)
		}
		return Identity{}, fmt.Errorf("ID token: %w: %w", ErrBadCredentials, err)
	}
	id := Identity{
		Issuer:        c.Issuer,
		Subject:       c.Subject,
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
