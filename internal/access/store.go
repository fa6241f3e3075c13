package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/policies"
)

// EnsureStoreAccess writes the store's access policy, the identity group
// whose members may use the store and the store's redaction key. It is
// idempotent.
func EnsureStoreAccess(ctx context.Context, c *vault.Client, l vault.Layout, store string) error {
	if _, err := records.ParseStoreName(store); err != nil {
		return err
	}
	rules, err := policies.Render("store", policies.Vars{Prefix: l.Prefix, Store: store})
	if err != nil {
		return err
	}
	if err := c.Sys().PutPolicy(ctx, l.StorePolicy(store), rules); err != nil {
		return err
	}
	if err := EnsureStoreKey(ctx, c, l, store); err != nil {
		return err
	}
	return c.Identity().PutGroup(ctx, l.StoreGroup(store), []string{l.StorePolicy(store)},
		map[string]string{"sellervault_store": store})
}

// EnsureStoreKey creates the store's redaction key (Transit) if it is
// missing: the HMAC key of the store's audience (vault.StoreAudience).
func EnsureStoreKey(ctx context.Context, c *vault.Client, l vault.Layout, store string) error {
	key := l.RedactKey(vault.StoreAudience(store))
	exists, err := c.Transit().KeyExists(ctx, l.Transit(), key)
	if err == nil && !exists {
		err = c.Transit().CreateKey(ctx, l.Transit(), key)
	}
	if err != nil {
		return fmt.Errorf("the redaction key of store %s: %w", store, err)
	}
	return nil
}

// RemoveStoreAccess deletes a store's access group and policy, ending
// everyone's access to it. Missing ones are fine.
func RemoveStoreAccess(ctx context.Context, c *vault.Client, l vault.Layout, store string) error {
	if err := c.Identity().DeleteGroup(ctx, l.StoreGroup(store)); err != nil && !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	if err := c.Sys().DeletePolicy(ctx, l.StorePolicy(store)); err != nil && !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	return nil
}
