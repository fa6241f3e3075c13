package attack

import (
	"context"
	"encoding/json"
	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/repo"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/vault"
)

// The scenarios replay, one by one, the attacks found against earlier
// layouts. Each must now fail to change anything (or to read anything).

// unchanged runs attack and then fails the test, naming the first
// changed item, if anything seeded changed that role may not change.
func (tm *team) unchanged(t *testing.T, role string, attack func()) {
	t.Helper()
	before, err := tm.takeSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	attack()
	after, err := tm.takeSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if ch := tm.diff(role, before, after); len(ch) > 0 {
		t.Errorf("%s changed %d seeded items; the first: %s", role, len(ch), ch[0])
		for _, c := range ch[1:] {
			t.Logf("also %s", c)
		}
	}
}

// send sends each request with token, plain and wrapped, and returns
// the replies (the wrapped answers unwrapped into Body).
func (tm *team) send(t *testing.T, token string, reqs []request) []reply {
	t.Helper()
	var out []reply
	for _, r := range reqs {
		for _, wrap := range []string{"", wrapTTL} {
			r.WrapTTL = wrap
			rep, err := tm.raw.do(token, r)
			if err != nil {
				t.Fatal(err)
			}
			if ok2xx(rep.Status) {
				rep.Body = append(rep.Body, tm.unwrapped(rep)...)
			}
			out = append(out, rep)
		}
	}
	return out
}

func post(p string, body interface{}) request {
	return request{Method: "POST", Path: p, Body: jsonBody(body)}
}

func patch(p string, body interface{}) request {
	return request{Method: "PATCH", Path: p, Body: jsonBody(body), ContentType: mergePatch}
}

// TestScenarioReminderRewritesCredentialMetadata: the reminder job once
// held a writing glob under _meta/reminders/ of the records mount and
// rewrote a credential's rotation facts (custom_metadata) through it.
func TestScenarioReminderRewritesCredentialMetadata(t *testing.T) {
	tm := getTeam(t)
	P, notes := tm.l.KV(), tm.l.Reminders()
	cred := "stores/" + storeUS + "/creds/seller-central"
	body := map[string]interface{}{"custom_metadata": map[string]string{"canary": "attack", "rotate_every": "87600h", "due_since": ""}}
	var reqs []request
	for _, e := range encodings {
		for _, p := range []string{
			P + "/metadata/_meta/reminders/" + e.climb(2) + cred,
			P + "/metadata/_meta/reminders/slack/" + e.climb(3) + cred,
			P + "/metadata/_meta/reminders/slack/ops/" + e.climb(4) + cred,
			notes + "/metadata/x/" + e.climb(1) + cred,
			notes + "/metadata/x/" + e.climb(2) + "metadata/" + cred,
			notes + "/metadata/x/" + e.climb(3) + P + "/metadata/" + cred,
			notes + "/metadata/slack/ops/" + e.climb(4) + P + "/metadata/" + cred,
		} {
			reqs = append(reqs, post(p, body), patch(p, body))
		}
	}
	tm.unchanged(t, roleReminder, func() {
		tm.send(t, tm.members[roleReminder].token, reqs)
	})
	t.Logf("%d requests (each plain and wrapped)", len(reqs))
}

