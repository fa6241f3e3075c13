package attack

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// The no-oracle tests (DESIGN.md invariant 4, issue 14): nothing a member
// can read or compute tells them anything about a value they may not
// read. Each replays one attack of the issue with the member's real token
// and raw HTTP against the seeded Vault, aimed at the canary values
// written through the product's repository (oracle_seed_test.go), and
// each first shows that the attack's instrument works: the same look-up
// finds the value where its audience is allowed to find it.

// memberAudiences are the redaction audiences each role belongs to, by
// the team's rules (expect_test.go); the manager belongs to all.
func (tm *team) memberAudiences(role string) []string {
	switch role {
	case roleManager:
		return tm.audiences()
	case roleStaff:
		return []string{vault.StoreAudience(storeUS)}
	case roleFinance:
		return []string{vault.AudiencePayout}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// deniedValues are the canary values of audiences role is not in.
func (tm *team) deniedValues(role string) []value {
	mine := tm.memberAudiences(role)
	var out []value
	for _, v := range tm.oracle.values() {
		in := false
		for _, a := range v.audiences {
			in = in || contains(mine, a)
		}
		if !in {
			out = append(out, v)
		}
	}
	return out
}

// indexKinds are every redaction kind a value can be indexed under.
var indexKinds = []string{redact.KindPassword, redact.KindEmail, redact.KindPhone, redact.KindIBAN,
	redact.KindAccount, redact.KindRouting, redact.KindCard, redact.KindStore}

// spellings are every form a value is indexed under in any kind
// (redact.IndexForms), and the value as it is.
func spellings(v string) []string {
	seen := map[string]bool{v: true}
	out := []string{v}
	for _, k := range indexKinds {
		for _, f := range redact.IndexForms(k, v) {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

func keepRunes(s string, keep func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		if keep(r) {
			return r
		}
		return -1
	}, s)
}

// needles are the substrings that give a value away, in the shape of the
// text they are looked for in: "lower" (the text lower-cased), "digits"
// (only its digits), "alnum" (only its letters and digits, upper-cased).
func needles(v value) map[string][]string {
	out := map[string][]string{"lower": {strings.ToLower(v.v)}}
	switch {
	case strings.Contains(v.v, "@"):
		local, _, _ := strings.Cut(strings.ToLower(v.v), "@")
		out["lower"] = append(out["lower"], local)
	case strings.HasPrefix(v.v, "+49"):
		// The national number: found with or without country code
		// and trunk 0, and with any separators.
		out["digits"] = []string{v.v[3:]}
	case keepRunes(v.v, unicode.IsDigit) == v.v:
		out["digits"] = []string{v.v}
	case strings.HasPrefix(v.v, "DE"):
		out["alnum"] = []string{v.v}
	}
	return out
}

// leakOf names the first value of vals found in text, in any spelling.
func leakOf(text string, vals []value) string {
	shapes := map[string]string{
		"lower":  strings.ToLower(text),
		"digits": keepRunes(text, unicode.IsDigit),
		"alnum":  strings.ToUpper(keepRunes(text, func(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) })),
	}
	for _, v := range vals {
		for shape, ns := range needles(v) {
			for _, n := range ns {
				if strings.Contains(shapes[shape], n) {
					return fmt.Sprintf("%s (%q, as %q)", v.what, v.v, n)
				}
			}
		}
	}
	return ""
}

// crawled is everything a token could list and read in the KV mounts.
type crawled struct {
	texts []string          // every 2xx answer, prefixed with what was asked
	names map[string]string // every name a listing gave → the folder listed
	reads int               // 2xx answers
}

// kvMounts are the KV v2 mounts of the team.
func (tm *team) kvMounts() []string {
	return []string{tm.l.KV(), tm.l.Proposals(), tm.l.Verifications(), tm.l.Reminders()}
}

// crawlAs lists every folder and reads the metadata and data of every
// key that root sees in the KV mounts, with token: all the token can
// learn there, whether or not it may list the folders itself.
func (tm *team) crawlAs(t *testing.T, token string) crawled {
	t.Helper()
	c := crawled{names: map[string]string{}}
	keep := func(what string, rep reply) {
		if ok2xx(rep.Status) {
			c.reads++
			c.texts = append(c.texts, what+": "+string(rep.Body))
		}
	}
	for _, mount := range tm.kvMounts() {
		keys, err := tm.kvKeys(mount)
		if err != nil {
			t.Fatal(err)
		}
		dirs := map[string]bool{"": true}
		for _, k := range keys {
			parts := strings.Split(k, "/")
			for i := 1; i < len(parts); i++ {
				dirs[strings.Join(parts[:i], "/")+"/"] = true
			}
		}
		for d := range dirs {
			p := mount + "/metadata/" + escapeKey(d)
			rep := tm.doT(t, token, request{Method: "LIST", Path: p})
			keep("LIST "+p, rep)
			if ok2xx(rep.Status) {
				for _, n := range strList(obj(decode(rep), "data"), "keys") {
					c.names[d+n] = mount + "/" + d
				}
			}
		}
		for _, k := range keys {
			for _, route := range []string{"metadata", "data"} {
				p := mount + "/" + route + "/" + escapeKey(k)
				keep("GET "+p, tm.doT(t, token, request{Method: "GET", Path: p}))
			}
		}
	}
	return c
}

// TestNoOracleMappingReferencesOffline: the schema-2 index named each
// record by an unkeyed SHA-256 of its path, and mailboxes and phones had
// their value in the path, so a member hashed guesses offline and mapped
// the index to every address and number. Now no path component holds a
// value, and nothing a non-manager can list or read in the KV mounts
// (metadata and data) holds a value of an audience they are not in — no
// phone number, mailbox address (in any case), recovery factor, password
// or account digits — nor any SHA-256 of such a value or of a path
// spelling one.
func TestNoOracleMappingReferencesOffline(t *testing.T) {
	tm := getTeam(t)
	all := tm.oracle.values()

	// The instrument works: the manager's crawl finds every value (so
	// they are where the crawl looks), and the search finds a planted
	// hash.
	mgr := tm.crawlAs(t, tm.members[roleManager].token)
	joined := strings.Join(mgr.texts, "\n")
	for _, v := range all {
		if leakOf(joined, []value{v}) == "" {
			t.Errorf("control: the manager's crawl does not find %s: the crawl misses records", v.what)
		}
	}
	if hashHit([]string{"x" + hexSHA(spellings(tm.oracle.phone)[0]) + "x"}, tm.deniedValues(roleStaff)) == "" {
		t.Errorf("control: the hash search does not find a planted SHA-256 of the phone number")
	}

	// No path component holds a value, whoever lists.
	for _, mount := range tm.kvMounts() {
		keys, err := tm.kvKeys(mount)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if l := leakOf(k, all); l != "" {
				t.Errorf("the path %s/%s spells %s", mount, k, l)
			}
		}
	}

	for _, role := range attackers {
		t.Run(role, func(t *testing.T) {
			c := tm.crawlAs(t, tm.members[role].token)
			denied := tm.deniedValues(role)
			if len(denied) == 0 {
				t.Fatalf("%s is denied no canary value: nothing to test", role)
			}
			switch role {
			case roleStaff:
				if leakOf(strings.Join(c.texts, "\n"), []value{{what: "acme-us's password", v: tm.oracle.passUS}}) == "" {
					t.Errorf("control: staff's crawl does not find acme-us's own password: the crawl reads too little")
				}
			case roleFinance:
				if leakOf(strings.Join(c.texts, "\n"), tm.valuesOf(vault.AudiencePayout)) == "" {
					t.Errorf("control: finance's crawl finds no payout number: the crawl reads too little")
				}
			}
			for name, dir := range c.names {
				if l := leakOf(name, denied); l != "" {
					t.Errorf("%s lists %s in %s: the name spells %s", role, name, dir, l)
				}
			}
			for _, text := range c.texts {
				if l := leakOf(text, denied); l != "" {
					t.Errorf("%s reads %s in %s", role, l, clip(text))
				}
			}
			if h := hashHit(append(c.texts, keysOf(c.names)...), denied); h != "" {
				t.Errorf("%s finds an unkeyed hash: %s", role, h)
			}
			t.Logf("%s: %d answers read, %d names listed; %d values looked for", role, c.reads, len(c.names), len(denied))
		})
	}
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// valuesOf are the canary values of one audience.
func (tm *team) valuesOf(audience string) []value {
	var out []value
	for _, v := range tm.oracle.values() {
		if v.in(audience) {
			out = append(out, v)
		}
	}
	return out
}

func hexSHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// hashHit looks in texts for an unkeyed SHA-256 (hex, base64, base64url;
// whole or its first 16 characters) of every spelling of the values and
// of every path that spelt them in schema 2 or would spell them now.
func hashHit(texts []string, vals []value) string {
	lower := strings.ToLower(strings.Join(texts, "\n"))
	raw := strings.Join(texts, "\n")
	for _, v := range vals {
		var cands []string
		for _, f := range spellings(v.v) {
			cands = append(cands, f,
				"contacts/email/"+f, "contacts/phone/"+f, "contacts/phone/"+strings.TrimPrefix(f, "+"),
				"sellervault/contacts/email/"+f, "sellervault/contacts/phone/"+strings.TrimPrefix(f, "+"))
		}
		for _, c := range cands {
			sum := sha256.Sum256([]byte(c))
			h := hex.EncodeToString(sum[:])
			if strings.Contains(lower, h[:16]) {
				return fmt.Sprintf("SHA-256 of %q (%s) in hex", c, v.what)
			}
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				b := enc.EncodeToString(sum[:])
				if strings.Contains(raw, b[:16]) {
					return fmt.Sprintf("SHA-256 of %q (%s) in base64", c, v.what)
				}
			}
		}
	}
	return ""
}

// entry is one line of an index shard: PATH KIND HMAC.
type entry struct{ path, kind, hmac string }

// shardRead is one shard of an audience, read with root.
type shardRead struct {
	audience, key string
	data          map[string]interface{}
	entries       []entry
}

// shardKeys are the keys of an audience's shards (root lists them).
func (tm *team) shardKeys(t *testing.T, audience string) []string {
	t.Helper()
	names, err := tm.list(tm.l.KV() + "/metadata/" + setup.RedactDir + "/" + audience + "/")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range names {
		out = append(out, setup.RedactDir+"/"+audience+"/"+n)
	}
	return out
}

func parseEntries(data map[string]interface{}) []entry {
	var out []entry
	text, _ := data["entries"].(string)
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); len(f) == 3 {
			out = append(out, entry{f[0], f[1], f[2]})
		}
	}
	return out
}

