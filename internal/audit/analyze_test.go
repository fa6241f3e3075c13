package audit

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEventsAndRules(t *testing.T) {
	denied := func(e entry) entry { e.err = "1 error occurred:\n\t* permission denied\n\n"; return e }
	rep := analyzeLines(t, Options{}, flat(
		both(by("olga").read(cred, t0)),
		both(by("olga").read("sv-totp/code/acme-us.seller-central", t0)),
		both(denied(by("olga").read("sv/data/stores/acme-de/creds/seller-central", t0))),
		both(denied(by("olga").read("sv/data/stores/acme-us/payout", t0))),
		both(by("farid").read("sv/data/stores/acme-de/payout", t0)),
		both(by("maria").read("sv/data/contacts/email/ops@acme.example", t0)),
		both(by("maria").read("sv/data/contacts/phone/14155550100", t0)),
		both(entry{display: "root", token: "hmac-sha256:root"}.read(cred, t0)),
		both(entry{display: "approle"}.read("sv/metadata/stores/acme-us/creds/seller-central", t0)), // metadata: not an event
		both(entry{entity: "e-x", display: "userpass-x", token: "t"}.read("other/data/stores/a/creds/b", t0)),
		both(by("olga").read("sv/data/staff/olga", t0)), // her own staff record: not an event
	)...)
	wantEvents(t, rep,
		"olga read credential acme-us/seller-central ok []",
		"olga read totp-code acme-us/seller-central ok []",
		"olga read credential acme-de/seller-central denied [outside-stores denied]",
		"olga read payout acme-us denied [outside-role denied]",
		"farid read payout acme-de ok []",
		"maria read mailbox o***@a***.example ok []",
		"maria read phone +1********00 ok []",
		"root read credential acme-us/seller-central ok [not-staff]",
	)
	if rep.Stats.Requests != 10 || rep.Stats.Other != 2 || rep.Stats.Lines != 22 || rep.Stats.Malformed != 0 {
		t.Errorf("stats %+v", rep.Stats)
	}
	if e := rep.Events[0]; e.Role != "ops" || e.EntityID != "e-olga" || e.Store != "acme-us" || !e.Time.Equal(t0) {
		t.Errorf("event %+v", e)
	}
}

func TestPayoutChanges(t *testing.T) {
	write := func(name, op, path string) entry {
		e := by(name)
		e.op, e.path, e.at = op, path, t0
		return e
	}
	rep := analyzeLines(t, Options{}, flat(
		both(write("farid", "create", "sv/data/proposals/payout/acme-us/ID1")),
		both(write("maria", "create", "sv/data/proposals/payout-decisions/acme-us/ID1")),
		both(write("maria", "update", "sv/data/stores/acme-us/payout")),
		both(write("maria", "update", "sv/metadata/stores/acme-us/payout")),
		both(write("olga", "create", "sv/data/proposals/payout/acme-us/ID2")),
		both(write("farid", "update", "sv/data/stores/acme-us/payout")),
		both(write("maria", "update", "sv/data/stores/acme-us/creds/x")), // a login's change: not reported
	)...)
	wantEvents(t, rep,
		"farid change payout-proposal acme-us/ID1 ok [payout-change]",
		"maria change payout-decision acme-us/ID1 ok [payout-change]",
		"maria change payout acme-us ok [payout-change]",
		"maria change payout acme-us ok [payout-change]",
		"olga change payout-proposal acme-us/ID2 ok [outside-role payout-change]",
		"farid change payout acme-us ok [outside-role payout-change]",
	)
	if d := rep.Flags[3].Detail; d != "update payout (metadata)" {
		t.Errorf("detail %q", d)
	}
}

