package backuprun_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/demo"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/rotation"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// backupDemoTeam loads the demo team into a fresh mount of the shared Vault,
// plus what the demo lacks: a rotation under way (a pending password), a
// deleted credential, a staff record, a reminder note, a redaction index
// entry and a record outside sellervault's folders.
func backupDemoTeam(t *testing.T) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	ctx := context.Background()
	r, c, l := vaulttest.Team(t, "bk")
	if err := demo.Load(ctx, c, l, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := r.Rotation().Start(ctx, "acme-us", "advertising", backupCanary, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := r.Creds().Delete(ctx, "acme-de", "shipping"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Members().Onboard(ctx, staff.Member{Name: "nina", Role: staff.RoleOps, Stores: []string{"acme-us"}}, time.Hour, time.Now); err != nil {
		t.Fatal(err)
	}
	if err := r.Rotation().SetReminderNote(ctx, "ops-slack", "maria", rotation.Note{SentAt: time.Now(), Digest: "abc"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"_meta/redact/00/abcdef", "exports/by-hand"} {
		if _, err := c.KV().Put(ctx, l.KV(), p, map[string]interface{}{"x": "y"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	// Outside the requests of the proposals mount: not backed up.
	if _, err := c.KV().Put(ctx, l.Proposals(), "other/by-hand", map[string]interface{}{"x": "y"}, 0); err != nil {
		t.Fatal(err)
	}
	// What `sellervault init` leaves at a schema 1 place when it moves a
	// record: a soft-deleted copy.
	if _, err := c.KV().Put(ctx, l.KV(), "proposals/payout/acme-de/20240101-000000-0a0b0c", map[string]interface{}{"x": "y"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := c.KV().Delete(ctx, l.KV(), "proposals/payout/acme-de/20240101-000000-0a0b0c"); err != nil {
		t.Fatal(err)
	}
	backupVerifications(t, c, l)
	return r, c, l
}

// backupMigratedTime is the original time of acme-de's verification,
// which `sellervault init` kept when it moved the record; backupVerifyDue
// is when acme-de's payout was flagged for verification since (by an
// offboarding or an incident): after it, before the restore.
const (
	backupMigratedTime = "2024-03-01T10:00:00.123456Z"
	backupVerifyDue    = "2025-01-01T00:00:00Z"
)

// backupVerifications writes a payout verification of each demo store
// (as root: what is written does not matter here, when does):
//   - acme-de: one version moved by `sellervault init`: its time is the
//     original one, backupMigratedTime; and acme-de's payout record is
//     flagged for verification after it, so it is due again;
//   - acme-us: two versions, and a mirror of a moved record that names
//     version 1, so stale: its time is Vault's time of version 2.
func backupVerifications(t *testing.T, c *vault.Client, l vault.Layout) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.KV().Put(ctx, l.Verifications(), records.VerificationPath("acme-de"), map[string]interface{}{"field": "bic", "verified_by": "farid"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := c.KV().SetCustomMetadata(ctx, l.Verifications(), records.VerificationPath("acme-de"), map[string]string{
		setup.MigratedFrom: l.KV() + "/verifications/payout/acme-de", setup.MigratedVersion: "1", setup.MigratedTime: backupMigratedTime,
	}); err != nil {
		t.Fatal(err)
	}
	payout, err := c.KV().Metadata(ctx, l.KV(), "stores/acme-de/payout")
	if err != nil {
		t.Fatal(err)
	}
	flagged := backupCopyMeta(payout.CustomMetadata)
	flagged["verify_due"] = backupVerifyDue
	if err := c.KV().SetCustomMetadata(ctx, l.KV(), "stores/acme-de/payout", flagged); err != nil {
		t.Fatal(err)
	}
	for i, at := range []string{"2025-01-02T03:04:05Z", "2025-02-03T04:05:06Z"} {
		data := map[string]interface{}{"field": "iban", "verified_by": "farid", "signed_at": at, "signature": "vault:v1:abc"}
		if _, err := c.KV().Put(ctx, l.Verifications(), records.VerificationPath("acme-us"), data, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.KV().SetCustomMetadata(ctx, l.Verifications(), records.VerificationPath("acme-us"), map[string]string{
		setup.MigratedFrom: l.KV() + "/verifications/payout/acme-us", setup.MigratedVersion: "1", setup.MigratedTime: "2024-01-01T00:00:00Z",
	}); err != nil {
		t.Fatal(err)
	}
}

// backupVersionTime is Vault's time of the current version of a record.
func backupVersionTime(t *testing.T, c *vault.Client, mount, path string) string {
	t.Helper()
	m, err := c.KV().Metadata(context.Background(), mount, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range m.Versions {
		if v.Version == m.CurrentVersion {
			return v.CreatedTime
		}
	}
	t.Fatalf("%s/%s has no current version", mount, path)
	return ""
}

// backupSecondVault starts another in-process Vault, initialised for l.
func backupSecondVault(t *testing.T, l vault.Layout) (*vault.Client, *repo.Repo) {
	t.Helper()
	ctx := context.Background()
	srv, err := devvault.Start(ctx, devvault.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l}); err != nil {
		t.Fatal(err)
	}
	return c, repo.New(c, l)
}

// backupKVState is every live record of a team's records, proposals and
// verifications mounts: data and custom metadata by document path (see
// package backup; a path no document has is named MOUNT/PATH), and the
// other paths (deleted, metadata only) on their own.
type backupKVState struct {
	data  map[string]map[string]interface{}
	meta  map[string]map[string]string
	other []string
}

// backupMountName is the name of one of a team's mounts.
func backupMountName(l vault.Layout, m backup.Mount) string {
	switch m {
	case backup.ProposalsMount:
		return l.Proposals()
	case backup.VerificationsMount:
		return l.Verifications()
	}
	return l.KV()
}

// backupRekeyed is a KV state with its mailboxes, phones and recovery
// factors named by their IDs in the team l of the Vault c.
func backupRekeyed(t *testing.T, c *vault.Client, l vault.Layout, s backupKVState) backupKVState {
	t.Helper()
	id := func(kind string, value interface{}) string {
		v, _ := value.(string)
		ids, err := setup.ContactIDs(context.Background(), c, l, kind, v)
		if err != nil {
			t.Fatal(err)
		}
		return ids[0]
	}
	out := backupKVState{data: map[string]map[string]interface{}{}, meta: map[string]map[string]string{}}
	for p, d := range s.data {
		d, m := backupCopyData(d), backupCopyMeta(s.meta[p])
		setRef := func(key, kind string, value interface{}) {
			delete(d, key)
			delete(m, key)
			if ref := id(kind, value); ref != "" {
				d[key], m[key] = ref, ref
			}
		}
		switch backup.Kind(p) {
		case "mailbox":
			p = records.MailboxPath(id(records.KindMailbox, d["address"]))
			setRef("recovery_phone_ref", records.KindPhone, d["recovery_phone"])
		case "phone":
			p = records.PhonePath(id(records.KindPhone, d["number"]))
		case "credential":
			setRef("recovery_email_ref", records.KindMailbox, d["recovery_email"])
			setRef("recovery_phone_ref", records.KindPhone, d["recovery_phone"])
		}
		out.data[p], out.meta[p] = d, m
	}
	return out
}

func backupReadState(t *testing.T, c *vault.Client, l vault.Layout) backupKVState {
	t.Helper()
	ctx := context.Background()
	s := backupKVState{data: map[string]map[string]interface{}{}, meta: map[string]map[string]string{}}
	for _, bm := range backup.Mounts {
		mount := backupMountName(l, bm)
		paths, err := c.KV().ListAll(ctx, mount)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			key, ok := backup.DocPath(bm, p)
			if !ok || (bm == backup.RecordsMount && backup.Classify(p) == backup.SkipMoved) {
				key = mount + "/" + p
			}
			m, err := c.KV().Metadata(ctx, mount, p)
			if err != nil {
				t.Fatal(err)
			}
			if m.CurrentVersion == 0 || m.Deleted() {
				s.other = append(s.other, key)
				continue
			}
			rec, err := c.KV().GetVersion(ctx, mount, p, m.CurrentVersion)
			if err != nil {
				t.Fatal(err)
			}
			s.data[key], s.meta[key] = rec.Data, m.CustomMetadata
		}
	}
	return s
}

func backupIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func backupCopyMeta(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func backupCopyData(m map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// keys lists a record's data keys, for failure messages without values.
func backupKeys(m map[string]interface{}) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
