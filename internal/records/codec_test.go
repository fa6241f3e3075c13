package records

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCredentialRoundTrip(t *testing.T) {
	c := Credential{Store: "acme-us", Name: "seller-central", Login: "ops@acme.example", Password: "SECRET-pw",
		URL: "https://sellercentral.amazon.com", Notes: "private note", RecoveryEmail: "ops@acme.example",
		RecoveryPhone: "+14155550100", Owner: "maria", Assignees: []string{"olga", "tom"},
		Rotation: Rotation{Every: 90 * 24 * time.Hour, LastRotated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		TOTPKey:  TOTPKeyName("acme-us", "seller-central"), TOTPPeriod: 30, UpdatedBy: "root",
		RecoveryEmailRef: "abcdefghijklmnopqrst", RecoveryPhoneRef: "bcdefghijklmnopqrstu"}
	enc := c.Encode()
	if got := CredentialFromData(enc.Data); !reflect.DeepEqual(got, c) {
		t.Fatalf("data round trip:\n got %+v\nwant %+v", got, c)
	}
	for key, v := range enc.Metadata {
		if strings.Contains(v, "SECRET") || strings.Contains(v, "ops@") || strings.Contains(v, "4155550100") ||
			key == "password" || key == "login" || key == "notes" {
			t.Errorf("metadata carries %s=%q", key, v)
		}
	}
	listed := CredentialFromMetadata(enc.Metadata)
	if listed.Owner != "maria" || listed.RecoveryPhone != "+1********00" || listed.RecoveryEmail != "o***@a***.example" ||
		listed.RecoveryEmailRef != c.RecoveryEmailRef || listed.RecoveryPhoneRef != c.RecoveryPhoneRef || listed.Rotation != c.Rotation ||
		listed.TOTPKey != c.TOTPKey || listed.Password != "" || listed.Login != "" {
		t.Fatalf("metadata view %+v", listed)
	}
}

func TestContactsRoundTrip(t *testing.T) {
	m := Mailbox{Address: "ops@acme.example", Password: "SECRET-m", RecoveryPhone: "+14155550100", Assignee: "olga", Personal: true, UpdatedBy: "root"}
	if got := MailboxFromData(m.Encode().Data); !reflect.DeepEqual(got, m) {
		t.Fatalf("mailbox: %+v", got)
	}
	p := Phone{Number: "+14155550100", Carrier: "X", PIN: "1234", Assignee: "olga", UpdatedBy: "root"}
	if got := PhoneFromData(p.Encode().Data); !reflect.DeepEqual(got, p) {
		t.Fatalf("phone: %+v", got)
	}
	if _, ok := p.Encode().Metadata["pin"]; ok {
		t.Fatal("the PIN is in metadata")
	}
	// Metadata, which listings and the reminder job read, holds no
	// address or number, only masks.
	for _, meta := range []map[string]string{m.Encode().Metadata, p.Encode().Metadata} {
		for k, v := range meta {
			if strings.Contains(v, "ops@") || strings.Contains(v, "acme") || strings.Contains(v, "4155550100") {
				t.Errorf("metadata %s=%q holds a value", k, v)
			}
		}
	}
	if got := MailboxFromMetadata(m.Encode().Metadata); got.Address != "o***@a***.example" || got.RecoveryPhone != "+1********00" {
		t.Errorf("mailbox listing: %+v", got)
	}
	s := Store{Name: "acme-us", Marketplace: "amazon", Region: "us", Notes: "n", UpdatedBy: "root"}
	if got := StoreFromData(s.Encode().Data); !reflect.DeepEqual(got, s) {
		t.Fatalf("store: %+v", got)
	}
}

func TestDisplayMasksSecretsOnly(t *testing.T) {
	c := Credential{Login: "l", Password: "hunter2"}
	for _, f := range Display(c.Fields()) {
		if f.Name == "password" && f.Value != Masked {
			t.Fatalf("password shown as %q", f.Value)
		}
		if f.Name == "login" && f.Value != "l" {
			t.Fatalf("login shown as %q", f.Value)
		}
	}
	if Mask("") != "" {
		t.Fatal("an empty secret should show empty")
	}
}

func TestRotationInTheFutureReadsAsNever(t *testing.T) {
	fixed := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	now = func() time.Time { return fixed }
	defer func() { now = time.Now }()
	for _, tc := range []struct {
		stored string
		want   time.Time
	}{
		{"2026-12-01T00:00:00Z", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-12-07T12:04:00Z", time.Date(2026, 12, 7, 12, 4, 0, 0, time.UTC)}, // within the skew
		{"2026-12-07T12:06:00Z", time.Time{}},
		{"2099-01-01T00:00:00Z", time.Time{}},
		{"not a time", time.Time{}},
	} {
		got := fromMetadata(map[string]string{"last_rotated": tc.stored}).rotation().LastRotated
		if !got.Equal(tc.want) {
			t.Errorf("last_rotated %q read as %v, want %v", tc.stored, got, tc.want)
		}
	}
}
