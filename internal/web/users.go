package web

import (
	"fmt"
	"net/http"
	"strings"

	"ospo/internal/access"
)

// userInput is the body of POST /api/v1/users.
type userInput struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	// Role is viewer, developer, reviewer or admin.
	Role string `json:"role"`
}

// userPatch is the body of PATCH /api/v1/users/{id}; absent fields are
// left as they are.
type userPatch struct {
	Role     *string `json:"role,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
	// Password is a new password (10 characters or more, at most 72
	// bytes). Setting it ends the account's sessions; the change is
	// logged as user.password, the password itself nowhere, and it is
	// never sent back.
	Password *string `json:"password,omitempty"`
}

// usersView is the account administration page's data.
type usersView struct {
	Users []access.User
	Roles []access.Role
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	us, err := s.cfg.Access.Users(r.Context())
	if err != nil {
		return err
	}
	us = nonNil(us)
	v := usersView{Users: us, Roles: access.Roles}
	return s.list(w, r, "users", "Accounts", v, us, func() table { return userTable(us) }, "users")
}

func userTable(us []access.User) table {
	t := table{header: []string{"id", "name", "role", "disabled", "createdAt", "oidcIssuer", "oidcSubject"}}
	for _, u := range us {
		t.rows = append(t.rows, []string{itoa(int(u.ID)), u.Name, string(u.Role), fmt.Sprint(u.Disabled),
			fmtTime(u.CreatedAt, "2006-01-02T15:04:05Z07:00"), u.OIDCIssuer, u.OIDCSubject})
	}
	return t
}

// createUser makes an account; the role is parsed by access.
func (s *Server) createUser(r *http.Request, in userInput) (access.User, error) {
	role, err := access.ParseRole(in.Role)
	if err != nil {
		return access.User{}, err
	}
	return s.cfg.Access.CreateUser(r.Context(), actor(r), strings.TrimSpace(in.Name), in.Password, role)
}

// updateUser applies a role change, a new password and a disabling,
// each when given. Everything given is checked first, so a bad password
// does not leave the role changed.
func (s *Server) updateUser(r *http.Request, id int64, in userPatch) (access.User, error) {
	var role access.Role
	if in.Role != nil {
		var err error
		if role, err = access.ParseRole(*in.Role); err != nil {
			return access.User{}, err
		}
	}
	if in.Password != nil {
		if err := access.ValidPassword(*in.Password); err != nil {
			return access.User{}, err
		}
	}
	if in.Role != nil {
		if err := s.cfg.Access.SetRole(r.Context(), actor(r), id, role); err != nil {
			return access.User{}, err
		}
	}
	if in.Password != nil {
		if err := s.cfg.Access.SetPassword(r.Context(), actor(r), id, *in.Password); err != nil {
			return access.User{}, err
		}
	}
	if in.Disabled != nil {
		if err := s.cfg.Access.SetDisabled(r.Context(), actor(r), id, *in.Disabled); err != nil {
			return access.User{}, err
		}
	}
	return s.cfg.Access.User(r.Context(), id)
}

// keepOwnSession gives a browser whose user just had their own password
// set a new session: SetPassword ended every session of the account,
// the one making the change included.
func (s *Server) keepOwnSession(w http.ResponseWriter, r *http.Request, u access.User, in userPatch) error {
	p := who(r)
	if in.Password == nil || p == nil || p.session == nil || p.user.ID != u.ID || u.Disabled {
		return nil
	}
	return s.newSessionCookie(w, r, u)
}

func (s *Server) userCreateForm(w http.ResponseWriter, r *http.Request) error {
	in := userInput{Name: r.PostFormValue("name"), Password: r.PostFormValue("password"), Role: r.PostFormValue("role")}
	if _, err := s.createUser(r, in); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

func (s *Server) userEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID("user id", r.PathValue("id"))
	if err != nil {
		return err
	}
	var in userPatch
	if v := r.PostFormValue("role"); v != "" {
		in.Role = &v
	}
	switch r.PostFormValue("disabled") {
	case "true":
		t := true
		in.Disabled = &t
	case "false":
		f := false
		in.Disabled = &f
	}
	if _, ok := r.PostForm["password"]; ok {
		v := r.PostFormValue("password")
		in.Password = &v
	}
	u, err := s.updateUser(r, id, in)
	if err != nil {
		return err
	}
	if err := s.keepOwnSession(w, r, u, in); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.cfg.Access.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(us))
	return nil
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) error {
	var in userInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.createUser(r, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%susers/%d", apiPrefix, u.ID))
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID("user id", r.PathValue("id"))
	if err != nil {
		return err
	}
	var in userPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.updateUser(r, id, in)
	if err != nil {
		return err
	}
	if err := s.keepOwnSession(w, r, u, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, who(r).user)
	return nil
}