// TestScenarioFinanceWritesPayout: finance once wrote verifications in
// the records mount (and so, through dot-segments, payout records), and
// could climb out of the proposals folder.
func TestScenarioFinanceWritesPayout(t *testing.T) {
	tm := getTeam(t)
	P, prop, verif := tm.l.KV(), tm.l.Proposals(), tm.l.Verifications()
	payout := "stores/" + storeUS + "/payout"
	attack := map[string]interface{}{"iban": "DE00ATTACK", "canary": "attack"}
	var reqs []request
	for _, cas := range []interface{}{0, 2, nil} {
		body := map[string]interface{}{"data": attack}
		if cas != nil {
			body["options"] = map[string]interface{}{"cas": cas}
		}
		reqs = append(reqs,
			post(P+"/data/verifications/payout/"+storeUS, body),
			post(P+"/data/"+payout, body),
			post(P+"/data/proposals/payout/"+storeUS+"/req-9", body),
		)
		for _, e := range encodings {
			for _, p := range []string{
				prop + "/data/payout/x/" + e.climb(2) + payout,
				prop + "/data/payout/x/" + e.climb(3) + "data/" + payout,
				prop + "/data/payout/x/" + e.climb(4) + P + "/data/" + payout,
				prop + "/data/payout/" + storeUS + "/" + e.climb(4) + P + "/data/" + payout,
				prop + "/data/payout/x/" + strings.TrimSuffix(e.climb(4), "/") + "%2f" + strings.ReplaceAll(P+"/data/"+payout, "/", "%2f"),
				verif + "/data/payout/" + e.climb(1) + payout,
				verif + "/data/payout/" + e.climb(3) + P + "/data/" + payout,
				verif + "/data/payout/" + storeUS + "/" + e.climb(4) + P + "/data/" + payout,
			} {
				reqs = append(reqs, post(p, body))
			}
		}
	}
	tm.unchanged(t, roleFinance, func() {
		tm.send(t, tm.members[roleFinance].token, reqs)
	})
	t.Logf("%d requests (each plain and wrapped)", len(reqs))
}

// TestScenarioFinanceUpdatesProposal: a proposal is created once and
// never changed; no second version of one may appear, through any path.
func TestScenarioFinanceUpdatesProposal(t *testing.T) {
	tm := getTeam(t)
	prop := tm.l.Proposals()
	fin := tm.members[roleFinance]
	fresh := "payout/" + storeUS + "/req-s3-" + tm.runID
	rep := tm.doT(t, fin.token, post(prop+"/data/"+fresh, map[string]interface{}{
		"data": map[string]string{"iban": "DE89370400440532013000"}, "options": map[string]int{"cas": 0}}))
	if !ok2xx(rep.Status) {
		t.Errorf("finance could not create a new proposal %s: %s", fresh, rep)
	}
	grants, _, err := tm.grantsOf(roleFinance)
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.syncVersions(); err != nil {
		t.Fatal(err)
	}
	var targets []*targetOp
	for _, r := range tm.records {
		if r.class == clsProposal {
			targets = append(targets, kvOps(r)...)
		}
	}
	freshRec := &record{mount: prop, key: fresh, class: clsProposal, store: storeUS, versions: 1}
	targets = append(targets, kvOps(freshRec)...)
	var writes []*targetOp
	for _, t := range targets {
		if !t.isRead() {
			writes = append(writes, t)
		}
	}
	var reqs []request
	for _, t := range writes {
		reqs = append(reqs, request{Method: t.method, Path: t.full(), Body: t.body, ContentType: t.ctype})
		for _, cas := range []int{0, 1, 2} {
			if t.route == "data" && t.method == "POST" {
				reqs = append(reqs, post(t.full(), map[string]interface{}{"data": map[string]string{"iban": "DE00ATTACK"}, "options": map[string]int{"cas": cas}}))
			}
		}
	}
	cases, _ := tm.generate(grants, writes)
	for _, c := range cases {
		reqs = append(reqs, c.req)
	}
	tm.unchanged(t, roleFinance, func() {
		tm.send(t, fin.token, reqs)
	})
	meta := tm.doT(t, tm.rootTok, request{Method: "GET", Path: prop + "/metadata/" + fresh})
	if v := obj(decode(meta), "data")["current_version"]; v != float64(1) {
		t.Errorf("the new proposal %s has current_version %v after the attacks, want 1: %s", fresh, v, meta)
	}
	t.Logf("%d requests (each plain and wrapped)", len(reqs))
}

