package audit

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// entry builds an audit line as Vault writes it.
type entry struct {
	typ      string
	at       time.Time
	id       string
	op, path string
	entity   string // "" for none
	display  string
	token    string
	err      string
	dataErr  bool
	respAuth string // a login's entity

	data      map[string]any // request data (Vault HMACs its strings)
	authToken string         // auth.client_token, when it is not the usual
	accessor  string         // request.client_token_accessor
	uri       string         // request.request_uri
	wrap      []string       // response.wrap_info: token, accessor, creation path
}

func (e entry) line() []byte {
	m := map[string]any{"type": e.typ, "time": e.at.Format(time.RFC3339Nano)}
	if e.display != "" || e.entity != "" {
		m["auth"] = map[string]any{"display_name": e.display, "entity_id": e.entity, "client_token": "hmac-sha256:internal",
			"policies": []string{"default"}, "metadata": map[string]string{"username": "x"}}
	}
	if e.authToken != "" { // an unwrap with the wrapping token: no name, no entity
		m["auth"] = map[string]any{"client_token": e.authToken, "accessor": e.accessor, "policies": []string{"response-wrapping"}}
	}
	if e.err != "" {
		m["error"] = e.err
	}
	req := map[string]any{"id": e.id, "operation": e.op, "path": e.path, "client_token": e.token,
		"headers": map[string][]string{"user-agent": {"Go-http-client/1.1"}}, "namespace": map[string]string{"id": "root"}}
	if e.data != nil {
		req["data"] = e.data
	}
	if e.accessor != "" {
		req["client_token_accessor"] = e.accessor
	}
	if e.uri != "" {
		req["request_uri"] = e.uri
	}
	m["request"] = req
	if e.typ == "response" {
		resp := map[string]any{"mount_type": "kv"}
		if e.dataErr {
			resp["data"] = map[string]any{"error": "hmac-sha256:00"}
		} else {
			resp["data"] = map[string]any{"data": map[string]any{"password": "hmac-sha256:11"}}
		}
		if e.respAuth != "" {
			resp["auth"] = map[string]any{"entity_id": e.respAuth, "display_name": "userpass-x"}
		}
		if e.wrap != nil {
			resp["wrap_info"] = map[string]any{"token": e.wrap[0], "accessor": e.wrap[1], "creation_path": e.wrap[2],
				"creation_time": e.at.Format(time.RFC3339Nano), "ttl": 300}
		}
		m["response"] = resp
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

var seq int

// both is a request entry and its response entry.
func both(e entry) [][]byte {
	seq++
	e.id = fmt.Sprintf("req-%d", seq)
	req := e
	req.typ = "request"
	req.dataErr = false
	e.typ = "response"
	return [][]byte{req.line(), e.line()}
}

func team() *Directory {
	return NewDirectory([]Person{
		{Name: "maria", EntityID: "e-maria", Role: RoleManager},
		{Name: "farid", EntityID: "e-farid", Role: RoleFinance, Stores: []string{"acme-us"}},
		{Name: "olga", EntityID: "e-olga", Role: RoleOps, Stores: []string{"acme-us"}},
		{Name: "tom", EntityID: "e-tom", Role: RoleOps, Stores: []string{"acme-de"}, Offboarded: true, OffboardedAt: t0},
		{Name: "ann", EntityID: "e-ann", Role: RoleOps, Stores: []string{"acme-de"}, Offboarded: true},
		{Name: "sam", EntityID: "e-sam", Role: RoleOps, Stores: []string{"acme-de"}, Disabled: true},
	})
}

func by(name string) entry {
	return entry{entity: "e-" + name, display: "userpass-" + name, token: "hmac-sha256:tok-" + name}
}

func (e entry) read(path string, at time.Time) entry {
	e.op, e.path, e.at = "read", path, at
	return e
}

func analyzeLines(t *testing.T, opts Options, lines ...[]byte) *Report {
	t.Helper()
	if opts.Prefix == "" {
		opts.Prefix = "sv"
	}
	if opts.People == nil {
		opts.People = team()
	}
	rep, err := Analyze(bytes.NewReader(append(bytes.Join(lines, []byte("\n")), '\n')), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func flat(groups ...[][]byte) [][]byte {
	var out [][]byte
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func summary(rep *Report) []string {
	var out []string
	for _, e := range rep.Events {
		out = append(out, fmt.Sprintf("%s %s %s %s %s %v", e.Person, e.Action, e.Kind, e.Record, e.Result, e.Flags))
	}
	return out
}

func wantEvents(t *testing.T, rep *Report, want ...string) {
	t.Helper()
	if got := summary(rep); !slices.Equal(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

const cred = "sv/data/stores/acme-us/creds/seller-central"

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

func TestMalformedAndLong(t *testing.T) {
	good := both(by("olga").read(cred, t0))
	long := `{"request":{"path":"sv/data/x"},"pad":"` + strings.Repeat("a", 3000) + `"}`
	in := strings.Join([]string{
		"garbage that names \"path\":\"sv/data/stores/a/creds/b\"",
		"garbage about nothing",
		"",
		long,
		`{"type":"response","time":"yesterday","request":{"path":"sv/data/stores/a/creds/b"}}`,
		`{"type":"surprise","time":"2026-03-02T10:00:00Z","request":{"path":"sv/data/stores/a/creds/b"}}`,
		string(good[0]) + "\r",
		string(good[1]),
	}, "\n") // no newline at the end
	a := NewAnalyzer(Options{Prefix: "sv", People: team()})
	if err := a.ReadLog(strings.NewReader(in), 2048); err != nil {
		t.Fatal(err)
	}
	rep := a.Report()
	wantEvents(t, rep, "olga read credential acme-us/seller-central ok []")
	if s := rep.Stats; s.Lines != 7 || s.Malformed != 4 || s.Other != 1 || s.Requests != 1 {
		t.Fatalf("stats %+v", s)
	}
	// A line longer than the reader's buffer is put together.
	big := both(by("olga").read(cred, t0))
	pad := strings.Repeat(" ", 3<<20)
	joined := string(big[0]) + "\n" + strings.Replace(string(big[1]), `"type"`, pad+`"type"`, 1) + "\n"
	rep, err := Analyze(strings.NewReader(joined), Options{Prefix: "sv", People: team()})
	if err != nil || len(rep.Events) != 1 || rep.Stats.Malformed != 0 {
		t.Fatalf("a 3 MiB line: %v, %+v", err, rep.Stats)
	}
}

func TestDecompress(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(bytes.Join(both(by("olga").read(cred, t0)), []byte("\n")))
	zw.Close()
	for _, in := range [][]byte{buf.Bytes(), bytes.Join(both(by("olga").read(cred, t0)), []byte("\n")), nil} {
		r, err := Decompress(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Analyze(r, Options{Prefix: "sv", People: team()})
		if err != nil || (in != nil && len(rep.Events) != 1) {
			t.Fatalf("%v, %+v", err, rep)
		}
	}
}

// TestParseTime: the fast path reads what time.Parse reads, the same.
func TestParseTime(t *testing.T) {
	base := []string{"2026-03-02T10:00:00Z", "2026-03-02T10:00:00.1Z", "2026-03-02T10:00:00.123456789Z",
		"2024-02-29T23:59:59.5Z", "2026-03-02T10:00:00+01:00", "2026-03-02T10:00:00.5-07:00", "", "yesterday",
		"2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-01T10:00:00Z", "2026-03-00T10:00:00Z", "2026-03-02T24:00:00Z",
		"2026-03-02T10:60:00Z", "2026-03-02T10:00:60Z", "2026-03-02T10:00:00.Z", "2026-03-02T10:00:00.1234567890Z",
		"2026-03-02T10:00:0xZ", "2026-03-02T10:00:00,5Z", "2026-03-02t10:00:00z", "+026-03-02T10:00:00Z"}
	inputs := append([]string{}, base...)
	for _, s := range base[:4] { // every byte of good ones changed
		for i := range s {
			for _, c := range []byte{'0', '9', 'x', '.', '-', ':', 'Z'} {
				inputs = append(inputs, s[:i]+string(c)+s[i+1:])
			}
		}
	}
	for _, s := range inputs {
		want, err := time.Parse(time.RFC3339Nano, s)
		got, ok := parseTime([]byte(s))
		if ok != (err == nil) || ok && !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := t0
	for in, want := range map[string]time.Time{
		"7d": now.Add(-7 * 24 * time.Hour), "2w": now.Add(-14 * 24 * time.Hour), "36h": now.Add(-36 * time.Hour),
		"90m": now.Add(-90 * time.Minute), "1h30m": now.Add(-90 * time.Minute), "2026-03-01": time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		"2026-03-01T09:00:00+01:00": time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
	} {
		if got, err := ParseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "7", "-7d", "0d", "+7d", "7x", "last week", "3651d", "1000000h", "-5m", "0s"} {
		if got, err := ParseSince(in, now); err == nil {
			t.Errorf("ParseSince(%q) = %v", in, got)
		}
	}
}

func TestOutput(t *testing.T) {
	rep := &Report{
		Events: []Event{{Time: t0, Person: "=cmd|x", Action: "read", Kind: KindCredential, Record: "a/b\x1b[31m", Result: "ok", Flags: []string{"burst"}}},
		Flags:  []Flag{{Kind: FlagBurst, Time: t0, Until: t0.Add(time.Minute), Person: "olga", Count: 21, Detail: "d"}},
	}
	rep.Burst.Reads, rep.Burst.Window = 20, 5*time.Minute
	var csvOut, table, js bytes.Buffer
	if err := WriteCSV(&csvOut, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvOut.String(), "'=cmd|x") || strings.Contains(csvOut.String(), "\x1b") ||
		!strings.Contains(csvOut.String(), "flag,2026-03-02T10:00:00Z,olga,,burst,,,,,burst,2026-03-02T10:01:00Z,21,d") {
		t.Fatalf("csv:\n%s", csvOut.String())
	}
	if err := WriteTable(&table, rep); err != nil || strings.Contains(table.String(), "\x1b") || !strings.Contains(table.String(), "a/b\uFFFD[31m") {
		t.Fatalf("table:\n%s", table.String())
	}
	if err := WriteJSON(&js, &Report{}); err != nil || !strings.Contains(js.String(), `"events": []`) || !strings.Contains(js.String(), `"flags": []`) {
		t.Fatalf("json:\n%s", js.String())
	}
}

// TestReformatted: a log that went through another JSON encoder (spaces,
// escaped slashes, other key order) reads the same.
func TestReformatted(t *testing.T) {
	var lines [][]byte
	for _, l := range both(by("olga").read(cred, t0)) {
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatal(err)
		}
		b, _ := json.MarshalIndent(m, "", "")
		b = bytes.ReplaceAll(b, []byte("\n"), []byte(" "))
		b = bytes.ReplaceAll(b, []byte("/"), []byte(`\/`))
		lines = append(lines, b)
	}
	wantEvents(t, analyzeLines(t, Options{}, lines...), "olga read credential acme-us/seller-central ok []")
}
