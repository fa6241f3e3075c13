package repo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
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
		if _, err := c.KVPut(ctx, l.KV(), p, map[string]interface{}{"x": "y"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	return r, c, l
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

// backupKVState is every live record of a mount: data and custom metadata by
// path, and the other paths (deleted, metadata only) on their own.
type backupKVState struct {
	data  map[string]map[string]interface{}
	meta  map[string]map[string]string
	other []string
}

func backupReadState(t *testing.T, c *vault.Client, mount string) backupKVState {
	t.Helper()
	ctx := context.Background()
	paths, err := c.KVListAll(ctx, mount)
	if err != nil {
		t.Fatal(err)
	}
	s := backupKVState{data: map[string]map[string]interface{}{}, meta: map[string]map[string]string{}}
	for _, p := range paths {
		m, err := c.KVMetadata(ctx, mount, p)
		if err != nil {
			t.Fatal(err)
		}
		if m.CurrentVersion == 0 || m.Deleted() {
			s.other = append(s.other, p)
			continue
		}
		rec, err := c.KVGetVersion(ctx, mount, p, m.CurrentVersion)
		if err != nil {
			t.Fatal(err)
		}
		s.data[p], s.meta[p] = rec.Data, m.CustomMetadata
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

// TestBackupRestoreDemoTeam: a backup of the demo team, sealed with age,
// restored into a second in-process Vault, matches record for record.
//
// The differences a restore makes on purpose (see repo/backup.go):
//   - the TOTP link of acme-us/seller-central is cleared (the seed is not
//     in the backup, and the second Vault has no such key) and metadata
//     totp_reenrol=required takes its place;
//   - nina's staff record, active in the source, is not-onboarded (she
//     has no login in the second Vault).
//
// updated_by is not among them: a restore writes the data as it was, so
// each record still names who last changed it; Vault's own version
// times (created_time) are new, and are not data or custom metadata.
func TestBackupRestoreDemoTeam(t *testing.T) {
	ctx := context.Background()
	r, c, l := backupDemoTeam(t)
	src := backupReadState(t, c, l.KV())

	doc, dump, err := r.Dump(ctx, repo.DumpOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dump.Deleted, []string{"stores/acme-de/creds/shipping"}) || doc.DeletedSkipped != 1 {
		t.Errorf("deleted: %v (%d)", dump.Deleted, doc.DeletedSkipped)
	}
	// The redaction index holds at least the entry written above (and any
	// that record writes add): none is backed up.
	if !reflect.DeepEqual(dump.Unknown, []string{"exports/by-hand"}) || dump.IndexEntries < 1 {
		t.Errorf("unknown %v, index entries %d", dump.Unknown, dump.IndexEntries)
	}
	if dump.Notes != 1 || len(dump.MetadataOnly) != 0 {
		t.Errorf("reminder notes %d, metadata-only %v", dump.Notes, dump.MetadataOnly)
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
	before := backupReadState(t, c2, l.KV())
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
	if len(rep.Onboard) != 5 || len(rep.PendingPayout) != 1 || !reflect.DeepEqual(rep.StoreAccess, []string{"acme-de", "acme-us"}) {
		t.Errorf("onboard %v, pending %v, store access %v", rep.Onboard, rep.PendingPayout, rep.StoreAccess)
	}

	dst := backupReadState(t, c2, l.KV())
	compared := 0
	for p, want := range src.data {
		switch backup.Classify(p) {
		case backup.SkipInit:
			continue
		case backup.Include:
		default:
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
		case "staff/nina":
			want = backupCopyData(want)
			want["status"], wantMeta["status"] = repo.StatusNotOnboarded, repo.StatusNotOnboarded
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: data differs:\n got %v\nwant %v", p, backupKeys(got), backupKeys(want))
		}
		if !reflect.DeepEqual(dst.meta[p], wantMeta) {
			t.Errorf("%s: custom metadata differs:\n got %v\nwant %v", p, dst.meta[p], wantMeta)
		}
		compared++
	}
	for p := range dst.data {
		if _, ok := src.data[p]; !ok {
			t.Errorf("%s is in the restored mount but not in the source", p)
		}
	}
	if compared != len(doc.Records) || compared < 15 {
		t.Errorf("compared %d records; the backup holds %d", compared, len(doc.Records))
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
	if _, err := c2.GroupByName(ctx, l.StoreGroup("acme-us")); err != nil {
		t.Errorf("store group: %v", err)
	}
	cred, _, err := r2.GetCredential(ctx, "acme-us", "advertising")
	if err != nil || cred.Pending != backupCanary || cred.Owner != "maria" {
		t.Errorf("restored credential: %v", err)
	}
	if _, _, err := r2.TOTPCode(ctx, "acme-us", "seller-central"); !errors.Is(err, vault.ErrNotFound) || !strings.Contains(err.Error(), "totp add") {
		t.Errorf("totp code after restore: %v", err)
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
		now := backupReadState(t, c2, l.KV())
		_, err := r2.Restore(ctx, opened, repo.RestoreOptions{})
		if !errors.Is(err, repo.ErrNotEmpty) || !errors.Is(err, vault.ErrConflict) {
			t.Fatalf("got %v", err)
		}
		if after := backupReadState(t, c2, l.KV()); !reflect.DeepEqual(after, now) {
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
	if err := c.TOTPImport(ctx, l2.TOTP(), "acme-us.seller-central", "JBSWY3DPEHPK3PXP",
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

// TestBackupRestoreRefusals: an invalid document, a non-empty mount and a dry
// run write nothing.
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
	empty := backupReadState(t, c, l2.KV())

	bad := *doc
	bad.Records = append(append([]backup.Record{}, doc.Records...), backup.Record{Path: "stores/../sys", Data: map[string]interface{}{}})
	if _, err := r2.Restore(ctx, &bad, repo.RestoreOptions{}); !errors.Is(err, backup.ErrInvalid) {
		t.Fatalf("invalid document: %v", err)
	}
	rep, err := r2.Restore(ctx, doc, repo.RestoreOptions{DryRun: true})
	if err != nil || rep.Planned != len(doc.Records) || len(rep.Written) != 0 {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
	if !reflect.DeepEqual(backupReadState(t, c, l2.KV()), empty) {
		t.Fatal("a refused or dry-run restore changed the mount")
	}
	// One deleted record is enough to refuse.
	if _, err := c.KVPut(ctx, l2.KV(), "stores/x", map[string]interface{}{"a": "b"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := c.KVDelete(ctx, l2.KV(), "stores/x"); err != nil {
		t.Fatal(err)
	}
	if _, err := r2.Restore(ctx, doc, repo.RestoreOptions{}); !errors.Is(err, repo.ErrNotEmpty) || !strings.Contains(err.Error(), "stores/x") {
		t.Fatalf("deleted record in the mount: %v", err)
	}
}

// TestBackupRestoreReportsPartialWrites fails the restore at each of its first
// writes in turn: the error names exactly the records that are in the
// mount afterwards.
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
	srv, _ := devvault.Shared()
	// Writes: the store's policy and group (2), the settings (1), then
	// data and metadata of the store and the mailbox (4).
	root, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	for k := int64(1); k <= 7; k++ {
		c := root
		l2, _ := vault.NewLayout(fmt.Sprintf("bk%d", prefixes.Add(1)))
		if _, err := setup.Run(ctx, c, setup.Options{Layout: l2}); err != nil {
			t.Fatal(err)
		}
		faults := &faultyVault{failAt: k}
		fc, err := vault.New(vault.Options{Address: faults.start(t), Token: srv.RootToken})
		if err != nil {
			t.Fatal(err)
		}
		_, err = repo.New(fc, l2).Restore(ctx, doc, repo.RestoreOptions{})
		if err == nil {
			t.Fatalf("fault at write %d: no error", k)
		}
		state := backupReadState(t, c, l2.KV())
		var inMount []string
		for p := range state.data {
			if p != vault.InitMarkerPath && p != setup.SettingsPath {
				inMount = append(inMount, p)
			}
		}
		sort.Strings(inMount)
		var partial *repo.PartialRestoreError
		if !errors.As(err, &partial) {
			if k > 2 {
				t.Fatalf("fault at write %d (a record write): %v is not a PartialRestoreError", k, err)
			}
			if len(inMount) != 0 {
				t.Fatalf("fault at write %d before any record: mount holds %v", k, inMount)
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
		if !reflect.DeepEqual(reported, inMount) {
			t.Fatalf("fault at write %d: reported %v (data only %q), mount holds %v", k, partial.Written, partial.DataOnly, inMount)
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
