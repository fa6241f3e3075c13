package setup_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/faultproxy"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/reindex"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// A schema-2 team: mailboxes and phones under their values, metadata that
// mirrors values, the shared redaction index with lengths and shapes.
const (
	s2Mailbox   = "ops-us@acme.example"
	s2Gone      = "old-ops@acme.example" // deleted before the upgrade
	s2Phone     = "+14155550100"
	s2Password  = "Sommer2024!x"
	s2MailboxPW = "CANARY-mailbox-pw-1"
)

// s2Versions are the mailbox's versions, in order; the first is deleted
// before the upgrade.
var s2Versions = []map[string]interface{}{
	{"kind": "mailbox", "address": s2Mailbox, "password": "CANARY-mailbox-pw-0", "assignee": "olga", "owned_by": "company"},
	{"kind": "mailbox", "address": s2Mailbox, "password": s2MailboxPW, "assignee": "olga", "owned_by": "company", "recovery_phone": s2Phone},
}

// seedSchema2 makes l a team as the schema-2 release left it.
func seedSchema2(t *testing.T, c *vault.Client, l vault.Layout) {
	t.Helper()
	ctx := context.Background()
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	r := repo.New(c, l)
	if err := r.Stores().Add(ctx, records.Store{Name: "acme-us", Marketplace: "amazon", Region: "us"}); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	put := func(path string, data map[string]interface{}, cas int, custom map[string]string) {
		t.Helper()
		_, err := c.KV().Put(ctx, l.KV(), path, data, cas)
		must(err)
		if custom != nil {
			must(c.KV().SetCustomMetadata(ctx, l.KV(), path, custom))
		}
	}
	box := "contacts/email/" + s2Mailbox
	put(box, s2Versions[0], 0, nil)
	put(box, s2Versions[1], 1, map[string]string{"kind": "mailbox", "address": s2Mailbox, "assignee": "olga", "owned_by": "company", "recovery_phone": s2Phone})
	must(c.KV().DeleteVersions(ctx, l.KV(), box, 1))
	gone := "contacts/email/" + s2Gone
	put(gone, map[string]interface{}{"kind": "mailbox", "address": s2Gone, "password": "CANARY-gone-pw"}, 0, map[string]string{"kind": "mailbox", "address": s2Gone})
	must(c.KV().Delete(ctx, l.KV(), gone))
	put("contacts/phone/14155550100", map[string]interface{}{"kind": "phone", "number": s2Phone, "pin": "1234", "assignee": "olga", "owned_by": "company"},
		0, map[string]string{"kind": "phone", "number": s2Phone, "assignee": "olga"})
	cred := records.CredPath("acme-us", "seller-central")
	put(cred, map[string]interface{}{"kind": "credential", "store": "acme-us", "name": "seller-central", "login": s2Mailbox, "password": s2Password,
		"recovery_email": s2Mailbox, "recovery_phone": s2Phone, "owner": "maria"}, 0,
		map[string]string{"kind": "credential", "store": "acme-us", "name": "seller-central", "owner": "maria", "recovery_email": s2Mailbox, "recovery_phone": s2Phone})
	// A credential deleted before the upgrade, and a staff record: their
	// metadata mirrored the values too.
	old := records.CredPath("acme-us", "old-login")
	put(old, map[string]interface{}{"kind": "credential", "password": "x"}, 0,
		map[string]string{"kind": "credential", "recovery_email": "private.jane@example.org", "recovery_phone": "+447700900123"})
	must(c.KV().Delete(ctx, l.KV(), old))
	put("staff/olga", map[string]interface{}{"kind": "staff", "email": s2Mailbox, "phone": s2Phone}, 0,
		map[string]string{"kind": "staff", "role": "ops", "email": s2Mailbox, "phone": s2Phone})
	// The shared index of schema 2: REF KIND LENGTH SHAPE HMAC.
	put(setup.RedactDir+"/00", map[string]interface{}{"entries": "0123456789abcdef password 12 15 vault:v1:x"}, 0, nil)
	put(setup.RedactDir+"/3f", map[string]interface{}{"entries": "fedcba9876543210 phone 12 4 vault:v1:y"}, 0, nil)
	must(c.Transit().CreateKey(ctx, l.Transit(), l.LegacyRedactKey()))
	marker, err := c.KV().Get(ctx, l.KV(), vault.InitMarkerPath)
	must(err)
	marker.Data["schema"] = 2
	_, err = c.KV().Put(ctx, l.KV(), vault.InitMarkerPath, marker.Data, marker.Version)
	must(err)
}

