package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/vault"
)

// minPasswordLen is the shortest password a person may choose.
const minPasswordLen = 12

func loginCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "login",
		Usage: "log in with your userpass login, or first time with the token from your manager (--wrapped); the Vault token goes to ~/.vault-token",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "username", Usage: "your login name (remembered from the last login on this computer)"},
			&cli.BoolFlag{Name: "wrapped", Usage: "first login: read the single-use token your manager sent, then choose your own password"},
		},
		Action: func(c *cli.Context) error {
			s, err := env.newSession(c)
			if err != nil {
				return err
			}
			if c.Bool("wrapped") {
				return s.loginWrapped(c)
			}
			user := c.String("username")
			if user == "" {
				user = lastUsername()
			}
			if user == "" {
				return usagef("login needs --username the first time on this computer (or --wrapped for a first login)")
			}
			password, err := s.readSecret(c, "password for "+user+": ", false, false)
			if err != nil {
				return err
			}
			token, err := s.client.UserpassLogin(c.Context, vault.UserpassMount, user, password)
			if err != nil {
				return loginError(err)
			}
			return s.storeToken(user, token)
		},
	}
}

// loginWrapped is the first login: unwrap the manager's token (once
// only), log in with the initial password inside, set a password of the
// person's own choosing, and log in with it.
func (s *session) loginWrapped(c *cli.Context) error {
	wrapped, err := s.readSecret(c, "single-use token from your manager: ", false, false)
	if err != nil {
		return err
	}
	data, err := s.client.Unwrap(c.Context, strings.TrimSpace(wrapped))
	if errors.Is(err, vault.ErrWrapUsed) {
		return fmt.Errorf("%w: if you did not use this token before, someone else did: tell your manager now, the message that carried it may have been read", err)
	}
	if err != nil {
		return err
	}
	user, _ := data["username"].(string)
	initial, _ := data["password"].(string)
	if user == "" || initial == "" {
		return errors.New("the token does not hold a sellervault login")
	}
	first, err := s.client.UserpassLogin(c.Context, vault.UserpassMount, user, initial)
	if err != nil {
		return loginError(err)
	}
	own, err := s.readSecret(c, "choose your password (at least 12 characters): ", true, false)
	if err != nil {
		return err
	}
	if len([]rune(own)) < minPasswordLen {
		return usagef("the password is shorter than %d characters", minPasswordLen)
	}
	as, err := s.client.WithToken(first)
	if err != nil {
		return err
	}
	if err := as.SetUserpassPassword(c.Context, vault.UserpassMount, user, own); err != nil {
		return err
	}
	token, err := s.client.UserpassLogin(c.Context, vault.UserpassMount, user, own)
	if err != nil {
		return loginError(err)
	}
	return s.storeToken(user, token)
}

func loginError(err error) error {
	if errors.Is(err, vault.ErrDenied) || errors.Is(err, vault.ErrBadRequest) {
		return fmt.Errorf("login refused: wrong name or password, or the login is disabled: %w", vault.ErrDenied)
	}
	return err
}

func (s *session) storeToken(user, token string) error {
	if err := vault.StoreToken("", token); err != nil {
		return err
	}
	rememberUsername(user)
	s.env.say("logged in as %s; the token is in ~/.vault-token", user)
	return nil
}
