package backup

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/records"
)

// Format and Version name the document inside the age envelope. A
// document of another format, or of a version this sellervault does not
// know, is refused.
const (
	Format  = "sellervault-backup"
	Version = 1
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

// Document is a team's backup: every live record of the team's KV mount
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

// Record is one KV record: its path in the team's mount, the current
// version's data and the record's custom metadata.
type Record struct {
	Path           string                 `json:"path"`
	Data           map[string]interface{} `json:"data"`
	CustomMetadata map[string]string      `json:"custom_metadata"`
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

// Class is what a backup does with a path of the team's KV mount.
type Class int

// Classes of path.
const (
	Include   Class = iota // backed up and restored
	SkipInit               // _meta/init: `sellervault init` writes it
	SkipNotes              // _meta/reminders/...: the reminder job's notes
	SkipIndex              // _meta/redact/...: the redaction index, rebuilt by `redact --reindex`
	Unknown                // not a sellervault record: left out, and said so
)

// Paths of the records kept outside the record folders.
const (
	SettingsPath  = "_meta/settings"
	InitPath      = "_meta/init"
	RemindersDir  = "_meta/reminders/"
	RedactDir     = "_meta/redact/"
	StaffDir      = "staff/"
	credsInfix    = "/creds/"
	storesDir     = "stores/"
	mailboxesDir  = "contacts/email/"
	phonesDir     = "contacts/phone/"
	requestsDir   = "proposals/payout/"
	decisionsDir  = "proposals/payout-decisions/"
	personRoleOps = "ops"
)

// includedPrefixes are the folders whose records a backup holds; with
// SettingsPath, nothing outside them is ever restored.
var includedPrefixes = []string{storesDir, mailboxesDir, phonesDir, StaffDir, requestsDir, decisionsDir}

// Classify says what a backup does with path. The path is not checked
// here beyond its folder: CheckPath does that.
func Classify(path string) Class {
	switch {
	case path == SettingsPath:
		return Include
	case path == InitPath:
		return SkipInit
	case strings.HasPrefix(path, RemindersDir):
		return SkipNotes
	case strings.HasPrefix(path, RedactDir):
		return SkipIndex
	}
	for _, p := range includedPrefixes {
		if strings.HasPrefix(path, p) {
			return Include
		}
	}
	return Unknown
}

// Kind names what a record path holds, for summaries: store, credential,
// payout, mailbox, phone, staff, payout-request, payout-decision,
// settings, or other.
func Kind(path string) string {
	switch {
	case path == SettingsPath:
		return "settings"
	case strings.HasPrefix(path, storesDir):
		rest := strings.Split(strings.TrimPrefix(path, storesDir), "/")
		switch {
		case len(rest) == 1:
			return "store"
		case len(rest) == 3 && rest[1] == "creds":
			return "credential"
		case len(rest) == 2 && rest[1] == "payout":
			return "payout"
		}
	case strings.HasPrefix(path, mailboxesDir):
		return "mailbox"
	case strings.HasPrefix(path, phonesDir):
		return "phone"
	case strings.HasPrefix(path, StaffDir):
		return "staff"
	case strings.HasPrefix(path, requestsDir):
		return "payout-request"
	case strings.HasPrefix(path, decisionsDir):
		return "payout-decision"
	}
	return "other"
}

// CredentialAddress is STORE/NAME for a credential's path, or "" for
// another path.
func CredentialAddress(path string) string {
	if Kind(path) != "credential" {
		return ""
	}
	rest := strings.Split(strings.TrimPrefix(path, storesDir), "/")
	return rest[0] + "/" + rest[2]
}

// CredentialPath is the record path of a credential address.
func CredentialPath(address string) string {
	store, name, _ := strings.Cut(address, "/")
	return storesDir + store + credsInfix + name
}

// StaffName is NAME for a staff record's path, or "".
func StaffName(path string) string {
	if Kind(path) != "staff" {
		return ""
	}
	return strings.TrimPrefix(path, StaffDir)
}

// TOTPField and TOTPPeriodField are the credential data (and metadata)
// keys that link a credential to its key in the TOTP engine.
const (
	TOTPField       = "totp"
	TOTPPeriodField = "totp_period"
)

// TOTPRef is the TOTP key a credential record links to, or "".
func (r Record) TOTPRef() string {
	if Kind(r.Path) != "credential" {
		return ""
	}
	s, _ := r.Data[TOTPField].(string)
	return s
}

// CheckPath refuses a record path that a restore must not write: one
// outside the record folders (and _meta/settings), with an empty, "." or
// ".." segment, a backslash, a control character, invalid UTF-8, or past
// the length limits.
func CheckPath(path string) error {
	q := inputerr.Quote(path)
	switch {
	case path == "":
		return invalidf("record path is empty")
	case len(path) > MaxPathLen:
		return invalidf("record path %s is %d bytes long; at most %d", q, len(path), MaxPathLen)
	case !utf8.ValidString(path):
		return invalidf("record path %s is not valid UTF-8", q)
	case strings.ContainsRune(path, '\\'):
		return invalidf("record path %s has a backslash", q)
	case strings.IndexFunc(path, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return invalidf("record path %s has a space or control character", q)
	}
	segments := strings.Split(path, "/")
	if len(segments) > MaxPathSegments {
		return invalidf("record path %s has %d parts; at most %d", q, len(segments), MaxPathSegments)
	}
	for _, s := range segments {
		switch {
		case s == "":
			return invalidf("record path %s has an empty part (a leading, trailing or double slash)", q)
		case s == "." || s == "..":
			return invalidf("record path %s has a %q part: paths may not step out of their folder", q, s)
		case len(s) > MaxSegmentLen:
			return invalidf("record path %s has a part longer than %d bytes", q, MaxSegmentLen)
		}
	}
	if Classify(path) != Include {
		return invalidf("record path %s is outside the folders a backup holds (stores/, contacts/, staff/, proposals/ and %s)", q, SettingsPath)
	}
	return nil
}

var teamPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)

// Validate checks everything a restore relies on before its first write.
// Every error matches ErrInvalid and names the record or entry at fault,
// never a value.
func (d *Document) Validate() error {
	if d.Format != Format {
		return invalidf("not a sellervault backup: format %s, want %q", inputerr.Quote(d.Format), Format)
	}
	if d.Version != Version {
		return invalidf("backup format version %d is not supported by this sellervault (it reads version %d): use the sellervault release that made it, or a newer one", d.Version, Version)
	}
	if d.CreatedAt.IsZero() {
		return invalidf("backup has no created_at time")
	}
	if !teamPattern.MatchString(d.Team) {
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
	}
	if err := d.checkTOTP(paths); err != nil {
		return err
	}
	return d.checkStaff(paths)
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
