package doctor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/doctor"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

var (
	long    = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // the credentials' last rotation
	started = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) // the incident's start
	runAt   = time.Date(2025, 3, 2, 8, 0, 0, 0, time.UTC)
)

func clock() time.Time { return runAt }

// brokenTeam is a team after failures: a credential's metadata behind
// its data, an audience's index lagging, olga's offboarding cut off
// (pending items; her staff record still active), and an incident of
// acme-de whose start was cut off after its record (tom still in the
// store's group, its credential not due, its payout record not flagged).
// max's offboarding finished, ghost's staff record is gone, and acme-uk's
// incident is open with its lockdown complete.
func brokenTeam() *fakeTeam {
	f := newFakeTeam()
	f.behind = []string{"acme-us/ads: owner"}
	f.lagging = []string{"store-acme-us"}
	f.addCred("acme-us", "ads", long)
	f.addCred("acme-de", "ads", long)
	f.addCred("acme-uk", "ads", long)
	f.onboard(staff.Member{Name: "boss", Role: staff.RoleManager})
	f.onboard(staff.Member{Name: "olga", Role: staff.RoleOps, Stores: []string{"acme-us"}})
	f.onboard(staff.Member{Name: "tom", Role: staff.RoleOps, Stores: []string{"acme-de"}})
	f.progress["olga"] = staff.OffboardProgress{Member: "olga", Version: 2, HandedTo: "boss", StartedAt: "2025-03-01T10:00:00Z",
		StartedBy: "root", Runs: 1, Done: map[string][]string{offboard.StepDisable: {"entity olga"}},
		Pending: map[string][]string{offboard.StepGroups: {"group store/acme-us"}}}
	f.disabled["olga"] = true
	f.members["max"] = staff.Member{Name: "max", Role: staff.RoleManager, Status: staff.StatusOffboarded}
	f.progress["max"] = staff.OffboardProgress{Member: "max", Version: 9, HandedTo: "boss", Runs: 1}
	f.progress["ghost"] = staff.OffboardProgress{Member: "ghost", Version: 1, HandedTo: "boss",
		Pending: map[string][]string{offboard.StepRecord: {"staff record ghost"}}}
	f.payouts["acme-de"] = ""
	f.incs["acme-de"] = records.Incident{Store: "acme-de", Status: records.IncidentOpen, Reason: "unknown orders",
		StartedAt: started, StartedBy: "root", Removed: []string{"id-tom"}, RemovedWho: []string{"tom"}, Version: 1}
	uk := f.creds["acme-uk/ads"]
	uk.Rotation.DueSince = started
	f.creds["acme-uk/ads"] = uk
	f.incs["acme-uk"] = records.Incident{Store: "acme-uk", Status: records.IncidentOpen, Reason: "r", StartedAt: started, Version: 1}
	f.incs["acme-fr"] = records.Incident{Store: "acme-fr", Status: records.IncidentClosed, StartedAt: started, Version: 2}
	return f
}

func checkFound(t *testing.T, rep *doctor.Report, dryRun bool) {
	t.Helper()
	if rep.DryRun != dryRun || rep.Credentials != 3 || !slices.Equal(rep.Mirrors, []string{"acme-us/ads: owner"}) ||
		!slices.Equal(rep.Listings, []string{"acme-us"}) || !slices.Equal(rep.Indexes, []string{"store-acme-us"}) ||
		!slices.Equal(rep.Offboardings, []string{"olga to boss"}) ||
		!slices.Equal(rep.Incidents, []string{"acme-de: staff access not removed, 1 credential not marked due, payout record not flagged"}) {
		t.Fatalf("found %+v", rep)
	}
	if rep.Things() != 5 || !rep.Found() {
		t.Errorf("%d things", rep.Things())
	}
}

