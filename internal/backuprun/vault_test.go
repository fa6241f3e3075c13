package backuprun_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/faultproxy"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
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

var prefixes, people atomic.Int64

// newRepo prepares a fresh mount prefix on the shared Vault, with one
// store, and returns a repository on it as root.
func newRepo(t testing.TB) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	r, c, l := newTeam(t, "repo")
	if err := r.Stores().Add(context.Background(), records.Store{Name: "acme-us", Marketplace: "amazon", Region: "us"}); err != nil {
		t.Fatal(err)
	}
	return r, c, l
}

// newTeam initialises a fresh team (mount prefix PREFIXn) on the shared
// Vault and returns a repository on it as root.
func newTeam(t testing.TB, prefix string) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	c := vaulttest.Root(t)
	l := vaulttest.Layout(t, fmt.Sprintf("%s%d", prefix, prefixes.Add(1)))
	if _, err := setup.Run(context.Background(), c, setup.Options{Layout: l}); err != nil {
		t.Fatal(err)
	}
	return repo.New(c, l), c, l
}

// member makes a person of role (with stores) and returns a repository
// and a client with their login's token.
func member(t *testing.T, root *vault.Client, l vault.Layout, role string, stores ...string) (*repo.Repo, *vault.Client) {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("%s-%s-%d", l.Prefix, role, people.Add(1))
	password := "pw-" + name + "-long-enough"
	if _, err := access.EnsurePerson(ctx, root, l, access.Person{Name: name, Role: role, Stores: stores}, password, time.Now()); err != nil {
		t.Fatal(err)
	}
	token, err := root.Userpass().Login(ctx, vault.UserpassMount, name, password)
	if err != nil {
		t.Fatal(err)
	}
	c, err := root.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	return repo.New(c, l), c
}

// faultyVault is a proxy in front of the shared Vault that refuses its
// failAt-th write.
func faultyVault(t testing.TB, failAt int64) *faultproxy.Proxy {
	t.Helper()
	srv, _ := devvault.Shared()
	p, err := faultproxy.Start(srv.URL, srv.CACertFile, int(failAt), faultproxy.Refuse)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}
