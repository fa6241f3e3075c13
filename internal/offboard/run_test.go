package offboard_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

var (
	runAt = time.Date(2025, 3, 1, 10, 0, 0, 300e6, time.UTC)
	at    = runAt.Truncate(time.Second) // as records and the report keep it
)

func clock() time.Time { return runAt }

// team: olga (ops, acme-us) leaves, boss (a manager) takes over. olga
// owns and is assigned acme-us/seller-central, owns acme-de/ads (a store
// she could not read), holds a mailbox and a phone; two wrapped copies
// exist, one reminder secret ID, two payout records, and one
// credential's metadata is behind its data.
func team() *fakeStore {
	f := newFakeStore()
	f.stores = []records.Store{{Name: "acme-de"}, {Name: "acme-us"}}
	f.onboard(staff.Member{Name: "boss", Role: staff.RoleManager})
	f.onboard(staff.Member{Name: "olga", Role: staff.RoleOps, Stores: []string{"acme-us"}})
	f.addCred(records.Credential{Store: "acme-us", Name: "seller-central", Owner: "olga", Assignees: []string{"olga", "tom"}})
	f.addCred(records.Credential{Store: "acme-us", Name: "ads"})
	f.addCred(records.Credential{Store: "acme-de", Name: "ads", Owner: "olga"})
	f.addCred(records.Credential{Store: "acme-de", Name: "other", Owner: "sam"})
	f.mailboxes["mb1"] = records.Mailbox{ID: "mb1", Address: "o***@acme.example", Assignee: "olga"}
	f.mailboxes["mb2"] = records.Mailbox{ID: "mb2", Address: "s***@acme.example", Assignee: "sam"}
	f.phones["ph1"] = records.Phone{ID: "ph1", Number: "+1***0100", Assignee: "olga"}
	for _, k := range []string{"mailbox/mb1", "mailbox/mb2", "phone/ph1"} {
		f.versions[k] = 1
	}
	f.wrapped = []staff.WrappedCopy{{Accessor: "acc-1", Path: "sv/data/stores/acme-us/creds/ads"}, {Accessor: "acc-2", Path: "sys/wrapping/unwrap"}}
	f.secretIDs = []string{"sid-1"}
	f.payouts = map[string]string{"acme-us": "", "acme-de": ""}
	f.behind = []string{"acme-de/ads: owner"}
	return f
}

// wantItems is what the offboarding of olga touches, by step, across
// every run.
var wantItems = map[string][]string{
	offboard.StepDisable:    {"entity olga"},
	offboard.StepGroups:     {"group group-staff", "group group-store-acme-us"},
	offboard.StepLogin:      {"userpass login olga", "tokens issued to olga"},
	offboard.StepWrapped:    {"wrapped response of sv/data/stores/acme-us/creds/ads", "wrapped response of sys/wrapping/unwrap"},
	offboard.StepSecretIDs:  {},
	offboard.StepMirrors:    {"acme-de/ads: owner", "listing of store acme-us"},
	offboard.StepContacts:   {"mailbox o***@acme.example", "phone +1***0100"},
	offboard.StepCredential: {"credential acme-de/ads", "credential acme-us/ads", "credential acme-us/seller-central"},
	offboard.StepPayouts:    {},
	offboard.StepRecord:     {"staff record olga"},
}

var stepOrder = []string{offboard.StepDisable, offboard.StepGroups, offboard.StepLogin, offboard.StepWrapped, offboard.StepSecretIDs,
	offboard.StepMirrors, offboard.StepContacts, offboard.StepCredential, offboard.StepPayouts, offboard.StepRecord}

// checkReport: every step, in order, each listing (in any order) what
// every run did; skip names steps not checked.
func checkReport(t *testing.T, rep *offboard.Report, runs int, skip ...string) {
	t.Helper()
	var titles []string
	for _, st := range rep.Steps {
		titles = append(titles, st.Step)
		if slices.Contains(skip, st.Step) {
			continue
		}
		got := slices.Sorted(slices.Values(st.Items))
		want := slices.Sorted(slices.Values(wantItems[st.Step]))
		if !slices.Equal(got, want) {
			t.Errorf("%q lists %q, want %q", st.Step, got, want)
		}
	}
	if !slices.Equal(titles, stepOrder) {
		t.Errorf("steps %q", titles)
	}
	if !rep.Completed || rep.Runs != runs || rep.Member != "olga" || rep.HandedTo != "boss" || rep.By != "root" {
		t.Errorf("report: completed %v, runs %d (want %d), %s to %s by %s", rep.Completed, rep.Runs, runs, rep.Member, rep.HandedTo, rep.By)
	}
}

