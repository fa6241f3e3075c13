package payoutchange

import (
	"context"
	"time"

	"github.com/sellervault/sellervault/internal/payout"
)

// Payouts keeps the stores' payout records, and knows the team's
// cooling-off and who is calling: repo's Payouts facet (r.Payouts()).
type Payouts interface {
	// Get reads a store's payout record: an error matching
	// failure.ErrNotFound when it has none.
	Get(ctx context.Context, store string) (*payout.Current, error)
	// GetVersion reads one version of it (0: the empty record); an error
	// matching failure.ErrNotFound when that version is gone.
	GetVersion(ctx context.Context, store string, version int) (payout.Record, error)
	// Apply writes rec as the store's payout record if it is still at
	// version (else an error matching failure.ErrConflict), then its
	// mirrors (metadata, redaction index). applied says whether the
	// record was written: an error with applied true is about the
	// mirrors only.
	Apply(ctx context.Context, store string, rec payout.Record, a payout.Approval, version int) (applied bool, err error)

	// Caller is the caller's entity ID ("" for a token of no person) and
	// name, from Vault's lookup of their own token.
	Caller(ctx context.Context) (entity, name string, err error)
	// CoolingOff is how long a request waits before it may be approved.
	CoolingOff(ctx context.Context) (time.Duration, error)
}

// Proposals keeps the change requests, which are written once and
// never changed, and the decisions on them, which only managers write:
// repo's Proposals facet (r.Proposals()).
type Proposals interface {
	// CheckStore refuses a store that does not exist.
	CheckStore(ctx context.Context, store string) error
	// Create writes a request, signed by the caller, who it names as
	// its requester; it returns the caller's entity. It fails when a
	// request with that ID exists.
	Create(ctx context.Context, store, id string, base int, rec payout.Record) (entity string, err error)
	// Get reads a request, with whether its requester's signature
	// checks; an error for one written more than once.
	Get(ctx context.Context, store, id string) (*payout.Proposal, error)
	// List lists the requests of a store, or of all (store ""), as
	// STORE/ID.
	List(ctx context.Context, store string) ([]string, error)
	// StoresWith lists the stores that hold a request with ID id.
	StoresWith(ctx context.Context, id string) ([]string, error)

	// Decision reads the decision on a request; nil when none.
	Decision(ctx context.Context, store, id string) (*payout.Decision, error)
	// Decide writes it if its record is at version (0: none yet), else
	// fails with an error matching failure.ErrConflict.
	Decide(ctx context.Context, store, id string, d payout.Decision, version int) error
}

// Deps are what change control works through. The record store's facets
// satisfy them:
//
//	payoutchange.Deps{Payouts: r.Payouts(), Proposals: r.Proposals()}
type Deps struct {
	Payouts   Payouts
	Proposals Proposals
}

// Control is payout change control over one team's records.
type Control struct{ d Deps }

// New returns change control working through d.
func New(d Deps) Control { return Control{d} }
