package payoutchange

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/payout"
)

// Propose records a change request for a store's payout details.
// The record must be normalised and valid. With dryRun nothing is
// written. The request is written once in the proposals mount, signed
// with the requester's key, and never changed: finance may create
// requests but not update them, and the decision goes to a separate
// record only managers write.
func (c Control) Propose(ctx context.Context, store string, rec payout.Record, now func() time.Time, dryRun bool) (*Request, error) {
	if err := c.d.Proposals.CheckStore(ctx, store); err != nil {
		return nil, err
	}
	var old payout.Record
	base := 0
	current, err := c.d.Payouts.Get(ctx, store)
	switch {
	case err == nil:
		old, base = current.Record, current.Version
	case !errors.Is(err, failure.ErrNotFound):
		return nil, err
	}
	diff := payout.Diff(old, rec)
	if len(diff) == 0 {
		return nil, fmt.Errorf("the proposed payout details of %s are the same as the current ones", store)
	}
	_, who, err := c.d.Payouts.Caller(ctx)
	if err != nil {
		return nil, err
	}
	at := nowUTC(now)
	q := &Request{ID: newRequestID(at), Store: store, Status: StatusPending, RequestedBy: who,
		RequestedAt: at.Format(time.RFC3339), Diff: diff, Record: rec, Base: old, BaseVersion: base}
	if dryRun {
		return q, nil
	}
	entity, err := c.d.Proposals.Create(ctx, store, q.ID, base, rec)
	if err != nil {
		return nil, err
	}
	q.requesterID, q.Signed = entity, true
	return q, nil
}
