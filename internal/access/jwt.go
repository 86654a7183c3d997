package access

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"
)

// This file verifies OpenID Connect ID tokens: JSON Web Signatures
// (RFC 7515, compact form) checked against a JSON Web Key Set (RFC 7517)
// with the asymmetric algorithms of RFC 7518 and RFC 8037. Symmetric
// (HS*) and unsigned ("none") tokens are refused.

// Bounds on what an identity provider sends.
const (
	maxJWTLen     = 64 << 10
	maxJWKSLen    = 1 << 20
	maxJWKSKeys   = 100
	minRSABits    = 2048
	maxRSABits    = 16384
	clockLeeway   = time.Minute
	maxNumericSec = 1 << 40 // far beyond any real date, well inside float64 and time.Time
)

// publicKey is one usable key of a key set.
type publicKey struct {
	kid string
	// alg is the algorithm the key is bound to, "" when any of its type.
	alg string
	key crypto.PublicKey
}

// jwk is a JSON Web Key as a key set carries it.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS reads a key set and returns the signature keys it can use,
// skipping encryption keys and kinds it does not know. A set without a
// usable key is an error.
func parseJWKS(data []byte) ([]publicKey, error) {
	if len(data) > maxJWKSLen {
		return nil, fmt.Errorf("key set: larger than %d bytes", maxJWKSLen)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	if len(set.Keys) > maxJWKSKeys {
		return nil, fmt.Errorf("key set: %d keys, more than %d", len(set.Keys), maxJWKSKeys)
	}
	var keys []publicKey
	var problems []string
	for i, raw := range set.Keys {
		var k jwk
		if err := json.Unmarshal(raw, &k); err != nil {
			problems = append(problems, fmt.Sprintf("key %d: %v", i, err))
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		pk, err := k.publicKey()
		if err != nil {
			problems = append(problems, fmt.Sprintf("key %d (%q): %v", i, k.Kid, err))
			continue
		}
		keys = append(keys, publicKey{kid: k.Kid, alg: k.Alg, key: pk})
	}
	if len(keys) == 0 {
		if len(problems) > 0 {
			return nil, fmt.Errorf("key set: no usable signature key (%s)", strings.Join(problems, "; "))
		}
		return nil, errors.New("key set: no usable signature key")
	}
	return keys, nil
}

func b64(field, s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s: not base64url: %w", field, err)
	}
	return b, nil
}

// publicKey builds the key k describes.
func (k jwk) publicKey() (crypto.PublicKey, error) {
	switch k.Kty {
	case "RSA":
		n, err := b64("n", k.N)
		if err != nil {
			return nil, err
		}
		e, err := b64("e", k.E)
		if err != nil {
			return nil, err
		}
		n = bytes.TrimLeft(n, "\x00")
		e = bytes.TrimLeft(e, "\x00")
		if bits := len(n) * 8; bits < minRSABits || bits > maxRSABits {
			return nil, fmt.Errorf("RSA modulus of about %d bits, want %d to %d", bits, minRSABits, maxRSABits)
		}
		if len(e) == 0 || len(e) > 4 {
			return nil, errors.New("RSA exponent out of range")
		}
		exp := 0
		for _, c := range e {
			exp = exp<<8 | int(c)
		}
		if exp < 3 || exp%2 == 0 {
			return nil, fmt.Errorf("RSA exponent %d is not an odd number above 2", exp)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, nil
	case "EC":
		var curve elliptic.Curve
		switch k.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, fmt.Errorf("unsupported curve %q", k.Crv)
		}
		x, err := b64("x", k.X)
		if err != nil {
			return nil, err
		}
		y, err := b64("y", k.Y)
		if err != nil {
			return nil, err
		}
		size := (curve.Params().BitSize + 7) / 8
		if len(x) != size || len(y) != size {
			return nil, fmt.Errorf("%s coordinates of %d and %d bytes, want %d", k.Crv, len(x), len(y), size)
		}
		point := append(append([]byte{4}, x...), y...)
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
		if err != nil {
			return nil, fmt.Errorf("%s key: %w", k.Crv, err)
		}
		return pub, nil
	case "OKP":
		if k.Crv != "Ed25519" {
			return nil, fmt.Errorf("unsupported curve %q", k.Crv)
		}
		x, err := b64("x", k.X)
		if err != nil {
			return nil, err
		}
		if len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("Ed25519 key of %d bytes", len(x))
		}
		return ed25519.PublicKey(x), nil
	}
	return nil, fmt.Errorf("unsupported key type %q", k.Kty)
}