// TestLeavers: the offboarding time is kept to the second; a request
// that succeeded in that second is from before; refused ones count.
func TestLeavers(t *testing.T) {
	denied := func(e entry) entry { e.err = "permission denied"; return e }
	half := 500 * time.Millisecond
	login := func(name string, at time.Time, ok bool) [][]byte {
		e := entry{display: "root", token: "hmac-sha256:root", op: "update", path: "auth/userpass/login/" + name, at: at}
		if ok {
			e.respAuth = "e-" + name
		} else {
			e.dataErr = true
		}
		return both(e)
	}
	rep := analyzeLines(t, Options{}, flat(
		both(by("tom").read("sv/data/stores/acme-de/creds/a", t0.Add(-time.Second))),
		both(by("tom").read("sv/data/stores/acme-de/creds/b", t0.Add(half))),
		both(denied(by("tom").read("sv/data/stores/acme-de/creds/c", t0.Add(half)))),
		both(by("tom").read("sv/data/stores/acme-de/creds/d", t0.Add(time.Second))),
		login("tom", t0.Add(-time.Minute), true), // before: logins of people here are not reported
		login("tom", t0.Add(time.Minute), false),
		login("olga", t0.Add(time.Minute), false),
		both(by("ann").read("sv/data/stores/acme-de/creds/e", t0.Add(-time.Hour))), // offboarded, time unknown
		both(by("sam").read("sv/data/stores/acme-de/creds/f", t0)),                 // disabled: ok ones came before
		both(denied(by("sam").read("sv/data/stores/acme-de/creds/g", t0))),
	)...)
	wantEvents(t, rep,
		"ann read credential acme-de/e ok [offboarded]",
		"tom read credential acme-de/a ok []",
		"sam read credential acme-de/f ok []",
		"sam read credential acme-de/g denied [offboarded denied]",
		"tom read credential acme-de/b ok []",
		"tom read credential acme-de/c denied [offboarded denied]",
		"tom read credential acme-de/d ok [offboarded]",
		"tom login login tom failed [offboarded]",
	)
	for _, f := range rep.Flags {
		if f.Kind == FlagOffboarded && f.Person == "tom" && f.Detail != "offboarded at 2026-03-02T10:00:00Z" ||
			f.Kind == FlagOffboarded && f.Person == "sam" && f.Detail != "identity disabled" {
			t.Errorf("flag %+v", f)
		}
	}
}

// TestTokenAttribution: a refused token carries no identity; the same
// token's earlier requests name its owner.
func TestTokenAttribution(t *testing.T) {
	revoked := entry{token: "hmac-sha256:tok-tom", err: "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"}
	stranger := entry{token: "hmac-sha256:never-seen", err: "permission denied"}
	rep := analyzeLines(t, Options{}, flat(
		both(revoked.read("sv/data/stores/acme-de/creds/x", t0.Add(-time.Hour))), // not known yet
		both(by("tom").read("sv/data/stores/acme-de/creds/x", t0.Add(-time.Minute))),
		both(revoked.read("sv/data/stores/acme-de/creds/x", t0.Add(time.Hour))),
		both(stranger.read("sv/data/stores/acme-de/creds/x", t0.Add(time.Hour))),
	)...)
	wantEvents(t, rep,
		"unknown read credential acme-de/x denied [denied]",
		"tom read credential acme-de/x ok []",
		"tom read credential acme-de/x denied [offboarded denied]",
		"unknown read credential acme-de/x denied [denied]",
	)
	if n := rep.Events[2].Note; !strings.Contains(n, "no longer valid") || !strings.Contains(n, "same token") {
		t.Errorf("note %q", n)
	}
}

