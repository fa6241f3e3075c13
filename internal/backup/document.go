package backup

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/records"
)

// Format and Version name the document inside the age envelope. A
// document of another format, or of a version this sellervault does not
// know, is refused.
//
// Version 2 holds the records of the team's three KV mounts (records,
// proposals, verifications) in one path space, and when each payout
// change request and verification was made. Version 1 (the releases before the layout's schema
// 2) held the records mount only, with the managers' decisions on payout
// changes under proposals/payout-decisions/; it is still read, and
// Upgrade maps it to version 2.
const (
	Format   = "sellervault-backup"
	Version  = 2
	Version1 = 1
)

// ErrInvalid is matched, with errors.Is, by every refusal of a document:
// nothing was restored. It is inputerr.ErrInvalid, which the app maps to
// the usage exit code.
var ErrInvalid = inputerr.ErrInvalid

var invalidf = inputerr.Errorf

// Limits of a document. Vault's own limits of custom metadata are checked
// here, so that a restore does not fail half-way on a record Vault refuses.
const (
	MaxPlaintext      = 64 << 20 // bytes of JSON inside the envelope
	MaxRecords        = 100000
	MaxPathLen        = 1024
	MaxPathSegments   = 8
	MaxSegmentLen     = 255
	MaxDataKeyLen     = 256
	MaxMetadataKeys   = 64  // Vault: custom_metadata keys
	MaxMetadataKeyLen = 128 // Vault: custom_metadata key length
	MaxMetadataValue  = 512 // Vault: custom_metadata value length
	MaxDepth          = 16  // nesting of JSON values
	MaxStaff          = 10000
)

// Document is a team's backup: every live record of the team's KV mounts
// (current version's data and custom metadata), and what could not be
// backed up and must be done again after a restore.
type Document struct {
	Format             string    `json:"format"`
	Version            int       `json:"version"`
	CreatedAt          time.Time `json:"created_at"`
	Team               string    `json:"team"`
	SellervaultVersion string    `json:"sellervault_version,omitempty"`
	// Records are sorted by path; paths are unique.
	Records []Record `json:"records"`
	// TOTPReenrol lists the credentials whose TOTP key lived in Vault's
	// TOTP engine: the seed cannot be read back, so it is not in the backup.
	TOTPReenrol []TOTPKey `json:"totp_reenrol"`
	// Staff lists the team's people: staff records and members of the
	// team's role groups. Logins (identities, userpass passwords) are not
	// in the backup.
	Staff []Person `json:"staff"`
	// DeletedSkipped counts records whose current version was deleted:
	// they are not in the backup.
	DeletedSkipped int `json:"deleted_skipped"`
}

// Record is one KV record: its document path (Place says in which mount
// and where it lives), the current version's data and the record's
// custom metadata.
type Record struct {
	Path           string                 `json:"path"`
	Data           map[string]interface{} `json:"data"`
	CustomMetadata map[string]string      `json:"custom_metadata"`
	// VersionTime is when the current version was written, as Vault wrote
	// it (RFC 3339): set for payout change requests and verifications
	// only, because when a request was made and a verification done is
	// that version's time; always for verifications, and for the requests
	// of every version 2 backup sellervault writes (a version 1 backup had
	// none). A restored version is dated by the restore, so a restore
	// keeps this time beside it.
	VersionTime string `json:"version_time,omitempty"`
}

// TOTPKey is a credential whose TOTP seed must be enrolled again.
type TOTPKey struct {
	Credential string `json:"credential"` // STORE/NAME
	Issuer     string `json:"issuer,omitempty"`
	Account    string `json:"account,omitempty"`
}

// Person is someone of the team who needs a login again after a restore.
type Person struct {
	Name   string   `json:"name"`
	Role   string   `json:"role"` // ops, finance or manager
	Stores []string `json:"stores"`
	// Status is the staff record's status (active, offboarded), or active
	// for a member of a role group without a staff record.
	Status string `json:"status"`
	// StaffRecord says whether a staff record (staff/NAME) is in Records.
	StaffRecord bool `json:"staff_record"`
}

