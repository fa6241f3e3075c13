package vault

import (
	"context"
	"time"
)

// Group is an internal identity group.
type Group struct {
	ID              string
	Name            string
	Policies        []string
	MemberEntityIDs []string
	Metadata        map[string]string
}

// GroupByName reads an identity group; a missing group is ErrNotFound.
func (f Identity) GroupByName(ctx context.Context, name string) (*Group, error) {
	c := f.c
	data, err := c.read(ctx, "read identity group", "identity/group/name/"+name)
	if err != nil {
		return nil, err
	}
	return &Group{
		ID: str(data, "id"), Name: str(data, "name"),
		Policies:        stringList(data, "policies"),
		MemberEntityIDs: stringList(data, "member_entity_ids"),
		Metadata:        stringMap(data, "metadata"),
	}, nil
}

// PutGroup creates or updates an internal group's policies and metadata.
// Members are left as they are.
func (f Identity) PutGroup(ctx context.Context, name string, policies []string, metadata map[string]string) error {
	c := f.c
	_, err := c.write(ctx, "write identity group", "identity/group/name/"+name, map[string]interface{}{
		"type": "internal", "policies": policies, "metadata": metadata,
	})
	return err
}

// SetGroupMembers replaces the entity members of a group.
func (f Identity) SetGroupMembers(ctx context.Context, name string, entityIDs []string) error {
	c := f.c
	if entityIDs == nil {
		entityIDs = []string{}
	}
	_, err := c.write(ctx, "write identity group", "identity/group/name/"+name, map[string]interface{}{
		"member_entity_ids": entityIDs,
	})
	return err
}

// TokenInfo describes the caller's token.
type TokenInfo struct {
	Accessor         string
	DisplayName      string
	EntityID         string
	Policies         []string
	IdentityPolicies []string
	TTL              time.Duration // zero for a token that never expires
	Renewable        bool
}

// LookupSelf describes the caller's own token.
func (f Tokens) LookupSelf(ctx context.Context) (*TokenInfo, error) {
	c := f.c
	data, err := c.read(ctx, "look up token", "auth/token/lookup-self")
	if err != nil {
		return nil, err
	}
	return &TokenInfo{
		Accessor:         str(data, "accessor"),
		DisplayName:      str(data, "display_name"),
		EntityID:         str(data, "entity_id"),
		Policies:         stringList(data, "policies"),
		IdentityPolicies: stringList(data, "identity_policies"),
		TTL:              time.Duration(integer(data, "ttl")) * time.Second,
		Renewable:        boolean(data, "renewable"),
	}, nil
}

// EntityName reads the name of an identity entity by ID.
func (f Identity) EntityName(ctx context.Context, id string) (string, error) {
	c := f.c
	data, err := c.read(ctx, "read identity entity", "identity/entity/id/"+id)
	if err != nil {
		return "", err
	}
	return str(data, "name"), nil
}

// EntityDisabled reads whether the named entity is disabled; a missing
// entity is ErrNotFound.
func (f Identity) EntityDisabled(ctx context.Context, name string) (bool, error) {
	c := f.c
	data, err := c.read(ctx, "read identity entity", "identity/entity/name/"+name)
	if err != nil {
		return false, err
	}
	return boolean(data, "disabled"), nil
}

// DeleteGroup deletes an identity group by name.
func (f Identity) DeleteGroup(ctx context.Context, name string) error {
	c := f.c
	return c.remove(ctx, "delete identity group", "identity/group/name/"+name)
}
