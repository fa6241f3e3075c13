package backup_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/backup"
)

const canary = "CANARY-backup-secret"

// sample is a small valid document.
func sample() *backup.Document {
	return &backup.Document{
		Format: backup.Format, Version: backup.Version,
		CreatedAt:          time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC),
		Team:               "sellervault",
		SellervaultVersion: "dev",
		Records: []backup.Record{
			{Path: "stores/acme-us/creds/seller-central", Data: map[string]interface{}{
				"kind": "credential", "store": "acme-us", "name": "seller-central", "password": canary,
				"totp": "acme-us.seller-central", "totp_period": "30"},
				CustomMetadata: map[string]string{"kind": "credential", "owner": "maria", "totp": "acme-us.seller-central"}},
			{Path: "stores/acme-us", Data: map[string]interface{}{"kind": "store", "name": "acme-us"},
				CustomMetadata: map[string]string{"kind": "store"}},
			{Path: "_meta/settings", Data: map[string]interface{}{"payout_cooling_off": "24h0m0s"}},
			{Path: "staff/olga", Data: map[string]interface{}{"kind": "staff", "status": "active"},
				CustomMetadata: map[string]string{"kind": "staff", "status": "active"}},
			{Path: "contacts/email/ops@acme.example", Data: map[string]interface{}{"kind": "mailbox", "password": canary}},
			{Path: "contacts/phone/14155550100", Data: map[string]interface{}{"kind": "phone", "pin": ""}},
			{Path: "proposals/payout/acme-us/20250601-090000-abcdef", Data: map[string]interface{}{"kind": "payout-request", "n": json.Number("3")},
				VersionTime: "2025-06-01T09:00:00Z"},
			{Path: "decisions/payout/acme-us/20250601-090000-abcdef", Data: map[string]interface{}{"kind": "payout-decision"}},
			{Path: "verifications/payout/acme-us", Data: map[string]interface{}{"field": "iban", "verified_by": "farid"},
				VersionTime: "2025-05-30T14:02:11.123456789Z"},
			{Path: "stores/acme-us/payout", Data: map[string]interface{}{"iban": "DE89370400440532013000"}},
		},
		TOTPReenrol: []backup.TOTPKey{{Credential: "acme-us/seller-central", Issuer: "Amazon"}},
		Staff: []backup.Person{
			{Name: "olga", Role: "ops", Stores: []string{"acme-us"}, Status: "active", StaffRecord: true},
			{Name: "maria", Role: "manager", Status: "active"},
		},
		DeletedSkipped: 2,
	}
}

func marshal(t *testing.T, d *backup.Document) []byte {
	t.Helper()
	b, err := backup.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBackupRoundTrip(t *testing.T) {
	d := sample()
	b := marshal(t, d)
	got, err := backup.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("round trip differs:\n got %#v\nwant %#v", got, d)
	}
	for i := 1; i < len(got.Records); i++ {
		if got.Records[i-1].Path >= got.Records[i].Path {
			t.Fatalf("records not sorted: %s before %s", got.Records[i-1].Path, got.Records[i].Path)
		}
	}
	if n := got.Counts()["credential"]; n != 1 {
		t.Fatalf("counts: %v", got.Counts())
	}
}

func TestBackupMarshalRefusesWhatCannotRestore(t *testing.T) {
	d := sample()
	d.Records = append(d.Records, backup.Record{Path: "stores/acme-us", Data: map[string]interface{}{}})
	if _, err := backup.Marshal(d); err == nil || !strings.Contains(err.Error(), "would not be restorable") {
		t.Fatalf("duplicate path: %v", err)
	}
	var buf bytes.Buffer
	if err := backup.Seal(&buf, d, mustIdentity(t).Recipient()); err == nil || buf.Len() != 0 {
		t.Fatalf("Seal wrote %d bytes of an invalid document (err %v)", buf.Len(), err)
	}
}
