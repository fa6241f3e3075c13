package vault

import (
	"context"
	"errors"
	"fmt"
)

// EnsureEntity creates or updates the identity entity name with metadata
// and returns its ID.
func (f Identity) EnsureEntity(ctx context.Context, name string, metadata map[string]string) (string, error) {
	c := f.c
	path := "identity/entity/name/" + name
	if _, err := c.write(ctx, "write identity entity", path, map[string]interface{}{"metadata": metadata}); err != nil {
		return "", err
	}
	data, err := c.read(ctx, "read identity entity", path)
	if err != nil {
		return "", err
	}
	return str(data, "id"), nil
}

// EnsureEntityAlias links the login aliasName of the auth mount with
// accessor mountAccessor to an entity, unless it already is.
func (f Identity) EnsureEntityAlias(ctx context.Context, entityID, aliasName, mountAccessor string) error {
	c := f.c
	secret, err := c.write(ctx, "look up entity alias", "identity/lookup/entity", map[string]interface{}{
		"alias_name": aliasName, "alias_mount_accessor": mountAccessor,
	})
	if err != nil {
		return err
	}
	if secret != nil && secret.Data != nil {
		if id := str(secret.Data, "id"); id != entityID {
			return &Error{Op: "link login", Path: "identity/entity-alias", Kind: ErrConflict,
				Detail: fmt.Sprintf("login %q already belongs to another entity", aliasName)}
		}
		return nil
	}
	_, err = c.write(ctx, "create entity alias", "identity/entity-alias", map[string]interface{}{
		"name": aliasName, "canonical_id": entityID, "mount_accessor": mountAccessor,
	})
	return err
}

// PutUser creates a userpass login or sets its password. Its
// tokens last a working day (8 h, renewable to 24 h) rather than Vault's
// default of 32 days, so a forgotten session ends by itself; they carry
// tokenPolicies and never Vault's default policy (which allows wrapping
// anything for any time).
func (f Userpass) PutUser(ctx context.Context, mount, user, password string, tokenPolicies []string) error {
	c := f.c
	_, err := c.write(ctx, "write userpass login", "auth/"+mount+"/users/"+user, map[string]interface{}{
		"password": password, "token_ttl": "8h", "token_max_ttl": "24h",
		"token_policies": tokenPolicies, "token_no_default_policy": true,
	})
	return err
}

// UserpassLogin is a userpass login's token settings.
type UserpassLogin struct {
	Name            string
	TokenPolicies   []string
	NoDefaultPolicy bool
}

// UpToDate reports whether the login's tokens carry exactly these
// policies (in any order) and not Vault's default policy, as
// SetUserpassTokenPolicies sets them.
func (u UserpassLogin) UpToDate(tokenPolicies []string) bool {
	return u.NoDefaultPolicy && sameSet(u.TokenPolicies, tokenPolicies)
}

// LoginSettings reads a login's token settings; a missing login
// is ErrNotFound.
func (f Userpass) LoginSettings(ctx context.Context, mount, name string) (UserpassLogin, error) {
	c := f.c
	data, err := c.read(ctx, "read userpass login", "auth/"+mount+"/users/"+name)
	if err != nil {
		return UserpassLogin{}, err
	}
	return UserpassLogin{Name: name, TokenPolicies: stringList(data, "token_policies"),
		NoDefaultPolicy: boolean(data, "token_no_default_policy")}, nil
}

// SetTokenPolicies sets the policies a login's tokens carry, and
// that they carry no default policy, leaving its password alone.
func (f Userpass) SetTokenPolicies(ctx context.Context, mount, user string, tokenPolicies []string) error {
	c := f.c
	_, err := c.write(ctx, "write userpass login", "auth/"+mount+"/users/"+user, map[string]interface{}{
		"token_policies": tokenPolicies, "token_no_default_policy": true,
	})
	return err
}

// AddGroupMember adds an entity to a group unless it is a member already.
func (f Identity) AddGroupMember(ctx context.Context, group, entityID string) error {
	c := f.c
	g, err := c.Identity().GroupByName(ctx, group)
	if err != nil {
		return err
	}
	for _, id := range g.MemberEntityIDs {
		if id == entityID {
			return nil
		}
	}
	return c.Identity().SetGroupMembers(ctx, group, append(g.MemberEntityIDs, entityID))
}

// Login logs in with a password and returns the client token.
func (f Userpass) Login(ctx context.Context, mount, user, password string) (string, error) {
	c := f.c
	path := "auth/" + mount + "/login/" + user
	secret, err := c.write(ctx, "log in", path, map[string]interface{}{"password": password})
	if err != nil {
		return "", err
	}
	if secret == nil || secret.Auth == nil {
		return "", &Error{Op: "log in", Path: path, Kind: ErrBadRequest, Detail: "no token in the answer"}
	}
	return secret.Auth.ClientToken, nil
}

// DisableEntity disables an identity entity: its tokens stop working at
// once and it cannot log in.
func (f Identity) DisableEntity(ctx context.Context, name string) error {
	c := f.c
	_, err := c.write(ctx, "disable identity entity", "identity/entity/name/"+name, map[string]interface{}{"disabled": true})
	return err
}

// EntityID reads an entity's ID by name.
func (f Identity) EntityID(ctx context.Context, name string) (string, error) {
	c := f.c
	data, err := c.read(ctx, "read identity entity", "identity/entity/name/"+name)
	if err != nil {
		return "", err
	}
	return str(data, "id"), nil
}

// RemoveGroupMember takes an entity out of a group; it reports whether it
// was a member.
func (f Identity) RemoveGroupMember(ctx context.Context, group, entityID string) (bool, error) {
	c := f.c
	g, err := c.Identity().GroupByName(ctx, group)
	if err != nil {
		return false, err
	}
	kept := make([]string, 0, len(g.MemberEntityIDs))
	for _, id := range g.MemberEntityIDs {
		if id != entityID {
			kept = append(kept, id)
		}
	}
	if len(kept) == len(g.MemberEntityIDs) {
		return false, nil
	}
	return true, c.Identity().SetGroupMembers(ctx, group, kept)
}

// DeleteUser deletes a userpass login; a missing one is fine.
func (f Userpass) DeleteUser(ctx context.Context, mount, user string) error {
	c := f.c
	err := c.remove(ctx, "delete userpass login", "auth/"+mount+"/users/"+user)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// RevokeLogins revokes every token issued through a userpass login (by
// the login path prefix, which needs sudo).
func (f Userpass) RevokeLogins(ctx context.Context, mount, user string) error {
	c := f.c
	_, err := c.write(ctx, "revoke tokens", "sys/leases/revoke-prefix/auth/"+mount+"/login/"+user, nil)
	return err
}
