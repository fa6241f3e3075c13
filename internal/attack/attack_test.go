package attack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// minGenerated: fewer generated cases than this means the generator broke
// (no grants parsed, no targets, a mount not found), not that all is well.
const minGenerated = 200

// workers is how many requests are in flight at once (2 cores: Vault and
// the suite share them).
const workers = 6

// wrapTTL is the wrapping TTL some cases are also tried with (those from
// globs in the %2e%2e spelling, and those through "+"): a grant that
// requires wrapping (min/max_wrapping_ttl) lets only wrapped requests
// through to the engine, and an answer that comes wrapped is unwrapped
// and searched like any other.
const wrapTTL = "4m"

// refused: Vault said no (or the path does not exist).
func refused(status int) bool {
	return status == 400 || status == 403 || status == 404 || status == 405
}

func ok2xx(status int) bool { return status >= 200 && status < 300 }

// offboardedRefused: a revoked token gets 403 for everything; only a
// request Vault's HTTP layer rejects before it looks at the token (a
// write to a path ending in "/") gets a 400.
func offboardedRefused(rep reply) bool {
	return rep.Status == 403 || rep.Status == 400 && strings.Contains(string(rep.Body), "cannot write to a path ending in '/'")
}

// outcome is a case's result.
type outcome struct {
	c    attackCase
	wrap string
	rep  reply
	fail string // why the case failed; "" if it passed
}

// unwrapped returns the wrapped answer's content, if the answer is a
// wrapping token (unwrapped with the wrapping token itself, as anyone
// holding it can).
func (tm *team) unwrapped(rep reply) []byte {
	var w struct {
		WrapInfo *struct {
			Token string `json:"token"`
		} `json:"wrap_info"`
	}
	if json.Unmarshal(rep.Body, &w) != nil || w.WrapInfo == nil || w.WrapInfo.Token == "" {
		return nil
	}
	u, err := tm.raw.do(w.WrapInfo.Token, request{Method: "POST", Path: "sys/wrapping/unwrap"})
	if err != nil {
		return []byte(err.Error())
	}
	return u.Body
}

// leakIn names the first marker or canary in an answer.
func leakIn(body []byte, markers, canaries []string) string {
	for _, m := range markers {
		if bytes.Contains(body, []byte(m)) {
			return m
		}
	}
	for _, c := range canaries {
		if bytes.Contains(body, []byte(c)) {
			return c
		}
	}
	return ""
}

// judge decides a case. Offboarded tokens must be refused outright (403);
// reads pass when refused or when nothing denied is in the answer;
// writes pass only when refused. Probes (no target) are judged on reads
// only; what they write is judged by the snapshot.
func (tm *team) judge(role string, o *outcome, canaries []string) {
	rep := o.rep
	body := rep.Body
	if ok2xx(rep.Status) {
		body = append(append([]byte(nil), body...), tm.unwrapped(rep)...)
	}
	if role == roleOffboarded {
		if !offboardedRefused(rep) {
			o.fail = fmt.Sprintf("an offboarded token was not refused: %s", rep)
		}
		return
	}
	t := o.c.target
	read := t == nil && (o.c.req.Method == "GET" || o.c.req.Method == "LIST") || t != nil && t.isRead()
	if read {
		var markers []string
		if t != nil {
			markers = t.markers
		}
		if ok2xx(rep.Status) {
			if l := leakIn(body, markers, canaries); l != "" {
				o.fail = fmt.Sprintf("LEAK of %q: %s", l, rep)
			}
		}
		return
	}
	if t != nil && !refused(rep.Status) {
		o.fail = fmt.Sprintf("write not refused: %s", rep)
	}
}

