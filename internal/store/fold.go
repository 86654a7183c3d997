package store

import (
	"database/sql/driver"
	"strings"

	"modernc.org/sqlite"
)

// SQLite's LOWER folds only ASCII letters, PostgreSQL's every letter
// (under a UTF-8 locale), so a search for "équipe" would find "Équipe"
// on one and not the other. SQLite gets ospo_lower, Go's own folding,
// for the columns people write free text into.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("ospo_lower", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		}
		return args[0], nil
	})
}

// Lower is the SQL expression that folds expr to lower case the way
// strings.ToLower does, on either dialect: for searches in free text
// (project names and owners). Package names are ASCII and use LOWER.
func (s *Store) Lower(expr string) string {
	if s.dialect == SQLite {
		return "ospo_lower(" + expr + ")"
	}
	return "LOWER(" + expr + ")"
}