// allShards reads every shard of every audience with root.
func (tm *team) allShards(t *testing.T) []shardRead {
	t.Helper()
	var out []shardRead
	for _, a := range tm.audiences() {
		for _, k := range tm.shardKeys(t, a) {
			rep := tm.doT(t, tm.rootTok, request{Method: "GET", Path: tm.l.KV() + "/data/" + k})
			if rep.Status != 200 {
				t.Fatalf("root reading %s: %s", k, rep)
			}
			data := obj(obj(decode(rep), "data"), "data")
			out = append(out, shardRead{audience: a, key: k, data: data, entries: parseEntries(data)})
		}
	}
	if len(out) == 0 {
		t.Fatal("no index shard at all: the repository indexed nothing")
	}
	return out
}

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

// TestNoOracleReadingLengths: every schema-2 shard gave each secret's
// length and character classes, linked to its record, to every member.
// Now a member reads only the shards of their own audiences: any other
// shard (another store's, payout's, contacts') answers 403, in data and
// metadata; and what they can read has no per-record length or shape:
// each entry is PATH KIND HMAC, and the filter lines name no record.
func TestNoOracleReadingLengths(t *testing.T) {
	tm := getTeam(t)
	shards := tm.allShards(t)
	P := tm.l.KV()
	for _, role := range attackers {
		t.Run(role, func(t *testing.T) {
			tok := tm.members[role].token
			mine := tm.memberAudiences(role)
			own := 0
			for _, s := range shards {
				data := tm.doT(t, tok, request{Method: "GET", Path: P + "/data/" + s.key})
				meta := tm.doT(t, tok, request{Method: "GET", Path: P + "/metadata/" + s.key})
				if !contains(mine, s.audience) {
					if data.Status != 403 {
						t.Errorf("%s reading %s (audience %s) got %s, want 403", role, s.key, s.audience, data)
					}
					if meta.Status != 403 && role != roleReminder { // the reminder reads all metadata: no values
						t.Errorf("%s reading the metadata of %s got %s, want 403", role, s.key, meta)
					}
					continue
				}
				if data.Status != 200 {
					t.Errorf("%s may read its audience's shard %s, but: %s", role, s.key, data)
					continue
				}
				d := obj(obj(decode(data), "data"), "data")
				own += len(parseEntries(d))
				checkShardShape(t, s.key, d)
			}
			if len(mine) > 0 && own == 0 {
				t.Errorf("control: %s read no entry of its own audiences %v", role, mine)
			}
			if role == roleReminder {
				tm.checkReminderShardMetadata(t, shards)
			}
		})
	}
}