// reindexWith is the Reindex of init, on a client.
func reindexWith(c *vault.Client, l vault.Layout) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := reindex.Run(ctx, connect.ReindexDeps(repo.New(c, l)))
		return err
	}
}

// checkSchema3 asserts that nothing was lost and no value is left in a
// path or in metadata, and that redaction works for a member afterwards.
func checkSchema3(t *testing.T, c *vault.Client, l vault.Layout) {
	t.Helper()
	ctx := context.Background()
	ids := func(kind string, v string) string {
		got, err := setup.ContactIDs(ctx, c, l, kind, v)
		if err != nil {
			t.Fatal(err)
		}
		return got[0]
	}
	box, gone, phone := ids(records.KindMailbox, s2Mailbox), ids(records.KindMailbox, s2Gone), ids(records.KindPhone, s2Phone)
	// The old paths are gone, with their history and metadata.
	for _, old := range []string{"contacts/email/" + s2Mailbox, "contacts/email/" + s2Gone, "contacts/phone/14155550100",
		setup.RedactDir + "/00", setup.RedactDir + "/3f"} {
		if _, err := c.KV().Metadata(ctx, l.KV(), old); !errors.Is(err, vault.ErrNotFound) {
			t.Errorf("%s is still there (%v)", old, err)
		}
	}
	for _, dir := range []string{records.MailboxDir, records.PhoneDir} {
		keys, err := c.KV().List(ctx, l.KV(), dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if !records.IsContactID(k) {
				t.Errorf("%s/%s is not an ID", dir, k)
			}
		}
	}
	if ok, err := c.Transit().KeyExists(ctx, l.Transit(), l.LegacyRedactKey()); ok || err != nil {
		t.Errorf("the shared redaction key of schema 2 is still there (%v)", err)
	}
	// Every version of the mailbox, the deleted one deleted again.
	meta, err := c.KV().Metadata(ctx, l.KV(), records.MailboxPath(box))
	if err != nil {
		t.Fatal(err)
	}
	if meta.CurrentVersion != 2 || meta.Versions[0].DeletionTime == "" || meta.Versions[1].DeletionTime != "" {
		t.Fatalf("mailbox versions: %+v", meta.Versions)
	}
	latest, err := c.KV().GetVersion(ctx, l.KV(), records.MailboxPath(box), 2)
	if err != nil || !reflect.DeepEqual(latest.Data, s2Versions[1]) {
		t.Errorf("mailbox version 2: %v, %v", latest, err)
	}
	if err := c.KV().Undelete(ctx, l.KV(), records.MailboxPath(box), 1); err != nil {
		t.Fatal(err)
	}
	first, err := c.KV().GetVersion(ctx, l.KV(), records.MailboxPath(box), 1)
	if err != nil || !reflect.DeepEqual(first.Data, s2Versions[0]) {
		t.Errorf("mailbox version 1: %v, %v", first, err)
	}
	if err := c.KV().DeleteVersions(ctx, l.KV(), records.MailboxPath(box), 1); err != nil {
		t.Fatal(err)
	}
	if m, err := c.KV().Metadata(ctx, l.KV(), records.MailboxPath(gone)); err != nil || !m.Deleted() {
		t.Errorf("the deleted mailbox: %+v, %v (want kept, deleted)", m, err)
	}
	// Metadata holds masks and IDs only.
	for _, p := range []string{records.MailboxPath(box), records.MailboxPath(gone), records.PhonePath(phone), records.CredPath("acme-us", "seller-central"),
		records.CredPath("acme-us", "old-login"), "staff/olga"} {
		m, err := c.KV().Metadata(ctx, l.KV(), p)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range m.CustomMetadata {
			for _, value := range []string{"ops-us@", "old-ops@", "4155550100", "acme.example", "jane", "7700900123"} {
				if strings.Contains(v, value) {
					t.Errorf("%s: metadata %s=%q holds a value", p, k, v)
				}
			}
		}
	}
	cm, _ := c.KV().Metadata(ctx, l.KV(), records.CredPath("acme-us", "seller-central"))
	if got := cm.CustomMetadata; got["recovery_email_ref"] != box || got["recovery_phone_ref"] != phone || got["recovery_email"] != "op***s@a***.example" || got["owner"] != "maria" {
		t.Errorf("credential listing: %v", got)
	}
	if sm, _ := c.KV().Metadata(ctx, l.KV(), "staff/olga"); sm.CustomMetadata["email"] != "op***s@a***.example" || sm.CustomMetadata["role"] != "ops" {
		t.Errorf("staff listing: %v", sm.CustomMetadata)
	}
	if sd, _ := c.KV().Get(ctx, l.KV(), "staff/olga"); sd == nil || sd.Data["email"] != s2Mailbox {
		t.Errorf("the staff record lost its mailbox: %v", sd)
	}
	bm, _ := c.KV().Metadata(ctx, l.KV(), records.MailboxPath(box))
	if got := bm.CustomMetadata; got["recovery_phone_ref"] != phone || got["assignee"] != "olga" || got[setup.MigratedVersion] != "2" {
		t.Errorf("mailbox listing: %v", got)
	}
	// A manager finds the mailbox by its address.
	r := repo.New(c, l)
	m, _, err := r.Contacts().GetMailbox(ctx, s2Mailbox)
	if err != nil || m.Password != s2MailboxPW {
		t.Errorf("the mailbox by its address: %+v, %v", m, err)
	}
	// Redaction works for a member of acme-us: its password through the
	// store's index, the address by the team's domain.
	name := "mig-ops-" + l.Prefix
	if _, err := access.EnsurePerson(ctx, c, l, access.Person{Name: name, Role: "staff", Stores: []string{"acme-us"}}, "a-long-test-password", time.Now()); err != nil {
		t.Fatal(err)
	}
	token, err := c.Userpass().Login(ctx, vault.UserpassMount, name, "a-long-test-password")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	o, err := repo.New(sc, l).Index().RedactOptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := redact.Scan(ctx, strings.NewReader("pw "+s2Password+" at "+s2Mailbox+" and "+s2MailboxPW+"\n"), o)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, f := range findings {
		kinds = append(kinds, f.Kind)
	}
	if strings.Join(kinds, ",") != "password,email" {
		t.Errorf("a member's redaction after the migration found %v, want password,email (not the mailbox's password)", kinds)
	}
	again, err := setup.Run(ctx, c, setup.Options{Layout: l, Version: "test", Reindex: reindexWith(c, l)})
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed() {
		t.Errorf("a run after the migration still changes: %+v", again.Changes)
	}
}

