package payoutchange_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/payoutchange"
)

// The people of the fake team.
const (
	finEntity   = "0f0f0f0f-0000-4000-8000-000000000001"
	mariaEntity = "0f0f0f0f-0000-4000-8000-000000000002"
	monaEntity  = "0f0f0f0f-0000-4000-8000-000000000003"
)

type team struct {
	w                   *world
	fin, maria, mona    *person
	t0, cooled, tooSoon func() time.Time
}

// newTeam is a fake team with one finance member (fin) and two managers
// (maria, mona), whose Vault clock stands at t0; cooled is when a request
// created then may be approved, tooSoon a second before.
func newTeam(t *testing.T) *team {
	w := newWorld(t)
	t0 := w.clock
	return &team{w: w, fin: w.person(finEntity, "userpass-fay", false), maria: w.person(mariaEntity, "userpass-maria", true),
		mona: w.person(monaEntity, "userpass-mona", true), t0: func() time.Time { return t0 },
		cooled:  func() time.Time { return t0.Add(w.cooling) },
		tooSoon: func() time.Time { return t0.Add(w.cooling - time.Second) }}
}

var (
	ibanDE = payout.Record{Holder: "Acme", IBAN: "DE89370400440532013000", Currency: "EUR"}
	ibanGB = payout.Record{Holder: "Acme", IBAN: "GB29NWBK60161331926819", Currency: "GBP"}
)

