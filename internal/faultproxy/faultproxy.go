// Package faultproxy is a reverse proxy in front of a test Vault that
// fails one chosen write, for tests of operations that must finish when
// run again after a failure at any step. It is the one fake in the tests:
// a real Vault core cannot be made to fail one given write on demand.
//
// A write is a POST, PUT, PATCH or DELETE request (but a token lookup by
// accessor, a POST that changes nothing). The Nth write (counting
// from 1) fails in one of two ways:
//
//	Refuse   the request never reaches Vault; the client gets a 500
//	Lose     the request reaches Vault and is applied, but the answer is
//	         lost: the client gets a 502, as when a connection drops
//
// Lose is the harder case: the client cannot tell that its write landed.
package faultproxy

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
)

// Mode is how the chosen write fails.
type Mode int

// Modes.
const (
	Refuse Mode = iota
	Lose
)

func (m Mode) String() string {
	if m == Lose {
		return "lose the answer"
	}
	return "refuse"
}

// Proxy forwards to a Vault and fails its FailAt-th write (0: none).
type Proxy struct {
	URL      string
	failAt   int64
	mode     Mode
	writes   atomic.Int64
	requests atomic.Int64
	failed   atomic.Bool
	server   *httptest.Server
}

// Start proxies plain HTTP on loopback to the Vault at target, trusting
// the CA in caFile (a PEM file; "" for the system roots).
func Start(target, caFile string, failAt int, mode Mode) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("faultproxy: no certificate in %s", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = tr
	p := &Proxy{failAt: int64(failAt), mode: mode}
	p.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		p.requests.Add(1)
		switch req.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			if strings.HasSuffix(req.URL.Path, "/auth/token/lookup-accessor") {
				break // a POST that changes nothing
			}
			if p.writes.Add(1) == p.failAt {
				p.failed.Store(true)
				if p.mode == Lose {
					rp.ServeHTTP(httptest.NewRecorder(), req)
					http.Error(w, `{"errors":["injected fault: answer lost"]}`, http.StatusBadGateway)
					return
				}
				http.Error(w, `{"errors":["injected fault"]}`, http.StatusInternalServerError)
				return
			}
		}
		rp.ServeHTTP(w, req)
	}))
	p.URL = p.server.URL
	return p, nil
}

// Failed reports whether the chosen write was reached and failed.
func (p *Proxy) Failed() bool { return p.failed.Load() }

// Writes is how many writes passed through (the failed one included).
func (p *Proxy) Writes() int { return int(p.writes.Load()) }

// Requests is how many requests passed through since the start or the
// last ResetRequests (for benchmarks that count Vault round trips).
func (p *Proxy) Requests() int { return int(p.requests.Load()) }

// ResetRequests starts the request count again.
func (p *Proxy) ResetRequests() { p.requests.Store(0) }

// Close stops the proxy.
func (p *Proxy) Close() { p.server.Close() }
