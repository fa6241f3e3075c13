package vault

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
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
// first checks that the other node accepts a connection (within
// failoverProbe). If it does, the redirect goes up to the api module,
// which follows it. If it does not, failover waits a moment and sends the
// request again to the node it was sent to — the address the user gave —
// which redirects to the new active node once one is elected (or forwards
// again). It keeps trying until the request's deadline (the client's
// timeout), and then fails with an error that names the node that did not
// answer.
//
// While no active node is elected, a standby can neither forward nor
// redirect: it answers 503 "no active Vault instance found" (or 500
// "active cluster node not found"), having done nothing with the
// request. failover sends such a request again, after the same pauses,
// until the deadline, so that a long command (import, offboarding,
// reindex, backup, restore, doctor) rides through an election instead of
// stopping at the first request that meets it.

// failoverProbe bounds the check that a redirect's target answers.
const failoverProbe = time.Second

// failoverWait is the first pause before asking again; it doubles up to
// failoverWaitMax.
const (
	failoverWait    = 250 * time.Millisecond
	failoverWaitMax = 2 * time.Second
)

type failover struct {
	base http.RoundTripper
	// dial opens a connection for the probe; net.Dialer's by default.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func newFailover(base http.RoundTripper) *failover {
	d := &net.Dialer{}
	return &failover{base: base, dial: d.DialContext}
}

// LeaderDownError is a standby's redirect to an active node that did not
// answer, until the request's deadline.
type LeaderDownError struct {
	Standby string // host:port the request was sent to
	Leader  string // host:port the standby redirected to
	Err     error  // the last probe's error
}

func (e *LeaderDownError) Error() string {
	return fmt.Sprintf("the standby at %s redirects to the active node at %s, which does not answer (%v); "+
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
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
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
		} else {
			if !isRedirect(resp.StatusCode) {
				return resp, nil
			}
			loc, lerr := resp.Location()
			if lerr != nil || loc.Host == "" || loc.Host == req.URL.Host {
				return resp, nil
			}
			perr := f.probe(ctx, loc.Host)
			if perr == nil {
				return resp, nil
			}
			down = &LeaderDownError{Standby: req.URL.Host, Leader: loc.Host, Err: perr}
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		deadline, ok := ctx.Deadline()
		if !ok {
			deadline = time.Now().Add(DefaultTimeout)
		}
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

// probe checks that addr accepts a TCP connection within failoverProbe.
func (f *failover) probe(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, failoverProbe)
	defer cancel()
	conn, err := f.dial(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return conn.Close()
}

func isRedirect(status int) bool {
	return status == http.StatusMovedPermanently || status == http.StatusFound ||
		status == http.StatusTemporaryRedirect || status == http.StatusPermanentRedirect
}
