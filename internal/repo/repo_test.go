package repo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/faultproxy"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// newRepo prepares a fresh mount prefix on the shared Vault, with one
// store, and returns a repository on it as root.
func newRepo(t testing.TB) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	return vaulttest.TeamWithStore(t, "repo")
}

// TestConcurrentEdits: 20 goroutines edit one credential at once through
// the real Vault, each read-modify-write adding its own assignee. Every
// write either lands or fails with the conflict error, and every landed
// write is in the final record: no update is silently lost.
func TestConcurrentEdits(t *testing.T) {
	ctx := context.Background()
	r, _, _ := newRepo(t)
	base := records.Credential{Store: "acme-us", Name: "seller-central", Login: "ops@acme.example", Password: "p0"}
	if err := r.Creds().Add(ctx, base); err != nil {
		t.Fatal(err)
	}
	const writers = 20
	var (
		wg       sync.WaitGroup
		read     sync.WaitGroup
		start    = make(chan struct{})
		mu       sync.Mutex
		landed   []string
		conflict int
		other    []error
	)
	read.Add(writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("writer%02d", i)
			cred, version, err := r.Creds().Get(ctx, "acme-us", "seller-central")
			read.Done()
			if err != nil {
				mu.Lock()
				other = append(other, err)
				mu.Unlock()
				return
			}
			<-start // all have read before anyone writes
			cred.Assignees = append(cred.Assignees, name)
			err = r.Creds().Update(ctx, cred, version)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				landed = append(landed, name)
			case errors.Is(err, vault.ErrConflict):
				conflict++
			default:
				other = append(other, err)
			}
		}(i)
	}
	read.Wait()
	close(start)
	wg.Wait()
	if len(other) > 0 {
		t.Fatalf("writes failed other than by conflict: %v", other)
	}
	if len(landed)+conflict != writers {
		t.Fatalf("%d landed + %d conflicts != %d writers", len(landed), conflict, writers)
	}
	if len(landed) != 1 {
		t.Fatalf("%d writes based on the same version landed; check-and-set allows exactly one", len(landed))
	}
	final, version, err := r.Creds().Get(ctx, "acme-us", "seller-central")
	if err != nil {
		t.Fatal(err)
	}
	if version != 2 || strings.Join(final.Assignees, ",") != landed[0] {
		t.Fatalf("final version %d assignees %v, want version 2 with %v", version, final.Assignees, landed)
	}
}

// TestConcurrentEditsWithRetry: writers that retry on conflict all land,
// one after another, and the record ends with every writer's change.
func TestConcurrentEditsWithRetry(t *testing.T) {
	ctx := context.Background()
	r, _, _ := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "ads", Login: "a", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	const writers = 20
	var wg sync.WaitGroup
	var conflicts atomic.Int64
	errs := make(chan error, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for attempt := 0; attempt < 200; attempt++ {
				cred, version, err := r.Creds().Get(ctx, "acme-us", "ads")
				if err != nil {
					errs <- err
					return
				}
				cred.Assignees = append(cred.Assignees, fmt.Sprintf("w%02d", i))
				err = r.Creds().Update(ctx, cred, version)
				if err == nil {
					return
				}
				if !errors.Is(err, vault.ErrConflict) {
					errs <- err
					return
				}
				conflicts.Add(1)
			}
			errs <- fmt.Errorf("writer %d never landed", i)
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	final, version, err := r.Creds().Get(ctx, "acme-us", "ads")
	if err != nil {
		t.Fatal(err)
	}
	if len(final.Assignees) != writers || version != writers+1 {
		t.Fatalf("after %d retried writes (%d conflicts): version %d, %d assignees %v",
			writers, conflicts.Load(), version, len(final.Assignees), final.Assignees)
	}
}

// TestGetIsOneRequest counts the HTTP requests a credential read makes,
// through a counting proxy in front of the real Vault.
func TestGetIsOneRequest(t *testing.T) {
	ctx := context.Background()
	r, _, l := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "a", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	srv, _ := devvault.Shared()
	target, _ := url.Parse(srv.URL)
	var mu sync.Mutex
	var paths []string
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = vaulttest.CATransport(t, srv.CACertFile)
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		paths = append(paths, req.Method+" "+req.URL.Path)
		mu.Unlock()
		proxy.ServeHTTP(w, req)
	}))
	defer counting.Close()
	c, err := vault.New(vault.Options{Address: counting.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	cred, _, err := repo.New(c, l).Creds().Get(ctx, "acme-us", "sc")
	if err != nil || cred.Password != "p" {
		t.Fatalf("get through the proxy: %+v, %v", cred, err)
	}
	if len(paths) != 1 || paths[0] != "GET /v1/"+l.KV()+"/data/stores/acme-us/creds/sc" {
		t.Fatalf("a get made %d requests: %v", len(paths), paths)
	}
}

func TestListsReadMetadataOnly(t *testing.T) {
	ctx := context.Background()
	r, _, _ := newRepo(t)
	for _, n := range []string{"b", "a", "c"} {
		if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: n, Login: "login-" + n, Password: "SECRET-" + n, Owner: "olga"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Creds().Delete(ctx, "acme-us", "c"); err != nil {
		t.Fatal(err)
	}
	list, err := r.Creds().List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Address())
		if c.Password != "" || c.Login != "" {
			t.Errorf("listing carried a value: %+v", c)
		}
		if c.Owner != "olga" {
			t.Errorf("listing lost the owner: %+v", c)
		}
	}
	if !sort.StringsAreSorted(names) || strings.Join(names, " ") != "acme-us/a acme-us/b" {
		t.Fatalf("listed %v, want acme-us/a acme-us/b (deleted c left out)", names)
	}
	if _, err := r.Creds().List(ctx, "acme-xx"); !errors.Is(err, repo.ErrNoStore) || !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("listing an unknown store: %v", err)
	}
}

