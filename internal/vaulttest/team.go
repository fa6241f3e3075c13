package vaulttest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/faultproxy"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// prefixes and people number the teams and persons a test process makes
// on its shared Vault, so that each is new.
var prefixes, people atomic.Int64

// Team initialises a fresh team (mount prefix PREFIXn, n new in this
// process) on the shared test Vault and returns a repository on it as
// root, the root client and the layout.
func Team(t testing.TB, prefix string) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	c := Root(t)
	l := Layout(t, fmt.Sprintf("%s%d", prefix, prefixes.Add(1)))
	if _, err := setup.Run(context.Background(), c, setup.Options{Layout: l}); err != nil {
		t.Fatal(err)
	}
	return repo.New(c, l), c, l
}

// TeamWithStore is Team with one store, acme-us (Amazon, US).
func TeamWithStore(t testing.TB, prefix string) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	r, c, l := Team(t, prefix)
	if err := r.Stores().Add(context.Background(), records.Store{Name: "acme-us", Marketplace: "amazon", Region: "us"}); err != nil {
		t.Fatal(err)
	}
	return r, c, l
}

// Member onboards a person of role on team l (userpass logins are shared
// by every team on the test Vault, so the name is made unique) and
// returns a repository and a raw client with their own token; the person
// joins the groups of stores.
func Member(t testing.TB, root *vault.Client, l vault.Layout, role string, stores ...string) (*repo.Repo, *vault.Client) {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("%s-%s-%d", l.Prefix, role, people.Add(1))
	password := "pw-" + name + "-long-enough"
	if _, err := access.EnsurePerson(ctx, root, l, access.Person{Name: name, Role: role, Stores: stores}, password, time.Now()); err != nil {
		t.Fatal(err)
	}
	token, err := root.Userpass().Login(ctx, vault.UserpassMount, name, password)
	if err != nil {
		t.Fatal(err)
	}
	c, err := root.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	return repo.New(c, l), c
}

// FaultyVault starts a proxy in front of the shared test Vault that
// refuses its failAt-th write (0: none) with a 500, and counts requests:
// the only way to make a real core fail at a chosen step.
func FaultyVault(t testing.TB, failAt int64) *faultproxy.Proxy {
	t.Helper()
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	p, err := faultproxy.Start(srv.URL, srv.CACertFile, int(failAt), faultproxy.Refuse)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// CATransport is an HTTP transport that trusts the test Vault's CA
// (caFile, devvault's CACertFile), for raw requests and proxies.
func CATransport(t testing.TB, caFile string) *http.Transport {
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

// EditAround sets a field of the record at path as `vault kv patch` does,
// around sellervault: the data only, its metadata left behind.
func EditAround(t testing.TB, c *vault.Client, l vault.Layout, path, field, value string) {
	t.Helper()
	ctx := context.Background()
	rec, err := c.KV().Get(ctx, l.KV(), path)
	if err != nil {
		t.Fatal(err)
	}
	rec.Data[field] = value
	if _, err := c.KV().Put(ctx, l.KV(), path, rec.Data, rec.Version); err != nil {
		t.Fatal(err)
	}
}
