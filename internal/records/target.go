package records

import "strings"

// Kinds of record with a rotation schedule, as rotation targets.
const (
	TargetCredential = "credential"
	TargetMailbox    = "mailbox"
	TargetPhone      = "phone"
)

// Target names a record with a rotation schedule the way people name it:
// a credential as STORE/NAME, a mailbox by its address, a phone by its
// number.
type Target struct {
	Kind    string
	Store   string // credential
	Name    string // credential
	Address string // mailbox
	Number  string // phone, E.164
}

// String is the target as the user writes it.
func (t Target) String() string {
	switch t.Kind {
	case TargetMailbox:
		return t.Address
	case TargetPhone:
		return t.Number
	}
	return t.Store + "/" + t.Name
}

// ParseTarget reads a rotation target: a credential address "STORE/NAME",
// a mailbox address (it has an "@") or a phone number (it starts with
// "+"), each checked by its own parser.
func ParseTarget(s string) (Target, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.Contains(s, "@"):
		addr, err := ParseEmail(s)
		return Target{Kind: TargetMailbox, Address: addr}, err
	case strings.HasPrefix(s, "+"):
		n, err := ParsePhone(s)
		return Target{Kind: TargetPhone, Number: n}, err
	case strings.Contains(s, "/"):
		store, name, err := ParseCredAddress(s)
		return Target{Kind: TargetCredential, Store: store, Name: name}, err
	case s == "":
		return Target{}, invalidf("no record named; use STORE/NAME, a mailbox address or a phone number like %s", phoneExample)
	}
	return Target{}, invalidf("%s is not a record: use STORE/NAME (a credential), a mailbox address or a phone number like %s", quoteInput(s), phoneExample)
}
