package connect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/vault"
)

// ErrNotLoggedIn means there is no token, or Vault refused the one there
// is.
var ErrNotLoggedIn = errors.New("not logged in")

// Status is `sellervault status`: the server, whether init has run, and
// who the caller is. Its JSON keys are stable.
type Status struct {
	Address      string `json:"address"`
	Namespace    string `json:"namespace"`
	VaultVersion string `json:"vault_version"`
	Sealed       bool   `json:"sealed"`
	// Initialized is whether `sellervault init` has run: true, false, or
	// null when the caller may not tell.
	Initialized   *bool   `json:"initialized"`
	InitializedAt string  `json:"initialized_at,omitempty"`
	Mount         string  `json:"mount"`
	Caller        *Caller `json:"caller"`
	// CallerNotChecked says why Caller is null: "not logged in" (no token,
	// or "…: the token was refused"), "vault is sealed" (the token cannot
	// be looked up until it is unsealed) or "the token could not be looked
	// up".
	CallerNotChecked string `json:"caller_not_checked,omitempty"`
	// DotSegments is the posture probe (see posture.go): whether this
	// server passes encoded dot-segments to Vault's ACL; null when it
	// could not be checked, with the reason in DotSegmentsNotChecked.
	DotSegments           *Posture `json:"dot_segments"`
	DotSegmentsNotChecked string   `json:"dot_segments_not_checked,omitempty"`
}

// Caller is who the token belongs to.
type Caller struct {
	DisplayName      string   `json:"display_name"`
	EntityID         string   `json:"entity_id"`
	EntityName       string   `json:"entity_name"`
	Policies         []string `json:"policies"`
	IdentityPolicies []string `json:"identity_policies"`
	TTLSeconds       int64    `json:"ttl_seconds"` // 0: never expires
	TokenSource      string   `json:"token_source"`
}

// Status gathers the report; problem is the error the exit code
// reflects (sealed, not logged in), with the report as far as it got.
func (c *Conn) Status(ctx context.Context) (*Status, error) {
	server, err := c.c.Sys().ServerStatus(ctx)
	if err != nil {
		return nil, err
	}
	r := &Status{Address: c.c.Address(), Namespace: c.c.Namespace(),
		VaultVersion: server.Version, Sealed: server.Sealed, Mount: c.layout.KV() + "/"}
	if server.Sealed {
		r.DotSegmentsNotChecked, r.CallerNotChecked = "vault is sealed", "vault is sealed"
		return r, &vault.Error{Op: "status", Path: "sys/seal-status", Kind: vault.ErrSealed}
	}
	if !c.c.HasToken() {
		r.DotSegmentsNotChecked, r.CallerNotChecked = "not logged in", "not logged in"
		return r, ErrNotLoggedIn
	}
	token, err := c.c.Tokens().LookupSelf(ctx)
	if err != nil {
		r.DotSegmentsNotChecked, r.CallerNotChecked = "the token could not be looked up", "the token could not be looked up"
		if errors.Is(err, vault.ErrDenied) {
			r.CallerNotChecked = "not logged in: the token was refused"
			return r, fmt.Errorf("%w: the token was refused (invalid, expired or revoked)", ErrNotLoggedIn)
		}
		return r, err
	}
	// a warning: whatever it finds, the exit status stays the same
	r.DotSegments, r.DotSegmentsNotChecked = c.ProbeDotSegments(ctx)
	r.Caller = &Caller{DisplayName: token.DisplayName, EntityID: token.EntityID,
		Policies: token.Policies, IdentityPolicies: token.IdentityPolicies,
		TTLSeconds: int64(token.TTL / time.Second), TokenSource: c.c.TokenSource}
	if token.EntityID != "" {
		r.Caller.EntityName, _ = c.c.Identity().EntityName(ctx, token.EntityID) // shown when allowed
	}
	marker, err := c.c.KV().Get(ctx, c.layout.KV(), vault.InitMarkerPath)
	switch {
	case err == nil:
		yes := true
		r.Initialized = &yes
		r.InitializedAt, _ = marker.Data["initialized_at"].(string)
	case errors.Is(err, vault.ErrNotFound):
		no := false
		r.Initialized = &no
	case errors.Is(err, vault.ErrDenied):
		// this caller may not read the marker: leave it unknown
	default:
		return r, err
	}
	return r, nil
}
