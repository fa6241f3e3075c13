package repo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
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
)

const backupCanary = "CANARY-backup-pending-pw"

// backupDemoTeam loads the demo team into a fresh mount of the shared Vault,
// plus what the demo lacks: a rotation under way (a pending password), a
// deleted credential, a staff record, a reminder note, a redaction index
// entry and a record outside sellervault's folders.
func backupDemoTeam(t *testing.T) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	ctx := context.Background()
	r, c, l := newTeam(t, "bk")
	if err := demo.Load(ctx, c, l, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := r.StartRotation(ctx, "acme-us", "advertising", backupCanary, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := r.DeleteCredential(ctx, "acme-de", "shipping"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Onboard(ctx, staff.Member{Name: "nina", Role: staff.RoleOps, Stores: []string{"acme-us"}}, time.Hour, time.Now); err != nil {
		t.Fatal(err)
	}
	if err := r.SetReminderNote(ctx, "ops-slack", "maria", rotation.Note{SentAt: time.Now(), Digest: "abc"}); err != nil {
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

// TestBackupRestoreDemoTeam: a backup of the demo team (with a payout
// change request approved and one pending, its decision, and payout
// verifications), sealed with age, restored into a second in-process
// Vault, matches record for record in each of the team's mounts.
//
// The differences a restore makes on purpose (see repo/backup.go):
//   - the TOTP link of acme-us/seller-central is cleared (the seed is not
//     in the backup, and the second Vault has no such key) and metadata
//     totp_reenrol=required takes its place;
//   - every staff record active in the source (the demo team's and
//     nina's) is not-onboarded (they have no login in the second Vault);
//   - each verification's custom metadata names the restored version and
//     the time of the verification (migrated_version=1,
//     migrated_version_time), in place of a mirror that was there.
//
// updated_by is not among them: a restore writes the data as it was, so
// each record still names who last changed it; Vault's own version
// times (created_time) are new, and are not data or custom metadata.
func TestBackupRestoreDemoTeam(t *testing.T) {
	ctx := context.Background()
	r, c, l := backupDemoTeam(t)
	src := backupReadState(t, c, l)
	srcInv, err := r.Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srcRequests, err := r.PayoutRequests(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(srcRequests) != 2 {
		t.Fatalf("the demo team has %d payout change requests, want 2", len(srcRequests))
	}
	var pending, approved *repo.Request
	for _, q := range srcRequests {
		switch q.Status {
		case repo.StatusPending:
			pending = q
		case repo.StatusApproved:
			approved = q
		}
		if !q.Signed {
			t.Fatalf("request %s is not signed in the source", q.ID)
		}
	}
	if pending == nil || approved == nil {
		t.Fatalf("requests %+v", srcRequests)
	}
	verifiedUS := backupVersionTime(t, c, l.Verifications(), records.VerificationPath("acme-us"))

	doc, dump, err := r.Dump(ctx, repo.DumpOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dump.Deleted, []string{"stores/acme-de/creds/shipping"}) || doc.DeletedSkipped != 1 {
		t.Errorf("deleted: %v (%d)", dump.Deleted, doc.DeletedSkipped)
	}
	// The redaction index holds at least the entry written above (and any
	// that record writes add): none is backed up.
	if !reflect.DeepEqual(dump.Unknown, []string{"exports/by-hand", l.Proposals() + "/other/by-hand"}) || dump.IndexEntries < 1 {
		t.Errorf("unknown %v, index entries %d", dump.Unknown, dump.IndexEntries)
	}
	if dump.Notes != 1 || len(dump.MetadataOnly) != 0 || dump.Moved != 1 {
		t.Errorf("reminder notes %d, metadata-only %v, moved leftovers %d", dump.Notes, dump.MetadataOnly, dump.Moved)
	}
	counts := doc.Counts()
	if counts["payout-request"] != 2 || counts["payout-decision"] != 1 || counts["payout-verification"] != 2 || counts["payout"] != 1 || counts["other"] != 0 {
		t.Errorf("counts %v", counts)
	}
	times := map[string]string{}
	for _, rec := range doc.Records {
		if rec.VersionTime != "" {
			times[rec.Path] = rec.VersionTime
		}
		if _, ok := rec.CustomMetadata[setup.MigratedVersion]; ok {
			t.Errorf("%s: the backup holds the mirror %s; it holds the time instead", rec.Path, setup.MigratedVersion)
		}
	}
	wantTimes := map[string]string{"verifications/payout/acme-de": backupMigratedTime, "verifications/payout/acme-us": verifiedUS}
	for _, q := range srcRequests {
		path := records.ProposalPath(q.Store, q.ID)
		wantTimes[backup.RequestsDir+strings.TrimPrefix(path, records.ProposalDir+"/")] = backupVersionTime(t, c, l.Proposals(), path)
	}
	if !reflect.DeepEqual(times, wantTimes) {
		t.Errorf("request and verification times %v, want %v", times, wantTimes)
	}
	if len(doc.TOTPReenrol) != 1 || doc.TOTPReenrol[0].Credential != "acme-us/seller-central" || doc.TOTPReenrol[0].Issuer != "Amazon" {
		t.Errorf("totp re-enrol list: %+v", doc.TOTPReenrol)
	}
	var names []string
	for _, p := range doc.Staff {
		names = append(names, p.Name+":"+p.Role+":"+strings.Join(p.Stores, ","))
	}
	if want := []string{"farid:finance:", "maria:manager:", "nina:ops:acme-us", "olga:ops:acme-us", "tom:ops:acme-de"}; !reflect.DeepEqual(names, want) {
		t.Errorf("staff %v, want %v", names, want)
	}

	id := backupIdentity(t)
	var sealed bytes.Buffer
	if err := backup.Seal(&sealed, doc, id.Recipient()); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed.Bytes(), []byte(backupCanary)) || bytes.Contains(sealed.Bytes(), []byte("acme")) {
		t.Fatal("the sealed backup holds a value in clear")
	}

	c2, r2 := backupSecondVault(t, l)
	before := backupReadState(t, c2, l)
	opened, err := backup.Open(bytes.NewReader(sealed.Bytes()), id)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r2.Restore(ctx, opened, repo.RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rep.TOTPReenrol, []string{"acme-us/seller-central"}) || len(rep.TOTPKept) != 0 {
		t.Errorf("restore re-enrol %v, kept %v", rep.TOTPReenrol, rep.TOTPKept)
	}
	change := "acme-de/" + pending.ID
	if len(rep.Onboard) != 5 || !reflect.DeepEqual(rep.PendingPayout, []string{change}) || !reflect.DeepEqual(rep.StoreAccess, []string{"acme-de", "acme-us"}) {
		t.Errorf("onboard %v, pending %v, store access %v", rep.Onboard, rep.PendingPayout, rep.StoreAccess)
	}
	// The requester's signing key is in the first Vault only.
	if !reflect.DeepEqual(rep.ProposeAgain, []string{change}) {
		t.Errorf("propose again %v, want %v", rep.ProposeAgain, []string{change})
	}
	if !reflect.DeepEqual(rep.Verified, []string{"acme-de", "acme-us"}) {
		t.Errorf("verified %v", rep.Verified)
	}

	dst := backupReadState(t, c2, l)
	// Mailboxes and phones are named, and credentials find them, by IDs
	// keyed with each Vault's own contacts key: the source, as the
	// second Vault names it.
	src = backupRekeyed(t, c2, l, src)
	compared := map[string]int{}
	for p, want := range src.data {
		if p == vault.InitMarkerPath {
			continue
		}
		if k := backup.Kind(p); backup.Classify(p) != backup.Include && k != "payout-request" && k != "payout-verification" {
			if _, ok := dst.data[p]; ok {
				t.Errorf("%s was restored; it should not be", p)
			}
			continue
		}
		got, ok := dst.data[p]
		if !ok {
			t.Errorf("%s is missing after the restore", p)
			continue
		}
		wantMeta := backupCopyMeta(src.meta[p])
		switch p {
		case "stores/acme-us/creds/seller-central":
			want = backupCopyData(want)
			delete(want, "totp")
			delete(want, "totp_period")
			delete(wantMeta, "totp")
			delete(wantMeta, "totp_period")
			wantMeta[repo.TOTPReenrolKey] = "required"
		}
		if backup.Kind(p) == "staff" && want["status"] == "active" {
			// Every active member of the source (the demo team and
			// nina) has no login in the second Vault.
			want = backupCopyData(want)
			want["status"], wantMeta["status"] = repo.StatusNotOnboarded, repo.StatusNotOnboarded
		}
		if _, ok := wantMeta[records.MirrorsKey]; ok {
			wantMeta[records.MirrorsKey] = "1" // the mirror names the version restored
		}
		if k := backup.Kind(p); k == "payout-request" || k == "payout-verification" {
			wantMeta[setup.MigratedVersion], wantMeta[setup.MigratedTime] = "1", times[p]
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: data differs:\n got %v\nwant %v", p, backupKeys(got), backupKeys(want))
		}
		if !reflect.DeepEqual(dst.meta[p], wantMeta) {
			t.Errorf("%s: custom metadata differs:\n got %v\nwant %v", p, dst.meta[p], wantMeta)
		}
		compared[backup.Kind(p)]++
	}
	total := 0
	for _, n := range compared {
		total += n
	}
	for p := range dst.data {
		if _, ok := src.data[p]; !ok {
			t.Errorf("%s is in the restored mounts but not in the source", p)
		}
	}
	if total != len(doc.Records) || total < 18 {
		t.Errorf("compared %d records; the backup holds %d", total, len(doc.Records))
	}
	if compared["payout-request"] != 2 || compared["payout-decision"] != 1 || compared["payout-verification"] != 2 {
		t.Errorf("compared %v", compared)
	}
	if got := dst.data["stores/acme-us/creds/advertising"]["pending_password"]; got != backupCanary {
		t.Error("the pending password did not come back")
	}
	if len(dst.other) != 0 {
		t.Errorf("restore left deleted or metadata-only entries: %v", dst.other)
	}
	if _, ok := before.data[setup.SettingsPath]; !ok {
		t.Error("init wrote no settings in the second Vault")
	}
	// The restored team works: the store groups exist, a credential reads.
	if _, err := c2.Identity().GroupByName(ctx, l.StoreGroup("acme-us")); err != nil {
		t.Errorf("store group: %v", err)
	}
	cred, _, err := r2.GetCredential(ctx, "acme-us", "advertising")
	if err != nil || cred.Pending != backupCanary || cred.Owner != "maria" {
		t.Errorf("restored credential: %v", err)
	}
	if _, _, err := r2.TOTPCode(ctx, "acme-us", "seller-central"); !errors.Is(err, vault.ErrNotFound) || !strings.Contains(err.Error(), "totp add") {
		t.Errorf("totp code after restore: %v", err)
	}
	// Payout: the verification's time is the source's, so the flag
	// raised since still stands (a verification dated by the restore
	// would clear it); the requests and the decision read back, and the
	// pending request, whose signature does not check here, cannot be
	// approved.
	dstInv, err := r2.Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	verifiedDE, _ := time.Parse(time.RFC3339, "2024-03-01T10:00:00Z")
	dueDE, _ := time.Parse(time.RFC3339, backupVerifyDue)
	if len(srcInv.Payouts) != 1 || !srcInv.Payouts[0].VerifiedAt.Equal(verifiedDE) || !srcInv.Payouts[0].VerifyDue.Equal(dueDE) {
		t.Fatalf("source payout facts %+v", srcInv.Payouts)
	}
	if len(dstInv.Payouts) != 1 || !dstInv.Payouts[0].VerifiedAt.Equal(verifiedDE) || !dstInv.Payouts[0].VerifyDue.Equal(dueDE) {
		t.Errorf("payout facts: source %+v, restored %+v", srcInv.Payouts, dstInv.Payouts)
	}
	dstRequests, err := r2.PayoutRequests(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(dstRequests) != 2 {
		t.Fatalf("restored requests: %+v", dstRequests)
	}
	for _, q := range dstRequests {
		want := pending
		if q.ID == approved.ID {
			want = approved
		}
		if q.ID != want.ID || q.Status != want.Status || q.DecidedBy != want.DecidedBy || q.DecidedAt != want.DecidedAt ||
			q.RequestedAt != want.RequestedAt || q.BaseVersion != want.BaseVersion || !reflect.DeepEqual(q.Diff, want.Diff) || q.Signed {
			t.Errorf("restored request %s: %+v\nsource %+v", q.ID, q, want)
		}
	}
	approver, _ := member(t, c2, l, "manager")
	if _, err := approver.ApprovePayout(ctx, pending.ID, "", time.Now); !errors.Is(err, repo.ErrUnsigned) {
		t.Errorf("approving a restored request whose signature does not check: %v", err)
	}
	m, _, err := r2.GetMember(ctx, "nina")
	if err != nil || m.Status != repo.StatusNotOnboarded {
		t.Fatalf("nina: %+v, %v", m, err)
	}
	// onboarding her again makes the record active
	if _, err := r2.Onboard(ctx, staff.Member{Name: "nina", Role: staff.RoleOps, Stores: []string{"acme-us"}}, time.Hour, time.Now); err != nil {
		t.Fatalf("onboard again: %v", err)
	}

	t.Run("restore again is refused and writes nothing", func(t *testing.T) {
		now := backupReadState(t, c2, l)
		_, err := r2.Restore(ctx, opened, repo.RestoreOptions{})
		if !errors.Is(err, repo.ErrNotEmpty) || !errors.Is(err, vault.ErrConflict) {
			t.Fatalf("got %v", err)
		}
		if after := backupReadState(t, c2, l); !reflect.DeepEqual(after, now) {
			t.Fatal("a refused restore changed the mount")
		}
	})
	t.Run("not initialised", func(t *testing.T) {
		other, _ := vault.NewLayout("nothing-here")
		if _, err := repo.New(c2, other).Restore(ctx, opened, repo.RestoreOptions{}); !errors.Is(err, repo.ErrNotInitialised) {
			t.Fatalf("got %v", err)
		}
	})
}

// TestBackupRestoreKeepsAPresentTOTPKey: where the TOTP engine restored into
// has the key already, the credential keeps its link.
func TestBackupRestoreKeepsAPresentTOTPKey(t *testing.T) {
	ctx := context.Background()
	r, c, _ := backupDemoTeam(t)
	doc, _, err := r.Dump(ctx, repo.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := vault.NewLayout(fmt.Sprintf("bk%d", prefixes.Add(1)))
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l2}); err != nil {
		t.Fatal(err)
	}
	if err := c.TOTP().Import(ctx, l2.TOTP(), "acme-us.seller-central", "JBSWY3DPEHPK3PXP",
		vault.TOTPKey{Issuer: "Amazon", Account: "ops", Period: 30, Algorithm: "SHA1", Digits: 6}); err != nil {
		t.Fatal(err)
	}
	r2 := repo.New(c, l2)
	rep, err := r2.Restore(ctx, doc, repo.RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.TOTPReenrol) != 0 || !reflect.DeepEqual(rep.TOTPKept, []string{"acme-us/seller-central"}) {
		t.Fatalf("re-enrol %v, kept %v", rep.TOTPReenrol, rep.TOTPKept)
	}
	if _, _, err := r2.TOTPCode(ctx, "acme-us", "seller-central"); err != nil {
		t.Fatalf("the kept key gives no code: %v", err)
	}
}

// TestBackupRestoreVersion1: a backup made before the schema 2 layout
// (version 1: decisions under proposals/payout-decisions/, no
// verifications) restores its decisions to decisions/payout/, where the
// payout commands read them, and its requests to the proposals mount.
func TestBackupRestoreVersion1(t *testing.T) {
	ctx := context.Background()
	r, c, l := backupDemoTeam(t)
	src := backupReadState(t, c, l)
	doc, _, err := r.Dump(ctx, repo.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The document as the previous release wrote it.
	old := *doc
	old.Version = backup.Version1
	old.Records = nil
	var decision string
	for _, rec := range doc.Records {
		switch backup.Kind(rec.Path) {
		case "payout-verification":
			continue
		case "payout-decision":
			decision = rec.Path
			rec.Path = backup.Version1DecisionsDir + backup.PayoutChange(rec.Path)
		}
		rec.VersionTime = ""
		old.Records = append(old.Records, rec)
	}
	if decision == "" {
		t.Fatal("the demo team has no decision")
	}
	b, err := backup.Marshal(&old)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"version": 1,`)) || !bytes.Contains(b, []byte(`"proposals/payout-decisions/acme-de/`)) {
		t.Fatal("not a version 1 document")
	}
	opened, err := backup.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}

	l2, _ := vault.NewLayout(fmt.Sprintf("bk%d", prefixes.Add(1)))
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l2}); err != nil {
		t.Fatal(err)
	}
	r2 := repo.New(c, l2)
	rep, err := r2.Restore(ctx, opened, repo.RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.PendingPayout) != 1 || !reflect.DeepEqual(rep.ProposeAgain, rep.PendingPayout) || len(rep.Verified) != 0 {
		t.Errorf("pending %v, propose again %v, verified %v", rep.PendingPayout, rep.ProposeAgain, rep.Verified)
	}
	if !slices.Contains(rep.Written, decision) || len(rep.Written) != len(old.Records) {
		t.Errorf("written %v", rep.Written)
	}
	dst := backupReadState(t, c, l2)
	if !reflect.DeepEqual(dst.data[decision], src.data[decision]) || !reflect.DeepEqual(dst.meta[decision], src.meta[decision]) {
		t.Errorf("%s: got %v, want %v", decision, backupKeys(dst.data[decision]), backupKeys(src.data[decision]))
	}
	for p := range dst.data {
		if strings.Contains(p, "payout-decisions") {
			t.Errorf("%s was restored at the schema 1 place", p)
		}
	}
	requests := 0
	for p, want := range src.data {
		if backup.Kind(p) != "payout-request" {
			continue
		}
		requests++
		if !reflect.DeepEqual(dst.data[p], want) {
			t.Errorf("%s: got %v, want %v", p, backupKeys(dst.data[p]), backupKeys(want))
		}
		// A version 1 backup has no request times: the restore dates them.
		if len(dst.meta[p]) != 0 {
			t.Errorf("%s: custom metadata %v", p, dst.meta[p])
		}
	}
	if requests != 2 {
		t.Errorf("%d requests in the source", requests)
	}
	qs, err := r2.PayoutRequests(ctx, "acme-de")
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]int{}
	for _, q := range qs {
		statuses[q.Status]++
	}
	if statuses[repo.StatusApproved] != 1 || statuses[repo.StatusPending] != 1 {
		t.Errorf("restored requests: %v", statuses)
	}
}