func TestMigrateSchema2(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	l := layout(t, "mig3-")
	seedSchema2(t, c, l)
	dry, err := setup.Run(ctx, c, setup.Options{Layout: l, DryRun: true, Reindex: reindexWith(c, l)})
	if err != nil {
		t.Fatal(err)
	}
	var planned []string
	for _, ch := range dry.Changes {
		if ch.Action != setup.Unchanged {
			planned = append(planned, ch.Item)
		}
	}
	for _, want := range []string{"move mailboxes", "move phones", "credentials' listings", "redaction indexes"} {
		if !strings.Contains(strings.Join(planned, "\n"), want) {
			t.Errorf("the dry run does not plan %q: %q", want, planned)
		}
	}
	if _, err := c.KV().Metadata(ctx, l.KV(), "contacts/email/"+s2Mailbox); err != nil {
		t.Fatalf("the dry run moved the mailbox: %v", err)
	}
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l, Version: "test", Reindex: reindexWith(c, l)}); err != nil {
		t.Fatal(err)
	}
	checkSchema3(t, c, l)
}

// TestMigrateSchema2Resumes fails each write of the upgrade from schema 2
// in turn (Transit HMACs included), before it reaches Vault and after
// (its answer lost), then runs init again: the result is always the
// complete migration.
func TestMigrateSchema2Resumes(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	srv, _ := devvault.Shared()
	upgrade := func(n int, mode faultproxy.Mode) (failed bool, writes int) {
		l := layout(t, "res3-")
		seedSchema2(t, c, l)
		proxy, err := faultproxy.Start(srv.URL, srv.CACertFile, n, mode)
		if err != nil {
			t.Error(err)
			return false, 0
		}
		faulty, err := vault.New(vault.Options{Address: proxy.URL, Token: srv.RootToken})
		if err != nil {
			t.Error(err)
			return false, 0
		}
		_, runErr := setup.Run(ctx, faulty, setup.Options{Layout: l, Version: "test", Reindex: reindexWith(faulty, l)})
		proxy.Close()
		if !proxy.Failed() && runErr != nil {
			t.Errorf("%s: a run with no fault failed: %v", mode, runErr)
		}
		if proxy.Failed() {
			if _, err := setup.Run(ctx, c, setup.Options{Layout: l, Version: "test", Reindex: reindexWith(c, l)}); err != nil {
				t.Errorf("%s at write %d, then again: %v (first: %v)", mode, n, err, runErr)
				return true, proxy.Writes()
			}
		}
		checkSchema3(t, c, l)
		if t.Failed() {
			t.Errorf("%s at write %d (first run: %v)", mode, n, runErr)
		}
		return proxy.Failed(), proxy.Writes()
	}
	total, failures := failEachWrite(t, 15, upgrade)
	t.Logf("the upgrade from schema 2 makes %d writes; %d injected failures, each followed by a complete migration", total, failures)
}

