package repo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// An owner changed with Vault's API (the data only, as `vault kv patch`
// does) shows at once in a listing of its store, for a staff member of
// the store (read through from the data; they may not repair) and for a
// manager (whose listing repairs the metadata and the store's listing,
// after which every listing shows it), and in a listing of every store
// for a small store; for a big store, once its listing is older than
// repo.ListingMaxAge. The reminder job, which may not read the data,
// gets the entry marked.
func TestListingsShowEditsAroundSellervault(t *testing.T) {
	ctx := context.Background()
	r, c, l := newRepo(t)
	for _, n := range []string{"ads", "seller-central"} {
		if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: n, Login: "l", Password: "CANARY-" + n, Owner: "maria"}); err != nil {
			t.Fatal(err)
		}
	}
	path := records.CredPath("acme-us", "ads")
	setOwner := func(owner string) { vaulttest.EditAround(t, c, l, path, "owner", owner) }
	owners := func(r *repo.Repo, store string) string {
		t.Helper()
		creds, err := r.Creds().List(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, cr := range creds {
			s := cr.Name + "=" + cr.Owner
			if cr.MirrorStale {
				s += "(stale)"
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	metaOwner := func() string {
		t.Helper()
		meta, err := c.KV().Metadata(ctx, l.KV(), path)
		if err != nil {
			t.Fatal(err)
		}
		return meta.CustomMetadata["owner"]
	}

	// A store this small is verified on every listing, even of every
	// store, its listing verified a moment ago; the manager's listing
	// repairs the metadata.
	setOwner("tom")
	if got := owners(r, ""); got != "ads=tom seller-central=maria" {
		t.Fatalf("a listing of a small store answered %q", got)
	}
	if got := metaOwner(); got != "tom" {
		t.Fatalf("the manager's listing left the metadata with owner %q", got)
	}

	// A big store's listing, verified a moment ago, answers a listing of
	// every store, and does not know yet.
	setOwner("lena")
	big := repo.New(c, l)
	big.SetVerifyUpTo(0)
	if got := owners(big, ""); got != "ads=tom seller-central=maria" {
		t.Fatalf("a big store's listing verified a moment ago answered %q", got)
	}

	staff, _ := vaulttest.Member(t, c, l, "staff", "acme-us")
	if got := owners(staff, "acme-us"); got != "ads=lena seller-central=maria" {
		t.Fatalf("a staff member's listing of the store shows %q", got)
	}
	if got := metaOwner(); got != "tom" {
		t.Fatalf("a staff member's listing wrote the metadata (owner %q)", got)
	}

	reminder := reminderRepo(t, c, l)
	if got := owners(reminder, "acme-us"); got != "ads=tom(stale) seller-central=maria" {
		t.Fatalf("the reminder job's listing shows %q", got)
	}

	// a listing of every store, once the listing is older than its age
	later := repo.New(c, l)
	later.SetVerifyUpTo(0)
	later.SetClock(func() time.Time { return time.Now().Add(repo.ListingMaxAge + time.Minute) })
	if got := owners(later, ""); got != "ads=lena seller-central=maria" {
		t.Fatalf("a listing older than its age answered %q", got)
	}

	// that listing repaired the metadata and the store's listing: the big
	// store's listing shows the edit at once, and so does rotation status
	if got := metaOwner(); got != "lena" {
		t.Fatalf("the manager's listing left the metadata with owner %q", got)
	}
	if got := owners(big, ""); got != "ads=lena seller-central=maria" {
		t.Fatalf("after the repair, a listing of every store shows %q", got)
	}
	items, err := big.Rotation().Items(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.ID == "acme-us/ads" && it.Owner != "lena" {
			t.Fatalf("rotation status shows %s owned by %q", it.ID, it.Owner)
		}
	}
	meta, err := c.KV().Metadata(ctx, l.KV(), path)
	if err != nil || !records.Fresh(meta.CustomMetadata, meta.CurrentVersion) {
		t.Fatalf("the repaired mirror is not stamped with version %d: %v, %v", meta.CurrentVersion, meta.CustomMetadata, err)
	}
	for k, v := range meta.CustomMetadata {
		if strings.Contains(v, "CANARY") {
			t.Fatalf("the repaired mirror holds a value in %s", k)
		}
	}
}

// reminderRepo is a repository with the reminder job's AppRole token.
func reminderRepo(t *testing.T, root *vault.Client, l vault.Layout) *repo.Repo {
	t.Helper()
	token, err := root.AppRoles().Login(context.Background(), vault.AppRoleMount, l.ReminderRole())
	if err != nil {
		t.Fatal(err)
	}
	c, err := root.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	return repo.New(c, l)
}
