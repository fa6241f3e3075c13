package repo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/rotation"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
	"github.com/sellervault/sellervault/policies"
)

// Shape of the rotation fixture: credentials spread over benchStores
// stores, plus a few mailboxes and phones, payout records on every other
// store, and some deleted credentials that must not be reported.
const (
	benchStores    = 20
	benchMailboxes = 5
	benchPhones    = 5
	benchDeleted   = 10
)

// BenchmarkRotationStatus times what `sellervault rotation status` does
// (Rotation().Items over every store, then rotation.Report) against the
// in-process dev Vault, with 10,000 and 20,000 credentials, and in the
// same iteration a plain sequential read of the same metadata (list each
// folder, then one metadata read per key, one after another). Status
// reads each store's credential listing (one list request and
// repo.ListingShards reads per store) instead of each credential's
// metadata; the baseline is what it did before the listings.
//
// ns/op is the status pass alone; the metrics are:
//
//	status-ms/op      the status pass (Rotation().Items + Report)
//	sequential-ms/op  the sequential baseline over the same records
//	seq/status        how many times faster status is than the baseline
//	requests/op       Vault requests of one status pass
//	seq-requests/op   Vault requests of one baseline pass
//	verifying-ms/op, verifying-requests/op
//	                  a status pass when every store's listing is older
//	                  than repo.ListingMaxAge: each credential's mirror is
//	                  checked against its version, and the listings are
//	                  written again (what a manager's first status pass
//	                  after ten quiet minutes costs)
//	status-cpu-ms/op, sequential-cpu-ms/op
//	                  CPU time of the process (client and the in-process
//	                  Vault together) during each pass, where /proc is
//	                  there: steadier than wall time on a shared machine,
//	                  and on N idle cores the status pass cannot take less
//	                  than its CPU time over N
//	x10k, x10k-cpu    (20,000 only) status wall (CPU) time over the mean
//	                  of the 10,000 case's runs in this process
//
// Each iteration uses a fresh client, as each CLI run does, so its
// connections start cold. The records (half a minute of setup on 2
// cores, not timed) are written once per process, both sizes before any
// timing (even when -bench selects one), and reused by every iteration
// and -count round.
// Requests are counted in one extra, untimed pass of each through a
// counting proxy, so that the proxy's hop is not part of the timings.
// Run:
//
//	go test -run '^$' -bench RotationStatus -benchtime 1x -count 3 ./internal/repo/
func BenchmarkRotationStatus(b *testing.B) {
	srv, err := devvault.Shared()
	if err != nil {
		b.Fatal(err)
	}
	b.Setenv("VAULT_CACERT", srv.CACertFile)
	b.Setenv("VAULT_MAX_RETRIES", "0")
	// Both sizes are written before anything is timed, so that both are
	// timed against the same server (the same heap, the same stored data).
	sizes := []int{10000, 20000}
	fixtures := make([]*rotFixture, len(sizes))
	for i, n := range sizes {
		fixtures[i] = rotationFixture(b, srv, n)
	}
	for i, n := range sizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			benchRotationStatus(b, srv, fixtures[i])
		})
	}
}

// verifyingAhead counts the verifying passes of this process: each runs
// its clock further ahead than the listings the last one wrote.
var verifyingAhead atomic.Int64

// status10k sums the status passes of the 10,000 case in this process.
var status10k struct {
	sync.Mutex
	wall, cpu time.Duration
	n         int
}

