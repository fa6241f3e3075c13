package attack

// The no-oracle tests through Transit HMACs: the keys each role may
// call, guessing values, reuse across audiences and a leaver's keys (see
// oracle_test.go).

import (
	"encoding/base64"
	"sort"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// macOf is the part of a Transit HMAC that does not name the key
// version ("vault:v1:MAC" → "MAC"), so a match across versions counts.
func macOf(h string) string { return h[strings.LastIndexByte(h, ':')+1:] }

// hmacAs computes Transit HMACs of inputs with key and token: the status
// and, on 200, one HMAC per input.
func (tm *team) hmacAs(t *testing.T, token, key string, inputs []string) (int, []string) {
	t.Helper()
	batch := make([]map[string]string, len(inputs))
	for i, in := range inputs {
		batch[i] = map[string]string{"input": base64.StdEncoding.EncodeToString([]byte(in))}
	}
	rep := tm.doT(t, token, post(tm.l.Transit()+"/hmac/"+key, map[string]interface{}{"batch_input": batch}))
	if rep.Status != 200 {
		return rep.Status, nil
	}
	results, _ := decode(rep)["data"].(map[string]interface{})["batch_results"].([]interface{})
	if len(results) != len(inputs) {
		t.Fatalf("HMAC with %s: %d results for %d inputs: %s", key, len(results), len(inputs), rep)
	}
	out := make([]string, len(inputs))
	for i, r := range results {
		m, _ := r.(map[string]interface{})
		if out[i] = str(m, "hmac"); out[i] == "" {
			t.Fatalf("HMAC with %s: no hmac for input %d: %s", key, i, rep)
		}
	}
	return 200, out
}

// transitKeys are every key of the Transit mount (root lists them).
func (tm *team) transitKeys(t *testing.T) []string {
	t.Helper()
	keys, err := tm.list(tm.l.Transit() + "/keys")
	if err != nil {
		t.Fatal(err)
	}
	if !contains(keys, tm.l.LegacyRedactKey()) {
		t.Fatalf("the schema-2 key %s is not in the Transit mount: the fixture did not seed it", tm.l.LegacyRedactKey())
	}
	return keys
}

// callableKeys are the Transit keys token may compute HMACs with: every
// key of the mount is tried; 403 means not allowed.
func (tm *team) callableKeys(t *testing.T, token string) []string {
	t.Helper()
	var out []string
	for _, k := range tm.transitKeys(t) {
		switch status, _ := tm.hmacAs(t, token, k, []string{"probe"}); status {
		case 200:
			out = append(out, k)
		case 403:
		default:
			t.Errorf("HMAC with %s answered %d, neither allowed nor denied", k, status)
		}
	}
	return out
}

// TestNoOracleTransitKeysPerRole: the keys each role may compute HMACs
// with, found by trying every key of the Transit mount, are exactly those
// of its audiences (and finance's own signing key): staff of acme-us
// acme-us's key, finance the payout key, the reminder job, an offboarded
// member and a person without a role none; the schema-2 shared key
// nobody (not even a manager). A key beyond these is a policy granting
// more than the rule.
func TestNoOracleTransitKeysPerRole(t *testing.T) {
	tm := getTeam(t)
	want := map[string][]string{
		roleStaff:      {tm.l.RedactKey(vault.StoreAudience(storeUS))},
		roleFinance:    {tm.l.RedactKey(vault.AudiencePayout), tm.l.PersonKey(tm.members[roleFinance].entityID)},
		roleReminder:   nil,
		roleOffboarded: nil,
		roleNoRole:     nil,
	}
	for _, role := range append([]string{roleManager}, attackers...) {
		got := tm.callableKeys(t, tm.members[role].token)
		if role == roleManager {
			// Control: the manager calls every audience's key (so a 403
			// above is the policy's, not a missing key's).
			for _, a := range tm.audiences() {
				if !contains(got, tm.l.RedactKey(a)) {
					t.Errorf("control: the manager cannot HMAC with %s", tm.l.RedactKey(a))
				}
			}
			if contains(got, tm.l.LegacyRedactKey()) {
				t.Errorf("the manager may still call the schema-2 shared key %s", tm.l.LegacyRedactKey())
			}
			continue
		}
		w := append([]string(nil), want[role]...)
		sort.Strings(w)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(w, ",") {
			t.Errorf("%s may compute HMACs with %v, want exactly %v", role, got, w)
		}
	}
}

// TestNoOracleGuessingThroughTransit: in schema 2 every member could HMAC
// guesses with the index key and compare them with the index: another
// store's password fell in seconds. Now, for every key a role may call
// (found by trying them all), the HMACs of the TRUE values of every
// audience the role is not in, in every spelling the index uses, match
// no entry of any shard: neither those the role reads nor any other
// audience's (read with root). The guesses are right; the key is wrong.
func TestNoOracleGuessingThroughTransit(t *testing.T) {
	tm := getTeam(t)
	shards := tm.allShards(t)
	index := map[string]string{} // MAC → shard and entry
	for _, s := range shards {
		for _, e := range s.entries {
			index[macOf(e.hmac)] = s.key + " " + e.path + " " + e.kind
		}
	}

	// Control: with each audience's key, the manager finds each of the
	// audience's values in the audience's index, so the same comparison
	// below would find a match if there were one.
	mgr := tm.members[roleManager].token
	for _, a := range tm.audiences() {
		for _, v := range tm.valuesOf(a) {
			if v.kind == "" {
				continue // not indexed (the account number inside an IBAN)
			}
			forms := redact.IndexForms(v.kind, v.v)
			_, macs := tm.hmacAs(t, mgr, tm.l.RedactKey(a), forms)
			found := false
			for _, m := range macs {
				found = found || strings.HasPrefix(index[macOf(m)], setup.RedactDir+"/"+a+"/")
			}
			if !found {
				t.Errorf("control: the manager's HMAC of %s with %s's key is not in %s's index", v.what, a, a)
			}
		}
	}

	for _, role := range attackers {
		t.Run(role, func(t *testing.T) {
			tok := tm.members[role].token
			keys := tm.callableKeys(t, tok)
			var guesses []string
			var of []string
			for _, v := range tm.deniedValues(role) {
				for _, f := range spellings(v.v) {
					guesses, of = append(guesses, f), append(of, v.what)
				}
			}
			for _, k := range keys {
				status, macs := tm.hmacAs(t, tok, k, guesses)
				if status != 200 {
					t.Fatalf("%s may call %s, then not: %d", role, k, status)
				}
				for i, m := range macs {
					if hit, ok := index[macOf(m)]; ok {
						t.Errorf("%s's HMAC with %s of %s (%q) matches the index entry %s", role, k, of[i], guesses[i], hit)
					}
				}
			}
			// Control for a member of an audience: their own value,
			// with their own key, is found in their own shard, read with
			// their own token.
			for _, a := range tm.memberAudiences(role) {
				v := tm.valuesOf(a)[0]
				_, macs := tm.hmacAs(t, tok, tm.l.RedactKey(a), redact.IndexForms(v.kind, v.v))
				if !tm.ownShardHolds(t, tok, shards, a, macs) {
					t.Errorf("control: %s's HMAC of %s with %s's key is not in the shards it reads", role, v.what, a)
				}
			}
			t.Logf("%s: keys %v; %d guesses each", role, keys, len(guesses))
		})
	}
}

// ownShardHolds says whether one of macs is an entry of audience a's
// shards, read with token.
func (tm *team) ownShardHolds(t *testing.T, token string, shards []shardRead, a string, macs []string) bool {
	t.Helper()
	for _, s := range shards {
		if s.audience != a {
			continue
		}
		rep := tm.doT(t, token, request{Method: "GET", Path: tm.l.KV() + "/data/" + s.key})
		if rep.Status != 200 {
			continue
		}
		for _, e := range parseEntries(obj(obj(decode(rep), "data"), "data")) {
			for _, m := range macs {
				if macOf(m) == macOf(e.hmac) {
					return true
				}
			}
		}
	}
	return false
}

// TestNoOracleReuseAcrossAudiences: in schema 2 one HMAC of a password a
// member could read showed that another store, which they could not
// read, used the same password. The same password is now the password of
// acme-us/reuse, acme-de/reuse and of a company mailbox. Staff of acme-us
// compute its HMAC with their key: it is acme-us's index entry, and no
// entry of any other audience's shard (read with root) equals it, though
// each of those audiences indexes the same password (under its own key).
func TestNoOracleReuseAcrossAudiences(t *testing.T) {
	tm := getTeam(t)
	o := tm.oracle
	shards := tm.allShards(t)
	us := vault.StoreAudience(storeUS)
	_, staffMacs := tm.hmacAs(t, tm.members[roleStaff].token, tm.l.RedactKey(us), []string{o.reused})
	if staffMacs == nil {
		t.Fatalf("staff of %s cannot HMAC with their own store's key", storeUS)
	}
	mine := macOf(staffMacs[0])
	where := map[string][]string{} // audience → entry paths whose HMAC is the staff's
	for _, s := range shards {
		for _, e := range s.entries {
			if macOf(e.hmac) == mine {
				where[s.audience] = append(where[s.audience], e.path)
			}
		}
	}
	if !contains(where[us], "stores/"+storeUS+"/creds/"+o.reuse) {
		t.Errorf("control: the staff's HMAC of the reused password is not acme-us's entry of %s/%s (found %v)", storeUS, o.reuse, where)
	}
	for a, paths := range where {
		if a != us {
			t.Errorf("the staff's HMAC of acme-us's password equals the index entries %v of audience %s: reuse shows", paths, a)
		}
	}
	// The other audiences do index the same password: the absence above
	// is the key's doing, not the value's.
	for _, a := range []string{vault.StoreAudience(storeDE), vault.AudienceContacts} {
		_, macs := tm.hmacAs(t, tm.members[roleManager].token, tm.l.RedactKey(a), []string{o.reused})
		found := false
		for _, s := range shards {
			for _, e := range s.entries {
				found = found || s.audience == a && macOf(e.hmac) == macOf(macs[0])
			}
		}
		if !found {
			t.Errorf("control: audience %s does not index the reused password", a)
		}
		if macOf(macs[0]) == mine {
			t.Errorf("the HMACs of one password under %s's and %s's keys are equal", us, a)
		}
	}
}

// TestNoOracleOffboardedTransit: a leaver (finance with a store, the
// widest grants a leaver can have had) keeps no key to compute HMACs
// with: every key of the Transit mount answers 403 to their token, while
// the manager's token reaches the same routes.
func TestNoOracleOffboardedTransit(t *testing.T) {
	tm := getTeam(t)
	gone := tm.members[roleOffboarded].token
	for _, k := range tm.transitKeys(t) {
		if status, _ := tm.hmacAs(t, gone, k, []string{tm.oracle.passUS}); status != 403 {
			t.Errorf("the offboarded member's HMAC with %s answered %d, want 403", k, status)
		}
	}
	for _, a := range []string{vault.StoreAudience(storeUS), vault.AudiencePayout} {
		if status, _ := tm.hmacAs(t, tm.members[roleManager].token, tm.l.RedactKey(a), []string{"probe"}); status != 200 {
			t.Errorf("control: the manager's HMAC with %s answered %d", tm.l.RedactKey(a), status)
		}
	}
}
