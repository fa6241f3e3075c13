package attack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// extraCase is a wrapping or token case generated for a role.
type extraCase struct {
	kind string // "capped": a wrapped copy must not survive the offboarding sweep; "denied": 403; "rewrap": unwrap and re-wrap for a year, likewise
	req  request
	from string
}

// pattern turns a grant into a regexp over concrete paths.
func pattern(g grant) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i, s := range strings.Split(g.path, "/") {
		if i > 0 {
			b.WriteString("/")
		}
		if s == "+" {
			b.WriteString("[^/]+")
			continue
		}
		b.WriteString(regexp.QuoteMeta(s))
	}
	if g.prefix {
		b.WriteString(".*")
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// knownPaths are concrete paths of seeded things, to pick examples from.
func (tm *team) knownPaths(self *member) (reads, dirs []string) {
	for _, r := range tm.records {
		reads = append(reads, r.mount+"/data/"+r.key, r.mount+"/metadata/"+r.key)
	}
	for _, t := range tm.engineTargets(self) {
		if t.method == "GET" || t.method == "POST" {
			reads = append(reads, t.full())
		}
	}
	for mount, ds := range tm.kvDirs() {
		for _, d := range ds {
			dirs = append(dirs, mount+"/metadata/"+d)
		}
	}
	sort.Strings(reads)
	sort.Strings(dirs)
	return reads, dirs
}

// example is a concrete path the grant covers: a seeded one if any.
func example(g grant, known []string) string {
	re := pattern(g)
	for _, p := range known {
		if re.MatchString(p) {
			return p
		}
	}
	p := strings.ReplaceAll(g.path+"/", "/+/", "/x/")
	p = strings.TrimSuffix(p, "/")
	if g.prefix {
		p += "x"
	}
	return p
}

func hasCap(g grant, c string) bool {
	for _, x := range g.caps {
		if x == c {
			return true
		}
	}
	return false
}

// wrapAndTokenCases: every granted read or list, asked to be wrapped for
// a year, must leave no copy that outlives the offboarding's sweep;
// wrapping anything at will and minting tokens must be denied; an unwrap
// must not leave a re-wrapped copy either.
func (tm *team) wrapAndTokenCases(role string, grants []grant) []extraCase {
	reads, dirs := tm.knownPaths(tm.members[role])
	var out []extraCase
	for _, g := range grants {
		if hasCap(g, "read") {
			out = append(out, extraCase{kind: "capped", from: g.String(),
				req: request{Method: "GET", Path: example(g, reads), WrapTTL: "8760h"}})
		}
		if hasCap(g, "list") {
			out = append(out, extraCase{kind: "capped", from: g.String(),
				req: request{Method: "LIST", Path: example(g, dirs), WrapTTL: "8760h"}})
		}
	}
	secret := jsonBody(map[string]string{"copy": "of something read"})
	out = append(out,
		extraCase{kind: "denied", req: request{Method: "POST", Path: "sys/wrapping/wrap", Body: secret, WrapTTL: "8760h"}},
		extraCase{kind: "denied", req: request{Method: "POST", Path: "sys/wrapping/wrap", Body: secret}},
		extraCase{kind: "denied", req: request{Method: "POST", Path: "auth/token/create",
			Body: jsonBody(map[string]interface{}{"ttl": "8760h", "no_parent": true})}},
		extraCase{kind: "denied", req: request{Method: "POST", Path: "auth/token/create-orphan",
			Body: jsonBody(map[string]interface{}{"ttl": "8760h"})}},
		extraCase{kind: "denied", req: request{Method: "POST", Path: "auth/token/create/" + tm.l.ReminderRole(),
			Body: jsonBody(map[string]interface{}{"ttl": "8760h"})}},
		extraCase{kind: "rewrap", req: request{Method: "POST", Path: "sys/wrapping/unwrap", WrapTTL: "8760h"}},
		extraCase{kind: "rewrap", req: request{Method: "POST", Path: "sys/wrapping/rewrap", WrapTTL: "8760h"}},
	)
	return out
}

// wrapTTLOf reads wrap_info.ttl of an answer; ok is false when it is not
// wrapped.
func wrapTTLOf(rep reply) (ttl int, ok bool) {
	var w struct {
		WrapInfo *struct {
			TTL int `json:"ttl"`
		} `json:"wrap_info"`
	}
	if json.Unmarshal(rep.Body, &w) != nil || w.WrapInfo == nil {
		return 0, false
	}
	return w.WrapInfo.TTL, true
}

// runExtra runs one wrapping or token case; it returns why it failed, or "".
func (tm *team) runExtra(role string, m *member, x extraCase) (fail, wrapToken string) {
	req := x.req
	if x.kind == "rewrap" {
		// A manager's 5-minute wrapping (root stands in), handed to the member.
		w, err := tm.raw.do(tm.rootTok, request{Method: "POST", Path: "sys/wrapping/wrap",
			Body: jsonBody(map[string]string{"canary": "wrapped-" + tm.runID}), WrapTTL: "5m"})
		if err != nil {
			return err.Error(), ""
		}
		var wi struct {
			WrapInfo struct {
				Token string `json:"token"`
			} `json:"wrap_info"`
		}
		if err := json.Unmarshal(w.Body, &wi); err != nil || wi.WrapInfo.Token == "" {
			return fmt.Sprintf("root could not wrap: %s", w), ""
		}
		req.Body = jsonBody(map[string]string{"token": wi.WrapInfo.Token})
	}
	rep, err := tm.raw.do(m.token, req)
	if err != nil {
		return err.Error(), ""
	}
	if role == roleOffboarded {
		if rep.Status != 403 {
			return fmt.Sprintf("an offboarded token was not refused: %s", rep), ""
		}
		return "", ""
	}
	switch x.kind {
	case "denied":
		if rep.Status != 403 {
			return fmt.Sprintf("must be denied (403), got %s", rep), ""
		}
	case "capped", "rewrap":
		// Vault cannot cap wrapping without making it mandatory
		// (max_wrapping_ttl), so a member may wrap what they may read;
		// the copy must not outlive an offboarding: the caller runs the
		// offboarding's sweep and unwraps it.
		if _, wrapped := wrapTTLOf(rep); ok2xx(rep.Status) && wrapped {
			return "", wrapTokenOf(rep)
		}
	}
	return "", ""
}

// wrapTokenOf reads wrap_info.token of an answer.
func wrapTokenOf(rep reply) string {
	var w struct {
		WrapInfo struct {
			Token string `json:"token"`
		} `json:"wrap_info"`
	}
	_ = json.Unmarshal(rep.Body, &w)
	return w.WrapInfo.Token
}
