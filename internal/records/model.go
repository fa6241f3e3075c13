package records

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kinds of record, as kept in custom metadata "kind".
const (
	KindStore      = "store"
	KindCredential = "credential"
	KindMailbox    = "mailbox"
	KindPhone      = "phone"
)

// Paths of records in the KV mount.
const (
	storesDir  = "stores"
	MailboxDir = "contacts/email"
	PhoneDir   = "contacts/phone"
)

// StoreDir is the folder that lists stores.
func StoreDir() string { return storesDir }

// StorePath is a store record's path.
func StorePath(store string) string { return storesDir + "/" + store }

// CredDir is the folder of a store's credentials.
func CredDir(store string) string { return storesDir + "/" + store + "/creds" }

// CredPath is a credential's path.
func CredPath(store, name string) string { return CredDir(store) + "/" + name }

// PayoutPath is a store's payout record's path.
func PayoutPath(store string) string { return StorePath(store) + "/payout" }

// MailboxPath is a mailbox record's path, by its ID (ContactID): the
// address is no path component.
func MailboxPath(id string) string { return MailboxDir + "/" + id }

// PhonePath is a phone record's path, by its ID (ContactID).
func PhonePath(id string) string { return PhoneDir + "/" + id }

// Rotation is when a secret was last changed and how often it must be.
type Rotation struct {
	Every       time.Duration // 0: no schedule of its own
	LastRotated time.Time     // zero: never recorded
	DueSince    time.Time     // set when marked due now (offboarding, by hand); zero otherwise
}

// Field is one named field of a record, for display and --field.
type Field struct {
	Name   string
	Value  string
	Secret bool
	// Redact is the redaction kind of a value that must not be pasted
	// into chats ("password", "email", "phone", "login", "store"), which
	// goes into the redaction index; "" for none.
	Redact string
	// Meta is how custom metadata mirrors the field (MetaMaskEmail,
	// MetaMaskPhone), "" as it is. Secrets, logins and notes are never
	// mirrored.
	Meta string
}

// How a field is mirrored in custom metadata: masked, so that listings
// and the reminder job (which read metadata only) show which mailbox or
// phone is meant without holding the value.
const (
	MetaMaskEmail = "mask-email"
	MetaMaskPhone = "mask-phone"
)

// Store is a seller account on a marketplace.
type Store struct {
	Name        string
	Marketplace string
	Region      string
	Notes       string
	Sensitive   bool // its name must not be pasted into chats: redaction finds it
	UpdatedBy   string
}

// Credential is a login under a store.
type Credential struct {
	Store, Name   string
	Login         string
	Password      string // secret
	URL           string
	Notes         string
	RecoveryEmail string // a mailbox's address (masked when read from metadata)
	RecoveryPhone string // a phone's E.164 number (masked when read from metadata)
	// RecoveryEmailRef and RecoveryPhoneRef are the IDs (ContactID) of
	// the recovery mailbox and phone, in metadata, so that a listing
	// finds the mailbox and phone records without the values.
	RecoveryEmailRef, RecoveryPhoneRef string
	Owner                              string
	Assignees                          []string
	Rotation                           Rotation
	TOTPKey                            string // the name of its key in the TOTP engine, if any
	TOTPPeriod                         int    // that key's period in seconds
	// Pending is a new password being set on the site (secret); the
	// current one stays until the change is confirmed.
	Pending      string
	PendingSince time.Time
	UpdatedBy    string
	// MirrorStale: read from metadata that is behind the credential's
	// data (written around sellervault) by a caller who may not read the
	// data, so the fields shown may be out of date until a manager's
	// listing or `sellervault doctor` repairs it. Never stored.
	MirrorStale bool
}

// TOTPKeyName names a credential's key in the TOTP engine: the store and
// the credential joined by a dot (names hold no dots), so that a policy
// glob "code/STORE.*" opens exactly one store's keys.
func TOTPKeyName(store, name string) string { return store + "." + name }

// Address is "STORE/NAME".
func (c Credential) Address() string { return c.Store + "/" + c.Name }

// Mailbox is an e-mail account, company-owned or someone's own.
type Mailbox struct {
	ID               string // ContactID of the address: the record's key
	Address          string // masked when read from metadata
	Password         string // secret
	RecoveryPhone    string // masked when read from metadata
	RecoveryPhoneRef string // ContactID of the recovery phone
	Assignee         string
	Personal         bool
	Rotation         Rotation
	UpdatedBy        string
}

// Phone is a phone number used to receive codes or recover accounts.
type Phone struct {
	ID        string // ContactID of the number: the record's key
	Number    string // E.164; masked when read from metadata
	Carrier   string
	PIN       string // the SIM PIN; secret, may be empty
	Assignee  string
	Personal  bool
	Rotation  Rotation
	UpdatedBy string
}

