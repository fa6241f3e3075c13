package access

import (
	"context"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// PersonRoles are the roles people hold, each with a policy and a group,
// as Vault names them (staff.VaultRoles: the CLI's ops is staff here).
var PersonRoles = staff.VaultRoles

// PersonTokenPolicies are the token policies of a person's login: the
// self-service policy instead of Vault's default one. Roles and stores
// come through identity groups.
func PersonTokenPolicies(l vault.Layout) []string { return []string{l.SelfPolicy()} }

// Person is someone with a Vault identity in the team.
type Person struct {
	Name   string   // entity name and userpass login
	Role   string   // manager, finance or staff
	Stores []string // stores whose groups the person joins
	By     string   // who onboards them, kept in the entity's metadata
}

// EnsurePerson creates or updates a person's identity entity, their
// userpass login with password, the link between the two, and their role
// and store group memberships. It is idempotent; a second call only sets
// the password again.
func EnsurePerson(ctx context.Context, c *vault.Client, l vault.Layout, p Person, password string, now time.Time) (entityID string, err error) {
	if !isPersonRole(p.Role) {
		return "", fmt.Errorf("role %q: use manager, finance or staff", p.Role)
	}
	auths, err := c.Sys().AuthMounts(ctx)
	if err != nil {
		return "", err
	}
	userpass, ok := auths[vault.UserpassMount+"/"]
	if !ok {
		return "", fmt.Errorf("userpass is not enabled: run `sellervault init` first")
	}
	entityID, err = c.Identity().EnsureEntity(ctx, p.Name, map[string]string{
		"sellervault_role": p.Role, "onboarded_at": now.UTC().Format(time.RFC3339), "onboarded_by": p.By,
	})
	if err != nil {
		return "", err
	}
	if err := c.Userpass().PutUser(ctx, vault.UserpassMount, p.Name, password, PersonTokenPolicies(l)); err != nil {
		return "", err
	}
	if err := c.Identity().EnsureEntityAlias(ctx, entityID, p.Name, userpass.Accessor); err != nil {
		return "", err
	}
	if err := c.Identity().AddGroupMember(ctx, l.RoleGroup(p.Role), entityID); err != nil {
		return "", err
	}
	for _, store := range p.Stores {
		if err := EnsureStoreAccess(ctx, c, l, store); err != nil {
			return "", err
		}
		if err := c.Identity().AddGroupMember(ctx, l.StoreGroup(store), entityID); err != nil {
			return "", err
		}
	}
	return entityID, nil
}

func isPersonRole(role string) bool {
	for _, r := range PersonRoles {
		if r == role {
			return true
		}
	}
	return false
}
