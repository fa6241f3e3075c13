package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/vault"
)

// statusReport is the JSON form of `sellervault status`; its keys are stable.
type statusReport struct {
	Address      string `json:"address"`
	Namespace    string `json:"namespace"`
	VaultVersion string `json:"vault_version"`
	Sealed       bool   `json:"sealed"`
	// Initialized is whether `sellervault init` has run: true, false, or
	// null when the caller may not tell.
	Initialized   *bool         `json:"initialized"`
	InitializedAt string        `json:"initialized_at,omitempty"`
	Mount         string        `json:"mount"`
	Caller        *callerReport `json:"caller"`
	// CallerNotChecked says why Caller is null: "not logged in" (no token,
	// or "…: the token was refused"), "vault is sealed" (the token cannot
	// be looked up until it is unsealed) or "the token could not be looked
	// up".
	CallerNotChecked string `json:"caller_not_checked,omitempty"`
	// DotSegments is the posture probe (see posture.go): whether this
	// server passes encoded dot-segments to Vault's ACL; null when it
	// could not be checked, with the reason in DotSegmentsNotChecked.
	DotSegments           *dotSegmentsReport `json:"dot_segments"`
	DotSegmentsNotChecked string             `json:"dot_segments_not_checked,omitempty"`
}

type callerReport struct {
	DisplayName      string   `json:"display_name"`
	EntityID         string   `json:"entity_id"`
	EntityName       string   `json:"entity_name"`
	Policies         []string `json:"policies"`
	IdentityPolicies []string `json:"identity_policies"`
	TTLSeconds       int64    `json:"ttl_seconds"` // 0: never expires
	TokenSource      string   `json:"token_source"`
}

func statusCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show the Vault in use, whether init has run, and who you are",
		Description: `Also checks, with one harmless request, whether the server passes
encoded dot-segments (%2e%2e) in request paths to Vault's ACL, which makes
any glob grant in a policy a door to its whole mount; the answer is a
warning and never changes the exit status.

Exit status: 0 when Vault answers, is unsealed and the token is valid;
4 when not logged in or the token is invalid; 6 when Vault is unreachable
or sealed.`,
		Action: func(c *cli.Context) error {
			s, err := env.newSession(c)
			if err != nil {
				return err
			}
			report, problem := s.status(c.Context)
			if report == nil {
				return problem
			}
			if err := s.printStatus(report); err != nil {
				return err
			}
			return problem
		},
	}
}

// status gathers the report; problem is the error the exit code reflects.
func (s *session) status(ctx context.Context) (*statusReport, error) {
	server, err := s.client.ServerStatus(ctx)
	if err != nil {
		return nil, err
	}
	r := &statusReport{Address: s.client.Address(), Namespace: s.client.Namespace(),
		VaultVersion: server.Version, Sealed: server.Sealed, Mount: s.layout.KV() + "/"}
	if server.Sealed {
		r.DotSegmentsNotChecked, r.CallerNotChecked = "vault is sealed", "vault is sealed"
		return r, &vault.Error{Op: "status", Path: "sys/seal-status", Kind: vault.ErrSealed}
	}
	if !s.client.HasToken() {
		r.DotSegmentsNotChecked, r.CallerNotChecked = "not logged in", "not logged in"
		return r, errNotLoggedIn
	}
	token, err := s.client.LookupSelf(ctx)
	if err != nil {
		r.DotSegmentsNotChecked, r.CallerNotChecked = "the token could not be looked up", "the token could not be looked up"
		if errors.Is(err, vault.ErrDenied) {
			r.CallerNotChecked = "not logged in: the token was refused"
			return r, fmt.Errorf("%w: the token was refused (invalid, expired or revoked)", errNotLoggedIn)
		}
		return r, err
	}
	// a warning: whatever it finds, the exit status stays the same
	r.DotSegments, r.DotSegmentsNotChecked = s.probeDotSegments(ctx)
	r.Caller = &callerReport{DisplayName: token.DisplayName, EntityID: token.EntityID,
		Policies: token.Policies, IdentityPolicies: token.IdentityPolicies,
		TTLSeconds: int64(token.TTL / time.Second), TokenSource: s.client.TokenSource}
	if token.EntityID != "" {
		r.Caller.EntityName, _ = s.client.EntityName(ctx, token.EntityID) // shown when allowed
	}
	marker, err := s.client.KVGet(ctx, s.layout.KV(), vault.InitMarkerPath)
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

func (s *session) printStatus(r *statusReport) error {
	if s.format == "json" {
		return s.env.writeJSON(r)
	}
	initText := "unknown (this token may not read it)"
	if r.Initialized != nil {
		initText = "no: run `sellervault init` with an admin token"
		if *r.Initialized {
			initText = "yes, at " + r.InitializedAt
		}
	}
	rows := [][]string{
		{"address", r.Address},
		{"vault version", r.VaultVersion},
		{"sealed", fmt.Sprint(r.Sealed)},
	}
	if r.Namespace != "" {
		rows = append(rows, []string{"namespace", r.Namespace})
	}
	if r.Caller == nil {
		caller := r.CallerNotChecked
		if !strings.HasPrefix(caller, "not logged in") {
			caller = "not checked: " + caller
		}
		rows = append(rows, []string{"caller", caller},
			[]string{"dot-segments", dotSegmentsLine(r.DotSegments, r.DotSegmentsNotChecked)})
		return s.env.writeTable(nil, rows)
	}
	who := r.Caller.DisplayName
	if r.Caller.EntityName != "" {
		who = r.Caller.EntityName + " (" + who + ")"
	}
	ttl := "never expires"
	if r.Caller.TTLSeconds > 0 {
		ttl = (time.Duration(r.Caller.TTLSeconds) * time.Second).String()
	}
	policies := append(append([]string{}, r.Caller.Policies...), r.Caller.IdentityPolicies...)
	rows = append(rows,
		[]string{"initialized", initText + " (mount " + r.Mount + ")"},
		[]string{"caller", who},
		[]string{"entity", orDash(r.Caller.EntityID)},
		[]string{"policies", strings.Join(policies, ", ")},
		[]string{"token ttl", ttl},
		[]string{"dot-segments", dotSegmentsLine(r.DotSegments, r.DotSegmentsNotChecked)},
	)
	return s.env.writeTable(nil, rows)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