// teamPattern is compiled on first use, not at every start of the CLI.
var teamPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
})

// Validate checks everything a restore relies on before its first write.
// Every error matches ErrInvalid and names the record or entry at fault,
// never a value.
func (d *Document) Validate() error {
	if d.Format != Format {
		return invalidf("not a sellervault backup: format %s, want %q", inputerr.Quote(d.Format), Format)
	}
	if err := checkVersion(d.Version); err != nil {
		return err
	}
	if d.CreatedAt.IsZero() {
		return invalidf("backup has no created_at time")
	}
	if !teamPattern().MatchString(d.Team) {
		return invalidf("backup team %s is not a mount prefix (2-32 lower-case letters, digits and hyphens)", inputerr.Quote(d.Team))
	}
	if len(d.Records) > MaxRecords {
		return invalidf("backup has %d records; at most %d", len(d.Records), MaxRecords)
	}
	if d.DeletedSkipped < 0 {
		return invalidf("backup's deleted_skipped is negative")
	}
	paths := make(map[string]*Record, len(d.Records))
	for i := range d.Records {
		r := &d.Records[i]
		if err := CheckPath(r.Path); err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
		if _, dup := paths[r.Path]; dup {
			return invalidf("record path %s appears twice", inputerr.Quote(r.Path))
		}
		paths[r.Path] = r
		if err := checkData(r.Path, r.Data); err != nil {
			return err
		}
		if err := checkMetadata(r.Path, r.CustomMetadata); err != nil {
			return err
		}
		if err := d.checkVersionPath(r); err != nil {
			return err
		}
	}
	if err := d.checkTOTP(paths); err != nil {
		return err
	}
	return d.checkStaff(paths)
}

func checkVersion(v int) error {
	if v != Version && v != Version1 {
		return invalidf("backup format version %d is not supported by this sellervault (it reads versions %d and %d): use the sellervault release that made it, or a newer one", v, Version1, Version)
	}
	return nil
}

// MaxVersionTime is the longest version_time taken (RFC 3339 with
// nanoseconds and an offset is 35 bytes).
const MaxVersionTime = 64

// checkVersionPath refuses paths and fields of the other version, a
// verification without a valid time, a request with an invalid one, and a
// time on another record.
func (d *Document) checkVersionPath(r *Record) error {
	q := inputerr.Quote(r.Path)
	kind := Kind(r.Path)
	switch {
	case d.Version == Version && strings.HasPrefix(r.Path, Version1DecisionsDir):
		return invalidf("record path %s is where version 1 backups kept decisions; a version %d backup keeps them under %s", q, Version, DecisionsDir)
	case d.Version == Version1 && (strings.HasPrefix(r.Path, DecisionsDir) || kind == "payout-verification"):
		return invalidf("record path %s is not in a version 1 backup", q)
	case d.Version == Version1 && r.VersionTime != "":
		return invalidf("record %s has a version_time, which a version 1 backup does not have", q)
	case d.Version == Version1:
		return nil
	case !TimedKind(kind) && r.VersionTime != "":
		return invalidf("record %s has a version_time; only payout change requests and verifications have one", q)
	case !TimedKind(kind):
		return nil
	case r.VersionTime == "" && kind == "payout-verification":
		return invalidf("%s %s has no version_time (when it was made)", kind, q)
	case r.VersionTime == "":
		return nil // a request of a version 1 backup, upgraded: dated by the restore
	case len(r.VersionTime) > MaxVersionTime:
		return invalidf("%s %s has a version_time longer than %d bytes", kind, q, MaxVersionTime)
	}
	if _, err := time.Parse(time.RFC3339Nano, r.VersionTime); err != nil {
		return invalidf("%s %s has a version_time %s that is not an RFC 3339 time", kind, q, inputerr.Quote(r.VersionTime))
	}
	return nil
}

