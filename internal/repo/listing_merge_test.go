package repo_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
)

// A listing rebuilt from metadata read before a writer relisted a
// credential keeps that writer's change: a later version, a delete and an
// undelete each win over the older view the rebuild would write.
func TestListingRebuildKeepsRelists(t *testing.T) {
	ctx := context.Background()
	r, c, l := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "ads", Login: "a", Password: "p", Owner: "maria"}); err != nil {
		t.Fatal(err)
	}
	entry := func() map[string]string { // the credential's metadata as it is now
		t.Helper()
		m, err := c.KV().Metadata(ctx, l.KV(), records.CredPath("acme-us", "ads"))
		if err != nil {
			t.Fatal(err)
		}
		out := maps.Clone(m.CustomMetadata)
		if m.Deleted() {
			out[repo.DeletedKey] = "yes"
		}
		return out
	}
	check := func(what string, stale map[string]string) {
		t.Helper()
		want := map[string]map[string]string{"ads": stale}
		same, err := r.CompareListing(ctx, "acme-us", want)
		if err != nil {
			t.Fatal(err)
		}
		if now := entry(); !same || !maps.Equal(want["ads"], now) {
			t.Errorf("%s: the rebuild would write %v (same %v), the credential is now %v", what, want["ads"], same, now)
		}
	}

	before := entry()
	cred, version, err := r.Creds().Get(ctx, "acme-us", "ads")
	if err != nil {
		t.Fatal(err)
	}
	cred.Owner = "tom"
	if err := r.Creds().Update(ctx, cred, version); err != nil {
		t.Fatal(err)
	}
	check("an edit", before)

	live := entry()
	if err := r.Creds().Delete(ctx, "acme-us", "ads"); err != nil {
		t.Fatal(err)
	}
	check("a delete", live)

	deleted := entry()
	if err := r.Creds().Undelete(ctx, "acme-us", "ads"); err != nil {
		t.Fatal(err)
	}
	check("an undelete", deleted)
}

func TestOnlyConflicts(t *testing.T) {
	conflict := &vault.Error{Op: "write record", Path: "p", Kind: vault.ErrConflict}
	sealed := &vault.Error{Op: "write record", Path: "q", Kind: vault.ErrSealed}
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{conflict, true},
		{errors.Join(conflict, conflict), true},
		{errors.Join(conflict, sealed), false},
		{errors.Join(sealed), false},
		{fmt.Errorf("shard 3: %w", conflict), true},
		{errors.New("other"), false},
	} {
		if got := repo.OnlyConflicts(tt.err); got != tt.want {
			t.Errorf("OnlyConflicts(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// A listing shard deleted with Vault's CLI reads as none; the next
// write puts it back instead of conflicting with its deleted version.
func TestListingShardDeletedAroundSellervault(t *testing.T) {
	ctx := context.Background()
	r, c, l := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "ebay", Login: "a", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	shard := repo.ListingShardOf("acme-us", "ebay")
	if err := c.KV().Delete(ctx, l.KV(), shard); err != nil {
		t.Fatal(err)
	}
	cred, version, err := r.Creds().Get(ctx, "acme-us", "ebay")
	if err != nil {
		t.Fatal(err)
	}
	cred.Owner = "lena"
	if err := r.Creds().Update(ctx, cred, version); err != nil {
		t.Fatalf("an edit after its listing shard was deleted: %v", err)
	}
	rec, err := c.KV().Get(ctx, l.KV(), shard)
	if err != nil {
		t.Fatalf("the shard was not written again: %v", err)
	}
	if !strings.Contains(fmt.Sprint(rec.Data), "lena") {
		t.Errorf("the shard written again does not list the edit: %v", rec.Data)
	}
}
