package records

import "time"

// An incident is a store whose seller account looks taken over: package
// incident locks the store down and lifts the lockdown. Each store has
// one incident record (incidents/STORE in the KV mount), whose versions
// are the history of the store's incidents.

// Incident states.
const (
	IncidentOpen   = "open"
	IncidentClosed = "closed"
)

// Incident is a store's incident record.
type Incident struct {
	Store     string    `json:"store"`
	Status    string    `json:"status"`
	Reason    string    `json:"reason"`
	StartedAt time.Time `json:"started_at"`
	StartedBy string    `json:"started_by"`
	// Removed are the entity IDs that were in the store's group, put
	// back at the close.
	Removed     []string  `json:"-"`
	RemovedWho  []string  `json:"removed"` // their names, for people
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	ClosedBy    string    `json:"closed_by,omitempty"`
	ForceReason string    `json:"force_reason,omitempty"`
	// Version is the stored record's version, kept by the store for the
	// check-and-set of the next write (0: none stored yet).
	Version int `json:"-"`
}
