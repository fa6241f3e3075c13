package vault

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/vault/api"
)

// ErrWrapUsed means a response-wrapping token was refused on unwrap: it
// was used already, expired, or never existed. A token that someone else
// unwrapped first is a sign the message that carried it was intercepted.
var ErrWrapUsed = &Error{Op: "unwrap", Path: "sys/wrapping/unwrap", Kind: ErrDenied,
	Detail: "the token was already used, has expired, or is not a wrapping token"}

// Wrap puts data in Vault's cubbyhole behind a single-use token that
// lives for ttl, and returns the token: the one thing that may travel by
// chat, since it can be unwrapped once only.
func (f Tokens) Wrap(ctx context.Context, data map[string]interface{}, ttl time.Duration) (string, error) {
	c := f.c
	clone, err := c.api.CloneWithHeaders()
	if err != nil {
		return "", err
	}
	clone.SetToken(c.api.Token())
	clone.SetNamespace(c.api.Namespace())
	clone.SetWrappingLookupFunc(func(string, string) string { return ttl.String() })
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	secret, err := clone.Logical().WriteWithContext(ctx, "sys/wrapping/wrap", data)
	if err != nil {
		return "", wrap("wrap", "sys/wrapping/wrap", err)
	}
	if secret == nil || secret.WrapInfo == nil || secret.WrapInfo.Token == "" {
		return "", &Error{Op: "wrap", Path: "sys/wrapping/wrap", Kind: ErrBadRequest, Detail: "no wrapping token in the answer"}
	}
	return secret.WrapInfo.Token, nil
}

// Unwrap opens a wrapping token once; it needs no other token. A second
// unwrap fails with ErrWrapUsed.
func (f Tokens) Unwrap(ctx context.Context, token string) (map[string]interface{}, error) {
	c := f.c
	clone, err := c.api.CloneWithHeaders()
	if err != nil {
		return nil, err
	}
	clone.SetNamespace(c.api.Namespace())
	clone.SetToken(token)
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	secret, err := clone.Logical().UnwrapWithContext(ctx, "")
	if err != nil {
		var resp *api.ResponseError
		if errors.As(err, &resp) && (resp.StatusCode == 400 || resp.StatusCode == 403) {
			return nil, ErrWrapUsed // Vault refuses a used or unknown token so
		}
		return nil, wrap("unwrap", "sys/wrapping/unwrap", err)
	}
	if secret == nil || secret.Data == nil {
		return nil, ErrWrapUsed
	}
	return secret.Data, nil
}

// SetPassword changes a userpass login's password (staff may
// change their own).
func (f Userpass) SetPassword(ctx context.Context, mount, user, password string) error {
	c := f.c
	_, err := c.write(ctx, "change password", "auth/"+mount+"/users/"+user+"/password", map[string]interface{}{"password": password})
	return err
}
