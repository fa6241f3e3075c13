package backup_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/inputerr"
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

// edit decodes the sample as generic JSON, lets f change it, and encodes
// it again: for documents Marshal would never write.
func edit(t *testing.T, f func(m map[string]interface{})) []byte {
	t.Helper()
	var m map[string]interface{}
	dec := json.NewDecoder(bytes.NewReader(marshal(t, sample())))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func records(m map[string]interface{}) []interface{} { return m["records"].([]interface{}) }
func record(m map[string]interface{}, i int) map[string]interface{} {
	return records(m)[i].(map[string]interface{})
}

// request is the payout change request of the sample.
func request(m map[string]interface{}) map[string]interface{} {
	for _, r := range records(m) {
		if strings.HasPrefix(r.(map[string]interface{})["path"].(string), "proposals/payout/") {
			return r.(map[string]interface{})
		}
	}
	panic("no request")
}

// verification is the payout verification of the sample.
func verification(m map[string]interface{}) map[string]interface{} {
	for _, r := range records(m) {
		if strings.HasPrefix(r.(map[string]interface{})["path"].(string), "verifications/") {
			return r.(map[string]interface{})
		}
	}
	panic("no verification")
}

func withoutVerification(m map[string]interface{}) []interface{} {
	var out []interface{}
	for _, r := range records(m) {
		if !strings.HasPrefix(r.(map[string]interface{})["path"].(string), "verifications/") {
			out = append(out, r)
		}
	}
	return out
}

// firstCred is the index of the credential record in the sorted sample.
func firstCred(m map[string]interface{}) map[string]interface{} {
	for _, r := range records(m) {
		if strings.Contains(r.(map[string]interface{})["path"].(string), "/creds/") {
			return r.(map[string]interface{})
		}
	}
	panic("no credential")
}

func TestBackupDecodeRefuses(t *testing.T) {
	good := string(marshal(t, sample()))
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"empty", nil, "empty"},
		{"not json", []byte("age-encryption.org/v1\n"), "not valid JSON"},
		{"array", []byte(`[]`), "not a JSON object"},
		{"trailing data", []byte(good + "{}"), "data after its end"},
		{"trailing garbage", []byte(good + "x"), "not valid JSON"},
		{"invalid utf-8", []byte("{\"format\":\"\xff\"}"), "UTF-8"},
		{"other format", edit(t, func(m map[string]interface{}) { m["format"] = "age-vault" }), `format "age-vault"`},
		{"newer version", edit(t, func(m map[string]interface{}) { m["version"] = 3 }), "version 3 is not supported"},
		{"version 0", edit(t, func(m map[string]interface{}) { m["version"] = 0 }), "version 0 is not supported"},
		{"version as string", edit(t, func(m map[string]interface{}) { m["version"] = "1" }), "version"},
		{"unknown field", edit(t, func(m map[string]interface{}) { m["extra"] = true }), `unknown field "extra"`},
		{"case-folded field", edit(t, func(m map[string]interface{}) { m["Team"] = m["team"] }), `unknown field "Team"`},
		{"missing records", edit(t, func(m map[string]interface{}) { delete(m, "records") }), `no "records"`},
		{"records null", edit(t, func(m map[string]interface{}) { m["records"] = nil }), "records is not a JSON array"},
		{"bad time", edit(t, func(m map[string]interface{}) { m["created_at"] = "yesterday" }), "RFC 3339"},
		{"bad team", edit(t, func(m map[string]interface{}) { m["team"] = "../x" }), "not a mount prefix"},
		{"duplicate path", edit(t, func(m map[string]interface{}) {
			m["records"] = append(records(m), record(m, 1))
		}), "appears twice"},
		{"traversal", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/../../sys/policy" }), `".." part`},
		{"dot segment", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/./x" }), `"." part`},
		{"outside prefixes", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "_meta/init" }), "outside the folders"},
		{"redaction index", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "_meta/redact/ab" }), "outside the folders"},
		{"absolute", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "/stores/x" }), "empty part"},
		{"trailing slash", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/x/" }), "empty part"},
		{"backslash", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = `stores\x` }), "backslash"},
		{"control char", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/x\ny" }), "control character"},
		{"too deep path", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/a/b/c/d/e/f/g/h" }), "parts"},
		{"request too deep", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "proposals/payout/acme-us/x/y" }), "outside the folders"},
		{"request too shallow", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "proposals/payout/acme-us" }), "outside the folders"},
		{"request traversal", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "proposals/payout/../x" }), `".." part`},
		{"decision too deep", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "decisions/payout/acme-us/x/y" }), "outside the folders"},
		{"decision traversal", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "decisions/payout/../../stores/x" }), `".." part`},
		{"other decisions", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "decisions/other/acme-us/1" }), "outside the folders"},
		{"other proposals", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "proposals/other/acme-us/1" }), "outside the folders"},
		{"verification too deep", edit(t, func(m map[string]interface{}) { verification(m)["path"] = "verifications/payout/acme-us/x" }), "outside the folders"},
		{"verification dot", edit(t, func(m map[string]interface{}) { verification(m)["path"] = "verifications/payout/." }), `"." part`},
		{"version 1 decision path in version 2", edit(t, func(m map[string]interface{}) {
			record(m, 1)["path"] = "proposals/payout-decisions/acme-us/1"
		}), "where version 1 backups kept decisions"},
		{"verification without time", edit(t, func(m map[string]interface{}) { delete(verification(m), "version_time") }), "no version_time"},
		{"verification empty time", edit(t, func(m map[string]interface{}) { verification(m)["version_time"] = "" }), "no version_time"},
		{"verification bad time", edit(t, func(m map[string]interface{}) { verification(m)["version_time"] = "yesterday" }), "not an RFC 3339 time"},
		{"verification time null", edit(t, func(m map[string]interface{}) { verification(m)["version_time"] = nil }), "version_time is null"},
		{"verification time number", edit(t, func(m map[string]interface{}) { verification(m)["version_time"] = 17 }), "version_time"},
		{"verification long time", edit(t, func(m map[string]interface{}) {
			verification(m)["version_time"] = "2025-05-30T14:02:11." + strings.Repeat("1", 60) + "Z"
		}), "longer than"},
		{"time on another record", edit(t, func(m map[string]interface{}) { firstCred(m)["version_time"] = "2025-05-30T14:02:11Z" }), "only payout change requests and verifications"},
		{"request bad time", edit(t, func(m map[string]interface{}) { request(m)["version_time"] = "2025-06-01 09:00" }), "not an RFC 3339 time"},
		{"version 1 request with a time", edit(t, func(m map[string]interface{}) {
			m["version"] = 1
			m["records"] = withoutVerification(m)
			for _, r := range records(m) {
				if p := r.(map[string]interface{})["path"].(string); strings.HasPrefix(p, "decisions/") {
					r.(map[string]interface{})["path"] = "proposals/payout-decisions/" + strings.TrimPrefix(p, "decisions/payout/")
				}
			}
		}), "which a version 1 backup does not have"},
		{"version 1 with a verification", edit(t, func(m map[string]interface{}) {
			m["version"] = 1
			delete(request(m), "version_time")
			for _, r := range records(m) {
				if p := r.(map[string]interface{})["path"].(string); strings.HasPrefix(p, "decisions/") {
					r.(map[string]interface{})["path"] = "proposals/payout-decisions/" + strings.TrimPrefix(p, "decisions/payout/")
				}
			}
		}), "not in a version 1 backup"},
		{"version 1 with a decision at its new place", edit(t, func(m map[string]interface{}) {
			m["version"] = 1
			m["records"] = withoutVerification(m)
		}), "not in a version 1 backup"},
		{"non-string metadata", edit(t, func(m map[string]interface{}) {
			firstCred(m)["custom_metadata"].(map[string]interface{})["owner"] = 7
		}), "not a string"},
		{"metadata object", edit(t, func(m map[string]interface{}) {
			firstCred(m)["custom_metadata"].(map[string]interface{})["owner"] = map[string]interface{}{}
		}), "not a string"},
		{"empty metadata value", edit(t, func(m map[string]interface{}) {
			firstCred(m)["custom_metadata"].(map[string]interface{})["owner"] = ""
		}), "empty"},
		{"long metadata value", edit(t, func(m map[string]interface{}) {
			firstCred(m)["custom_metadata"].(map[string]interface{})["owner"] = strings.Repeat("x", 513)
		}), "at most 512"},
		{"metadata null", edit(t, func(m map[string]interface{}) { firstCred(m)["custom_metadata"] = nil }), "not a JSON object"},
		{"data null", edit(t, func(m map[string]interface{}) { firstCred(m)["data"] = nil }), "not a JSON object"},
		{"data string", edit(t, func(m map[string]interface{}) { firstCred(m)["data"] = "x" }), "not a JSON object"},
		{"record unknown field", edit(t, func(m map[string]interface{}) { firstCred(m)["version"] = 3 }), `unknown field "version"`},
		{"totp list missing a credential", edit(t, func(m map[string]interface{}) { m["totp_reenrol"] = []interface{}{} }), "not in totp_reenrol"},
		{"totp list names a stranger", edit(t, func(m map[string]interface{}) {
			m["totp_reenrol"] = append(m["totp_reenrol"].([]interface{}), map[string]interface{}{"credential": "acme-de/x"})
		}), "not a credential with a totp key"},
		{"totp bad address", edit(t, func(m map[string]interface{}) {
			m["totp_reenrol"] = []interface{}{map[string]interface{}{"credential": "../x"}}
		}), "store name"},
		{"staff twice", edit(t, func(m map[string]interface{}) {
			m["staff"] = append(m["staff"].([]interface{}), m["staff"].([]interface{})[0])
		}), "twice"},
		{"staff bad role", edit(t, func(m map[string]interface{}) {
			m["staff"].([]interface{})[0].(map[string]interface{})["role"] = "root"
		}), "role"},
		{"staff record missing", edit(t, func(m map[string]interface{}) {
			m["staff"].([]interface{})[0].(map[string]interface{})["staff_record"] = true
		}), "staff record"},
		{"staff stores null", edit(t, func(m map[string]interface{}) {
			m["staff"].([]interface{})[0].(map[string]interface{})["stores"] = nil
		}), "null"},
		{"negative deleted", edit(t, func(m map[string]interface{}) { m["deleted_skipped"] = -1 }), "negative"},
		{"duplicate name", []byte(strings.Replace(good, `"format": "sellervault-backup",`, `"format": "sellervault-backup", "format": "sellervault-backup",`, 1)), "twice in one object"},
		{"duplicate data key", []byte(strings.Replace(good, `"kind": "store",`, `"kind": "store", "kind": "x",`, 1)), "twice in one object"},
		{"deep nesting", edit(t, func(m map[string]interface{}) {
			var v interface{} = "x"
			for i := 0; i < 30; i++ {
				v = []interface{}{v}
			}
			firstCred(m)["data"].(map[string]interface{})["deep"] = v
		}), "nested"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := backup.Unmarshal(tt.input)
			if err == nil {
				t.Fatalf("accepted")
			}
			if !errors.Is(err, backup.ErrInvalid) || !errors.Is(err, inputerr.ErrInvalid) {
				t.Fatalf("error %q does not match ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), canary) {
				t.Fatalf("error %q quotes a value", err)
			}
		})
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

func mustIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestBackupSealOpen(t *testing.T) {
	id, other := mustIdentity(t), mustIdentity(t)
	var buf bytes.Buffer
	if err := backup.Seal(&buf, sample(), id.Recipient(), other.Recipient()); err != nil {
		t.Fatal(err)
	}
	sealed := buf.Bytes()
	if bytes.Contains(sealed, []byte(canary)) || bytes.Contains(sealed, []byte("seller-central")) {
		t.Fatal("the sealed file holds a value in clear")
	}
	if !bytes.HasPrefix(sealed, []byte("age-encryption.org/v1\n")) {
		t.Fatal("not an age file")
	}
	for _, who := range []*age.X25519Identity{id, other} {
		d, err := backup.Open(bytes.NewReader(sealed), who)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d, sample()) {
			// sample() is normalised by Marshal inside Seal; compare normalised
			want := sample()
			want.Normalize()
			if !reflect.DeepEqual(d, want) {
				t.Fatalf("opened document differs")
			}
		}
	}

	t.Run("wrong key", func(t *testing.T) {
		_, err := backup.Open(bytes.NewReader(sealed), mustIdentity(t))
		if !errors.Is(err, backup.ErrWrongKey) || !strings.Contains(err.Error(), "other recipients") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("passphrase for a keyed file", func(t *testing.T) {
		pid, _ := backup.PassphraseIdentity("hunter2-hunter2")
		_, err := backup.Open(bytes.NewReader(sealed), pid)
		if !errors.Is(err, backup.ErrWrongKey) || !strings.Contains(err.Error(), "use --identity") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{len(sealed) - 1, len(sealed) - 17, len(sealed) / 2, 200, 30} {
			_, err := backup.Open(bytes.NewReader(sealed[:n]), id)
			if !errors.Is(err, backup.ErrDamaged) {
				t.Fatalf("cut to %d bytes: got %v", n, err)
			}
		}
	})
	t.Run("flipped byte", func(t *testing.T) {
		bad := bytes.Clone(sealed)
		bad[len(bad)-10] ^= 1
		if _, err := backup.Open(bytes.NewReader(bad), id); !errors.Is(err, backup.ErrDamaged) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("not age", func(t *testing.T) {
		for _, in := range []string{"", "{}", canary + "\n", "-----BEGIN AGE ENCRYPTED FILE-----\nxx"} {
			_, err := backup.Open(strings.NewReader(in), id)
			if !errors.Is(err, backup.ErrNotAge) || strings.Contains(err.Error(), canary) {
				t.Fatalf("%q: got %v", in, err)
			}
		}
	})
	t.Run("sealed plaintext that is not a backup", func(t *testing.T) {
		var buf bytes.Buffer
		w, _ := age.Encrypt(&buf, id.Recipient())
		w.Write([]byte(`{"format":"something-else","version":1}`))
		w.Close()
		if _, err := backup.Open(&buf, id); !errors.Is(err, backup.ErrInvalid) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestBackupPassphrase(t *testing.T) {
	r, err := backup.PassphraseRecipient("correct horse battery staple", 10)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := backup.Seal(&buf, sample(), r); err != nil {
		t.Fatal(err)
	}
	sealed := buf.Bytes()
	good, _ := backup.PassphraseIdentity("correct horse battery staple")
	if _, err := backup.Open(bytes.NewReader(sealed), good); err != nil {
		t.Fatal(err)
	}
	bad, _ := backup.PassphraseIdentity("wrong horse")
	if _, err := backup.Open(bytes.NewReader(sealed), bad); !errors.Is(err, backup.ErrWrongKey) || !strings.Contains(err.Error(), "passphrase is wrong") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := backup.Open(bytes.NewReader(sealed), mustIdentity(t)); err == nil || !strings.Contains(err.Error(), "use --passphrase") {
		t.Fatalf("key for a passphrase file: %v", err)
	}
	if _, err := backup.PassphraseRecipient("", 0); err == nil {
		t.Fatal("empty passphrase accepted")
	}
}

func TestBackupParseKeys(t *testing.T) {
	id := mustIdentity(t)
	pub := id.Recipient().String()
	if _, err := backup.ParseRecipient(pub); err != nil {
		t.Fatal(err)
	}
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.ParseRecipient(pq.Recipient().String()); err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{
		"":                   "empty",
		id.String():          "secret key",
		"ssh-ed25519 AAAAC3": "SSH",
		"age1notakey":        "not a valid",
		"gpg:ABCDEF":         "not an age public key",
	}
	for in, want := range refused {
		_, err := backup.ParseRecipient(in)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, backup.ErrInvalid) {
			t.Errorf("ParseRecipient(%.20q) = %v, want %q", in, err, want)
		}
		if err != nil && in != "" && strings.Contains(err.Error(), in) && len(in) > 12 {
			t.Errorf("ParseRecipient quotes its whole input: %v", err)
		}
	}

	file := "# team keys\n\n" + pub + "\n" + pq.Recipient().String() + "\n"
	recs, err := backup.ParseRecipientsFile(strings.NewReader(file))
	if err != nil || len(recs) != 2 {
		t.Fatalf("recipients file: %d, %v", len(recs), err)
	}
	if _, err := backup.ParseRecipientsFile(strings.NewReader("# nobody\n")); err == nil {
		t.Fatal("empty recipients file accepted")
	}
	if _, err := backup.ParseRecipientsFile(strings.NewReader(pub + "\n" + id.String() + "\n")); err == nil ||
		!strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), id.String()) {
		t.Fatalf("secret key in a recipients file: %v", err)
	}

	keyFile := "# created: 2025-06-01T09:00:00Z\n# public key: " + pub + "\n" + id.String() + "\n" + pq.String() + "\n"
	ids, err := backup.ParseIdentities(strings.NewReader(keyFile))
	if err != nil || len(ids) != 2 {
		t.Fatalf("identity file: %d, %v", len(ids), err)
	}
	if _, err := backup.ParseIdentities(strings.NewReader(pub + "\n")); err == nil || !strings.Contains(err.Error(), "public key") {
		t.Fatalf("public key as identity: %v", err)
	}
	if _, err := backup.ParseIdentities(strings.NewReader("AGE-SECRET-KEY-1NOPE\n")); err == nil || strings.Contains(err.Error(), "NOPE") {
		t.Fatalf("bad secret key: %v", err)
	}
}
