package vault

import (
	"context"
	"errors"
	"fmt"
)

// EnsureEntity creates or updates the identity entity name with metadata
// and returns its ID.
func (c *Client) EnsureEntity(ctx context.Context, name string, metadata map[string]string) (string, error) {
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
func (c *Client) EnsureEntityAlias(ctx context.Context, entityID, aliasName, mountAccessor string) error {
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

// PutUserpassUser creates a userpass login or sets its password. Its
// tokens last a working day (8 h, renewable to 24 h) rather than Vault's
// default of 32 days, so a forgotten session ends by itself.
func (c *Client) PutUserpassUser(ctx context.Context, mount, user, password string) error {
	_, err := c.write(ctx, "write userpass login", "auth/"+mount+"/users/"+user, map[string]interface{}{
		"password": password, "token_ttl": "8h", "token_max_ttl": "24h",
	})
	return err
}

// AddGroupMember adds an entity to a group unless it is a member already.
func (c *Client) AddGroupMember(ctx context.Context, group, entityID string) error {
	g, err := c.GroupByName(ctx, group)
	if err != nil {
		return err
	}
	for _, id := range g.MemberEntityIDs {
		if id == entityID {
			return nil
		}
	}
	return c.SetGroupMembers(ctx, group, append(g.MemberEntityIDs, entityID))
}

// UserpassLogin logs in with a password and returns the client token.
func (c *Client) UserpassLogin(ctx context.Context, mount, user, password string) (string, error) {
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

// AppRoleLogin gets a fresh secret ID for role and logs in with it, as the
// scheduled job's bootstrap does; the caller needs rights on the role.
func (c *Client) AppRoleLogin(ctx context.Context, mount, role string) (string, error) {
	roleID, secretID, err := c.AppRoleCredentials(ctx, mount, role)
	if err != nil {
		return "", err
	}
	return c.AppRoleLoginWith(ctx, mount, roleID, secretID)
}

// AppRoleCredentials reads role's role ID and issues a new secret ID for
// it: what a scheduled job needs to log in.
func (c *Client) AppRoleCredentials(ctx context.Context, mount, role string) (roleID, secretID string, err error) {
	idData, err := c.read(ctx, "read approle role id", "auth/"+mount+"/role/"+role+"/role-id")
	if err != nil {
		return "", "", err
	}
	secret, err := c.write(ctx, "create approle secret id", "auth/"+mount+"/role/"+role+"/secret-id", nil)
	if err != nil {
		return "", "", err
	}
	if secret == nil || str(secret.Data, "secret_id") == "" || str(idData, "role_id") == "" {
		return "", "", &Error{Op: "create approle secret id", Path: "auth/" + mount + "/role/" + role, Kind: ErrBadRequest, Detail: "empty answer"}
	}
	return str(idData, "role_id"), str(secret.Data, "secret_id"), nil
}

// AppRoleLoginWith logs in with a role ID and a secret ID (the scheduled
// job's own credentials) and returns the client token.
func (c *Client) AppRoleLoginWith(ctx context.Context, mount, roleID, secretID string) (string, error) {
	path := "auth/" + mount + "/login"
	secret, err := c.write(ctx, "log in", path, map[string]interface{}{"role_id": roleID, "secret_id": secretID})
	if errors.Is(err, ErrBadRequest) { // Vault's answer to a wrong or expired secret ID
		return "", &Error{Op: "log in", Path: path, Kind: ErrDenied, Detail: "invalid role ID or secret ID (an expired secret ID too: issue a new one)"}
	}
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
func (c *Client) DisableEntity(ctx context.Context, name string) error {
	_, err := c.write(ctx, "disable identity entity", "identity/entity/name/"+name, map[string]interface{}{"disabled": true})
	return err
}

// EntityID reads an entity's ID by name.
func (c *Client) EntityID(ctx context.Context, name string) (string, error) {
	data, err := c.read(ctx, "read identity entity", "identity/entity/name/"+name)
	if err != nil {
		return "", err
	}
	return str(data, "id"), nil
}

// RemoveGroupMember takes an entity out of a group; it reports whether it
// was a member.
func (c *Client) RemoveGroupMember(ctx context.Context, group, entityID string) (bool, error) {
	g, err := c.GroupByName(ctx, group)
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
	return true, c.SetGroupMembers(ctx, group, kept)
}

// DeleteUserpassUser deletes a userpass login; a missing one is fine.
func (c *Client) DeleteUserpassUser(ctx context.Context, mount, user string) error {
	err := c.remove(ctx, "delete userpass login", "auth/"+mount+"/users/"+user)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// RevokeLogins revokes every token issued through a userpass login (by
// the login path prefix, which needs sudo).
func (c *Client) RevokeLogins(ctx context.Context, mount, user string) error {
	_, err := c.write(ctx, "revoke tokens", "sys/leases/revoke-prefix/auth/"+mount+"/login/"+user, nil)
	return err
}
