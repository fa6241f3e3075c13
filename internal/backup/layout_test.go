package backup_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/backup"
)

func TestBackupClassify(t *testing.T) {
	// Paths of the records mount: what Dump does with each.
	tests := []struct {
		path string
		want backup.Class
	}{
		{"_meta/settings", backup.Include},
		{"_meta/init", backup.SkipInit},
		{"_meta/reminders/slack/olga", backup.SkipNotes},
		{"_meta/offboarding/olga", backup.SkipNotes},
		{"_meta/redact/00/ab", backup.SkipIndex},
		{"_meta/other", backup.Unknown},
		{"stores/acme-us", backup.Include},
		{"contacts/email/a@b.example", backup.Include},
		{"contacts/phone/14155550100", backup.Include},
		{"staff/olga", backup.Include},
		{"decisions/payout/acme-us/20250601-090000-abcdef", backup.Include},
		{"decisions/payout/acme-us", backup.Unknown},
		{"decisions/payout/acme-us/1/2", backup.Unknown},
		{"decisions/payout//1", backup.Unknown},
		{"decisions/other/acme-us/1", backup.Unknown},
		// schema 1 places, moved by `sellervault init` to their own mounts
		{"proposals/payout/acme-us/1", backup.SkipMoved},
		{"proposals/payout-decisions/acme-us/1", backup.SkipMoved},
		{"verifications/payout/acme-us", backup.SkipMoved},
		{"exports/x", backup.Unknown},
	}
	for _, tt := range tests {
		if got := backup.Classify(tt.path); got != tt.want {
			t.Errorf("Classify(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
	kinds := []struct{ path, want string }{
		{"stores/acme-us", "store"},
		{"stores/acme-us/creds/x", "credential"},
		{"stores/acme-us/payout", "payout"},
		{"stores/acme-us/other/x", "other"},
		{"_meta/settings", "settings"},
		{"staff/olga", "staff"},
		{"contacts/email/a@b.example", "mailbox"},
		{"contacts/phone/14155550100", "phone"},
		{"proposals/payout/acme-us/1", "payout-request"},
		{"proposals/payout/acme-us", "other"},
		{"proposals/payout/acme-us/1/2", "other"},
		{"proposals/payout//1", "other"},
		{"decisions/payout/acme-us/1", "payout-decision"},
		{"proposals/payout-decisions/acme-us/1", "payout-decision"}, // version 1
		{"decisions/payout/acme-us", "other"},
		{"verifications/payout/acme-us", "payout-verification"},
		{"verifications/payout/acme-us/1", "other"},
		{"verifications/payout/", "other"},
		{"verifications/other/acme-us", "other"},
	}
	for _, tt := range kinds {
		if got := backup.Kind(tt.path); got != tt.want {
			t.Errorf("Kind(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if got := backup.CredentialAddress("stores/acme-us/creds/x"); got != "acme-us/x" {
		t.Errorf("CredentialAddress = %q", got)
	}
	changes := map[string]string{
		"proposals/payout/acme-us/1":           "acme-us/1",
		"decisions/payout/acme-us/1":           "acme-us/1",
		"proposals/payout-decisions/acme-us/1": "acme-us/1",
		"verifications/payout/acme-us":         "",
		"stores/acme-us":                       "",
	}
	for path, want := range changes {
		if got := backup.PayoutChange(path); got != want {
			t.Errorf("PayoutChange(%q) = %q, want %q", path, got, want)
		}
	}
	if got := backup.VerifiedStore("verifications/payout/acme-us"); got != "acme-us" {
		t.Errorf("VerifiedStore = %q", got)
	}
}

// TestBackupPlace: a document path maps to one mount and path, and back.
func TestBackupPlace(t *testing.T) {
	places := []struct {
		doc   string
		mount backup.Mount
		path  string
	}{
		{"stores/acme-us", backup.RecordsMount, "stores/acme-us"},
		{"_meta/settings", backup.RecordsMount, "_meta/settings"},
		{"decisions/payout/acme-us/1", backup.RecordsMount, "decisions/payout/acme-us/1"},
		{"proposals/payout/acme-us/1", backup.ProposalsMount, "payout/acme-us/1"},
		{"verifications/payout/acme-us", backup.VerificationsMount, "payout/acme-us"},
	}
	for _, tt := range places {
		m, p := backup.Place(tt.doc)
		if m != tt.mount || p != tt.path {
			t.Errorf("Place(%q) = %v %q, want %v %q", tt.doc, m, p, tt.mount, tt.path)
		}
		if doc, ok := backup.DocPath(m, p); !ok || doc != tt.doc {
			t.Errorf("DocPath(%v, %q) = %q, %v; want %q", m, p, doc, ok, tt.doc)
		}
	}
	// What the proposals and verifications mounts hold besides their
	// records has no document path: it is left out, and said so.
	for _, tt := range []struct {
		mount backup.Mount
		path  string
	}{
		{backup.ProposalsMount, "payout/acme-us"},
		{backup.ProposalsMount, "payout/acme-us/1/2"},
		{backup.ProposalsMount, "other/acme-us/1"},
		{backup.ProposalsMount, "acme-us/1"},
		{backup.VerificationsMount, "payout/acme-us/1"},
		{backup.VerificationsMount, "acme-us"},
		{backup.VerificationsMount, "payout/"},
		{backup.Mount(7), "payout/acme-us"},
	} {
		if doc, ok := backup.DocPath(tt.mount, tt.path); ok {
			t.Errorf("DocPath(%v, %q) = %q; want none", tt.mount, tt.path, doc)
		}
	}
	if got := backup.ProposalsMount.String() + "|" + backup.VerificationsMount.String() + "|" + backup.RecordsMount.String(); got != "-proposals|-verifications|" {
		t.Errorf("mount names %q", got)
	}
}

// version1 is the sample as a release before the schema 2 layout wrote
// it: decisions under proposals/payout-decisions/, no verifications, no
// times.
func version1(t *testing.T) []byte {
	t.Helper()
	return edit(t, func(m map[string]interface{}) {
		m["version"] = 1
		m["records"] = withoutVerification(m)
		delete(request(m), "version_time")
		for _, r := range records(m) {
			r := r.(map[string]interface{})
			if p := r["path"].(string); strings.HasPrefix(p, "decisions/payout/") {
				r["path"] = "proposals/payout-decisions/" + strings.TrimPrefix(p, "decisions/payout/")
			}
		}
	})
}

// TestBackupVersion1: a backup made before the schema 2 layout still
// opens; Upgrade moves its decisions to decisions/payout/ and leaves the
// rest as it was.
func TestBackupVersion1(t *testing.T) {
	d, err := backup.Unmarshal(version1(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != backup.Version1 {
		t.Fatalf("version %d", d.Version)
	}
	if n := d.Counts()["payout-decision"]; n != 1 {
		t.Fatalf("counts of a version 1 document: %v", d.Counts())
	}
	up := d.Upgrade()
	if up.Version != backup.Version || d.Version != backup.Version1 {
		t.Fatalf("upgrade: version %d, original %d", up.Version, d.Version)
	}
	if err := up.Validate(); err != nil {
		t.Fatalf("upgraded document: %v", err)
	}
	want := sample()
	want.Records = nil
	for _, r := range sample().Records {
		if backup.Kind(r.Path) != "payout-verification" {
			r.VersionTime = ""
			want.Records = append(want.Records, r)
		}
	}
	want.Normalize()
	if !reflect.DeepEqual(up, want) {
		t.Fatalf("upgraded version 1 document differs:\n got %#v\nwant %#v", up, want)
	}
	if again := up.Upgrade(); again != up {
		t.Fatal("upgrading a current document made a new one")
	}
	// A version 1 document encodes as version 1, and decodes the same.
	b, err := backup.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := backup.Unmarshal(b)
	if err != nil || !reflect.DeepEqual(d, d2) {
		t.Fatalf("version 1 round trip: %v", err)
	}
}