// TestBackupRestoreRefusals: an invalid document, a mount that is not
// empty (any of the three), a layout of an earlier release and a dry run
// write nothing.
func TestBackupRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	r, c, _ := newRepo(t)
	doc, _, err := r.Dump(ctx, repo.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := vault.NewLayout(fmt.Sprintf("bk%d", prefixes.Add(1)))
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l2}); err != nil {
		t.Fatal(err)
	}
	r2 := repo.New(c, l2)
	empty := backupReadState(t, c, l2)

	bad := *doc
	bad.Records = append(append([]backup.Record{}, doc.Records...), backup.Record{Path: "stores/../sys", Data: map[string]interface{}{}})
	if _, err := r2.Restore(ctx, &bad, repo.RestoreOptions{}); !errors.Is(err, backup.ErrInvalid) {
		t.Fatalf("invalid document: %v", err)
	}
	bad.Records = append(append([]backup.Record{}, doc.Records...), backup.Record{Path: "proposals/payout-decisions/acme-us/1", Data: map[string]interface{}{}})
	if _, err := r2.Restore(ctx, &bad, repo.RestoreOptions{}); !errors.Is(err, backup.ErrInvalid) || !strings.Contains(err.Error(), "version 1") {
		t.Fatalf("version 1 path in a version 2 document: %v", err)
	}
	rep, err := r2.Restore(ctx, doc, repo.RestoreOptions{DryRun: true})
	if err != nil || rep.Planned != len(doc.Records) || len(rep.Written) != 0 {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
	if !reflect.DeepEqual(backupReadState(t, c, l2), empty) {
		t.Fatal("a refused or dry-run restore changed the mount")
	}

	// One deleted record in the proposals, verifications or records mount
	// is enough to refuse (each case adds one to those before).
	for _, tt := range []struct{ mount, path, want string }{
		{l2.Proposals(), "payout/acme-us/1", l2.Proposals() + " holds 1 record (payout/acme-us/1)"},
		{l2.Verifications(), "payout/acme-us", l2.Verifications() + " holds 1 record (payout/acme-us)"},
		{l2.KV(), "stores/x", l2.KV() + " holds 1 record (stores/x)"},
	} {
		if _, err := c.KV().Put(ctx, tt.mount, tt.path, map[string]interface{}{"a": "b"}, 0); err != nil {
			t.Fatal(err)
		}
		if err := c.KV().Delete(ctx, tt.mount, tt.path); err != nil {
			t.Fatal(err)
		}
		if _, err := r2.Restore(ctx, doc, repo.RestoreOptions{DryRun: true}); !errors.Is(err, repo.ErrNotEmpty) || !strings.Contains(err.Error(), tt.want) {
			t.Fatalf("deleted record in %s: %v", tt.mount, err)
		}
	}

	// A team of the schema 1 layout: back it up and restore into it only
	// after `sellervault init` has moved its records.
	l3, _ := vault.NewLayout(fmt.Sprintf("bk%d", prefixes.Add(1)))
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l3}); err != nil {
		t.Fatal(err)
	}
	marker, err := c.KV().Get(ctx, l3.KV(), vault.InitMarkerPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.KV().Put(ctx, l3.KV(), vault.InitMarkerPath, map[string]interface{}{"initialized_at": "2025-01-01T00:00:00Z"}, marker.Version); err != nil {
		t.Fatal(err)
	}
	r3 := repo.New(c, l3)
	if _, _, err := r3.Dump(ctx, repo.DumpOptions{}); !errors.Is(err, repo.ErrOldLayout) || !strings.Contains(err.Error(), "schema 1") {
		t.Fatalf("backup of a schema 1 team: %v", err)
	}
	if _, err := r3.Restore(ctx, doc, repo.RestoreOptions{}); !errors.Is(err, repo.ErrOldLayout) || !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("restore into a schema 1 team: %v", err)
	}
}

