package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"ospo/internal/store"
)

// User is an account.
type User struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled"`
	// CreatedAt is when the account was made (UTC).
	CreatedAt time.Time `json:"createdAt"`
	// OIDCSubject and OIDCIssuer name the OpenID Connect identity of an
	// account made by OIDC sign-in; both are empty for other accounts.
	OIDCSubject string `json:"oidcSubject,omitempty"`
	OIDCIssuer  string `json:"oidcIssuer,omitempty"`
}

// Limits on names and passwords.
const (
	maxNameLen     = 64
	minPasswordLen = 10
	// maxPasswordLen is bcrypt's limit: it ignores every byte beyond.
	maxPasswordLen = 72
)

// ValidName checks an account name: 1 to 64 characters, each a letter
// or digit of ASCII or one of . _ @ -.
func ValidName(name string) error {
	if name == "" {
		return fmt.Errorf("user name: %w: empty", ErrInvalid)
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("user name %q…: %w: longer than %d characters", name[:maxNameLen], ErrInvalid, maxNameLen)
	}
	for i := 0; i < len(name); i++ {
		if !nameByte(name[i]) {
			return fmt.Errorf("user name %q: %w: only letters, digits and . _ @ - are allowed", name, ErrInvalid)
		}
	}
	return nil
}

func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '@' || c == '-'
}

// ValidPassword checks a new password: at least 10 characters, at most
// 72 bytes (bcrypt reads no further).
func ValidPassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < minPasswordLen:
		return fmt.Errorf("password: %w: shorter than %d characters", ErrInvalid, minPasswordLen)
	case len(pw) > maxPasswordLen:
		return fmt.Errorf("password: %w: longer than %d bytes", ErrInvalid, maxPasswordLen)
	}
	return nil
}

// hashPassword checks pw and returns its bcrypt hash.
func (s *Service) hashPassword(pw string) (string, error) {
	if err := ValidPassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is a hash no password matches in practice, compared against
// when there is no real one so that an unknown name costs as much time
// as a known one.
func (s *Service) dummyHash() ([]byte, error) {
	s.dummyOnce.Do(func() {
		s.dummy, s.dummyErr = bcrypt.GenerateFromPassword(randomBytes(32), s.cost)
	})
	return s.dummy, s.dummyErr
}

// userCols lists the columns scanUser reads, of the users table known
// as alias ("" or "u.").
func userCols(alias string) string {
	a := alias
	return a + "id, " + a + "name, " + a + "role, " + a + "disabled, " + a + "created_at, COALESCE(" + a + "oidc_issuer, ''), COALESCE(" + a + "oidc_subject, '')"
}

var userColumns = userCols("")

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanUser reads userColumns, then the extra columns into extra.
func scanUser(sc rowScanner, extra ...any) (User, error) {
	var u User
	var role string
	var disabled int
	dest := append([]any{&u.ID, &u.Name, &role, &disabled, &u.CreatedAt, &u.OIDCIssuer, &u.OIDCSubject}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return User{}, err
	}
	u.Role = Role(role)
	if !u.Role.Valid() {
		return User{}, fmt.Errorf("user %d has unknown role %q", u.ID, role)
	}
	u.Disabled = disabled != 0
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// queryer is what reads need of a *sql.DB or *sql.Tx.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Service) userByID(ctx context.Context, q queryer, id int64) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, s.st.Rebind(`SELECT `+userColumns+` FROM users WHERE id = ?`), id))
	if err != nil {
		return User{}, fmt.Errorf("user %d: %w", id, store.MapError(err))
	}
	return u, nil
}

// CreateUser makes an account that signs in with name and password. A
// name already taken (whatever its case) is an error wrapping
// store.ErrConflict. actor is who makes it, for the events log.
func (s *Service) CreateUser(ctx context.Context, actor, name, password string, role Role) (User, error) {
	if err := checkActor(actor); err != nil {
		return User{}, err
	}
	if err := ValidName(name); err != nil {
		return User{}, err
	}
	if !role.Valid() {
		return User{}, fmt.Errorf("create user %s: role %q: %w", name, role, ErrInvalid)
	}
	hash, err := s.hashPassword(password)
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", name, err)
	}
	var u User
	err = s.st.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = s.insertUser(ctx, tx, actor, name, hash, role, nil, "role "+string(role))
		return err
	})
	if err != nil {
		return User{}, createError(name, err)
	}
	return u, nil
}

