package backuprun_test

import (
	"context"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/escrow"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/totp"
)

// Values of the fake team that must never leave a document: in an
// error, a report or a log.
var fakeCanaries = []string{"CANARY-pw-sc", "CANARY-pw-ads", "CANARY-pw-mailbox", "CANARY-pending", fakeSeed.Secret}

var fakeSeed = totp.Key{Secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "Amazon", Account: "ops"}

// Payout changes of the fake team: one decided, one pending whose
// signature checks, one pending whose does not.
const (
	changeDecided  = "acme-us/20250601-090000-aaaaaa"
	changeSigned   = "acme-us/20250602-090000-bbbbbb"
	changeUnsigned = "acme-us/20250603-090000-cccccc"
	sellerCentral  = "acme-us/seller-central"
)

// fakeTeam is a team "acme" with one record of each kind, and what a
// backup leaves out: a deleted credential, one with metadata only, index
// entries, the leftovers of a move (one live), and paths outside the
// record folders. Its TOTP key is in its engine; its seed is escrowed to
// the returned recovery identity.
func fakeTeam(t *testing.T) (*fakeStore, *age.X25519Identity) {
	t.Helper()
	id := backupIdentity(t)
	sealed, err := escrow.Seal(fakeSeed, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	f := initialised("acme")
	rec := backup.RecordsMount
	f.put(rec, "stores/acme-us", map[string]interface{}{"kind": "store", "marketplace": "amazon"}, map[string]string{"kind": "store", records.MirrorsKey: "1"})
	f.put(rec, "stores/acme-us/creds/seller-central",
		map[string]interface{}{"kind": "credential", "login": "ops@acme.example", "password": "CANARY-pw-sc", backup.TOTPField: "acme-us.seller-central", backup.TOTPPeriodField: 30},
		map[string]string{"kind": "credential", backup.TOTPField: "acme-us.seller-central", backup.TOTPPeriodField: "30", records.MirrorsKey: "1"})
	f.put(rec, "stores/acme-us/creds/ads", map[string]interface{}{"kind": "credential", "login": "ads@acme.example", "password": "CANARY-pw-ads"},
		map[string]string{"kind": "credential", "owner": "maria", records.MirrorsKey: "1"})
	f.put(rec, "stores/acme-us/creds/gone", map[string]interface{}{"password": "CANARY-pw-ads"}, nil).deleted = true
	f.put(rec, "stores/acme-us/creds/bare", nil, map[string]string{"kind": "credential"}).version = 0
	f.put(rec, "stores/acme-us/payout", map[string]interface{}{"kind": "payout", "iban": "GB29NWBK60161331926819"}, nil)
	f.put(rec, "contacts/email/m1", map[string]interface{}{"kind": "mailbox", "address": "ops@acme.example", "password": "CANARY-pw-mailbox"}, map[string]string{"kind": "mailbox"})
	f.put(rec, "contacts/phone/p1", map[string]interface{}{"kind": "phone", "number": "+14155550100"}, map[string]string{"kind": "phone"})
	f.put(rec, "staff/olga", map[string]interface{}{"role": "ops", "stores": "acme-us", "status": "active"}, map[string]string{"role": "ops", "status": "active"})
	f.put(rec, "staff/tom", map[string]interface{}{"role": "ops", "stores": "", "status": "offboarded"}, map[string]string{"role": "ops", "status": "offboarded"})
	f.put(rec, escrow.Dir+sellerCentral, map[string]interface{}{escrow.Field: sealed, "updated_by": "root"}, nil)
	// A decision init moved keeps its mirror: only requests and
	// verifications carry a time.
	f.put(rec, backup.DecisionsDir+changeDecided, map[string]interface{}{"kind": "payout-decision", "status": "approved"},
		map[string]string{records.OriginalVersionKey: "1", records.OriginalTimeKey: "2024-02-01T00:00:00Z"})
	f.put(rec, "_meta/redact/00/abc", map[string]interface{}{"x": "y"}, nil)
	f.put(rec, "_meta/listing/acme-us", map[string]interface{}{"x": "y"}, nil)
	f.put(rec, "_meta/reminders/ops/maria", nil, map[string]string{"sent": "x"}).version = 0
	f.put(rec, "proposals/payout/acme-us/20240101-000000-0a0b0c", map[string]interface{}{"x": "y"}, nil).deleted = true
	f.put(rec, "verifications/payout/acme-us", map[string]interface{}{"x": "y"}, nil) // live at a schema 1 place
	f.put(rec, "exports/by-hand", map[string]interface{}{"x": "y"}, nil)

	prop := backup.ProposalsMount
	f.put(prop, "payout/"+changeDecided, map[string]interface{}{"kind": "payout-request", "base_version": "1"}, nil).created = "2025-06-01T09:00:00.25Z"
	f.put(prop, "payout/"+changeSigned, map[string]interface{}{"kind": "payout-request", "base_version": "1", "iban": "CANARY-pending"}, nil).created = "2025-06-02T09:00:00Z"
	f.put(prop, "payout/"+changeUnsigned, map[string]interface{}{"kind": "payout-request", "base_version": "1"}, nil).created = "2025-06-03T09:00:00Z"
	f.put(prop, "other/by-hand", map[string]interface{}{"x": "y"}, nil)

	ver := backup.VerificationsMount
	// acme-us: moved by init, the mirror names the current version: its
	// time is the original one. acme-de: verified again since, the
	// mirror is stale: Vault's time.
	us := f.put(ver, "payout/acme-us", map[string]interface{}{"field": "iban"}, map[string]string{records.OriginalVersionKey: "2", records.OriginalTimeKey: "2024-03-01T10:00:00Z", "other": "kept"})
	us.version = 2
	de := f.put(ver, "payout/acme-de", map[string]interface{}{"field": "bic"}, map[string]string{records.OriginalVersionKey: "1", records.OriginalTimeKey: "2024-01-01T00:00:00Z"})
	de.version, de.created = 3, "2025-05-05T05:05:05Z"

	f.notes = 3
	f.keys["acme-us.seller-central"] = fakeSeed
	f.roles = []backup.GroupMember{
		{Role: "manager", EntityID: "e-maria", Name: "maria"},
		{Role: "finance", EntityID: "e-farid", Name: "farid"},
		{Role: "staff", EntityID: "e-olga", Name: "olga"}, // her staff record says more
		{Role: "staff", EntityID: "e-nina", Name: "nina"},
		{Role: "staff", EntityID: "e-maria", Name: "maria"}, // listed once, as manager
		{Role: "staff", EntityID: "e-bad", Name: "Not A Name"},
	}
	f.groups["acme-us"] = []string{"e-olga", "e-nina"}
	return f, id
}

// fakeDump backs the fake team up.
func fakeDump(t *testing.T) (*backup.Document, *fakeStore, *age.X25519Identity) {
	t.Helper()
	f, id := fakeTeam(t)
	doc, _, err := backuprun.Dump(context.Background(), f.deps(), backuprun.DumpOptions{Now: func() time.Time { return time.Unix(1750000000, 0) }, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return doc, f, id
}
