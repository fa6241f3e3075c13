package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sellervault/sellervault/internal/vault"
)

// ErrWrapUsed means the manager's single-use token was refused on
// unwrap: already used, expired or never valid.
var ErrWrapUsed = vault.ErrWrapUsed

// ErrNoLogin means an unwrapped token does not hold a sellervault login.
var ErrNoLogin = errors.New("the token does not hold a sellervault login")

// Login logs in with a userpass login and returns the token.
func (c *Conn) Login(ctx context.Context, user, password string) (string, error) {
	token, err := c.c.Userpass().Login(ctx, vault.UserpassMount, user, password)
	if errors.Is(err, vault.ErrDenied) || errors.Is(err, vault.ErrBadRequest) {
		return "", fmt.Errorf("login refused: wrong name or password, or the login is disabled: %w", vault.ErrDenied)
	}
	return token, err
}

// FirstLogin is a person's first login: it unwraps the manager's
// single-use token (once only), logs in with the initial password inside,
// sets the password choose returns, and logs in with it. It returns the
// login name and the token.
func (c *Conn) FirstLogin(ctx context.Context, wrapped string, choose func() (string, error)) (user, token string, err error) {
	data, err := c.c.Tokens().Unwrap(ctx, strings.TrimSpace(wrapped))
	if err != nil {
		return "", "", err
	}
	user, _ = data["username"].(string)
	initial, _ := data["password"].(string)
	if user == "" || initial == "" {
		return "", "", ErrNoLogin
	}
	first, err := c.Login(ctx, user, initial)
	if err != nil {
		return "", "", err
	}
	own, err := choose()
	if err != nil {
		return "", "", err
	}
	as, err := c.c.WithToken(first)
	if err != nil {
		return "", "", err
	}
	if err := as.Userpass().SetPassword(ctx, vault.UserpassMount, user, own); err != nil {
		return "", "", err
	}
	token, err = c.Login(ctx, user, own)
	return user, token, err
}

// SaveToken stores a token where Vault's CLI keeps it (the token helper,
// ~/.vault-token by default).
func SaveToken(token string) error { return vault.StoreToken("", token) }

// WithAppRole is this connection with the token of an AppRole login (the
// reminder job's); the token stays in this process.
func (c *Conn) WithAppRole(ctx context.Context, roleID, secretID string) (*Conn, error) {
	token, err := c.c.AppRoles().LoginWith(ctx, vault.AppRoleMount, roleID, secretID)
	if err != nil {
		return nil, err
	}
	as, err := c.c.WithToken(token)
	if err != nil {
		return nil, err
	}
	return newConn(as, c.layout), nil
}
