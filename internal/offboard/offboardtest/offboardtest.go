// Package offboardtest gives the tests of offboarding (packages offboard
// and doctor) an offboarding to do on a team of the shared in-process
// Vault (vaulttest.TeamWithStore), a root client through a proxy that
// fails a chosen write, and a check of its end state.
package offboardtest

import (
	"context"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/faultproxy"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// FaultyVault starts a proxy in front of the shared dev Vault that fails
// its failAt-th write (0: none) with a 500, and counts requests: the only
// way to make a real core fail at a chosen step. Client is a root client
// through it.
func FaultyVault(t testing.TB, failAt int64) (*faultproxy.Proxy, *vault.Client) {
	t.Helper()
	p := vaulttest.FaultyVault(t, failAt)
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	c, err := vault.New(vault.Options{Address: p.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

// Fixture: in acme-us, two credentials (one owned by and assigned to the
// leaver), a mailbox and a phone held by the leaver, a successor (a
// manager), and the leaver (ops, of acme-us).
func Fixture(t testing.TB, r *repo.Repo, leaver, successor string) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []records.Credential{
		{Store: "acme-us", Name: "seller-central", Login: "a", Password: "p", Owner: leaver, Assignees: []string{leaver}},
		{Store: "acme-us", Name: "ads", Login: "b", Password: "p"},
	} {
		if err := r.Creds().Add(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Contacts().AddMailbox(ctx, records.Mailbox{Address: leaver + "@acme.example", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Contacts().AddPhone(ctx, records.Phone{Number: "+14155550100"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Members().Onboard(ctx, staff.Member{Name: successor, Role: staff.RoleManager}, time.Hour, time.Now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Members().Onboard(ctx, staff.Member{Name: leaver, Role: staff.RoleOps, Stores: []string{"acme-us"},
		Email: leaver + "@acme.example", Phone: "+14155550100"}, time.Hour, time.Now); err != nil {
		t.Fatal(err)
	}
}

// CheckOffboarded asserts the end state of a complete offboarding of
// Fixture's leaver.
func CheckOffboarded(t testing.TB, c *vault.Client, r *repo.Repo, l vault.Layout, leaver, successor string) {
	t.Helper()
	ctx := context.Background()
	if disabled, err := c.Identity().EntityDisabled(ctx, leaver); err != nil || !disabled {
		t.Errorf("entity disabled=%v err=%v", disabled, err)
	}
	id, _ := c.Identity().EntityID(ctx, leaver)
	for _, g := range []string{l.RoleGroup("staff"), l.StoreGroup("acme-us")} {
		grp, err := c.Identity().GroupByName(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range grp.MemberEntityIDs {
			if m == id {
				t.Errorf("still in group %s", g)
			}
		}
	}
	if _, err := c.Userpass().Login(ctx, vault.UserpassMount, leaver, "anything"); err == nil {
		t.Error("the login still works")
	}
	m, _, _ := r.Contacts().GetMailbox(ctx, leaver+"@acme.example")
	p, _, _ := r.Contacts().GetPhone(ctx, "+14155550100")
	if m.Assignee != successor || p.Assignee != successor {
		t.Errorf("mailbox held by %q, phone by %q", m.Assignee, p.Assignee)
	}
	if m.Rotation.DueSince.IsZero() || p.Rotation.DueSince.IsZero() {
		t.Errorf("the leaver's mailbox and phone are not due for rotation: %+v, %+v", m.Rotation, p.Rotation)
	}
	for _, name := range []string{"seller-central", "ads"} {
		cred, _, err := r.Creds().Get(ctx, "acme-us", name)
		if err != nil {
			t.Fatal(err)
		}
		if cred.Rotation.DueSince.IsZero() || cred.Owner == leaver {
			t.Errorf("%s: due=%v owner=%q assignees=%v", name, cred.Rotation.DueSince, cred.Owner, cred.Assignees)
		}
		for _, a := range cred.Assignees {
			if a == leaver {
				t.Errorf("%s still assigned to the leaver", name)
			}
		}
	}
	member, _, err := r.Members().Get(ctx, leaver)
	if err != nil || member.Status != staff.StatusOffboarded {
		t.Errorf("staff record: %+v, %v", member, err)
	}
}
