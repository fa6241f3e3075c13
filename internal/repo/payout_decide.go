package repo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// ErrConfirmation: the approver did not type the new account's last four
// characters.
var ErrConfirmation = kindError{"the characters typed are not the last four of the new account: nothing was approved; compare the change with the request's source again", vault.ErrDenied}

// Approve applies a pending change: signed by its requester, by
// someone other than the requester, after the cooling-off period (from
// Vault's clock), over the payout version the request was made against
// (check-and-set), once the approver has typed the last four characters
// of the new IBAN or account number (confirm). The decision is claimed
// first, as a record that can be created once.
func (f Payouts) Approve(ctx context.Context, id, confirm string, now func() time.Time) (*Request, error) {
	r := f.r
	q, err := r.Payouts().FindRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.Payouts().ApproveRequest(ctx, q, confirm, now)
}

// ApproveRequest is Approve of a request the caller has read (with
// FindRequest, to show it to the approver first): the checks run again,
// and the writes are check-and-set, so a decision or payout change made
// since it was read still wins.
func (f Payouts) ApproveRequest(ctx context.Context, q *Request, confirm string, now func() time.Time) (*Request, error) {
	r := f.r
	if err := r.Payouts().CanApprove(ctx, q, now); err != nil {
		return nil, err
	}
	if !payout.ConfirmsLast4(q.Record, confirm) {
		return nil, ErrConfirmation
	}
	_, who, err := r.identity(ctx)
	if err != nil {
		return nil, err
	}
	at := nowUTC(now)
	q.Status, q.DecidedBy, q.DecidedAt = StatusApproved, who, at.Format(time.RFC3339)
	if err := r.decide(ctx, q, 0); err != nil {
		return nil, err
	}
	data := encodePayout(q.Record, map[string]interface{}{"kind": "payout", "approved_by": who,
		"approved_at": q.DecidedAt, "requested_by": q.RequestedBy, "requested_by_entity": q.requesterID,
		"request_id": q.ID, "updated_at": q.DecidedAt})
	if _, err := r.c.KV().Put(ctx, r.mount, payoutPath(q.Store), data, q.BaseVersion); err != nil {
		// An answer lost on the way may hide a write that happened.
		if p, gerr := r.Payouts().Get(ctx, q.Store); gerr == nil && p.RequestID == q.ID {
			return q, nil
		}
		q.Status, q.Reason = "failed", "not applied: "+err.Error()
		_ = r.decide(ctx, q, 1)
		if errors.Is(err, vault.ErrConflict) {
			return nil, ErrStale
		}
		return nil, err
	}
	meta := nonEmpty(map[string]string{"kind": "payout", "scheme": q.Record.Scheme(), "country": q.Record.Country,
		"currency": q.Record.Currency, "provider": q.Record.Provider, "approved_by": who, "approved_at": q.DecidedAt})
	if err := r.c.KV().SetCustomMetadata(ctx, r.mount, payoutPath(q.Store), meta); err != nil {
		return q, fmt.Errorf("approved and applied, but the listing metadata was not updated: %w", err)
	}
	if err := r.indexRecord(ctx, payoutPath(q.Store), payoutSensitive(q.Record)); err != nil {
		return q, fmt.Errorf("approved and applied, but %w", err)
	}
	return q, nil
}

// CanApprove says why the caller may not approve a request, if they may
// not: decided already, unsigned, stale, their own, cooling off, or no
// longer valid. Everything but the approver's confirmation is checked,
// so the approver is asked only for a change they may approve.
func (f Payouts) CanApprove(ctx context.Context, q *Request, now func() time.Time) error {
	r := f.r
	if q.Status != StatusPending {
		return fmt.Errorf("%w (%s)", ErrNotPending, q.Status)
	}
	entity, _, err := r.identity(ctx)
	if err != nil {
		return err
	}
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
	cooling, err := r.Payouts().CoolingOff(ctx)
	if err != nil {
		return err
	}
	requested, _ := time.Parse(time.RFC3339, q.RequestedAt)
	if wait := requested.Add(cooling).Sub(nowUTC(now)); wait > 0 {
		return fmt.Errorf("%w: approve it after %s (in %s)", ErrCoolingOff, requested.Add(cooling).Format(time.RFC3339), wait.Round(time.Second))
	}
	if err := q.Record.Validate(); err != nil {
		return fmt.Errorf("payout change %s is not valid any more: %w", q.ID, err)
	}
	return nil
}

// Reject closes a pending change without applying it.
func (f Payouts) Reject(ctx context.Context, id, reason string, now func() time.Time) (*Request, error) {
	r := f.r
	q, err := r.Payouts().FindRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if q.Status != StatusPending {
		return nil, fmt.Errorf("%w (%s)", ErrNotPending, q.Status)
	}
	_, who, err := r.identity(ctx)
	if err != nil {
		return nil, err
	}
	q.Status, q.DecidedBy, q.DecidedAt, q.Reason = StatusRejected, who, nowUTC(now).Format(time.RFC3339), reason
	return q, r.decide(ctx, q, 0)
}

// decide writes the request's decision record over version (0: it must
// not exist yet, so a request is decided once).
func (r *Repo) decide(ctx context.Context, q *Request, version int) error {
	_, err := r.c.KV().Put(ctx, r.mount, records.DecisionPath(q.Store, q.ID), map[string]interface{}{
		"kind": "payout-decision", "status": q.Status, "decided_by": q.DecidedBy, "decided_at": q.DecidedAt, "reason": q.Reason,
	}, version)
	if errors.Is(err, vault.ErrConflict) {
		return fmt.Errorf("%w (decided by someone else meanwhile)", ErrNotPending)
	}
	return err
}

// nonEmpty drops empty values, which Vault refuses in custom metadata.
func nonEmpty(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}
