package connect

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// DeniedHint says what is really wrong when Vault refused a request: the
// token is no longer valid (expired or revoked: log in again), or it is
// valid and the person's role or stores do not allow it (ask a manager).
// It asks Vault once (the token's own lookup, which every token may do);
// "" when the error is not a refusal or the answer does not tell.
func (c *Conn) DeniedHint(ctx context.Context, err error) string {
	if !errors.Is(err, vault.ErrDenied) || errors.Is(err, repo.ErrNotMember) || !c.c.HasToken() {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	info, lerr := c.c.Tokens().LookupSelf(ctx)
	switch {
	case errors.Is(lerr, vault.ErrDenied):
		return "your token has expired or was revoked: log in again with `sellervault login`"
	case lerr != nil:
		return ""
	}
	return "your login is valid, but " + describeAccess(c.layout, info) + " does not allow this: ask a manager if you need it"
}

// describeAccess names a token's sellervault role and stores, from its
// policies, in words, with the role as people know it: "your role (ops;
// stores acme-us)".
func describeAccess(l vault.Layout, info *vault.TokenInfo) string {
	var roles, stores []string
	for _, p := range append(append([]string{}, info.Policies...), info.IdentityPolicies...) {
		switch {
		case strings.HasPrefix(p, l.StorePolicy("")):
			stores = append(stores, strings.TrimPrefix(p, l.StorePolicy("")))
		case p == l.RolePolicy(staff.VaultRoleManager), p == l.RolePolicy(staff.VaultRoleFinance),
			p == l.RolePolicy(staff.VaultRoleOps), p == l.RolePolicy("reminder"):
			roles = append(roles, staff.RoleOf(strings.TrimPrefix(p, l.Prefix+"-")))
		}
	}
	sort.Strings(roles)
	sort.Strings(stores)
	what := "no sellervault role"
	if len(roles) > 0 {
		what = strings.Join(dedupe(roles), ", ")
	}
	if len(stores) > 0 {
		what += "; stores " + strings.Join(dedupe(stores), ", ")
	}
	return "your role (" + what + ")"
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
