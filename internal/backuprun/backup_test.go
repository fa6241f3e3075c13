package backuprun_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/payoutchange"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

const backupCanary = "CANARY-backup-pending-pw"

// TestBackupRestoreDemoTeam: a backup of the demo team (with a payout
// change request approved and one pending, its decision, and payout
// verifications), sealed with age, restored into a second in-process
// Vault, matches record for record in each of the team's mounts.
//
// The differences a restore makes on purpose (see the package documentation):
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
	srcInv, err := r.Rotation().Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srcRequests, err := connect.PayoutChanges(r).Requests(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(srcRequests) != 2 {
		t.Fatalf("the demo team has %d payout change requests, want 2", len(srcRequests))
	}
	var pending, approved *payoutchange.Request
	for _, q := range srcRequests {
		switch q.Status {
		case payoutchange.StatusPending:
			pending = q
		case payoutchange.StatusApproved:
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

	doc, dump, err := backuprun.Dump(ctx, deps(r), backuprun.DumpOptions{Version: "test"})
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
	rep, err := backuprun.Restore(ctx, deps(r2), opened, backuprun.RestoreOptions{})
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
			wantMeta[backuprun.TOTPReenrolKey] = "required"
		}
		if backup.Kind(p) == "staff" && want["status"] == "active" {
			// Every active member of the source (the demo team and
			// nina) has no login in the second Vault.
			want = backupCopyData(want)
			want["status"], wantMeta["status"] = backuprun.StatusNotOnboarded, backuprun.StatusNotOnboarded
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
	cred, _, err := r2.Creds().Get(ctx, "acme-us", "advertising")
	if err != nil || cred.Pending != backupCanary || cred.Owner != "maria" {
		t.Errorf("restored credential: %v", err)
	}
	if _, _, err := r2.TOTP().Code(ctx, "acme-us", "seller-central"); !errors.Is(err, vault.ErrNotFound) || !strings.Contains(err.Error(), "totp add") {
		t.Errorf("totp code after restore: %v", err)
	}
	// Payout: the verification's time is the source's, so the flag
	// raised since still stands (a verification dated by the restore
	// would clear it); the requests and the decision read back, and the
	// pending request, whose signature does not check here, cannot be
	// approved.
	dstInv, err := r2.Rotation().Inventory(ctx)
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
	dstRequests, err := connect.PayoutChanges(r2).Requests(ctx, "")
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
	approver, _ := vaulttest.Member(t, c2, l, "manager")
	if _, err := connect.PayoutChanges(approver).Approve(ctx, pending.ID, "", time.Now); !errors.Is(err, payoutchange.ErrUnsigned) {
		t.Errorf("approving a restored request whose signature does not check: %v", err)
	}
	m, _, err := r2.Members().Get(ctx, "nina")
	if err != nil || m.Status != backuprun.StatusNotOnboarded {
		t.Fatalf("nina: %+v, %v", m, err)
	}
	// onboarding her again makes the record active
	if _, err := r2.Members().Onboard(ctx, staff.Member{Name: "nina", Role: staff.RoleOps, Stores: []string{"acme-us"}}, time.Hour, time.Now); err != nil {
		t.Fatalf("onboard again: %v", err)
	}

	t.Run("restore again is refused and writes nothing", func(t *testing.T) {
		now := backupReadState(t, c2, l)
		_, err := backuprun.Restore(ctx, deps(r2), opened, backuprun.RestoreOptions{})
		if !errors.Is(err, backuprun.ErrNotEmpty) || !errors.Is(err, vault.ErrConflict) {
			t.Fatalf("got %v", err)
		}
		if after := backupReadState(t, c2, l); !reflect.DeepEqual(after, now) {
			t.Fatal("a refused restore changed the mount")
		}
	})
	t.Run("not initialised", func(t *testing.T) {
		other, _ := vault.NewLayout("nothing-here")
		if _, err := backuprun.Restore(ctx, deps(repo.New(c2, other)), opened, backuprun.RestoreOptions{}); !errors.Is(err, repo.ErrNotInitialised) {
			t.Fatalf("got %v", err)
		}
	})
}

// TestBackupRestoreKeepsAPresentTOTPKey: where the TOTP engine restored into
// has the key already, the credential keeps its link.
func TestBackupRestoreKeepsAPresentTOTPKey(t *testing.T) {
	ctx := context.Background()
	r, c, _ := backupDemoTeam(t)
	doc, _, err := backuprun.Dump(ctx, deps(r), backuprun.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r2, _, l2 := vaulttest.Team(t, "bk")
	if err := c.TOTP().Import(ctx, l2.TOTP(), "acme-us.seller-central", "JBSWY3DPEHPK3PXP",
		vault.TOTPKey{Issuer: "Amazon", Account: "ops", Period: 30, Algorithm: "SHA1", Digits: 6}); err != nil {
		t.Fatal(err)
	}
	rep, err := backuprun.Restore(ctx, deps(r2), doc, backuprun.RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.TOTPReenrol) != 0 || !reflect.DeepEqual(rep.TOTPKept, []string{"acme-us/seller-central"}) {
		t.Fatalf("re-enrol %v, kept %v", rep.TOTPReenrol, rep.TOTPKept)
	}
	if _, _, err := r2.TOTP().Code(ctx, "acme-us", "seller-central"); err != nil {
		t.Fatalf("the kept key gives no code: %v", err)
	}
}