// TestScenarioStaffListsStores: a staff member once listed every store
// (and so learnt the other stores' names) through their credentials
// folder.
func TestScenarioStaffListsStores(t *testing.T) {
	tm := getTeam(t)
	P := tm.l.KV()
	var reqs []request
	for _, e := range encodings {
		for n := 1; n <= 3; n++ {
			reqs = append(reqs, request{Method: "LIST", Path: P + "/metadata/stores/" + storeUS + "/creds/" + e.climb(n)})
			reqs = append(reqs, request{Method: "GET", Path: P + "/metadata/stores/" + storeUS + "/creds/" + e.climb(n) + "?list=true"})
		}
	}
	reqs = append(reqs, request{Method: "LIST", Path: P + "/metadata/stores/"}, request{Method: "LIST", Path: P + "/metadata/"})
	for i, rep := range tm.send(t, tm.members[roleStaff].token, reqs) {
		if ok2xx(rep.Status) && strings.Contains(string(rep.Body), `"keys"`) {
			t.Errorf("staff listed a folder they may not: LIST /v1/%s: %s", reqs[i/2].Path, rep)
		}
	}
}

// TestScenarioTraversalWriteLeavesRecordUnreadable: a data write through
// a dot-segment once wrote a version's data and metadata under different
// keys, and the record answered HTTP 500 from then on. Every role writes
// through every "+" and glob it holds with ".", "%2e" and ".." in it;
// afterwards the manager reads every record as before.
func TestScenarioTraversalWriteLeavesRecordUnreadable(t *testing.T) {
	tm := getTeam(t)
	for _, role := range []string{roleFinance, roleStaff, roleReminder} {
		grants, _, err := tm.grantsOf(role)
		if err != nil {
			t.Fatal(err)
		}
		var reqs []request
		for _, g := range grants {
			mount := tm.mountOf(g.path)
			if !strings.HasPrefix(mount, tm.l.KV()) { // the KV mounts only
				continue
			}
			route := firstSegment(strings.TrimPrefix(g.path, mount))
			body := map[string]interface{}{"data": map[string]string{"canary": "attack"}}
			if route == "metadata" {
				body = map[string]interface{}{"custom_metadata": map[string]string{"canary": "attack"}}
			}
			for _, dot := range []string{".", "%2e", "%2E", "..", "%2e%2e", ".%2e"} {
				var paths []string
				if g.plus {
					// Every "+" a dot-segment; the first a store, the
					// others dot-segments; every "+" two segments.
					paths = append(paths,
						strings.ReplaceAll(g.path, "+", dot),
						strings.ReplaceAll(strings.Replace(g.path, "+", storeUS, 1), "+", dot),
						strings.ReplaceAll(g.path, "+", "x/"+dot))
				}
				paths = append(paths, strings.TrimSuffix(baseOf(g), "/")+"/"+dot, strings.TrimSuffix(baseOf(g), "/")+"/"+dot+"/"+dot)
				for _, p := range paths {
					for _, cas := range []interface{}{nil, 0, 1, 2} {
						b := map[string]interface{}{}
						for k, v := range body {
							b[k] = v
						}
						if cas != nil && route == "data" {
							b["options"] = map[string]interface{}{"cas": cas}
						}
						reqs = append(reqs, post(p, b))
					}
					reqs = append(reqs, patch(p, body))
				}
			}
		}
		t.Run(role, func(t *testing.T) {
			tm.unchanged(t, role, func() {
				tm.send(t, tm.members[role].token, reqs)
			})
			tm.managerReadsEverything(t)
			t.Logf("%d writes (each plain and wrapped)", len(reqs))
		})
	}
}

