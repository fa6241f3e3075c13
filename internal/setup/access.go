package setup

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/policies"
)

// storePolicies brings every store's access policy up to date with
// store.hcl: a release that changes the template rewrites the policies of
// the stores added before it.
func (r *runner) storePolicies() step {
	var stale []string
	return step{
		item: "store access policies and redaction keys",
		check: func(ctx context.Context) (Action, error) {
			stale = nil
			if _, mounted := r.mounts[r.l.KV()+"/"]; !mounted {
				return Unchanged, nil // a new team has no store yet
			}
			stores, err := storeNames(ctx, r.c, r.l)
			if err != nil {
				return "", err
			}
			for _, store := range stores {
				want, err := policies.Render("store", policies.Vars{Prefix: r.l.Prefix, Store: store})
				if err != nil {
					return "", err
				}
				got, err := r.c.Sys().Policy(ctx, r.l.StorePolicy(store))
				if err != nil && !errors.Is(err, vault.ErrNotFound) {
					return "", err
				}
				if strings.TrimSpace(got) != strings.TrimSpace(want) {
					stale = append(stale, store)
					continue
				}
				if ok, err := r.c.Transit().KeyExists(ctx, r.l.Transit(), r.l.RedactKey(vault.StoreAudience(store))); err != nil || !ok {
					if err != nil {
						return "", err
					}
					stale = append(stale, store)
				}
			}
			if len(stale) == 0 {
				return Unchanged, nil
			}
			return Update, nil
		},
		apply: func(ctx context.Context) error {
			for _, store := range stale {
				if err := access.EnsureStoreAccess(ctx, r.c, r.l, store); err != nil {
					return fmt.Errorf("store %s: %w", store, err)
				}
			}
			return nil
		},
	}
}

// storeNames lists the stores of the records mount (store records, live
// or deleted: a deleted store's policy is kept until it is removed).
func storeNames(ctx context.Context, c *vault.Client, l vault.Layout) ([]string, error) {
	keys, err := c.KV().List(ctx, l.KV(), records.StoreDir())
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		name := strings.TrimSuffix(k, "/")
		if _, err := records.ParseStoreName(name); err != nil || seen[name] {
			continue
		}
		if !strings.HasSuffix(k, "/") { // a profile, not only a folder
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// userpassLogins makes the logins of the team's people (the members of
// its role groups; other teams on the same Vault share the userpass
// mount) carry the self-service policy and not Vault's default policy,
// which lets a token wrap a copy of what it reads for any time, beyond an
// offboarding.
func (r *runner) userpassLogins() step {
	var stale []string
	want := access.PersonTokenPolicies(r.l)
	return step{
		item: fmt.Sprintf("people's logins: tokens carry %s, not Vault's default policy", strings.Join(want, ", ")),
		check: func(ctx context.Context) (Action, error) {
			stale = nil
			if _, ok := r.auths[vault.UserpassMount+"/"]; !ok {
				return Unchanged, nil
			}
			names, err := teamPeople(ctx, r.c, r.l)
			if err != nil {
				return "", err
			}
			for _, name := range names {
				u, err := r.c.Userpass().LoginSettings(ctx, vault.UserpassMount, name)
				if errors.Is(err, vault.ErrNotFound) {
					continue // no userpass login (OIDC, say)
				}
				if err != nil {
					return "", err
				}
				if !u.UpToDate(want) {
					stale = append(stale, u.Name)
				}
			}
			if len(stale) == 0 {
				return Unchanged, nil
			}
			return Update, nil
		},
		apply: func(ctx context.Context) error {
			for _, name := range stale {
				if err := r.c.Userpass().SetTokenPolicies(ctx, vault.UserpassMount, name, want); err != nil {
					return fmt.Errorf("login %s: %w", name, err)
				}
			}
			return nil
		},
	}
}

// teamPeople names the members of the team's role groups (entity names,
// which are their login names).
func teamPeople(ctx context.Context, c *vault.Client, l vault.Layout) ([]string, error) {
	seen := map[string]bool{}
	var names []string
	for _, role := range access.PersonRoles {
		g, err := c.Identity().GroupByName(ctx, l.RoleGroup(role))
		if errors.Is(err, vault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, id := range g.MemberEntityIDs {
			name, err := c.Identity().EntityName(ctx, id)
			if errors.Is(err, vault.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}
