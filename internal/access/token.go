package access

import (
	"context"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ospo/internal/store"
)

// Token is an API token as lists show it; its secret is never kept.
type Token struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"userId"`
	Name   string `json:"name"`
	// Prefix is the first 8 characters of the secret after "ospo_", so
	// its owner can tell which token is which.
	Prefix    string    `json:"prefix"`
	CreatedAt time.Time `json:"createdAt"`
	// LastUsedAt is when the token was last used, to the minute; zero
	// when never.
	LastUsedAt time.Time `json:"lastUsedAt"`
	// ExpiresAt is nil for a token that never expires.
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// Expired tells whether the token has expired at now.
func (t Token) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// TokenPrefix starts every API token secret, so secret scanners and
// people recognise one.
const TokenPrefix = "ospo_"

// Token secrets are 32 random bytes in unpadded lower-case base32 after
// TokenPrefix: letters and digits only, selected whole by a double
// click.
var (
	tokenEncoding   = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	tokenBodyLen    = tokenEncoding.EncodedLen(secretBytes)
	tokenShownChars = 8
	maxTokenNameLen = 64
	lastUsedEvery   = time.Minute
)

// newTokenSecret is a fresh token secret.
func newTokenSecret() string {
	return TokenPrefix + tokenEncoding.EncodeToString(randomBytes(secretBytes))
}

// ParseTokenSecret checks that secret has the form of an API token
// secret and returns the prefix lists show for it.
func ParseTokenSecret(secret string) (prefix string, err error) {
	body, ok := strings.CutPrefix(secret, TokenPrefix)
	if !ok {
		return "", fmt.Errorf("API token: %w: does not start with %s", ErrBadCredentials, TokenPrefix)
	}
	if len(body) != tokenBodyLen {
		return "", fmt.Errorf("API token: %w: %d characters after %s, want %d", ErrBadCredentials, len(body), TokenPrefix, tokenBodyLen)
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('a' <= c && c <= 'z' || '2' <= c && c <= '7') {
			return "", fmt.Errorf("API token: %w: character %d is not one of a-z 2-7", ErrBadCredentials, len(TokenPrefix)+i+1)
		}
	}
	return body[:tokenShownChars], nil
}

// validTokenName checks a token's label: 1 to 64 printable characters.
func validTokenName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("token name: %w: empty", ErrInvalid)
	case !utf8.ValidString(name):
		return fmt.Errorf("token name: %w: not UTF-8", ErrInvalid)
	case utf8.RuneCountInString(name) > maxTokenNameLen:
		return fmt.Errorf("token name: %w: longer than %d characters", ErrInvalid, maxTokenNameLen)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("token name %q: %w: holds a control character", name, ErrInvalid)
		}
	}
	return nil
}

const tokenColumns = `id, user_id, name, prefix, created_at, last_used_at, expires_at`

func scanToken(sc rowScanner, extra ...any) (Token, error) {
	var t Token
	var lastUsed, expires sql.NullTime
	if err := sc.Scan(append([]any{&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &lastUsed, &expires}, extra...)...); err != nil {
		return Token{}, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if lastUsed.Valid {
		t.LastUsedAt = lastUsed.Time.UTC()
	}
	if expires.Valid {
		e := expires.Time.UTC()
		t.ExpiresAt = &e
	}
	return t, nil
}

// NewToken makes an API token for u called name, valid for ttl (0: no
// expiry). It returns the secret, shown to the user once and stored only
// as its SHA-256, and the token. actor is who makes it, for the events
// log.
func (s *Service) NewToken(ctx context.Context, actor string, u User, name string, ttl time.Duration) (string, Token, error) {
	if err := checkActor(actor); err != nil {
		return "", Token{}, err
	}
	if err := validTokenName(name); err != nil {
		return "", Token{}, err
	}
	if ttl < 0 {
		return "", Token{}, fmt.Errorf("token %q: %w: lifetime %v is negative", name, ErrInvalid, ttl)
	}
	secret := newTokenSecret()
	now := s.clock()
	t := Token{UserID: u.ID, Name: name, Prefix: secret[len(TokenPrefix) : len(TokenPrefix)+tokenShownChars], CreatedAt: now}
	var expires any
	detail := fmt.Sprintf("%q %s%s…, no expiry", name, TokenPrefix, t.Prefix)
	if ttl > 0 {
		e := now.Add(ttl)
		t.ExpiresAt, expires = &e, e
		detail = fmt.Sprintf("%q %s%s…, expires %s", name, TokenPrefix, t.Prefix, e.Format(time.RFC3339))
	}
	err := s.st.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.userByID(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if cur.Disabled {
			return ErrDisabled
		}
		err = tx.QueryRowContext(ctx, s.st.Rebind(`INSERT INTO api_tokens (user_id, name, prefix, secret_hash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), u.ID, name, t.Prefix, hashSecret(secret), now, expires).Scan(&t.ID)
		if err != nil {
			return err
		}
		return s.addEvent(ctx, tx, now, actor, "token.create", userSubject(cur.Name), fmt.Sprintf("token %d %s", t.ID, detail))
	})
	if err != nil {
		return "", Token{}, fmt.Errorf("new token %q for user %d: %w", name, u.ID, err)
	}
	return secret, t, nil
}

