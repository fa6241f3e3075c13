// Package vaulttest gives tests a root client of the shared in-process
// Vault (package devvault), with VAULT_CACERT set for the test, and a
// layout under a prefix of their own; a fresh team on it (Team,
// TeamWithStore), a member with their own login (Member), a proxy that
// fails a chosen write (FaultyVault), a transport that trusts its CA
// (CATransport) and an edit made around sellervault (EditAround).
package vaulttest

import (
	"testing"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

// Root is a client of the shared test Vault with its root token.
func Root(t testing.TB) *vault.Client {
	t.Helper()
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	c, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Layout is the layout of mount prefix prefix.
func Layout(t testing.TB, prefix string) vault.Layout {
	t.Helper()
	l, err := vault.NewLayout(prefix)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
