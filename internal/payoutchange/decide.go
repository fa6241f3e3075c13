package payoutchange

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/payout"
)

// Change control's errors; the refusals are permission errors, the races
// conflicts, for the exit code.
var (
	ErrSelfApproval = kindError{"the requester cannot approve their own payout change: another person must", failure.ErrDenied}
	ErrNotApprover  = kindError{"only a manager approves payout changes", failure.ErrDenied}
	ErrNoIdentity   = kindError{"approving a payout change needs a person's login (an identity entity); a root or service token has none", failure.ErrDenied}
	ErrCoolingOff   = kindError{"the cooling-off period of this payout change has not passed", failure.ErrDenied}
	ErrUnsigned     = kindError{"who wrote this cannot be proven: it has no valid signature of its author", failure.ErrDenied}
	ErrConfirmation = kindError{"the characters typed are not the last four of the new account: nothing was approved; compare the change with the request's source again", failure.ErrDenied}
	ErrNotPending   = kindError{"the payout change is no longer pending", failure.ErrConflict}
	ErrStale        = kindError{"the payout record changed since this request was made: propose the change again", failure.ErrConflict}
)

// kindError is an error with its own words that also matches a failure
// kind.
type kindError struct {
	msg  string
	kind error
}

func (e kindError) Error() string        { return e.msg }
func (e kindError) Is(target error) bool { return target == e.kind }

// Approve applies a pending change: signed by its requester, by
// someone other than the requester, after the cooling-off period (from
// Vault's clock), over the payout version the request was made against
// (check-and-set), once the approver has typed the last four characters
// of the new IBAN or account number (confirm). The decision is claimed
// first, as a record that can be created once.
func (c Control) Approve(ctx context.Context, id, confirm string, now func() time.Time) (*Request, error) {
	q, err := c.FindRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.ApproveRequest(ctx, q, confirm, now)
}

// ApproveRequest is Approve of a request the caller has read (with
// FindRequest, to show it to the approver first): the checks run again,
// and the writes are check-and-set, so a decision or payout change made
// since it was read still wins.
func (c Control) ApproveRequest(ctx context.Context, q *Request, confirm string, now func() time.Time) (*Request, error) {
	if err := c.CanApprove(ctx, q, now); err != nil {
		return nil, err
	}
	if !payout.ConfirmsLast4(q.Record, confirm) {
		return nil, ErrConfirmation
	}
	_, who, err := c.d.Payouts.Caller(ctx)
	if err != nil {
		return nil, err
	}
	q.Status, q.DecidedBy, q.DecidedAt = StatusApproved, who, nowUTC(now).Format(time.RFC3339)
	if err := c.decide(ctx, q, 0); err != nil {
		return nil, err
	}
	a := payout.Approval{RequestID: q.ID, RequestedBy: q.RequestedBy, RequesterEntity: q.requesterID, ApprovedBy: who, ApprovedAt: q.DecidedAt}
	applied, err := c.d.Payouts.Apply(ctx, q.Store, q.Record, a, q.BaseVersion)
	switch {
	case err == nil:
		return q, nil
	case applied:
		return q, fmt.Errorf("approved and applied, but %w", err)
	}
	// An answer lost on the way may hide a write that happened.
	if p, gerr := c.d.Payouts.Get(ctx, q.Store); gerr == nil && p.RequestID == q.ID {
		return q, nil
	}
	q.Status, q.Reason = StatusFailed, "not applied: "+err.Error()
	_ = c.decide(ctx, q, 1)
	if errors.Is(err, failure.ErrConflict) {
		return nil, ErrStale
	}
	return nil, err
}

// CanApprove says why the caller may not approve a request, if they may
// not: decided already, unsigned, stale, their own, cooling off, or no
// longer valid. Everything but the approver's confirmation is checked,
// so the approver is asked only for a change they may approve.
func (c Control) CanApprove(ctx context.Context, q *Request, now func() time.Time) error {
	if q.Status != StatusPending {
		return fmt.Errorf("%w (%s)", ErrNotPending, q.Status)
	}
	entity, _, err := c.d.Payouts.Caller(ctx)
	if err != nil {
		return err
	}
	if err := mayApprove(q, entity); err != nil {
		return err
	}
	cooling, err := c.d.Payouts.CoolingOff(ctx)
	if err != nil {
		return err
	}
	if err := cooledOff(q, cooling, nowUTC(now)); err != nil {
		return err
	}
	if err := q.Record.Validate(); err != nil {
		return fmt.Errorf("payout change %s is not valid any more: %w", q.ID, err)
	}
	return nil
}

// mayApprove says why entity (the approver's, from Vault's lookup of
// their token) may not approve q: no person, the requester, not a
// manager (who alone may check signatures), an unsigned request, or one
// whose payout version is gone.
func mayApprove(q *Request, entity string) error {
	switch {
	case entity == "":
		return ErrNoIdentity
	case entity == q.requesterID:
		return ErrSelfApproval
	case !q.checked:
		return ErrNotApprover
	case !q.Signed:
		return fmt.Errorf("payout change %s: %w (reject it, and propose it again with sellervault)", q.ID, ErrUnsigned)
	case q.Stale:
		return ErrStale
	}
	return nil
}

// cooledOff refuses q until cooling has passed since it was requested
// (Vault's time).
func cooledOff(q *Request, cooling time.Duration, now time.Time) error {
	requested, _ := time.Parse(time.RFC3339, q.RequestedAt)
	if wait := requested.Add(cooling).Sub(now); wait > 0 {
		return fmt.Errorf("%w: approve it after %s (in %s)", ErrCoolingOff, requested.Add(cooling).Format(time.RFC3339), wait.Round(time.Second))
	}
	return nil
}

// Reject closes a pending change without applying it.
func (c Control) Reject(ctx context.Context, id, reason string, now func() time.Time) (*Request, error) {
	q, err := c.FindRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if q.Status != StatusPending {
		return nil, fmt.Errorf("%w (%s)", ErrNotPending, q.Status)
	}
	_, who, err := c.d.Payouts.Caller(ctx)
	if err != nil {
		return nil, err
	}
	q.Status, q.DecidedBy, q.DecidedAt, q.Reason = StatusRejected, who, nowUTC(now).Format(time.RFC3339), reason
	return q, c.decide(ctx, q, 0)
}

// decide records q's decision over version (0: none may exist yet, so a
// request is decided once).
func (c Control) decide(ctx context.Context, q *Request, version int) error {
	err := c.d.Proposals.Decide(ctx, q.Store, q.ID, payout.Decision{Status: q.Status, By: q.DecidedBy, At: q.DecidedAt, Reason: q.Reason}, version)
	if errors.Is(err, failure.ErrConflict) {
		return fmt.Errorf("%w (decided by someone else meanwhile)", ErrNotPending)
	}
	return err
}
