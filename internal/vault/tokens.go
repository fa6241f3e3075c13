package vault

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// WrappingToken is a response-wrapping token: a single-use token that
// holds a wrapped response until it is unwrapped or expires. Vault makes
// them as orphans, so revoking the tokens of the person who asked for the
// wrapping leaves them alive.
type WrappingToken struct {
	Accessor string
	Path     string // the request whose response it wraps
}

// Accessors lists the accessors of every token (needs sudo on
// auth/token/accessors).
func (f Tokens) Accessors(ctx context.Context) ([]string, error) {
	c := f.c
	accessors, err := c.list(ctx, "list token accessors", "auth/token/accessors")
	if isNotFound(err) {
		return nil, nil
	}
	return accessors, err
}

// WrappingTokenOf looks up one token accessor: the wrapping token of a
// request on a path under one of prefixes, or nil (another token, or one
// that expired meanwhile).
func (f Tokens) WrappingTokenOf(ctx context.Context, accessor string, prefixes []string) (*WrappingToken, error) {
	c := f.c
	data, err := c.lookupAccessor(ctx, accessor)
	if isNotFound(err) || errors.Is(err, ErrBadRequest) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !slices.Contains(stringList(data, "policies"), "response-wrapping") {
		return nil, nil
	}
	path := str(data, "path")
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return &WrappingToken{Accessor: accessor, Path: path}, nil
		}
	}
	return nil, nil
}

func (c *Client) lookupAccessor(ctx context.Context, accessor string) (map[string]interface{}, error) {
	secret, err := c.write(ctx, "look up token accessor", "auth/token/lookup-accessor", map[string]interface{}{"accessor": accessor})
	if err != nil {
		return nil, err
	}
	if secret == nil {
		return nil, notFound("look up token accessor", "auth/token/lookup-accessor")
	}
	return secret.Data, nil
}

// RevokeAccessor revokes the token with this accessor.
func (f Tokens) RevokeAccessor(ctx context.Context, accessor string) error {
	c := f.c
	_, err := c.write(ctx, "revoke token", "auth/token/revoke-accessor", map[string]interface{}{"accessor": accessor})
	return err
}

// RenewSelf renews the caller's token by increment (Vault caps it at the
// token's maximum TTL) and returns the new TTL.
func (f Tokens) RenewSelf(ctx context.Context, increment time.Duration) (time.Duration, error) {
	c := f.c
	secret, err := c.write(ctx, "renew token", "auth/token/renew-self", map[string]interface{}{"increment": int(increment.Seconds())})
	if err != nil {
		return 0, err
	}
	if secret == nil || secret.Auth == nil {
		return 0, &Error{Op: "renew token", Path: "auth/token/renew-self", Kind: ErrBadRequest, Detail: "no token in the answer"}
	}
	return time.Duration(secret.Auth.LeaseDuration) * time.Second, nil
}