func TestBursts(t *testing.T) {
	reads := func(name string, n int, start time.Time, every time.Duration) [][]byte {
		var out [][]byte
		for i := 0; i < n; i++ {
			out = append(out, both(by(name).read(cred, start.Add(time.Duration(i)*every)))...)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		lines  [][]byte
		counts []int
	}{
		{"20 in 5m is no burst", reads("olga", 20, t0, time.Second), nil},
		{"21 in 5m is one", reads("olga", 21, t0, time.Second), []int{21}},
		{"30 quickly is one of 30", reads("olga", 30, t0, time.Second), []int{30}},
		{"one a minute is none", reads("olga", 60, t0, time.Minute), nil},
		{"two, an hour apart", flat(reads("olga", 25, t0, time.Second), reads("olga", 22, t0.Add(time.Hour), time.Second)), []int{25, 22}},
		{"two people", flat(reads("olga", 21, t0, time.Second), reads("maria", 21, t0, time.Second)), []int{21, 21}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := analyzeLines(t, Options{}, tc.lines...)
			var counts []int
			flagged := 0
			for _, f := range rep.Flags {
				if f.Kind == FlagBurst {
					counts = append(counts, f.Count)
				}
			}
			for _, e := range rep.Events {
				if slices.Contains(e.Flags, FlagBurst) {
					flagged++
				}
			}
			total := 0
			for _, c := range counts {
				total += c
			}
			if !slices.Equal(counts, tc.counts) || flagged != total {
				t.Fatalf("bursts %v, %d events flagged; want %v", counts, flagged, tc.counts)
			}
		})
	}
	rep := analyzeLines(t, Options{BurstReads: 2, BurstWindow: time.Minute}, reads("olga", 3, t0, time.Second)...)
	if len(rep.Flags) != 1 || rep.Flags[0].Detail != "3 record reads in 2s (more than 2 within 1m); stores acme-us" ||
		!rep.Flags[0].Until.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("flags %+v", rep.Flags)
	}
	// Bursts share no reads: after one ends, the next needs more than
	// BurstReads reads of its own.
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	var lines [][]byte
	for _, at := range []time.Time{ms(0), ms(1000), ms(2000), ms(11500), ms(12000), ms(13000)} {
		lines = append(lines, both(by("olga").read(cred, at))...)
	}
	rep = analyzeLines(t, Options{BurstReads: 2, BurstWindow: 10 * time.Second}, lines...)
	var counts []int
	for _, f := range rep.Flags {
		counts = append(counts, f.Count)
	}
	if !slices.Equal(counts, []int{3, 3}) || !rep.Flags[1].Time.Equal(ms(11500)) {
		t.Fatalf("bursts %v: %+v", counts, rep.Flags)
	}
}

func TestFiltersAndSince(t *testing.T) {
	lines := flat(
		both(by("olga").read(cred, t0)),
		both(by("maria").read("sv/data/stores/acme-de/creds/x", t0.Add(time.Hour))),
		both(entry{entity: "e-gone", display: "userpass-olga", token: "t2"}.read(cred, t0.Add(2*time.Hour))), // re-created entity
	)
	wantEvents(t, analyzeLines(t, Options{Staff: "olga"}, lines...),
		"olga read credential acme-us/seller-central ok []", "olga read credential acme-us/seller-central ok []")
	wantEvents(t, analyzeLines(t, Options{Store: "acme-de"}, lines...), "maria read credential acme-de/x ok []")
	wantEvents(t, analyzeLines(t, Options{Since: t0.Add(30 * time.Minute)}, lines...),
		"maria read credential acme-de/x ok []", "olga read credential acme-us/seller-central ok []")
	// Without a directory: display names, no not-staff flags.
	rep, _ := Analyze(bytes.NewReader(bytes.Join(lines, []byte("\n"))), Options{Prefix: "sv", Staff: "olga"})
	wantEvents(t, rep, "userpass-olga read credential acme-us/seller-central ok []", "userpass-olga read credential acme-us/seller-central ok []")
}

func TestUnanswered(t *testing.T) {
	req := by("olga").read(cred, t0)
	req.typ, req.id = "request", "lonely"
	other := by("olga").read("sv/metadata/stores/acme-us", t0)
	other.typ, other.id = "request", "lonely-metadata" // not an event when answered either
	rep := analyzeLines(t, Options{}, req.line(), other.line())
	wantEvents(t, rep, "olga read credential acme-us/seller-central unanswered []")
	if rep.Stats.Unanswered != 1 || rep.Stats.Requests != 1 {
		t.Fatalf("stats %+v", rep.Stats)
	}
}
