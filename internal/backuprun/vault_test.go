package backuprun_test

import (
	"os"
	"testing"

	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// The record store's facets are what a backup and a restore work
// through.
var (
	_ backuprun.Records    = repo.Backups{}
	_ backuprun.Signatures = repo.Backups{}
	_ backuprun.Contacts   = repo.Contacts{}
	_ backuprun.Keys       = repo.TOTP{}
	_ backuprun.Groups     = repo.Stores{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// deps are the store's facets, as the app hands them to the workflow.
func deps(r *repo.Repo) backuprun.Deps {
	return connect.BackupDeps(r)
}

// newRepo prepares a fresh mount prefix on the shared Vault, with one
// store, and returns a repository on it as root.
func newRepo(t testing.TB) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	return vaulttest.TeamWithStore(t, "repo")
}