// managerReadsEverything: the manager's own token reads every seeded
// record's metadata and value (a deleted one answers 404), no 500.
func (tm *team) managerReadsEverything(t *testing.T) {
	t.Helper()
	mgr := tm.members[roleManager].token
	for _, r := range tm.records {
		// Verifications and notes are written by finance and the
		// reminder job: readable is enough; the rest keep their canaries.
		writable := r.class == clsVerification || r.class == clsNote
		meta := tm.doT(t, mgr, request{Method: "GET", Path: r.mount + "/metadata/" + r.key})
		if meta.Status != 200 || !writable && !strings.Contains(string(meta.Body), r.metaCanary) {
			t.Errorf("manager reading metadata of %s: %s", r, meta)
		}
		if r.metaOnly {
			continue // notes have no data
		}
		data := tm.doT(t, mgr, request{Method: "GET", Path: r.mount + "/data/" + r.key})
		switch {
		case r.deleted:
			if data.Status != 404 {
				t.Errorf("manager reading deleted %s: %s, want 404", r, data)
			}
		case writable:
			if data.Status != 200 || !strings.Contains(string(data.Body), `"data":{`) {
				t.Errorf("manager reading %s: %s", r, data)
			}
		case data.Status != 200 || !strings.Contains(string(data.Body), r.dataCanary):
			t.Errorf("manager reading %s: %s", r, data)
		}
	}
}

// TestScenarioRedactShardSettings: nobody but a manager may shorten the
// redaction index's history (max_versions=1) or make its versions expire
// (delete_version_after=1s), through any path.
func TestScenarioRedactShardSettings(t *testing.T) {
	tm := getTeam(t)
	if err := tm.syncVersions(); err != nil {
		t.Fatal(err)
	}
	for _, role := range attackers {
		grants, _, err := tm.grantsOf(role)
		if err != nil {
			t.Fatal(err)
		}
		var shardOps []*targetOp
		for _, r := range tm.records {
			if r.class != clsRedact {
				continue
			}
			for _, op := range kvOps(r) {
				if op.route == "metadata" && op.method != "GET" || op.route != "metadata" && op.route != "data" || op.method == "DELETE" {
					shardOps = append(shardOps, op)
				}
			}
		}
		var reqs []request
		for _, op := range shardOps {
			reqs = append(reqs, request{Method: op.method, Path: op.full(), Body: op.body, ContentType: op.ctype})
		}
		// Every shard op from every grant, in every spelling (as if each
		// were primary).
		for _, op := range shardOps {
			op.primary = true
		}
		cases, _ := tm.generate(grants, shardOps)
		for _, c := range cases {
			reqs = append(reqs, c.req)
		}
		t.Run(role, func(t *testing.T) {
			tm.unchanged(t, role, func() {
				tm.send(t, tm.members[role].token, reqs)
				time.Sleep(1100 * time.Millisecond) // let a 1s delete_version_after act
			})
			for _, r := range tm.records {
				if r.class != clsRedact {
					continue
				}
				md := obj(decode(tm.doT(t, tm.rootTok, request{Method: "GET", Path: r.mount + "/metadata/" + r.key})), "data")
				if md["max_versions"] != float64(0) || md["delete_version_after"] != "0s" || len(obj(md, "versions")) != r.versions {
					t.Errorf("%s after %s's attacks: max_versions=%v delete_version_after=%v versions=%d (want 0, 0s, %d)",
						r, role, md["max_versions"], md["delete_version_after"], len(obj(md, "versions")), r.versions)
				}
			}
			t.Logf("%d requests (each plain and wrapped)", len(reqs))
		})
	}
}

