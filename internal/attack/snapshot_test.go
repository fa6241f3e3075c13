package attack

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// snapshot is everything seeded, read with root: item name → canonical
// JSON. Items: kv:MOUNT/KEY (metadata and every live version's data),
// kvkeys:MOUNT, kvconfig:MOUNT, totp:NAME, totpkeys, transit:NAME,
// transitkeys, entity:NAME, group:NAME, policy:NAME, userpass:NAME,
// approle:ROLE, approle-secrets:ROLE, login:NAME, mounts, auths.
type snapshot map[string]string

func canonical(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unmarshallable: %v", err)
	}
	return string(b)
}

// list LISTs a path with root; a 404 is an empty list.
func (tm *team) list(p string) ([]string, error) {
	rep, err := tm.raw.do(tm.rootTok, request{Method: "LIST", Path: p})
	if err != nil {
		return nil, err
	}
	if rep.Status == 404 {
		return nil, nil
	}
	if rep.Status != 200 {
		return nil, fmt.Errorf("LIST %s: %s", p, rep)
	}
	var out map[string]interface{}
	if err := json.Unmarshal(rep.Body, &out); err != nil {
		return nil, err
	}
	keys := strList(obj(out, "data"), "keys")
	sort.Strings(keys)
	return keys, nil
}

// kvKeys lists every key of a KV v2 mount, recursively. A folder named
// "." or ".." (which a traversal may leave behind) cannot be listed by
// its path: it is recorded as a key, not entered.
func (tm *team) kvKeys(mount string) ([]string, error) {
	var out []string
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		if depth > 16 {
			return fmt.Errorf("%s/%s: folders nested too deep to be real", mount, dir)
		}
		keys, err := tm.list(mount + "/metadata/" + escapeKey(dir))
		if err != nil {
			return err
		}
		for _, k := range keys {
			if strings.HasSuffix(k, "/") && k != "./" && k != "../" {
				if err := walk(dir+k, depth+1); err != nil {
					return err
				}
				continue
			}
			out = append(out, dir+k)
		}
		return nil
	}
	err := walk("", 0)
	sort.Strings(out)
	return out, err
}

// kvItem reads a KV record's metadata and every live version's data.
func (tm *team) kvItem(mount, key string) (string, error) {
	// Keys as listed are raw; a listed key with odd characters is still
	// read by its path.
	m, err := tm.raw.do(tm.rootTok, request{Method: "GET", Path: mount + "/metadata/" + escapeKey(key)})
	if err != nil {
		return "", err
	}
	if m.Status != 200 {
		return fmt.Sprintf("metadata: %d %s", m.Status, strings.TrimSpace(string(m.Body))), nil
	}
	var meta map[string]interface{}
	if err := json.Unmarshal(m.Body, &meta); err != nil {
		return "", err
	}
	md := obj(meta, "data")
	item := map[string]interface{}{"metadata": md}
	data := map[string]interface{}{}
	for v, raw := range obj(md, "versions") {
		info, _ := raw.(map[string]interface{})
		if info["destroyed"] == true || str(info, "deletion_time") != "" {
			continue
		}
		rep, err := tm.raw.do(tm.rootTok, request{Method: "GET", Path: mount + "/data/" + escapeKey(key) + "?version=" + v})
		if err != nil {
			return "", err
		}
		if rep.Status != 200 {
			data[v] = fmt.Sprintf("%d %s", rep.Status, strings.TrimSpace(string(rep.Body)))
			continue
		}
		var d map[string]interface{}
		if err := json.Unmarshal(rep.Body, &d); err != nil {
			return "", err
		}
		data[v] = obj(obj(d, "data"), "data")
	}
	item["data"] = data
	return canonical(item), nil
}

// escapeKey escapes a listed key for a request path, keeping its slashes.
func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "%", "%25"), "?", "%3F")
		if p == "." || p == ".." {
			parts[i] = strings.ReplaceAll(p, ".", "%2e")
		}
	}
	return strings.Join(parts, "/")
}

