package repo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// importBenchCreds is the size of BenchmarkImport5000's file.
const importBenchCreds = 5000

// importBenchCSV is a sellervault CSV of n credentials in one store, each
// with a login, a password, a URL, an owner and a rotation interval.
func importBenchCSV(n int) string {
	var b strings.Builder
	b.WriteString("store,name,login,password,url,owner,rotate_every\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "acme-us,Login %05d,ops%05d@acme.example,pw-%05d-x7Q!v,https://sellercentral.amazon.com,maria,90d\n", i, i, i)
	}
	return b.String()
}

// BenchmarkImport5000 imports 5,000 new credentials (one store; a CSV
// parsed and planned by package importer, untimed) against the
// in-process dev Vault. Each write is what `cred add` does: a store
// check, the check-and-set write, its custom metadata and the redaction
// index (an HMAC from Transit and a check-and-set write of one of 64
// shards). Every iteration imports into a fresh mount; ns/op is
// importrun.Import alone. The sub-benchmarks are
//
//	rtt=0/workers=N    the client straight to the dev Vault, N writes in
//	                   flight (1, 4, 8 = the default, 16): the Vault core
//	                   shares the machine's cores with the client, so this
//	                   measures CPU, not waiting
//	rtt=2ms/workers=N  through a proxy that delays each request by 2 ms,
//	                   like a Vault on the local network (N = 1, 8): what
//	                   writing a few at a time buys when requests wait on
//	                   the network
//
// and the metrics
//
//	creds/s        credentials written per second
//	requests/cred  Vault requests per credential (rtt=0 only), counted in
//	               one extra, untimed import of the same file into
//	               another fresh mount through a counting proxy (whose
//	               hop would otherwise be in the timing)
//
// Run:
//
//	go test -run '^$' -bench Import5000 -benchtime 1x ./internal/repo/
func BenchmarkImport5000(b *testing.B) {
	b.Setenv("VAULT_MAX_RETRIES", "0")
	srv, err := devvault.Shared()
	if err != nil {
		b.Fatal(err)
	}
	csv := importBenchCSV(importBenchCreds)
	type variant struct {
		rtt     time.Duration
		workers int
	}
	var variants []variant
	for _, w := range []int{1, 4, importrun.DefaultWorkers, 16} {
		variants = append(variants, variant{0, w})
	}
	for _, w := range []int{1, importrun.DefaultWorkers} {
		variants = append(variants, variant{2 * time.Millisecond, w})
	}
	for _, v := range variants {
		b.Run(fmt.Sprintf("rtt=%s/workers=%d", v.rtt, v.workers), func(b *testing.B) {
			ctx := context.Background()
			plan := func(r *repo.Repo) []importrun.Write {
				_, writes := importPlan(b, r, csv, importer.Skip)
				if len(writes) != importBenchCreds {
					b.Fatalf("%d writes planned", len(writes))
				}
				return writes
			}
			check := func(results []importrun.Result) {
				for _, res := range results {
					if res.Outcome != importer.OutcomeAdded || res.Err != nil {
						b.Fatalf("%s: %v", res.Outcome, res.Err)
					}
				}
			}
			client := func(addr string) *vault.Client {
				c, err := vault.New(vault.Options{Address: addr, Token: srv.RootToken})
				if err != nil {
					b.Fatal(err)
				}
				return c
			}
			addr := srv.URL
			if v.rtt > 0 {
				addr = delayingProxy(b, srv, v.rtt)
			}
			b.StopTimer()
			var total time.Duration
			for i := 0; i < b.N; i++ {
				_, _, l := newRepo(b)
				r := repo.New(client(addr), l)
				writes := plan(r)
				start := time.Now()
				b.StartTimer()
				results := importrun.Import(ctx, r.Creds(), writes, importrun.Options{Stale: repo.ErrIndexStale, Workers: v.workers})
				b.StopTimer()
				total += time.Since(start)
				check(results)
			}
			b.ReportMetric(float64(importBenchCreds*b.N)/total.Seconds(), "creds/s")
			if v.rtt > 0 {
				return
			}

			// the counting pass, untimed
			_, _, l := newRepo(b)
			counter := vaulttest.FaultyVault(b, 0)
			r := repo.New(client(counter.URL), l)
			writes := plan(r)
			counter.ResetRequests()
			check(importrun.Import(ctx, r.Creds(), writes, importrun.Options{Stale: repo.ErrIndexStale, Workers: v.workers}))
			b.ReportMetric(float64(counter.Requests())/importBenchCreds, "requests/cred")
		})
	}
}

// delayingProxy is a proxy in front of the dev Vault that holds each
// request for d before passing it on: a Vault some network away.
func delayingProxy(b *testing.B, srv *devvault.Server, d time.Duration) string {
	target, err := url.Parse(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	tr := vaulttest.CATransport(b, srv.CACertFile)
	tr.MaxIdleConnsPerHost = 64 // no TLS handshake per request to Vault
	proxy.Transport = tr
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		time.Sleep(d)
		proxy.ServeHTTP(w, req)
	}))
	b.Cleanup(s.Close)
	return s.URL
}