// jws is a compact JSON Web Signature taken apart.
type jws struct {
	alg, kid     string
	signingInput []byte
	payload      []byte
	signature    []byte
}

// parseJWS splits a compact JWS and decodes its parts. It checks the
// form only; the signature is checked by verify.
func parseJWS(token string) (jws, error) {
	if len(token) > maxJWTLen {
		return jws{}, fmt.Errorf("token longer than %d bytes", maxJWTLen)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return jws{}, fmt.Errorf("token has %d parts, want 3", len(parts))
	}
	hb, err := b64("token header", parts[0])
	if err != nil {
		return jws{}, err
	}
	var hdr struct {
		Alg  string   `json:"alg"`
		Kid  string   `json:"kid"`
		Crit []string `json:"crit"`
	}
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return jws{}, fmt.Errorf("token header: %w", err)
	}
	if len(hdr.Crit) > 0 {
		// RFC 7515 §4.1.11: extensions the verifier does not know must
		// make it refuse the token.
		return jws{}, fmt.Errorf("token header: critical extensions %q are not supported", hdr.Crit)
	}
	if _, ok := algHash[hdr.Alg]; !ok {
		return jws{}, fmt.Errorf("token header: algorithm %q is not accepted", truncate(hdr.Alg, 16))
	}
	payload, err := b64("token payload", parts[1])
	if err != nil {
		return jws{}, err
	}
	sig, err := b64("token signature", parts[2])
	if err != nil {
		return jws{}, err
	}
	return jws{
		alg: hdr.Alg, kid: hdr.Kid,
		signingInput: []byte(parts[0] + "." + parts[1]),
		payload:      payload,
		signature:    sig,
	}, nil
}

// algHash is the hash of each accepted algorithm (0 for EdDSA, which
// hashes by itself).
var algHash = map[string]crypto.Hash{
	"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512,
	"PS256": crypto.SHA256, "PS384": crypto.SHA384, "PS512": crypto.SHA512,
	"ES256": crypto.SHA256, "ES384": crypto.SHA384, "ES512": crypto.SHA512,
	"EdDSA": 0,
}

// verifyWith checks t's signature with key k.
func (t jws) verifyWith(k publicKey) error {
	if k.alg != "" && k.alg != t.alg {
		return fmt.Errorf("key is for %s, token is %s", k.alg, t.alg)
	}
	h := algHash[t.alg]
	var digest []byte
	if h != 0 {
		hh := h.New()
		hh.Write(t.signingInput)
		digest = hh.Sum(nil)
	}
	switch t.alg[:2] {
	case "RS", "PS":
		pub, ok := k.key.(*rsa.PublicKey)
		if !ok {
			return errors.New("key is not an RSA key")
		}
		if t.alg[0] == 'R' {
			return rsa.VerifyPKCS1v15(pub, h, digest, t.signature)
		}
		return rsa.VerifyPSS(pub, h, digest, t.signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h})
	case "ES":
		pub, ok := k.key.(*ecdsa.PublicKey)
		if !ok {
			return errors.New("key is not an EC key")
		}
		want := map[string]string{"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}[t.alg]
		if pub.Curve.Params().Name != want {
			return fmt.Errorf("%s needs a %s key", t.alg, want)
		}
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(t.signature) != 2*size {
			return fmt.Errorf("%s signature of %d bytes, want %d", t.alg, len(t.signature), 2*size)
		}
		r := new(big.Int).SetBytes(t.signature[:size])
		s := new(big.Int).SetBytes(t.signature[size:])
		if !ecdsa.Verify(pub, digest, r, s) {
			return errors.New("signature does not match")
		}
		return nil
	case "Ed":
		pub, ok := k.key.(ed25519.PublicKey)
		if !ok {
			return errors.New("key is not an Ed25519 key")
		}
		if !ed25519.Verify(pub, t.signingInput, t.signature) {
			return errors.New("signature does not match")
		}
		return nil
	}
	return fmt.Errorf("algorithm %q is not accepted", t.alg)
}

