package attack

// The no-oracle test of mapping references offline by hashing guesses
// (see oracle_test.go).

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/vault"
)

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
