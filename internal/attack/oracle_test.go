package attack

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/sellervault/sellervault/internal/redact"
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