func createError(name string, err error) error {
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("create user %s: the name is taken: %w", name, store.ErrConflict)
	}
	return fmt.Errorf("create user %s: %w", name, err)
}

// insertUser adds an account and its event within tx. oidc is the
// issuer and subject of an OIDC account, nil for a password account.
func (s *Service) insertUser(ctx context.Context, tx *sql.Tx, actor, name, hash string, role Role, oidc *Identity, detail string) (User, error) {
	now := s.clock()
	var issuer, subject any
	if oidc != nil {
		issuer, subject = oidc.Issuer, oidc.Subject
	}
	var id int64
	err := tx.QueryRowContext(ctx, s.st.Rebind(`INSERT INTO users (name, password_hash, role, disabled, created_at, oidc_issuer, oidc_subject)
		VALUES (?, ?, ?, 0, ?, ?, ?) RETURNING id`), name, hash, string(role), now, issuer, subject).Scan(&id)
	if err != nil {
		return User{}, store.MapError(err)
	}
	if err := s.addEvent(ctx, tx, now, actor, "user.create", userSubject(name), detail); err != nil {
		return User{}, err
	}
	u := User{ID: id, Name: name, Role: role, CreatedAt: now}
	if oidc != nil {
		u.OIDCIssuer, u.OIDCSubject = oidc.Issuer, oidc.Subject
	}
	return u, nil
}

// Users lists every account by name.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	rows, err := s.st.DB().QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY lower(name), id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", store.MapError(err))
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", store.MapError(err))
	}
	return us, nil
}

// User is the account with id; an unknown id wraps store.ErrNotFound.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	return s.userByID(ctx, s.st.DB(), id)
}

// UserByName is the account called name, whatever its case; an unknown
// name wraps store.ErrNotFound.
func (s *Service) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.st.DB().QueryRowContext(ctx, s.st.Rebind(`SELECT `+userColumns+` FROM users WHERE lower(name) = lower(?)`), name))
	if err != nil {
		return User{}, fmt.Errorf("user %q: %w", name, store.MapError(err))
	}
	return u, nil
}

// otherEnabledAdmins counts the enabled admins other than id.
func (s *Service) otherEnabledAdmins(ctx context.Context, tx *sql.Tx, id int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, s.st.Rebind(`SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?`), id).Scan(&n)
	return n, err
}

// SetRole gives account id the role r. Demoting the last enabled admin
// fails with ErrLastAdmin. The change shows in the account's sessions
// and tokens at once.
func (s *Service) SetRole(ctx context.Context, actor string, id int64, r Role) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if !r.Valid() {
		return fmt.Errorf("set role of user %d: role %q: %w", id, r, ErrInvalid)
	}
	err := s.st.InTx(ctx, func(tx *sql.Tx) error {
		u, err := s.userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Role == r {
			return nil
		}
		if u.Role == Admin && !u.Disabled {
			n, err := s.otherEnabledAdmins(ctx, tx, id)
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrLastAdmin
			}
		}
		if _, err := tx.ExecContext(ctx, s.st.Rebind(`UPDATE users SET role = ? WHERE id = ?`), string(r), id); err != nil {
			return err
		}
		return s.addEvent(ctx, tx, s.clock(), actor, "user.role", userSubject(u.Name), string(u.Role)+" → "+string(r))
	})
	if err != nil {
		return fmt.Errorf("set role of user %d: %w", id, err)
	}
	return nil
}

