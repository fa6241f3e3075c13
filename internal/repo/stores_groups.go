package repo

import (
	"context"
	"errors"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/vault"
)

// RoleGroupMembers lists the members of the team's role groups, group
// by group in the order of access.PersonRoles (manager, finance, staff),
// each with its entity's name; a group or an entity that is not there
// has none.
func (f Stores) RoleGroupMembers(ctx context.Context) ([]backup.GroupMember, error) {
	r := f.r
	var out []backup.GroupMember
	for _, role := range access.PersonRoles {
		g, err := r.c.Identity().GroupByName(ctx, r.layout.RoleGroup(role))
		if errors.Is(err, vault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, id := range g.MemberEntityIDs {
			name, err := r.c.Identity().EntityName(ctx, id)
			if errors.Is(err, vault.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, backup.GroupMember{Role: role, EntityID: id, Name: name})
		}
	}
	return out, nil
}

// EnsureAccess creates a store's access policy and group, or leaves
// them as they are (as Add does for a new store).
func (f Stores) EnsureAccess(ctx context.Context, store string) error {
	return access.EnsureStoreAccess(ctx, f.r.c, f.r.layout, store)
}