// takeSnapshot reads everything seeded.
func (tm *team) takeSnapshot() (snapshot, error) {
	s := snapshot{}
	var mu sync.Mutex
	set := func(k, v string) {
		mu.Lock()
		s[k] = v
		mu.Unlock()
	}
	for _, mount := range []string{tm.l.KV(), tm.l.Proposals(), tm.l.Verifications(), tm.l.Reminders()} {
		keys, err := tm.kvKeys(mount)
		if err != nil {
			return nil, err
		}
		set("kvkeys:"+mount, canonical(keys))
		var wg sync.WaitGroup
		errs := make(chan error, len(keys))
		sem := make(chan struct{}, 8)
		for _, k := range keys {
			wg.Add(1)
			go func(k string) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				v, err := tm.kvItem(mount, k)
				if err != nil {
					errs <- err
					return
				}
				set("kv:"+mount+"/"+k, v)
			}(k)
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return nil, err
		}
		cfg, err := tm.raw.call(tm.rootTok, "GET", mount+"/config", nil)
		if err != nil {
			return nil, err
		}
		set("kvconfig:"+mount, canonical(obj(cfg, "data")))
	}
	// TOTP: the key list, each key's parameters, and whether its code
	// still comes from the seeded seed (a replaced seed changes it).
	keys, err := tm.list(tm.l.TOTP() + "/keys")
	if err != nil {
		return nil, err
	}
	set("totpkeys", canonical(keys))
	for _, k := range keys {
		info, err := tm.raw.call(tm.rootTok, "GET", tm.l.TOTP()+"/keys/"+k, nil)
		if err != nil {
			return nil, err
		}
		code, err := tm.raw.call(tm.rootTok, "GET", tm.l.TOTP()+"/code/"+k, nil)
		if err != nil {
			return nil, err
		}
		set("totp:"+k, canonical(map[string]interface{}{"info": obj(info, "data"),
			"code from the seeded seed": tm.codeMatches(k, str(obj(code, "data"), "code"))}))
	}
	// Transit keys.
	keys, err = tm.list(tm.l.Transit() + "/keys")
	if err != nil {
		return nil, err
	}
	set("transitkeys", canonical(keys))
	for _, k := range keys {
		info, err := tm.raw.call(tm.rootTok, "GET", tm.l.Transit()+"/keys/"+k, nil)
		if err != nil {
			return nil, err
		}
		set("transit:"+k, canonical(obj(info, "data")))
	}
	// Identities, groups, policies, logins, the AppRole role.
	names, err := tm.list("identity/entity/name")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		e, err := tm.raw.call(tm.rootTok, "GET", "identity/entity/name/"+n, nil)
		if err != nil {
			return nil, err
		}
		d := obj(e, "data")
		var aliases []string
		for _, a := range d["aliases"].([]interface{}) {
			am, _ := a.(map[string]interface{})
			aliases = append(aliases, str(am, "mount_accessor")+":"+str(am, "name"))
		}
		sort.Strings(aliases)
		set("entity:"+n, canonical(map[string]interface{}{"disabled": d["disabled"], "policies": d["policies"],
			"metadata": d["metadata"], "aliases": aliases}))
	}
	if names, err = tm.list("identity/group/name"); err != nil {
		return nil, err
	}
	for _, n := range names {
		g, err := tm.raw.call(tm.rootTok, "GET", "identity/group/name/"+n, nil)
		if err != nil {
			return nil, err
		}
		d := obj(g, "data")
		members := strList(d, "member_entity_ids")
		sort.Strings(members)
		set("group:"+n, canonical(map[string]interface{}{"policies": d["policies"], "members": members,
			"metadata": d["metadata"], "type": d["type"]}))
	}
	if names, err = tm.list("sys/policies/acl"); err != nil {
		return nil, err
	}
	for _, n := range names {
		p, err := tm.raw.call(tm.rootTok, "GET", "sys/policies/acl/"+n, nil)
		if err != nil {
			return nil, err
		}
		set("policy:"+n, str(obj(p, "data"), "policy"))
	}
	if names, err = tm.list("auth/userpass/users"); err != nil {
		return nil, err
	}
	set("userpass-users", canonical(names))
	for _, n := range names {
		u, err := tm.raw.call(tm.rootTok, "GET", "auth/userpass/users/"+n, nil)
		if err != nil {
			return nil, err
		}
		set("userpass:"+n, canonical(obj(u, "data")))
	}
	if names, err = tm.list("auth/approle/role"); err != nil {
		return nil, err
	}
	for _, n := range names {
		r, err := tm.raw.call(tm.rootTok, "GET", "auth/approle/role/"+n, nil)
		if err != nil {
			return nil, err
		}
		set("approle:"+n, canonical(obj(r, "data")))
		acc, err := tm.list("auth/approle/role/" + n + "/secret-id")
		if err != nil {
			return nil, err
		}
		set("approle-secrets:"+n, canonical(acc))
	}
	for _, m := range tm.members {
		if m.name == "" || m.role == roleOffboarded {
			continue
		}
		rep, err := tm.raw.do("", request{Method: "POST", Path: "auth/userpass/login/" + m.name,
			Body: jsonBody(map[string]string{"password": m.password})})
		if err != nil {
			return nil, err
		}
		set("login:"+m.name, strconv.FormatBool(rep.Status == 200))
	}
	for _, p := range []string{"sys/mounts", "sys/auth"} {
		m, err := tm.raw.call(tm.rootTok, "GET", p, nil)
		if err != nil {
			return nil, err
		}
		set(p, canonical(obj(m, "data")))
	}
	return s, nil
}

// codeMatches reports whether code is the seeded seed's code now (or in
// the neighbouring periods).
func (tm *team) codeMatches(key, code string) bool {
	seed, ok := tm.seeds[key]
	if !ok {
		return false
	}
	now := time.Now()
	for _, d := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		want, err := totp.GenerateCodeCustom(seed, now.Add(d), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && want == code {
			return true
		}
	}
	return false
}

// change is one item that differs between two snapshots.
type change struct {
	item          string
	before, after string
}

func (c change) String() string {
	short := func(s string) string {
		if s == "" {
			return "(absent)"
		}
		if len(s) > 400 {
			return s[:400] + "…"
		}
		return s
	}
	return fmt.Sprintf("%s changed\n\tbefore: %s\n\tafter:  %s", c.item, short(c.before), short(c.after))
}

// diff lists what changed from a to b, except what role may change; the
// first is the first changed item that existed before, in name order.
func (tm *team) diff(role string, a, b snapshot) []change {
	var out []change
	seen := map[string]bool{}
	for _, s := range []snapshot{a, b} {
		for k := range s {
			if seen[k] {
				continue
			}
			seen[k] = true
			before, had := a[k]
			after := b[k]
			if before == after {
				continue
			}
			if tm.mayChange(role, k, had) {
				continue
			}
			out = append(out, change{item: k, before: before, after: after})
		}
	}
	// Seeded items first (a changed record matters more than junk a
	// traversal left), then by name.
	sort.Slice(out, func(i, j int) bool {
		if (out[i].before == "") != (out[j].before == "") {
			return out[i].before != ""
		}
		return out[i].item < out[j].item
	})
	return out
}
