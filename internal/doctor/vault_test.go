package doctor_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/doctor"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/offboard/offboardtest"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/reindex"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// The record store's facets, and the reindex workflow's lagging check,
// are what doctor works through.
var (
	_ doctor.Index        = reindex.Lagging{}
	_ doctor.Offboardings = repo.Members{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// deps are the store's facets doctor works through.
func deps(r *repo.Repo) doctor.Deps {
	return connect.DoctorDeps(r)
}

// TestDoctor: a credential edited with Vault's API (its owner changed
// around sellervault), one whose metadata was lost, and an offboarding
// cut off by a failed write. A dry run finds everything and changes
// nothing; doctor repairs it all, and a second run finds nothing.
func TestDoctor(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	r, c, l := vaulttest.TeamWithStore(t, "doctor")
	leaver, successor := "leaver-"+l.Prefix, "boss-"+l.Prefix
	offboardtest.Fixture(t, r, leaver, successor)

	// the owner of ads changed with Vault's API: data only
	vaulttest.EditAround(t, c, l, records.CredPath("acme-us", "ads"), "owner", "tom")
	// seller-central's mirror lost (a write that stopped after the data)
	if err := c.KV().SetCustomMetadata(ctx, l.KV(), records.CredPath("acme-us", "seller-central"), map[string]string{}); err != nil {
		t.Fatal(err)
	}
	// an offboarding stopped at its third write
	faults, fc := offboardtest.FaultyVault(t, 3)
	if _, err := offboard.Run(ctx, connect.OffboardDeps(repo.New(fc, l)), leaver, successor, false, time.Now); err == nil || !faults.Failed() {
		t.Fatalf("the offboarding did not fail: %v", err)
	}

	owners := func() string {
		t.Helper()
		creds, err := r.Creds().List(ctx, "acme-us")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, cr := range creds {
			out = append(out, cr.Name+"="+cr.Owner)
		}
		items, err := r.Rotation().Items(ctx, "acme-us")
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
			meta, err := c.KV().Metadata(ctx, l.KV(), records.CredPath("acme-us", name))
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

	plan, err := doctor.Run(ctx, deps(r), true, time.Now)
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

	done, err := doctor.Run(ctx, deps(r), false, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(done.Mirrors, done.Listings, done.Offboardings) != fmt.Sprint(plan.Mirrors, plan.Listings, plan.Offboardings) {
		t.Errorf("the repair found other things than the plan: %v %v %v", done.Mirrors, done.Listings, done.Offboardings)
	}
	if got := owners(); !strings.Contains(got, "ads=tom") || !strings.Contains(got, "item acme-us/ads=tom") || !strings.Contains(got, "seller-central="+successor) {
		t.Fatalf("after doctor, cred list and rotation status show %s", got)
	}
	offboardtest.CheckOffboarded(t, c, r, l, leaver, successor)
	meta, err := c.KV().Metadata(ctx, l.KV(), records.CredPath("acme-us", "seller-central"))
	if err != nil || meta.CustomMetadata["store"] != "acme-us" || meta.CustomMetadata["kind"] == "" {
		t.Fatalf("the lost mirror was not written again: %v, %v", meta, err)
	}

	again, err := doctor.Run(ctx, deps(r), false, time.Now)
	if err != nil || again.Found() || again.Credentials != 2 {
		t.Fatalf("a second run found %v %v %v (%d credentials), %v", again.Mirrors, again.Listings, again.Offboardings, again.Credentials, err)
	}
}

// TestDoctorIndexesAndIncidents: a password changed with Vault's API
// (the data only) leaves its store's redaction index behind; an incident
// whose start failed after its record was written leaves the staff in
// the store and its credentials not marked due. A dry run finds both and
// changes nothing; doctor repairs both; a second run finds nothing.
func TestDoctorIndexesAndIncidents(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	r, c, l := vaulttest.TeamWithStore(t, "doctor")
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "ads", Login: "l", Password: "CANARY-doctor-old-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Members().Onboard(ctx, staff.Member{Name: "olga-" + l.Prefix, Role: staff.RoleOps, Stores: []string{"acme-us"}}, time.Hour, time.Now); err != nil {
		t.Fatal(err)
	}
	if got, err := doctor.Run(ctx, deps(r), true, time.Now); err != nil || got.Found() {
		t.Fatalf("before: %+v, %v", got, err)
	}

	vaulttest.EditAround(t, c, l, records.CredPath("acme-us", "ads"), "password", "CANARY-doctor-new-2")
	// the incident's third write (emptying the store's group) fails
	faults, fc := offboardtest.FaultyVault(t, 3)
	if _, _, err := incident.Start(ctx, deps(repo.New(fc, l)).Incident, "acme-us", "a test", time.Now()); err == nil || !faults.Failed() {
		t.Fatalf("the incident's start did not fail: %v", err)
	}
	group := func() int {
		t.Helper()
		g, err := c.Identity().GroupByName(ctx, l.StoreGroup("acme-us"))
		if err != nil {
			t.Fatal(err)
		}
		return len(g.MemberEntityIDs)
	}
	if group() == 0 {
		t.Fatal("the failed start emptied the group (the test proves nothing)")
	}

	plan, err := doctor.Run(ctx, deps(r), true, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	audience := vault.StoreAudience("acme-us")
	wantIncident := "acme-us: staff access not removed, 1 credential not marked due"
	if !slices.Equal(plan.Indexes, []string{audience}) || !slices.Equal(plan.Incidents, []string{wantIncident}) {
		t.Fatalf("dry run found indexes %v, incidents %q", plan.Indexes, plan.Incidents)
	}
	if group() == 0 {
		t.Fatal("a dry run emptied the group")
	}
	done, err := doctor.Run(ctx, deps(r), false, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(done.Indexes, plan.Indexes) || !slices.Equal(done.Incidents, plan.Incidents) {
		t.Fatalf("the repair found indexes %v, incidents %q", done.Indexes, done.Incidents)
	}
	if n := group(); n != 0 {
		t.Fatalf("after doctor, the store's group has %d members", n)
	}
	cr, _, err := r.Creds().Get(ctx, "acme-us", "ads")
	if err != nil || cr.Rotation.DueSince.IsZero() {
		t.Fatalf("after doctor, ads is not due: %+v, %v", cr.Rotation, err)
	}
	again, err := doctor.Run(ctx, deps(r), false, time.Now)
	if err != nil || again.Found() {
		t.Fatalf("a second run found %+v, %v", again, err)
	}
	for _, s := range append(append(done.Mirrors, done.Indexes...), done.Incidents...) {
		if strings.Contains(s, "CANARY") {
			t.Fatalf("the report holds a value: %q", s)
		}
	}
}