// verify checks t against the keys with its kid (all keys when it has
// none) and tells whether one of them had its kid, so the caller knows
// whether fetching the key set again could help.
func (t jws) verify(keys []publicKey) (kidKnown bool, err error) {
	var last error
	tried := 0
	for _, k := range keys {
		if t.kid != "" && k.kid != t.kid {
			continue
		}
		tried++
		if last = t.verifyWith(k); last == nil {
			return true, nil
		}
	}
	if tried == 0 {
		return false, fmt.Errorf("no key with id %q", truncate(t.kid, 64))
	}
	return true, fmt.Errorf("signature: %w", last)
}

// audience is the aud claim: one string or an array of them.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor an array of strings")
	}
	*a = many
	return nil
}

// numericDate is a JWT time: seconds since 1970, maybe with a fraction.
type numericDate struct{ time.Time }

func (d *numericDate) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return errors.New("time claim is not a number")
	}
	if math.IsNaN(f) || math.Abs(f) > maxNumericSec {
		return fmt.Errorf("time claim %v is out of range", f)
	}
	sec, frac := math.Modf(f)
	d.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// flexBool is a boolean claim some providers send as a string.
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

// idClaims are the ID token claims ospo reads.
type idClaims struct {
	Issuer            string       `json:"iss"`
	Subject           string       `json:"sub"`
	Audience          audience     `json:"aud"`
	AuthorizedParty   string       `json:"azp"`
	Expiry            *numericDate `json:"exp"`
	IssuedAt          *numericDate `json:"iat"`
	NotBefore         *numericDate `json:"nbf"`
	Nonce             string       `json:"nonce"`
	Email             string       `json:"email"`
	EmailVerified     flexBool     `json:"email_verified"`
	Name              string       `json:"name"`
	PreferredUsername string       `json:"preferred_username"`
}

// parseClaims decodes an ID token's payload.
func parseClaims(payload []byte) (idClaims, error) {
	var c idClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return idClaims{}, fmt.Errorf("token claims: %w", err)
	}
	return c, nil
}

// check applies the rules of OpenID Connect Core §3.1.3.7 that concern
// a token received straight from the token endpoint: issuer, audience,
// authorized party, expiry and nonce.
func (c idClaims) check(issuer, clientID, nonce string, now time.Time) error {
	switch {
	case c.Issuer != issuer:
		return fmt.Errorf("issuer %q, want %q", truncate(c.Issuer, 200), issuer)
	case c.Subject == "" || len(c.Subject) > 255:
		return errors.New("subject missing or longer than 255 bytes")
	case !contains(c.Audience, clientID):
		return fmt.Errorf("audience %q does not include this client", truncateAll(c.Audience))
	case len(c.Audience) > 1 && c.AuthorizedParty != clientID:
		return fmt.Errorf("token for several audiences was issued to %q, not to this client", truncate(c.AuthorizedParty, 200))
	case c.AuthorizedParty != "" && c.AuthorizedParty != clientID:
		return fmt.Errorf("token was issued to %q, not to this client", truncate(c.AuthorizedParty, 200))
	case c.Expiry == nil:
		return errors.New("no expiry")
	case !now.Before(c.Expiry.Add(clockLeeway)):
		return fmt.Errorf("%w: token expired at %s", ErrExpired, c.Expiry.Format(time.RFC3339))
	case c.NotBefore != nil && now.Add(clockLeeway).Before(c.NotBefore.Time):
		return fmt.Errorf("token not valid before %s", c.NotBefore.Format(time.RFC3339))
	case c.IssuedAt != nil && now.Add(clockLeeway).Before(c.IssuedAt.Time):
		return fmt.Errorf("token issued in the future (%s)", c.IssuedAt.Format(time.RFC3339))
	case nonce == "":
		return errors.New("no nonce to compare with")
	case c.Nonce != nonce:
		return errors.New("nonce does not match this sign-in")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func truncateAll(list []string) []string {
	if len(list) > 5 {
		list = list[:5]
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = truncate(s, 100)
	}
	return out
}
