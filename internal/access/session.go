package access

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"ospo/internal/store"
)

// Session is a signed-in browser.
type Session struct {
	ID int64
	// User is the account as it is now: a role changed since sign-in
	// shows at once.
	User User
	// CSRF is the token every state-changing request of the session must
	// carry (in a form field or header).
	CSRF      string
	ExpiresAt time.Time
}

// CheckCSRF tells whether token is the session's CSRF token, in time
// that does not depend on how much of it matches.
func (s Session) CheckCSRF(token string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(token)) == 1
}

// secretBytes is the entropy of session secrets, CSRF tokens and API
// token secrets.
const secretBytes = 32

// sessionSecretLen is the length of a session secret: 32 bytes in
// unpadded base64url.
var sessionSecretLen = base64.RawURLEncoding.EncodedLen(secretBytes)

// newSessionSecret is a fresh session secret.
func newSessionSecret() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(secretBytes))
}

// wellFormedSessionSecret tells whether s can be a session secret, so
// that junk from a cookie never reaches the database.
func wellFormedSessionSecret(s string) bool {
	if len(s) != sessionSecretLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// NewSession signs u in for ttl. It returns the secret for the cookie,
// which is stored only as its SHA-256, and the session. A disabled or
// unknown account gets no session. Expired sessions of the account are
// cleared on the way.
func (s *Service) NewSession(ctx context.Context, u User, ttl time.Duration) (string, Session, error) {
	if ttl <= 0 {
		return "", Session{}, fmt.Errorf("new session for %s: %w: lifetime %v is not positive", u.Name, ErrInvalid, ttl)
	}
	secret := newSessionSecret()
	csrf := base64.RawURLEncoding.EncodeToString(randomBytes(secretBytes))
	now := s.clock()
	sess := Session{CSRF: csrf, ExpiresAt: now.Add(ttl)}
	err := s.st.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.userByID(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if cur.Disabled {
			return ErrDisabled
		}
		sess.User = cur
		if _, err := tx.ExecContext(ctx, s.st.Rebind(`DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?`), u.ID, now); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.st.Rebind(`INSERT INTO sessions (user_id, secret_hash, csrf, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`), u.ID, hashSecret(secret), csrf, now, sess.ExpiresAt).Scan(&sess.ID)
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("new session for user %d: %w", u.ID, err)
	}
	return secret, sess, nil
}

// Session is the session whose secret is given. An unknown or malformed
// secret fails with ErrBadCredentials, an expired session (which is
// then deleted) with ErrExpired, a disabled account's with ErrDisabled.
func (s *Service) Session(ctx context.Context, secret string) (Session, error) {
	if !wellFormedSessionSecret(secret) {
		return Session{}, ErrBadCredentials
	}
	var sess Session
	u, err := scanUser(s.st.DB().QueryRowContext(ctx, s.st.Rebind(`SELECT `+userCols("u.")+`, s.id, s.csrf, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = ?`), hashSecret(secret)),
		&sess.ID, &sess.CSRF, &sess.ExpiresAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Session{}, ErrBadCredentials
	case err != nil:
		return Session{}, fmt.Errorf("session: %w", store.MapError(err))
	}
	sess.User = u
	sess.ExpiresAt = sess.ExpiresAt.UTC()
	if !s.clock().Before(sess.ExpiresAt) {
		if _, err := s.st.DB().ExecContext(ctx, s.st.Rebind(`DELETE FROM sessions WHERE id = ?`), sess.ID); err != nil {
			return Session{}, fmt.Errorf("end expired session: %w", store.MapError(err))
		}
		return Session{}, ErrExpired
	}
	if u.Disabled {
		return Session{}, ErrDisabled
	}
	return sess, nil
}

// EndSession signs the session with secret out. Ending a session that
// does not exist is not an error.
func (s *Service) EndSession(ctx context.Context, secret string) error {
	if !wellFormedSessionSecret(secret) {
		return nil
	}
	if _, err := s.st.DB().ExecContext(ctx, s.st.Rebind(`DELETE FROM sessions WHERE secret_hash = ?`), hashSecret(secret)); err != nil {
		return fmt.Errorf("end session: %w", store.MapError(err))
	}
	return nil
}

// EndSessions signs account userID out everywhere and returns how many
// sessions ended.
func (s *Service) EndSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := s.st.DB().ExecContext(ctx, s.st.Rebind(`DELETE FROM sessions WHERE user_id = ?`), userID)
	if err != nil {
		return 0, fmt.Errorf("end sessions of user %d: %w", userID, store.MapError(err))
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// DeleteExpiredSessions removes every expired session and returns how
// many it removed; a server calls it now and then.
func (s *Service) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.st.DB().ExecContext(ctx, s.st.Rebind(`DELETE FROM sessions WHERE expires_at <= ?`), s.clock())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", store.MapError(err))
	}
	n, _ := res.RowsAffected()
	return n, nil
}