// Fields lists a store's fields in display order.
func (s Store) Fields() []Field {
	return []Field{
		{Name: "name", Value: s.Name, Redact: s.redactName()}, {Name: "marketplace", Value: s.Marketplace},
		{Name: "region", Value: s.Region}, {Name: "notes", Value: s.Notes},
		{Name: "sensitive", Value: yesOrEmpty(s.Sensitive)},
	}
}

// redactName: a store's name goes into the redaction index when the
// store is marked sensitive (its name says whose business it is).
func (s Store) redactName() string {
	if s.Sensitive {
		return RedactStore
	}
	return ""
}

func yesOrEmpty(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// Fields lists a credential's fields in display order.
func (c Credential) Fields() []Field {
	return []Field{
		{Name: "store", Value: c.Store}, {Name: "name", Value: c.Name},
		{Name: "login", Value: c.Login, Redact: RedactLogin}, {Name: "password", Value: c.Password, Secret: true, Redact: RedactPassword},
		{Name: "url", Value: c.URL}, {Name: "notes", Value: c.Notes},
		{Name: "recovery-email", Value: c.RecoveryEmail, Meta: MetaMaskEmail}, {Name: "recovery-phone", Value: c.RecoveryPhone, Meta: MetaMaskPhone},
		{Name: "owner", Value: c.Owner}, {Name: "assignees", Value: strings.Join(c.Assignees, ",")},
		rotateEvery(c.Rotation), lastRotated(c.Rotation), rotationDue(c.Rotation),
		{Name: "totp", Value: c.TOTPKey}, {Name: "totp-period", Value: formatSeconds(c.TOTPPeriod)},
		{Name: "pending-password", Value: c.Pending, Secret: true, Redact: RedactPassword}, {Name: "pending-since", Value: formatTime(c.PendingSince)},
	}
}

// The rotation facts every kind of record with a schedule has.
func rotateEvery(r Rotation) Field { return Field{Name: "rotate-every", Value: formatEvery(r.Every)} }
func lastRotated(r Rotation) Field {
	return Field{Name: "last-rotated", Value: formatTime(r.LastRotated)}
}
func rotationDue(r Rotation) Field { return Field{Name: "rotation-due", Value: formatTime(r.DueSince)} }

func formatSeconds(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// Fields lists a mailbox's fields in display order.
func (m Mailbox) Fields() []Field {
	return []Field{
		{Name: "address", Value: m.Address, Redact: RedactEmail, Meta: MetaMaskEmail}, {Name: "password", Value: m.Password, Secret: true, Redact: RedactPassword},
		{Name: "recovery-phone", Value: m.RecoveryPhone, Meta: MetaMaskPhone}, {Name: "assignee", Value: m.Assignee},
		{Name: "owned-by", Value: OwnedBy(m.Personal)},
		rotateEvery(m.Rotation), lastRotated(m.Rotation), rotationDue(m.Rotation),
	}
}

// Fields lists a phone's fields in display order.
func (p Phone) Fields() []Field {
	return []Field{
		{Name: "number", Value: p.Number, Redact: RedactPhone, Meta: MetaMaskPhone}, {Name: "carrier", Value: p.Carrier},
		{Name: "pin", Value: p.PIN, Secret: true}, {Name: "assignee", Value: p.Assignee},
		{Name: "owned-by", Value: OwnedBy(p.Personal)},
		rotateEvery(p.Rotation), lastRotated(p.Rotation), rotationDue(p.Rotation),
	}
}

// OwnedBy names who owns a mailbox or phone: "company" or "personal".
func OwnedBy(personal bool) string {
	if personal {
		return "personal"
	}
	return "company"
}

func formatEvery(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return FormatInterval(d)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// SplitList splits a comma-separated list of names, dropping blanks and
// duplicates, sorted.
func SplitList(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part != "" && !seen[part] {
			seen[part] = true
			out = append(out, part)
		}
	}
	sort.Strings(out)
	return out
}

// Contains reports whether list holds s.
func Contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Paths of what finance and the reminder job write, each in a mount of
// its own (vault.Layout: Proposals, Verifications, Reminders), and of the
// managers' decisions on payout changes in the records mount.

// ProposalDir is the folder of payout change requests in the proposals mount.
const ProposalDir = "payout"

// ProposalPath is a payout change request in the proposals mount.
func ProposalPath(store, id string) string { return ProposalDir + "/" + store + "/" + id }

// DecisionPath is a manager's decision on a payout change, in the records mount.
func DecisionPath(store, id string) string { return "decisions/payout/" + store + "/" + id }

// VerificationPath is a store's payout verification in the verifications mount.
func VerificationPath(store string) string { return "payout/" + store }

// ReminderNotePath is a reminder channel's note about a person, in the
// reminders mount.
func ReminderNotePath(channel, person string) string { return channel + "/" + person }
