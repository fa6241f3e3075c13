package app

import (
	"context"
	"fmt"
)

// The posture check: does the server in front of sellervault pass encoded
// dot-segments (%2e%2e) to Vault? Vault 1.21 matches ACL policies against
// the decoded path before the KV engine cleans it, so where it does, a
// glob grant in any policy is a door to the rest of its mount.
// sellervault's own policies are laid out to hold anyway; the check is
// for the other policies on the same Vault, and it is a warning: it never
// changes an exit code.

// proxyRuleDoc names the reverse-proxy rule shipped with sellervault.
const proxyRuleDoc = "docs/reverse-proxy/nginx.conf"

// dotSegmentsReport is the JSON form of the probe in `sellervault status`
// (key "dot_segments"); its keys are stable.
type dotSegmentsReport struct {
	// Accepted is whether the encoded dot-segment reached Vault's ACL.
	Accepted bool `json:"accepted"`
	// Status is the HTTP status of the probe's answer.
	Status int `json:"status"`

	fromVault bool   // the answer was Vault's own (else a proxy's)
	detail    string // what answered, for people
}

// probeDotSegments sends the probe with the session's token; when it
// says nothing, the report is nil and notChecked says why.
func (s *session) probeDotSegments(ctx context.Context) (report *dotSegmentsReport, notChecked string) {
	p, err := s.client.DotSegmentProbe(ctx)
	if err != nil {
		return nil, err.Error()
	}
	return &dotSegmentsReport{Accepted: p.Accepted, Status: p.Status, fromVault: p.FromVault, detail: p.Detail}, ""
}

// dotSegmentsExposure is what accepted dot-segments expose.
const dotSegmentsExposure = "any glob grant in a policy on this Vault is a door to its whole mount " +
	"(sellervault's own policies are laid out to hold anyway; other policies on this Vault may not)"

// dotSegmentsAdvice is what to do about accepted dot-segments.
func dotSegmentsAdvice() string {
	return "upgrade Vault when a release refuses them, or put the reverse-proxy rule of " + proxyRuleDoc + " in front of it"
}

// dotSegmentsLine is the one line `status` prints about the probe.
func dotSegmentsLine(r *dotSegmentsReport, notChecked string) string {
	switch {
	case r == nil:
		return "not checked: " + notChecked
	case r.Accepted:
		return fmt.Sprintf("ACCEPTED: this server passes encoded dot-segments (%%2e%%2e) in paths to Vault's ACL (%s); %s; %s",
			r.detail, dotSegmentsExposure, dotSegmentsAdvice())
	case r.fromVault:
		return fmt.Sprintf("refused: Vault itself refuses encoded dot-segments (%%2e%%2e) in paths (%d); "+
			"no glob grant can be stepped out of", r.Status)
	default:
		return fmt.Sprintf("refused: encoded dot-segments (%%2e%%2e) are stopped before Vault (%s); "+
			"no glob grant can be stepped out of through this address: keep Vault reachable only through it", r.detail)
	}
}

// warnDotSegments probes and, when the server accepts encoded
// dot-segments or cannot be checked, says so on stderr with what to do
// (for `sellervault init`). It prints nothing when they are refused, and
// never fails: the posture is a warning, not an error.
func (s *session) warnDotSegments(ctx context.Context) {
	r, notChecked := s.probeDotSegments(ctx)
	switch {
	case r == nil:
		s.env.say("warning: could not check whether Vault refuses encoded dot-segments (%%2e%%2e) in paths: %s", notChecked)
	case r.Accepted:
		s.env.say("warning: Vault at %s accepts encoded dot-segments (%%2e%%2e) in request paths (%s): %s",
			s.client.Address(), r.detail, dotSegmentsExposure)
		s.env.say("hint: %s", dotSegmentsAdvice())
	}
}
