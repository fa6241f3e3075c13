package attack

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
)

// targetOp is one operation on one seeded thing, by its plain path:
// MOUNT/ROUTE/KEY (mount with its trailing slash).
type targetOp struct {
	subject
	op      string // opReadData, …
	name    string // e.g. "POST data cas"
	mount   string // e.g. "sellervault/"
	key     string // after ROUTE/; may be "" or end in "/" (folders)
	query   string // e.g. "version=1"
	method  string
	body    []byte
	ctype   string
	primary bool // attacked with every encoding from globs
	// markers: a 2xx answer to a read holding any of them is a leak.
	markers []string
	rec     *record
}

func (t *targetOp) full() string { return t.mount + t.route + "/" + t.key }

func (t *targetOp) isRead() bool { return t.op == opReadData || t.op == opReadMeta || t.op == opList }

func (t *targetOp) String() string {
	q := ""
	if t.query != "" {
		q = "?" + t.query
	}
	return fmt.Sprintf("%s %s%s (%s: %s)", t.method, t.full(), q, t.class, t.op)
}

const mergePatch = "application/merge-patch+json"

// kvOps are the operations on one KV v2 record through every route.
func kvOps(r *record) []*targetOp {
	mount := strings.TrimSuffix(r.mount, "/") + "/"
	attack := map[string]interface{}{"canary": "attack", "iban": "DE00ATTACK"}
	versions := make([]int, 0, r.versions)
	for v := 1; v <= r.versions; v++ {
		versions = append(versions, v)
	}
	if len(versions) == 0 {
		versions = []int{1}
	}
	type spec struct {
		route, method, name, op, query, ctype string
		body                                  interface{}
		primary                               bool
		marker                                string
	}
	specs := []spec{
		{route: "data", method: "GET", name: "read", op: opReadData, primary: true, marker: r.dataCanary},
		{route: "data", method: "GET", name: "read version 1", op: opReadData, query: "version=1", marker: r.dataCanary},
		{route: "data", method: "POST", name: "write cas", op: opWrite, primary: true,
			body: map[string]interface{}{"data": attack, "options": map[string]int{"cas": r.versions}}},
		{route: "data", method: "POST", name: "write without cas", op: opWrite, body: map[string]interface{}{"data": attack}},
		{route: "data", method: "PUT", name: "put cas", op: opWrite,
			body: map[string]interface{}{"data": attack, "options": map[string]int{"cas": r.versions}}},
		{route: "data", method: "PATCH", name: "patch", op: opWrite, ctype: mergePatch,
			body: map[string]interface{}{"data": attack}},
		{route: "data", method: "DELETE", name: "soft delete", op: opDestroy},
		{route: "metadata", method: "GET", name: "read metadata", op: opReadMeta, primary: true, marker: r.metaCanary},
		{route: "metadata", method: "POST", name: "custom_metadata", op: opWrite, primary: true,
			body: map[string]interface{}{"custom_metadata": map[string]string{"canary": "attack", "rotate_every": "87600h"}}},
		{route: "metadata", method: "POST", name: "max_versions=1", op: opWrite, body: map[string]interface{}{"max_versions": 1}},
		{route: "metadata", method: "POST", name: "delete_version_after=1s", op: opWrite,
			body: map[string]interface{}{"delete_version_after": "1s"}},
		{route: "metadata", method: "PATCH", name: "patch metadata", op: opWrite, ctype: mergePatch,
			body: map[string]interface{}{"custom_metadata": map[string]string{"canary": "attack"}, "max_versions": 1}},
		{route: "metadata", method: "DELETE", name: "delete metadata", op: opDestroy},
		{route: "delete", method: "POST", name: "delete versions", op: opDestroy, body: map[string]interface{}{"versions": versions}},
		{route: "undelete", method: "POST", name: "undelete versions", op: opWrite, body: map[string]interface{}{"versions": versions}},
		{route: "destroy", method: "POST", name: "destroy versions", op: opDestroy, body: map[string]interface{}{"versions": versions}},
	}
	var out []*targetOp
	for _, s := range specs {
		t := &targetOp{
			subject: subject{class: r.class, mount: strings.TrimSuffix(r.mount, "/"), route: s.route, store: r.store, person: r.person,
				audience: r.audience},
			op: s.op, name: s.method + " " + s.route + " " + s.name, mount: mount, key: r.key, query: s.query,
			method: s.method, ctype: s.ctype, primary: s.primary, rec: r,
		}
		if s.body != nil {
			t.body = jsonBody(s.body)
		}
		if s.marker != "" {
			t.markers = []string{s.marker}
		}
		out = append(out, t)
	}
	return out
}

