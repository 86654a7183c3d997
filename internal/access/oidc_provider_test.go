package access

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file is a small OpenID Connect provider for tests: a discovery
// document, a key set and a token endpoint that hands out, for a code,
// the ID token (or the whole answer) registered for it. Tokens are signed
// here with the standard library, independently of the go-jose code that
// verifies them.

// testKey is a signing key with its JWK id and algorithm.
type testKey struct {
	kid, alg string
	priv     crypto.Signer
}

func rsaKey(t testing.TB, kid, alg string) testKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: alg, priv: k}
}

func ecKey(t testing.TB, kid string) testKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: "ES256", priv: k}
}

// edKey is an Ed25519 key made from a fixed seed, so fuzz seeds can be
// built without randomness.
func edKey(kid string) testKey {
	seed := sha256.Sum256([]byte("ospo test key " + kid))
	return testKey{kid: kid, alg: "EdDSA", priv: ed25519.NewKeyFromSeed(seed[:])}
}

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwk is the key's public half as a key set lists it.
func (k testKey) jwk() map[string]any {
	m := map[string]any{"kid": k.kid, "use": "sig", "alg": k.alg}
	switch p := k.priv.Public().(type) {
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", b64u(p.N.Bytes()), b64u(big.NewInt(int64(p.E)).Bytes())
	case *ecdsa.PublicKey:
		raw, _ := p.Bytes() // 0x04 || X || Y
		m["kty"], m["crv"], m["x"], m["y"] = "EC", "P-256", b64u(raw[1:33]), b64u(raw[33:])
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64u(p)
	}
	return m
}

