package repo

import (
	"context"
	"errors"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// What the workflows that lock a store down or offboard a person (and
// doctor) need of payout records: flagging one for verification against
// the marketplace, and its facts. The change control itself is in
// payout.go and payout_decide.go.

// Flag flags a store's payout record, if it has one, for verification
// against the marketplace, giving why; a record flagged already keeps
// its first flag (and flagged is false). A dry run only tells whether it
// would flag it.
func (f Payouts) Flag(ctx context.Context, store string, at time.Time, why string, dryRun bool) (flagged bool, err error) {
	return f.r.flagPayout(ctx, store, at, why, dryRun)
}

// Facts reads what the payout metadata of each of the stores that has a
// payout record says (never a number).
func (f Payouts) Facts(ctx context.Context, stores []records.Store) ([]records.PayoutFacts, error) {
	return f.r.payoutFacts(ctx, stores)
}

// flagPayout flags a store's payout record, if it has one, for
// verification against the marketplace; a record flagged already keeps
// its first flag (and flagged is false).
func (r *Repo) flagPayout(ctx context.Context, store string, at time.Time, why string, dryRun bool) (flagged bool, err error) {
	meta, err := r.c.KV().Metadata(ctx, r.mount, payoutPath(store))
	if errors.Is(err, vault.ErrNotFound) {
		return false, nil
	}
	if err != nil || meta.CustomMetadata["verify_due"] != "" {
		return false, err
	}
	if dryRun {
		return true, nil
	}
	meta.CustomMetadata["verify_due"] = at.Format(time.RFC3339)
	meta.CustomMetadata["verify_reason"] = why
	return true, r.c.KV().SetCustomMetadata(ctx, r.mount, payoutPath(store), meta.CustomMetadata)
}
