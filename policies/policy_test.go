package policies_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/policies"
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// team is an initialised Vault with one token per role: a manager, a
// finance person, an ops staff member assigned to acme-us only, and the
// reminder job's AppRole.
type team struct {
	root   *vault.Client
	tokens map[string]*vault.Client
}

func newTeam(t *testing.T) *team {
	t.Helper()
	ctx := context.Background()
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	t.Setenv("VAULT_TOKEN", srv.RootToken)
	root, err := vault.New(vault.Options{Address: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := vault.NewLayout(policies.DefaultPrefix)
	if _, err := setup.Run(ctx, root, setup.Options{Layout: l}); err != nil {
		t.Fatal(err)
	}
	if err := access.EnsureStoreAccess(ctx, root, l, "acme-de"); err != nil {
		t.Fatal(err)
	}
	tm := &team{root: root, tokens: map[string]*vault.Client{}}
	people := []access.Person{
		{Name: "mgr", Role: "manager"},
		{Name: "fin", Role: "finance"},
		{Name: "ops", Role: "staff", Stores: []string{"acme-us"}},
	}
	for _, p := range people {
		password := randomPassword(t)
		if _, err := access.EnsurePerson(ctx, root, l, p, password, time.Now()); err != nil {
			t.Fatalf("person %s: %v", p.Name, err)
		}
		token, err := root.Userpass().Login(ctx, vault.UserpassMount, p.Name, password)
		if err != nil {
			t.Fatalf("login %s: %v", p.Name, err)
		}
		tm.tokens[p.Role] = tm.client(t, token)
	}
	token, err := root.AppRoles().Login(ctx, vault.AppRoleMount, l.ReminderRole())
	if err != nil {
		t.Fatalf("reminder login: %v", err)
	}
	tm.tokens["reminder"] = tm.client(t, token)
	return tm
}

func (tm *team) client(t *testing.T, token string) *vault.Client {
	c, err := tm.root.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomPassword(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// TestPolicyTable asks Vault's ACL engine, for each role's real token,
// what it may do on a path (sys/capabilities-self resolves group
// membership and templated paths exactly as a request would).
func TestPolicyTable(t *testing.T) {
	tm := newTeam(t)
	cases := []struct {
		role, capability, path string
		allowed                bool
	}{
		// manager
		{"manager", "create", "sellervault/data/stores/acme-us/creds/seller-central", true},
		{"manager", "read", "sellervault/data/stores/acme-us/payout", true},
		{"manager", "delete", "sellervault/data/stores/acme-us/creds/old", true},
		{"manager", "delete", "sellervault/metadata/stores/acme-us/creds/old", false},
		{"manager", "update", "sellervault/destroy/stores/acme-us/creds/old", false},
		{"manager", "update", "sellervault-totp/keys/acme-us.seller-central", true},
		{"manager", "read", "sellervault-totp/code/acme-us.seller-central", true},
		{"manager", "update", "sys/policies/acl/sellervault-store-acme-fr", true},
		{"manager", "update", "sys/policies/acl/sellervault-manager", false},
		{"manager", "update", "sys/mounts/elsewhere", false},
		{"manager", "sudo", "sys/audit", false},
		{"manager", "sudo", "sys/leases/revoke-prefix/auth/userpass/login/olga", true},
		{"manager", "sudo", "sys/leases/revoke-prefix/auth/approle/login", false},
		{"manager", "update", "auth/approle/role/sellervault-reminder/secret-id", true},
		{"manager", "update", "auth/approle/role/sellervault-reminder", false},
		{"manager", "create", "auth/approle/role/sellervault-backdoor", false},
		{"manager", "update", "auth/approle/role/sellervault-backdoor/secret-id", false},
		{"manager", "read", "sellervault-transit/export/hmac-key/sellervault-redact-contacts", false},
		{"manager", "update", "sellervault-transit/hmac/sellervault-redact-store-acme-de", true},
		{"manager", "update", "sellervault-transit/hmac/sellervault-redact-contacts", true},
		{"manager", "update", "sellervault-transit/keys/sellervault-redact-store-acme-fr", true},
		{"manager", "update", "sellervault-transit/keys/person-someone", false},
		{"manager", "read", "sellervault/data/_meta/redact/contacts/00", true},
		// finance
		{"finance", "read", "sellervault/data/stores/acme-us/payout", true},
		{"finance", "update", "sellervault/data/stores/acme-us/payout", false},
		{"finance", "create", "sellervault-proposals/data/payout/acme-us/req-1", true},
		{"finance", "update", "sellervault-proposals/data/payout/acme-us/req-1", false},
		{"finance", "create", "sellervault-proposals/data/payout/acme-us/req-1/x", false},
		{"finance", "update", "sellervault-proposals/metadata/payout/acme-us/req-1", false},
		{"finance", "update", "sellervault-verifications/data/payout/acme-us", true},
		{"finance", "update", "sellervault-verifications/metadata/payout/acme-us", false},
		{"finance", "update", "sellervault/metadata/stores/acme-us/payout", false},
		{"staff", "create", "sellervault-verifications/data/payout/acme-us", false},
		{"finance", "create", "sellervault/data/decisions/payout/acme-us/req-1", false},
		{"finance", "read", "sellervault/data/decisions/payout/acme-us/req-1", true},
		{"manager", "create", "sellervault/data/decisions/payout/acme-us/req-1", true},
		{"finance", "create", "sellervault/data/proposals/payout/acme-us/req-1", false},
		{"finance", "update", "sellervault-transit/hmac/person-someone-else", false},
		{"finance", "update", "sellervault-transit/verify/person-someone-else", false},
		{"manager", "update", "sellervault-transit/verify/person-someone-else", true},
		{"manager", "update", "sellervault-transit/hmac/person-someone-else", false},
		{"finance", "read", "sellervault/data/stores/acme-us/creds/seller-central", false},
		{"finance", "read", "sellervault-totp/code/acme-us.seller-central", false},
		{"finance", "create", "sellervault-totp/keys/acme-us.seller-central", false},
		{"finance", "read", "sellervault/data/staff/fin", true},
		// staff (ops), assigned to acme-us only
		{"staff", "read", "sellervault/data/stores/acme-us/creds/seller-central", true},
		{"staff", "list", "sellervault/metadata/stores/acme-us/creds/", true},
		{"staff", "read", "sellervault/data/stores/acme-us", true},
		{"staff", "read", "sellervault/metadata/stores/acme-us", true},
		{"staff", "read", "sellervault/metadata/stores/acme-de", false},
		{"staff", "list", "sellervault/metadata/stores/", false},
		{"staff", "read", "sellervault/data/stores/acme-de/creds/seller-central", false},
		{"staff", "read", "sellervault/data/stores/acme-us/payout", false},
		{"staff", "update", "sellervault/data/stores/acme-us/creds/seller-central", false},
		{"staff", "read", "sellervault-totp/code/acme-us.seller-central", true},
		{"staff", "read", "sellervault-totp/code/acme-de.seller-central", false},
		{"staff", "read", "sellervault-totp/keys/acme-us.seller-central", false},
		{"staff", "read", "sellervault/data/_meta/init", true},
		{"staff", "read", "sellervault/data/staff/ops", true},
		{"staff", "read", "sellervault/data/staff/mgr", false},
		{"staff", "update", "auth/userpass/users/ops/password", true},
		{"staff", "update", "auth/userpass/users/mgr/password", false},
		// redaction: only the audiences whose values one may read
		{"staff", "update", "sellervault-transit/hmac/sellervault-redact-store-acme-us", true},
		{"staff", "update", "sellervault-transit/hmac/sellervault-redact-store-acme-de", false},
		{"staff", "update", "sellervault-transit/hmac/sellervault-redact-payout", false},
		{"staff", "update", "sellervault-transit/hmac/sellervault-redact-contacts", false},
		{"staff", "update", "sellervault-transit/hmac/sellervault-redact", false},
		{"staff", "read", "sellervault/data/_meta/redact/store-acme-us/00", true},
		{"staff", "read", "sellervault/data/_meta/redact/store-acme-de/00", false},
		{"staff", "read", "sellervault/data/_meta/redact/payout/00", false},
		{"staff", "read", "sellervault/data/_meta/redact/contacts/00", false},
		{"staff", "read", "sellervault/data/_meta/redact/00", false},
		{"staff", "read", "sellervault/data/_meta/domains", true},
		{"staff", "read", "sellervault/data/_meta/listing/acme-us/00", true},
		{"staff", "read", "sellervault/data/_meta/listing/acme-de/00", false},
		{"reminder", "read", "sellervault/data/_meta/listing/acme-us/00", false},
		{"finance", "update", "sellervault-transit/hmac/sellervault-redact-payout", true},
		{"finance", "update", "sellervault-transit/hmac/sellervault-redact-contacts", false},
		{"finance", "update", "sellervault-transit/hmac/sellervault-redact-store-acme-us", false},
		{"finance", "read", "sellervault/data/_meta/redact/payout/00", true},
		{"finance", "read", "sellervault/data/_meta/redact/contacts/00", false},
		{"finance", "read", "sellervault/data/_meta/redact/store-acme-us/00", false},
		{"staff", "update", "identity/group/name/sellervault-store-acme-de", false},
		{"staff", "update", "sys/leases/revoke-prefix/auth/userpass/login/mgr", false},
		// reminder job: metadata only
		{"reminder", "read", "sellervault/metadata/stores/acme-us/creds/seller-central", true},
		{"reminder", "list", "sellervault/metadata/stores/", true},
		{"reminder", "read", "sellervault/data/stores/acme-us/creds/seller-central", false},
		{"reminder", "read", "sellervault/data/_meta/init", false},
		{"reminder", "read", "sellervault-totp/code/acme-us.seller-central", false},
		{"reminder", "update", "sellervault-transit/hmac/sellervault-redact-payout", false},
		{"reminder", "update", "sellervault-transit/hmac/sellervault-redact-contacts", false},
		{"reminder", "update", "sellervault-reminders/metadata/slack/olga", true},
		{"reminder", "create", "sellervault-reminders/metadata/slack/olga", true},
		{"reminder", "delete", "sellervault-reminders/metadata/slack/olga", false},
		{"reminder", "update", "sellervault/metadata/_meta/reminders/slack/olga", false},
		{"reminder", "read", "sellervault-verifications/metadata/payout/acme-us", true},
		{"reminder", "read", "sellervault-verifications/data/payout/acme-us", false},
		// no one but managers may wrap a response for longer than minutes,
		// nor wrap arbitrary data (Vault's default policy is not carried)
		{"staff", "update", "sys/wrapping/wrap", false},
		{"finance", "update", "sys/wrapping/wrap", false},
		{"reminder", "update", "sys/wrapping/wrap", false},
		{"staff", "update", "auth/token/create", false},
		{"staff", "update", "cubbyhole/x", false},
		{"staff", "update", "sys/wrapping/unwrap", false},
		{"staff", "read", "auth/token/lookup-self", true},
		{"reminder", "update", "sellervault/metadata/stores/acme-us/creds/seller-central", false},
		{"reminder", "update", "sellervault/metadata/_meta/settings", false},
		{"reminder", "create", "sellervault/data/_meta/reminders/slack/olga", false},
		{"reminder", "create", "sellervault-reminders/data/slack/olga", false},
	}
	allowed, denied := 0, 0
	for _, tc := range cases {
		caps, err := tm.tokens[tc.role].Tokens().CapabilitiesSelf(context.Background(), tc.path)
		if err != nil {
			t.Fatalf("%s on %s: %v", tc.role, tc.path, err)
		}
		got := has(caps, tc.capability) && !has(caps, "deny")
		if got != tc.allowed {
			t.Errorf("%s %s %s: allowed=%v, want %v (capabilities %v)", tc.role, tc.capability, tc.path, got, tc.allowed, caps)
		}
		if tc.allowed {
			allowed++
		} else {
			denied++
		}
	}
	if allowed < 10 || denied < 10 {
		t.Fatalf("the table should hold both kinds: %d allowed, %d denied", allowed, denied)
	}
}

// TestPolicyRequests makes real requests: a denied one is a 403, an
// allowed one reaches the engine (here a 404, as nothing is stored).
func TestPolicyRequests(t *testing.T) {
	tm := newTeam(t)
	ctx := context.Background()
	cases := []struct {
		role, path string
		data       bool // data/ path (a value) or metadata/ path
		denied     bool
	}{
		{"staff", "stores/acme-us/creds/seller-central", true, false},
		{"staff", "stores/acme-de/creds/seller-central", true, true},
		{"staff", "stores/acme-us/payout", true, true},
		{"finance", "stores/acme-us/payout", true, false},
		{"reminder", "stores/acme-us/creds/seller-central", false, false},
		{"reminder", "stores/acme-us/creds/seller-central", true, true},
	}
	for _, tc := range cases {
		c := tm.tokens[tc.role]
		var err error
		if tc.data {
			_, err = c.KV().Get(ctx, "sellervault", tc.path)
		} else {
			_, err = c.KV().Metadata(ctx, "sellervault", tc.path)
		}
		if gotDenied := errors.Is(err, vault.ErrDenied); gotDenied != tc.denied {
			t.Errorf("%s reading %s (data=%v): %v, want denied=%v", tc.role, tc.path, tc.data, err, tc.denied)
		}
		if !tc.denied && !errors.Is(err, vault.ErrNotFound) {
			t.Errorf("%s reading %s: %v, want not found", tc.role, tc.path, err)
		}
	}
	// Staff may not write a record, even one in their own store.
	_, err := tm.tokens["staff"].KV().Put(ctx, "sellervault", "stores/acme-us/creds/x", map[string]interface{}{"a": "b"}, 0)
	if !errors.Is(err, vault.ErrDenied) {
		t.Fatalf("staff write: %v, want denied", err)
	}
}

func TestRenderPrefixAndPlaceholders(t *testing.T) {
	text, err := policies.Render("staff", policies.Vars{Prefix: "teamb", UserpassAccessor: "auth_userpass_1234"})
	if err != nil {
		t.Fatal(err)
	}
	if pathLines(text, "sellervault") != 0 || strings.Contains(text, "@") {
		t.Fatalf("unsubstituted names left:\n%s", text)
	}
	if !strings.Contains(text, "# sellervault-staff:") {
		t.Fatalf("the comments changed: they keep naming sellervault:\n%s", text)
	}
	if !strings.Contains(text, `path "teamb-totp/keys/*"`) || !strings.Contains(text, "aliases.auth_userpass_1234.name") {
		t.Fatalf("substitutions missing:\n%s", text)
	}
	if _, err := policies.Render("store", policies.Vars{Prefix: "sellervault"}); err == nil {
		t.Fatal("store policy rendered without a store name")
	}
	boot, err := policies.Bootstrap("teamb")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`path "sys/mounts/teamb-*"`, `path "sys/audit/teamb-audit"`, `path "sys/policies/acl/teamb-*"`,
		`path "auth/approle/role/teamb-reminder"`, `path "teamb/data/*"`, `path "identity/entity"`} {
		if !strings.Contains(boot, want) {
			t.Errorf("the bootstrap policy lacks %s", want)
		}
	}
	if n := pathLines(boot, "sellervault"); n != 0 {
		t.Errorf("the bootstrap policy has %d paths of the default prefix", n)
	}
	for _, name := range append(policies.Roles, "store", "bootstrap") {
		src, err := policies.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(src, "# ") {
			t.Errorf("%s.hcl does not open with its header comment", name)
		}
	}
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestTOTPNeverGivesSeeds imports a seed for two stores and shows that a
// staff member gets codes of their own store only, that no role (root
// included) reads the seed back from any path, and that staff cannot even
// read a key's parameters.
func TestTOTPNeverGivesSeeds(t *testing.T) {
	tm := newTeam(t)
	ctx := context.Background()
	const seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	for _, key := range []string{"acme-us.seller-central", "acme-de.seller-central"} {
		if err := tm.root.TOTP().Import(ctx, "sellervault-totp", key, seed, vault.TOTPKey{Issuer: "Amazon", Account: "ops", Period: 30, Algorithm: "SHA1", Digits: 6}); err != nil {
			t.Fatal(err)
		}
	}
	staff := tm.tokens["staff"]
	if code, err := staff.TOTP().Code(ctx, "sellervault-totp", "acme-us.seller-central"); err != nil || len(code) != 6 {
		t.Fatalf("staff code for their store: %q, %v", code, err)
	}
	if _, err := staff.TOTP().Code(ctx, "sellervault-totp", "acme-de.seller-central"); !errors.Is(err, vault.ErrDenied) {
		t.Fatalf("staff code for another store: %v, want denied", err)
	}
	if _, err := staff.TOTP().KeyInfo(ctx, "sellervault-totp", "acme-us.seller-central"); !errors.Is(err, vault.ErrDenied) {
		t.Fatalf("staff reading a key: %v, want denied", err)
	}
	for _, role := range []string{"root", "manager", "finance", "staff", "reminder"} {
		c := tm.root
		if role != "root" {
			c = tm.tokens[role]
		}
		info, err := c.TOTP().KeyInfo(ctx, "sellervault-totp", "acme-us.seller-central")
		if err == nil && strings.Contains(fmt.Sprintf("%+v", *info), seed) {
			t.Fatalf("%s read the seed back", role)
		}
		for _, path := range []string{"keys/acme-us.seller-central", "export/acme-us.seller-central", "keys/acme-us.seller-central/export"} {
			caps, err := c.Tokens().CapabilitiesSelf(ctx, "sellervault-totp/"+path)
			if err != nil {
				t.Fatal(err)
			}
			if role != "root" && role != "manager" && (has(caps, "read") && !has(caps, "deny")) {
				t.Errorf("%s may read sellervault-totp/%s: %v", role, path, caps)
			}
		}
	}
}

// pathLines counts the path lines of a policy that contain s.
func pathLines(text, s string) int {
	n := 0
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, `path "`) && strings.Contains(l, s) {
			n++
		}
	}
	return n
}
