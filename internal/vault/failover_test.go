package vault_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

// standby is a fake Vault standby (a fault a real core does not produce on
// demand): it answers every request with a redirect to the active node it
// believes in, first deadLeader (a port where nothing listens: the active
// node has just died), then, after electAfter requests, the real Vault
// (the new active node). A real standby forwards instead when it can.
type standby struct {
	*httptest.Server
	asked      atomic.Int64
	electAfter int64
	healthy    bool // startElecting: its own health says unsealed standby
}

func startStandby(t *testing.T, deadLeader, newLeader string, electAfter int64) *standby {
	t.Helper()
	s := &standby{electAfter: electAfter}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leader := deadLeader
		if s.asked.Add(1) > s.electAfter {
			leader = newLeader
		}
		http.Redirect(w, r, leader+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(s.Close)
	return s
}

// deadAddress is an address where nothing listens.
func deadAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestFailoverRidesThroughAnElection: a standby redirects to a dead
// leader for its first few answers, then to the new one. A request made
// through the standby is sent to it again, never to the dead node, and
// succeeds once the new leader is there.
func TestFailoverRidesThroughAnElection(t *testing.T) {
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	t.Setenv("VAULT_MAX_RETRIES", "0")
	dead := deadAddress(t)
	sb := startStandby(t, "https://"+dead, srv.URL, 3)
	c, err := vault.New(vault.Options{Address: sb.URL, Token: srv.RootToken, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Tokens().LookupSelf(context.Background())
	if err != nil {
		t.Fatalf("through the standby during an election: %v", err)
	}
	if info.Accessor == "" {
		t.Fatal("no answer from the new leader")
	}
	if n := sb.asked.Load(); n != 4 {
		t.Errorf("the standby was asked %d times, want 4 (three redirects to the dead node, then the new leader)", n)
	}
	// a write with a body goes through the same way
	sb.asked.Store(0)
	if err := c.Sys().PutPolicy(context.Background(), "failover-probe", `path "x" { capabilities = ["read"] }`); err != nil {
		t.Fatalf("a write through the standby: %v", err)
	}
	if got, err := c.Sys().Policy(context.Background(), "failover-probe"); err != nil || !strings.Contains(got, `path "x"`) {
		t.Fatalf("the written policy: %q, %v", got, err)
	}
}

// TestFailoverNamesTheDeadLeader: when no new leader comes before the
// client's timeout, the request fails as unreachable and the error names
// the node that did not answer and the standby that named it.
func TestFailoverNamesTheDeadLeader(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	dead := deadAddress(t)
	sb := startStandby(t, "https://"+dead, "", 1<<40)
	c, err := vault.New(vault.Options{Address: sb.URL, Token: "hvs.test", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Tokens().LookupSelf(context.Background())
	if !errors.Is(err, vault.ErrUnreachable) {
		t.Fatalf("err = %v, want unreachable", err)
	}
	standby := strings.TrimPrefix(sb.URL, "http://")
	if msg := err.Error(); !strings.Contains(msg, dead) || !strings.Contains(msg, standby) || !strings.Contains(msg, "does not answer") {
		t.Fatalf("the error does not name the dead node %s and the standby %s: %v", dead, standby, err)
	}
	if n := sb.asked.Load(); n < 2 {
		t.Errorf("the standby was asked %d times: failover did not ask again", n)
	}
}

// startElecting starts a fake standby during an election (a fault a
// real core does not produce on demand): its first answers say that no
// node is active, as a real standby's do, and then it redirects to the
// new active node.
func startElecting(t *testing.T, newLeader string, electAfter int64, answer string, status int) *standby {
	t.Helper()
	s := &standby{electAfter: electAfter}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/sys/health" { // its own health, not counted
			if s.healthy {
				w.WriteHeader(http.StatusTooManyRequests) // an unsealed standby
			} else {
				w.WriteHeader(http.StatusServiceUnavailable) // sealed
			}
			return
		}
		if s.asked.Add(1) <= s.electAfter {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"errors":[%q]}`, answer)
			return
		}
		http.Redirect(w, r, newLeader+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestFailoverWaitsForALeader: a standby that knows no active node for
// its first answers (503 "no active Vault instance found", 500 "active
// cluster node not found") is asked again until a leader is elected; a
// write with a body is sent again whole. Other errors are answers.
func TestFailoverWaitsForALeader(t *testing.T) {
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	t.Setenv("VAULT_MAX_RETRIES", "0")
	for _, tc := range []struct {
		answer string
		status int
	}{
		{"no active Vault instance found", http.StatusServiceUnavailable},
		{"local node not active but active cluster node not found", http.StatusInternalServerError},
	} {
		sb := startElecting(t, srv.URL, 3, tc.answer, tc.status)
		c, err := vault.New(vault.Options{Address: sb.URL, Token: srv.RootToken, Timeout: 20 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		policy := fmt.Sprintf(`path "x%d" { capabilities = ["read"] }`, tc.status)
		if err := c.Sys().PutPolicy(context.Background(), "failover-election", policy); err != nil {
			t.Fatalf("%s: a write through the standby during an election: %v", tc.answer, err)
		}
		if n := sb.asked.Load(); n != 4 {
			t.Errorf("%s: the standby was asked %d times, want 4", tc.answer, n)
		}
		if got, err := c.Sys().Policy(context.Background(), "failover-election"); err != nil || got != policy {
			t.Fatalf("%s: the written policy: %q, %v", tc.answer, got, err)
		}
	}
	// A node that stays without a leader: the error names it and says so.
	sb := startElecting(t, srv.URL, 1<<40, "no active Vault instance found", http.StatusServiceUnavailable)
	c, err := vault.New(vault.Options{Address: sb.URL, Token: srv.RootToken, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Tokens().LookupSelf(context.Background())
	node := strings.TrimPrefix(sb.URL, "http://")
	if !errors.Is(err, vault.ErrUnreachable) || !strings.Contains(err.Error(), node) || !strings.Contains(err.Error(), "no leader was elected") {
		t.Fatalf("err = %v, want unreachable, naming %s", err, node)
	}
	// A standby forwarding to an active node being sealed passes its 503
	// "Vault is sealed" back, though it is unsealed itself (its own
	// health says so): asked again until the new leader answers.
	forwarding := startElecting(t, srv.URL, 3, "Vault is sealed", http.StatusServiceUnavailable)
	forwarding.healthy = true
	c, err = vault.New(vault.Options{Address: forwarding.URL, Token: srv.RootToken, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tokens().LookupSelf(context.Background()); err != nil || forwarding.asked.Load() != 4 {
		t.Fatalf("through a standby whose active node was sealed: %v after %d requests", err, forwarding.asked.Load())
	}
	// A sealed node (its own health says sealed too): the answer stands.
	sealed := startElecting(t, srv.URL, 1<<40, "Vault is sealed", http.StatusServiceUnavailable)
	c, err = vault.New(vault.Options{Address: sealed.URL, Token: srv.RootToken, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tokens().LookupSelf(context.Background()); !errors.Is(err, vault.ErrSealed) || sealed.asked.Load() != 1 {
		t.Fatalf("a sealed node: %v after %d requests", err, sealed.asked.Load())
	}
}
