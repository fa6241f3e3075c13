package vault

// The client is split by concern, as the Vault API module splits its own
// with Sys(), Logical() and Auth(): each facet is a view of the same
// client (its connection, token, timeout and failover), taken as
// c.KV(), c.Identity() and so on, and costs nothing to take.

// KV reads and writes records in KV version 2 mounts: data, metadata,
// versions, listings and the mount's settings.
type KV struct{ c *Client }

// AppRoles manages AppRole roles and their secret IDs, and logs in
// with them (the reminder job's login).
type AppRoles struct{ c *Client }

// Identity manages entities, their aliases and identity groups.
type Identity struct{ c *Client }

// Userpass manages userpass logins and logs in with them.
type Userpass struct{ c *Client }

// Tokens looks up, renews and revokes tokens, and wraps and unwraps
// responses.
type Tokens struct{ c *Client }

// Sys reads and changes the server's configuration: mounts, policies,
// audit devices, seal status and its handling of dot-segments.
type Sys struct{ c *Client }

// Transit uses the Transit engine: keys, HMACs and signatures.
type Transit struct{ c *Client }

// TOTP uses the TOTP engine: imports seeds and reads codes.
type TOTP struct{ c *Client }

// KV is the client's view of KV version 2 mounts.
func (c *Client) KV() KV { return KV{c} }

// AppRoles is the client's view of AppRole.
func (c *Client) AppRoles() AppRoles { return AppRoles{c} }

// Identity is the client's view of the identity store.
func (c *Client) Identity() Identity { return Identity{c} }

// Userpass is the client's view of userpass logins.
func (c *Client) Userpass() Userpass { return Userpass{c} }

// Tokens is the client's view of tokens and response wrapping.
func (c *Client) Tokens() Tokens { return Tokens{c} }

// Sys is the client's view of the server's configuration.
func (c *Client) Sys() Sys { return Sys{c} }

// Transit is the client's view of the Transit engine.
func (c *Client) Transit() Transit { return Transit{c} }

// TOTP is the client's view of the TOTP engine.
func (c *Client) TOTP() TOTP { return TOTP{c} }
