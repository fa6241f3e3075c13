package records

import (
	"encoding/base32"
	"encoding/base64"
	"regexp"
	"strings"
	"sync"
)

// Mailbox and phone records are kept under an ID, not under their
// address or number: a path is seen by everyone who may list the folder
// (the reminder job among them), and a value in it can be confirmed by
// hashing guesses. The ID is a keyed HMAC of the value, made by Vault's
// Transit engine with the contacts audience's key, which only managers
// may use: it is stable (the same address always has the same record, so
// a second `email add` of it conflicts), only those who may read the
// records can find one by its value, and to anyone else it is random.

// ContactIDLen is the length of a contact ID: 20 base32 letters, 100 bits.
const ContactIDLen = 20

// contactIDPattern is compiled on first use, not at every start of the CLI.
var contactIDPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z2-7]{20}$`)
})

// IsContactID tells a contact ID from a schema-2 key (an address or the
// digits of a number).
func IsContactID(key string) bool { return contactIDPattern().MatchString(key) }

// ContactIDInput is what is HMACed to name a contact record: the kind
// ("mailbox" or "phone") and the value, so that the ID of a mailbox is
// no HMAC of anything the redaction index holds.
func ContactIDInput(kind, value string) string { return "contact-id:" + kind + ":" + value }

// ContactIDFromHMAC turns a Transit HMAC ("vault:v1:BASE64") into an ID;
// "" when it is not one.
func ContactIDFromHMAC(mac string) string {
	i := strings.LastIndexByte(mac, ':')
	sum, err := base64.StdEncoding.DecodeString(mac[i+1:])
	if err != nil || len(sum) < 13 {
		return ""
	}
	return strings.ToLower(base32.StdEncoding.EncodeToString(sum[:13]))[:ContactIDLen]
}