// A store's credential listing follows every write through the
// repository, and a listing of every store uses it; it is set aside
// (each credential's metadata read instead) when a credential is added or
// destroyed around sellervault; a rebuild makes it whole again. A
// listing of one named store always reads each credential's metadata.
func TestCredentialListing(t *testing.T) {
	ctx := context.Background()
	_, c, l := newRepo(t)
	srv, _ := devvault.Shared()
	proxy, err := faultproxy.Start(srv.URL, srv.CACertFile, 0, faultproxy.Refuse)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	pc, err := vault.New(vault.Options{Address: proxy.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	r := repo.New(pc, l)
	r.SetVerifyUpTo(0)
	const many = 30 // more than the listing's reads
	for i := 0; i < many; i++ {
		if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: fmt.Sprintf("z%02d", i), Login: "l", Password: "p"}); err != nil {
			t.Fatal(err)
		}
	}
	requests := func() int {
		t.Helper()
		proxy.ResetRequests()
		if _, err := r.Creds().List(ctx, ""); err != nil {
			t.Fatal(err)
		}
		return proxy.Requests()
	}
	if n := requests(); n >= many {
		t.Fatalf("listing %d credentials took %d requests: the listing is not used", many, n)
	}
	proxy.ResetRequests()
	if _, err := r.Creds().List(ctx, "acme-us"); err != nil {
		t.Fatal(err)
	}
	if n := proxy.Requests(); n <= many {
		t.Fatalf("a listing of one store took %d requests: its %d credentials' versions were not checked", n, many)
	}
	names := func() string {
		t.Helper()
		creds, err := r.Creds().List(ctx, "acme-us")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, cr := range creds {
			if !strings.HasPrefix(cr.Name, "z") {
				out = append(out, cr.Name+":"+cr.Owner)
			}
		}
		return strings.Join(out, ",")
	}
	for _, n := range []string{"a", "b", "c"} {
		if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: n, Login: "l", Password: "p", Owner: "maria"}); err != nil {
			t.Fatal(err)
		}
	}
	cr, v, err := r.Creds().Get(ctx, "acme-us", "b")
	if err != nil {
		t.Fatal(err)
	}
	cr.Owner = "tom"
	if err := r.Creds().Update(ctx, cr, v); err != nil {
		t.Fatal(err)
	}
	if err := r.Creds().Delete(ctx, "acme-us", "c"); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "a:maria,b:tom" {
		t.Fatalf("after writes: %s", got)
	}
	// The listing alone answers: its shards say so.
	shard, err := c.KV().Get(ctx, l.KV(), "_meta/listing/acme-us/00")
	if err != nil || shard.Data["complete"] != "yes" {
		t.Fatalf("listing shard: %v, %v", shard, err)
	}
	if err := r.Creds().Undelete(ctx, "acme-us", "c"); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "a:maria,b:tom,c:maria" {
		t.Fatalf("after undelete: %s", got)
	}
	// Added around sellervault (Vault's CLI, an older release): the
	// listing no longer matches Vault's names and is not used.
	enc := records.Credential{Store: "acme-us", Name: "d", Owner: "olga"}.Encode()
	if _, err := c.KV().Put(ctx, l.KV(), records.CredPath("acme-us", "d"), enc.Data, 0); err != nil {
		t.Fatal(err)
	}
	if err := c.KV().SetCustomMetadata(ctx, l.KV(), records.CredPath("acme-us", "d"), enc.Metadata); err != nil {
		t.Fatal(err)
	}
	if n := requests(); n < many {
		t.Fatalf("a listing that misses a credential was used (%d requests)", n)
	}
	if got := names(); got != "a:maria,b:tom,c:maria,d:olga" {
		t.Fatalf("with a credential written around the listing: %s", got)
	}
	if err := c.KV().DestroyAll(ctx, l.KV(), records.CredPath("acme-us", "a")); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "b:tom,c:maria,d:olga" {
		t.Fatalf("with a credential destroyed around the listing: %s", got)
	}
	if err := r.Index().RebuildListings(ctx); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "b:tom,c:maria,d:olga" {
		t.Fatalf("after a rebuild: %s", got)
	}
	if n := requests(); n >= many {
		t.Fatalf("the rebuilt listing is not used (%d requests)", n)
	}
}
