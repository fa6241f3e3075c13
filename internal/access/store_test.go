package access_test

import (
	"context"
	"testing"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

func TestEnsureStoreAccessRefusesBadNameAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	c := vaulttest.Root(t)
	l := vaulttest.Layout(t, "badstore")
	if err := access.EnsureStoreAccess(ctx, c, l, "../evil"); err == nil {
		t.Fatal("a store name with a path in it was accepted")
	}
	if _, err := c.Sys().Policy(ctx, l.StorePolicy("../evil")); err == nil {
		t.Fatal("a policy was written for the refused name")
	}
}