// sign makes a compact JWS of claims with header fields alg and kid.
func (k testKey) sign(t testing.TB, claims any) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]string{"alg": k.alg, "kid": k.kid, "typ": "JWT"})
	body, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	input := b64u(hdr) + "." + b64u(body)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	switch k.alg {
	case "RS256":
		sig, err = rsa.SignPKCS1v15(rand.Reader, k.priv.(*rsa.PrivateKey), crypto.SHA256, digest[:])
	case "RS384":
		d := sha512.Sum384([]byte(input))
		sig, err = rsa.SignPKCS1v15(rand.Reader, k.priv.(*rsa.PrivateKey), crypto.SHA384, d[:])
	case "PS256":
		sig, err = rsa.SignPSS(rand.Reader, k.priv.(*rsa.PrivateKey), crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "ES256":
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k.priv.(*ecdsa.PrivateKey), digest[:])
		if err == nil {
			sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
		}
	case "EdDSA":
		sig = ed25519.Sign(k.priv.(ed25519.PrivateKey), []byte(input))
	default:
		t.Fatalf("test key cannot sign %s", k.alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64u(sig)
}

// provider is the test OpenID Connect provider.
type provider struct {
	srv                    *httptest.Server
	clientID, clientSecret string
	redirect               string

	mu    sync.Mutex
	keys  []testKey         // published in the key set
	codes map[string]string // code → ID token to hand out
	// challenges are the PKCE challenges the codes were issued for.
	challenges map[string]string
	answers    map[string]answer // code → whole token endpoint answer
	jwksFetch  int
	next       int
	issuer     string // in the discovery document; srv.URL unless changed
	// extraJWKs are published in the key set before keys.
	extraJWKs []map[string]any
	// padding is the length of an unused member added to the discovery
	// document and the key set, to make them large.
	padding int
}

// answer is a token endpoint answer given as is.
type answer struct {
	status int
	body   []byte
}

func newProvider(t testing.TB, keys ...testKey) *provider {
	t.Helper()
	p := &provider{clientID: "ospo", clientSecret: "s3cret", redirect: "https://ospo.example/auth/callback", keys: keys,
		codes: map[string]string{}, challenges: map[string]string{}, answers: map[string]answer{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		iss, padding := p.issuer, p.padding
		p.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{
			"x-padding":                             strings.Repeat("a", padding),
			"issuer":                                iss,
			"authorization_endpoint":                p.srv.URL + "/authorize",
			"token_endpoint":                        p.srv.URL + "/token",
			"jwks_uri":                              p.srv.URL + "/jwks",
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256", "PS256", "ES256", "EdDSA"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.jwksFetch++
		ks := append([]map[string]any{}, p.extraJWKs...)
		for _, k := range p.keys {
			ks = append(ks, k.jwk())
		}
		json.NewEncoder(w).Encode(map[string]any{"keys": ks, "x-padding": strings.Repeat("a", p.padding)})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != p.clientID || secret != p.clientSecret {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"invalid_client","error_description":"client authentication failed"}`))
			return
		}
		p.mu.Lock()
		tok, known := p.codes[r.PostFormValue("code")]
		challenge := p.challenges[r.PostFormValue("code")]
		ans, raw := p.answers[r.PostFormValue("code")]
		delete(p.codes, r.PostFormValue("code")) // codes are single use
		delete(p.challenges, r.PostFormValue("code"))
		delete(p.answers, r.PostFormValue("code"))
		p.mu.Unlock()
		if raw {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(ans.status)
			w.Write(ans.body)
			return
		}
		if !known || r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("redirect_uri") != p.redirect ||
			s256(r.PostFormValue("code_verifier")) != challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		resp := map[string]any{"access_token": "at-" + r.PostFormValue("code"), "token_type": "Bearer", "expires_in": 300}
		if tok != "" {
			resp["id_token"] = tok
		}
		json.NewEncoder(w).Encode(resp)
	})
	p.srv = httptest.NewServer(mux)
	p.issuer = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// config is an OIDCConfig for this provider.
func (p *provider) config() OIDCConfig {
	return OIDCConfig{Issuer: p.srv.URL, ClientID: p.clientID, ClientSecret: p.clientSecret, RedirectURL: p.redirect}
}

// testVerifier is the PKCE verifier the tests' codes are issued for.
const testVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

// s256 is a PKCE S256 challenge (RFC 7636 section 4.2).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return b64u(sum[:])
}

// code registers idToken for the challenge of testVerifier and returns
// the code that gets it.
func (p *provider) code(idToken string) string { return p.codeFor(idToken, s256(testVerifier)) }

// codeFor registers idToken and the PKCE challenge the code was issued
// for, and returns the code.
func (p *provider) codeFor(idToken, challenge string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	c := "code-" + strconv.Itoa(p.next)
	p.codes[c] = idToken
	p.challenges[c] = challenge
	return c
}

// rawAnswer registers a whole token endpoint answer and returns the
// code that gets it.
func (p *provider) rawAnswer(status int, body []byte) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	c := "code-" + strconv.Itoa(p.next)
	p.answers[c] = answer{status: status, body: body}
	return c
}

// inProcess is an HTTP client that hands requests for the provider to
// its handler without a network round trip (fast enough to fuzz), and
// counts them by path.
func (p *provider) inProcess() (*http.Client, *requestLog) {
	log := &requestLog{byPath: map[string]int{}}
	return &http.Client{Transport: handlerTransport{h: p.srv.Config.Handler, log: log}}, log
}

// requestLog counts requests by path.
type requestLog struct {
	mu     sync.Mutex
	byPath map[string]int
}

func (l *requestLog) count(path string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byPath[path]
}

// handlerTransport serves requests with an http.Handler in process.
type handlerTransport struct {
	h   http.Handler
	log *requestLog
}

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.log.mu.Lock()
	t.log.byPath[r.URL.Path]++
	t.log.mu.Unlock()
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r.Clone(r.Context())) // the handler parses the form into its request
	return w.Result(), nil
}

func (p *provider) setKeys(keys ...testKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = keys
}

func (p *provider) setPadding(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.padding = n
}

func (p *provider) fetches() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.jwksFetch
}

// claims are the claims of a good ID token for nonce, issued now.
func (p *provider) claims(nonce string, now time.Time) map[string]any {
	return map[string]any{
		"iss":            p.srv.URL,
		"sub":            "248289761001",
		"aud":            p.clientID,
		"exp":            now.Add(5 * time.Minute).Unix(),
		"iat":            now.Unix(),
		"nonce":          nonce,
		"email":          "Jane.Doe@Example.com",
		"email_verified": true,
		"name":           "Jane Doe",
	}
}
