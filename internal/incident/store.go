package incident

import (
	"context"
	"time"

	"github.com/sellervault/sellervault/internal/records"
)

// Records keeps the incident records: repo's Incidents facet
// (r.Incidents()).
type Records interface {
	// Get reads a store's last incident; a not-found (package failure)
	// when the store never had one.
	Get(ctx context.Context, store string) (*records.Incident, error)
	// Put writes it, check-and-set on its Version, which it updates.
	Put(ctx context.Context, in *records.Incident) error
	// List names the stores that have an incident record.
	List(ctx context.Context) ([]string, error)
}

// Stores checks a store and sets who is in its access group: repo's
// Stores facet (r.Stores()).
type Stores interface {
	// Require is a not-found when the store does not exist.
	Require(ctx context.Context, store string) error
	// GroupMembers are the entity IDs in the store's access group.
	GroupMembers(ctx context.Context, store string) ([]string, error)
	// SetGroupMembers makes ids the group's members: whoever leaves it
	// loses the store at once.
	SetGroupMembers(ctx context.Context, store string, ids []string) error
}

// People names the caller and the people removed: repo's Identities
// facet (r.Identities()).
type People interface {
	// Writer is who is writing (recorded as who started or closed).
	Writer(ctx context.Context) (string, error)
	// EntityName is the name of an identity entity, by its ID.
	EntityName(ctx context.Context, id string) (string, error)
}

// Creds lists a store's credentials, every mirror verified: repo's
// Creds facet (r.Creds()).
type Creds interface {
	Verified(ctx context.Context, store string) ([]records.Credential, error)
}

// Rotation marks credentials due for rotation: repo's Rotation facet
// (r.Rotation()).
type Rotation interface {
	// MarkDue marks a record due since now; one marked already keeps
	// its first mark (and marked is false).
	MarkDue(ctx context.Context, t records.Target, now time.Time) (marked bool, err error)
}

// Payouts flags a store's payout record for verification and reads its
// facts: repo's Payouts facet (r.Payouts()).
type Payouts interface {
	// Flag flags the store's payout record, if it has one and it is not
	// flagged yet (flagged: it was, or on a dry run would be).
	Flag(ctx context.Context, store string, at time.Time, why string, dryRun bool) (flagged bool, err error)
	// Facts is what each store's payout record says (none: no record).
	Facts(ctx context.Context, stores []records.Store) ([]records.PayoutFacts, error)
}

// Deps are what the lockdown works through. The record store's facets
// satisfy them:
//
//	incident.Deps{Records: r.Incidents(), Stores: r.Stores(), People: r.Identities(),
//		Creds: r.Creds(), Rotation: r.Rotation(), Payouts: r.Payouts()}
type Deps struct {
	Records  Records
	Stores   Stores
	People   People
	Creds    Creds
	Rotation Rotation
	Payouts  Payouts
}