// TimedKind reports whether records of a kind (see Kind) carry their
// VersionTime: payout change requests and verifications.
func TimedKind(kind string) bool {
	return kind == "payout-request" || kind == "payout-verification"
}

// Upgrade returns the document as the current version has it: a version
// 1 document's decisions (proposals/payout-decisions/STORE/ID) move to
// decisions/payout/STORE/ID, and its records are sorted again. Version 1
// has no verifications and no decisions at their new place, so no two
// records meet. A current document is returned as it is. Validate d first.
func (d *Document) Upgrade() *Document {
	if d.Version != Version1 {
		return d
	}
	up := *d
	up.Version = Version
	up.Records = make([]Record, len(d.Records))
	for i, r := range d.Records {
		if strings.HasPrefix(r.Path, Version1DecisionsDir) {
			r.Path = DecisionsDir + strings.TrimPrefix(r.Path, Version1DecisionsDir)
		}
		up.Records[i] = r
	}
	sort.Slice(up.Records, func(i, j int) bool { return up.Records[i].Path < up.Records[j].Path })
	return &up
}

func checkData(path string, data map[string]interface{}) error {
	q := inputerr.Quote(path)
	if data == nil {
		return invalidf("record %s has no data", q)
	}
	for k, v := range data {
		if k == "" || len(k) > MaxDataKeyLen || !utf8.ValidString(k) || strings.IndexFunc(k, unicode.IsControl) >= 0 {
			return invalidf("record %s has a data key %s that is empty, too long or has control characters", q, inputerr.Quote(k))
		}
		if err := checkValue(v, 1); err != nil {
			return invalidf("record %s, data key %s: %v", q, inputerr.Quote(k), err)
		}
	}
	return nil
}

