package access

import (
	"fmt"
	"strings"
)

// Role is what an account may do. Each role may do everything the roles
// below it may: viewer < developer < reviewer < admin.
type Role string

// The roles, least to most powerful.
const (
	// Viewer reads everything: projects, scans, components, decisions.
	Viewer Role = "viewer"
	// Developer also uploads scan results and files requests.
	Developer Role = "developer"
	// Reviewer also decides and approves requests and edits projects.
	Reviewer Role = "reviewer"
	// Admin also manages accounts, other people's tokens and settings.
	Admin Role = "admin"
)

// Roles lists the roles, least to most powerful.
var Roles = []Role{Viewer, Developer, Reviewer, Admin}

// rank orders the roles; an unknown role ranks 0, below every real one.
func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Developer:
		return 2
	case Reviewer:
		return 3
	case Admin:
		return 4
	}
	return 0
}

// Valid tells whether r is one of the four roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast tells whether r may do what min may. An unknown role may do
// nothing, and nothing is allowed against an unknown minimum.
func (r Role) AtLeast(min Role) bool {
	return r.Valid() && min.Valid() && r.rank() >= min.rank()
}

// String is the role's name.
func (r Role) String() string { return string(r) }

// ParseRole reads a role name, ignoring case and surrounding space.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		if len(s) > 32 {
			s = s[:32] + "…"
		}
		return "", fmt.Errorf("role %q: %w: want viewer, developer, reviewer or admin", s, ErrInvalid)
	}
	return r, nil
}
