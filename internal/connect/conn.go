// Package connect is a command's way in to the team's Vault: it opens the
// connection from Vault's environment (VAULT_ADDR, VAULT_TOKEN,
// VAULT_NAMESPACE, VAULT_CACERT, ~/.vault-token) and the global flags,
// and hands out what works on it — the record store (package repo) and
// the set-up (package setup). It also answers what no record answers:
// logging in (login.go), the server's and the caller's status
// (status.go), why Vault refused a request (denied.go) and whether the
// server accepts encoded dot-segments (posture.go).
//
// It is the only package between the command line (internal/app) and
// Vault's client (internal/vault): the command line never talks to Vault
// itself. Errors keep the kinds of package failure.
package connect

import (
	"context"
	"sync"
	"time"

	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// DefaultTimeout is how long one Vault request may take by default.
const DefaultTimeout = vault.DefaultTimeout

// Options say where the team's Vault is; empty values come from the
// environment, as with Vault's own CLI.
type Options struct {
	Address   string        // overrides VAULT_ADDR
	Namespace string        // overrides VAULT_NAMESPACE
	Timeout   time.Duration // of each request
	Mount     string        // the team's mount prefix
	Token     string        // overrides VAULT_TOKEN and the token helper (tests)
}

// MountError is a mount prefix that cannot name the team's mounts (a
// mistake on the command line, not a failure of Vault).
type MountError struct{ Err error }

func (e *MountError) Error() string { return e.Err.Error() }
func (e *MountError) Unwrap() error { return e.Err }

// Conn is a connection to the team's Vault with one token.
type Conn struct {
	c      *vault.Client
	layout vault.Layout
	repo   func() *repo.Repo // one store a connection, so that its caches (the caller, the layout check) serve every use
}

// Open builds a connection; it sends no request.
func Open(o Options) (*Conn, error) {
	layout, err := vault.NewLayout(o.Mount)
	if err != nil {
		return nil, &MountError{err}
	}
	c, err := vault.New(vault.Options{Address: o.Address, Namespace: o.Namespace, Timeout: o.Timeout, Token: o.Token})
	if err != nil {
		return nil, err
	}
	return newConn(c, layout), nil
}

func newConn(c *vault.Client, layout vault.Layout) *Conn {
	return &Conn{c: c, layout: layout, repo: sync.OnceValue(func() *repo.Repo { return repo.New(c, layout) })}
}

// Address is the Vault address in use.
func (c *Conn) Address() string { return c.c.Address() }

// HasToken reports whether there is a token to send.
func (c *Conn) HasToken() bool { return c.c.HasToken() }

// Layout names the team's mounts, paths and policies.
func (c *Conn) Layout() vault.Layout { return c.layout }

// Repo is the team's record store, used with this connection's token.
func (c *Conn) Repo() *repo.Repo { return c.repo() }

// Init prepares Vault for the team (`sellervault init`); opts.Layout is
// this connection's.
func (c *Conn) Init(ctx context.Context, opts setup.Options) (setup.Report, error) {
	opts.Layout = c.layout
	return setup.Run(ctx, c.c, opts)
}
