package attack

// Reading the redaction index shards, and the no-oracle test of reading
// lengths and shapes in them (see oracle_test.go).

import (
	"strings"
	"testing"
	"unicode"

	"github.com/sellervault/sellervault/internal/setup"
)

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
