package records

import (
	"strconv"
	"strings"
	"time"
)

// Keys that are not fields of a record.
const (
	keyKind      = "kind"
	keyUpdatedBy = "updated_by"
)

// notInMetadata are fields kept out of custom metadata besides secrets:
// logins and notes can be sensitive, and listings do not need them.
var notInMetadata = map[string]bool{"login": true, "notes": true}

// Encoded is a record as KV v2 keeps it: data for a version, and the
// custom metadata that mirrors its listable fields.
type Encoded struct {
	Data     map[string]interface{}
	Metadata map[string]string
	// Sensitive are the values the redaction index must know.
	Sensitive []Sensitive
}

func encode(kind string, fields []Field, updatedBy string) Encoded {
	e := Encoded{
		Data:     map[string]interface{}{keyKind: kind, keyUpdatedBy: updatedBy},
		Metadata: map[string]string{keyKind: kind},
	}
	for _, f := range fields {
		key := strings.ReplaceAll(f.Name, "-", "_")
		e.Data[key] = f.Value
		if f.Redact != "" && f.Value != "" {
			e.Sensitive = append(e.Sensitive, Sensitive{Kind: f.Redact, Value: f.Value})
		}
		if !f.Secret && !notInMetadata[f.Name] && f.Value != "" {
			e.Metadata[key] = metaValue(f)
		}
	}
	return e
}

// metaValue is how custom metadata mirrors a field.
func metaValue(f Field) string {
	switch f.Meta {
	case MetaMaskEmail:
		return MaskEmail(f.Value)
	case MetaMaskPhone:
		return MaskPhone(f.Value)
	}
	return f.Value
}

// Keys of contact IDs in custom metadata (and data).
const (
	keyRecoveryEmailRef = "recovery_email_ref"
	keyRecoveryPhoneRef = "recovery_phone_ref"
)

// withRefs adds contact IDs to data and metadata.
func (e Encoded) withRefs(refs map[string]string) Encoded {
	for k, v := range refs {
		if v != "" {
			e.Data[k], e.Metadata[k] = v, v
		}
	}
	return e
}

// MaxMetadataValue is the longest value Vault takes in custom metadata.
const MaxMetadataValue = 512

// Check refuses a record whose listable fields are too long for Vault's
// custom metadata, before anything is written.
func (e Encoded) Check() error {
	for k, v := range e.Metadata {
		if len(v) > MaxMetadataValue {
			return invalidf("%s is %d bytes long; at most %d", strings.ReplaceAll(k, "_", "-"), len(v), MaxMetadataValue)
		}
	}
	return nil
}

// Encode returns the store's KV form.
func (s Store) Encode() Encoded { return encode(KindStore, s.Fields(), s.UpdatedBy) }

// Encode returns the credential's KV form.
func (c Credential) Encode() Encoded {
	return encode(KindCredential, c.Fields(), c.UpdatedBy).withRefs(map[string]string{
		keyRecoveryEmailRef: c.RecoveryEmailRef, keyRecoveryPhoneRef: c.RecoveryPhoneRef})
}

// Encode returns the mailbox's KV form.
func (m Mailbox) Encode() Encoded {
	return encode(KindMailbox, m.Fields(), m.UpdatedBy).withRefs(map[string]string{keyRecoveryPhoneRef: m.RecoveryPhoneRef})
}

// Encode returns the phone's KV form.
func (p Phone) Encode() Encoded { return encode(KindPhone, p.Fields(), p.UpdatedBy) }

// values reads a record's fields from KV data or custom metadata.
type values func(key string) string

func fromData(data map[string]interface{}) values {
	return func(key string) string {
		s, _ := data[strings.ReplaceAll(key, "-", "_")].(string)
		return s
	}
}

func fromMetadata(meta map[string]string) values {
	return func(key string) string { return meta[strings.ReplaceAll(key, "-", "_")] }
}

