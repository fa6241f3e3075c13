package connect

import "context"

// The posture check: does the server in front of sellervault pass encoded
// dot-segments (%2e%2e) to Vault? Vault 1.21 matches ACL policies against
// the decoded path before the KV engine cleans it, so where it does, a
// glob grant in any policy is a door to the rest of its mount.
// sellervault's own policies are laid out to hold anyway; the check is
// for the other policies on the same Vault, and it is a warning: it never
// changes an exit code.

// Posture is the answer to the probe (key "dot_segments" of status's
// JSON; its keys are stable).
type Posture struct {
	// Accepted is whether the encoded dot-segment reached Vault's ACL.
	Accepted bool `json:"accepted"`
	// Status is the HTTP status of the probe's answer.
	Status int `json:"status"`

	FromVault bool   `json:"-"` // the answer was Vault's own (else a proxy's)
	Detail    string `json:"-"` // what answered, for people
}

// ProbeDotSegments sends the probe with the connection's token; when it
// says nothing, the posture is nil and notChecked says why.
func (c *Conn) ProbeDotSegments(ctx context.Context) (p *Posture, notChecked string) {
	got, err := c.c.Sys().DotSegmentProbe(ctx)
	if err != nil {
		return nil, err.Error()
	}
	return &Posture{Accepted: got.Accepted, Status: got.Status, FromVault: got.FromVault, Detail: got.Detail}, ""
}
