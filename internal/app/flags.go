package app

import (
	"errors"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/policies"
)

// Global flag names.
const (
	flagFormat    = "format"
	flagAddress   = "address"
	flagNamespace = "namespace"
	flagMount     = "mount"
	flagTimeout   = "timeout"
)

// globalFlags returns the flags every command accepts. withEnv attaches
// the environment variables; the copies each command carries (so that a
// flag may follow the command) have none, so that a flag given on the
// command line always wins over the environment.
func globalFlags(withEnv bool) []cli.Flag {
	env := func(names ...string) []string {
		if withEnv {
			return names
		}
		return nil
	}
	return []cli.Flag{
		&cli.StringFlag{Name: flagFormat, Value: "table", Usage: "output format: table or json", EnvVars: env("SELLERVAULT_FORMAT"), Hidden: !withEnv},
		&cli.StringFlag{Name: flagAddress, Usage: "Vault address (overrides VAULT_ADDR)", Hidden: !withEnv},
		&cli.StringFlag{Name: flagNamespace, Usage: "Vault namespace (overrides VAULT_NAMESPACE)", Hidden: !withEnv},
		&cli.StringFlag{Name: flagMount, Value: policies.DefaultPrefix, Usage: "mount prefix of the team's records", EnvVars: env("SELLERVAULT_MOUNT"), Hidden: !withEnv},
		&cli.DurationFlag{Name: flagTimeout, Value: connect.DefaultTimeout, Usage: "timeout of each Vault request", EnvVars: env("SELLERVAULT_TIMEOUT"), Hidden: !withEnv},
	}
}

// lookup finds a global flag's value: the nearest command that was given
// it on the command line wins, else the top-level flag (with its
// environment variable and default).
func lookup(c *cli.Context, name string) *cli.Context {
	root := c
	for _, ctx := range c.Lineage() {
		if ctx.Command == nil {
			continue // the empty context above the root command
		}
		if flagGivenHere(ctx, name) {
			return ctx
		}
		root = ctx
	}
	return root
}

func flagGivenHere(ctx *cli.Context, name string) bool {
	for _, n := range ctx.LocalFlagNames() {
		if n == name {
			return true
		}
	}
	return false
}

// session is what a command needs to talk to Vault.
type session struct {
	env    *Env
	format string
	conn   *connect.Conn
}

var errNotLoggedIn = connect.ErrNotLoggedIn

// outputFormat reads --format: table or json, or one of the command's
// own extra formats.
func outputFormat(c *cli.Context, extraFormats ...string) (string, error) {
	format := orDefault(lookup(c, flagFormat).String(flagFormat), "table")
	if allowed := append([]string{"table", "json"}, extraFormats...); !records.Contains(allowed, format) {
		return "", usagef("--format %q: use %s or %s", format, strings.Join(allowed[:len(allowed)-1], ", "), allowed[len(allowed)-1])
	}
	return format, nil
}

// newSession reads the global flags and builds a Vault client.
func (e *Env) newSession(c *cli.Context, extraFormats ...string) (*session, error) {
	format, err := outputFormat(c, extraFormats...)
	if err != nil {
		return nil, err
	}
	timeout := lookup(c, flagTimeout).Duration(flagTimeout)
	if timeout <= 0 || timeout > time.Hour {
		return nil, usagef("--timeout %s: use a duration between 1s and 1h", timeout)
	}
	conn, err := connect.Open(connect.Options{
		Address:   lookup(c, flagAddress).String(flagAddress),
		Namespace: lookup(c, flagNamespace).String(flagNamespace),
		Timeout:   timeout,
		Mount:     orDefault(lookup(c, flagMount).String(flagMount), policies.DefaultPrefix),
	})
	var bad *connect.MountError
	if errors.As(err, &bad) {
		return nil, usageError{err}
	}
	if err != nil {
		return nil, err
	}
	e.vaultAddr, e.conn = conn.Address(), conn
	return &session{env: e, format: format, conn: conn}, nil
}

// requireToken fails early, with a clear error, when there is no token.
func (s *session) requireToken() error {
	if !s.conn.HasToken() {
		return errNotLoggedIn
	}
	return nil
}

// orDefault treats an empty value (an environment variable set to "") as
// unset, as Vault's CLI does.
func orDefault(value, def string) string {
	if value == "" {
		return def
	}
	return value
}
