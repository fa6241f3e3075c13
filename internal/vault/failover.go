package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// A Vault standby forwards requests to the active node. When it cannot
// (forwarding is off, or the active node has just died and no new one is
// elected yet), it answers with a redirect to the active node it knows,
// which may be the dead one. Followed blindly, every request then waits on
// a node that does not answer (30 s a dial on a machine that is down, and
// again for each of VAULT_MAX_RETRIES) although a new leader is elected
// within seconds.
//
// failover sits under the api module's HTTP client. When the node a
// request was sent to answers with a redirect to another node, failover
// first checks that the other node answers its health as the active node
// (within failoverProbe). If it does, the redirect goes up to the api module,
// which follows it. If it does not, failover waits a moment and sends the
// request again to the node it was sent to — the address the user gave —
// which redirects to the new active node once one is elected (or forwards
// again). It keeps trying until the request's deadline (the client's
// timeout), and then fails with an error that names the node that did not
// answer.
//
// A standby forwards to the active node; when that node is being sealed
// (or stopped), the answer it forwards back is 503 "Vault is sealed",
// though the node the request went to is not. failover then asks that
// node's own health (sys/health, which every node answers itself): when
// it is unsealed, the request is sent again like those below; when it
// is sealed itself, the answer stands.
//
// While no active node is elected, a standby can neither forward nor
// redirect: it answers 503 "no active Vault instance found" (or 500
// "active cluster node not found"), having done nothing with the
// request. failover sends such a request again, after the same pauses,
// until the deadline, so that a long command (import, offboarding,
// reindex, backup, restore, doctor) rides through an election instead of
// stopping at the first request that meets it.

// failoverProbe bounds the check that a redirect's target is the active
// node, and the check of a node's own health.
const failoverProbe = time.Second

// failoverWait is the first pause before asking again; it doubles up to
// failoverWaitMax.
const (
	failoverWait    = 250 * time.Millisecond
	failoverWaitMax = 2 * time.Second
)

type failover struct {
	base http.RoundTripper
}

func newFailover(base http.RoundTripper) *failover { return &failover{base: base} }

// LeaderDownError is a standby's redirect to an active node that did not
// answer, until the request's deadline.
type LeaderDownError struct {
	Standby string // host:port the request was sent to
	Leader  string // host:port the standby redirected to
	Err     error  // the last probe's error
}

func (e *LeaderDownError) Error() string {
	return fmt.Sprintf("the standby at %s redirects to the active node at %s, which does not answer as the active node (%v); "+
		"no new active node was elected in time", e.Standby, e.Leader, e.Err)
}

func (e *LeaderDownError) Unwrap() error { return e.Err }

// NoLeaderError is a node that knew no active node (an election that
// did not end) until the request's deadline.
type NoLeaderError struct {
	Node   string // host:port the request was sent to
	Answer string // its last answer
}

func (e *NoLeaderError) Error() string {
	return fmt.Sprintf("the node at %s knows no active node (%s): no leader was elected in time", e.Node, e.Answer)
}

// noLeaderAnswers are what a standby answers while no node is active.
var noLeaderAnswers = []string{"no active Vault instance found", "active cluster node not found"}

// noLeader reports whether resp is a standby's answer that no node is
// active, and which; otherwise resp is left readable as it came.
func noLeader(resp *http.Response) (string, bool) {
	if resp.StatusCode != http.StatusServiceUnavailable && resp.StatusCode != http.StatusInternalServerError {
		return "", false
	}
	head := peek(resp)
	for _, a := range noLeaderAnswers {
		if bytes.Contains(head, []byte(a)) {
			return a, true
		}
	}
	return "", false
}

