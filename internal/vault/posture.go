package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/vault/api"
)

// DotSegmentProbePath is the one request DotSegmentProbe sends, a GET
// relative to the Vault address: the caller's own token self-lookup with
// an encoded dot-segment in it. Vault 1.21 decodes it to
// auth/token/lookup-self/../lookup-self and matches the ACL against that
// path, so an ordinary token gets 403 permission denied (the request
// reached the ACL: the dot-segment was accepted) and a root token gets
// the token store's 404 (it reached the router). It reads nothing and
// changes nothing; it needs no grant, since it is refused or denied
// before any data is touched.
const DotSegmentProbePath = "/v1/auth/token/lookup-self/%2e%2e/lookup-self"

// dotSegmentProbeDecoded is DotSegmentProbePath as the server decodes it.
const dotSegmentProbeDecoded = "/v1/auth/token/lookup-self/../lookup-self"

// maxProbeBody bounds how much of an answer is read to classify it.
const maxProbeBody = 64 << 10

// Posture is how the server in front of sellervault treats a request
// path with an encoded dot-segment.
type Posture struct {
	// Accepted is true when the dot-segment reached Vault's router and
	// ACL check (Vault answered with its own JSON: 200, 403 permission
	// denied, 404, ...). Then a glob grant in any policy on this Vault
	// is a door to the rest of its mount. False when it was refused
	// before Vault's ACL: a 400, a redirect to a cleaned path, or any
	// answer that is not Vault's (a proxy's page).
	Accepted bool
	// Status is the HTTP status of the answer.
	Status int
	// FromVault is whether the answer was Vault's own JSON.
	FromVault bool
	// Detail says what answered, for people: Vault's message, or the
	// content type of another server's page. Never a token.
	Detail string
}

// DotSegmentProbe sends one GET of DotSegmentProbePath with the caller's
// token and classifies the answer (see Posture). The encoded path goes on
// the wire byte for byte: neither net/url nor the api module cleans or
// re-encodes it (the request is built here, on the client's own
// transport, TLS settings, namespace and headers, without the api
// module's retries or redirect following, which could hide the answer).
//
// An error means the probe says nothing: no token to send (ErrDenied: a
// request without one is refused before the ACL on any Vault), no answer
// (ErrUnreachable), a sealed Vault, a rate limit or a server error (5xx).
func (f Sys) DotSegmentProbe(ctx context.Context) (Posture, error) {
	c := f.c
	const op, path = "probe dot-segments", "auth/token/lookup-self/%2e%2e/lookup-self"
	token := c.api.Token()
	if token == "" {
		return Posture{}, &Error{Op: op, Path: path, Kind: ErrDenied, Detail: "no token to probe with"}
	}
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	req, err := c.probeRequest(ctx, token)
	if err != nil {
		return Posture{}, &Error{Op: op, Path: path, Kind: ErrBadRequest, Detail: err.Error()}
	}
	hc := *c.api.CloneConfig().HttpClient // a copy: its redirect policy is ours to set
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err == nil && isProbeRedirect(resp.StatusCode) {
		// A standby or load balancer sending us to another node with
		// the same raw path is followed once; a redirect to a cleaned
		// path is an answer in itself (the dot-segment went no further).
		if next, ok := sameProbeElsewhere(req, resp); ok {
			drainProbe(resp)
			resp, err = hc.Do(next)
		}
	}
	if err != nil {
		return Posture{}, wrap(op, path, err)
	}
	defer drainProbe(resp)
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxProbeBody))
	if err != nil {
		return Posture{}, wrap(op, path, err)
	}
	p, err := classifyProbe(op, path, resp.StatusCode, resp.Header, body)
	// a server that echoes the request must not put the token in front of people
	p.Detail = strings.ReplaceAll(p.Detail, token, "[token]")
	var e *Error
	if errors.As(err, &e) {
		e.Detail = strings.ReplaceAll(e.Detail, token, "[token]")
	}
	return p, err
}

