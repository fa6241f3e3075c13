package vault

import (
	"context"
	"errors"
	"strings"
	"sync"
)

// WrappingToken is a response-wrapping token: a single-use token that
// holds a wrapped response until it is unwrapped or expires. Vault makes
// them as orphans, so revoking the tokens of the person who asked for the
// wrapping leaves them alive.
type WrappingToken struct {
	Accessor string
	Path     string // the request whose response it wraps
}

// WrappingTokens lists the live response-wrapping tokens made from
// requests on paths under one of prefixes (e.g. "sellervault/"). Listing
// token accessors needs sudo on auth/token/accessors.
func (c *Client) WrappingTokens(ctx context.Context, prefixes []string) ([]WrappingToken, error) {
	accessors, err := c.list(ctx, "list token accessors", "auth/token/accessors")
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// One lookup per token: a few at a time, as a Vault holds a token per
	// login and job run.
	found := make([]*WrappingToken, len(accessors))
	errs := make([]error, len(accessors))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < lookupWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				found[i], errs[i] = c.wrappingToken(ctx, accessors[i], prefixes)
			}
		}()
	}
	for i := range accessors {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []WrappingToken
	for i, t := range found {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if t != nil {
			out = append(out, *t)
		}
	}
	return out, nil
}

const lookupWorkers = 8

// wrappingToken looks up one accessor: a wrapping token of a path under
// one of prefixes, or nil.
func (c *Client) wrappingToken(ctx context.Context, accessor string, prefixes []string) (*WrappingToken, error) {
	data, err := c.lookupAccessor(ctx, accessor)
	if isNotFound(err) || errors.Is(err, ErrBadRequest) { // expired meanwhile
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !contains(stringList(data, "policies"), "response-wrapping") {
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
func (c *Client) RevokeAccessor(ctx context.Context, accessor string) error {
	_, err := c.write(ctx, "revoke token", "auth/token/revoke-accessor", map[string]interface{}{"accessor": accessor})
	return err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
