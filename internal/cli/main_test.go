package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain keeps the tests away from the user's own database: commands
// that look for one by default find none unless a test names it.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ospo-cli-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_DATA_HOME", dir)
	os.Setenv("OSPO_DB", filepath.Join(dir, "none.db"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
