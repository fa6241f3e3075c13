package attack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/policies"
)

// The stores every test uses; staff member "ops" is assigned to the first.
const (
	storeUS = "acme-us"
	storeDE = "acme-de"
)

var stores = []string{storeUS, storeDE}

// Roles, as the suite names its attackers.
const (
	roleManager    = "manager"
	roleFinance    = "finance"
	roleStaff      = "staff"
	roleReminder   = "reminder"
	roleOffboarded = "offboarded"
	roleNoRole     = "norole"
)

// attackers are the roles whose tokens are attacked, in order. The
// manager is trusted and is not.
var attackers = []string{roleFinance, roleStaff, roleReminder, roleOffboarded, roleNoRole}

// member is one token holder.
type member struct {
	role     string
	name     string // userpass login and entity name; "" for the reminder job
	password string
	token    string
	entityID string
	// policies is what the token carried when it was issued (token
	// policies and identity policies), read with root.
	policies []string
}

// team is the shared Vault, seeded: one per test binary.
type team struct {
	srv      *devvault.Server
	root     *vault.Client
	rootTok  string
	raw      *rawClient
	l        vault.Layout
	accessor string // userpass mount accessor
	members  map[string]*member
	// gaps lists what setup.Run did not (yet) do of the layout, which the
	// fixture then did with root so that the policies are exercised.
	gaps    []string
	records []*record
	seeds   map[string]string // TOTP key name → base32 seed
	mounts  []string          // every secret and auth mount path ("auth/..." for auth), with a trailing slash
	runID   string
	oracle  oracleCanaries // the values seeded through the repository (oracle_seed_test.go)
}

var shared struct {
	once sync.Once
	tm   *team
	err  error
}

// getTeam returns the seeded team, building it on first use.
func getTeam(t *testing.T) *team {
	t.Helper()
	shared.once.Do(func() {
		start := time.Now()
		shared.tm, shared.err = newTeam(context.Background())
		if shared.err == nil {
			t.Logf("team seeded in %v", time.Since(start).Round(time.Millisecond))
		}
	})
	if shared.err != nil {
		t.Fatalf("seeding the team: %v", shared.err)
	}
	return shared.tm
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func newTeam(ctx context.Context) (*team, error) {
	srv, err := devvault.Shared()
	if err != nil {
		return nil, err
	}
	os.Setenv("VAULT_CACERT", srv.CACertFile)
	root, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		return nil, err
	}
	raw, err := newRawClient(srv.URL, srv.CACertFile)
	if err != nil {
		return nil, err
	}
	l, err := vault.NewLayout(policies.DefaultPrefix)
	if err != nil {
		return nil, err
	}
	tm := &team{srv: srv, root: root, rootTok: srv.RootToken, raw: raw, l: l,
		members: map[string]*member{}, seeds: map[string]string{}, runID: randomHex(3)}
	if _, err := setup.Run(ctx, root, setup.Options{Layout: l, Version: "attack-suite"}); err != nil {
		return nil, fmt.Errorf("setup.Run: %w", err)
	}
	for _, s := range stores {
		if err := access.EnsureStoreAccess(ctx, root, l, s); err != nil {
			return nil, fmt.Errorf("store %s: %w", s, err)
		}
	}
	if err := tm.completeLayout(); err != nil {
		return nil, err
	}
	if err := tm.loadMounts(); err != nil {
		return nil, err
	}
	if err := tm.addPeople(ctx); err != nil {
		return nil, err
	}
	if err := tm.seed(); err != nil {
		return nil, fmt.Errorf("seeding records: %w", err)
	}
	if err := tm.offboard(ctx, tm.members[roleOffboarded]); err != nil {
		return nil, fmt.Errorf("offboarding: %w", err)
	}
	return tm, nil
}

// completeLayout mounts what the layout needs and setup.Run did not
// create (yet), and records it as a gap, which TestLayoutComplete reports.
func (tm *team) completeLayout() error {
	mounts, err := tm.raw.call(tm.rootTok, "GET", "sys/mounts", nil)
	if err != nil {
		return err
	}
	data := obj(mounts, "data")
	for _, m := range []string{tm.l.Proposals(), tm.l.Verifications(), tm.l.Reminders()} {
		if mt := obj(data, m+"/"); mt != nil {
			if str(mt, "type") != "kv" || str(obj(mt, "options"), "version") != "2" {
				return fmt.Errorf("%s/ is mounted as %s, not kv v2", m, str(mt, "type"))
			}
			continue
		}
		tm.gaps = append(tm.gaps, fmt.Sprintf("setup.Run did not mount %s/ (KV v2); the suite mounted it with root", m))
		if _, err := tm.raw.call(tm.rootTok, "POST", "sys/mounts/"+m, map[string]interface{}{
			"type": "kv", "options": map[string]string{"version": "2"},
		}); err != nil {
			return err
		}
	}
	if _, err := tm.raw.call(tm.rootTok, "GET", "sys/policies/acl/"+tm.l.SelfPolicy(), nil); err != nil {
		tm.gaps = append(tm.gaps, fmt.Sprintf("setup.Run did not write policy %s: %v", tm.l.SelfPolicy(), err))
	}
	return nil
}