// checkOffboarded asserts the end state of olga's offboarding.
func checkOffboarded(t *testing.T, f *fakeStore) {
	t.Helper()
	if !f.disabled["olga"] || f.logins["olga"] || len(f.wrapped) != 0 {
		t.Errorf("disabled %v, login %v, wrapped copies %v", f.disabled["olga"], f.logins["olga"], f.wrapped)
	}
	for g, ids := range f.groups {
		if slices.Contains(ids, "id-olga") {
			t.Errorf("still in %s", g)
		}
	}
	if !slices.Equal(f.secretIDs, []string{"sid-1"}) {
		t.Errorf("an ops leaver's offboarding touched the reminder secret IDs: %v", f.secretIDs)
	}
	mb, ph := f.mailboxes["mb1"], f.phones["ph1"]
	if mb.Assignee != "boss" || ph.Assignee != "boss" || !mb.Rotation.DueSince.Equal(at) || !ph.Rotation.DueSince.Equal(at) ||
		mb.UpdatedBy != "root" || ph.UpdatedBy != "root" {
		t.Errorf("mailbox %+v, phone %+v", mb, ph)
	}
	if f.mailboxes["mb2"].Assignee != "sam" || f.versions["mailbox/mb2"] != 1 {
		t.Errorf("sam's mailbox changed: %+v", f.mailboxes["mb2"])
	}
	want := map[string]string{
		"acme-us/seller-central": "owner boss, assignees [boss tom], due true",
		"acme-us/ads":            "owner , assignees [boss], due true",
		"acme-de/ads":            "owner boss, assignees [], due false", // held, but she could not read it
		"acme-de/other":          "owner sam, assignees [], due false",
	}
	for a, w := range want {
		c := f.creds[a]
		got := fmt.Sprintf("owner %s, assignees %v, due %v", c.Owner, c.Assignees, !c.Rotation.DueSince.IsZero())
		if got != w {
			t.Errorf("%s: %s, want %s", a, got, w)
		}
		if !c.Rotation.DueSince.IsZero() && !c.Rotation.DueSince.Equal(at) {
			t.Errorf("%s due since %v, want %v", a, c.Rotation.DueSince, at)
		}
	}
	if f.versions["acme-de/other"] != 1 {
		t.Error("a credential olga neither held nor read was written")
	}
	for s, flag := range f.payouts {
		if flag != "" {
			t.Errorf("an ops leaver's offboarding flagged the payout of %s", s)
		}
	}
	if f.members["olga"].Status != staff.StatusOffboarded ||
		fmt.Sprint(f.recorded) != fmt.Sprint(map[string]string{"at": at.Format(time.RFC3339), "by": "root", "to": "boss"}) {
		t.Errorf("staff record %+v, %v", f.members["olga"], f.recorded)
	}
}

func TestRunOffboards(t *testing.T) {
	f := team()
	rep, err := offboard.Run(context.Background(), f.deps(), "olga", "boss", false, clock)
	if err != nil {
		t.Fatal(err)
	}
	checkOffboarded(t, f)
	checkReport(t, rep, 1)
	if rep.At != "2025-03-01T10:00:00Z" || rep.StartedAt != rep.At {
		t.Errorf("at %s, started %s", rep.At, rep.StartedAt)
	}
	for _, st := range rep.Steps {
		if st.Changed != (len(wantItems[st.Step]) > 0) || !slices.Equal(st.Items, st.ThisRun) {
			t.Errorf("%q: changed %v, items %q, this run %q", st.Step, st.Changed, st.Items, st.ThisRun)
		}
	}
	p := f.progress["olga"]
	if p.HandedTo != "boss" || p.StartedBy != "root" || p.Runs != 1 || len(p.Pending) != 0 {
		t.Errorf("progress: %+v", p)
	}
}

// The offboarding fails at each of its writes in turn, refused or
// applied with the answer lost; run again, it finishes: the end state is
// complete, the report lists what every run did, and a third run changes
// nothing.
func TestRunResumesAfterFailureAtEveryWrite(t *testing.T) {
	ctx := context.Background()
	for _, lose := range []bool{false, true} {
		for k := 1; ; k++ {
			f := team()
			f.failAt, f.lose = k, lose
			_, err := offboard.Run(ctx, f.deps(), "olga", "boss", false, clock)
			if !f.failed {
				if err != nil || k < 20 {
					t.Fatalf("lose %v: no fault at write %d, yet: %v", lose, k, err)
				}
				break
			}
			if !errors.Is(err, failure.ErrUnreachable) || (k > 1 && !strings.Contains(err.Error(), "run it again to finish")) {
				t.Fatalf("lose %v, write %d failed: %v", lose, k, err)
			}
			f.failAt = 0
			rep, err := offboard.Run(ctx, f.deps(), "olga", "boss", false, clock)
			if err != nil {
				t.Fatalf("lose %v, write %d failed, then the re-run: %v", lose, k, err)
			}
			checkOffboarded(t, f)
			// A first write refused began no run. (The metadata step plans
			// nothing: what it repaired in a run cut off before its
			// progress was saved is not in the report.)
			runs := 2
			if k == 1 && !lose {
				runs = 1
			}
			checkReport(t, rep, runs, offboard.StepMirrors)
			if len(f.progress["olga"].Pending) != 0 {
				t.Errorf("lose %v, write %d: pending after the re-run: %v", lose, k, f.progress["olga"].Pending)
			}
			writes := f.writes
			again, err := offboard.Run(ctx, f.deps(), "olga", "boss", false, clock)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range again.Steps {
				if st.Changed {
					t.Errorf("lose %v, write %d: a third run still changed %q: %v", lose, k, st.Step, st.ThisRun)
				}
			}
			if f.writes != writes+1 { // only its own count of runs
				t.Errorf("lose %v, write %d: a third run made %d writes", lose, k, f.writes-writes)
			}
		}
	}
}