// TestBackupRestoreReportsPartialWrites fails the restore at each of its
// writes in turn, until one succeeds: the error names exactly the
// records that are in the mounts afterwards.
func TestBackupRestoreReportsPartialWrites(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	r, _, _ := newRepo(t) // one store
	if err := r.AddMailbox(ctx, records.Mailbox{Address: "ops@acme.example", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	doc, _, err := r.Dump(ctx, repo.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A decided request and a verification: records of the other mounts.
	doc.Records = append(doc.Records,
		backup.Record{Path: "proposals/payout/acme-us/20250601-090000-abcdef", Data: map[string]interface{}{"kind": "payout-request"}, VersionTime: "2025-06-01T09:00:00Z"},
		backup.Record{Path: "decisions/payout/acme-us/20250601-090000-abcdef", Data: map[string]interface{}{"kind": "payout-decision", "status": "rejected"}},
		backup.Record{Path: "verifications/payout/acme-us", Data: map[string]interface{}{"field": "iban"}, VersionTime: "2025-06-01T09:00:00Z"})
	doc.Normalize()
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	srv, _ := devvault.Shared()
	// Writes: the mailbox's ID in this team (a Transit HMAC, 1), the
	// store's policy, redaction key and group (3), the settings (1), then
	// data and metadata of the store, the mailbox, the decision, the
	// request and the verification.
	root, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	for k := int64(1); ; k++ {
		if k > 20 {
			t.Fatal("the restore fails at every write")
		}
		c := root
		l2, _ := vault.NewLayout(fmt.Sprintf("bk%d", prefixes.Add(1)))
		if _, err := setup.Run(ctx, c, setup.Options{Layout: l2}); err != nil {
			t.Fatal(err)
		}
		faults := faultyVault(t, k)
		fc, err := vault.New(vault.Options{Address: faults.URL, Token: srv.RootToken})
		if err != nil {
			t.Fatal(err)
		}
		_, err = repo.New(fc, l2).Restore(ctx, doc, repo.RestoreOptions{})
		state := backupReadState(t, c, l2)
		var inMounts []string
		for p := range state.data {
			if p != vault.InitMarkerPath && p != setup.SettingsPath {
				inMounts = append(inMounts, p)
			}
		}
		sort.Strings(inMounts)
		if err == nil {
			if faults.Failed() {
				t.Fatalf("fault at write %d: no error", k)
			}
			if len(inMounts) != len(doc.Records)-1 || k < 10 {
				t.Fatalf("restore without a fault after %d writes: mounts hold %v", k-1, inMounts)
			}
			break
		}
		var partial *repo.PartialRestoreError
		if !errors.As(err, &partial) {
			if k > 4 {
				t.Fatalf("fault at write %d (a record write): %v is not a PartialRestoreError", k, err)
			}
			if len(inMounts) != 0 {
				t.Fatalf("fault at write %d before any record: mounts hold %v", k, inMounts)
			}
			continue
		}
		var reported []string
		for _, p := range append(append([]string{}, partial.Written...), partial.DataOnly) {
			if p != "" && p != setup.SettingsPath {
				reported = append(reported, p)
			}
		}
		sort.Strings(reported)
		if !reflect.DeepEqual(reported, inMounts) {
			t.Fatalf("fault at write %d: reported %v (data only %q), mounts hold %v", k, partial.Written, partial.DataOnly, inMounts)
		}
		if partial.DataOnly != "" && len(state.meta[partial.DataOnly]) != 0 {
			t.Fatalf("fault at write %d: %s has metadata, yet is reported data-only", k, partial.DataOnly)
		}
		if !strings.Contains(err.Error(), "injected fault") || !strings.Contains(err.Error(), fmt.Sprintf("after writing %d records", len(partial.Written))) {
			t.Fatalf("fault at write %d: %v", k, err)
		}
	}
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