// checkShardShape: a shard holds entries (PATH KIND HMAC, nothing else)
// and a filter (KIND LENGTH SHAPE, naming no record); the suite's own
// canary fields aside.
func checkShardShape(t *testing.T, key string, d map[string]interface{}) {
	t.Helper()
	for k := range d {
		if k != "entries" && k != "filter" && k != "canary" && k != "rev" {
			t.Errorf("%s has a field %q besides entries and filter", key, k)
		}
	}
	text, _ := d["entries"].(string)
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 || !strings.HasPrefix(f[2], "vault:v") {
			t.Errorf("%s: entry %q is not PATH KIND HMAC", key, line)
			continue
		}
		for _, x := range f[:2] {
			if keepRunes(x, unicode.IsDigit) == x {
				t.Errorf("%s: entry %q has a number field (a length?)", key, line)
			}
		}
	}
	filter, _ := d["filter"].(string)
	for _, line := range strings.Split(filter, "\n") {
		if strings.Contains(line, "/") || strings.Contains(line, "vault:") {
			t.Errorf("%s: filter line %q names a record or an HMAC", key, line)
		}
	}
}

// checkReminderShardMetadata: the reminder job reads every metadata of
// the records mount, the shards' included; their metadata holds no
// value, length or shape (no custom metadata but the suite's canary).
func (tm *team) checkReminderShardMetadata(t *testing.T, shards []shardRead) {
	t.Helper()
	for _, s := range shards {
		rep := tm.doT(t, tm.members[roleReminder].token, request{Method: "GET", Path: tm.l.KV() + "/metadata/" + s.key})
		if rep.Status != 200 {
			continue
		}
		for k := range obj(obj(decode(rep), "data"), "custom_metadata") {
			if k != "canary" && k != "kind" {
				t.Errorf("the reminder job reads custom metadata %q of %s", k, s.key)
			}
		}
	}
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

// TestNoOracleContactsInMetadata: schema 2 mirrored phone numbers,
// mailbox addresses and recovery factors in custom metadata and paths,
// so the reminder job, which never sees a value, saw them all. The
// reminder job walks every folder it can list from the mounts' tops with
// its own token and reads every metadata it finds; staff and finance read
// every metadata root knows of. None holds a contact's value (masked
// forms and IDs only), a password or an account number.
func TestNoOracleContactsInMetadata(t *testing.T) {
	tm := getTeam(t)
	o := tm.oracle
	all := o.values()
	contactsIDs := map[string]bool{}
	for _, v := range []struct{ kind, v string }{{records.KindMailbox, o.mailbox}, {records.KindMailbox, o.personal}, {records.KindPhone, o.phone}, {records.KindPhone, o.personalPhone}} {
		k, err := tm.contactKey(v.kind, v.v)
		if err != nil {
			t.Fatal(err)
		}
		contactsIDs[k] = true
	}

	// The reminder job, from the top.
	rem := tm.members[roleReminder].token
	var metas []string
	seen := map[string]bool{}
	var walk func(mount, dir string, depth int)
	walk = func(mount, dir string, depth int) {
		if depth > 8 {
			t.Errorf("%s/%s: folders nested too deep", mount, dir)
			return
		}
		rep := tm.doT(t, rem, request{Method: "LIST", Path: mount + "/metadata/" + escapeKey(dir)})
		if rep.Status != 200 {
			return
		}
		for _, n := range strList(obj(decode(rep), "data"), "keys") {
			if l := leakOf(n, all); l != "" {
				t.Errorf("the reminder job lists %s in %s/%s: it spells %s", n, mount, dir, l)
			}
			if strings.HasSuffix(n, "/") {
				walk(mount, dir+n, depth+1)
				continue
			}
			m := tm.doT(t, rem, request{Method: "GET", Path: mount + "/metadata/" + escapeKey(dir+n)})
			if m.Status == 200 {
				seen[dir+n] = true
				metas = append(metas, dir+n+": "+string(m.Body))
			}
		}
	}
	for _, mount := range tm.kvMounts() {
		walk(mount, "", 0)
	}
	for k := range contactsIDs {
		if !seen[k] {
			t.Errorf("control: the reminder job's walk did not reach %s", k)
		}
	}
	joined := strings.Join(metas, "\n")
	for _, masked := range []string{records.MaskEmail(o.mailbox), records.MaskPhone(o.phone), `"recovery_email_ref"`} {
		if !strings.Contains(joined, masked) {
			t.Errorf("control: no metadata the reminder job reads shows %s: the listings lost what they need", masked)
		}
	}
	for _, m := range metas {
		if l := leakOf(m, all); l != "" {
			t.Errorf("the reminder job reads %s in the metadata %s", l, clip(m))
		}
	}
	t.Logf("reminder job: %d metadata read", len(metas))

	// Staff and finance: every metadata root knows of.
	for _, role := range []string{roleStaff, roleFinance} {
		denied := tm.deniedValues(role)
		read := 0
		for _, mount := range tm.kvMounts() {
			keys, err := tm.kvKeys(mount)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				rep := tm.doT(t, tm.members[role].token, request{Method: "GET", Path: mount + "/metadata/" + escapeKey(k)})
				if rep.Status != 200 {
					continue
				}
				read++
				if l := leakOf(string(rep.Body), denied); l != "" {
					t.Errorf("%s reads %s in the metadata of %s/%s", role, l, mount, k)
				}
			}
		}
		if read == 0 {
			t.Errorf("control: %s read no metadata at all", role)
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
