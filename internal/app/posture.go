package app

import (
	"context"
	"fmt"

	"github.com/sellervault/sellervault/internal/connect"
)

// What the posture check (package connect) found, in words: the line in
// `sellervault status` and the warning of `sellervault init`.

// proxyRuleDoc names the reverse-proxy rule shipped with sellervault.
const proxyRuleDoc = "docs/reverse-proxy/nginx.conf"

// probeDotSegments sends the probe with the session's token (see
// connect.Conn.ProbeDotSegments).
func (s *session) probeDotSegments(ctx context.Context) (*connect.Posture, string) {
	return s.conn.ProbeDotSegments(ctx)
}

// dotSegmentsExposure is what accepted dot-segments expose.
const dotSegmentsExposure = "any glob grant in a policy on this Vault is a door to its whole mount " +
	"(sellervault's own policies are laid out to hold anyway; other policies on this Vault may not)"

// dotSegmentsAdvice is what to do about accepted dot-segments.
func dotSegmentsAdvice() string {
	return "upgrade Vault when a release refuses them, or put the reverse-proxy rule of " + proxyRuleDoc + " in front of it"
}

// dotSegmentsLine is the one line `status` prints about the probe.
func dotSegmentsLine(r *connect.Posture, notChecked string) string {
	switch {
	case r == nil:
		return "not checked: " + notChecked
	case r.Accepted:
		return fmt.Sprintf("ACCEPTED: this server passes encoded dot-segments (%%2e%%2e) in paths to Vault's ACL (%s); %s; %s",
			r.Detail, dotSegmentsExposure, dotSegmentsAdvice())
	case r.FromVault:
		return fmt.Sprintf("refused: Vault itself refuses encoded dot-segments (%%2e%%2e) in paths (%d); "+
			"no glob grant can be stepped out of", r.Status)
	default:
		return fmt.Sprintf("refused: encoded dot-segments (%%2e%%2e) are stopped before Vault (%s); "+
			"no glob grant can be stepped out of through this address: keep Vault reachable only through it", r.Detail)
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
			s.conn.Address(), r.Detail, dotSegmentsExposure)
		s.env.say("hint: %s", dotSegmentsAdvice())
	}
}