// A dry run finds everything and writes nothing, with the store's
// listings read-only while it reads; doctor then repairs it all, running
// olga's offboarding again to the successor it named and acme-de's
// lockdown again; a second run finds nothing.
func TestDoctorFindsAndRepairs(t *testing.T) {
	ctx := context.Background()
	f := brokenTeam()
	plan, err := doctor.Run(ctx, f.deps(), true, clock)
	if err != nil {
		t.Fatal(err)
	}
	checkFound(t, plan, true)
	if len(f.writes) != 0 {
		t.Fatalf("a dry run wrote: %q", f.writes)
	}
	if len(f.verifiedRO) == 0 || slices.Contains(f.verifiedRO, false) || f.readOnly {
		t.Errorf("listings read-only at each read: %v; after: %v", f.verifiedRO, f.readOnly)
	}

	done, err := doctor.Run(ctx, f.deps(), false, clock)
	if err != nil {
		t.Fatal(err)
	}
	checkFound(t, done, false)
	// olga's offboarding, finished to boss
	olga := f.members["olga"]
	if olga.Status != staff.StatusOffboarded || f.logins["olga"] || slices.Contains(f.groups["store/acme-us"], "id-olga") {
		t.Errorf("olga: %+v, login %v, acme-us's group %v", olga, f.logins["olga"], f.groups["store/acme-us"])
	}
	if p := f.progress["olga"]; p.Runs != 2 || len(p.Pending) != 0 || !slices.Contains(p.Done[offboard.StepGroups], "group store/acme-us") {
		t.Errorf("olga's progress: %+v", p)
	}
	if us := f.creds["acme-us/ads"]; us.Rotation.DueSince.IsZero() || !slices.Contains(us.Assignees, "boss") {
		t.Errorf("acme-us/ads after the offboarding: %+v", us)
	}
	// acme-de's lockdown, applied again with its first reason and start
	de := f.incs["acme-de"]
	if len(f.groups["store/acme-de"]) != 0 || f.payouts["acme-de"] != "incident: unknown orders" ||
		!f.creds["acme-de/ads"].Rotation.DueSince.Equal(started) || de.Reason != "unknown orders" || !de.StartedAt.Equal(started) {
		t.Errorf("acme-de: group %v, payout %q, ads %+v, incident %+v", f.groups["store/acme-de"], f.payouts["acme-de"], f.creds["acme-de/ads"].Rotation, de)
	}
	for _, w := range f.writes {
		if strings.Contains(w, "max") || strings.Contains(w, "ghost") || strings.Contains(w, "acme-uk") || strings.Contains(w, "acme-fr") {
			t.Errorf("doctor touched what needed no repair: %q", w)
		}
	}

	writes := len(f.writes)
	again, err := doctor.Run(ctx, f.deps(), false, clock)
	if err != nil || again.Found() || again.Credentials != 3 || again.Mirrors == nil || again.Incidents == nil {
		t.Fatalf("a second run found %+v, %v", again, err)
	}
	if len(f.writes) != writes {
		t.Errorf("a second run wrote %q", f.writes[writes:])
	}
}

// A check that fails stops doctor: what it found is reported with the
// error, and nothing later runs.
func TestDoctorStopsAtAFailedCheck(t *testing.T) {
	f := brokenTeam()
	f.checkErr = failure.ErrDenied
	rep, err := doctor.Run(context.Background(), f.deps(), false, clock)
	if !errors.Is(err, failure.ErrDenied) || rep == nil || !slices.Equal(rep.Mirrors, []string{"acme-us/ads: owner"}) {
		t.Fatalf("%+v, %v", rep, err)
	}
	if len(f.writes) != 0 || len(rep.Offboardings)+len(rep.Incidents)+len(rep.Indexes) != 0 {
		t.Errorf("doctor went on: %q, %+v", f.writes, rep)
	}
}

// An offboarding that cannot be finished (its successor has left since)
// is reported with its name.
func TestDoctorReportsAnOffboardingItCannotFinish(t *testing.T) {
	f := brokenTeam()
	boss := f.members["boss"]
	boss.Status = staff.StatusOffboarded
	f.members["boss"] = boss
	rep, err := doctor.Run(context.Background(), f.deps(), false, clock)
	if err == nil || !strings.Contains(err.Error(), "finish the offboarding of olga: successor boss is not active") {
		t.Fatalf("%v", err)
	}
	if !slices.Equal(rep.Offboardings, []string{"olga to boss"}) || len(rep.Incidents) != 0 {
		t.Errorf("report: %+v", rep)
	}
}

// Doctor's repair of a cut-off lockdown is the lockdown itself: an
// incident whose start failed part way in this package's own fake is
// finished by doctor.
func TestDoctorFinishesALockdownCutShort(t *testing.T) {
	ctx := context.Background()
	f := newFakeTeam()
	f.addCred("acme-us", "ads", long)
	f.addCred("acme-us", "seller-central", long)
	f.onboard(staff.Member{Name: "olga", Role: staff.RoleOps, Stores: []string{"acme-us"}})
	f.payouts["acme-us"] = ""
	d := f.deps()
	cut := d
	cut.Incident.Rotation = failingRotation{}
	if _, _, err := incident.Start(ctx, cut.Incident, "acme-us", "unknown orders", started); !errors.Is(err, failure.ErrUnreachable) {
		t.Fatalf("the start did not fail: %v", err)
	}
	if len(f.groups["store/acme-us"]) != 0 || f.incs["acme-us"].Status != records.IncidentOpen {
		t.Fatalf("the start did not get as far as the group: %v, %+v", f.groups["store/acme-us"], f.incs["acme-us"])
	}
	rep, err := doctor.Run(ctx, d, false, clock)
	if err != nil || !slices.Equal(rep.Incidents, []string{"acme-us: 2 credentials not marked due, payout record not flagged"}) {
		t.Fatalf("%+v, %v", rep, err)
	}
	for _, c := range f.creds {
		if !c.Rotation.DueSince.Equal(started) {
			t.Errorf("%s due since %v", c.Address(), c.Rotation.DueSince)
		}
	}
	if again, err := doctor.Run(ctx, d, true, clock); err != nil || again.Found() {
		t.Errorf("then: %+v, %v", again, err)
	}
}

type failingRotation struct{}

func (failingRotation) MarkDue(context.Context, records.Target, time.Time) (bool, error) {
	return false, failure.ErrUnreachable
}
