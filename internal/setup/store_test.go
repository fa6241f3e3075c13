package setup_test

import (
	"context"
	"testing"

	"github.com/sellervault/sellervault/internal/setup"
)

func TestEnsureStoreAccessRefusesBadNameAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	l := layout(t, "badstore")
	if err := setup.EnsureStoreAccess(ctx, c, l, "../evil"); err == nil {
		t.Fatal("a store name with a path in it was accepted")
	}
	if _, err := c.Sys().Policy(ctx, l.StorePolicy("../evil")); err == nil {
		t.Fatal("a policy was written for the refused name")
	}
}
