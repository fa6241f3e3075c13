package repo_test

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"testing"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/faultproxy"
)

// faultyVault starts a proxy in front of the shared dev Vault that fails
// its failAt-th write (0: none) with a 500, and counts requests: the only
// way to make a real core fail at a chosen step.
func faultyVault(t testing.TB, failAt int64) *faultproxy.Proxy {
	t.Helper()
	srv, _ := devvault.Shared()
	p, err := faultproxy.Start(srv.URL, srv.CACertFile, int(failAt), faultproxy.Refuse)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// caTransport trusts the dev Vault's CA, for the counting proxy.
func caTransport(t testing.TB, caFile string) *http.Transport {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("dev CA not parsed")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return tr
}