// kvDirs are the folders of the seeded KV records, per mount, with "" for
// a mount's top.
func (tm *team) kvDirs() map[string][]string {
	seen := map[string]map[string]bool{}
	for _, r := range tm.records {
		if seen[r.mount] == nil {
			seen[r.mount] = map[string]bool{"": true}
		}
		parts := strings.Split(r.key, "/")
		for i := 1; i < len(parts); i++ {
			seen[r.mount][strings.Join(parts[:i], "/")+"/"] = true
		}
	}
	out := map[string][]string{}
	for m, dirs := range seen {
		for d := range dirs {
			out[m] = append(out[m], d)
		}
		sort.Strings(out[m])
	}
	return out
}

// dirClass is the class a listing of a folder reveals names of.
func dirClass(mount, dir string) string {
	return "folder " + mount + "/" + dir
}

// engineTargets are the TOTP, Transit, identity, login and policy
// operations an attacker might reach for; self is the attacker.
func (tm *team) engineTargets(self *member) []*targetOp {
	var out []*targetOp
	add := func(class, mount, route, key, method, op, name string, body interface{}, primary bool, s subject, markers ...string) {
		s.class, s.mount, s.route = class, strings.TrimSuffix(mount, "/"), route
		t := &targetOp{subject: s, op: op, name: name, mount: mount, key: key, method: method, primary: primary, markers: markers}
		if body != nil {
			t.body = jsonBody(body)
		}
		out = append(out, t)
	}
	totp := tm.l.TOTP() + "/"
	for _, k := range totpKeys() {
		s := subject{store: k.store}
		add(clsCode, totp, "code", k.name, "GET", opReadData, "GET code", nil, true, s, `"code"`)
		add(clsTOTPKey, totp, "keys", k.name, "GET", opReadData, "GET key", nil, true, s, `"account_name"`)
		add(clsTOTPKey, totp, "keys", k.name, "POST", opWrite, "POST key (replace the seed)", map[string]interface{}{
			"generate": false, "key": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "issuer": "Attacker", "account_name": "x"}, true, s)
		add(clsTOTPKey, totp, "keys", k.name, "DELETE", opDestroy, "DELETE key", nil, false, s)
	}
	add(clsTOTPKeys, totp, "keys", "", "LIST", opList, "LIST keys", nil, true, subject{}, `"keys"`)

	transit := tm.l.Transit() + "/"
	input := map[string]string{"input": base64.StdEncoding.EncodeToString([]byte("hello"))}
	keys := []struct {
		name, person, audience, hmacClass, keyClass string
	}{
		{tm.l.LegacyRedactKey(), "", legacyAudience, clsRedactHMAC, clsRedactKey},
		{tm.l.PersonKey(tm.members[roleManager].entityID), tm.members[roleManager].name, "", clsPersonHMAC, clsPersonKey},
		{tm.l.PersonKey(tm.members[roleFinance].entityID), tm.members[roleFinance].name, "", clsPersonHMAC, clsPersonKey},
	}
	for _, a := range tm.audiences() {
		keys = append(keys, struct{ name, person, audience, hmacClass, keyClass string }{
			tm.l.RedactKey(a), "", a, clsRedactHMAC, clsRedactKey})
	}
	for _, k := range keys {
		s := subject{person: k.person, audience: k.audience}
		add(k.hmacClass, transit, "hmac", k.name, "POST", opReadData, "POST hmac", input, true, s, `"hmac"`)
		add(k.keyClass, transit, "keys", k.name, "GET", opReadData, "GET key", nil, true, s, `"latest_version"`)
		add(k.keyClass, transit, "keys", k.name+"/config", "POST", opWrite, "POST key config (deletable, exportable)",
			map[string]interface{}{"deletion_allowed": true, "exportable": true}, true, s)
		add(k.keyClass, transit, "keys", k.name+"/rotate", "POST", opWrite, "POST key rotate", nil, false, s)
		add(k.keyClass, transit, "keys", k.name, "DELETE", opDestroy, "DELETE key", nil, false, s)
		add(k.keyClass, transit, "export", "hmac-key/"+k.name, "GET", opReadData, "GET export", nil, false, s, `"keys"`)
	}
	add(clsTransitKeys, transit, "keys", "", "LIST", opList, "LIST keys", nil, true, subject{}, `"keys"`)

	mgr := tm.members[roleManager]
	add(clsEntity, "identity/", "entity", "id/"+mgr.entityID, "GET", opReadData, "GET manager's entity", nil, true,
		subject{person: mgr.name}, mgr.entityID)
	if self.entityID != "" {
		add(clsEntity, "identity/", "entity", "id/"+self.entityID, "POST", opWrite, "POST own entity policies",
			map[string]interface{}{"policies": []string{tm.l.RolePolicy("manager")}}, true, subject{person: self.name})
	}
	for _, g := range []string{tm.l.RoleGroup("manager"), tm.l.StoreGroup(storeDE)} {
		add(clsGroup, "identity/", "group", "name/"+g, "POST", opWrite, "POST group members",
			map[string]interface{}{"member_entity_ids": []string{self.entityID}}, true, subject{})
	}
	add(clsLogin, "auth/userpass/", "users", mgr.name+"/password", "POST", opWrite, "POST manager's password",
		map[string]string{"password": "attacker-" + tm.runID}, true, subject{person: mgr.name})
	login := self.name
	if login == "" {
		login = tm.members[roleStaff].name
	}
	add(clsLogin, "auth/userpass/", "users", login, "POST", opWrite, "POST login's token policies",
		map[string]string{"token_policies": tm.l.RolePolicy("manager")}, true, subject{person: login})
	for _, p := range []string{tm.l.RolePolicy("staff"), tm.l.SelfPolicy()} {
		add(clsPolicy, "sys/", "policies", "acl/"+p, "POST", opWrite, "POST policy", map[string]string{
			"policy": `path "*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }`}, true, subject{})
	}
	add(clsAppRole, "auth/approle/", "role", tm.l.ReminderRole()+"/secret-id", "POST", opWrite, "POST new secret ID", nil, true, subject{})
	add(clsAppRole, "auth/approle/", "role", tm.l.ReminderRole(), "POST", opWrite, "POST role policies",
		map[string]string{"token_policies": tm.l.RolePolicy("manager")}, true, subject{})
	return out
}