func (f *failover) RoundTrip(req *http.Request) (*http.Response, error) {
	// A request is sent again with a fresh body: GetBody, which the api
	// module's requests have; a body without it is read once and kept.
	getBody := req.GetBody
	if getBody == nil && req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.Body, _ = getBody()
	}
	ctx := req.Context()
	wait := failoverWait
	deadline, ok := ctx.Deadline()
	if !ok { // (the api client always sets one: its timeout)
		deadline = time.Now().Add(DefaultTimeout)
	}
	for attempt := 0; ; attempt++ {
		try := req.Clone(ctx)
		if attempt > 0 && getBody != nil {
			body, err := getBody()
			if err != nil {
				return nil, err
			}
			try.Body = body
		}
		resp, err := f.base.RoundTrip(try)
		if err != nil {
			return resp, err
		}
		var down error
		if answer, ok := noLeader(resp); ok {
			down = &NoLeaderError{Node: req.URL.Host, Answer: answer}
		} else if f.leaderSealed(req, resp) {
			down = &NoLeaderError{Node: req.URL.Host, Answer: "it is unsealed, the active node it forwarded to is sealed"}
		} else {
			if !isRedirect(resp.StatusCode) {
				return resp, nil
			}
			loc, lerr := resp.Location()
			if lerr != nil || loc.Host == "" || loc.Host == req.URL.Host {
				return resp, nil
			}
			perr := f.probeActive(ctx, loc.Scheme, loc.Host)
			if perr == nil {
				return resp, nil
			}
			down = &LeaderDownError{Standby: req.URL.Host, Leader: loc.Host, Err: perr}
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if time.Until(deadline) < wait {
			return nil, down
		}
		select {
		case <-ctx.Done():
			return nil, down
		case <-time.After(wait):
		}
		wait = min(2*wait, failoverWaitMax)
	}
}

// peek returns the start of resp's body (64 KiB at most) and leaves the
// body readable whole.
func peek(resp *http.Response) []byte {
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return head
}

// leaderSealed reports whether resp is a sealed answer from a node that
// is not sealed itself: the active node it forwarded to is. resp is left
// readable as it came.
func (f *failover) leaderSealed(req *http.Request, resp *http.Response) bool {
	if resp.StatusCode != http.StatusServiceUnavailable || strings.HasSuffix(req.URL.Path, "/sys/health") {
		return false
	}
	if !bytes.Contains(peek(resp), []byte("Vault is sealed")) {
		return false
	}
	status, err := f.health(req.Context(), req.URL.Scheme, req.URL.Host)
	if err != nil {
		return false
	}
	switch status {
	case http.StatusOK, http.StatusTooManyRequests, 473: // active, standby, performance standby
		return true
	}
	return false
}

// health asks the node at host for its own sys/health (within
// failoverProbe, without a token) and returns the status it answers.
func (f *failover) health(ctx context.Context, scheme, host string) (int, error) {
	if scheme == "" {
		scheme = "https"
	}
	ctx, cancel := context.WithTimeout(ctx, failoverProbe)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+host+"/v1/sys/health", nil)
	if err != nil {
		return 0, err
	}
	resp, err := f.base.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// probeActive checks, within failoverProbe, that the node at host is
// not known to be other than the active node: a node that does not
// answer, says it is sealed (being sealed or stopped), or says it is a
// standby is not where a redirect should be followed. Any other answer
// (the active node's 200, or a proxy's refusal of the health route)
// lets the redirect go on.
func (f *failover) probeActive(ctx context.Context, scheme, host string) error {
	status, err := f.health(ctx, scheme, host)
	if err != nil {
		return err
	}
	switch status {
	case http.StatusServiceUnavailable:
		return errors.New("it is sealed")
	case http.StatusTooManyRequests, 472, 473: // standby, DR secondary, performance standby
		return fmt.Errorf("it is not the active node (health %d)", status)
	}
	return nil
}

func isRedirect(status int) bool {
	return status == http.StatusMovedPermanently || status == http.StatusFound ||
		status == http.StatusTemporaryRedirect || status == http.StatusPermanentRedirect
}
