package vault

import (
	"context"
	"strings"
)

// TransitKeyExists reports whether the Transit engine at mount has the key.
func (c *Client) TransitKeyExists(ctx context.Context, mount, name string) (bool, error) {
	_, err := c.read(ctx, "read transit key", mount+"/keys/"+name)
	return exists(err)
}

// CreateTransitKey creates a non-exportable Transit key.
func (c *Client) CreateTransitKey(ctx context.Context, mount, name string) error {
	_, err := c.write(ctx, "create transit key", mount+"/keys/"+name, map[string]interface{}{
		"type": "aes256-gcm96", "exportable": false, "allow_plaintext_backup": false,
	})
	return err
}

// AppRolePolicies reads the token policies of an AppRole role.
func (c *Client) AppRolePolicies(ctx context.Context, mount, role string) ([]string, error) {
	data, err := c.read(ctx, "read approle role", "auth/"+mount+"/role/"+role)
	if err != nil {
		return nil, err
	}
	return stringList(data, "token_policies"), nil
}

// PutAppRole creates or updates an AppRole role whose tokens carry
// policies. Tokens live an hour; secret IDs expire after 90 days, so a
// scheduled job's credential is renewed at least as often as a password.
func (c *Client) PutAppRole(ctx context.Context, mount, role string, policies []string) error {
	_, err := c.write(ctx, "write approle role", "auth/"+mount+"/role/"+role, map[string]interface{}{
		"token_policies": strings.Join(policies, ","), "token_ttl": "1h", "token_max_ttl": "4h",
		"secret_id_ttl": "2160h", "token_no_default_policy": false,
	})
	return err
}

// exists turns a read's error into a yes/no, passing other errors on.
func exists(err error) (bool, error) {
	if err == nil {
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return false, err
}
