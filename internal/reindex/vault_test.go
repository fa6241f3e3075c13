package reindex_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/reindex"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// The record store's facets are what a rebuild works through.
var (
	_ reindex.Index     = repo.Index{}
	_ reindex.Inventory = repo.Rotation{}
	_ reindex.Creds     = repo.Creds{}
	_ reindex.Contacts  = repo.Contacts{}
	_ reindex.Payouts   = repo.Payouts{}
	_ reindex.Mirrors   = repo.Mirrors{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// A rebuild against the real Vault, through the store, after a rotation
// that the index followed: it indexes the credential's current values
// and counts them, and the index finds them. A password changed with
// Vault's API then makes the store's audience lag: a dry run names it
// and writes nothing, the check rebuilds it, and a second check finds
// nothing.
func TestReindexAgainstVault(t *testing.T) {
	ctx := context.Background()
	r, c, l := vaulttest.TeamWithStore(t, "reindex")
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "seller-login", Password: "first-Secret-1"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Rotation().MarkRotated(ctx, "acme-us", "sc", "second-Secret-2", time.Now()); err != nil {
		t.Fatal(err)
	}
	find := func(text string) []string {
		t.Helper()
		o, err := r.Index().RedactOptions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		findings, err := redact.Scan(ctx, strings.NewReader(text), o)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, f := range findings {
			kinds = append(kinds, f.Kind)
		}
		return kinds
	}
	d := connect.ReindexDeps(r)
	rep, err := reindex.Run(ctx, d)
	if err != nil || rep.Records != 1 || rep.Entries != 2 || rep.Audiences != 1 {
		t.Fatalf("reindex: %+v, %v", rep, err)
	}
	if got := find("second-Secret-2 seller-login"); len(got) != 2 {
		t.Fatalf("after reindex: %v", got)
	}
	if got := find("first-Secret-1"); len(got) != 0 {
		t.Fatalf("the replaced password is in the rebuilt index: %v", got)
	}
	if lagging, err := reindex.RebuildLagging(ctx, d, false); err != nil || len(lagging) != 0 {
		t.Fatalf("after the rebuild, lagging %v, %v", lagging, err)
	}

	path := records.CredPath("acme-us", "sc")
	rec, err := c.KV().Get(ctx, l.KV(), path)
	if err != nil {
		t.Fatal(err)
	}
	rec.Data["password"] = "third-Secret-3"
	if _, err := c.KV().Put(ctx, l.KV(), path, rec.Data, rec.Version); err != nil {
		t.Fatal(err)
	}
	audience := []string{vault.StoreAudience("acme-us")}
	dry, err := reindex.RebuildLagging(ctx, d, true)
	if err != nil || !slices.Equal(dry, audience) {
		t.Fatalf("dry run: lagging %v, %v", dry, err)
	}
	if got := find("third-Secret-3"); len(got) != 0 {
		t.Fatalf("the dry run rebuilt the index: %v", got)
	}
	done, err := reindex.RebuildLagging(ctx, d, false)
	if err != nil || !slices.Equal(done, audience) {
		t.Fatalf("lagging %v, %v", done, err)
	}
	if got := find("third-Secret-3 second-Secret-2"); !slices.Equal(got, []string{"password"}) {
		t.Fatalf("after the rebuild: %v", got)
	}
	if again, err := reindex.RebuildLagging(ctx, d, false); err != nil || len(again) != 0 {
		t.Fatalf("run again: lagging %v, %v", again, err)
	}
}
