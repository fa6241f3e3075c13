package hatest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hashicorp/vault/helper/testhelpers"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/totp"
	"github.com/sellervault/sellervault/internal/vault"
)

// TestRaftSnapshotRestoresTOTP follows deploy/README.md's snapshot
// procedure: a snapshot taken from the active node of one cluster,
// restored (forced) into a fresh cluster, gives working 2-step codes for
// the seeds the first one held, which `sellervault backup` cannot carry;
// the restored cluster seals itself and opens only with the first
// cluster's unseal keys.
func TestRaftSnapshotRestoresTOTP(t *testing.T) {
	ctx := context.Background()
	first := startCluster(t)
	t.Setenv("VAULT_CACERT", first.CACertPEMFile)
	t.Setenv("VAULT_MAX_RETRIES", "2")
	active := testhelpers.WaitForActiveNode(t, first)
	c, err := vault.New(vault.Options{Address: active.Client.Address(), Token: first.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := vault.NewLayout("sellervault")
	r := repo.New(c, l)
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l}); err != nil {
		t.Fatal(err)
	}
	if err := r.Stores().Add(ctx, records.Store{Name: "acme-us", Marketplace: "amazon", Region: "us"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "seller-central", Login: "ops@acme.example", Password: "CANARY-snap"}); err != nil {
		t.Fatal(err)
	}
	key, err := totp.Parse("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.TOTP().Add(ctx, "acme-us", "seller-central", key, false, time.Now); err != nil {
		t.Fatal(err)
	}
	var snap bytes.Buffer
	if err := active.Client.Sys().RaftSnapshotWithContext(ctx, &snap); err != nil {
		t.Fatalf("snapshot from the active node: %v", err)
	}

	second := startCluster(t)
	active2 := testhelpers.WaitForActiveNode(t, second)
	if err := active2.Client.Sys().RaftSnapshotRestoreWithContext(ctx, bytes.NewReader(snap.Bytes()), true); err != nil {
		t.Fatalf("restore into the fresh cluster: %v", err)
	}
	// The restored data is sealed with the first cluster's keys: the fresh
	// cluster seals itself, and opens only with those.
	deadline := time.Now().Add(60 * time.Second)
	for !active2.Core.Sealed() {
		if time.Now().After(deadline) {
			t.Fatal("the fresh cluster still runs on its own keys 60 s after the restore")
		}
		time.Sleep(100 * time.Millisecond)
	}
	testhelpers.EnsureCoresSealed(t, second)
	second.BarrierKeys = first.BarrierKeys
	testhelpers.EnsureCoresUnsealed(t, second)
	testhelpers.WaitForActiveNode(t, second)
	checkCode := func(why string) {
		t.Helper()
		active := testhelpers.DeriveStableActiveCore(t, second)
		t.Setenv("VAULT_CACERT", second.CACertPEMFile)
		c2, err := vault.New(vault.Options{Address: active.Client.Address(), Token: first.RootToken})
		if err != nil {
			t.Fatal(err)
		}
		code, _, err := repo.New(c2, l).TOTP().Code(ctx, "acme-us", "seller-central")
		if err != nil {
			t.Fatalf("%s: a code from the restored cluster: %v", why, err)
		}
		now := time.Now()
		for _, at := range []time.Time{now, now.Add(-30 * time.Second), now.Add(30 * time.Second)} {
			if want, _ := totp.Code(key, at); want == code {
				return
			}
		}
		t.Fatalf("%s: the restored cluster's code %s is not the seed's", why, code)
	}
	checkCode("after the restore, unsealed with the first cluster's keys")
}
