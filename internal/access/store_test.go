package access_test

import (
	"context"
	"testing"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

func TestEnsureStoreAccessRefusesBadNameAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	c, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	l, err := vault.NewLayout("badstore")
	if err != nil {
		t.Fatal(err)
	}
	if err := access.EnsureStoreAccess(ctx, c, l, "../evil"); err == nil {
		t.Fatal("a store name with a path in it was accepted")
	}
	if _, err := c.Sys().Policy(ctx, l.StorePolicy("../evil")); err == nil {
		t.Fatal("a policy was written for the refused name")
	}
}
