// Package demo loads the example team that `sellervault-dev --demo` shows:
// a small seller business, Acme Outdoor, selling on Amazon in the US and
// Germany. Every value is fake: the names, the addresses (example.com and
// .example domains), and the passwords, which are random and never shown.
//
// Each capability of sellervault adds its part of the team here, so the
// tour in scripts/tour.sh can show it working.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// Stores are the example team's stores.
var Stores = []string{"acme-us", "acme-de"}

// People are the example team: a manager, a finance person and two
// operations staff, each assigned to one store.
var People = []setup.Person{
	{Name: "maria", Role: "manager"},
	{Name: "farid", Role: "finance"},
	{Name: "olga", Role: "staff", Stores: []string{"acme-us"}},
	{Name: "tom", Role: "staff", Stores: []string{"acme-de"}},
}

// Load adds the example team to an initialised Vault. It is idempotent.
func Load(ctx context.Context, c *vault.Client, l vault.Layout, now time.Time) error {
	for _, store := range Stores {
		if err := setup.EnsureStoreAccess(ctx, c, l, store); err != nil {
			return fmt.Errorf("demo store %s: %w", store, err)
		}
	}
	for _, p := range People {
		password, err := randomPassword()
		if err != nil {
			return err
		}
		if _, err := setup.EnsurePerson(ctx, c, l, p, password, now); err != nil {
			return fmt.Errorf("demo person %s: %w", p.Name, err)
		}
	}
	return nil
}

func randomPassword() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