// checkValue accepts what JSON decoding with UseNumber gives, nested at
// most MaxDepth deep.
func checkValue(v interface{}, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("nested more than %d deep", MaxDepth)
	}
	switch v := v.(type) {
	case nil, bool, string, json.Number:
		if s, ok := v.(string); ok && !utf8.ValidString(s) {
			return fmt.Errorf("not valid UTF-8")
		}
		return nil
	case []interface{}:
		for _, e := range v {
			if err := checkValue(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	case map[string]interface{}:
		for _, e := range v {
			if err := checkValue(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("a value of type %T", v)
}

func checkMetadata(path string, meta map[string]string) error {
	q := inputerr.Quote(path)
	if len(meta) > MaxMetadataKeys {
		return invalidf("record %s has %d custom metadata keys; Vault takes at most %d", q, len(meta), MaxMetadataKeys)
	}
	for k, v := range meta {
		switch {
		case k == "" || len(k) > MaxMetadataKeyLen || !utf8.ValidString(k) || strings.IndexFunc(k, unicode.IsControl) >= 0:
			return invalidf("record %s has a custom metadata key %s that is empty, longer than %d bytes or has control characters", q, inputerr.Quote(k), MaxMetadataKeyLen)
		case v == "":
			return invalidf("record %s, custom metadata %s is empty (Vault refuses empty values)", q, inputerr.Quote(k))
		case len(v) > MaxMetadataValue:
			return invalidf("record %s, custom metadata %s is %d bytes long; Vault takes at most %d", q, inputerr.Quote(k), len(v), MaxMetadataValue)
		case !utf8.ValidString(v):
			return invalidf("record %s, custom metadata %s is not valid UTF-8", q, inputerr.Quote(k))
		}
	}
	return nil
}

// checkTOTP: the re-enrol list names exactly the credentials in the
// backup that link to a TOTP key, once each.
func (d *Document) checkTOTP(paths map[string]*Record) error {
	listed := map[string]bool{}
	for _, t := range d.TOTPReenrol {
		if _, _, err := records.ParseCredAddress(t.Credential); err != nil {
			return invalidf("totp_reenrol: %v", err)
		}
		if listed[t.Credential] {
			return invalidf("totp_reenrol names %s twice", t.Credential)
		}
		listed[t.Credential] = true
		r, ok := paths[CredentialPath(t.Credential)]
		if !ok || r.TOTPRef() == "" {
			return invalidf("totp_reenrol names %s, which is not a credential with a totp key in this backup", t.Credential)
		}
		if len(t.Issuer) > MaxMetadataValue || len(t.Account) > MaxMetadataValue {
			return invalidf("totp_reenrol entry %s is too long", t.Credential)
		}
	}
	for _, r := range d.Records {
		if addr := CredentialAddress(r.Path); addr != "" && r.TOTPRef() != "" && !listed[addr] {
			return invalidf("credential %s links to a totp key but is not in totp_reenrol", addr)
		}
	}
	return nil
}

// checkStaff: people are named once, with a known role and valid store
// names; a person said to have a staff record has one in the backup.
func (d *Document) checkStaff(paths map[string]*Record) error {
	if len(d.Staff) > MaxStaff {
		return invalidf("backup lists %d people; at most %d", len(d.Staff), MaxStaff)
	}
	seen := map[string]bool{}
	for _, p := range d.Staff {
		if _, err := records.ParsePersonName(p.Name); err != nil {
			return invalidf("staff: %v", err)
		}
		if seen[p.Name] {
			return invalidf("staff lists %s twice", p.Name)
		}
		seen[p.Name] = true
		switch p.Role {
		case personRoleOps, "finance", "manager":
		default:
			return invalidf("staff member %s has role %s; want ops, finance or manager", p.Name, inputerr.Quote(p.Role))
		}
		if p.Status == "" || len(p.Status) > 32 || strings.IndexFunc(p.Status, func(r rune) bool { return !('a' <= r && r <= 'z' || r == '-') }) >= 0 {
			return invalidf("staff member %s has status %s; want a lower-case word like active", p.Name, inputerr.Quote(p.Status))
		}
		for _, s := range p.Stores {
			if _, err := records.ParseStoreName(s); err != nil {
				return invalidf("staff member %s: %v", p.Name, err)
			}
		}
		if p.StaffRecord {
			if _, ok := paths[StaffDir+p.Name]; !ok {
				return invalidf("staff member %s is said to have a staff record, but staff/%s is not in the backup", p.Name, p.Name)
			}
		}
	}
	return nil
}

// Normalize sorts records by path, the re-enrol list by credential and
// people by name, and turns nil lists and maps into empty ones, so that
// one team gives one document.
func (d *Document) Normalize() {
	sort.Slice(d.Records, func(i, j int) bool { return d.Records[i].Path < d.Records[j].Path })
	sort.Slice(d.TOTPReenrol, func(i, j int) bool { return d.TOTPReenrol[i].Credential < d.TOTPReenrol[j].Credential })
	sort.Slice(d.Staff, func(i, j int) bool { return d.Staff[i].Name < d.Staff[j].Name })
	if d.Records == nil {
		d.Records = []Record{}
	}
	if d.TOTPReenrol == nil {
		d.TOTPReenrol = []TOTPKey{}
	}
	if d.Staff == nil {
		d.Staff = []Person{}
	}
	for i := range d.Records {
		if d.Records[i].CustomMetadata == nil {
			d.Records[i].CustomMetadata = map[string]string{}
		}
	}
	for i := range d.Staff {
		if d.Staff[i].Stores == nil {
			d.Staff[i].Stores = []string{}
		}
	}
	d.CreatedAt = d.CreatedAt.UTC().Truncate(time.Second)
}

// Counts are a document's records by kind (see Kind).
func (d *Document) Counts() map[string]int {
	out := map[string]int{}
	for _, r := range d.Records {
		out[Kind(r.Path)]++
	}
	return out
}
