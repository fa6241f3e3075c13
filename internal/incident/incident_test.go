package incident_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/records"
)

var (
	before = time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC)           // the credentials' last rotation
	now    = time.Date(2025, 3, 1, 10, 0, 0, 700e6, time.UTC)      // the incident's start (not to the second)
	later  = time.Date(2025, 3, 2, 8, 0, 0, 0, time.UTC)           // after the work
	start  = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)          // now, to the second
	staff2 = map[string]string{"id-olga": "olga", "id-tom": "tom"} // the store's staff
)

// lockedStore is a store with two staff, two credentials and a payout
// record.
func lockedStore() *fakeStore {
	f := newFakeStore()
	f.addStore("acme-us", before, staff2, "ads", "seller-central")
	f.payout["acme-us"] = &fakePayout{verifiedAt: before}
	return f
}

func TestStartLocksTheStoreDown(t *testing.T) {
	ctx := context.Background()
	f := lockedStore()
	in, reopened, err := incident.Start(ctx, f.deps(), "acme-us", "unknown orders", now)
	if err != nil || reopened {
		t.Fatalf("start: reopened %v, %v", reopened, err)
	}
	if len(f.groups["acme-us"]) != 0 {
		t.Errorf("staff still in the store's group: %v", f.groups["acme-us"])
	}
	if !slices.Equal(in.RemovedWho, []string{"olga", "tom"}) || !slices.Equal(in.Removed, []string{"id-olga", "id-tom"}) {
		t.Errorf("removed %v (%v)", in.RemovedWho, in.Removed)
	}
	if got := f.due("acme-us"); !slices.Equal(got, []string{"ads", "seller-central"}) {
		t.Errorf("due: %v", got)
	}
	for _, c := range f.creds["acme-us"] {
		if !c.Rotation.DueSince.Equal(start) {
			t.Errorf("%s due since %v, want the start %v", c.Name, c.Rotation.DueSince, start)
		}
	}
	if p := f.payout["acme-us"]; p.flagged != "incident: unknown orders" || !p.flaggedAt.Equal(start) {
		t.Errorf("payout flagged %q at %v", p.flagged, p.flaggedAt)
	}
	stored := f.incidents["acme-us"]
	if stored.Status != records.IncidentOpen || stored.StartedBy != "root" || !stored.StartedAt.Equal(start) || stored.Reason != "unknown orders" {
		t.Errorf("record: %+v", stored)
	}
	p, err := incident.ProgressOf(ctx, f.deps(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.OpenRotations, []string{"acme-us/ads", "acme-us/seller-central"}) || !p.HasPayout || !p.PayoutOpen || p.Done() {
		t.Errorf("progress: %+v", p)
	}
	if open, err := incident.Unfinished(ctx, f.deps(), in); err != nil || len(open) != 0 {
		t.Errorf("a complete lockdown is unfinished: %q, %v", open, err)
	}
}

// A start cut short after its record (the group could not be emptied)
// leaves everything else undone; Unfinished says what, and starting it
// again finishes it, keeping the first reason and start and taking out
// whoever was added meanwhile.
func TestStartCutShortIsFinishedByStartingAgain(t *testing.T) {
	ctx := context.Background()
	f := lockedStore()
	f.failSetGroup = 1
	_, _, err := incident.Start(ctx, f.deps(), "acme-us", "unknown orders", now)
	if !errors.Is(err, failure.ErrUnreachable) || !strings.Contains(err.Error(), "run it again") {
		t.Fatalf("start: %v", err)
	}
	in, err := f.Get(ctx, "acme-us")
	if err != nil || in.Status != records.IncidentOpen {
		t.Fatalf("the record was not written first: %+v, %v", in, err)
	}
	open, err := incident.Unfinished(ctx, f.deps(), in)
	want := []string{"staff access not removed", "2 credentials not marked due", "payout record not flagged"}
	if err != nil || !slices.Equal(open, want) {
		t.Fatalf("unfinished: %q, %v; want %q", open, err, want)
	}
	f.groups["acme-us"] = append(f.groups["acme-us"], "id-new")
	f.names["id-new"] = "newbie"

	again, reopened, err := incident.Start(ctx, f.deps(), "acme-us", "a second reason", later)
	if err != nil || !reopened {
		t.Fatalf("again: reopened %v, %v", reopened, err)
	}
	if again.Reason != "unknown orders" || !again.StartedAt.Equal(start) {
		t.Errorf("the re-run changed the incident: %q since %v", again.Reason, again.StartedAt)
	}
	if !slices.Equal(again.RemovedWho, []string{"olga", "tom", "newbie"}) {
		t.Errorf("removed: %v", again.RemovedWho)
	}
	if len(f.groups["acme-us"]) != 0 || len(f.due("acme-us")) != 2 || f.payout["acme-us"].flagged == "" {
		t.Errorf("group %v, due %v, payout %+v", f.groups["acme-us"], f.due("acme-us"), f.payout["acme-us"])
	}
	if open, err := incident.Unfinished(ctx, f.deps(), again); err != nil || len(open) != 0 {
		t.Errorf("still unfinished: %q, %v", open, err)
	}
}

// A start that fails marking a credential due says which; one marked
// before it stays marked, and Unfinished counts the rest.
func TestStartFailsMarkingDue(t *testing.T) {
	ctx := context.Background()
	f := lockedStore()
	f.failMark["acme-us/seller-central"] = failure.ErrDenied
	in, _, err := incident.Start(ctx, f.deps(), "acme-us", "r", now)
	if !errors.Is(err, failure.ErrDenied) || !strings.Contains(err.Error(), "marking acme-us/seller-central due") || in == nil {
		t.Fatalf("start: %v", err)
	}
	open, err := incident.Unfinished(ctx, f.deps(), in)
	if err != nil || !slices.Equal(open, []string{"1 credential not marked due", "payout record not flagged"}) {
		t.Fatalf("unfinished: %q, %v", open, err)
	}
	// rotated since the start counts as done, marked or not
	f.rotate("acme-us", "seller-central", later)
	if open, _ := incident.Unfinished(ctx, f.deps(), in); !slices.Equal(open, []string{"payout record not flagged"}) {
		t.Errorf("after the rotation: %q", open)
	}
}

func TestStartUnknownStoreWritesNothing(t *testing.T) {
	f := lockedStore()
	_, _, err := incident.Start(context.Background(), f.deps(), "acme-de", "r", now)
	if !errors.Is(err, failure.ErrNotFound) || f.puts != 0 {
		t.Fatalf("%v; %d records written", err, f.puts)
	}
}

// Close refuses while work is open, and puts back the staff, keeping
// anyone a manager added during the lockdown; a close with everything
// done records no force reason.
func TestCloseWaitsForTheWork(t *testing.T) {
	ctx := context.Background()
	f := lockedStore()
	if _, _, err := incident.Start(ctx, f.deps(), "acme-us", "r", now); err != nil {
		t.Fatal(err)
	}
	p, err := incident.Close(ctx, f.deps(), "acme-us", "", later)
	if !errors.Is(err, incident.ErrUnfinished) || p == nil || len(p.OpenRotations) != 2 || !p.PayoutOpen {
		t.Fatalf("close with work open: %+v, %v", p, err)
	}
	if len(f.groups["acme-us"]) != 0 || f.incidents["acme-us"].Status != records.IncidentOpen {
		t.Fatal("a refused close gave the staff back")
	}
	f.rotate("acme-us", "ads", later)
	f.rotate("acme-us", "seller-central", later)
	p, err = incident.Close(ctx, f.deps(), "acme-us", "", later)
	if !errors.Is(err, incident.ErrUnfinished) || len(p.OpenRotations) != 0 || !p.PayoutOpen {
		t.Fatalf("close with the payout open: %+v, %v", p, err)
	}
	f.payout["acme-us"].verifiedAt = later
	f.groups["acme-us"] = []string{"id-sam"} // given the store during the lockdown
	f.who = "boss"
	p, err = incident.Close(ctx, f.deps(), "acme-us", "not needed", later)
	if err != nil || !p.Done() {
		t.Fatalf("close: %+v, %v", p, err)
	}
	if !slices.Equal(f.groups["acme-us"], []string{"id-sam", "id-olga", "id-tom"}) {
		t.Errorf("group after the close: %v", f.groups["acme-us"])
	}
	stored := f.incidents["acme-us"]
	if stored.Status != records.IncidentClosed || stored.ClosedBy != "boss" || !stored.ClosedAt.Equal(later) || stored.ForceReason != "" {
		t.Errorf("record: %+v", stored)
	}
	if _, err := incident.Close(ctx, f.deps(), "acme-us", "", later); !errors.Is(err, failure.ErrNotFound) ||
		!strings.Contains(err.Error(), "no open incident") {
		t.Errorf("close of a closed incident: %v", err)
	}
}

func TestForcedCloseRecordsItsReason(t *testing.T) {
	ctx := context.Background()
	f := lockedStore()
	if _, _, err := incident.Start(ctx, f.deps(), "acme-us", "r", now); err != nil {
		t.Fatal(err)
	}
	p, err := incident.Close(ctx, f.deps(), "acme-us", "false alarm", later)
	if err != nil || p.Done() || p.ForceReason != "false alarm" || f.incidents["acme-us"].ForceReason != "false alarm" {
		t.Fatalf("forced close: %+v, %v", p, err)
	}
	if !slices.Equal(f.groups["acme-us"], []string{"id-olga", "id-tom"}) {
		t.Errorf("group: %v", f.groups["acme-us"])
	}
	// A new incident of the store starts afresh over the closed record.
	f.groups["acme-us"] = []string{"id-tom"}
	in, reopened, err := incident.Start(ctx, f.deps(), "acme-us", "again", later)
	if err != nil || reopened || in.Reason != "again" || !slices.Equal(in.RemovedWho, []string{"tom"}) || in.ForceReason != "" || in.Version != 3 {
		t.Fatalf("second incident: %+v, reopened %v, %v", in, reopened, err)
	}
}

func TestOpenListsOpenIncidents(t *testing.T) {
	ctx := context.Background()
	f := lockedStore()
	f.addStore("acme-de", before, nil, "ads")
	f.addStore("acme-uk", before, nil)
	for _, s := range []string{"acme-us", "acme-de", "acme-uk"} {
		if _, _, err := incident.Start(ctx, f.deps(), s, "r "+s, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := incident.Close(ctx, f.deps(), "acme-uk", "", later); err != nil { // nothing to do: it closes
		t.Fatal(err)
	}
	open, err := incident.Open(ctx, f.deps())
	if err != nil || len(open) != 2 || open[0].Store != "acme-de" || open[1].Store != "acme-us" {
		t.Fatalf("open: %+v, %v", open, err)
	}
	if open[0].HasPayout || !slices.Equal(open[0].OpenRotations, []string{"acme-de/ads"}) {
		t.Errorf("acme-de: %+v", open[0])
	}
}
