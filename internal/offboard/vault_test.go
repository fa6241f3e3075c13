package offboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/offboard/offboardtest"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// The record store's facets are what an offboarding works through.
var (
	_ offboard.Members    = repo.Members{}
	_ offboard.Identities = repo.Identities{}
	_ offboard.Tokens     = repo.Identities{}
	_ offboard.Contacts   = repo.Contacts{}
	_ offboard.Creds      = repo.Creds{}
	_ offboard.Stores     = repo.Stores{}
	_ offboard.Payouts    = repo.Payouts{}
	_ offboard.Mirrors    = repo.Mirrors{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// checkCompleteReport asserts that a report lists everything the
// offboarding of offboardFixture did, whichever run did it.
func checkCompleteReport(t *testing.T, rep *offboard.Report, runs int) {
	t.Helper()
	want := map[string][]string{
		"disable the identity":                        {"entity " + rep.Member},
		"hand over mailbox and phone":                 {"mailbox", "phone"},
		"hand over and mark credentials for rotation": {"credential acme-us/seller-central", "credential acme-us/ads"},
		"record the offboarding":                      {"staff record " + rep.Member},
	}
	for _, st := range rep.Steps {
		for _, w := range want[st.Step] {
			if !slices.ContainsFunc(st.Items, func(it string) bool { return strings.HasPrefix(it, w) }) {
				t.Errorf("the report's %q lists %v, not %q", st.Step, st.Items, w)
			}
		}
		delete(want, st.Step)
	}
	if len(want) != 0 || rep.Runs != runs {
		t.Errorf("steps missing from the report: %v; runs %d, want %d", want, rep.Runs, runs)
	}
}

// TestOffboardResumesAfterFaultAtEveryStep fails the offboarding at each
// of its writes in turn, then runs it again without faults: every time it
// ends complete and consistent, and a further run changes nothing.
func TestOffboardResumesAfterFaultAtEveryStep(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	for k := int64(1); ; k++ {
		r, c, l := vaulttest.TeamWithStore(t, "offboard")
		leaver, successor := fmt.Sprintf("leaver-%s", l.Prefix), fmt.Sprintf("boss-%s", l.Prefix)
		offboardtest.Fixture(t, r, leaver, successor)

		faults, fc := offboardtest.FaultyVault(t, k)
		_, err := offboard.Run(ctx, connect.OffboardDeps(repo.New(fc, l)), leaver, successor, false, time.Now)
		if !faults.Failed() {
			if err != nil {
				t.Fatalf("no fault injected, yet: %v", err)
			}
			if k < 5 {
				t.Fatalf("the offboarding made only %d writes", k-1)
			}
			t.Logf("offboarding makes %d writes; each was failed once and resumed", k-1)
			offboardtest.CheckOffboarded(t, c, r, l, leaver, successor)
			rep, err := offboard.Run(ctx, connect.OffboardDeps(r), leaver, successor, false, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			checkCompleteReport(t, rep, 2)
			return
		}
		if err == nil {
			t.Fatalf("write %d failed, yet the offboarding reported success", k)
		}
		rep, err := offboard.Run(ctx, connect.OffboardDeps(r), leaver, successor, false, time.Now)
		if err != nil || !rep.Completed {
			t.Fatalf("resume after a fault at write %d: %v", k, err)
		}
		offboardtest.CheckOffboarded(t, c, r, l, leaver, successor)
		// The first write records that the first run began: failed, the
		// run began nothing.
		checkCompleteReport(t, rep, map[bool]int{true: 1, false: 2}[k == 1])
		again, err := offboard.Run(ctx, connect.OffboardDeps(r), leaver, successor, false, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range again.Steps {
			if st.Changed {
				t.Errorf("fault at write %d: a third run still changed %q: %v", k, st.Step, st.Items)
			}
		}
	}
}

// TestOffboardRevokesWrappedReads: before leaving, a staff member wraps a
// read of a credential for a year (Vault makes wrapping tokens as
// orphans, so revoking the member's tokens leaves it alive). Offboarding
// revokes it; a manager's pending onboarding token for someone else stays.
func TestOffboardRevokesWrappedReads(t *testing.T) {
	ctx := context.Background()
	r, c, l := vaulttest.TeamWithStore(t, "offboard")
	leaver, successor := "wrap-leaver-"+l.Prefix, "wrap-succ-"+l.Prefix
	offboardtest.Fixture(t, r, leaver, successor)
	// The leaver's own login: a new password set by root, then a token.
	if err := c.Userpass().SetPassword(ctx, vault.UserpassMount, leaver, "leaver-password-long"); err != nil {
		t.Fatal(err)
	}
	token, err := c.Userpass().Login(ctx, vault.UserpassMount, leaver, "leaver-password-long")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := devvault.Shared()
	hc := &http.Client{Transport: vaulttest.CATransport(t, srv.CACertFile)}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/"+l.KV()+"/data/stores/acme-us/creds/seller-central", nil)
	req.Header.Set("X-Vault-Token", token)
	req.Header.Set("X-Vault-Wrap-TTL", "8760h")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var wrapped struct {
		WrapInfo struct {
			Token string `json:"token"`
		} `json:"wrap_info"`
	}
	err = json.NewDecoder(resp.Body).Decode(&wrapped)
	resp.Body.Close()
	if err != nil || wrapped.WrapInfo.Token == "" {
		t.Fatalf("the member could not wrap a read (status %d, %v): the test proves nothing", resp.StatusCode, err)
	}
	pending, err := r.Members().Onboard(ctx, staff.Member{Name: "wrap-newbie-" + l.Prefix, Role: staff.RoleOps}, time.Hour, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := offboard.Run(ctx, connect.OffboardDeps(r), leaver, successor, false, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	revoked := false
	for _, st := range rep.Steps {
		if strings.HasPrefix(st.Step, "revoke wrapped responses") && len(st.Items) > 0 {
			revoked = true
		}
	}
	if !revoked {
		t.Errorf("the report names no wrapped response revoked: %+v", rep.Steps)
	}
	if data, err := c.Tokens().Unwrap(ctx, wrapped.WrapInfo.Token); err == nil {
		t.Fatalf("the leaver's wrapped read still unwraps after the offboarding: %d fields", len(data))
	}
	if _, err := c.Tokens().Unwrap(ctx, pending); err != nil {
		t.Fatalf("a manager's pending onboarding token was revoked too: %v", err)
	}
}

// TestOffboardManagerEndsReminderSecretIDs: a manager issues the reminder
// job's secret IDs and may keep a copy; their offboarding destroys them.
func TestOffboardManagerEndsReminderSecretIDs(t *testing.T) {
	ctx := context.Background()
	r, c, l := vaulttest.TeamWithStore(t, "offboard")
	leaver, successor := "mgr-leaver-"+l.Prefix, "mgr-succ-"+l.Prefix
	for _, name := range []string{successor, leaver} {
		if _, err := r.Members().Onboard(ctx, staff.Member{Name: name, Role: staff.RoleManager}, time.Hour, time.Now); err != nil {
			t.Fatal(err)
		}
	}
	roleID, err := c.AppRoles().RoleID(ctx, vault.AppRoleMount, l.ReminderRole())
	if err != nil {
		t.Fatal(err)
	}
	kept, err := c.AppRoles().NewSecretID(ctx, vault.AppRoleMount, l.ReminderRole(), vault.SecretIDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppRoles().LoginWith(ctx, vault.AppRoleMount, roleID, kept.ID); err != nil {
		t.Fatalf("the secret ID does not log in before the offboarding: %v", err)
	}
	if _, err := offboard.Run(ctx, connect.OffboardDeps(r), leaver, successor, false, time.Now); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppRoles().LoginWith(ctx, vault.AppRoleMount, roleID, kept.ID); err == nil {
		t.Fatal("a reminder secret ID issued before a manager left still logs in")
	}
}

// TestOffboardSeesEditsMadeAroundSellervault: a credential given to the
// leaver with Vault's API (its data changed, its metadata not) is handed
// over too: offboarding brings the metadata up to date before it chooses.
func TestOffboardSeesEditsMadeAroundSellervault(t *testing.T) {
	ctx := context.Background()
	r, c, l := vaulttest.TeamWithStore(t, "offboard")
	leaver, successor := "leaver-"+l.Prefix, "boss-"+l.Prefix
	offboardtest.Fixture(t, r, leaver, successor)
	// a store the leaver could not read: only its metadata says who holds it
	if err := r.Stores().Add(ctx, records.Store{Name: "acme-de", Marketplace: "amazon", Region: "de"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-de", Name: "ads", Login: "de", Password: "p", Owner: "someone"}); err != nil {
		t.Fatal(err)
	}
	path := records.CredPath("acme-de", "ads")
	rec, err := c.KV().Get(ctx, l.KV(), path)
	if err != nil {
		t.Fatal(err)
	}
	rec.Data["owner"] = leaver
	if _, err := c.KV().Put(ctx, l.KV(), path, rec.Data, rec.Version); err != nil {
		t.Fatal(err)
	}
	rep, err := offboard.Run(ctx, connect.OffboardDeps(r), leaver, successor, false, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	cred, _, err := r.Creds().Get(ctx, "acme-de", "ads")
	if err != nil || cred.Owner != successor {
		t.Fatalf("ads is owned by %q after the offboarding (%v), want %s", cred.Owner, err, successor)
	}
	for _, st := range rep.Steps {
		if strings.HasPrefix(st.Step, "bring credentials' metadata") && !slices.Contains(st.Items, "acme-de/ads: owner") {
			t.Errorf("the report's %q lists %v", st.Step, st.Items)
		}
	}
}
