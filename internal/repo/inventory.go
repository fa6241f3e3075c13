package repo

import (
	"context"
	"errors"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Inventory lists, from metadata, the team's records the caller may see
// (Scope): everything for a manager and the reminder job; a member's
// stores and their credentials, and for finance every store's payout.
// Mailboxes and phones are listed for those who may (managers, the
// reminder job).
func (f Rotation) Inventory(ctx context.Context) (*records.Inventory, error) {
	r := f.r
	inv := &records.Inventory{}
	var err error
	if inv.Stores, err = r.Stores().List(ctx); err != nil {
		return nil, err
	}
	creds, err := r.credentialStores(ctx)
	if err != nil {
		return nil, err
	}
	if inv.Credentials, err = r.credentialsOf(ctx, creds); err != nil {
		return nil, err
	}
	scope, err := r.Members().Scope(ctx)
	if err != nil {
		return nil, err
	}
	if scope.All || scope.Lister { // no request a member's policies refuse: each is an audit finding
		if inv.Mailboxes, err = r.Contacts().ListMailboxes(ctx); err != nil {
			return nil, err
		}
		if inv.Phones, err = r.Contacts().ListPhones(ctx); err != nil {
			return nil, err
		}
	}
	if scope.All || scope.Lister || scope.Finance {
		if inv.Payouts, err = r.payoutFacts(ctx, inv.Stores); err != nil {
			return nil, err
		}
	}
	return inv, nil
}

// payoutFacts reads the payout metadata of each store that has a payout
// record (and that the caller may see).
func (r *Repo) payoutFacts(ctx context.Context, stores []records.Store) ([]records.PayoutFacts, error) {
	var out []records.PayoutFacts
	for _, s := range stores {
		meta, err := r.c.KV().Metadata(ctx, r.mount, payoutPath(s.Name))
		if errors.Is(err, vault.ErrNotFound) || errors.Is(err, vault.ErrDenied) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if meta.Deleted() {
			continue
		}
		m := meta.CustomMetadata
		at := func(key string) time.Time {
			t, _ := time.Parse(time.RFC3339, m[key])
			return t
		}
		f := records.PayoutFacts{Store: s.Name, Scheme: m["scheme"], Country: m["country"], Currency: m["currency"],
			Provider: m["provider"], ApprovedBy: m["approved_by"], ApprovedAt: at("approved_at"), VerifyDue: at("verify_due")}
		// The last verification against the marketplace, which finance
		// records beside the payout record.
		if f.VerifiedAt, err = r.lastVerified(ctx, s.Name); err != nil {
			return nil, err
		}
		if !f.VerifyDue.IsZero() && !f.VerifiedAt.Before(f.VerifyDue) {
			f.VerifyDue = time.Time{} // verified since it was flagged
		}
		out = append(out, f)
	}
	return out, nil
}