// A record at a contact's new place that the migration did not write
// (written around it) stops the move of that contact: nothing is
// destroyed, the error names no value, and the contact stays readable at
// its old place until someone resolves it.
func TestMigrateSchema2Conflict(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	l := layout(t, "conf3-")
	seedSchema2(t, c, l)
	ids, err := setup.ContactIDs(ctx, c, l, records.KindPhone, s2Phone)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.KV().Put(ctx, l.KV(), records.PhonePath(ids[0]), map[string]interface{}{"kind": "phone", "number": s2Phone, "pin": "9999"}, 0); err != nil {
		t.Fatal(err)
	}
	_, err = setup.Run(ctx, c, setup.Options{Layout: l, Version: "test", Reindex: reindexWith(c, l)})
	if err == nil || !strings.Contains(err.Error(), "already holds a record that was not migrated") {
		t.Fatalf("init over a conflicting record: %v", err)
	}
	if strings.Contains(err.Error(), "4155550100") {
		t.Errorf("the error names the number: %v", err)
	}
	if old, err := c.KV().Metadata(ctx, l.KV(), "contacts/phone/14155550100"); err != nil || old.Deleted() {
		t.Errorf("the old phone record was touched: %+v, %v", old, err)
	}
	// Sellervault refuses contact work until the migration is done.
	if _, _, err := repo.New(c, l).Contacts().GetPhone(ctx, s2Phone); !errors.Is(err, repo.ErrOldLayout) {
		t.Errorf("a phone lookup on an unfinished migration: %v", err)
	}
}
