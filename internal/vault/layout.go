package vault

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Layout names everything sellervault keeps in Vault, from one mount
// prefix (default "sellervault"), so that two teams can share a Vault.
type Layout struct {
	Prefix string
}

// Auth mounts sellervault uses; the same paths as Vault's defaults so that
// `vault login -method=userpass` works too.
const (
	UserpassMount = "userpass"
	AppRoleMount  = "approle"
)

// InitMarkerPath is the KV record `sellervault init` writes last.
const InitMarkerPath = "_meta/init"

// prefixPattern is a mount prefix's form, compiled on first use.
var prefixPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`) })

// NewLayout checks a mount prefix.
func NewLayout(prefix string) (Layout, error) {
	if !prefixPattern().MatchString(prefix) {
		return Layout{}, fmt.Errorf("mount prefix %q: use 2-32 lower-case letters, digits and hyphens, starting with a letter", prefix)
	}
	return Layout{Prefix: prefix}, nil
}

// KV is the KV v2 mount of records.
func (l Layout) KV() string { return l.Prefix }

// TOTP is the TOTP engine mount.
func (l Layout) TOTP() string { return l.Prefix + "-totp" }

// Transit is the Transit engine mount.
func (l Layout) Transit() string { return l.Prefix + "-transit" }

// LegacyRedactKey is the Transit key schema 2 indexed every value with,
// which every member could call (an oracle for values they could not
// read). Schema 3 grants it to nobody.
func (l Layout) LegacyRedactKey() string { return l.Prefix + "-redact" }

// Redaction audiences: who may read the values a redaction index holds.
// Each has a Transit key of its own and an index only it reads, so that
// what a member can compute or read says nothing about a value of an
// audience they are not in.
const (
	AudiencePayout   = "payout"   // payout numbers: finance and managers
	AudienceContacts = "contacts" // mailboxes and phones: managers
	audienceStore    = "store-"   // + store name: the store's group
)

// StoreAudience is the audience of one store's values (its credentials
// and, if sensitive, its name): the members of its group.
func StoreAudience(store string) string { return audienceStore + store }

// AudienceStore is the store an audience is of ("" for none).
func AudienceStore(audience string) string {
	if s, ok := strings.CutPrefix(audience, audienceStore); ok {
		return s
	}
	return ""
}

// RedactKey is the Transit key whose HMACs index an audience's values.
func (l Layout) RedactKey(audience string) string { return l.Prefix + "-redact-" + audience }

// RolePolicy is the ACL policy of a role (manager, finance, staff, reminder).
func (l Layout) RolePolicy(role string) string { return l.Prefix + "-" + role }

// RoleGroup is the identity group of a person's role.
func (l Layout) RoleGroup(role string) string {
	if role == "manager" {
		return l.Prefix + "-managers"
	}
	return l.Prefix + "-" + role
}

// StorePolicy is the ACL policy that opens one store.
func (l Layout) StorePolicy(store string) string { return l.Prefix + "-store-" + store }

// StoreGroup is the identity group of the people assigned to one store.
func (l Layout) StoreGroup(store string) string { return l.Prefix + "-store-" + store }

// ReminderRole is the AppRole role of the scheduled reminder job.
func (l Layout) ReminderRole() string { return l.Prefix + "-reminder" }

// The mounts below each hold what one less-trusted writer writes, so that
// a path with dot-segments from a grant there reaches nothing anyone else
// writes (Vault 1.21 matches policies before KV cleans a path).

// Proposals is the KV v2 mount of payout change requests: finance creates
// them (never updates), managers decide in the records mount.
func (l Layout) Proposals() string { return l.Prefix + "-proposals" }

// Verifications is the KV v2 mount of payout verifications, which finance
// writes; when one was made comes from Vault's version time.
func (l Layout) Verifications() string { return l.Prefix + "-verifications" }

// Reminders is the KV v2 mount of the reminder job's notes (metadata only).
func (l Layout) Reminders() string { return l.Prefix + "-reminders" }

// SelfPolicy is the policy every person's and the reminder job's token
// carries instead of Vault's default policy: look up, renew and revoke
// one's own token, unwrap.
func (l Layout) SelfPolicy() string { return l.Prefix + "-self" }

// PersonKeyPrefix starts the name of a person's Transit key in the
// Transit mount; the rest is the person's entity ID. Only that person may
// compute HMACs with it (the policy path is templated with the caller's
// entity ID and Transit names take no slashes), so an HMAC made with it
// proves who wrote a payout request or verification.
const PersonKeyPrefix = "person-"

// PersonKey is the Transit key of the person with this entity ID.
func (l Layout) PersonKey(entityID string) string { return PersonKeyPrefix + entityID }
