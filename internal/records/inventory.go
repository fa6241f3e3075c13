package records

import "time"

// PayoutFacts is what a payout record's metadata says: never a number.
type PayoutFacts struct {
	Store      string
	Scheme     string // iban, aba, …
	Country    string
	Currency   string
	Provider   string
	ApprovedBy string
	ApprovedAt time.Time
	VerifiedAt time.Time
	VerifyDue  time.Time // flagged for verification (offboarding, incident)
}

// LastVerified is when the payout details were last known good: the last
// verification against the marketplace, else the approval of the change
// that set them.
func (p PayoutFacts) LastVerified() time.Time {
	if p.VerifiedAt.IsZero() {
		return p.ApprovedAt
	}
	return p.VerifiedAt
}

// Inventory is every record of the team as listings see it: metadata
// only, no values.
type Inventory struct {
	Stores      []Store
	Credentials []Credential
	Mailboxes   []Mailbox
	Phones      []Phone
	Payouts     []PayoutFacts
}
