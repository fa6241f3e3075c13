package setup

import (
	"context"
	"fmt"
	"regexp"

	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/policies"
)

var storeName = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// CheckStoreName accepts lower-case letters, digits and inner hyphens, up
// to 63 characters: a name safe in Vault paths, policy globs and TOTP key
// names.
func CheckStoreName(name string) error {
	if !storeName.MatchString(name) {
		return fmt.Errorf("store name %q: use lower-case letters, digits and hyphens (like acme-us), at most 63", name)
	}
	return nil
}

// EnsureStoreAccess writes the store's access policy and the identity
// group whose members may use the store. It is idempotent.
func EnsureStoreAccess(ctx context.Context, c *vault.Client, l vault.Layout, store string) error {
	if err := CheckStoreName(store); err != nil {
		return err
	}
	rules, err := policies.Render("store", policies.Vars{Prefix: l.Prefix, Store: store})
	if err != nil {
		return err
	}
	if err := c.PutPolicy(ctx, l.StorePolicy(store), rules); err != nil {
		return err
	}
	return c.PutGroup(ctx, l.StoreGroup(store), []string{l.StorePolicy(store)},
		map[string]string{"sellervault_store": store})
}