func (tm *team) propose(t *testing.T, by *person, store string, rec payout.Record) *payoutchange.Request {
	t.Helper()
	q, err := by.changes().Propose(context.Background(), store, validRecord(t, rec), tm.t0, false)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// wantNothingDecided checks that no payout record was written and no
// decision recorded on q.
func (tm *team) wantNothingDecided(t *testing.T, q *payoutchange.Request) {
	t.Helper()
	if tm.w.applies != 0 {
		t.Errorf("%d payout records written", tm.w.applies)
	}
	if d, ok := tm.w.decisions[q.Store+"/"+q.ID]; ok {
		t.Errorf("a decision was recorded: %+v", d.d)
	}
}

// The requester cannot approve their own change; another manager can,
// and the payout record then names the request, its requester (the
// signer's name in Vault) and the approver.
func TestProposerCannotApprove(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	q := tm.propose(t, tm.maria, "acme-us", ibanDE)
	_, err := tm.maria.changes().Approve(ctx, q.ID, last4(ibanDE), tm.cooled)
	if !errors.Is(err, payoutchange.ErrSelfApproval) || !errors.Is(err, failure.ErrDenied) {
		t.Fatalf("the requester approving: %v, want ErrSelfApproval", err)
	}
	tm.wantNothingDecided(t, q)

	if _, err := tm.mona.changes().Approve(ctx, q.ID, last4(ibanDE), tm.cooled); err != nil {
		t.Fatalf("another manager approving: %v", err)
	}
	got := tm.w.payouts["acme-us"]
	want := payout.Approval{RequestID: q.ID, RequestedBy: "userpass-maria", RequesterEntity: mariaEntity,
		ApprovedBy: "userpass-mona", ApprovedAt: "2026-03-03T09:00:00Z"}
	if len(got) != 1 || got[0].rec != validRecord(t, ibanDE) || got[0].a != want {
		t.Fatalf("payout records %+v, want one with %+v", got, want)
	}
	if d := tm.w.decisions["acme-us/"+q.ID].d; d.Status != payoutchange.StatusApproved || d.By != "userpass-mona" {
		t.Errorf("decision %+v", d)
	}
}

// The cooling-off runs from when Vault created the request, whatever
// clock the requester had; an approval a second early is refused and
// changes nothing.
func TestApprovalWaitsForCoolingOff(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	future := func() time.Time { return time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) }
	q, err := tm.fin.changes().Propose(ctx, "acme-us", validRecord(t, ibanDE), future, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tm.maria.changes().Approve(ctx, q.ID, last4(ibanDE), tm.tooSoon)
	if !errors.Is(err, payoutchange.ErrCoolingOff) || !errors.Is(err, failure.ErrDenied) ||
		!strings.Contains(err.Error(), "approve it after 2026-03-03T09:00:00Z (in 1s)") {
		t.Fatalf("approving a second early: %v, want ErrCoolingOff until 2026-03-03T09:00:00Z", err)
	}
	tm.wantNothingDecided(t, q)

	tm.w.cooling = time.Hour // a manager shortens it
	if _, err := tm.maria.changes().Approve(ctx, q.ID, last4(ibanDE), func() time.Time { return tm.t0().Add(time.Hour) }); err != nil {
		t.Fatalf("approving after the cooling-off: %v", err)
	}
}

// Two managers approve the same request at once: the decision is
// claimed with check-and-set, so one wins and the other is told it was
// decided meanwhile; the payout record is written once. A rejection
// racing an approval wins the same way.
func TestConcurrentDecisionLosesCheckAndSet(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	q := tm.propose(t, tm.fin, "acme-us", ibanDE)
	byMaria, err := tm.maria.changes().FindRequest(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	byMona, err := tm.mona.changes().FindRequest(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.maria.changes().ApproveRequest(ctx, byMaria, last4(ibanDE), tm.cooled); err != nil {
		t.Fatal(err)
	}
	_, err = tm.mona.changes().ApproveRequest(ctx, byMona, last4(ibanDE), tm.cooled)
	if !errors.Is(err, payoutchange.ErrNotPending) || !errors.Is(err, failure.ErrConflict) || !strings.Contains(err.Error(), "meanwhile") {
		t.Fatalf("the second approval: %v, want ErrNotPending (decided meanwhile)", err)
	}
	if tm.w.applies != 1 || tm.w.decisions["acme-us/"+q.ID].d.By != "userpass-maria" {
		t.Fatalf("%d writes, decision %+v", tm.w.applies, tm.w.decisions["acme-us/"+q.ID].d)
	}

	r := tm.propose(t, tm.fin, "acme-de", ibanGB)
	read, err := tm.mona.changes().FindRequest(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.maria.changes().Reject(ctx, r.ID, "not asked for", tm.t0); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.mona.changes().ApproveRequest(ctx, read, last4(ibanGB), tm.cooled); !errors.Is(err, payoutchange.ErrNotPending) {
		t.Fatalf("approving a request rejected meanwhile: %v, want ErrNotPending", err)
	}
	if len(tm.w.payouts["acme-de"]) != 0 || tm.w.applies != 1 {
		t.Fatalf("the rejected change was applied: %+v", tm.w.payouts["acme-de"])
	}
}

// A rejected request is closed: it is listed as rejected, with who
// rejected it and why, and can be neither approved nor rejected again.
func TestRejectedRequestCannotBeApproved(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	q := tm.propose(t, tm.fin, "acme-us", ibanDE)
	if _, err := tm.maria.changes().Reject(ctx, q.ID, "the bank letter is forged", tm.t0); err != nil {
		t.Fatal(err)
	}
	qs, err := tm.mona.changes().Requests(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || qs[0].Status != payoutchange.StatusRejected || qs[0].DecidedBy != "userpass-maria" ||
		qs[0].DecidedAt != "2026-03-02T09:00:00Z" || qs[0].Reason != "the bank letter is forged" {
		t.Fatalf("requests %+v", qs)
	}
	_, err = tm.mona.changes().Approve(ctx, q.ID, last4(ibanDE), tm.cooled)
	if !errors.Is(err, payoutchange.ErrNotPending) || !strings.Contains(err.Error(), "(rejected)") {
		t.Fatalf("approving a rejected request: %v, want ErrNotPending (rejected)", err)
	}
	if _, err := tm.mona.changes().Reject(ctx, q.ID, "again", tm.t0); !errors.Is(err, payoutchange.ErrNotPending) {
		t.Fatalf("rejecting it again: %v, want ErrNotPending", err)
	}
	if tm.w.applies != 0 || tm.w.decisions["acme-us/"+q.ID].d.Reason != "the bank letter is forged" {
		t.Fatalf("%d writes, decision %+v", tm.w.applies, tm.w.decisions["acme-us/"+q.ID].d)
	}
}

// Two requests over the same payout version: once one is applied, the
// other fails its check-and-set, is refused as stale and is recorded as
// failed; the payout record stays the first one's.
func TestChangeAppliedMeanwhileIsStale(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	first := tm.propose(t, tm.fin, "acme-us", ibanDE)
	second, err := tm.fin.changes().Propose(ctx, "acme-us", validRecord(t, ibanGB), func() time.Time { return tm.t0().Add(time.Second) }, false)
	if err != nil {
		t.Fatal(err)
	}
	if first.BaseVersion != 0 || second.BaseVersion != 0 {
		t.Fatalf("base versions %d, %d", first.BaseVersion, second.BaseVersion)
	}
	if _, err := tm.maria.changes().Approve(ctx, first.ID, last4(ibanDE), tm.cooled); err != nil {
		t.Fatal(err)
	}
	_, err = tm.maria.changes().Approve(ctx, second.ID, last4(ibanGB), tm.cooled)
	if !errors.Is(err, payoutchange.ErrStale) || !errors.Is(err, failure.ErrConflict) {
		t.Fatalf("approving over a changed record: %v, want ErrStale", err)
	}
	if got := tm.w.payouts["acme-us"]; len(got) != 1 || got[0].a.RequestID != first.ID {
		t.Fatalf("payout records %+v", got)
	}
	d := tm.w.decisions["acme-us/"+second.ID]
	if d.d.Status != payoutchange.StatusFailed || !strings.HasPrefix(d.d.Reason, "not applied: ") || d.version != 2 {
		t.Fatalf("decision on the stale request: %+v", d)
	}
	qs, err := tm.maria.changes().Requests(ctx, "acme-us")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].ID != second.ID || qs[0].Status != payoutchange.StatusFailed || qs[1].Status != payoutchange.StatusApproved {
		t.Fatalf("requests, newest first: %+v", qs)
	}

	// A request over a version that is gone is stale before anyone tries.
	tm.w.put(payout.Proposal{Store: "acme-us", ID: "20260302-090000-0000aa", Record: validRecord(t, ibanGB), BaseVersion: 7,
		Entity: finEntity, ClaimedBy: "userpass-fay", Signed: true})
	q, err := tm.maria.changes().FindRequest(ctx, "20260302-090000-0000aa")
	if err != nil {
		t.Fatal(err)
	}
	if !q.Stale || q.Base != (payout.Record{}) {
		t.Fatalf("request over a version that is gone: stale %v, base %+v", q.Stale, q.Base)
	}
	if err := tm.maria.changes().CanApprove(ctx, q, tm.cooled); !errors.Is(err, payoutchange.ErrStale) {
		t.Fatalf("CanApprove: %v, want ErrStale", err)
	}
}

// When the payout record cannot be written the approval fails with the
// store's error and the decision says so; when it was written but the
// answer was lost, the approval stands; when only its mirrors failed,
// the change is approved and the error says what is left.
func TestApplyFailures(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	q := tm.propose(t, tm.fin, "acme-us", ibanDE)
	tm.w.applyErr = fmt.Errorf("write kv: %w", failure.ErrUnreachable)
	if _, err := tm.maria.changes().Approve(ctx, q.ID, last4(ibanDE), tm.cooled); !errors.Is(err, failure.ErrUnreachable) {
		t.Fatalf("approving while Vault is unreachable: %v", err)
	}
	if d := tm.w.decisions["acme-us/"+q.ID].d; d.Status != payoutchange.StatusFailed || d.Reason != "not applied: write kv: vault is unreachable" {
		t.Fatalf("decision %+v", d)
	}

	tm.w.applyErr = nil
	tm.w.lost = errors.New("connection reset")
	r := tm.propose(t, tm.fin, "acme-de", ibanGB)
	got, err := tm.maria.changes().Approve(ctx, r.ID, last4(ibanGB), tm.cooled)
	if err != nil || got.Status != payoutchange.StatusApproved {
		t.Fatalf("an approval whose answer was lost: %+v, %v", got, err)
	}
	if d := tm.w.decisions["acme-de/"+r.ID].d; d.Status != payoutchange.StatusApproved {
		t.Fatalf("decision %+v", d)
	}

	tm.w.lost, tm.w.mirrorErr = nil, errors.New("the listing metadata was not updated")
	s := tm.propose(t, tm.fin, "acme-de", ibanDE)
	got, err = tm.maria.changes().Approve(ctx, s.ID, last4(ibanDE), tm.cooled)
	if got == nil || err == nil || err.Error() != "approved and applied, but the listing metadata was not updated" {
		t.Fatalf("mirrors not updated: %+v, %v", got, err)
	}
	if len(tm.w.payouts["acme-de"]) != 2 || tm.w.decisions["acme-de/"+s.ID].d.Status != payoutchange.StatusApproved {
		t.Fatalf("payout records %+v", tm.w.payouts["acme-de"])
	}
}

// Only a request whose signature checks is approved; who asked is the
// signer's name in Vault, never the name the request claims; a reader
// who cannot check signatures (finance) sees the claimed name and may
// not approve; a token of no person may not approve.
func TestOnlyProvenRequestsAreApproved(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	forged := "20260302-090000-00000f"
	tm.w.put(payout.Proposal{Store: "acme-us", ID: forged, Record: validRecord(t, ibanGB), Entity: monaEntity, ClaimedBy: "userpass-fay"})
	q, err := tm.maria.changes().FindRequest(ctx, forged)
	if err != nil {
		t.Fatal(err)
	}
	if q.Signed || q.RequestedBy != "userpass-fay (unproven)" {
		t.Fatalf("an unsigned request shown as signed %v by %q", q.Signed, q.RequestedBy)
	}
	if _, err := tm.maria.changes().Approve(ctx, forged, last4(ibanGB), tm.cooled); !errors.Is(err, payoutchange.ErrUnsigned) {
		t.Fatalf("approving an unsigned request: %v, want ErrUnsigned", err)
	}

	lying := "20260302-090000-0000a1"
	tm.w.put(payout.Proposal{Store: "acme-us", ID: lying, Record: validRecord(t, ibanGB), Entity: finEntity, ClaimedBy: "userpass-maria", Signed: true})
	if q, err = tm.maria.changes().FindRequest(ctx, lying); err != nil || !q.Signed || q.RequestedBy != "userpass-fay" {
		t.Fatalf("a signed request claiming another name: %+v, %v", q, err)
	}
	if q, err = tm.fin.changes().FindRequest(ctx, lying); err != nil || q.Signed || q.RequestedBy != "userpass-maria" {
		t.Fatalf("finance reading it: %+v, %v", q, err)
	}
	other := tm.w.person("0f0f0f0f-0000-4000-8000-000000000004", "userpass-finn", false)
	if err := other.changes().CanApprove(ctx, q, tm.cooled); !errors.Is(err, payoutchange.ErrNotApprover) {
		t.Fatalf("finance approving: %v, want ErrNotApprover", err)
	}
	root := tm.w.person("", "root", true)
	if _, err := root.changes().Approve(ctx, lying, last4(ibanGB), tm.cooled); !errors.Is(err, payoutchange.ErrNoIdentity) {
		t.Fatalf("root approving: %v, want ErrNoIdentity", err)
	}
	if tm.w.applies != 0 || len(tm.w.decisions) != 0 {
		t.Fatalf("%d writes, decisions %+v", tm.w.applies, tm.w.decisions)
	}
}

// The approver types the new account's last four characters: anything
// else approves nothing.
func TestApprovalNeedsTheLastFour(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	q := tm.propose(t, tm.fin, "acme-us", ibanDE)
	if _, err := tm.maria.changes().Approve(ctx, q.ID, "6819", tm.cooled); !errors.Is(err, payoutchange.ErrConfirmation) {
		t.Fatalf("the wrong last four: %v, want ErrConfirmation", err)
	}
	tm.wantNothingDecided(t, q)
	if _, err := tm.maria.changes().Approve(ctx, q.ID, "3000", tm.cooled); err != nil {
		t.Fatal(err)
	}
}

// A request is found by ID, or by STORE/ID when a second one was made
// with the same ID under another store; malformed and unknown IDs are
// refused.
func TestFindRequest(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	c := tm.maria.changes()
	for id, want := range map[string]string{"nonsense": "an ID looks like", "Acme US/20260302-090000-aaaaaa": "give ID or STORE/ID",
		"acme-us/nonsense": "give ID or STORE/ID"} {
		if _, err := c.FindRequest(ctx, id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("FindRequest(%q): %v, want %q", id, err, want)
		}
	}
	if _, err := c.FindRequest(ctx, "20260302-090000-aaaaaa"); !errors.Is(err, failure.ErrNotFound) {
		t.Errorf("an unknown ID: %v, want not found", err)
	}
	q := tm.propose(t, tm.fin, "acme-us", ibanDE)
	tm.w.put(payout.Proposal{Store: "acme-de", ID: q.ID, Record: validRecord(t, ibanGB), Entity: finEntity, ClaimedBy: "userpass-fay", Signed: true})
	_, err := c.FindRequest(ctx, q.ID)
	if !errors.Is(err, failure.ErrConflict) || !strings.Contains(err.Error(), "exists under 2 stores (acme-us, acme-de)") {
		t.Fatalf("an ID under two stores: %v", err)
	}
	if _, err := c.Approve(ctx, q.ID, last4(ibanDE), tm.cooled); err == nil || tm.w.applies != 0 {
		t.Fatal("an ambiguous ID was approved")
	}
	got, err := c.FindRequest(ctx, "acme-de/"+q.ID)
	if err != nil || got.Store != "acme-de" || got.Record.IBAN != ibanGB.IBAN {
		t.Fatalf("STORE/ID: %+v, %v", got, err)
	}
}

// Propose refuses an unknown store and a change that changes nothing,
// writes nothing on a dry run, and makes a request over the current
// payout version whose change is computed from the records.
func TestPropose(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	c := tm.fin.changes()
	if _, err := c.Propose(ctx, "acme-fr", validRecord(t, ibanDE), tm.t0, false); !errors.Is(err, failure.ErrNotFound) {
		t.Fatalf("proposing for an unknown store: %v", err)
	}
	dry, err := c.Propose(ctx, "acme-us", validRecord(t, ibanDE), tm.t0, true)
	if err != nil || dry.Status != payoutchange.StatusPending || dry.RequestedBy != "userpass-fay" || len(dry.Diff) == 0 || dry.Signed {
		t.Fatalf("dry run: %+v, %v", dry, err)
	}
	if len(tm.w.order) != 0 {
		t.Fatalf("a dry run wrote %v", tm.w.order)
	}
	q := tm.propose(t, tm.fin, "acme-us", ibanDE)
	if _, err := tm.maria.changes().Approve(ctx, q.ID, last4(ibanDE), tm.cooled); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Propose(ctx, "acme-us", validRecord(t, ibanDE), tm.t0, false); err == nil || !strings.Contains(err.Error(), "the same as the current ones") {
		t.Fatalf("proposing the current details: %v", err)
	}
	next, err := c.Propose(ctx, "acme-us", validRecord(t, ibanGB), tm.cooled, false)
	if err != nil {
		t.Fatal(err)
	}
	if next.BaseVersion != 1 || next.Base != validRecord(t, ibanDE) || !next.Signed {
		t.Fatalf("a change of version 1: %+v", next)
	}
	read, err := tm.maria.changes().FindRequest(ctx, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(read.Diff, "\n") != strings.Join(payout.Diff(validRecord(t, ibanDE), validRecord(t, ibanGB)), "\n") ||
		read.RequestedAt != "2026-03-02T09:00:00Z" {
		t.Fatalf("as read back: %+v", read)
	}
}
