package app

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
)

// The last login name used on this computer, so that `sellervault login`
// asks only for the password. It is a name, not a secret, kept in the
// user's configuration directory (sellervault/username), mode 0600.

func usernameFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "sellervault", "username")
}

// lastUsername is the remembered login name, or "" (none, or a file that
// does not hold a valid name).
func lastUsername() string {
	path := usernameFile()
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) > 256 {
		return ""
	}
	name, err := records.ParsePersonName(strings.TrimSpace(string(b)))
	if err != nil {
		return ""
	}
	return name
}

// rememberUsername keeps the login name for next time; a failure only
// means the name is asked for again.
func rememberUsername(name string) {
	path := usernameFile()
	if path == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return
	}
	_ = os.WriteFile(path, []byte(name+"\n"), 0o600)
}
