package app

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/connect"
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
			token, err := s.conn.Login(c.Context, user, password)
			if err != nil {
				return err
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
	user, token, err := s.conn.FirstLogin(c.Context, wrapped, func() (string, error) {
		own, err := s.readSecret(c, "choose your password (at least 12 characters): ", true, false)
		if err == nil && len([]rune(own)) < minPasswordLen {
			err = usagef("the password is shorter than %d characters", minPasswordLen)
		}
		return own, err
	})
	if errors.Is(err, connect.ErrWrapUsed) {
		return fmt.Errorf("%w: if you did not use this token before, someone else did: tell your manager now, the message that carried it may have been read", err)
	}
	if err != nil {
		return err
	}
	return s.storeToken(user, token)
}

func (s *session) storeToken(user, token string) error {
	if err := connect.SaveToken(token); err != nil {
		return err
	}
	rememberUsername(user)
	s.env.say("logged in as %s; the token is in ~/.vault-token", user)
	return nil
}
