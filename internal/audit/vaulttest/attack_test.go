package vaulttest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/app"
	"github.com/sellervault/sellervault/internal/audit"
)

func attacks(t *testing.T) *attackSession {
	t.Helper()
	if attackShared.err != nil {
		t.Fatal(attackShared.err)
	}
	return attackShared.s
}

// attackEntries are the log's entries, parsed, with their raw lines.
func attackEntries(t *testing.T) ([]audit.Entry, []string) {
	t.Helper()
	f, err := os.Open(attacks(t).logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var entries []audit.Entry
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		e, err := audit.ParseLine(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d: %v", len(lines)+1, err)
		}
		entries = append(entries, e)
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return entries, lines
}

// TestAttackLog: what Vault 1.21's file audit device really writes for
// the requests the report relies on.
func TestAttackLog(t *testing.T) {
	s := attacks(t)
	entries, lines := attackEntries(t)
	find := func(match func(audit.Entry) bool) (out []int) {
		for i, e := range entries {
			if match(e) {
				out = append(out, i)
			}
		}
		return out
	}

	// A traversal's path is logged as Vault's HTTP layer decoded it,
	// with ".." segments; the URI as sent, %2e and all, is in
	// request_uri, which Vault logs only when it differs from the path.
	for _, want := range []struct{ path, sent string }{
		{"acme/data/_meta/reminders/../../stores/acme-us/payout", s.payoutPath},
		{"acme/metadata/_meta/reminders/../../stores/acme-us/creds/seller-central", s.credsPath},
	} {
		got := find(func(e audit.Entry) bool { return e.RequestPath == want.path })
		if len(got) != 2 {
			t.Fatalf("%s: %d entries, want a request and a response", want.path, len(got))
		}
		for _, i := range got {
			if entries[i].RequestURI != "/v1/"+want.sent {
				t.Errorf("%s: request_uri %q", want.path, entries[i].RequestURI)
			}
		}
	}
	for i, e := range entries {
		if strings.Contains(strings.ToLower(e.RequestPath), "%2e") {
			t.Errorf("line %d: a path logged encoded: %s", i+1, e.RequestPath)
		}
		if e.RequestURI != "" && !strings.Contains(e.RequestURI, "%2") && !strings.Contains(e.RequestURI, "?") {
			t.Errorf("line %d: request_uri %q logged though it is the path", i+1, e.RequestURI)
		}
	}

	// A batch: the list is kept, each input HMAC'd, in the request entry
	// and again in the response entry.
	batch := find(func(e audit.Entry) bool {
		return e.RequestPath == "acme-transit/hmac/acme-redact" && e.RequestBatch > 0
	})
	if len(batch) != 2 {
		t.Fatalf("%d entries of the batch", len(batch))
	}
	for _, i := range batch {
		if entries[i].RequestBatch != s.hmacInputs || strings.Count(lines[i], `{"input":"hmac-sha256:`) != s.hmacInputs {
			t.Errorf("%s entry of the batch: %d inputs, %d HMAC'd", entries[i].Type, entries[i].RequestBatch,
				strings.Count(lines[i], `{"input":"hmac-sha256:`))
		}
	}
	single := find(func(e audit.Entry) bool { return e.RequestPath == "acme-transit/hmac/acme-redact" && e.RequestInput })
	if len(single) != 2 || entries[single[0]].RequestBatch != 0 {
		t.Errorf("the single input: %d entries", len(single))
	}
	if strings.Contains(strings.Join(lines, "\n"), "Z3Vlc3Mt") { // base64 of "guess-"
		t.Error("an input in clear in the log")
	}

	// A wrapped response: its response entry has wrap_info with the
	// path (not HMAC'd) and the token's and accessor's HMACs.
	wraps := find(func(e audit.Entry) bool { return e.Type == "response" && e.WrapToken != "" })
	if len(wraps) != 2 {
		t.Fatalf("%d wrapped responses", len(wraps))
	}
	toms, marias := entries[wraps[0]], entries[wraps[1]]
	if toms.WrapPath != "acme/data/stores/acme-de/creds/seller-central" || toms.RequestPath != toms.WrapPath || marias.WrapPath != "sys/wrapping/wrap" ||
		!strings.HasPrefix(toms.WrapToken, "hmac-sha256:") || !strings.HasPrefix(toms.WrapAccessor, "hmac-sha256:") {
		t.Errorf("wrap entries: %+v / %+v", toms, marias)
	}

	// Unwraps: with sys/wrapping/unwrap's token, the data holds the
	// wrapping token's HMAC; with the wrapping token itself, auth does
	// (and the request's accessor is the wrap's), with no identity.
	// Neither holds the wrapped path: only the wrap's entry does.
	unwraps := find(func(e audit.Entry) bool { return e.RequestPath == "sys/wrapping/unwrap" })
	if len(unwraps) != 5 {
		t.Fatalf("%d unwrap entries, want 2 + 2 + 1", len(unwraps))
	}
	a, b, used := entries[unwraps[1]], entries[unwraps[3]], entries[unwraps[4]]
	if a.Type != "response" || a.RequestDataToken != marias.WrapToken || a.AuthDisplayName != "userpass-olga" {
		t.Errorf("unwrap with a token in the data: %+v", a)
	}
	if b.Type != "response" || b.AuthClientToken != toms.WrapToken || b.RequestTokenAccessor != toms.WrapAccessor ||
		b.AuthEntityID != "" || b.AuthDisplayName != "" || b.RequestClientToken == toms.WrapToken {
		t.Errorf("unwrap with the wrapping token: %+v", b)
	}
	for _, i := range unwraps {
		if strings.Contains(lines[i], "stores/acme-de") {
			t.Errorf("an unwrap entry names the wrapped path: %s", lines[i])
		}
	}
	// A used wrapping token: the request entry holds the error, and
	// there is no response entry.
	if used.Type != "request" || !strings.Contains(used.Error, "wrapping token is not valid") || used.AuthClientToken != toms.WrapToken ||
		len(find(func(e audit.Entry) bool { return e.RequestID == used.RequestID })) != 1 {
		t.Errorf("the second unwrap: %+v", used)
	}
}

// TestAttacks: the report on the attack session's log flags each attack.
func TestAttacks(t *testing.T) {
	s := attacks(t)
	f, err := os.Open(s.logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := audit.Analyze(f, audit.Options{Prefix: attackPrefix, People: audit.NewDirectory(s.people)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stats.Malformed != 0 || rep.Stats.Unanswered != 0 {
		t.Fatalf("stats %+v", rep.Stats)
	}
	var got []string
	for _, e := range rep.Events {
		if e.Person == "root" {
			continue // setting up: its reads are not-staff, as ever
		}
		got = append(got, strings.Join([]string{e.Person, e.Role, e.Action, e.Kind, e.Record, e.Result, strings.Join(e.Flags, ",")}, " "))
	}
	want := []string{
		"olga ops change payout acme-us ok dot-segment,outside-role,payout-change",
		"approle reminder change credential acme-us/seller-central ok dot-segment,outside-role",
		"tom ops read credential acme-de/seller-central ok ",
		"olga ops unwrap wrap  ok ",
		"tom ops read credential acme-de/seller-central denied offboarded,denied",
		"tom ops unwrap credential acme-de/seller-central ok unwrap-after-offboarding",
		"tom ops unwrap credential acme-de/seller-central failed ",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	kinds := map[string][]audit.Flag{}
	for _, f := range rep.Flags {
		kinds[f.Kind] = append(kinds[f.Kind], f)
	}
	if d := kinds[audit.FlagDotSegment]; len(d) != 2 ||
		!strings.HasSuffix(d[0].Detail, ": acme/data/_meta/reminders/../../stores/acme-us/payout (sent as "+s.payoutPath+")") ||
		!strings.HasSuffix(d[1].Detail, " (sent as "+s.credsPath+")") {
		t.Errorf("dot-segment flags %+v", d)
	}
	if h := kinds[audit.FlagHMACVolume]; len(h) != 1 || h[0].Person != "olga" || h[0].Count != s.hmacInputs || !strings.Contains(h[0].Detail, "keys acme-redact") {
		t.Errorf("hmac-volume flags %+v", h)
	}
	if u := kinds[audit.FlagUnwrapAfter]; len(u) != 1 || u[0].Person != "tom" || !strings.Contains(u[0].Detail, "wrapped by tom") {
		t.Errorf("unwrap flags %+v", u)
	}
	for _, e := range rep.Events {
		if e.Action == audit.ActionUnwrap && e.Kind == audit.KindWrap && !strings.Contains(e.Note, "wrapped by maria") {
			t.Errorf("olga's unwrap: note %q", e.Note)
		}
	}

	// Higher limits, an earlier offboarding (his login, read and refused
	// read are after it now): the flags follow.
	f.Seek(0, 0)
	people := slices.Clone(s.people)
	people[2].OffboardedAt = s.offboardedAt.Add(-24 * 60 * 60 * 1e9)
	rep, err = audit.Analyze(f, audit.Options{Prefix: attackPrefix, People: audit.NewDirectory(people), HMACInputs: s.hmacInputs})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, f := range rep.Flags {
		n[f.Kind]++
	}
	if n[audit.FlagHMACVolume] != 0 || n[audit.FlagUnwrapAfter] != 1 || n[audit.FlagOffboarded] != 3 || n[audit.FlagDotSegment] != 2 {
		t.Errorf("flags %v", n)
	}
}

// runAttacks runs `sellervault audit --offline` on the attack log.
func runAttacks(t *testing.T, args ...string) (int, audit.View, string) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("SELLERVAULT_MOUNT", attackPrefix)
	var out, errOut bytes.Buffer
	env := &app.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}
	code := app.Run(context.Background(), append([]string{"sellervault", "audit", "--offline", "--format", "json", "--log", attacks(t).logFile}, args...), env)
	var v audit.View
	if code == app.ExitOK || code == app.ExitFlagged {
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("audit %v: %v\n%s", args, err, out.String())
		}
	}
	return code, v, errOut.String()
}

// TestAttacksCommand: `sellervault audit` exits 16 when its report flags
// anything, 0 when it flags nothing; --hmac-inputs and --hmac-window set
// the HMAC limit.
func TestAttacksCommand(t *testing.T) {
	s := attacks(t)
	code, v, stderr := runAttacks(t)
	kinds := map[string]int{}
	for _, f := range v.Flags {
		kinds[f.Flag]++
	}
	if code != app.ExitFlagged || kinds["dot-segment"] != 2 || kinds["hmac-volume"] != 1 || !strings.Contains(stderr, "flags in the report") {
		t.Fatalf("exit %d, flags %v: %s", code, kinds, stderr)
	}
	if v.Summary.HMACInputs != audit.DefaultHMACInputs || v.Summary.HMACWindow != "1h" {
		t.Errorf("summary %+v", v.Summary)
	}
	code, v, _ = runAttacks(t, "--hmac-inputs", "6000", "--hmac-window", "30m")
	for _, f := range v.Flags {
		if f.Flag == "hmac-volume" {
			t.Errorf("--hmac-inputs 6000: %+v", f)
		}
	}
	if code != app.ExitFlagged || v.Summary.HMACInputs != s.hmacInputs || v.Summary.HMACWindow != "30m" {
		t.Errorf("--hmac-inputs 6000: exit %d, %+v", code, v.Summary)
	}
	// Only the reminder job's store-less... no: only its flags, which
	// are there; and a report of nothing flags nothing.
	if code, v, _ := runAttacks(t, "--since", "2999-01-01"); code != app.ExitOK || len(v.Flags) != 0 {
		t.Errorf("--since 2999-01-01: exit %d, %d flags", code, len(v.Flags))
	}
	if code, v, _ := runAttacks(t, "--staff", "maria"); code != app.ExitOK || len(v.Flags) != 0 {
		t.Errorf("--staff maria (nothing flagged): exit %d, %+v", code, v.Flags)
	}
	for _, bad := range [][]string{{"--hmac-inputs", "0"}, {"--hmac-window", "soon"}} {
		if code, _, stderr := runAttacks(t, bad...); code != app.ExitUsage || !strings.Contains(stderr, strings.TrimPrefix(bad[0], "--")) && !strings.Contains(stderr, "duration") {
			t.Errorf("%v: exit %d: %s", bad, code, stderr)
		}
	}
}