// TokenUser is the account an API token secret belongs to. A malformed
// or unknown (revoked) secret fails with ErrBadCredentials, an expired
// token with ErrExpired, a disabled account's with ErrDisabled. The
// token's last use is written at most once a minute.
func (s *Service) TokenUser(ctx context.Context, secret string) (User, error) {
	if _, err := ParseTokenSecret(secret); err != nil {
		return User{}, ErrBadCredentials
	}
	var t Token
	var lastUsed, expires sql.NullTime
	u, err := scanUser(s.st.DB().QueryRowContext(ctx, s.st.Rebind(`SELECT `+userCols("u.")+`, t.id, t.last_used_at, t.expires_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ?`), hashSecret(secret)),
		&t.ID, &lastUsed, &expires)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return User{}, ErrBadCredentials
	case err != nil:
		return User{}, fmt.Errorf("API token: %w", store.MapError(err))
	}
	now := s.clock()
	if expires.Valid && !now.Before(expires.Time) {
		return User{}, ErrExpired
	}
	if u.Disabled {
		return User{}, ErrDisabled
	}
	if !lastUsed.Valid || now.Sub(lastUsed.Time) >= lastUsedEvery {
		if _, err := s.st.DB().ExecContext(ctx, s.st.Rebind(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`), now, t.ID); err != nil {
			return User{}, fmt.Errorf("API token %d: record use: %w", t.ID, store.MapError(err))
		}
	}
	return u, nil
}

// Tokens lists account userID's tokens, oldest first, expired ones
// included.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.st.DB().QueryContext(ctx, s.st.Rebind(`SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id`), userID)
	if err != nil {
		return nil, fmt.Errorf("tokens of user %d: %w", userID, store.MapError(err))
	}
	defer rows.Close()
	var ts []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("tokens of user %d: %w", userID, store.MapError(err))
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokens of user %d: %w", userID, store.MapError(err))
	}
	return ts, nil
}

// OwnedToken is a token with the name of the account it belongs to, as
// an admin's list of every account's tokens shows it.
type OwnedToken struct {
	Token
	Owner string `json:"owner"`
}

// AllTokens lists the tokens of every account, by owner name (whatever
// its case), then oldest first; expired ones included. Like Tokens it
// reads neither secrets nor their hashes.
func (s *Service) AllTokens(ctx context.Context) ([]OwnedToken, error) {
	rows, err := s.st.DB().QueryContext(ctx, `SELECT t.id, t.user_id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at, u.name
		FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY lower(u.name), u.id, t.id`)
	if err != nil {
		return nil, fmt.Errorf("tokens of every account: %w", store.MapError(err))
	}
	defer rows.Close()
	var ts []OwnedToken
	for rows.Next() {
		var ot OwnedToken
		if ot.Token, err = scanToken(rows, &ot.Owner); err != nil {
			return nil, fmt.Errorf("tokens of every account: %w", store.MapError(err))
		}
		ts = append(ts, ot)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokens of every account: %w", store.MapError(err))
	}
	return ts, nil
}

// Token is the token with id, so a caller can check whose it is before
// revoking it; an unknown id wraps store.ErrNotFound.
func (s *Service) Token(ctx context.Context, id int64) (Token, error) {
	t, err := scanToken(s.st.DB().QueryRowContext(ctx, s.st.Rebind(`SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`), id))
	if err != nil {
		return Token{}, fmt.Errorf("token %d: %w", id, store.MapError(err))
	}
	return t, nil
}

// RevokeToken deletes token id: its secret stops working at once. An
// unknown id wraps store.ErrNotFound. actor is who revokes it, for the
// events log.
func (s *Service) RevokeToken(ctx context.Context, actor string, id int64) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	err := s.st.InTx(ctx, func(tx *sql.Tx) error {
		var owner, name, prefix string
		err := tx.QueryRowContext(ctx, s.st.Rebind(`SELECT u.name, t.name, t.prefix FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`), id).
			Scan(&owner, &name, &prefix)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.st.Rebind(`DELETE FROM api_tokens WHERE id = ?`), id); err != nil {
			return err
		}
		return s.addEvent(ctx, tx, s.clock(), actor, "token.revoke", userSubject(owner), fmt.Sprintf("token %d %q %s%s…", id, name, TokenPrefix, prefix))
	})
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return nil
}