// probeRequest builds the GET: the address (with any path prefix it has),
// then the probe path, with URL.RawPath set so that the encoded
// dot-segment is sent as is; the token and the client's headers
// (namespace, VAULT_HEADERS) as the api module would send them.
func (c *Client) probeRequest(ctx context.Context, token string) (*http.Request, error) {
	base, err := url.Parse(c.api.Address())
	if err != nil {
		return nil, fmt.Errorf("vault address: %w", err)
	}
	u := &url.URL{Scheme: base.Scheme, User: base.User, Host: base.Host,
		Path:    strings.TrimSuffix(base.Path, "/") + dotSegmentProbeDecoded,
		RawPath: strings.TrimSuffix(base.EscapedPath(), "/") + DotSegmentProbePath}
	if u.EscapedPath() != u.RawPath {
		// net/url would send its own encoding, without the dot-segment
		return nil, fmt.Errorf("the probe path cannot be sent as is under %q", base.Path)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.Scheme+"://"+base.Host, nil)
	if err != nil {
		return nil, fmt.Errorf("vault address: %w", err)
	}
	req.URL = u
	for name, values := range c.api.Headers() {
		req.Header[name] = append([]string(nil), values...)
	}
	req.Header.Set(api.AuthHeaderName, token)
	return req, nil
}

func isProbeRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// sameProbeElsewhere gives the request again at a redirect's location when
// that location keeps the probe's raw path (Vault's standby redirect), and
// keeps the scheme (no downgrade from https).
func sameProbeElsewhere(req *http.Request, resp *http.Response) (*http.Request, bool) {
	loc, err := resp.Location()
	if err != nil || loc.EscapedPath() != req.URL.EscapedPath() || loc.Scheme != req.URL.Scheme {
		return nil, false
	}
	next := req.Clone(req.Context())
	next.URL = loc
	next.Host = loc.Host
	return next, true
}

func drainProbe(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxProbeBody))
	resp.Body.Close()
}

// classifyProbe decides what an answer says; see Posture.
func classifyProbe(op, path string, status int, header http.Header, body []byte) (Posture, error) {
	p := Posture{Status: status}
	message, fromVault := vaultAnswer(header, body)
	p.FromVault = fromVault
	switch {
	case fromVault && strings.Contains(strings.ToLower(message), "sealed"):
		return Posture{}, &Error{Op: op, Path: path, Kind: ErrSealed, Status: status, Detail: message}
	case status == http.StatusTooManyRequests:
		return Posture{}, &Error{Op: op, Path: path, Kind: ErrUnreachable, Status: status, Detail: "rate limited: try again later"}
	case status >= 500:
		return Posture{}, &Error{Op: op, Path: path, Kind: ErrUnreachable, Status: status,
			Detail: fmt.Sprintf("the server answered %d %s", status, strings.ToLower(http.StatusText(status)))}
	case isProbeRedirect(status):
		p.Detail = "redirected to another path: the dot-segment did not reach Vault"
	case status == http.StatusBadRequest:
		p.Detail = "refused with 400 before Vault's ACL"
		if fromVault && message != "" {
			p.Detail += " (Vault: " + message + ")"
		}
	case !fromVault:
		p.Detail = fmt.Sprintf("answered %d by a server that is not Vault (%s)", status, probeContentType(header))
	default:
		p.Accepted = true
		p.Detail = fmt.Sprintf("Vault answered %d", status)
		if message != "" {
			p.Detail += " " + message
		}
	}
	return p, nil
}

// vaultAnswer tells Vault's own JSON answer from anything else: Vault
// answers application/json with an object holding "errors" (a list) or a
// response ("request_id", "data"). message is Vault's error, on one line.
func vaultAnswer(header http.Header, body []byte) (message string, ok bool) {
	if probeContentType(header) != "application/json" {
		return "", false
	}
	var answer map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&answer); err != nil || answer == nil {
		return "", false
	}
	if raw, has := answer["errors"]; has {
		var errs []string
		if json.Unmarshal(raw, &errs) != nil {
			return "", false
		}
		return probeOneLine(cleanDetail(errs)), true
	}
	_, hasID := answer["request_id"]
	_, hasData := answer["data"]
	return "", hasID || hasData
}

func probeContentType(header http.Header) string {
	ct := header.Get("Content-Type")
	if ct == "" {
		return "no content type"
	}
	media, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "unparsable content type"
	}
	return media
}

// probeOneLine bounds a server's message for display.
func probeOneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
