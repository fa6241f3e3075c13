package repo_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
)

// TestDoctor: a credential edited with Vault's API (its owner changed
// around sellervault), one whose metadata was lost, and an offboarding
// cut off by a failed write. A dry run finds everything and changes
// nothing; doctor repairs it all, and a second run finds nothing.
func TestDoctor(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	r, c, l := newRepo(t)
	leaver, successor := "leaver-"+l.Prefix, "boss-"+l.Prefix
	offboardFixture(t, r, leaver, successor)

	// the owner of ads changed with Vault's API: data only
	path := records.CredPath("acme-us", "ads")
	rec, err := c.KVGet(ctx, l.KV(), path)
	if err != nil {
		t.Fatal(err)
	}
	rec.Data["owner"] = "tom"
	if _, err := c.KVPut(ctx, l.KV(), path, rec.Data, rec.Version); err != nil {
		t.Fatal(err)
	}
	// seller-central's mirror lost (a write that stopped after the data)
	if err := c.KVSetCustomMetadata(ctx, l.KV(), records.CredPath("acme-us", "seller-central"), map[string]string{}); err != nil {
		t.Fatal(err)
	}
	// an offboarding stopped at its third write
	srv, _ := devvault.Shared()
	faults := faultyVault(t, 3)
	fc, err := vault.New(vault.Options{Address: faults.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.New(fc, l).Offboard(ctx, leaver, successor, false, time.Now); err == nil || !faults.Failed() {
		t.Fatalf("the offboarding did not fail: %v", err)
	}

	owners := func() string {
		t.Helper()
		creds, err := r.ListCredentials(ctx, "acme-us")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, cr := range creds {
			out = append(out, cr.Name+"="+cr.Owner)
		}
		items, err := r.RotationItems(ctx, "acme-us")
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			out = append(out, "item "+it.ID+"="+it.Owner)
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	metadata := func() string {
		t.Helper()
		var out []string
		for _, name := range []string{"ads", "seller-central"} {
			meta, err := c.KVMetadata(ctx, l.KV(), records.CredPath("acme-us", name))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(name, meta.CustomMetadata))
		}
		return strings.Join(out, "\n")
	}
	stale := metadata()
	if strings.Contains(stale, "owner:tom") {
		t.Fatalf("the metadata already shows the edit (the test proves nothing): %s", stale)
	}

	plan, err := r.Doctor(ctx, true, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"acme-us/ads: owner", "acme-us/seller-central: "}
	if len(plan.Mirrors) != 2 || plan.Mirrors[0] != want[0] || !strings.HasPrefix(plan.Mirrors[1], want[1]) ||
		!slices.Contains(plan.Listings, "acme-us") || !slices.Equal(plan.Offboardings, []string{leaver + " to " + successor}) {
		t.Fatalf("dry run found mirrors %q, listings %v, offboardings %v", plan.Mirrors, plan.Listings, plan.Offboardings)
	}
	if got := metadata(); got != stale {
		t.Fatalf("a dry run changed the metadata:\n%s\n%s", stale, got)
	}

	done, err := r.Doctor(ctx, false, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(done.Mirrors, done.Listings, done.Offboardings) != fmt.Sprint(plan.Mirrors, plan.Listings, plan.Offboardings) {
		t.Errorf("the repair found other things than the plan: %v %v %v", done.Mirrors, done.Listings, done.Offboardings)
	}
	if got := owners(); !strings.Contains(got, "ads=tom") || !strings.Contains(got, "item acme-us/ads=tom") || !strings.Contains(got, "seller-central="+successor) {
		t.Fatalf("after doctor, cred list and rotation status show %s", got)
	}
	checkOffboarded(t, c, r, l, leaver, successor)
	meta, err := c.KVMetadata(ctx, l.KV(), records.CredPath("acme-us", "seller-central"))
	if err != nil || meta.CustomMetadata["store"] != "acme-us" || meta.CustomMetadata["kind"] == "" {
		t.Fatalf("the lost mirror was not written again: %v, %v", meta, err)
	}

	again, err := r.Doctor(ctx, false, time.Now)
	if err != nil || again.Found() || again.Credentials != 2 {
		t.Fatalf("a second run found %v %v %v (%d credentials), %v", again.Mirrors, again.Listings, again.Offboardings, again.Credentials, err)
	}
}