// A dry run writes nothing, lists what a run would do, and keeps the
// store's listings read-only while it reads them.
func TestDryRunChangesNothing(t *testing.T) {
	f := team()
	rep, err := offboard.Run(context.Background(), f.deps(), "olga", "boss", true, clock)
	if err != nil {
		t.Fatal(err)
	}
	if f.writes != 0 || f.disabled["olga"] || len(f.behind) != 1 || len(f.progress) != 0 {
		t.Fatalf("a dry run wrote: %d writes", f.writes)
	}
	if !rep.DryRun || rep.Completed || rep.Runs != 0 {
		t.Errorf("report: dry run %v, completed %v, runs %d", rep.DryRun, rep.Completed, rep.Runs)
	}
	for _, st := range rep.Steps {
		if !slices.Equal(slices.Sorted(slices.Values(st.ThisRun)), slices.Sorted(slices.Values(wantItems[st.Step]))) {
			t.Errorf("%q would do %q", st.Step, st.ThisRun)
		}
	}
	if !slices.Equal(f.listedRO, []bool{true}) || f.readOnly {
		t.Errorf("listings read-only at each list %v; after the run %v", f.listedRO, f.readOnly)
	}
}

// An offboarding begun to one successor goes on to the same one.
func TestRunKeepsItsSuccessor(t *testing.T) {
	ctx := context.Background()
	f := team()
	f.onboard(staff.Member{Name: "sam", Role: staff.RoleManager})
	f.failAt = 6
	if _, err := offboard.Run(ctx, f.deps(), "olga", "boss", false, clock); err == nil {
		t.Fatal("no failure")
	}
	f.failAt = 0
	writes := f.writes
	_, err := offboard.Run(ctx, f.deps(), "olga", "sam", false, clock)
	if err == nil || !strings.Contains(err.Error(), "hands over to boss") || f.writes != writes {
		t.Fatalf("to another successor: %v (%d writes)", err, f.writes-writes)
	}
}

func TestRunChecksTheSuccessor(t *testing.T) {
	f := team()
	f.onboard(staff.Member{Name: "gone", Role: staff.RoleManager})
	m := f.members["gone"]
	m.Status = staff.StatusOffboarded
	f.members["gone"] = m
	for to, want := range map[string]string{"olga": "someone else", "nobody": "successor: team member nobody", "gone": "successor gone is not active"} {
		_, err := offboard.Run(context.Background(), f.deps(), "olga", to, false, clock)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("to %s: %v, want %q", to, err, want)
		}
	}
	if _, err := offboard.Run(context.Background(), f.deps(), "nobody", "boss", false, clock); !errors.Is(err, failure.ErrNotFound) {
		t.Errorf("offboarding nobody: %v", err)
	}
	if f.writes != 0 {
		t.Errorf("%d writes", f.writes)
	}
}

// A manager could read everything: every credential is due, every payout
// record flagged (one flagged already keeps its flag), and the reminder
// job's secret IDs a manager issues are destroyed.
func TestRunManagerLeaver(t *testing.T) {
	f := team()
	f.onboard(staff.Member{Name: "max", Role: staff.RoleManager})
	f.payouts["acme-us"] = "earlier flag"
	rep, err := offboard.Run(context.Background(), f.deps(), "max", "boss", false, clock)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.secretIDs) != 0 || f.payouts["acme-us"] != "earlier flag" ||
		f.payouts["acme-de"] != "offboarding of max at "+at.Format(time.RFC3339) {
		t.Errorf("secret IDs %v, payouts %v", f.secretIDs, f.payouts)
	}
	for a, c := range f.creds {
		if c.Rotation.DueSince.IsZero() || !slices.Contains(c.Assignees, "boss") {
			t.Errorf("%s: %+v", a, c)
		}
	}
	items := map[string][]string{}
	for _, st := range rep.Steps {
		items[st.Step] = st.Items
	}
	if !slices.Equal(items[offboard.StepSecretIDs], []string{"secret ID of reminder (accessor sid-1)"}) ||
		!slices.Equal(items[offboard.StepPayouts], []string{"payout acme-de"}) {
		t.Errorf("secret IDs %q, payouts %q", items[offboard.StepSecretIDs], items[offboard.StepPayouts])
	}
}
