package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// Scope is what the caller may see, from the policies of their token
// (staff.Scope: the rule is the model's).
type Scope = staff.Scope

// ErrNotMember: the caller is in no group of the store they asked for.
var ErrNotMember = kindError{"you are not a member of that store: ask a manager to add you to it", vault.ErrDenied}

// Scope returns the caller's scope (one lookup-self per repository).
func (f Members) Scope(ctx context.Context) (Scope, error) {
	r := f.r
	if _, _, err := r.identity(ctx); err != nil {
		return Scope{}, err
	}
	s := staff.ScopeOf(append(append([]string{}, r.self.Policies...), r.self.IdentityPolicies...), r.policyNames())
	if r.self.EntityID != "" {
		s.Name = strings.TrimPrefix(r.self.DisplayName, vault.UserpassMount+"-")
	}
	return s, nil
}

// policyNames are the team's policy names a scope is read from.
func (r *Repo) policyNames() staff.PolicyNames {
	return staff.PolicyNames{Manager: r.layout.RolePolicy(staff.VaultRoleManager), Finance: r.layout.RolePolicy(staff.VaultRoleFinance),
		Reminder: r.layout.RolePolicy("reminder"), StorePrefix: r.layout.StorePolicy("")}
}

// scopeStores lists the stores the caller may see: all for managers and
// finance (who list them), else their groups' stores, read one by one.
func (r *Repo) scopeStores(ctx context.Context) ([]records.Store, error) {
	s, err := r.Members().Scope(ctx)
	if err != nil {
		return nil, err
	}
	if s.All || s.Lister || s.Finance {
		return r.allStores(ctx)
	}
	out := make([]records.Store, 0, len(s.Stores))
	for _, name := range s.Stores {
		meta, err := r.c.KV().Metadata(ctx, r.mount, records.StorePath(name))
		switch {
		case errors.Is(err, vault.ErrNotFound):
			continue // a group left behind by a removed store
		case err != nil:
			return nil, err
		case meta.Deleted():
			continue
		}
		st := records.StoreFromMetadata(meta.CustomMetadata)
		st.Name = name
		out = append(out, st)
	}
	return out, nil
}

// credentialStores are the stores whose credentials the caller may list:
// every store for a manager, else their groups' (finance included: they
// reach logins only through store groups).
func (r *Repo) credentialStores(ctx context.Context) ([]records.Store, error) {
	s, err := r.Members().Scope(ctx)
	if err != nil {
		return nil, err
	}
	if s.All || s.Lister {
		return r.allStores(ctx)
	}
	out := make([]records.Store, 0, len(s.Stores))
	for _, name := range s.Stores {
		out = append(out, records.Store{Name: name})
	}
	return out, nil
}

// requireMember checks a store the caller named: it exists and they may
// use it.
func (r *Repo) requireMember(ctx context.Context, store string) error {
	s, err := r.Members().Scope(ctx)
	if err != nil {
		return err
	}
	if !s.Member(store) {
		return fmt.Errorf("store %s: %w", store, ErrNotMember)
	}
	return r.requireStore(ctx, store)
}

// RenewIfNear renews the caller's token when fewer than within of its
// life is left and Vault allows renewing it (up to its maximum), so that
// a working day is not cut by a token that ends at lunch. It reports the
// TTL the token now has (0 when it never expires or was not renewed).
func (f Members) RenewIfNear(ctx context.Context, within, increment time.Duration) (time.Duration, bool, error) {
	r := f.r
	if _, _, err := r.identity(ctx); err != nil {
		return 0, false, err
	}
	if r.self.TTL == 0 || r.self.TTL > within || !r.self.Renewable {
		return r.self.TTL, false, nil
	}
	ttl, err := r.c.Tokens().RenewSelf(ctx, increment)
	if err != nil {
		return r.self.TTL, false, err
	}
	return ttl, ttl > r.self.TTL, nil
}
