package reindex_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/reindex"
)

// The team's values: none may appear in an error or a report.
var canaries = []string{"CANARY-pw-us", "CANARY-pw-de", "CANARY-mb", "de-login", "ops@acme.example", "ops-us@acme.example",
	"kim@mail.example", "+14155550100", "DE89370400440532013000"}

// team is a store with two stores (acme-de's name is sensitive), a
// credential in each, a company and a personal mailbox, a phone and a
// payout record.
func team() *fakeStore {
	f := newFakeStore()
	f.stores = []records.Store{{Name: "acme-de", Sensitive: true}, {Name: "acme-us"}}
	f.creds = []records.Credential{
		{Store: "acme-us", Name: "sc", Login: "ops@acme.example", Password: "CANARY-pw-us"},
		{Store: "acme-de", Name: "sc", Login: "de-login", Password: "CANARY-pw-de"},
	}
	f.mailboxes = []records.Mailbox{{ID: "mb1", Address: "ops-us@acme.example", Password: "CANARY-mb"},
		{ID: "mb2", Address: "kim@mail.example", Personal: true}}
	f.phones = []records.Phone{{ID: "ph1", Number: "+14155550100"}}
	f.payouts["acme-us"] = payout.Record{Holder: "Acme", IBAN: "DE89370400440532013000"}
	return f
}

// paths are the record paths of an audience's entries, once each.
func paths(f *fakeStore, audience string) []string {
	var out []string
	for _, e := range f.index[audience] {
		if !slices.Contains(out, e.Path) {
			out = append(out, e.Path)
		}
	}
	return out
}

func noValue(t *testing.T, what string) {
	t.Helper()
	for _, c := range canaries {
		if strings.Contains(what, c) {
			t.Errorf("%q says the value %s", what, c)
		}
	}
}

// A rebuild indexes every record's values in its audience, rebuilds the
// listings first, reads contacts whatever the layout, records the
// company mailboxes' domains, and counts what it indexed.
func TestRunIndexesEveryAudience(t *testing.T) {
	ctx := context.Background()
	f := team()
	rep, err := reindex.Run(ctx, f.deps())
	if err != nil {
		t.Fatal(err)
	}
	// contacts: mb1 (address, password), mb2 (address), ph1 (E.164 and
	// national); payout: the IBAN; acme-de: its name, login, password;
	// acme-us: login, password.
	if want := (reindex.Report{Audiences: 4, Records: 7, Entries: 11}); rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	if want := []string{"contacts", "payout", "store-acme-de", "store-acme-us"}; !slices.Equal(f.writes, want) {
		t.Errorf("wrote %v, want %v", f.writes, want)
	}
	for audience, want := range map[string][]string{
		"contacts":      {records.MailboxPath("mb1"), records.MailboxPath("mb2"), records.PhonePath("ph1")},
		"payout":        {records.PayoutPath("acme-us")},
		"store-acme-de": {records.StorePath("acme-de"), records.CredPath("acme-de", "sc")},
		"store-acme-us": {records.CredPath("acme-us", "sc")},
	} {
		if got := paths(f, audience); !slices.Equal(got, want) {
			t.Errorf("%s indexes %v, want %v", audience, got, want)
		}
	}
	for _, e := range f.index["store-acme-us"] {
		if !strings.HasPrefix(e.HMAC, "h:") || e.Form.Length == 0 {
			t.Errorf("entry %+v: no HMAC or no length", e)
		}
	}
	if f.listings != 1 || !f.anyLayout || f.readBefore {
		t.Errorf("listings rebuilt %d times, any layout %v, a contact read before it %v", f.listings, f.anyLayout, f.readBefore)
	}
	if !slices.Equal(f.domains, []string{"acme.example"}) || f.domainWrites != 1 {
		t.Errorf("team domains %v (%d writes), want the company mailbox's alone", f.domains, f.domainWrites)
	}
}

// An audience whose index exists but that has no record left is emptied,
// and not counted.
func TestRunEmptiesAudienceWithNoRecordLeft(t *testing.T) {
	ctx := context.Background()
	f := team()
	if _, err := reindex.Run(ctx, f.deps()); err != nil {
		t.Fatal(err)
	}
	f.stores = f.stores[1:] // acme-de and its credential are gone
	f.creds = f.creds[:1]
	f.writes = nil
	rep, err := reindex.Run(ctx, f.deps())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.index["store-acme-de"]) != 0 || !slices.Contains(f.writes, "store-acme-de") {
		t.Errorf("the emptied audience holds %v (writes %v)", f.index["store-acme-de"], f.writes)
	}
	if want := (reindex.Report{Audiences: 3, Records: 5, Entries: 8}); rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
}

// A write that fails stops the rebuild, naming the audience; the report
// counts the audiences written before it.
func TestRunStopsAtWriteFailure(t *testing.T) {
	f := team()
	boom := errors.New("permission denied")
	f.failOn["store-acme-de"] = boom
	rep, err := reindex.Run(context.Background(), f.deps())
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "audience store-acme-de") {
		t.Fatalf("error %v", err)
	}
	noValue(t, err.Error())
	if want := (reindex.Report{Audiences: 2, Records: 4, Entries: 6}); rep != want {
		t.Errorf("report %+v, want %+v (contacts and payout)", rep, want)
	}
	if want := []string{"contacts", "payout"}; !slices.Equal(f.writes, want) {
		t.Errorf("wrote %v, want %v", f.writes, want)
	}
}

