package payout

import "time"

// The records of a payout change, as the store reads and writes them.
// What they mean, and who may do what with them, is package payoutchange.

// Current is a store's payout record as stored: the record, the version
// a change must name to replace it, and the approval that wrote it.
type Current struct {
	Store      string
	Record     Record
	Version    int
	ApprovedBy string
	ApprovedAt string
	RequestID  string
	UpdatedAt  string
}

// Proposal is a change request as its record holds it, with what the
// store established about it without taking its author's word: where it
// is (Store, ID: its path), when it was created (Vault's clock), and
// whether the entity it names signed it.
type Proposal struct {
	Store       string
	ID          string
	Record      Record    // the proposed record, as written (not normalised)
	BaseVersion int       // the payout version it changes (0: none yet; an unreadable one reads as 0)
	CreatedAt   time.Time // when Vault created the record
	Entity      string    // the requester's entity as the record names it: proven only when Signed
	ClaimedBy   string    // the requester's name as the requester wrote it: never proof
	Signed      bool      // Entity's signature of the request checks
	Checked     bool      // the reader could check signatures (managers; finance may not)
	SignerName  string    // Entity's name in Vault when Signed and the reader may read it, else ""
}

// Decision is the decision on a change request, in a record only
// managers write: approved, rejected, or failed (approved, then not
// applied).
type Decision struct {
	Status string
	By     string // who decided: their token's name
	At     string // RFC 3339, UTC
	Reason string
}

// Approval is what an approved change writes in the payout record beside
// the record itself: the request it came from and who asked and approved.
type Approval struct {
	RequestID       string
	RequestedBy     string // the requester's name, as shown to the approver
	RequesterEntity string // the entity that signed the request
	ApprovedBy      string
	ApprovedAt      string // RFC 3339, UTC; also the record's updated_at
}