func (tm *team) loadMounts() error {
	for _, p := range []struct{ path, prefix string }{{"sys/mounts", ""}, {"sys/auth", "auth/"}} {
		m, err := tm.raw.call(tm.rootTok, "GET", p.path, nil)
		if err != nil {
			return err
		}
		for k, v := range obj(m, "data") {
			if _, ok := v.(map[string]interface{}); ok && strings.HasSuffix(k, "/") {
				tm.mounts = append(tm.mounts, p.prefix+k)
			}
			if k == "userpass/" && p.prefix == "auth/" {
				tm.accessor = str(v.(map[string]interface{}), "accessor")
			}
		}
	}
	// sys/ is routed like a mount, whether or not it is listed.
	tm.mounts = append(tm.mounts, "sys/")
	sort.Slice(tm.mounts, func(i, j int) bool { return len(tm.mounts[i]) > len(tm.mounts[j]) })
	if tm.accessor == "" {
		return fmt.Errorf("no userpass mount after setup.Run")
	}
	return nil
}

// mountOf is the mount a raw path is routed to (longest prefix).
func (tm *team) mountOf(path string) string {
	for _, m := range tm.mounts {
		if strings.HasPrefix(path, m) || path+"/" == m {
			return m
		}
	}
	return ""
}

// addPeople onboards the people with access.EnsurePerson (the no-role
// person by hand: a login and an entity in no group) and logs each in.
func (tm *team) addPeople(ctx context.Context) error {
	people := []struct {
		role string
		p    access.Person
	}{
		{roleManager, access.Person{Name: "mgr", Role: "manager"}},
		{roleFinance, access.Person{Name: "fin", Role: "finance"}},
		{roleStaff, access.Person{Name: "ops", Role: "staff", Stores: []string{storeUS}}},
		// Offboarded later: finance with a store, the widest grants a
		// leaver can have had.
		{roleOffboarded, access.Person{Name: "gone", Role: "finance", Stores: []string{storeUS}}},
	}
	for _, pp := range people {
		m := &member{role: pp.role, name: pp.p.Name, password: randomHex(16)}
		id, err := access.EnsurePerson(ctx, tm.root, tm.l, pp.p, m.password, time.Now())
		if err != nil {
			return fmt.Errorf("person %s: %w", pp.p.Name, err)
		}
		m.entityID = id
		tm.members[pp.role] = m
	}
	nobody := &member{role: roleNoRole, name: "nobody", password: randomHex(16)}
	id, err := tm.root.Identity().EnsureEntity(ctx, nobody.name, map[string]string{"sellervault_role": "none"})
	if err != nil {
		return err
	}
	nobody.entityID = id
	if err := tm.root.Userpass().PutUser(ctx, vault.UserpassMount, nobody.name, nobody.password, access.PersonTokenPolicies(tm.l)); err != nil {
		return err
	}
	if err := tm.root.Identity().EnsureEntityAlias(ctx, id, nobody.name, tm.accessor); err != nil {
		return err
	}
	tm.members[roleNoRole] = nobody
	for _, m := range tm.members {
		tok, err := tm.root.Userpass().Login(ctx, vault.UserpassMount, m.name, m.password)
		if err != nil {
			return fmt.Errorf("login %s: %w", m.name, err)
		}
		m.token = tok
	}
	tok, err := tm.root.AppRoles().Login(ctx, vault.AppRoleMount, tm.l.ReminderRole())
	if err != nil {
		return fmt.Errorf("reminder login: %w", err)
	}
	tm.members[roleReminder] = &member{role: roleReminder, token: tok}
	for _, m := range tm.members {
		look, err := tm.raw.call(tm.rootTok, "POST", "auth/token/lookup", map[string]string{"token": m.token})
		if err != nil {
			return err
		}
		d := obj(look, "data")
		m.policies = append(strList(d, "policies"), strList(d, "identity_policies")...)
		sort.Strings(m.policies)
		if m.entityID == "" {
			m.entityID = str(d, "entity_id")
		}
	}
	return nil
}

// offboard ends a member's access the way internal/offboard does:
// disable the entity, remove it from its groups, revoke every token of
// its login, delete the login, revoke the wrapping tokens made from team
// paths. The member's token, issued before, is kept for the attacks.
func (tm *team) offboard(ctx context.Context, m *member) error {
	if err := tm.root.Identity().DisableEntity(ctx, m.name); err != nil {
		return err
	}
	groups := []string{tm.l.RoleGroup("manager"), tm.l.RoleGroup("finance"), tm.l.RoleGroup("staff")}
	for _, s := range stores {
		groups = append(groups, tm.l.StoreGroup(s))
	}
	for _, g := range groups {
		if _, err := tm.root.Identity().RemoveGroupMember(ctx, g, m.entityID); err != nil {
			return err
		}
	}
	if err := tm.root.Userpass().RevokeLogins(ctx, vault.UserpassMount, m.name); err != nil {
		return err
	}
	if err := tm.root.Userpass().DeleteUser(ctx, vault.UserpassMount, m.name); err != nil {
		return err
	}
	return tm.revokeTeamWraps(ctx)
}
