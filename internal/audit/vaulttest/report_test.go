package vaulttest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/audit"
)

// find returns the events that match.
func find(rep *audit.Report, match func(audit.Event) bool) []audit.Event {
	var out []audit.Event
	for _, e := range rep.Events {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

func flagsOf(rep *audit.Report, person string) map[string]int {
	out := map[string]int{}
	for _, f := range rep.Flags {
		if f.Person == person {
			out[f.Kind]++
		}
	}
	return out
}

func one(t *testing.T, what string, events []audit.Event) audit.Event {
	t.Helper()
	if len(events) != 1 {
		t.Fatalf("%s: %d events, want 1: %+v", what, len(events), events)
	}
	return events[0]
}

func wantFlags(t *testing.T, e audit.Event, flags ...string) {
	t.Helper()
	if flags == nil {
		flags = []string{}
	}
	got := e.Flags
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, flags) {
		t.Errorf("%s %s %s %s at %s: flags %v, want %v", e.Person, e.Action, e.Kind, e.Record, e.Time, got, flags)
	}
}

func is(person, action, kind, record, result string) func(audit.Event) bool {
	return func(e audit.Event) bool {
		return e.Person == person && e.Action == action && e.Kind == kind && e.Record == record && e.Result == result
	}
}

// TestReport: the report on the real log says who read what, with the
// right flags, and nothing else is flagged.
func TestReport(t *testing.T) {
	s := sess(t)
	rep := analyse(t, audit.Options{})
	if rep.Stats.Malformed != 0 || rep.Stats.Unanswered != 0 || rep.Stats.Requests == 0 {
		t.Fatalf("stats %+v", rep.Stats)
	}

	// olga: her store's login and code; another store's login and a
	// payout record, both refused; and a burst.
	ok := one(t, "olga's first read", find(rep, is("olga", "read", "credential", "acme-us/seller-central", "ok"))[:1])
	if ok.Role != "ops" || ok.EntityID != s.olgaID || ok.Store != "acme-us" || ok.Operation != "read" {
		t.Errorf("olga's read: %+v", ok)
	}
	wantFlags(t, ok, "burst")
	wantFlags(t, one(t, "olga's code", find(rep, is("olga", "read", "totp-code", "acme-us/seller-central", "ok"))), "burst")
	wantFlags(t, one(t, "olga outside her stores", find(rep, is("olga", "read", "credential", "acme-de/seller-central", "denied"))),
		"outside-stores", "denied", "burst")
	wantFlags(t, one(t, "olga's payout read", find(rep, is("olga", "read", "payout", "acme-us", "denied"))),
		"outside-role", "denied", "burst")
	if n := len(find(rep, is("olga", "read", "credential", "acme-us/advertising", "ok"))); n != 25 {
		t.Errorf("olga's burst: %d reads of acme-us/advertising, want 25", n)
	}
	var burst *audit.Flag
	for i, f := range rep.Flags {
		if f.Kind == audit.FlagBurst {
			if burst != nil {
				t.Errorf("second burst: %+v", f)
			}
			burst = &rep.Flags[i]
		}
	}
	if burst == nil || burst.Person != "olga" || burst.Count != 30 || !strings.Contains(burst.Detail, "stores acme-de,acme-us") {
		t.Errorf("burst: %+v", burst)
	}
	if got := flagsOf(rep, "olga"); got["denied"] != 2 || got["outside-stores"] != 1 || got["outside-role"] != 1 || got["burst"] != 1 || len(got) != 4 {
		t.Errorf("olga's flags: %v", got)
	}

	// The payout change: farid proposes, maria decides and applies.
	proposal := "acme-us/" + s.proposalID
	wantFlags(t, one(t, "the proposal", find(rep, is("farid", "change", "payout-proposal", proposal, "ok"))), "payout-change")
	wantFlags(t, one(t, "the decision", find(rep, is("maria", "change", "payout-decision", proposal, "ok"))), "payout-change")
	applied := find(rep, is("maria", "change", "payout", "acme-us", "ok"))
	if len(applied) == 0 {
		t.Fatal("the payout record's write is not reported")
	}
	for _, e := range applied {
		wantFlags(t, e, "payout-change")
	}
	reads := find(rep, is("farid", "read", "payout", "acme-us", "ok"))
	if len(reads) == 0 {
		t.Fatal("farid's payout read is not reported")
	}
	for _, e := range reads {
		wantFlags(t, e) // finance reads payout records
	}
	for _, who := range []string{"farid", "maria"} {
		for kind := range flagsOf(rep, who) {
			if kind != audit.FlagPayoutChange {
				t.Errorf("%s flagged %s", who, kind)
			}
		}
	}

	// tom: his read before offboarding is fine; his token and his login
	// afterwards are refused and flagged.
	wantFlags(t, one(t, "tom before", find(rep, is("tom", "read", "credential", "acme-de/seller-central", "ok"))))
	after := one(t, "tom after", find(rep, is("tom", "read", "credential", "acme-de/seller-central", "denied")))
	wantFlags(t, after, "offboarded", "denied")
	if !strings.Contains(after.Note, "no longer valid") || !strings.Contains(after.Note, "same token") {
		t.Errorf("tom's refused read: note %q", after.Note)
	}
	loginEv := one(t, "tom's login", find(rep, is("tom", "login", "login", "tom", "failed")))
	wantFlags(t, loginEv, "offboarded")
	if loginEv.EntityID != s.tomID {
		t.Errorf("tom's login: entity %q", loginEv.EntityID)
	}

	// sam: disabled by hand; his read before is fine, the one after is
	// flagged.
	wantFlags(t, one(t, "sam before", find(rep, is("sam", "read", "credential", "acme-us/seller-central", "ok"))))
	samAfter := one(t, "sam after", find(rep, is("sam", "read", "credential", "acme-us/seller-central", "denied")))
	wantFlags(t, samAfter, "offboarded", "denied")
	if samAfter.EntityID != s.samID {
		t.Errorf("sam's refused read: entity %q", samAfter.EntityID)
	}
	for _, f := range rep.Flags {
		if f.Kind == audit.FlagOffboarded && f.Person == "sam" && f.Detail != "identity disabled" {
			t.Errorf("sam's flag: %+v", f)
		}
	}

	// zoe, known from the groups only: role and stores from them.
	zoeOK := one(t, "zoe's read", find(rep, is("zoe", "read", "credential", "acme-de/seller-central", "ok")))
	wantFlags(t, zoeOK)
	if zoeOK.Role != "ops" {
		t.Errorf("zoe: %+v", zoeOK)
	}
	wantFlags(t, one(t, "zoe outside", find(rep, is("zoe", "read", "credential", "acme-us/seller-central", "denied"))), "outside-stores", "denied")

	// Only the root token is not staff; no value or HMAC anywhere.
	for _, f := range rep.Flags {
		if f.Kind == audit.FlagNotStaff && f.Person != "root" {
			t.Errorf("not-staff: %+v", f)
		}
	}
	for _, e := range rep.Events {
		if e.Person == "unknown" || e.Time.IsZero() {
			t.Errorf("event %+v", e)
		}
	}
}

// TestFilters: --staff, --store and --since keep what they say.
func TestFilters(t *testing.T) {
	rep := analyse(t, audit.Options{Staff: "olga"})
	if len(rep.Events) < 30 {
		t.Fatalf("olga: %d events", len(rep.Events))
	}
	for _, e := range rep.Events {
		if e.Person != "olga" {
			t.Fatalf("--staff olga kept %+v", e)
		}
	}
	for _, f := range rep.Flags {
		if f.Person != "olga" {
			t.Fatalf("--staff olga kept %+v", f)
		}
	}

	rep = analyse(t, audit.Options{Store: "acme-de"})
	if len(rep.Events) == 0 {
		t.Fatal("acme-de: no events")
	}
	burst := false
	for _, e := range rep.Events {
		if e.Store != "acme-de" {
			t.Fatalf("--store acme-de kept %+v", e)
		}
	}
	for _, f := range rep.Flags {
		burst = burst || f.Kind == audit.FlagBurst // olga's burst read acme-de too
		if f.Store != "acme-de" && f.Kind != audit.FlagBurst {
			t.Fatalf("--store acme-de kept %+v", f)
		}
	}
	if !burst {
		t.Error("--store acme-de lost olga's burst, which read acme-de")
	}

	rep = analyse(t, audit.Options{Since: time.Now().Add(time.Hour)})
	if len(rep.Events)+len(rep.Flags)+rep.Stats.Requests != 0 {
		t.Fatalf("--since in the future: %+v", rep.Stats)
	}

	rep = analyse(t, audit.Options{BurstReads: 100})
	for _, f := range rep.Flags {
		if f.Kind == audit.FlagBurst {
			t.Fatalf("a burst with --burst-reads 100: %+v", f)
		}
	}
}

// TestCutShort: a log cut in the middle of its last line (a crash, a
// full disk) is read to the end; the broken line is counted and skipped
// and the request it answered shows as unanswered.
func TestCutShort(t *testing.T) {
	data, err := os.ReadFile(sess(t).logFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	last := len(lines) - 1
	for last > 0 && !(strings.Contains(lines[last], `"type":"response"`) && strings.Contains(lines[last], `"path":"acme/data/stores/acme-us/creds/advertising"`)) {
		last--
	}
	if !strings.Contains(lines[last-1], `"type":"request"`) {
		t.Fatal("olga's last read has no request entry before its response")
	}
	// The log as it was when olga's last read was answered, cut in the
	// middle of that answer.
	cut := strings.Join(lines[:last], "") + lines[last][:len(lines[last])/2]
	fullPath := filepath.Join(t.TempDir(), "full.log")
	if err := os.WriteFile(fullPath, []byte(strings.Join(lines[:last+1], "")), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cut.log")
	if err := os.WriteFile(path, []byte(cut), 0o600); err != nil {
		t.Fatal(err)
	}
	s := *sess(t)
	old := shared.s
	shared.s = &s
	defer func() { shared.s = old }()
	s.logFile = fullPath
	full := analyse(t, audit.Options{})
	s.logFile = path
	rep := analyse(t, audit.Options{})
	if rep.Stats.Malformed != 1 || rep.Stats.Unanswered != 1 || rep.Stats.Requests != full.Stats.Requests {
		t.Fatalf("cut short: %+v (full log: %+v)", rep.Stats, full.Stats)
	}
	lastEv := rep.Events[len(rep.Events)-1]
	if lastEv.Result != audit.ResultUnanswered || lastEv.Person != "olga" {
		t.Fatalf("last event %+v", lastEv)
	}
}
