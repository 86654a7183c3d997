// Package access decides who may use ospo's web portal and API: accounts
// with one of four roles, browser sessions, API tokens, a limit on
// sign-in attempts and optional sign-in through an OpenID Connect
// provider. No secret is ever stored: passwords are kept as bcrypt
// hashes, session and token secrets as their SHA-256. Every change to an
// account is appended to the events log.
package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"ospo/internal/store"
)

// Errors callers test for with errors.Is. Store errors (store.ErrNotFound
// for an unknown id, store.ErrConflict for a taken name) are wrapped too.
var (
	// ErrBadCredentials: wrong name or password, or a session or token
	// secret that is unknown or malformed.
	ErrBadCredentials = errors.New("bad credentials")
	// ErrDisabled: the account is disabled.
	ErrDisabled = errors.New("account disabled")
	// ErrExpired: the session, token or ID token has expired.
	ErrExpired = errors.New("expired")
	// ErrInvalid: a name, password, role or other argument is not
	// acceptable; the message says why.
	ErrInvalid = errors.New("invalid")
	// ErrLastAdmin: the change would leave no enabled admin.
	ErrLastAdmin = errors.New("the last enabled admin cannot be demoted or disabled")
	// ErrDomain: the OIDC identity's e-mail is not in an allowed domain
	// (or is not verified while domains are restricted).
	ErrDomain = errors.New("e-mail domain not allowed")
)

// defaultCost is the bcrypt cost of new password hashes: about 0.25 s
// per hash on a 2020s server core, which the sign-in limiter keeps from
// becoming a way to load the CPU.
const defaultCost = 12

// Service keeps accounts, sessions and tokens in the store.
type Service struct {
	st   *store.Store
	cost int
	// now is the clock; tests move it.
	now func() time.Time

	dummyOnce sync.Once
	dummy     []byte
	dummyErr  error
}

// New is a Service over st, whose schema holds the access tables.
func New(st *store.Store) *Service {
	return &Service{st: st, cost: defaultCost, now: time.Now}
}

// clock is the current time as the database keeps it: UTC, microseconds
// (PostgreSQL's precision), so values read back compare equal.
func (s *Service) clock() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// randomBytes returns n bytes from the system's secure generator.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes the program instead)
	return b
}

// hashSecret is the form a session or token secret is stored in.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// addEvent appends one row to the events log within tx.
func (s *Service) addEvent(ctx context.Context, tx *sql.Tx, at time.Time, actor, action, subject, detail string) error {
	_, err := tx.ExecContext(ctx, s.st.Rebind(`INSERT INTO events (at, actor, action, subject, detail, reason) VALUES (?, ?, ?, ?, ?, '')`),
		at, actor, action, subject, detail)
	if err != nil {
		return fmt.Errorf("record event %s: %w", action, err)
	}
	return nil
}

// checkActor refuses an empty actor: every change is logged with who
// made it.
func checkActor(actor string) error {
	if actor == "" {
		return fmt.Errorf("no actor given: %w: every change to an account is logged with who made it", ErrInvalid)
	}
	return nil
}

// userSubject is how events name an account.
func userSubject(name string) string { return "user:" + name }
