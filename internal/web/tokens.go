package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"ospo/internal/access"
	"ospo/internal/store"
)

// tokenInput is the body of POST /api/v1/tokens.
type tokenInput struct {
	Name string `json:"name"`
	// ExpiresInDays is the token's lifetime; 0 means no expiry.
	ExpiresInDays int `json:"expiresInDays,omitempty"`
}

// tokenCreated answers a new token: its secret is shown this once.
type tokenCreated struct {
	Token  access.Token `json:"token"`
	Secret string       `json:"secret"`
}

// maxTokenDays bounds a token's lifetime (ten years).
const maxTokenDays = 3660

// tokensView is the token page: the account's own tokens, or for an
// admin who asks (all=true) every account's.
type tokensView struct {
	Tokens []access.OwnedToken
	// All tells that Tokens are every account's.
	All bool
	// Created is the token just made, with its secret, shown once.
	Created *tokenCreated
	Now     time.Time
}

func (s *Server) newToken(r *http.Request, in tokenInput) (tokenCreated, error) {
	if in.ExpiresInDays < 0 || in.ExpiresInDays > maxTokenDays {
		return tokenCreated{}, badRequest("expiresInDays %d: want 0 (no expiry) to %d", in.ExpiresInDays, maxTokenDays)
	}
	p := who(r)
	secret, t, err := s.cfg.Access.NewToken(r.Context(), p.user.Name, p.user, strings.TrimSpace(in.Name),
		time.Duration(in.ExpiresInDays)*24*time.Hour)
	return tokenCreated{Token: t, Secret: secret}, err
}

// revokeToken revokes a token of the caller's, or anyone's for an admin.
// Someone else's token answers 404, so ids reveal nothing.
func (s *Server) revokeToken(r *http.Request, raw string) error {
	id, err := parseID("token id", raw)
	if err != nil {
		return err
	}
	p := who(r)
	t, err := s.cfg.Access.Token(r.Context(), id)
	if err != nil {
		return err
	}
	if t.UserID != p.user.ID && !p.user.Role.AtLeast(access.Admin) {
		return fmt.Errorf("token %d: %w", id, store.ErrNotFound)
	}
	return s.cfg.Access.RevokeToken(r.Context(), p.user.Name, id)
}

// allTokens reads the all parameter: true asks for every account's
// tokens, which only an admin may see.
func allTokens(r *http.Request) (bool, error) {
	all, err := flag(r.URL.Query(), "all")
	if err != nil || !all {
		return false, err
	}
	if p := who(r); p == nil || !p.user.Role.AtLeast(access.Admin) {
		return false, &httpError{status: http.StatusForbidden, msg: "all=true: only an admin may list every account's tokens"}
	}
	return true, nil
}

// tokens lists the caller's tokens, or every account's when all is set
// (allTokens has checked the caller is an admin).
func (s *Server) tokens(r *http.Request, all bool) ([]access.OwnedToken, error) {
	if all {
		ts, err := s.cfg.Access.AllTokens(r.Context())
		return nonNil(ts), err
	}
	u := who(r).user
	ts, err := s.cfg.Access.Tokens(r.Context(), u.ID)
	out := make([]access.OwnedToken, len(ts))
	for i, t := range ts {
		out[i] = access.OwnedToken{Token: t, Owner: u.Name}
	}
	return out, err
}

func (s *Server) tokensView(r *http.Request, created *tokenCreated) (tokensView, error) {
	all, err := allTokens(r)
	if err != nil {
		return tokensView{}, err
	}
	ts, err := s.tokens(r, all)
	return tokensView{Tokens: ts, All: all, Created: created, Now: s.now()}, err
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.tokensView(r, nil)
	if err != nil {
		return err
	}
	return s.list(w, r, "tokens", "API tokens", v, v.Tokens, func() table { return tokenTable(v.Tokens) }, "tokens")
}

func tokenTable(ts []access.OwnedToken) table {
	t := table{header: []string{"id", "name", "owner", "prefix", "createdAt", "lastUsedAt", "expiresAt"}}
	for _, tk := range ts {
		exp := ""
		if tk.ExpiresAt != nil {
			exp = tk.ExpiresAt.UTC().Format(time.RFC3339)
		}
		used := ""
		if !tk.LastUsedAt.IsZero() {
			used = tk.LastUsedAt.UTC().Format(time.RFC3339)
		}
		t.rows = append(t.rows, []string{itoa(int(tk.ID)), tk.Name, tk.Owner, access.TokenPrefix + tk.Prefix, tk.CreatedAt.UTC().Format(time.RFC3339), used, exp})
	}
	return t
}

// tokenCreateForm makes a token and shows the page with its secret; the
// answer is never cached (no-store, as every page).
func (s *Server) tokenCreateForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return readError(err)
	}
	days, err := number(r.PostForm, "days", 0)
	if err != nil {
		return err
	}
	created, err := s.newToken(r, tokenInput{Name: r.PostFormValue("name"), ExpiresInDays: days})
	if err != nil {
		return err
	}
	v, err := s.tokensView(r, &created)
	if err != nil {
		return err
	}
	s.renderStatus(w, r, http.StatusCreated, "tokens", "API tokens", v)
	return nil
}

func (s *Server) tokenRevokeForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.revokeToken(r, r.PathValue("id")); err != nil {
		return err
	}
	back := "/account/tokens"
	if r.PostFormValue("all") == "true" {
		back += "?all=true"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	all, err := allTokens(r)
	if err != nil {
		return err
	}
	ts, err := s.tokens(r, all)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ts)
	return nil
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var in tokenInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	created, err := s.newToken(r, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, created)
	return nil
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.revokeToken(r, r.PathValue("id")); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no token %s of yours", r.PathValue("id"))}
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