// TestScenarioWrappedCopyOutlivesOffboarding (invariant 5): a member
// makes private copies of what they may read, as wrapping tokens that
// live a year, directly and by re-wrapping at unwrap; then they are
// offboarded the way internal/offboard does it (entity disabled,
// groups left, logins revoked and deleted, wrapping tokens of team paths
// revoked). No copy may still unwrap.
func TestScenarioWrappedCopyOutlivesOffboarding(t *testing.T) {
	tm := getTeam(t)
	ctx := context.Background()
	P := tm.l.KV()
	leaver := &member{role: roleFinance, name: "leaver", password: randomHex(16)}
	id, err := access.EnsurePerson(ctx, tm.root, tm.l, access.Person{Name: leaver.name, Role: "finance", Stores: []string{storeUS}}, leaver.password, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	leaver.entityID = id
	if leaver.token, err = tm.root.Userpass().Login(ctx, vault.UserpassMount, leaver.name, leaver.password); err != nil {
		t.Fatal(err)
	}
	payout := tm.recordAt(P, "stores/"+storeUS+"/payout")
	wrapOf := func(rep reply) string {
		var w struct {
			WrapInfo struct {
				Token string `json:"token"`
				TTL   int    `json:"ttl"`
			} `json:"wrap_info"`
		}
		_ = json.Unmarshal(rep.Body, &w)
		return w.WrapInfo.Token
	}
	read := request{Method: "GET", Path: P + "/data/" + payout.key}
	copies := map[string]string{}
	// 1. A year-long wrapped read.
	r := read
	r.WrapTTL = "8760h"
	if tok := wrapOf(tm.doT(t, leaver.token, r)); tok != "" {
		copies["a read wrapped for a year"] = tok
	}
	// 2. A short wrapped read, re-wrapped for a year at unwrap, with the
	// member's own token.
	r.WrapTTL = "1m"
	if short := wrapOf(tm.doT(t, leaver.token, r)); short != "" {
		u := tm.doT(t, leaver.token, request{Method: "POST", Path: "sys/wrapping/unwrap",
			Body: jsonBody(map[string]string{"token": short}), WrapTTL: "8760h"})
		if tok := wrapOf(u); tok != "" {
			copies["a 1-minute wrapped read, re-wrapped for a year by unwrapping it with the member's token"] = tok
		}
	}
	// 3. The same, with the wrapping token itself as the unwrapping token.
	if short := wrapOf(tm.doT(t, leaver.token, r)); short != "" {
		u := tm.doT(t, short, request{Method: "POST", Path: "sys/wrapping/unwrap", WrapTTL: "8760h"})
		if tok := wrapOf(u); tok != "" {
			copies["a 1-minute wrapped read, re-wrapped for a year by unwrapping it with itself"] = tok
		}
	}
	// 4. Rewrap (a new token for the same response).
	if short := wrapOf(tm.doT(t, leaver.token, r)); short != "" {
		u := tm.doT(t, leaver.token, request{Method: "POST", Path: "sys/wrapping/rewrap",
			Body: jsonBody(map[string]string{"token": short}), WrapTTL: "8760h"})
		if tok := wrapOf(u); tok != "" {
			copies["a wrapped read, rewrapped with sys/wrapping/rewrap"] = tok
		}
	}
	// 5. Anything at all, wrapped with sys/wrapping/wrap.
	w := tm.doT(t, leaver.token, request{Method: "POST", Path: "sys/wrapping/wrap",
		Body: jsonBody(map[string]string{"iban": payout.dataCanary}), WrapTTL: "8760h"})
	if tok := wrapOf(w); tok != "" {
		copies["a copy wrapped with sys/wrapping/wrap"] = tok
	}
	t.Logf("copies made before offboarding: %d", len(copies))

	if err := tm.offboard(ctx, leaver); err != nil {
		t.Fatal(err)
	}
	for how, tok := range copies {
		u := tm.doT(t, tok, request{Method: "POST", Path: "sys/wrapping/unwrap"})
		if ok2xx(u.Status) {
			leak := ""
			if strings.Contains(string(u.Body), payout.dataCanary) {
				leak = " (holds acme-us's payout record)"
			}
			t.Errorf("%s survived the offboarding and unwraps%s: %s", how, leak, u)
		}
	}
}

// revokeTeamWraps is offboarding's sweep of wrapped copies, as
// internal/offboard runs it.
func (tm *team) revokeTeamWraps(ctx context.Context) error {
	_, err := offboard.RevokeWrappedCopies(ctx, repo.New(tm.root, tm.l).Identities(), false)
	return err
}