// SetPassword gives account id a new password and ends all its
// sessions, so a stolen session dies with the old password (the caller
// starts a new one for a user who changed their own password). An OIDC
// account given a password may sign in with it too.
func (s *Service) SetPassword(ctx context.Context, actor string, id int64, pw string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	hash, err := s.hashPassword(pw)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	err = s.st.InTx(ctx, func(tx *sql.Tx) error {
		u, err := s.userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.st.Rebind(`UPDATE users SET password_hash = ? WHERE id = ?`), hash, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.st.Rebind(`DELETE FROM sessions WHERE user_id = ?`), id); err != nil {
			return err
		}
		return s.addEvent(ctx, tx, s.clock(), actor, "user.password", userSubject(u.Name), "")
	})
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}

// SetDisabled disables or enables account id. Disabling ends its
// sessions, and its tokens stop working until it is enabled again.
// Disabling the last enabled admin fails with ErrLastAdmin.
func (s *Service) SetDisabled(ctx context.Context, actor string, id int64, disabled bool) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	err := s.st.InTx(ctx, func(tx *sql.Tx) error {
		u, err := s.userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
			if u.Role == Admin {
				n, err := s.otherEnabledAdmins(ctx, tx, id)
				if err != nil {
					return err
				}
				if n == 0 {
					return ErrLastAdmin
				}
			}
			if _, err := tx.ExecContext(ctx, s.st.Rebind(`DELETE FROM sessions WHERE user_id = ?`), id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.st.Rebind(`UPDATE users SET disabled = ? WHERE id = ?`), boolInt(disabled), id); err != nil {
			return err
		}
		return s.addEvent(ctx, tx, s.clock(), actor, action, userSubject(u.Name), "")
	})
	if err != nil {
		return fmt.Errorf("set disabled of user %d: %w", id, err)
	}
	return nil
}

// Authenticate checks a name and password. A wrong password, an unknown
// name and an account without a password (OIDC only) all fail with
// ErrBadCredentials after the same bcrypt work; a disabled account with
// the right password fails with ErrDisabled.
func (s *Service) Authenticate(ctx context.Context, name, password string) (User, error) {
	var hash string
	u, err := scanUser(s.st.DB().QueryRowContext(ctx, s.st.Rebind(`SELECT `+userColumns+`, password_hash FROM users WHERE lower(name) = lower(?)`), name), &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("sign in %q: %w", name, store.MapError(err))
	}
	if hash == "" || len(password) > maxPasswordLen {
		dummy, derr := s.dummyHash()
		if derr != nil {
			return User{}, fmt.Errorf("sign in: %w", derr)
		}
		_ = bcrypt.CompareHashAndPassword(dummy, []byte(password[:min(len(password), maxPasswordLen)]))
		return User{}, ErrBadCredentials
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return User{}, ErrBadCredentials
	}
	if u.Disabled {
		return User{}, ErrDisabled
	}
	return u, nil
}

// EnsureAdmin makes an admin account called name when there is no
// account at all (a new database, a demo) and tells whether it did.
// The name and password are checked even when no account is made, so a
// bad setting shows on every start, not only the first.
func (s *Service) EnsureAdmin(ctx context.Context, name, password string) (created bool, err error) {
	if err := ValidName(name); err != nil {
		return false, fmt.Errorf("first admin: %w", err)
	}
	if err := ValidPassword(password); err != nil {
		return false, fmt.Errorf("first admin %s: %w", name, err)
	}
	var n int
	if err := s.st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return false, fmt.Errorf("count users: %w", store.MapError(err))
	}
	if n > 0 {
		return false, nil
	}
	hash, err := s.hashPassword(password)
	if err != nil {
		return false, fmt.Errorf("first admin %s: %w", name, err)
	}
	err = s.st.InTx(ctx, func(tx *sql.Tx) error {
		// Another process may have made the first account meanwhile.
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err := s.insertUser(ctx, tx, "system", name, hash, Admin, nil, "first admin")
		created = err == nil
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return false, nil // made by another process at the same moment
	}
	if err != nil {
		return false, createError(name, err)
	}
	return created, nil
}
