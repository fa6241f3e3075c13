package repo

import (
	"context"
	"errors"

	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// What ends a person's access (package offboard runs it): their identity
// entity, its group memberships, their userpass login and its tokens,
// the wrapped copies of records anyone made, the reminder job's secret
// IDs a manager could have kept.

// Writer names who is writing, as every version written records it: the
// caller's token's display name (e.g. "userpass-olga", or "root"), looked
// up once per store.
func (f Identities) Writer(ctx context.Context) (string, error) { return f.r.writer(ctx) }

// EntityName reads the name of an identity entity, by its ID.
func (f Identities) EntityName(ctx context.Context, id string) (string, error) {
	return f.r.c.Identity().EntityName(ctx, id)
}

// EntityID reads the ID of a person's identity entity; a not-found when
// there is none.
func (f Identities) EntityID(ctx context.Context, name string) (string, error) {
	return f.r.c.Identity().EntityID(ctx, name)
}

// Disabled tells whether a person's identity entity is disabled; a
// not-found when there is none.
func (f Identities) Disabled(ctx context.Context, name string) (bool, error) {
	return f.r.c.Identity().EntityDisabled(ctx, name)
}

// Disable disables a person's identity entity: every token issued
// through it stops working at once.
func (f Identities) Disable(ctx context.Context, name string) error {
	return f.r.c.Identity().DisableEntity(ctx, name)
}

// Groups lists the identity groups a member's role and stores grant that
// still hold the entity (a group that is not there is left out).
func (f Identities) Groups(ctx context.Context, m staff.Member, entityID string) ([]string, error) {
	r := f.r
	var member []string
	for _, g := range r.memberGroups(m.Role, m.Stores) {
		grp, err := r.c.Identity().GroupByName(ctx, g)
		if errors.Is(err, vault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if contains(grp.MemberEntityIDs, entityID) {
			member = append(member, g)
		}
	}
	return member, nil
}

// LeaveGroup removes the entity from an identity group.
func (f Identities) LeaveGroup(ctx context.Context, group, entityID string) error {
	_, err := f.r.c.Identity().RemoveGroupMember(ctx, group, entityID)
	return err
}

// DeleteLogin revokes every token issued through a person's userpass
// login, then deletes the login.
func (f Identities) DeleteLogin(ctx context.Context, name string) error {
	r := f.r
	if err := r.c.Userpass().RevokeLogins(ctx, vault.UserpassMount, name); err != nil {
		return err
	}
	return r.c.Userpass().DeleteUser(ctx, vault.UserpassMount, name)
}

// WrappedCopies lists every response-wrapping token made from a read or
// write of the team's mounts, or from an unwrap or rewrap. Vault records
// no author in them: sellervault itself never wraps a team path, so each
// is somebody's private copy of a record. A manager's onboarding tokens
// (made with sys/wrapping/wrap) are not among them. One lookup per token,
// a few at a time: Vault can list accessors but not filter them, and
// holds a token per login and job run.
func (f Identities) WrappedCopies(ctx context.Context) ([]staff.WrappedCopy, error) {
	r := f.r
	l := r.layout
	var prefixes []string
	for _, m := range []string{l.KV(), l.TOTP(), l.Transit(), l.Proposals(), l.Verifications(), l.Reminders()} {
		prefixes = append(prefixes, m+"/")
	}
	// An unwrap or rewrap asked to wrap its answer again makes a new
	// wrapping token of what the first one held, with any TTL.
	prefixes = append(prefixes, "sys/wrapping/unwrap", "sys/wrapping/rewrap")
	accessors, err := r.c.Tokens().Accessors(ctx)
	if err != nil {
		return nil, err
	}
	found := make([]*vault.WrappingToken, len(accessors))
	if err := parallel.Do(len(accessors), reads, func(i int) (err error) {
		found[i], err = r.c.Tokens().WrappingTokenOf(ctx, accessors[i], prefixes)
		return err
	}); err != nil {
		return nil, err
	}
	var out []staff.WrappedCopy
	for _, t := range found {
		if t != nil {
			out = append(out, staff.WrappedCopy{Accessor: t.Accessor, Path: t.Path})
		}
	}
	return out, nil
}

// RevokeWrappedCopy revokes a wrapping token by its accessor; one used or
// expired meanwhile is not an error.
func (f Identities) RevokeWrappedCopy(ctx context.Context, accessor string) error {
	err := f.r.c.Tokens().RevokeAccessor(ctx, accessor)
	if errors.Is(err, vault.ErrBadRequest) {
		return nil
	}
	return err
}

// ReminderSecretIDs lists the accessors of the reminder job's AppRole
// secret IDs (role is its name): a manager issues them, so a leaving
// manager may hold one. None when the role is not there.
func (f Identities) ReminderSecretIDs(ctx context.Context) (role string, accessors []string, err error) {
	r := f.r
	role = r.layout.ReminderRole()
	accessors, err = r.c.AppRoles().SecretIDAccessors(ctx, vault.AppRoleMount, role)
	if errors.Is(err, vault.ErrNotFound) {
		return role, nil, nil
	}
	return role, accessors, err
}

// DestroyReminderSecretID destroys one of the reminder job's secret IDs,
// by its accessor.
func (f Identities) DestroyReminderSecretID(ctx context.Context, accessor string) error {
	r := f.r
	return r.c.AppRoles().DestroySecretID(ctx, vault.AppRoleMount, r.layout.ReminderRole(), accessor)
}

func contains(list []string, s string) bool { return records.Contains(list, s) }