// lagging is a team indexed up to date, then: acme-us's password changed
// around the store, and the index of a store with no record left.
func lagging(t *testing.T) *fakeStore {
	t.Helper()
	f := team()
	if _, err := reindex.Run(context.Background(), f.deps()); err != nil {
		t.Fatal(err)
	}
	f.creds[0].Password = "CANARY-pw-us-2"
	f.index["store-gone"] = f.index["store-acme-de"][:1]
	f.writes, f.domainWrites, f.listings = nil, 0, 0
	return f
}

// RebuildLagging rebuilds the audiences whose index lags, and leaves
// those up to date untouched; run again, it finds nothing.
func TestRebuildLaggingRebuildsOnlyLagging(t *testing.T) {
	ctx := context.Background()
	f := lagging(t)
	upToDate := slices.Clone(f.index["store-acme-de"])
	got, err := reindex.RebuildLagging(ctx, f.deps(), false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"store-acme-us", "store-gone"}
	if !slices.Equal(got, want) || !slices.Equal(f.writes, want) {
		t.Errorf("lagging %v, wrote %v, want %v", got, f.writes, want)
	}
	if len(f.index["store-gone"]) != 0 || !slices.Equal(f.index["store-acme-de"], upToDate) {
		t.Errorf("store-gone holds %v; store-acme-de changed: %v", f.index["store-gone"], !slices.Equal(f.index["store-acme-de"], upToDate))
	}
	if f.dryRuns != 0 || f.listings != 0 || f.domainWrites != 1 {
		t.Errorf("dry runs %d, listings rebuilt %d, domain writes %d", f.dryRuns, f.listings, f.domainWrites)
	}
	f.writes = nil
	again, err := reindex.RebuildLagging(ctx, f.deps(), false)
	if err != nil || len(again) != 0 || len(f.writes) != 0 {
		t.Errorf("run again: lagging %v, wrote %v, %v", again, f.writes, err)
	}
}

// A dry run names the lagging audiences and writes nothing: no index, no
// domains, and the store's listings are read-only while it runs.
func TestRebuildLaggingDryRunWritesNothing(t *testing.T) {
	f := lagging(t)
	before := map[string]int{}
	for a, es := range f.index {
		before[a] = len(es)
	}
	got, err := reindex.RebuildLagging(context.Background(), f.deps(), true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"store-acme-us", "store-gone"}; !slices.Equal(got, want) {
		t.Errorf("lagging %v, want %v", got, want)
	}
	if len(f.writes) != 0 || f.domainWrites != 0 || f.listings != 0 {
		t.Errorf("a dry run wrote %v, %d domain writes, %d listing rebuilds", f.writes, f.domainWrites, f.listings)
	}
	if f.dryRuns != 1 || f.dryRunEnded != 1 {
		t.Errorf("DryRun called %d times, ended %d", f.dryRuns, f.dryRunEnded)
	}
	if len(f.index["store-gone"]) != before["store-gone"] {
		t.Error("the dry run emptied store-gone")
	}
}

// A write that fails stops the check with the audiences found so far,
// the failing one included, and the error names it.
func TestRebuildLaggingStopsAtWriteFailure(t *testing.T) {
	f := lagging(t)
	f.creds[1].Password = "CANARY-pw-de-2" // acme-de lags too: three, by name
	boom := errors.New("check-and-set conflict")
	f.failOn["store-acme-us"] = boom
	got, err := reindex.RebuildLagging(context.Background(), f.deps(), false)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "the redaction index of store-acme-us") {
		t.Fatalf("error %v", err)
	}
	noValue(t, err.Error())
	if want := []string{"store-acme-de", "store-acme-us"}; !slices.Equal(got, want) {
		t.Errorf("lagging %v, want %v", got, want)
	}
	if want := []string{"store-acme-de"}; !slices.Equal(f.writes, want) {
		t.Errorf("wrote %v, want %v (nothing after the failure)", f.writes, want)
	}
}

// A failure to read an index, or the records, stops the check: with the
// audiences found before, and none when the records could not be read.
func TestRebuildLaggingReadFailures(t *testing.T) {
	ctx := context.Background()
	f := lagging(t)
	f.matchErr["store-gone"] = errors.New("sealed")
	got, err := reindex.RebuildLagging(ctx, f.deps(), true)
	if err == nil || !strings.Contains(err.Error(), "the redaction index of store-gone: sealed") {
		t.Errorf("error %v", err)
	}
	if want := []string{"store-acme-us"}; !slices.Equal(got, want) {
		t.Errorf("lagging %v, want %v", got, want)
	}

	f.inventoryErr = errors.New("unreachable")
	got, err = reindex.RebuildLagging(ctx, f.deps(), false)
	if err == nil || err.Error() != "the redaction indexes: unreachable" || got != nil {
		t.Errorf("lagging %v, error %v", got, err)
	}
	if len(f.writes) != 0 || f.domainWrites != 0 {
		t.Errorf("wrote %v and %d domains before the records were read", f.writes, f.domainWrites)
	}
}

// Lagging is doctor's view of the check.
func TestLaggingIsRebuildLagging(t *testing.T) {
	f := lagging(t)
	got, err := reindex.Lagging{Deps: f.deps()}.RebuildLagging(context.Background(), true)
	if err != nil || !slices.Equal(got, []string{"store-acme-us", "store-gone"}) || len(f.writes) != 0 {
		t.Errorf("lagging %v, wrote %v, %v", got, f.writes, err)
	}
}
