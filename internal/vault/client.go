package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/vault/api"
)

// DefaultTimeout bounds every call when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// idleConnsPerHost is how many connections a client keeps open to Vault
// between requests: more than the listings' concurrency (package repo
// reads metadata 8 at a time), so that none is closed and dialled again.
const idleConnsPerHost = 32

// EnvVars are the VAULT_* environment variables the api module reads
// when a client is made (tests clear them to keep a developer's own
// environment out).
var EnvVars = []string{
	"VAULT_ADDR", "VAULT_AGENT_ADDR", "VAULT_TOKEN", "VAULT_NAMESPACE",
	"VAULT_CACERT", "VAULT_CACERT_BYTES", "VAULT_CAPATH",
	"VAULT_CLIENT_CERT", "VAULT_CLIENT_KEY", "VAULT_CLIENT_TIMEOUT",
	"VAULT_SKIP_VERIFY", "VAULT_TLS_SERVER_NAME", "VAULT_SRV_LOOKUP",
	"VAULT_RATE_LIMIT", "VAULT_HTTP_PROXY", "VAULT_PROXY_ADDR",
	"VAULT_HEADERS", "VAULT_DISABLE_REDIRECTS", "VAULT_MAX_RETRIES",
}

// Options are the command-line settings that override the environment.
type Options struct {
	Address   string        // --address; empty keeps VAULT_ADDR or the default
	Namespace string        // --namespace; empty keeps VAULT_NAMESPACE
	Timeout   time.Duration // per-call timeout; zero means DefaultTimeout
	// TokenFile is the token helper file; empty means ~/.vault-token.
	TokenFile string
	// Token, when set, is used instead of VAULT_TOKEN and the token helper
	// (the dev server's own root client).
	Token string
}

// Client is a Vault API client with sellervault's typed operations.
type Client struct {
	api     *api.Client
	timeout time.Duration
	// TokenSource says where the token came from: "option", "env",
	// "token-helper", or "" for none.
	TokenSource string
}

// New builds a client from the environment, the options and the token helper.
func New(opts Options) (*Client, error) {
	cfg := api.DefaultConfig()
	if cfg.Error != nil {
		return nil, fmt.Errorf("vault configuration from the environment: %w", cfg.Error)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	cfg.Timeout = timeout
	// The pooled transport keeps only GOMAXPROCS+1 idle connections per
	// host: with more requests in flight, each connection beyond that is
	// closed after its request and the next request dials again, with a
	// TLS handshake (hundreds per 10,000-record listing on 2 cores).
	if t, ok := cfg.HttpClient.Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = idleConnsPerHost
		// After the TLS configuration from the environment, which needs
		// the *http.Transport: a redirect to a dead active node is not
		// followed (failover.go).
		cfg.HttpClient.Transport = newFailover(t)
	}
	if opts.Address != "" {
		cfg.Address = opts.Address
	}
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("vault client: %w", err)
	}
	if opts.Namespace != "" {
		c.SetNamespace(opts.Namespace)
	}
	client := &Client{api: c, timeout: timeout}
	if opts.Token != "" {
		c.SetToken(opts.Token)
		client.TokenSource = "option"
		return client, nil
	}
	if c.Token() != "" {
		client.TokenSource = "env"
		return client, nil
	}
	tokenFile, err := tokenHelperPath(opts.TokenFile)
	if err != nil {
		return client, nil // no home directory: no token helper, not an error
	}
	token, err := readTokenFile(tokenFile)
	if err != nil {
		return nil, err
	}
	if token != "" {
		c.SetToken(token)
		client.TokenSource = "token-helper"
	}
	return client, nil
}

// Address is the Vault address in use.
func (c *Client) Address() string { return c.api.Address() }

// Namespace is the Vault namespace in use, or "".
func (c *Client) Namespace() string { return c.api.Namespace() }

// HasToken reports whether the client has a token to send.
func (c *Client) HasToken() bool { return c.api.Token() != "" }

// SetToken replaces the client's token (after a login, say).
func (c *Client) SetToken(token string) { c.api.SetToken(token) }

// WithToken returns a copy of the client that sends another token.
func (c *Client) WithToken(token string) (*Client, error) {
	clone, err := c.api.CloneWithHeaders() // keeps the namespace header
	if err != nil {
		return nil, fmt.Errorf("vault client: %w", err)
	}
	clone.SetNamespace(c.api.Namespace()) // whatever VAULT_NAMESPACE says now
	clone.SetToken(token)                 // a clone does not copy the token
	return &Client{api: clone, timeout: c.timeout, TokenSource: "option"}, nil
}

// ctx bounds one call by the client's timeout.
func (c *Client) ctx(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, c.timeout)
}

func tokenHelperPath(override string) (string, error) {
	if override != "" {
		return override, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".vault-token"), nil
}

// readTokenFile reads a token helper file; a missing file means no token.
func readTokenFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read token helper file %s: %w", path, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// StoreToken writes token to the token helper file with mode 0600, as
// `vault login` does, so that later commands and Vault's CLI find it.
func StoreToken(override, token string) error {
	path, err := tokenHelperPath(override)
	if err != nil {
		return fmt.Errorf("token helper: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".vault-token-*")
	if err != nil {
		return fmt.Errorf("token helper: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(token); err != nil {
		tmp.Close()
		return fmt.Errorf("token helper: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("token helper: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("token helper: %w", err)
	}
	return nil
}
