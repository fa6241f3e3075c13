package audit

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func (e entry) do(op, path string, at time.Time) entry {
	e.op, e.path, e.at = op, path, at
	return e
}

func flagsOfKind(rep *Report, kind string) []Flag {
	var out []Flag
	for _, f := range rep.Flags {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

// TestDotSegments: a path with dot-segments, however written, is flagged
// with the path as logged, and judged by the record it reached.
func TestDotSegments(t *testing.T) {
	sent := by("olga").do("update", "sv/data/_meta/reminders/../../stores/acme-us/payout", t0)
	sent.uri = "/v1/sv/data/_meta/reminders/%2e%2e/%2E%2E/stores/acme-us/payout?token=secret"
	mailbox := by("maria").read("sv/data/stores/../contacts/email/ops@acme.example", t0.Add(3*time.Second))
	mailbox.uri = "/v1/sv/data/stores/%2e%2e/contacts/email/ops%40acme.example"
	rep := analyzeLines(t, Options{}, flat(
		// The traversal of invariant 2, as Vault logs it: the path decoded
		// once, the URI as sent.
		both(sent),
		// Encoded twice: Vault saw %2e%2e; classified as if decoded.
		both(by("olga").do("update", "sv/metadata/_meta/reminders/%2e%2E/.%2e/stores/acme-us/creds/x", t0.Add(time.Second))),
		// A manager may write anything, but not by a traversal unnoticed.
		both(by("maria").do("list", "sv/metadata/stores/acme-us/creds/../", t0.Add(2*time.Second))),
		// A mailbox reached: its address is masked in the path shown.
		both(mailbox),
		// A refused one.
		both(entry{entity: "e-olga", display: "userpass-olga", token: "t", err: "permission denied"}.do("read",
			"sv/data/staff/olga/%2e%2e/maria", t0.Add(4*time.Second))),
		// The root token.
		both(entry{display: "root", token: "r"}.do("create", "sv/data/x/%2E%2E/stores/acme-de/payout", t0.Add(5*time.Second))),
		// Out of a login path, into the userpass mount's others.
		both(entry{display: "", token: ""}.do("update", "auth/userpass/login/%2e%2e/users/maria", t0.Add(5500*time.Millisecond))),
		// Names with dots are no dot-segments.
		both(by("olga").read("sv/data/stores/acme-us/creds/a.b", t0.Add(6*time.Second))),
	)...)
	wantEvents(t, rep,
		"olga change payout acme-us ok [dot-segment outside-role payout-change]",
		"olga change credential acme-us/x ok [dot-segment outside-role]",
		"maria list other  ok [dot-segment]",
		"maria read mailbox o***@a***.example ok [dot-segment]",
		"olga read staff maria denied [dot-segment denied]",
		"root change payout acme-de ok [dot-segment not-staff payout-change]",
		"unknown change other  ok [dot-segment]",
		"olga read credential acme-us/a.b ok []",
	)
	dots := flagsOfKind(rep, FlagDotSegment)
	if len(dots) != 7 {
		t.Fatalf("%d dot-segment flags", len(dots))
	}
	for i, want := range []string{
		"in the path, which Vault's policies matched before the engine resolved it: sv/data/_meta/reminders/../../stores/acme-us/payout " +
			"(sent as sv/data/_meta/reminders/%2e%2e/%2E%2E/stores/acme-us/payout)",
		"once the logged path is decoded again (sent encoded twice; Vault took them as names): sv/metadata/_meta/reminders/%2e%2E/.%2e/stores/acme-us/creds/x",
		": sv/metadata/stores/acme-us/creds/../",
		": sv/data/stores/../contacts/email/o***@a***.example (sent as sv/data/stores/%2e%2e/contacts/email/o***@a***.example)",
		": sv/data/staff/olga/%2e%2e/maria",
	} {
		if !strings.Contains(dots[i].Detail, want) {
			t.Errorf("flag %d: detail %q, want %q", i, dots[i].Detail, want)
		}
	}
	if all := fmt.Sprint(rep.Flags); strings.Contains(all, "ops@acme") || strings.Contains(all, "ops%40acme") || strings.Contains(all, "secret") {
		t.Error("an address or a query in a flag")
	}
	if d := flagsOfKind(rep, FlagOutsideRole)[1].Detail; d != "changing a credential is not for ops" {
		t.Errorf("outside-role detail %q", d)
	}

	// A hostile path is shown cut short.
	long := "sv/data/" + strings.Repeat("a/", 1000) + "../x"
	rep = analyzeLines(t, Options{}, both(by("maria").read(long, t0))...)
	if f := flagsOfKind(rep, FlagDotSegment); len(f) != 1 || len(f[0].Detail) > maxPathShown+200 || !strings.HasSuffix(f[0].Detail, "…") {
		t.Fatalf("long path: %+v", f)
	}
}

// TestHMACVolume: Transit HMAC inputs (a batch counts its length) are
// added up per person over the window.
func TestHMACVolume(t *testing.T) {
	hmac := func(name string, at time.Time, n int) [][]byte {
		e := by(name).do("update", "sv-transit/hmac/sv-redact", at)
		batch := make([]any, n)
		for i := range batch {
			batch[i] = map[string]any{"input": "hmac-sha256:0"}
		}
		e.data = map[string]any{"batch_input": batch, "algorithm": "sha2-256"}
		return both(e)
	}
	single := func(name string, at time.Time) [][]byte {
		e := by(name).do("update", "sv-transit/hmac/person-e-"+name+"/sha2-256", at)
		e.data = map[string]any{"input": "hmac-sha256:0"}
		return both(e)
	}
	denied := func(lines [][]byte) [][]byte {
		for i := range lines {
			lines[i] = []byte(strings.Replace(string(lines[i]), `"type"`, `"error":"1 error occurred:\n\t* permission denied\n\n","type"`, 1))
		}
		return lines
	}
	lines := flat(
		hmac("olga", t0, 3000),
		single("olga", t0.Add(time.Minute)),
		hmac("olga", t0.Add(10*time.Minute), 2000),       // 5001 within the hour
		hmac("olga", t0.Add(20*time.Minute), 500),        // the same episode
		hmac("maria", t0, 5000),                          // exactly the limit: fine
		hmac("farid", t0.Add(time.Hour), 6000),           // one batch over it
		denied(hmac("olga", t0.Add(-time.Minute), 9000)), // refused: nothing computed
		hmac("olga", t0.Add(3*time.Hour), 4000),          // a new hour: fine alone
		hmac("olga", t0.Add(3*time.Hour+time.Minute), 1001),
	)
	rep := analyzeLines(t, Options{}, lines...)
	var got []string
	for _, f := range flagsOfKind(rep, FlagHMACVolume) {
		got = append(got, fmt.Sprintf("%s %d %s..%s", f.Person, f.Count, f.Time.Sub(t0), f.Until.Sub(t0)))
	}
	want := []string{"olga 5501 0s..20m0s", "farid 6000 1h0m0s..1h0m0s", "olga 5001 3h0m0s..3h1m0s"}
	if !slices.Equal(got, want) {
		t.Fatalf("hmac-volume flags %v, want %v", got, want)
	}
	f := flagsOfKind(rep, FlagHMACVolume)[0]
	if f.Role != RoleOps || f.RecordKind != KindTransitHMAC ||
		f.Detail != "5501 Transit HMAC inputs in 20m0s (more than 5000 within 1h): guesses against the redaction index?; keys person-e-olga,sv-redact" {
		t.Errorf("flag %+v", f)
	}
	// HMACs are not events; a refused one is.
	wantEvents(t, rep, "olga change transit-hmac sv-redact denied [denied]")
	if rep.HMAC.Inputs != DefaultHMACInputs || rep.HMAC.Window != DefaultHMACWindow {
		t.Errorf("settings %+v", rep.HMAC)
	}

	// Other settings; filters.
	rep = analyzeLines(t, Options{HMACInputs: 100, HMACWindow: time.Minute}, flat(hmac("olga", t0, 60), hmac("olga", t0.Add(2*time.Minute), 60),
		hmac("olga", t0.Add(2*time.Minute+time.Second), 41))...)
	if f := flagsOfKind(rep, FlagHMACVolume); len(f) != 1 || f[0].Count != 101 || !strings.Contains(f[0].Detail, "more than 100 within 1m") {
		t.Fatalf("100 per minute: %+v", f)
	}
	if rep := analyzeLines(t, Options{Staff: "maria"}, lines...); len(flagsOfKind(rep, FlagHMACVolume)) != 0 {
		t.Error("--staff maria kept others' HMAC flags")
	}
	if rep := analyzeLines(t, Options{Staff: "farid"}, lines...); len(flagsOfKind(rep, FlagHMACVolume)) != 1 {
		t.Error("--staff farid lost his HMAC flag")
	}
	if rep := analyzeLines(t, Options{Store: "acme-us"}, lines...); len(flagsOfKind(rep, FlagHMACVolume)) != 0 {
		t.Error("--store kept a flag of no store")
	}
}

// TestUnwraps: an unwrap of a response wrapped from the team's paths is
// reported, put to the wrapper when sent with the wrapping token itself,
// and flagged when the wrapper has been offboarded since.
func TestUnwraps(t *testing.T) {
	wrapRead := func(e entry, path string, at time.Time, token string) [][]byte {
		e = e.read(path, at)
		e.wrap = []string{"hmac-sha256:" + token, "hmac-sha256:acc-" + token, path}
		return both(e)
	}
	withToken := func(token string, at time.Time) entry { // the wrapping token as the client token
		return entry{authToken: "hmac-sha256:" + token, accessor: "hmac-sha256:acc-" + token, token: "hmac-sha256:other", op: "update",
			path: "sys/wrapping/unwrap", at: at}
	}
	inData := func(e entry, token string, at time.Time) entry { // sys/wrapping/unwrap with {"token": …}
		e = e.do("update", "sys/wrapping/unwrap", at)
		e.data = map[string]any{"token": "hmac-sha256:" + token}
		return e
	}
	manual := by("maria").do("update", "sys/wrapping/wrap", t0.Add(-3*time.Hour))
	manual.data = map[string]any{"password": "hmac-sha256:pw"}
	manual.wrap = []string{"hmac-sha256:w-onboard", "hmac-sha256:acc-w-onboard", "sys/wrapping/wrap"}
	// A used wrapping token: Vault writes the request entry, with the
	// error, and no response entry.
	used := withToken("w-tom", t0.Add(2*time.Hour))
	used.typ, used.id, used.accessor, used.err = "request", "used-1", "", "wrapping token is not valid or does not exist"
	rep := analyzeLines(t, Options{}, flat(
		both(manual),
		both(withToken("w-onboard", t0.Add(-2*time.Hour))),
		wrapRead(by("tom"), "sv/data/stores/acme-de/creds/x", t0.Add(-time.Hour), "w-tom"),
		wrapRead(by("maria"), "sv/data/stores/acme-us/payout", t0.Add(-time.Hour), "w-maria"),
		both(withToken("w-tom", t0.Add(time.Hour))),                 // after tom left: flagged
		both(inData(by("olga"), "w-maria", t0.Add(time.Hour))),      // olga opens a payout record
		both(withToken("w-unknown", t0.Add(time.Hour))),             // wrapped before the log began
		both(inData(by("olga"), "w-other-team", t0.Add(time.Hour))), // likewise
		[][]byte{used.line()},
	)...)
	wantEvents(t, rep,
		"maria unwrap wrap  ok []",
		"tom read credential acme-de/x ok []",
		"maria read payout acme-us ok []",
		"tom unwrap credential acme-de/x ok [unwrap-after-offboarding]",
		"olga unwrap payout acme-us ok [outside-role]",
		"tom unwrap credential acme-de/x failed []",
	)
	ev := rep.Events
	if !strings.Contains(ev[0].Note, "wrapped by maria at 2026-03-02T07:00:00Z (data wrapped by hand") || !strings.Contains(ev[0].Note, "with the wrapping token itself") {
		t.Errorf("onboarding unwrap: note %q", ev[0].Note)
	}
	if !strings.Contains(ev[1].Note, "response wrapped") {
		t.Errorf("the wrapped read: note %q", ev[1].Note)
	}
	if ev[3].EntityID != "" || ev[3].Role != RoleOps || !strings.Contains(ev[3].Note, "wrapped by tom at 2026-03-02T09:00:00Z") {
		t.Errorf("tom's unwrap: %+v", ev[3])
	}
	if ev[4].EntityID != "e-olga" || !strings.Contains(ev[4].Note, "wrapped by maria") || strings.Contains(ev[4].Note, "wrapping token itself") {
		t.Errorf("olga's unwrap: %+v", ev[4])
	}
	if n := ev[5].Note; !strings.Contains(n, "already used") || !strings.Contains(n, "already unwrapped at 2026-03-02T11:00:00Z") ||
		!strings.Contains(n, "no response entry") {
		t.Errorf("the second unwrap: note %q", n)
	}
	if rep.Stats.Unanswered != 0 || rep.Stats.Requests != 9 {
		t.Errorf("stats %+v", rep.Stats)
	}
	f := flagsOfKind(rep, FlagUnwrapAfter)
	if len(f) != 1 || f[0].Person != "tom" || f[0].Record != "acme-de/x" ||
		f[0].Detail != "wrapped by tom at 2026-03-02T09:00:00Z, offboarded at 2026-03-02T10:00:00Z: a wrapped response outlived their offboarding" {
		t.Fatalf("flags %+v", f)
	}

	// Before the offboarding, the same unwrap is fine; a rewrap keeps
	// the first wrapper.
	rewrap := by("maria").do("update", "sys/wrapping/rewrap", t0.Add(-30*time.Minute))
	rewrap.data = map[string]any{"token": "hmac-sha256:w-tom"}
	rewrap.wrap = []string{"hmac-sha256:w-re", "hmac-sha256:acc-w-re", "sv/data/stores/acme-de/creds/x"}
	rep = analyzeLines(t, Options{}, flat(
		wrapRead(by("tom"), "sv/data/stores/acme-de/creds/x", t0.Add(-time.Hour), "w-tom"),
		both(rewrap),
		both(withToken("w-re", t0.Add(time.Hour))),
	)...)
	wantEvents(t, rep, "tom read credential acme-de/x ok []", "tom unwrap credential acme-de/x ok [unwrap-after-offboarding]")
	rep = analyzeLines(t, Options{}, flat(
		wrapRead(by("tom"), "sv/data/stores/acme-de/creds/x", t0.Add(-time.Hour), "w-tom"),
		both(withToken("w-tom", t0.Add(-time.Minute))),
	)...)
	wantEvents(t, rep, "tom read credential acme-de/x ok []", "tom unwrap credential acme-de/x ok []")
	// Matched by the accessor alone, too.
	byAccessor := withToken("w-tom", t0.Add(time.Hour))
	byAccessor.authToken = "hmac-sha256:unmatched"
	rep = analyzeLines(t, Options{}, flat(
		wrapRead(by("tom"), "sv/data/stores/acme-de/creds/x", t0.Add(-time.Hour), "w-tom"),
		both(byAccessor),
	)...)
	if len(flagsOfKind(rep, FlagUnwrapAfter)) != 1 {
		t.Errorf("by accessor: %v", summary(rep))
	}
}

// TestWriteRoles: writes are judged by who may write what.
func TestWriteRoles(t *testing.T) {
	approle := entry{entity: "e-approle", display: "approle", token: "hmac-sha256:app"}
	for _, tc := range []struct {
		who        entry
		op, path   string
		want       string // the event, or "" for none
		wantDetail string
	}{
		{by("maria"), "update", "sv/metadata/stores/acme-us/creds/x", "", ""},
		{by("maria"), "update", "sv/config", "", ""},
		{by("maria"), "create", "sv/data/decisions/payout/acme-us/ID", "maria change payout-decision acme-us/ID ok [payout-change]", ""},
		{by("olga"), "update", "sv/metadata/stores/acme-us/creds/x", "olga change credential acme-us/x ok [outside-role]", "changing a credential is not for ops"},
		{by("olga"), "delete", "sv/data/stores/acme-us/creds/x", "olga change credential acme-us/x ok [outside-role]", ""},
		{by("olga"), "patch", "sv/data/staff/olga", "olga change staff olga ok [outside-role]", "changing a staff is not for ops"},
		{by("olga"), "create", "sv/data/incidents/acme-us", "olga change incident acme-us ok [outside-role]", ""},
		{by("olga"), "update", "sv-totp/keys/acme-us.x", "olga change totp-key acme-us/x ok [outside-role]", "changing a TOTP key is not for ops"},
		{by("olga"), "update", "sv-totp/code/acme-us.x", "", ""},    // checking a code writes nothing
		{by("olga"), "update", "sv-transit/hmac/sv-redact", "", ""}, // nor does an HMAC
		{by("olga"), "update", "sv/undelete/stores/acme-us/payout", "olga change payout acme-us ok [outside-role payout-change]", ""},
		{by("farid"), "create", "sv-verifications/data/payout/acme-us", "", ""},
		{by("farid"), "update", "sv/data/verifications/payout/acme-us", "", ""}, // the layout before
		{by("farid"), "create", "sv-proposals/data/payout/acme-us/ID", "farid change payout-proposal acme-us/ID ok [payout-change]", ""},
		{by("farid"), "update", "sv-proposals/config", "farid change other  ok [outside-role]", "changing the proposals mount's settings is not for finance"},
		{by("farid"), "update", "sv/data/_meta/settings", "farid change meta settings ok [outside-role]", "changing a _meta record is not for finance"},
		{by("farid"), "update", "sv/metadata/stores/acme-us/payout", "farid change payout acme-us ok [outside-role payout-change]", ""},
		{by("farid"), "create", "sv/data/decisions/payout/acme-us/ID", "farid change payout-decision acme-us/ID ok [outside-role payout-change]", ""},
		{by("olga"), "create", "sv-verifications/data/payout/acme-us", "olga change payout-verification acme-us ok [outside-role]", ""},
		{by("olga"), "update", "sv-reminders/metadata/email/olga", "olga change reminder email/olga ok [outside-role]", ""},
		{by("maria"), "update", "sv-reminders/metadata/email/olga", "", ""},
		{approle, "update", "sv-reminders/metadata/email/olga", "", ""},
		{approle, "update", "sv/metadata/_meta/reminders/email/olga", "approle change reminder email/olga ok [outside-role]",
			"changing a reminder is not for the reminder job (it writes its notes in the reminders mount only)"},
		{approle, "update", "sv/metadata/stores/acme-us/creds/x", "approle change credential acme-us/x ok [outside-role]", ""},
		{approle, "update", "sv-reminders/config", "approle change other  ok [outside-role]", ""},
		{approle, "read", "sv/data/stores/acme-us/creds/x", "approle read credential acme-us/x ok [outside-role]",
			"credential is not for the reminder job (it writes its notes in the reminders mount only)"},
		{approle, "read", "sv/metadata/stores/acme-us/creds/x", "", ""},
		{entry{display: "root", token: "r"}, "update", "sv/metadata/stores/acme-us/creds/x", "", ""}, // no role to judge: init's work
	} {
		rep := analyzeLines(t, Options{}, both(tc.who.do(tc.op, tc.path, t0))...)
		got := strings.Join(summary(rep), "\n")
		if got != tc.want {
			t.Errorf("%s %s %s: %q, want %q", tc.who.display, tc.op, tc.path, got, tc.want)
			continue
		}
		if tc.wantDetail != "" {
			if f := flagsOfKind(rep, FlagOutsideRole); len(f) != 1 || f[0].Detail != tc.wantDetail {
				t.Errorf("%s %s %s: %+v, want %q", tc.who.display, tc.op, tc.path, f, tc.wantDetail)
			}
		}
	}
	// The reminder AppRole is known without a directory too.
	rep, err := Analyze(strings.NewReader(string(bytesJoin(both(approle.do("update", "sv/metadata/stores/acme-us/creds/x", t0))))), Options{Prefix: "sv"})
	if err != nil || len(flagsOfKind(rep, FlagOutsideRole)) != 1 || rep.Events[0].Role != RoleReminder {
		t.Fatalf("offline: %v %v", err, summary(rep))
	}
}

func bytesJoin(lines [][]byte) []byte {
	var out []byte
	for _, l := range lines {
		out = append(append(out, l...), '\n')
	}
	return out
}

// TestPostureProbeIsNoAlarm: the one request `status` sends to learn
// whether the server accepts dot-segments is not reported; a traversal
// elsewhere is.
func TestPostureProbeIsNoAlarm(t *testing.T) {
	refused := entry{entity: "e-olga", display: "userpass-olga", token: "t", err: "permission denied"}
	rep := analyzeLines(t, Options{}, flat(
		// As Vault logs the probe (internal/vault DotSegmentProbePath): a
		// read of the caller's own token, outside the team's mounts.
		both(refused.read("auth/token/lookup-self/../lookup-self", t0)),
		both(refused.read("sv/data/staff/olga/../maria", t0.Add(time.Second))),
	)...)
	if n := len(flagsOfKind(rep, FlagDotSegment)); n != 1 {
		t.Fatalf("%d dot-segment flags, want 1 (the probe is no alarm, the other traversal is): %+v", n, rep.Flags)
	}
	if d := flagsOfKind(rep, FlagDotSegment)[0].Detail; !strings.Contains(d, "staff/olga/../maria") {
		t.Fatalf("the flag is about %q", d)
	}
}