func benchRotationStatus(b *testing.B, srv *devvault.Server, fx *rotFixture) {
	ctx := context.Background()
	defaults, err := rotation.ParseDefaults(policies.RotationDefaults())
	if err != nil {
		b.Fatal(err)
	}
	statusAt := func(c *vault.Client, now time.Time) int {
		r := repo.New(c, fx.layout)
		r.SetClock(func() time.Time { return now })
		items, err := r.Rotation().Items(ctx, "")
		if err != nil {
			b.Fatal(err)
		}
		return len(rotation.Report(items, defaults, time.Now(), 14*24*time.Hour))
	}
	status := func(c *vault.Client) int { return statusAt(c, time.Now()) }
	// verifying: every store's listing older than repo.ListingMaxAge, so
	// every credential's mirror is checked against its version (and the
	// listings written again, verified now)
	// (each later than the listings the last one wrote, dated by its clock)
	verifying := func(c *vault.Client) int {
		return statusAt(c, time.Now().Add(time.Duration(verifyingAhead.Add(1))*(repo.ListingMaxAge+time.Minute)))
	}
	sequential := func(c *vault.Client) int {
		n, err := sequentialMetadata(ctx, c, fx.layout.KV())
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	newClient := func(addr string) *vault.Client {
		c, err := vault.New(vault.Options{Address: addr, Token: srv.RootToken})
		if err != nil {
			b.Fatal(err)
		}
		return c
	}

	// Counting pass, untimed; it also checks both passes see every record.
	counter := &requestCounter{}
	proxyURL := counter.start(b, srv)
	if got := status(newClient(proxyURL)); got != fx.items {
		b.Fatalf("status reported %d items, want %d", got, fx.items)
	}
	statusRequests := counter.n.Swap(0)
	if got := sequential(newClient(proxyURL)); got != fx.items {
		b.Fatalf("sequential read found %d live records, want %d", got, fx.items)
	}
	seqRequests := counter.n.Swap(0)
	if got := verifying(newClient(proxyURL)); got != fx.items {
		b.Fatalf("a verifying status reported %d items, want %d", got, fx.items)
	}
	verifyRequests := counter.n.Swap(0)

	b.ResetTimer()
	b.StopTimer()
	var statusTime, seqTime, statusCPU, seqCPU, verifyTime time.Duration
	for i := 0; i < b.N; i++ {
		c0 := newClient(srv.URL)
		runtime.GC()
		start0 := time.Now()
		verifying(c0)
		verifyTime += time.Since(start0)

		c := newClient(srv.URL)
		runtime.GC() // the fixture's or the last pass's garbage is not this pass's
		start, cpu := time.Now(), processCPU()
		sequential(c)
		seqTime += time.Since(start)
		seqCPU += processCPU() - cpu

		c = newClient(srv.URL)
		runtime.GC()
		start, cpu = time.Now(), processCPU()
		b.StartTimer()
		status(c)
		b.StopTimer()
		statusTime += time.Since(start)
		statusCPU += processCPU() - cpu
	}
	perOp := func(d time.Duration) float64 { return float64(d) / float64(b.N) / float64(time.Millisecond) }
	b.ReportMetric(perOp(statusTime), "status-ms/op")
	b.ReportMetric(perOp(seqTime), "sequential-ms/op")
	b.ReportMetric(float64(seqTime)/float64(statusTime), "seq/status")
	b.ReportMetric(perOp(verifyTime), "verifying-ms/op")
	b.ReportMetric(float64(verifyRequests), "verifying-requests/op")
	b.ReportMetric(float64(statusRequests), "requests/op")
	b.ReportMetric(float64(seqRequests), "seq-requests/op")
	if statusCPU > 0 {
		b.ReportMetric(perOp(statusCPU), "status-cpu-ms/op")
		b.ReportMetric(perOp(seqCPU), "sequential-cpu-ms/op")
	}
	status10k.Lock()
	defer status10k.Unlock()
	switch fx.creds {
	case 10000:
		status10k.wall += statusTime
		status10k.cpu += statusCPU
		status10k.n += b.N
	case 20000:
		if n := time.Duration(status10k.n); n > 0 {
			b.ReportMetric(float64(statusTime/time.Duration(b.N))/float64(status10k.wall/n), "x10k")
			if status10k.cpu > 0 && statusCPU > 0 {
				b.ReportMetric(float64(statusCPU/time.Duration(b.N))/float64(status10k.cpu/n), "x10k-cpu")
			}
		}
	}
}

// processCPU is the CPU time (user and system) this process has used so
// far, from /proc/self/stat, or 0 where there is no such file. The dev
// Vault runs in this process, so it counts client and server together.
func processCPU() time.Duration {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name in parentheses: state is the first,
	// utime and stime (in clock ticks, 100 a second) the 12th and 13th.
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// sequentialMetadata is the baseline: every folder Rotation().Items reads,
// listed, then one metadata read per key, one request at a time. It
// returns the number of live records with a rotation item.
func sequentialMetadata(ctx context.Context, c *vault.Client, mount string) (int, error) {
	live := 0
	readDir := func(dir string) ([]string, error) {
		keys, err := c.KV().List(ctx, mount, dir)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, k := range keys {
			if strings.HasSuffix(k, "/") {
				continue
			}
			meta, err := c.KV().Metadata(ctx, mount, dir+"/"+k)
			if err != nil {
				return nil, err
			}
			if !meta.Deleted() {
				names = append(names, k)
			}
		}
		return names, nil
	}
	stores, err := readDir(records.StoreDir())
	if err != nil {
		return 0, err
	}
	for _, s := range stores {
		creds, err := readDir(records.CredDir(s))
		if err != nil {
			return 0, err
		}
		live += len(creds)
	}
	for _, dir := range []string{records.MailboxDir, records.PhoneDir} {
		names, err := readDir(dir)
		if err != nil {
			return 0, err
		}
		live += len(names)
	}
	for _, s := range stores {
		_, err := c.KV().Metadata(ctx, mount, records.StorePath(s)+"/payout")
		if errors.Is(err, vault.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		live++
		// and the last verification, recorded beside the payout record
		if _, err := c.KV().Metadata(ctx, mount, "verifications/payout/"+s); err != nil && !errors.Is(err, vault.ErrNotFound) {
			return 0, err
		}
	}
	return live, nil
}

// rotFixture is a mount prefix filled with records.
type rotFixture struct {
	layout vault.Layout
	creds  int // live credentials
	items  int // rotation items expected
}

var rotFixtures struct {
	sync.Mutex
	m map[int]*rotFixture
}

// rotationFixture returns a fresh mount prefix holding n live credentials
// (and the rest of the fixture), written once per process.
func rotationFixture(b *testing.B, srv *devvault.Server, n int) *rotFixture {
	b.Helper()
	rotFixtures.Lock()
	defer rotFixtures.Unlock()
	if fx := rotFixtures.m[n]; fx != nil {
		return fx
	}
	ctx := context.Background()
	started := time.Now()
	r, c, l := vaulttest.Team(b, "rot")
	stores := make([]string, benchStores)
	for i := range stores {
		stores[i] = storeName(i)
		if err := r.Stores().Add(ctx, records.Store{Name: stores[i], Marketplace: "amazon", Region: "us"}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < benchMailboxes; i++ {
		if err := r.Contacts().AddMailbox(ctx, records.Mailbox{Address: fmt.Sprintf("ops%d@acme.example", i), Password: "p",
			Assignee: fmt.Sprintf("staff-%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < benchPhones; i++ {
		if err := r.Contacts().AddPhone(ctx, records.Phone{Number: fmt.Sprintf("+1415555%04d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	payouts := 0
	for i, s := range stores {
		if i%2 != 0 {
			continue
		}
		path := records.StorePath(s) + "/payout"
		if _, err := c.KV().Put(ctx, l.KV(), path, map[string]interface{}{"iban": "DE89370400440532013000"}, 0); err != nil {
			b.Fatal(err)
		}
		if err := c.KV().SetCustomMetadata(ctx, l.KV(), path, map[string]string{
			"approved_at": now.AddDate(0, 0, -400).Format(time.RFC3339),
			"verify_due":  now.AddDate(0, 0, -i).Format(time.RFC3339),
		}); err != nil {
			b.Fatal(err)
		}
		if i%4 == 0 { // verified since, on half of them
			path := "verifications/payout/" + s
			if _, err := c.KV().Put(ctx, l.KV(), path, map[string]interface{}{"by": "finance"}, 0); err != nil {
				b.Fatal(err)
			}
			if err := c.KV().SetCustomMetadata(ctx, l.KV(), path, map[string]string{
				"verified_at": now.Format(time.RFC3339),
			}); err != nil {
				b.Fatal(err)
			}
		}
		payouts++
	}

	// Credentials, written straight to KV (data, then custom metadata, as
	// Creds().Add does after its checks), a few at a time.
	work := make(chan int)
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				cred := records.Credential{Store: stores[i%benchStores], Name: fmt.Sprintf("login-%05d", i),
					Login: fmt.Sprintf("ops+%d@acme.example", i), Password: "p", Owner: fmt.Sprintf("staff-%d", i%7),
					Assignees: []string{fmt.Sprintf("staff-%d", (i+1)%7)}, UpdatedBy: "root",
					Rotation: records.Rotation{Every: 90 * 24 * time.Hour, LastRotated: now.Add(-time.Duration(i%120) * 24 * time.Hour)}}
				if i%97 == 0 {
					cred.Rotation = records.Rotation{DueSince: now.Add(-time.Hour)}
				}
				enc := cred.Encode()
				path := records.CredPath(cred.Store, cred.Name)
				_, err := c.KV().Put(ctx, l.KV(), path, enc.Data, 0)
				if err == nil {
					err = c.KV().SetCustomMetadata(ctx, l.KV(), path, enc.Metadata)
				}
				if err == nil && i >= n {
					err = c.KV().Delete(ctx, l.KV(), path)
				}
				if err != nil {
					failed.CompareAndSwap(nil, &err)
				}
			}
		}()
	}
	for i := 0; i < n+benchDeleted && failed.Load() == nil; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	// Written around the repository, so the stores' listings are
	// rebuilt, as `redact --reindex` does (without them, status reads
	// each credential's metadata: the sequential baseline's requests).
	if err := r.Index().RebuildListings(ctx); err != nil {
		b.Fatal(err)
	}
	fx := &rotFixture{layout: l, creds: n, items: n + benchMailboxes + benchPhones + payouts}
	if rotFixtures.m == nil {
		rotFixtures.m = map[int]*rotFixture{}
	}
	rotFixtures.m[n] = fx
	b.Logf("fixture: %d credentials (+%d deleted) in %d stores, %d mailboxes, %d phones, %d payouts, written in %s",
		n, benchDeleted, benchStores, benchMailboxes, benchPhones, payouts, time.Since(started).Round(time.Millisecond))
	return fx
}

// requestCounter is a proxy in front of the dev Vault that counts
// requests; its own connections to Vault are kept alive.
type requestCounter struct{ n atomic.Int64 }

func (rc *requestCounter) start(b *testing.B, srv *devvault.Server) string {
	target, err := url.Parse(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	tr := vaulttest.CATransport(b, srv.CACertFile)
	tr.MaxIdleConnsPerHost = 64
	proxy.Transport = tr
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rc.n.Add(1)
		proxy.ServeHTTP(w, req)
	}))
	b.Cleanup(func() {
		s.Close()
		tr.CloseIdleConnections()
	})
	return s.URL
}

// storeName is the name of the fixture's ith store.
func storeName(i int) string { return fmt.Sprintf("shop-%02d", i) }