// run sends every case with token (some also wrapped) and judges it.
func (tm *team) run(role, token string, cases []attackCase, canaries []string) []outcome {
	jobs := make(chan int)
	out := make([]outcome, 0, 2*len(cases))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				c := cases[i]
				wraps := []string{""}
				if fullMatrix || c.grant.prefix && c.enc == encodings[1].name || c.mode == "through +" {
					wraps = append(wraps, wrapTTL)
				}
				for _, wrap := range wraps {
					req := c.req
					req.WrapTTL = wrap
					o := outcome{c: c, wrap: wrap}
					var err error
					if o.rep, err = tm.raw.do(token, req); err != nil {
						o.fail = "transport error: " + err.Error()
					} else {
						tm.judge(role, &o, canaries)
					}
					mu.Lock()
					out = append(out, o)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range cases {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

func (o outcome) String() string {
	w := ""
	if o.wrap != "" {
		w = " [X-Vault-Wrap-TTL " + o.wrap + "]"
	}
	target := "probe"
	if o.c.target != nil {
		target = o.c.target.String()
	}
	return fmt.Sprintf("%s /v1/%s%s\n\tfrom %s, %s, %s\n\ttarget %s\n\t%s",
		o.c.req.Method, o.c.req.Path, w, o.c.grant, o.c.mode, o.c.enc, target, o.fail)
}

// report logs the failures of one role: each distinct (grant, target
// class, method, status) once, with an example, the first 60 in full.
func report(t *testing.T, role string, failed []outcome) {
	t.Helper()
	if len(failed) == 0 {
		return
	}
	sort.Slice(failed, func(i, j int) bool { return failed[i].String() < failed[j].String() })
	groups := map[string][]outcome{}
	var order []string
	for _, o := range failed {
		class := "probe"
		if o.c.target != nil {
			class = o.c.target.class + " " + o.c.target.name
		}
		k := fmt.Sprintf("%s → %s → %d", o.c.grant, class, o.rep.Status)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], o)
	}
	t.Errorf("%s: %d failing requests in %d groups (grant → target → status):", role, len(failed), len(order))
	for i, k := range order {
		if i >= 60 {
			t.Errorf("… and %d more groups", len(order)-i)
			break
		}
		t.Errorf("[%d cases] %s\n\te.g. %s", len(groups[k]), k, groups[k][0])
	}
}

// logServerErrors logs (without failing: the snapshot judges what they
// did) the answers that were server errors, one per grant and status.
func logServerErrors(t *testing.T, role string, outcomes []outcome) {
	seen := map[string]int{}
	var order []string
	example := map[string]outcome{}
	for _, o := range outcomes {
		if o.rep.Status < 500 {
			continue
		}
		k := fmt.Sprintf("%s %s → %d", o.c.grant, o.c.req.Method, o.rep.Status)
		if seen[k] == 0 {
			order = append(order, k)
			example[k] = o
		}
		seen[k]++
	}
	sort.Strings(order)
	for _, k := range order {
		o := example[k]
		t.Logf("%s: server error [%d requests] %s, e.g. %s /v1/%s: %s", role, seen[k], k, o.c.req.Method, o.c.req.Path, o.rep)
	}
}

// TestGeneratedAttacks attacks every role with the cases generated from
// its policies, then checks that nothing seeded changed.
func TestGeneratedAttacks(t *testing.T) {
	tm := getTeam(t)
	total := 0
	for _, role := range attackers {
		t.Run(role, func(t *testing.T) {
			total += tm.attackRole(t, role)
		})
	}
	t.Logf("generated cases in all: %d (some also sent wrapped)", total)
	if total < minGenerated {
		t.Fatalf("only %d generated cases (want at least %d): the generator is broken", total, minGenerated)
	}
}

func (tm *team) attackRole(t *testing.T, role string) int {
	m := tm.members[role]
	grants, sources, err := tm.grantsOf(role)
	if err != nil {
		t.Fatal(err)
	}
	targets, err := tm.targets(role)
	if err != nil {
		t.Fatal(err)
	}
	cases, probes := tm.generate(grants, targets)
	extra := tm.wrapAndTokenCases(role, grants)
	modes := map[string]int{}
	for _, c := range cases {
		modes[c.mode]++
	}
	t.Logf("%s: policies %s; %d grants, %d denied targets; %d generated cases %v, %d probes through +, %d wrapping/token cases",
		role, strings.Join(sources, ", "), len(grants), len(targets), len(cases), modes, len(probes), len(extra))
	if len(grants) == 0 || len(targets) == 0 {
		t.Fatalf("%s: no grants or no targets: the generator found nothing to attack", role)
	}
	before, err := tm.takeSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	canaries := tm.deniedCanaries(role)
	outcomes := tm.run(role, m.token, append(cases, probes...), canaries)
	var failed []outcome
	statuses := map[int]int{}
	for _, o := range outcomes {
		statuses[o.rep.Status]++
		if o.fail != "" {
			failed = append(failed, o)
		}
	}
	copies := map[string]string{}
	for _, x := range extra {
		f, tok := tm.runExtra(role, m, x)
		if f != "" {
			t.Errorf("%s: %s /v1/%s: %s", role, x.req.Method, x.req.Path, f)
		}
		if tok != "" {
			copies[x.req.Method+" "+x.req.Path] = tok
		}
	}
	// Wrapped copies end with an offboarding (of anyone: the sweep
	// cannot tell who made a wrapping token, so it ends them all).
	if err := tm.revokeTeamWraps(context.Background()); err != nil {
		t.Fatal(err)
	}
	var survivors []string
	for how, tok := range copies {
		if ownInfo(how) {
			continue
		}
		if u, err := tm.raw.do(tok, request{Method: "POST", Path: "sys/wrapping/unwrap"}); err == nil && ok2xx(u.Status) {
			survivors = append(survivors, how)
		}
	}
	sort.Strings(survivors)
	if len(survivors) > 0 {
		t.Errorf("%s: %d wrapped copies survived the offboarding sweep: %s", role, len(survivors), strings.Join(survivors, "; "))
	}
	t.Logf("%s: %d requests in %v; statuses %v", role, len(outcomes), time.Since(start).Round(time.Millisecond), statuses)
	logServerErrors(t, role, outcomes)
	if os.Getenv("ATTACK_DEBUG") != "" {
		for _, o := range outcomes {
			if ok2xx(o.rep.Status) {
				t.Logf("2xx: %s", o)
			}
		}
	}
	report(t, role, failed)
	after, err := tm.takeSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if ch := tm.diff(role, before, after); len(ch) > 0 {
		t.Errorf("%s: after the attacks %d seeded items changed; the first: %s", role, len(ch), ch[0])
		for _, c := range ch[1:] {
			t.Logf("also %s", c)
		}
	}
	return len(cases) + len(extra)
}

// ownInfo tells the reads that hold nothing of the team: the caller's own
// token (revoked at offboarding, so a copy of it opens nothing) and
// entity. The sweep leaves their wrapping tokens alone, as it leaves every
// wrapping token of paths outside the team's mounts.
func ownInfo(how string) bool {
	return strings.HasSuffix(how, " auth/token/lookup-self") || strings.Contains(how, " identity/entity/id/")
}
