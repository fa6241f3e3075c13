package incident_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// The record store's facets are what a lockdown works through.
var (
	_ incident.Records  = repo.Incidents{}
	_ incident.Stores   = repo.Stores{}
	_ incident.People   = repo.Identities{}
	_ incident.Creds    = repo.Creds{}
	_ incident.Rotation = repo.Rotation{}
	_ incident.Payouts  = repo.Payouts{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// An incident against the real Vault, through the store: the staff
// member leaves the store's group and the credential is due; the close
// is refused with the rotation open, and a forced close puts the member
// back and records why.
func TestIncidentAgainstVault(t *testing.T) {
	ctx := context.Background()
	r, _, _ := vaulttest.TeamWithStore(t, "incident")
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "ads", Login: "ads@acme.example", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Members().Onboard(ctx, staff.Member{Name: "olga", Role: staff.RoleOps, Stores: []string{"acme-us"}}, time.Hour, time.Now); err != nil {
		t.Fatal(err)
	}
	d := connect.IncidentDeps(r)
	members := func() []string {
		t.Helper()
		ids, err := r.Stores().GroupMembers(ctx, "acme-us")
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	staffIDs := members()
	if len(staffIDs) != 1 {
		t.Fatalf("the store's group holds %v before the incident", staffIDs)
	}

	in, reopened, err := incident.Start(ctx, d, "acme-us", "unknown orders", time.Now())
	if err != nil || reopened {
		t.Fatalf("start: %v (reopened %v)", err, reopened)
	}
	if !slices.Equal(in.RemovedWho, []string{"olga"}) || len(members()) != 0 {
		t.Fatalf("removed %v; the group holds %v", in.RemovedWho, members())
	}
	cred, _, err := r.Creds().Get(ctx, "acme-us", "ads")
	if err != nil || cred.Rotation.DueSince.IsZero() {
		t.Fatalf("ads not due: %+v, %v", cred.Rotation, err)
	}
	if open, err := incident.Unfinished(ctx, d, in); err != nil || len(open) != 0 {
		t.Fatalf("unfinished: %q, %v", open, err)
	}
	p, err := incident.Close(ctx, d, "acme-us", "", time.Now())
	if !errors.Is(err, incident.ErrUnfinished) || !slices.Equal(p.OpenRotations, []string{"acme-us/ads"}) {
		t.Fatalf("close with the rotation open: %+v, %v", p, err)
	}
	if _, err := incident.Close(ctx, d, "acme-us", "false alarm", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := members(); !slices.Equal(got, staffIDs) {
		t.Fatalf("after the close the group holds %v, want %v", got, staffIDs)
	}
	stored, err := r.Incidents().Get(ctx, "acme-us")
	if err != nil || stored.Status != records.IncidentClosed || stored.ForceReason != "false alarm" || stored.StartedAt != in.StartedAt {
		t.Fatalf("the record: %+v, %v", stored, err)
	}
	if open, err := incident.Open(ctx, d); err != nil || len(open) != 0 {
		t.Fatalf("open incidents: %+v, %v", open, err)
	}
}
