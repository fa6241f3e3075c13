package repo_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/rotation"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/policies"
)

// BenchmarkMemberViews times a staff member's views with their own token:
// `store list`, `cred list`, `totp list` and `rotation status`, for a
// member of 20 stores with 500 credentials each (the rotation fixture's
// 10,000), against the in-process dev Vault. In the same iteration, the
// baseline lists the same credentials the way listings worked before the
// stores' credential listings: for each store a list request and one
// metadata read per credential, eight at a time.
//
//	views-ms/op, baseline-ms/op  wall time of each pass
//	requests/op, baseline-requests/op
//	                             Vault requests of each pass
//
//	go test -run '^$' -bench MemberViews -benchtime 1x -count 2 ./internal/repo/
func BenchmarkMemberViews(b *testing.B) {
	ctx := context.Background()
	srv, err := devvault.Shared()
	if err != nil {
		b.Fatal(err)
	}
	b.Setenv("VAULT_CACERT", srv.CACertFile)
	fx := rotationFixture(b, srv, 10000)
	root, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		b.Fatal(err)
	}
	stores := make([]string, benchStores)
	for i := range stores {
		stores[i] = storeName(i)
	}
	name := "bench-member-" + fx.layout.Prefix
	if _, err := access.EnsurePerson(ctx, root, fx.layout, access.Person{Name: name, Role: "staff", Stores: stores}, "a-long-bench-password", time.Now()); err != nil {
		b.Fatal(err)
	}
	token, err := root.Userpass().Login(ctx, vault.UserpassMount, name, "a-long-bench-password")
	if err != nil {
		b.Fatal(err)
	}
	defaults, err := rotation.ParseDefaults(policies.RotationDefaults())
	if err != nil {
		b.Fatal(err)
	}
	client := func(addr string) *vault.Client {
		c, err := vault.New(vault.Options{Address: addr, Token: token})
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	views := func(c *vault.Client) int {
		r := repo.New(c, fx.layout)
		if s, err := r.Stores().List(ctx); err != nil || len(s) != benchStores {
			b.Fatalf("store list: %d stores, %v", len(s), err)
		}
		creds, err := r.Creds().List(ctx, "")
		if err != nil || len(creds) != fx.creds {
			b.Fatalf("cred list: %d credentials, %v", len(creds), err)
		}
		if _, err := r.TOTP().List(ctx); err != nil {
			b.Fatal(err)
		}
		items, err := r.Rotation().Items(ctx, "")
		if err != nil {
			b.Fatal(err)
		}
		return len(rotation.Report(items, defaults, time.Now(), 14*24*time.Hour))
	}
	baseline := func(c *vault.Client) int {
		live := 0
		for _, s := range stores {
			keys, err := c.KV().List(ctx, fx.layout.KV(), records.CredDir(s))
			if err != nil {
				b.Fatal(err)
			}
			var mu sync.Mutex
			work := make(chan string)
			var wg sync.WaitGroup
			for w := 0; w < 8; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := range work {
						meta, err := c.KV().Metadata(ctx, fx.layout.KV(), records.CredDir(s)+"/"+k)
						if err != nil {
							b.Error(err)
							continue
						}
						if !meta.Deleted() {
							mu.Lock()
							live++
							mu.Unlock()
						}
					}
				}()
			}
			for _, k := range keys {
				if !strings.HasSuffix(k, "/") {
					work <- k
				}
			}
			close(work)
			wg.Wait()
		}
		return live
	}

	counter := &requestCounter{}
	proxyURL := counter.start(b, srv)
	if got := views(client(proxyURL)); got != fx.creds {
		b.Fatalf("rotation status of the member: %d items, want %d", got, fx.creds)
	}
	viewRequests := counter.n.Swap(0)
	if got := baseline(client(proxyURL)); got != fx.creds {
		b.Fatalf("baseline: %d credentials, want %d", got, fx.creds)
	}
	baseRequests := counter.n.Swap(0)

	b.ResetTimer()
	b.StopTimer()
	var viewTime, baseTime time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		baseline(client(srv.URL))
		baseTime += time.Since(start)
		start = time.Now()
		b.StartTimer()
		views(client(srv.URL))
		b.StopTimer()
		viewTime += time.Since(start)
	}
	perOp := func(d time.Duration) float64 { return float64(d) / float64(b.N) / float64(time.Millisecond) }
	b.ReportMetric(perOp(viewTime), "views-ms/op")
	b.ReportMetric(perOp(baseTime), "baseline-ms/op")
	b.ReportMetric(float64(viewRequests), "requests/op")
	b.ReportMetric(float64(baseRequests), "baseline-requests/op")
}