func (v values) rotation() Rotation {
	var r Rotation
	r.Every, _ = ParseInterval(v("rotate-every")) // a bad stored value reads as no schedule
	r.LastRotated = notFuture(parseTime(v("last-rotated")))
	r.DueSince, _ = time.Parse(time.RFC3339, v("rotation-due"))
	return r
}

func (v values) store() Store {
	return Store{Name: v("name"), Marketplace: v("marketplace"), Region: v("region"), Notes: v("notes"),
		Sensitive: v("sensitive") == "yes", UpdatedBy: v(keyUpdatedBy)}
}

func (v values) credential() Credential {
	return Credential{
		Store: v("store"), Name: v("name"), Login: v("login"), Password: v("password"),
		URL: v("url"), Notes: v("notes"), RecoveryEmail: v("recovery-email"), RecoveryPhone: v("recovery-phone"),
		Owner: v("owner"), Assignees: SplitList(v("assignees")), Rotation: v.rotation(), UpdatedBy: v(keyUpdatedBy),
		TOTPKey: v("totp"), TOTPPeriod: atoi(v("totp-period")),
		Pending: v("pending-password"), PendingSince: parseTime(v("pending-since")),
		RecoveryEmailRef: v(keyRecoveryEmailRef), RecoveryPhoneRef: v(keyRecoveryPhoneRef),
	}
}

func (v values) mailbox() Mailbox {
	return Mailbox{Address: v("address"), Password: v("password"), RecoveryPhone: v("recovery-phone"), RecoveryPhoneRef: v(keyRecoveryPhoneRef),
		Assignee: v("assignee"), Personal: v("owned-by") == "personal", Rotation: v.rotation(), UpdatedBy: v(keyUpdatedBy)}
}

func (v values) phone() Phone {
	return Phone{Number: v("number"), Carrier: v("carrier"), PIN: v("pin"), Assignee: v("assignee"),
		Personal: v("owned-by") == "personal", Rotation: v.rotation(), UpdatedBy: v(keyUpdatedBy)}
}

// StoreFromData decodes a store from KV data.
func StoreFromData(data map[string]interface{}) Store { return fromData(data).store() }

// CredentialFromData decodes a credential from KV data.
func CredentialFromData(data map[string]interface{}) Credential { return fromData(data).credential() }

// MailboxFromData decodes a mailbox from KV data.
func MailboxFromData(data map[string]interface{}) Mailbox { return fromData(data).mailbox() }

// PhoneFromData decodes a phone from KV data.
func PhoneFromData(data map[string]interface{}) Phone { return fromData(data).phone() }

// StoreFromMetadata decodes what a listing knows of a store.
func StoreFromMetadata(meta map[string]string) Store { return fromMetadata(meta).store() }

// CredentialFromMetadata decodes what a listing knows of a credential:
// no password, login or notes.
func CredentialFromMetadata(meta map[string]string) Credential {
	return fromMetadata(meta).credential()
}

// MailboxFromMetadata decodes what a listing knows of a mailbox.
func MailboxFromMetadata(meta map[string]string) Mailbox { return fromMetadata(meta).mailbox() }

// PhoneFromMetadata decodes what a listing knows of a phone.
func PhoneFromMetadata(meta map[string]string) Phone { return fromMetadata(meta).phone() }

// UpdatedByFromData reads who wrote a version, as the writer recorded it.
func UpdatedByFromData(data map[string]interface{}) string { return fromData(data)(keyUpdatedBy) }

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// clockSkew is how far ahead of this machine's clock a stored time may be
// and still count: Vault's clock and ours may differ a little.
const clockSkew = 5 * time.Minute

// now is the clock notFuture compares with (tests set it).
var now = time.Now

// notFuture drops a time in the future: a rotation dated ahead would
// keep a credential "ok" until then, so it reads as never rotated.
func notFuture(t time.Time) time.Time {
	if t.After(now().Add(clockSkew)) {
		return time.Time{}
	}
	return t
}