// clsAppRole: the reminder job's AppRole role and its secret IDs.
const clsAppRole = "reminder AppRole"

// targets are every operation role must not do, by the expectations
// table: the attack targets.
func (tm *team) targets(role string) ([]*targetOp, error) {
	if err := tm.syncVersions(); err != nil {
		return nil, err
	}
	self := tm.members[role]
	var all []*targetOp
	for _, r := range tm.records {
		all = append(all, kvOps(r)...)
	}
	for mount, dirs := range tm.kvDirs() {
		for _, d := range dirs {
			all = append(all, &targetOp{
				subject: subject{class: dirClass(mount, d), mount: mount, route: "metadata", dir: d},
				op:      opList, name: "LIST metadata folder", mount: mount + "/", key: d, method: "LIST",
				primary: true, markers: []string{`"keys"`},
			})
		}
	}
	all = append(all, tm.engineTargets(self)...)
	var out []*targetOp
	for _, t := range all {
		if !tm.allowed(role, t.op, t.subject) {
			out = append(out, t)
		}
	}
	return out, nil
}

// deniedCanaries are the canaries role must never see in any answer.
func (tm *team) deniedCanaries(role string) []string {
	var out []string
	for _, r := range tm.records {
		s := subject{class: r.class, mount: r.mount, store: r.store, person: r.person, audience: r.audience}
		if s.route = "data"; !r.metaOnly && !tm.allowed(role, opReadData, s) {
			out = append(out, r.dataCanary)
		}
		if s.route = "metadata"; !tm.allowed(role, opReadMeta, s) {
			out = append(out, r.metaCanary)
		}
	}
	return out
}
